package services

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/app"
)

// commands lists the module's CLI subcommands.
func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "traffic import", Usage: "FILE|-", Run: runTrafficImport,
			Help: "Import traffic counters from CSV (service,timestamp,bytes_down,bytes_up; service = external id or service id). " +
				"Bad rows are reported with line numbers and skipped, good rows are kept; re-importing a file is safe."},
		{Name: "traffic prune", Run: runTrafficPrune,
			Help: "Delete 5-minute traffic older than traffic_fine_retention_days now (the server also does it daily)."},
		{Name: "tariff add", Usage: "--name NAME [--kind internet|tv|voip|other] [--price 499.00] [--down KBIT --up KBIT] [--fup-limit 20GB --fup-period month --fup-down KBIT --fup-up KBIT] [--hide-traffic] [--external-id ID]",
			Help: "Add a tariff, or update the one with the same --external-id.", Run: runTariffAdd},
		{Name: "tariff list", Help: "List tariffs.", Run: runTariffList},
		{Name: "service add", Usage: "--client NUMBER --tariff ID|EXTERNAL_ID --name NAME [--ip ADDR | --dhcp] [--address TEXT] [--activated YYYY-MM-DD] [--param 'Name=Value']... [--external-id ID]",
			Help: "Add a service to a client, or update the one with the same --external-id.", Run: runServiceAdd},
		{Name: "service list", Usage: "CLIENT", Help: "List a client's services (by client number), terminated ones included.", Run: runServiceList},
	}
}

// parseMoney reads "499", "499.5" or "499,50" as minor units.
func parseMoney(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e13 || math.IsNaN(f) {
		return 0, fmt.Errorf("price %q: give an amount such as 499.00", s)
	}
	return int64(math.Round(f * 100)), nil
}

// parseSize reads a byte count with an optional decimal unit: "20GB", "500 MB", "1.5TB", "1000".
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", "."), 64)
	if err != nil || f < 0 || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("size %q: give bytes or an amount such as 20GB", s)
	}
	return int64(f * mult), nil
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (f *multiFlag) String() string     { return strings.Join(*f, ", ") }
func (f *multiFlag) Set(v string) error { *f = append(*f, v); return nil }

// printf writes to a command's output; write errors to a terminal are not actionable.
func printf(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format, args...) }
