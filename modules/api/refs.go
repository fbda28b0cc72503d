package api

import (
	"github.com/ispportal/portal/internal/rpc"
)

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
