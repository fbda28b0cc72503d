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
