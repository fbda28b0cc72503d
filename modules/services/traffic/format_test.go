package traffic

import "testing"

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		lang string
		want string
	}{
		{0, "en", "0 B"},
		{999, "en", "999 B"},
		{1000, "en", "1 kB"},
		{1500, "en", "1.5 kB"},
		{1_500_000_000, "en", "1.5 GB"},
		{1_500_000_000, "cs", "1,5 GB"},
		{1_500_000_000, "cs-CZ", "1,5 GB"},
		{25_340_000, "en", "25.3 MB"},
		{120_400_000, "en", "120 MB"},
		{999_999_999, "en", "1 GB"},
		{2_000_000_000_000, "xx", "2 TB"},
		{18_446_744_073_709_551_615, "en", "18.4 EB"},
	} {
		if got := FormatBytes(tc.n, tc.lang); got != tc.want {
			t.Errorf("FormatBytes(%d, %q) = %q, want %q", tc.n, tc.lang, got, tc.want)
		}
	}
	if got := FormatBits(12_500_000, "cs"); got != "12,5 Mbit/s" {
		t.Errorf("FormatBits = %q", got)
	}
}
