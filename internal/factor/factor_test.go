package factor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/settings"
)

func newDB(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(dbtest.Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := db.Migrate(context.Background(), d, core.Migrations(), settings.Migrations(), Migrations()); err != nil {
		t.Fatal(err)
	}
	return d
}

func tx(t *testing.T, d *db.DB, fn func(tx *sql.Tx) error) {
	t.Helper()
	if err := d.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// enrol enrols k at now and returns the secret.
func enrol(t *testing.T, d *db.DB, k Key, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	var e Enrolment
	tx(t, d, func(tx *sql.Tx) (err error) {
		e, err = BeginTOTP(ctx, tx, k, "Portal", "1001", now)
		return err
	})
	if !strings.HasPrefix(e.QR, "data:image/png;base64,") || !strings.Contains(e.URI, "secret="+e.Secret) {
		t.Fatalf("enrolment = %+v", e)
	}
	tx(t, d, func(tx *sql.Tx) error { return ConfirmTOTP(ctx, tx, k, Code(e.Secret, now), now) })
	return e.Secret
}

func check(t *testing.T, d *db.DB, k Key, code string, now time.Time) bool {
	t.Helper()
	var ok bool
	tx(t, d, func(tx *sql.Tx) (err error) {
		ok, err = CheckTOTP(context.Background(), tx, k, code, now)
		return err
	})
	return ok
}

// TestTOTPEnrolNeedsConfirmingCode: without the confirming code nothing is enrolled;
// a wrong one is refused; the right one enrols, and cannot be used again to log in.
func TestTOTPEnrolNeedsConfirmingCode(t *testing.T) {
	d := newDB(t)
	ctx := context.Background()
	k := Key{KindClient, 7}
	now := time.Date(2026, 12, 3, 10, 0, 5, 0, time.UTC)
	var e Enrolment
	tx(t, d, func(tx *sql.Tx) (err error) { e, err = BeginTOTP(ctx, tx, k, "Portal", "1001", now); return err })
	if st, _ := StatusOf(ctx, d.R, k); st.Enrolled() {
		t.Fatal("enrolled without the confirming code")
	}
	if check(t, d, k, Code(e.Secret, now), now) {
		t.Fatal("an unconfirmed secret logs in")
	}
	wrong := wrongCode(e.Secret, now)
	err := d.Tx(ctx, func(tx *sql.Tx) error { return ConfirmTOTP(ctx, tx, k, wrong, now) })
	if !errors.Is(err, ErrBadCode) {
		t.Fatalf("wrong confirming code: %v", err)
	}
	tx(t, d, func(tx *sql.Tx) error { return ConfirmTOTP(ctx, tx, k, Code(e.Secret, now), now) })
	if st, _ := StatusOf(ctx, d.R, k); !st.Enrolled() {
		t.Fatal("not enrolled after the confirming code")
	}
	if check(t, d, k, Code(e.Secret, now), now) {
		t.Fatal("the confirming code was accepted again")
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { _, err := BeginTOTP(ctx, tx, k, "Portal", "1001", now); return err }); !errors.Is(err, ErrEnrolled) {
		t.Fatalf("second enrolment: %v", err)
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return ConfirmTOTP(ctx, tx, k, "123456", now) }); !errors.Is(err, ErrNoEnrol) {
		t.Fatalf("confirm without enrolment: %v", err)
	}
}

// TestTOTPWindowAndReplay: with a fake clock, codes of the previous, current and next
// step work once each, in order; a code of the previous window reused, or any code of
// a step at or before the last accepted one, is refused; codes two steps away are refused.
func TestTOTPWindowAndReplay(t *testing.T) {
	d := newDB(t)
	k := Key{KindStaff, 3}
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	secret := enrol(t, d, k, t0.Add(-5*time.Minute))
	now := t0.Add(10 * time.Second)
	if check(t, d, k, Code(secret, now.Add(-60*time.Second)), now) || check(t, d, k, Code(secret, now.Add(60*time.Second)), now) {
		t.Fatal("a code two steps away was accepted")
	}
	prev := Code(secret, now.Add(-30*time.Second))
	if !check(t, d, k, prev, now) {
		t.Fatal("the previous step's code was refused")
	}
	if check(t, d, k, prev, now) || check(t, d, k, prev, now.Add(20*time.Second)) {
		t.Fatal("the previous window's code was replayed")
	}
	cur := Code(secret, now)
	if !check(t, d, k, cur, now) {
		t.Fatal("the current code was refused")
	}
	if check(t, d, k, cur, now.Add(25*time.Second)) {
		t.Fatal("the current code was replayed in the next step")
	}
	// Another account's TOTP is not consulted.
	if check(t, d, Key{KindClient, 3}, Code(secret, now.Add(30*time.Second)), now) {
		t.Fatal("a client account accepted a staff account's code")
	}
	if check(t, d, k, "12345", now) || check(t, d, k, "abcdef", now) || check(t, d, k, "", now) {
		t.Fatal("malformed code accepted")
	}
}

// TestTOTPParallelSameCode: one code sent by ten requests at once logs in once.
func TestTOTPParallelSameCode(t *testing.T) {
	d := newDB(t)
	k := Key{KindClient, 9}
	now := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	secret := enrol(t, d, k, now.Add(-time.Hour))
	code := Code(secret, now)
	var mu sync.Mutex
	wins := 0
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ok bool
			err := d.Tx(context.Background(), func(tx *sql.Tx) (err error) {
				ok, err = CheckTOTP(context.Background(), tx, k, code, now)
				return err
			})
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("one code logged in %d times", wins)
	}
}

// TestRecoveryCodes: ten codes, shown formatted, stored hashed; each works once, in
// any case and with or without dashes; regenerating kills the old ones; a code used
// by ten parallel requests works once.
func TestRecoveryCodes(t *testing.T) {
	d := newDB(t)
	ctx := context.Background()
	k := Key{KindClient, 5}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	var codes []string
	tx(t, d, func(tx *sql.Tx) (err error) { codes, err = NewRecoveryCodes(ctx, tx, k); return err })
	if len(codes) != RecoveryCount {
		t.Fatalf("%d codes", len(codes))
	}
	var stored int
	d.R.QueryRow(`SELECT COUNT(*) FROM factor_recovery WHERE code_hash LIKE '%' || ? || '%'`, strings.ReplaceAll(codes[0], "-", "")).Scan(&stored)
	if stored != 0 {
		t.Fatal("a recovery code is stored in clear")
	}
	use := func(code string) bool {
		var ok bool
		tx(t, d, func(tx *sql.Tx) (err error) { ok, err = UseRecoveryCode(ctx, tx, k, code, now); return err })
		return ok
	}
	if !use(strings.ToLower(strings.ReplaceAll(codes[0], "-", " "))) {
		t.Fatal("a typed-loosely code was refused")
	}
	if use(codes[0]) {
		t.Fatal("a recovery code worked twice")
	}
	if use("AAAA-BBBB-CCCC") || use("x") {
		t.Fatal("a made-up code worked")
	}
	if st, _ := StatusOf(ctx, d.R, k); st.RecoveryLeft != RecoveryCount-1 {
		t.Fatalf("left = %d", st.RecoveryLeft)
	}
	var other bool
	tx(t, d, func(tx *sql.Tx) (err error) {
		other, err = UseRecoveryCode(ctx, tx, Key{KindStaff, 5}, codes[1], now)
		return err
	})
	if other {
		t.Fatal("another account used the code")
	}
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ok bool
			if err := d.Tx(ctx, func(tx *sql.Tx) (err error) { ok, err = UseRecoveryCode(ctx, tx, k, codes[1], now); return err }); err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("a parallel code worked %d times", wins)
	}
	var fresh []string
	tx(t, d, func(tx *sql.Tx) (err error) { fresh, err = NewRecoveryCodes(ctx, tx, k); return err })
	if use(codes[2]) {
		t.Fatal("an old code survived regeneration")
	}
	if !use(fresh[9]) {
		t.Fatal("a new code was refused")
	}
}

// TestPendingAndReset: a pending login lives PendingTTL, belongs to one audience, is
// spent once; Reset removes every factor.
func TestPendingAndReset(t *testing.T) {
	d := newDB(t)
	ctx := context.Background()
	k := Key{KindClient, 11}
	now := time.Date(2026, 12, 3, 13, 0, 0, 0, time.UTC)
	var tok string
	tx(t, d, func(tx *sql.Tx) (err error) { tok, err = StartPending(ctx, tx, k, true, now); return err })
	if _, ok, _ := PendingFor(ctx, d.R, KindStaff, tok, now); ok {
		t.Fatal("a client's pending login served staff")
	}
	if _, ok, _ := PendingFor(ctx, d.R, KindClient, tok, now.Add(PendingTTL+time.Second)); ok {
		t.Fatal("an expired pending login served")
	}
	p, ok, err := PendingFor(ctx, d.R, KindClient, tok, now)
	if !ok || err != nil || p.Key != k || !p.Restricted {
		t.Fatalf("pending = %+v %v %v", p, ok, err)
	}
	var won1, won2 bool
	tx(t, d, func(tx *sql.Tx) (err error) { won1, err = FinishPending(ctx, tx, p); return err })
	tx(t, d, func(tx *sql.Tx) (err error) { won2, err = FinishPending(ctx, tx, p); return err })
	if !won1 || won2 {
		t.Fatalf("finish = %v, %v", won1, won2)
	}
	enrol(t, d, k, now)
	tx(t, d, func(tx *sql.Tx) error { _, err := NewRecoveryCodes(ctx, tx, k); return err })
	var had bool
	tx(t, d, func(tx *sql.Tx) (err error) { had, err = Reset(ctx, tx, k); return err })
	if st, _ := StatusOf(ctx, d.R, k); !had || st.Enrolled() || st.RecoveryLeft != 0 {
		t.Fatalf("after reset: %+v had=%v", st, had)
	}
	if !Required(PolicyAll, KindClient) || Required(PolicyStaff, KindClient) || !Required(PolicyStaff, KindStaff) ||
		Required(PolicyOptional, KindStaff) || Offered(PolicyOff) || !Offered(PolicyOptional) {
		t.Fatal("policy table")
	}
}

// wrongCode is a six-digit code that no step within Skew of now has.
func wrongCode(secret string, now time.Time) string {
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if c != Code(secret, now.Add(-Period*time.Second)) && c != Code(secret, now) && c != Code(secret, now.Add(Period*time.Second)) {
			return c
		}
	}
}
