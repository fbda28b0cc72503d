package gdpr

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// Export is everything the portal holds about one client, gathered from every
// module of the list that declares an app.Exporter (this one gives the profile, the
// consents with their history and the module's own requests).
type Export struct {
	GeneratedAt time.Time
	Client      core.Client
	Sections    []app.ExportSection
}

// Rows counts the rows of every section: the size that decides between serving the
// export at once and building it in the background (ci_gdpr_export_sync_rows).
func (e Export) Rows() int {
	n := 0
	for _, s := range e.Sections {
		n += len(s.Rows)
	}
	return n
}

// BuildExport gathers a client's export. It only reads.
func BuildExport(ctx context.Context, d app.Deps, clientID int64) (Export, error) {
	cl, err := core.ClientByID(ctx, d.DB.R, clientID)
	if err != nil {
		return Export{}, err
	}
	e := Export{GeneratedAt: d.Now(), Client: cl}
	for _, ex := range d.Declared.Exporters() {
		secs, err := ex(ctx, d.DB.R, clientID)
		if err != nil {
			return Export{}, err
		}
		e.Sections = append(e.Sections, secs...)
	}
	return e, nil
}

// exportClient is this module's part of the export: the client's profile as the
// portal stores it, the consent history and the privacy requests and exports.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "gdpr", clientID,
		[2]string{"profile", `SELECT number, COALESCE(username, '') AS username, name, company, registration_no, vat_no,
			email, phone, mobile, street, city, postcode, country, inv_street, inv_city, inv_postcode, inv_country,
			language, created_at, updated_at FROM clients WHERE id = ?`},
		[2]string{"consents", `SELECT h.at AS at, d.title AS document, h.version AS version, h.action AS action,
			h.purposes AS purposes, h.ip AS ip, h.actor AS actor
			FROM consent_history h JOIN consent_documents d ON d.id = h.document_id WHERE h.client_id = ? ORDER BY h.id`},
		[2]string{"requests", `SELECT created_at AS created, kind, state, note, updated_at AS updated
			FROM gdpr_requests WHERE client_id = ? ORDER BY id`},
		[2]string{"exports", `SELECT requested_at AS requested, requested_by, state, COALESCE(ready_at, '') AS ready
			FROM gdpr_exports WHERE client_id = ? ORDER BY id`})
}

// jsonExport is the JSON shape of an export: sections in module order, each row an
// object of column → text.
type jsonExport struct {
	GeneratedAt  string        `json:"generated_at"`
	ClientNumber string        `json:"client_number"`
	Sections     []jsonSection `json:"sections"`
}

type jsonSection struct {
	Module string              `json:"module"`
	Name   string              `json:"name"`
	Rows   []map[string]string `json:"rows" doc:"each row an object of column name to text"`
}

// WriteJSON writes the export as indented JSON.
func WriteJSON(w io.Writer, e Export) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonOf(e))
}

// jsonOf is the JSON shape of an export (the download and clients.export).
func jsonOf(e Export) jsonExport {
	out := jsonExport{GeneratedAt: core.Now(e.GeneratedAt), ClientNumber: e.Client.Number, Sections: []jsonSection{}}
	for _, s := range e.Sections {
		js := jsonSection{Module: s.Module, Name: s.Name, Rows: make([]map[string]string, 0, len(s.Rows))}
		for _, r := range s.Rows {
			m := make(map[string]string, len(r))
			for i, col := range s.Columns {
				m[col] = r[i]
			}
			js.Rows = append(js.Rows, m)
		}
		out.Sections = append(out.Sections, js)
	}
	return out
}
