package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/themefile"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/notify"
	"github.com/ispportal/portal/modules/payments"
	"github.com/ispportal/portal/modules/requests"
	"github.com/ispportal/portal/modules/sections"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/signup"
	usagemod "github.com/ispportal/portal/modules/usage"
	"github.com/ispportal/portal/modules/vouchers"
	"github.com/ispportal/portal/settings"
)

// Shared namespaces of translation keys; every module's name is one too.
var coreNamespaces = []string{"app", "admin", "layout", "supplier", "pager", "errors", "suspended", "form", "common", "factor"}

// notKeys look like keys but are other identifiers (a Fiber Locals name). A quoted
// file name in a key's namespace ("info.md") would go here too: skipping every text
// ending in .html or .pdf skipped the real keys "info.err.html" and "invoices.pdf".
var notKeys = map[string]bool{"app.menu.extra": true,
	"usage.push": true} // the API method bench/push calls

// keyFamilies are the keys built at run time from a prefix and a value
// ("gdpr.flash_" + action, printf "services.kind.%s"): every value needs its key, and
// finding one key with the prefix would not show that.
func keyFamilies() map[string][]string {
	gdprActions := []string{gdpr.ActionGiven, gdpr.ActionChanged, gdpr.ActionWithdrawn}
	var invoiceStates []string
	for _, s := range []invoices.State{invoices.StatePaid, invoices.StateUnpaid, invoices.StateOverdue} {
		invoiceStates = append(invoiceStates, string(s))
	}
	fupPeriods := []string{services.FUPDay, services.FUPWeek, services.FUPMonth}
	var themeKinds []string
	for _, k := range themefile.Kinds {
		themeKinds = append(themeKinds, string(k))
	}
	return map[string][]string{
		"documents.kind_": {documents.KindContract, documents.KindAnnex, documents.KindOther},
		// The appearance page's upload forms, one per kind of theme file.
		"appearance.kind.":      themeKinds,
		"appearance.kind_hint.": themeKinds,
		"gdpr.action_":          gdprActions,
		"gdpr.flash_":           gdprActions,
		"gdpr.when_":            gdprActions,
		"gdpr.status_":          {gdpr.StatusNone, gdpr.StatusGiven, gdpr.StatusWithdrawn},
		// The own-data page (issue 22).
		"gdpr.export.state_":  gdpr.ExportStates,
		"gdpr.request.kind_":  gdpr.RequestKinds,
		"gdpr.request.state_": gdpr.RequestStates,
		// The data-change form's fields (info/data_form.go dataFields, unexported).
		"info.f.": {"street", "city", "postcode", "country", "inv_street", "inv_city", "inv_postcode", "inv_country",
			"email", "phone", "mobile", "company", "registration_no", "vat_no"},
		"info.staff.kind.":      {info.KindPrivate, info.KindGlobal, info.KindGroup},
		"helpdesk.staff.state.": {helpdesk.StateOpen, helpdesk.StateWaiting, helpdesk.StateClosed},
		"signup.field.":         signup.FormFields,
		"signup.state.":         signup.States,
		"invoices.filter_":      invoiceStates,
		"invoices.state_":       invoiceStates,
		"invoices.method_":      invoices.Methods,
		"payments.state_":       payments.States,
		"payments.explain_":     payments.States,
		"vouchers.staff.":       vouchers.FormFields,
		"requests.cat.":         requests.Categories,
		"requests.state.":       requests.States,
		"requests.event.":       requests.EventKinds,
		"services.kind.":        services.Kinds,
		"usage.type_":           usagemod.Types,
		"rates.col_":            {"prefix", "destination", "price"},
		"helpdesk.state_":       {helpdesk.StateOpen, helpdesk.StateWaiting, helpdesk.StateClosed},
		"sms.staff.status.":     {"queued", "sending", "sent", "failed"},
		"services.state.":       {services.StateActive, services.StateSuspended, services.StateTerminated},
		"services.fup.limit_":   fupPeriods,
		"services.fup.period_":  fupPeriods,
		"services.period.":      {"day", "week", "month", "year"},

		// Online payments: each provider's button and label, each automatic charge's state.
		"payments.pay_with_":     payments.Providers,
		"payments.provider_":     payments.Providers,
		"payments.staff.charge_": payments.ChargeStates,

		// The notifications page, card and notices (issue 23).
		"notify.topic_":          notify.Topics,
		"notify.channel_":        notify.Channels,
		"notify.status_":         notify.Statuses,
		"notify.staff.audience_": notify.Audiences,

		// Several logins per account, section overrides, report columns (issue 21).
		"people.role.":    append([]string{web.RoleOwner}, web.Roles...),
		"sections.state.": {sections.Default, sections.Show, sections.Hide},
		"usage.":          settings.UsageColumnNames,
	}
}

// minKeys is how many keys of its namespace each module uses at least (counts from
// when each module had its own copy of this test): fewer means the scan missed files.
var minKeys = map[string]int{"auth": 30, "contact": 8, "documents": 10, "files": 10, "gdpr": 30, "helpdesk": 25,
	"info": 20, "invoices": 50, "requests": 20, "services": 40, "sms": 30}

// TestTranslationsComplete fails when a key used in code or templates (or built from
// a key family) is missing from the English or Czech catalog, or when the catalogs
// differ. Each failure names the module whose locales/*.toml must change.
func TestTranslationsComplete(t *testing.T) {
	cfg := app.Config{DataDir: t.TempDir()}
	cfg.ValidateAndSetDefaults()
	e, err := app.Boot(context.Background(), cfg, slog.New(slog.DiscardHandler), time.Now, modules)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cat := e.Deps.Web.Catalog
	ns := append([]string{}, coreNamespaces...)
	isModule := map[string]bool{}
	for _, m := range e.Modules {
		ns = append(ns, m.Info().Name)
		isModule[m.Info().Name] = true
	}
	// owner names whose locales/*.toml holds a key, for the failure message.
	owner := func(key string) string {
		if n, _, _ := strings.Cut(key, "."); isModule[n] {
			return "module " + n
		}
		return "internal/web"
	}

	used, prefixes := scanKeys(t, ns)
	families := keyFamilies()
	var missing []string
	for pre, where := range prefixes {
		if vals, ok := families[pre]; ok {
			for _, v := range vals {
				used[pre+v] = where + ", family " + pre
			}
			continue
		}
		n, _, _ := strings.Cut(pre, ".")
		if isModule[n] && n != "admin" {
			// A module's families are listed so each value is checked.
			missing = append(missing, fmt.Sprintf("%s: key family %q (used in %s) is not in keyFamilies: add its values", owner(pre), pre, where))
			continue
		}
		// The console's and the shared families: at least one key has the prefix.
		for _, lang := range web.Languages {
			found := false
			for k := range cat.Keys(lang) {
				if strings.HasPrefix(k, pre) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, fmt.Sprintf("%s: %s: no key starts with %s (used in %s)", owner(pre), lang, pre, where))
			}
		}
	}
	for pre, vals := range families {
		for _, v := range vals {
			if _, ok := used[pre+v]; !ok {
				used[pre+v] = "family " + pre
			}
		}
	}

	if len(used) < 20 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	perNS := map[string]int{}
	for k := range used {
		n, _, _ := strings.Cut(k, ".")
		perNS[n]++
	}
	for n, least := range minKeys {
		if perNS[n] < least {
			t.Errorf("module %s: found only %d keys in use, want at least %d: the scan is broken", n, perNS[n], least)
		}
	}

	for k, where := range used {
		for _, lang := range web.Languages {
			if !cat.Has(lang, k) {
				missing = append(missing, fmt.Sprintf("%s: %s: %s (used in %s)", owner(k), lang, k, where))
			}
		}
	}
	for _, a := range web.Languages {
		for _, b := range web.Languages {
			for k := range cat.Keys(a) {
				if !cat.Has(b, k) {
					missing = append(missing, fmt.Sprintf("%s: %s: %s (defined in %s only)", owner(k), b, k, a))
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d translation problems:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// scanKeys reads every non-test .go and .html file of the repository and returns the
// keys it quotes and the prefixes of keys completed at run time, each with one file
// that uses it.
func scanKeys(t *testing.T, namespaces []string) (used, prefixes map[string]string) {
	t.Helper()
	alt := strings.Join(namespaces, "|")
	keyRE := regexp.MustCompile(`"((?:` + alt + `)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\.?)"`)
	// printf "services.kind.%s" in a template: the quoted text is a prefix.
	printfRE := regexp.MustCompile(`"((?:` + alt + `)\.[a-z0-9_.]*[_.])%[sdv]"`)
	used, prefixes = map[string]string{}, map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "data", "node_modules", "docs", "bin", "testdata":
				return filepath.SkipDir
			case "api", "perm", "rpc":
				// JSON-RPC method names ("services.list") and permission actions
				// ("files.write") look like keys; the API answers in JSON and has no
				// translations.
				if parent := filepath.Base(filepath.Dir(p)); parent == "modules" || parent == "internal" {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".html")) {
			return nil
		}
		// A module's API methods live in rpc.go / rpc_*.go (docs/architecture.md); their
		// names and summaries are English JSON, never translated.
		if base := filepath.Base(p); base == "rpc.go" || strings.HasPrefix(base, "rpc_") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		where, _ := filepath.Rel(root, p)
		for _, m := range printfRE.FindAllStringSubmatch(string(data), -1) {
			prefixes[m[1]] = where
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(data), -1) {
			k := m[1]
			if notKeys[k] {
				continue
			}
			// A prefix completed in Go ("gdpr.flash_" + action).
			if strings.HasSuffix(k, "_") || strings.HasSuffix(k, ".") {
				prefixes[k] = where
				continue
			}
			used[k] = where
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return used, prefixes
}
