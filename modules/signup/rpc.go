package signup

import (
	"errors"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// ListParams are the cursor of signup.list.
type ListParams struct {
	Since int64 `json:"since" validate:"gte=0" doc:"the cursor of the last sign-up already read (0: from the start)"`
	Limit int   `json:"limit" validate:"gte=0,lte=500" doc:"at most this many (default 100)"`
}

// SignupOut is a confirmed sign-up as the API returns it.
type SignupOut struct {
	Cursor       int64  `json:"cursor" doc:"its place in the order of confirmation"`
	ID           int64  `json:"id"`
	ClientID     int64  `json:"client_id" doc:"the account created (0 once the client was deleted)"`
	ClientNumber string `json:"client_number"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Currency     string `json:"currency"`
	Language     string `json:"language"`
	State        string `json:"state" doc:"pending, approved or rejected"`
	Reason       string `json:"reason" doc:"why it was rejected"`
	CreatedAt    string `json:"created_at" doc:"when the form was sent"`
	VerifiedAt   string `json:"verified_at" doc:"when the e-mail address was confirmed and the account created"`
	DecidedAt    string `json:"decided_at" doc:"empty while pending"`
	DecidedBy    string `json:"decided_by"`
}

// ListOut is a page of sign-ups and the cursor to ask with next.
type ListOut struct {
	Signups []SignupOut `json:"signups"`
	Next    int64       `json:"next" doc:"pass as since to get the following ones"`
}

// DecideParams name a sign-up to approve or reject.
type DecideParams struct {
	ID     int64  `json:"id" validate:"gt=0"`
	Reason string `json:"reason" validate:"max=500" doc:"signup.reject only: why (required there)"`
}

func out(s Signup) SignupOut {
	o := SignupOut{Cursor: s.Seq, ID: s.ID, ClientID: s.ClientID, ClientNumber: s.ClientNumber, Username: s.Username, Name: s.Name,
		Email: s.Email, Currency: s.Currency, Language: s.Language, State: s.State, Reason: s.Reason,
		CreatedAt: core.Now(s.CreatedAt), VerifiedAt: core.Now(s.VerifiedAt), DecidedBy: s.DecidedBy}
	if !s.DecidedAt.IsZero() {
		o.DecidedAt = core.Now(s.DecidedAt)
	}
	return o
}

var exSignup = SignupOut{Cursor: 12, ID: 31, ClientID: 2045, ClientNumber: "S000031", Username: "jana.n", Name: "Jana Nováková",
	Email: "jana@example.net", Currency: "CZK", Language: "cs", State: StatePending, CreatedAt: "2026-12-03T09:58:00Z",
	VerifiedAt: "2026-12-03T10:02:00Z"}

// decided maps a decision's error to the API: an unknown id is not_found naming the
// field id, the service's field errors are invalid.
func decided(s Signup, err error, id int64) (SignupOut, error) {
	if errors.Is(err, core.ErrNotFound) {
		return SignupOut{}, &rpc.AppError{Kind: "not_found", Field: "id", Message: rpc.NotFound("sign-up", id).Message}
	}
	if err != nil {
		return SignupOut{}, rpc.FromService(err, "")
	}
	return out(s), nil
}

// methods are the module's API methods; 610 puts them after the support requests'.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(610,
		rpc.Def("signup.list", perm.SignupsRead, "Lists self sign-ups confirmed after a cursor, in the order they were confirmed "+
			"(each is an account created from the template customer): the way the billing system learns of new accounts. "+
			"A sign-up's state changes later (approve, reject) do not move it in this order.",
			ListParams{Since: 11, Limit: 100}, ListOut{Signups: []SignupOut{exSignup}, Next: 12},
			func(c *rpc.Call, p *ListParams) (ListOut, error) {
				limit := p.Limit
				if limit == 0 {
					limit = 100
				}
				list, err := Since(c.Ctx, c.Q, p.Since, limit)
				res := ListOut{Signups: []SignupOut{}, Next: p.Since}
				for _, s := range list {
					res.Signups = append(res.Signups, out(s))
					res.Next = s.Seq
				}
				return res, err
			}),
		rpc.Def("signup.approve", perm.SignupsWrite, "Approves a pending sign-up: its account may log in (it is activated) "+
			"and the person is told by e-mail. Approving an approved sign-up changes nothing; a rejected or unconfirmed one "+
			"is refused (invalid, field id).",
			DecideParams{ID: 31}, SignupOut{Cursor: 12, ID: 31, ClientID: 2045, ClientNumber: "S000031", State: StateApproved},
			func(c *rpc.Call, p *DecideParams) (SignupOut, error) {
				s, err := m.Approve(c.Ctx, c.Tx, p.ID, c.Actor(), c.Now)
				return decided(s, err, p.ID)
			}),
		rpc.Def("signup.reject", perm.SignupsWrite, "Rejects a pending or approved sign-up with a reason: the account is "+
			"deactivated (its login stops working, its sessions end) and the person is told by e-mail with the reason.",
			DecideParams{ID: 31, Reason: "Address outside our network"},
			SignupOut{Cursor: 12, ID: 31, ClientID: 2045, ClientNumber: "S000031", State: StateRejected, Reason: "Address outside our network"},
			func(c *rpc.Call, p *DecideParams) (SignupOut, error) {
				s, err := m.Reject(c.Ctx, c.Tx, p.ID, p.Reason, c.Actor(), c.Now)
				return decided(s, err, p.ID)
			}),
	)
}
