package services

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/services/traffic"
)

// runCmd runs one of the module's CLI commands against the test portal.
func runCmd(t *testing.T, f *fixture, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	for _, c := range New(f.env.Deps).Info().Commands {
		if c.Name == name {
			err = c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
			return out.String(), errb.String(), err
		}
	}
	t.Fatalf("no command %q", name)
	return
}

func TestTrafficImportCSV(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now()
	ts := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	id := strconv.FormatInt(f.netIP, 10)
	csv := strings.Join([]string{
		"service,timestamp,bytes_down,bytes_up",
		"ext-net," + ts(-20*time.Minute) + ",1000000,100000",                                 // 2: by external id
		id + "," + ts(-15*time.Minute) + ",2000000,200000",                                   // 3: by portal id
		id + ",yesterday,5,5",                                                                // 4: bad timestamp
		id + "," + ts(-10*time.Minute) + ",-5,0",                                             // 5: negative counter
		"nosuch," + ts(-10*time.Minute) + ",1,1",                                             // 6: unknown service
		"999999," + ts(-10*time.Minute) + ",1,1",                                             // 7: unknown service id
		id + "," + ts(-10*time.Minute) + ",3000000",                                          // 8: too few columns
		id + "," + ts(-10*time.Minute) + ",abc,1",                                            // 9: not a number
		id + "," + ts(-7*time.Minute) + ",900000000000000000,1",                              // 10: absurd jump
		id + "," + strconv.FormatInt(now.Add(-5*time.Minute).Unix(), 10) + ",4000000,400000", // 11: Unix seconds
		"",
	}, "\n")
	file := filepath.Join(t.TempDir(), "counters.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, err := runCmd(t, f, "traffic import", file)
	if err == nil || !strings.Contains(err.Error(), "7 rows skipped") {
		t.Fatalf("import error %v", err)
	}
	if !strings.Contains(out, "Rows read: 10, stored: 3, duplicates ignored: 0, skipped: 7") {
		t.Fatalf("summary: %s\n%s", out, errs)
	}
	for _, want := range []string{"line 4: bad timestamp", "line 5: negative bytes_down", `line 6: unknown service "nosuch"`,
		`line 7: unknown service "999999"`, "line 8: expected 4 columns, got 3", "line 9: bad number in bytes_down",
		"line 10: implausible traffic"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
	// The good rows are stored: 3 MB down over the three accepted counters.
	down, up, err := TrafficStore(f.env.Deps).Usage(context.Background(), f.netIP, now.Add(-time.Hour), now.Add(time.Minute))
	if err != nil || down != 3_000_000 || up != 300_000 {
		t.Fatalf("usage %d/%d %v", down, up, err)
	}

	// Importing the same file again stores nothing new.
	out, _, _ = runCmd(t, f, "traffic import", file)
	if !strings.Contains(out, "stored: 0, duplicates ignored: 3, skipped: 7") {
		t.Fatalf("re-import: %s", out)
	}
	down2, _, _ := TrafficStore(f.env.Deps).Usage(context.Background(), f.netIP, now.Add(-time.Hour), now.Add(time.Minute))
	if down2 != down {
		t.Fatalf("re-import changed usage %d -> %d", down, down2)
	}

	// A clean file exits zero; a counter reset adds the new value, never negative traffic.
	clean := "service,timestamp,bytes_down,bytes_up\next-net," + ts(0) + ",500,50\n"
	if err := os.WriteFile(file, []byte(clean), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, f, "traffic import", file); err != nil {
		t.Fatal(err)
	}
	down3, _, _ := TrafficStore(f.env.Deps).Usage(context.Background(), f.netIP, now.Add(-time.Hour), now.Add(time.Minute))
	if down3 != down+500 {
		t.Fatalf("after reset: %d, want %d", down3, down+500)
	}

	// Bad invocations fail with a message.
	if _, _, err := runCmd(t, f, "traffic import"); err == nil {
		t.Fatal("no file accepted")
	}
	if _, _, err := runCmd(t, f, "traffic import", filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Fatal("missing file accepted")
	}
	if err := os.WriteFile(file, []byte("a,b,c\n1,2,3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, f, "traffic import", file); err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("bad header: %v", err)
	}
}

func TestTrafficPrune(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now()
	f.ingest(t, steady(f.netIP, now.Add(-60*24*time.Hour), 24, 1_000_000))
	f.ingest(t, steady(f.netIP, now, 24, 1_000_000)[1:])
	f.env.Set("traffic_fine_retention_days", "30")
	out, _, err := runCmd(t, f, "traffic prune")
	if err != nil || strings.Contains(out, "Deleted 0 ") {
		t.Fatalf("prune: %q %v", out, err)
	}
	st := TrafficStore(f.env.Deps)
	// The old day's 5-minute detail is gone and its hourly total stays; the recent
	// detail stays.
	old := now.Add(-60 * 24 * time.Hour)
	if s, _ := st.Series(context.Background(), f.netIP, traffic.Day, old); s.TotalDown != 0 {
		t.Fatalf("old 5-minute data left: %d", s.TotalDown)
	}
	if s, _ := st.Series(context.Background(), f.netIP, traffic.Week, old); s.TotalDown != 24_000_000 {
		t.Fatalf("old hourly data: %d", s.TotalDown)
	}
	if s, _ := st.Series(context.Background(), f.netIP, traffic.Day, now); s.TotalDown != 24_000_000 {
		t.Fatalf("recent data: %d", s.TotalDown)
	}
	out, _, _ = runCmd(t, f, "traffic prune")
	if !strings.Contains(out, "Deleted 0 ") {
		t.Fatalf("second prune: %s", out)
	}
}
