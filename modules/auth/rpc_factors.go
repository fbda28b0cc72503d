package auth

import (
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// SecondFactorOut is a client's second factors as the API shows them: never a
// secret or a code.
type SecondFactorOut struct {
	ClientID int64 `json:"client_id"`
	FactorStatus
}

// FactorReset says whether a reset removed anything.
type FactorReset struct {
	ClientID int64 `json:"client_id"`
	Removed  bool  `json:"removed" doc:"false when the client had no second factor (nothing changed, no mail)"`
}

// factorMethods read and reset a client's second factor (staff roles only: the
// billing system's machine account has neither action). They sort after
// clients.lockState in the reference.
func (m *Module) factorMethods() []*rpc.Method {
	get := rpc.Def("clients.secondFactor", perm.FactorsRead, "Returns which second factors a client has (authenticator app since when, "+
		"unused recovery codes) and the policy ci_second_factor. Never a secret or a code.",
		rpc.ClientRef{ExternalID: "CRM-000123"},
		SecondFactorOut{ClientID: 42, FactorStatus: FactorStatus{TOTP: true, TOTPSince: "2026-11-02T10:00:00Z", RecoveryLeft: 9, Policy: "optional"}},
		func(c *rpc.Call, p *rpc.ClientRef) (SecondFactorOut, error) {
			cl, err := rpc.ClientOf(c, *p)
			if err != nil {
				return SecondFactorOut{}, err
			}
			st, err := SecondFactorStatus(c.Ctx, m.d, cl.ID)
			return SecondFactorOut{ClientID: cl.ID, FactorStatus: st}, err
		})
	reset := rpc.OwnTx(rpc.Def("clients.resetSecondFactor", perm.FactorsWrite, "Removes every second factor of a client (authenticator app, "+
		"recovery codes) after they lost them; their next login needs only the password (or leads to enrolment when "+
		"ci_second_factor requires one). Audited as factor.reset and mailed to the client (mail template second_factor_reset).",
		rpc.ClientRef{ExternalID: "CRM-000123"}, FactorReset{ClientID: 42, Removed: true},
		func(c *rpc.Call, p *rpc.ClientRef) (FactorReset, error) {
			cl, err := rpc.ClientOf(c, *p)
			if err != nil {
				return FactorReset{}, err
			}
			removed, err := ResetSecondFactor(c.Ctx, m.d, cl.ID, c.Actor(), c.IP)
			if err != nil {
				return FactorReset{}, err
			}
			c.Audit(cl.ID, "second factor reset (removed: %v)", removed)
			return FactorReset{ClientID: cl.ID, Removed: removed}, nil
		}))
	get.Order, reset.Order = 144, 146
	return []*rpc.Method{get, reset}
}
