package payments

import (
	"context"
	"errors"
	"fmt"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// AutopayOut is a client's autopay as the API shows it.
type AutopayOut struct {
	ClientID int64  `json:"client_id"`
	On       bool   `json:"on" doc:"a saved method charges due invoices"`
	Method   string `json:"method" doc:"the saved method as the subscriber sees it (visa •••• 4242); empty: none"`
	State    string `json:"state" doc:"the saved method's state (setup: waiting for the provider; active); empty: none"`
	Since    string `json:"since" doc:"when it was saved (RFC 3339); empty: none"`
}

// AutopayOffOut says whether the call removed a saved method.
type AutopayOffOut struct {
	ClientID int64 `json:"client_id"`
	Removed  bool  `json:"removed" doc:"false: the client had no saved method (nothing changed)"`
}

// autopayOf is a client's autopay now (read through q).
func autopayOf(ctx context.Context, q core.Querier, clientID int64) (AutopayOut, error) {
	out := AutopayOut{ClientID: clientID}
	md, err := MandateOf(ctx, q, clientID)
	if errors.Is(err, core.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.On, out.Method, out.State, out.Since = md.State == mandateActive, md.Label, md.State, core.Now(md.CreatedAt)
	return out, nil
}

// autopayMethods are the API's view of autopay: the billing system sees whether a
// client pays automatically and can switch it off (as the console's button does).
func (m *Module) autopayMethods() [2]*rpc.Method {
	return [2]*rpc.Method{
		rpc.Def("payments.autopay", perm.PaymentsRead, "Returns whether a client pays automatically, and the saved method.",
			rpc.ClientRef{ExternalID: "CRM-000123"},
			AutopayOut{ClientID: 42, On: true, Method: "visa •••• 4242", State: mandateActive, Since: "2026-11-02T10:00:00Z"},
			func(c *rpc.Call, p *rpc.ClientRef) (AutopayOut, error) {
				cl, err := rpc.ClientOf(c, *p)
				if err != nil {
					return AutopayOut{}, err
				}
				return autopayOf(c.Ctx, c.Q, cl.ID)
			}),
		rpc.OwnTx(rpc.Def("payments.autopayOff", perm.PaymentsWrite, "Switches a client's autopay off: the saved method is removed "+
			"(detached at the provider) and no invoice is charged automatically any more. Idempotent.",
			rpc.ClientRef{ExternalID: "CRM-000123"}, AutopayOffOut{ClientID: 42, Removed: true},
			func(c *rpc.Call, p *rpc.ClientRef) (AutopayOffOut, error) {
				cl, err := rpc.ClientOf(c, *p)
				if err != nil {
					return AutopayOffOut{}, err
				}
				err = m.RemoveMandate(c.Ctx, cl.ID, c.Actor(), c.IP)
				if errors.Is(err, core.ErrNotFound) {
					return AutopayOffOut{ClientID: cl.ID}, nil
				}
				if err != nil {
					return AutopayOffOut{}, err
				}
				c.Audit(cl.ID, "autopay off")
				return AutopayOffOut{ClientID: cl.ID, Removed: true}, nil
			})),
	}
}

// commands are the module's CLI commands.
func (m *Module) commands() []app.Command {
	return []app.Command{{Name: "client autopay", Usage: "CLIENT [--off]",
		Help: "show whether a client pays automatically; --off removes the saved method", Run: m.runAutopay}}
}

func (m *Module) runAutopay(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	const command = "client autopay"
	fs := app.Flags(command, io)
	off := fs.Bool("off", false, "switch autopay off (remove the saved method)")
	rest, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	cl, err := app.OneClient(ctx, d, command, rest)
	if err != nil {
		return err
	}
	if *off {
		err := m.RemoveMandate(ctx, cl.ID, "cli", "")
		switch {
		case errors.Is(err, core.ErrNotFound):
			fmt.Fprintf(io.Out, "Client %s has no saved payment method; autopay is off.\n", cl.Number)
			return nil
		case err != nil:
			return app.CommandError(command, err)
		}
		fmt.Fprintf(io.Out, "Client %s: saved payment method removed, autopay is off.\n", cl.Number)
		return nil
	}
	a, err := autopayOf(ctx, d.DB.R, cl.ID)
	if err != nil {
		return err
	}
	if a.Method == "" {
		fmt.Fprintf(io.Out, "Client %s: autopay off, no saved payment method.\n", cl.Number)
		return nil
	}
	state := "on"
	if !a.On {
		state = "off until the provider confirms the method"
	}
	fmt.Fprintf(io.Out, "Client %s: autopay %s, %s (%s, saved %s).\n", cl.Number, state, a.Method, a.State, a.Since)
	return nil
}
