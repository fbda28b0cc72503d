package gdpr

import (
	"errors"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// ConsentDocRef names a GDPR consent document.
type ConsentDocRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// ConsentDocFields are a new consent document.
type ConsentDocFields struct {
	ExternalID string   `json:"external_id" validate:"required,max=64" doc:"the key of idempotent writes"`
	Title      string   `json:"title" validate:"required,max=300"`
	Text       string   `json:"text" validate:"required,max=204800" text:"multiline" doc:"HTML (sanitised when shown); version 1"`
	Purposes   []string `json:"purposes" validate:"max=20,dive,required,max=200" doc:"what the client can agree to separately (e.g. E-mail, SMS); none: a plain I agree"`
}

// ConsentNewVersionParams publish a new text of a consent document.
type ConsentNewVersionParams struct {
	ConsentDocRef
	Text string `json:"text" validate:"required,max=204800" text:"multiline" doc:"HTML; the same text as the current version publishes nothing (idempotent)"`
}

// ConsentDocOut is a consent document in its current version.
type ConsentDocOut struct {
	ID         int64     `json:"id"`
	ExternalID string    `json:"external_id"`
	Title      string    `json:"title"`
	Version    int       `json:"version"`
	Text       string    `json:"text"`
	Active     bool      `json:"active" doc:"false: retired, offered only to clients who acted on it"`
	Purposes   []string  `json:"purposes"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// ConsentVersion is the outcome of consentDocuments.newVersion.
type ConsentVersion struct {
	ID      int64 `json:"id"`
	Version int   `json:"version" doc:"the current version after the call"`
	Created bool  `json:"created" doc:"false: the text was already current; nothing changed"`
}

// ConsentHistoryParams choose a client's consent history.
type ConsentHistoryParams struct {
	rpc.ClientOnly
	DocumentID         int64  `json:"document_id" validate:"gte=0" doc:"only this document, by portal id..."`
	DocumentExternalID string `json:"document_external_id" validate:"max=64" doc:"...or external id; neither: every document"`
}

// ConsentEntryOut is one action of a client's consent history.
type ConsentEntryOut struct {
	ID            int64     `json:"id"`
	DocumentID    int64     `json:"document_id"`
	DocumentTitle string    `json:"document_title"`
	Seq           int       `json:"seq"`
	Version       int       `json:"version" doc:"the text version the action was made on"`
	Action        string    `json:"action" doc:"given, changed or withdrawn"`
	Purposes      []string  `json:"purposes" doc:"agreed after this action"`
	At            time.Time `json:"at"`
	IP            string    `json:"ip"`
	UserAgent     string    `json:"user_agent"`
	Actor         string    `json:"actor"`
}

// ConsentOut is a client's consent state for one GDPR consent document.
type ConsentOut struct {
	DocumentID         int64     `json:"document_id"`
	DocumentExternalID string    `json:"document_external_id"`
	Title              string    `json:"title"`
	Status             string    `json:"status" doc:"none, given or withdrawn"`
	Version            int       `json:"version"`
	Purposes           []string  `json:"purposes"`
	At                 time.Time `json:"at"`
}

// Lists of the consent methods.
type (
	ConsentDocList struct {
		Documents []ConsentDocOut `json:"documents"`
	}
	ConsentHistoryOut struct {
		Entries []ConsentEntryOut `json:"entries"`
	}
	ConsentList struct {
		Consents []ConsentOut `json:"consents"`
	}
)

func consentDocOut(d Document) ConsentDocOut {
	out := ConsentDocOut{ID: d.ID, ExternalID: d.ExternalID, Title: d.Title, Version: d.Version, Text: d.Text, Active: d.Active,
		Purposes: make([]string, 0, len(d.Purposes)), UpdatedAt: d.UpdatedAt.UTC()}
	for _, p := range d.Purposes {
		out.Purposes = append(out.Purposes, p.Name)
	}
	return out
}

var exConsentDoc = ConsentDocFields{ExternalID: "GDPR-MARKETING", Title: "Marketing consent",
	Text: "<p>We may send you offers of our services.</p>", Purposes: []string{"E-mail", "SMS"}}

// methods are the module's API methods at their places in the reference
// (docs/api.md): gdpr.consentState among the client content (440), the consent
// documents and the history after files.add (460...).
func (m *Module) methods() []*rpc.Method {
	return append(append(rpc.Ordered(440,
		rpc.Def("gdpr.consentState", perm.ConsentsRead, "Returns a client's current consent state for every GDPR consent document.",
			rpc.ClientOnly{ClientExternalID: "CRM-000123"},
			ConsentList{[]ConsentOut{{DocumentID: 1, DocumentExternalID: "GDPR-MARKETING", Title: "Marketing consent", Status: "given",
				Version: 2, Purposes: []string{"newsletter"}, At: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)}}},
			func(c *rpc.Call, p *rpc.ClientOnly) (ConsentList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return ConsentList{}, err
				}
				list, err := ConsentState(c.Ctx, c.Q, cl.ID)
				out := ConsentList{Consents: make([]ConsentOut, 0, len(list))}
				for _, s := range list {
					ps := s.Purposes
					if ps == nil {
						ps = []string{}
					}
					out.Consents = append(out.Consents, ConsentOut{DocumentID: s.Document.ID, DocumentExternalID: s.Document.ExternalID,
						Title: s.Document.Title, Status: s.Status, Version: s.Version, Purposes: ps, At: s.At.UTC()})
				}
				return out, err
			})),
		rpc.Ordered(460,
			rpc.Def("consentDocuments.list", perm.ConsentsRead, "Lists the GDPR consent documents in their current versions, retired ones included.",
				struct{}{}, ConsentDocList{[]ConsentDocOut{{ID: 1, ExternalID: exConsentDoc.ExternalID, Title: exConsentDoc.Title, Version: 2,
					Text: exConsentDoc.Text, Active: true, Purposes: exConsentDoc.Purposes, UpdatedAt: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)}}},
				func(c *rpc.Call, _ *struct{}) (ConsentDocList, error) {
					list, err := ListDocuments(c.Ctx, c.Q)
					out := ConsentDocList{Documents: make([]ConsentDocOut, 0, len(list))}
					for _, d := range list {
						out.Documents = append(out.Documents, consentDocOut(d))
					}
					return out, err
				}),
			rpc.Def("consentDocuments.add", perm.ConsentsWrite, "Publishes a consent document in version 1 with its purposes. Idempotent on external_id: "+
				"a document that exists is left as it is (created false); its text changes only through consentDocuments.newVersion, "+
				"because clients' consents refer to the text they saw.",
				exConsentDoc, rpc.Saved{ID: 1, Created: true},
				func(c *rpc.Call, p *ConsentDocFields) (rpc.Saved, error) {
					if d, err := DocumentByExternalID(c.Ctx, c.Q, p.ExternalID); err == nil {
						if strings.TrimSpace(d.Text) != strings.TrimSpace(p.Text) || d.Title != strings.TrimSpace(p.Title) {
							c.Message("document exists (version %d) and was not changed; publish a new text with consentDocuments.newVersion", d.Version)
						}
						c.Audit(0, "consent document external_id=%s exists", p.ExternalID)
						return rpc.Saved{ID: d.ID}, nil
					} else if !errors.Is(err, core.ErrNotFound) {
						return rpc.Saved{}, err
					}
					id, err := AddDocument(c.Ctx, c.Tx, p.ExternalID, p.Title, p.Text, p.Purposes, c.Now)
					if err != nil {
						return rpc.Saved{}, refusal(err)
					}
					c.Audit(0, "consent document external_id=%s created", p.ExternalID)
					return rpc.Saved{ID: id, Created: true}, nil
				}),
			rpc.Def("consentDocuments.newVersion", perm.ConsentsWrite, "Publishes a new text of a consent document; clients who agreed to an older version "+
				"are asked to review it. Sending the current text again changes nothing.",
				ConsentNewVersionParams{ConsentDocRef: ConsentDocRef{ExternalID: "GDPR-MARKETING"}, Text: "<p>We may send you offers of our services and of our partners.</p>"},
				ConsentVersion{ID: 1, Version: 2, Created: true},
				func(c *rpc.Call, p *ConsentNewVersionParams) (ConsentVersion, error) {
					d, err := consentDoc(c, p.ConsentDocRef)
					if err != nil {
						return ConsentVersion{}, err
					}
					if strings.TrimSpace(d.Text) == strings.TrimSpace(p.Text) {
						c.Message("text unchanged; version %d stays current", d.Version)
						c.Audit(0, "consent document %d unchanged", d.ID)
						return ConsentVersion{ID: d.ID, Version: d.Version}, nil
					}
					v, err := NewVersion(c.Ctx, c.Tx, d.ID, p.Text, c.Now)
					if err != nil {
						return ConsentVersion{}, refusal(err)
					}
					c.Audit(0, "consent document %d version %d", d.ID, v)
					return ConsentVersion{ID: d.ID, Version: v, Created: true}, nil
				}),
			rpc.Def("gdpr.history", perm.ConsentsRead, "Returns a client's consent history (every give, change and withdrawal with time, address and actor), oldest first.",
				ConsentHistoryParams{ClientOnly: rpc.ClientOnly{ClientExternalID: "CRM-000123"}, DocumentExternalID: "GDPR-MARKETING"},
				ConsentHistoryOut{[]ConsentEntryOut{{ID: 5, DocumentID: 1, DocumentTitle: "Marketing consent", Seq: 1, Version: 1, Action: "given",
					Purposes: []string{"E-mail"}, At: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC), IP: "192.0.2.10",
					UserAgent: "Mozilla/5.0", Actor: "client"}}},
				func(c *rpc.Call, p *ConsentHistoryParams) (ConsentHistoryOut, error) {
					cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
					if err != nil {
						return ConsentHistoryOut{}, err
					}
					var docID int64
					if p.DocumentID != 0 || p.DocumentExternalID != "" {
						d, err := consentDoc(c, ConsentDocRef{ID: p.DocumentID, ExternalID: p.DocumentExternalID})
						if err != nil {
							return ConsentHistoryOut{}, err
						}
						docID = d.ID
					}
					list, err := ConsentHistory(c.Ctx, c.Q, cl.ID, docID)
					out := ConsentHistoryOut{Entries: make([]ConsentEntryOut, 0, len(list))}
					for _, e := range list {
						ps := e.Purposes
						if ps == nil {
							ps = []string{}
						}
						out.Entries = append(out.Entries, ConsentEntryOut{ID: e.ID, DocumentID: e.DocumentID, DocumentTitle: e.DocumentTitle,
							Seq: e.Seq, Version: e.Version, Action: e.Action, Purposes: ps, At: e.At.UTC(), IP: e.IP, UserAgent: e.UserAgent, Actor: e.Actor})
					}
					return out, err
				}),
		)...), m.privacyMethods()...)
}

// refusal answers a document the store's checks refused as invalid on the field
// they name; anything else (storage) passes unchanged and becomes an internal error
// without its text.
func refusal(err error) error { return rpc.FromService(err, "") }

func consentDoc(c *rpc.Call, ref ConsentDocRef) (Document, error) {
	if ref.ID != 0 {
		d, err := DocumentByID(c.Ctx, c.Q, ref.ID)
		return d, rpc.AsApp(err, "consent document", ref.ID)
	}
	d, err := DocumentByExternalID(c.Ctx, c.Q, ref.ExternalID)
	return d, rpc.AsApp(err, "consent document with external_id", ref.ExternalID)
}
