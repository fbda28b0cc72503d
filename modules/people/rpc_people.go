package people

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// PersonOut is an invited person as the API returns them.
type PersonOut struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Login     string `json:"login" doc:"empty until the invitation is accepted"`
	Role      string `json:"role" doc:"billing, technical or readonly"`
	Active    bool   `json:"active"`
	Pending   bool   `json:"pending" doc:"the invitation is not accepted yet"`
	CreatedAt string `json:"created_at"`
	LastLogin string `json:"last_login" doc:"empty: never"`
}

// PeopleList is the return of people.list.
type PeopleList struct {
	People []PersonOut `json:"people"`
}

// InviteParams are people.invite's parameters.
type InviteParams struct {
	rpc.ClientOnly
	Email string `json:"email" validate:"required,max=254"`
	Role  string `json:"role" validate:"required,max=20" doc:"billing, technical or readonly"`
}

// UpdateParams are people.update's parameters: role, active or both.
type UpdateParams struct {
	rpc.ClientOnly
	ID     int64  `json:"id" validate:"gte=0" doc:"the person's id (0, the account holder, is refused)"`
	Role   string `json:"role" validate:"max=20" doc:"empty: unchanged"`
	Active *bool  `json:"active" doc:"absent: unchanged"`
}

// PersonParams name one person of a client's account.
type PersonParams struct {
	rpc.ClientOnly
	ID int64 `json:"id" validate:"gte=0"`
}

// apiError maps the service's errors that name no field to the API's invalid.
func apiError(err error) error {
	for _, e := range []error{ErrNoSender, ErrNoBaseURL, ErrInactive} {
		if errors.Is(err, e) {
			return rpc.Invalid("client_id", e.Error())
		}
	}
	return rpc.FromService(err, "")
}

// methods are the API's people.* methods.
func (m *Module) methods() []*rpc.Method {
	client := rpc.ClientOnly{ClientID: 7}
	return rpc.Ordered(470,
		rpc.Def("people.list", perm.PeopleRead, "Lists the people a client invited to log in to their account, with role, state and last login.",
			client, PeopleList{[]PersonOut{{ID: 3, Email: "accounts@example.cz", Login: "novak-ucetni", Role: "billing", Active: true,
				CreatedAt: "2026-11-02 10:00:00", LastLogin: "2026-12-01 08:12:40"}}},
			func(c *rpc.Call, p *rpc.ClientOnly) (PeopleList, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return PeopleList{}, err
				}
				ps, err := List(c.Ctx, c.Q, id)
				out := PeopleList{People: []PersonOut{}}
				for _, x := range ps {
					o := PersonOut{ID: x.ID, Email: x.Email, Login: x.Login, Role: x.Role, Active: x.Active, Pending: x.Pending(),
						CreatedAt: x.CreatedAt.Format("2006-01-02 15:04:05")}
					if !x.LastLogin.IsZero() {
						o.LastLogin = x.LastLogin.Format("2006-01-02 15:04:05")
					}
					out.People = append(out.People, o)
				}
				return out, err
			}),
		rpc.Def("people.invite", perm.PeopleWrite, "Invites a person by e-mail to log in to a client's account with a role "+
			"(billing, technical, readonly); they get a link, valid 72 hours and once, to choose their login name and password.",
			InviteParams{ClientOnly: client, Email: "accounts@example.cz", Role: "billing"}, rpc.Saved{ID: 3, Created: true},
			func(c *rpc.Call, p *InviteParams) (rpc.Saved, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return rpc.Saved{}, err
				}
				person, detail, err := InviteTx(c.Ctx, m.d, c.Tx, id, p.Email, p.Role, c.Actor())
				if err != nil {
					return rpc.Saved{}, apiError(err)
				}
				c.Audit(id, "%s", detail)
				c.AfterCommit = m.d.KickMail
				return rpc.Saved{ID: person.ID, Created: true}, nil
			}),
		rpc.Def("people.update", perm.PeopleWrite, "Changes an invited person's role and/or disables or enables their login; "+
			"their sessions end.",
			UpdateParams{ClientOnly: client, ID: 3, Role: "readonly"}, rpc.Saved{ID: 3},
			func(c *rpc.Call, p *UpdateParams) (rpc.Saved, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return rpc.Saved{}, err
				}
				var changes []Change
				if p.Role != "" {
					changes = append(changes, SetRole(p.Role))
				}
				if p.Active != nil {
					changes = append(changes, SetActive(*p.Active))
				}
				if len(changes) == 0 {
					return rpc.Saved{}, rpc.Invalid("role", "give role or active")
				}
				var details []string
				for _, ch := range changes {
					detail, err := ch(c.Ctx, c.Tx, id, p.ID)
					if err != nil {
						return rpc.Saved{}, apiError(err)
					}
					details = append(details, detail)
				}
				c.Audit(id, "%s", strings.Join(details, "; "))
				return rpc.Saved{ID: p.ID}, nil
			}),
		m.changeMethod("people.remove", "Removes an invited person: their login, sessions and any pending invitation.", Remove),
		m.changeMethod("people.unlock", "Clears an invited person's login lockout.", Unlock),
	)
}

func (m *Module) changeMethod(name, summary string, ch Change) *rpc.Method {
	return rpc.Def(name, perm.PeopleWrite, summary, PersonParams{ClientOnly: rpc.ClientOnly{ClientID: 7}, ID: 3}, rpc.Saved{ID: 3},
		func(c *rpc.Call, p *PersonParams) (rpc.Saved, error) {
			id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
			if err != nil {
				return rpc.Saved{}, err
			}
			detail, err := ch(c.Ctx, c.Tx, id, p.ID)
			if err != nil {
				return rpc.Saved{}, apiError(err)
			}
			c.Audit(id, "%s", detail)
			return rpc.Saved{ID: p.ID}, nil
		})
}
