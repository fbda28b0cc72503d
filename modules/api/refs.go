package api

import (
	"time"

	"github.com/ispportal/portal/internal/rpc"
)

// The API's remaining methods name clients and days as every module's methods do
// (internal/rpc/refs.go).

func day(t time.Time) string      { return rpc.Day(t) }
func parseDay(s string) time.Time { return rpc.ParseDay(s) }

func clientID(c *rpc.Call, id int64, ext string) (int64, error) { return rpc.ClientID(c, id, ext) }

// The references and results shared by the methods of every module live in
// internal/rpc; these names keep the methods still written here unchanged.
type (
	ClientRef = rpc.ClientRef
	Saved     = rpc.Saved
)

var (
	client       = rpc.ClientOf
	idByExternal = rpc.IDByExternal
)

// Deleted says whether a delete removed a row (false: it was already absent). The
// methods still written here spell it unkeyed, which vet refuses for rpc.Deleted.
type Deleted struct {
	Deleted bool `json:"deleted"`
}
