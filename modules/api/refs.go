package api

import (
	"time"

	"github.com/ispportal/portal/internal/rpc"
)

// The messages methods still written here (content.go) name clients and days as every
// module's methods do (internal/rpc/refs.go); these names go with them when they move
// to the info module.

func day(t time.Time) string      { return rpc.Day(t) }
func parseDay(s string) time.Time { return rpc.ParseDay(s) }

func clientID(c *rpc.Call, id int64, ext string) (int64, error) { return rpc.ClientID(c, id, ext) }

// Saved is rpc.Saved under the name content.go uses.
type Saved = rpc.Saved

var idByExternal = rpc.IDByExternal

// Deleted says whether a delete removed a row (false: it was already absent).
// content.go spells it unkeyed, which vet refuses for rpc.Deleted.
type Deleted struct {
	Deleted bool `json:"deleted"`
}
