package services

import (
	"context"
	"time"

	"github.com/ispportal/portal/modules/services/traffic"
)

// FUPStatus is a service's fair-usage state in the current FUP period.
type FUPStatus struct {
	Period   string    // day, week or month
	From, To time.Time // the current period [From, To)
	Limit    uint64    // bytes allowed in the period
	Down, Up uint64    // bytes transferred so far
	Used     uint64    // Down + Up: the FUP counts both directions
	// Over means the limit is reached and the reduced speed applies now.
	Over bool
	// Percent of the limit used, capped at 100 for the bar.
	Percent int
	// Forecast: at the average rate since From, the limit is reached at ReachAt,
	// before To; zero when it is not (or after less than forecastAfter of data).
	ReachAt time.Time
	// Forecast is true when ReachAt was computed (enough of the period has passed).
	Forecast bool
}

// forecastAfter is how much of a period must pass before its rate says anything.
const forecastAfter = time.Hour

// fupPeriod returns the calendar period containing now in loc: today, this week
// (Monday to Sunday) or this month.
func fupPeriod(period string, now time.Time, loc *time.Location) (from, to time.Time) {
	t := now.In(loc)
	y, m, d := t.Date()
	switch period {
	case FUPDay:
		from = time.Date(y, m, d, 0, 0, 0, 0, loc)
		to = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case FUPWeek:
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		from = time.Date(y, m, d-back, 0, 0, 0, 0, loc)
		to = time.Date(y, m, d-back+7, 0, 0, 0, 0, loc)
	default:
		from = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		to = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	}
	return from, to
}

// FUP computes a service's fair-usage state at now; ok is false when its tariff
// has no FUP.
func FUP(ctx context.Context, st *traffic.Store, s Service, now time.Time) (FUPStatus, bool, error) {
	t := s.Tariff
	if !t.HasFUP() {
		return FUPStatus{}, false, nil
	}
	from, to := fupPeriod(t.FUPPeriod, now, st.Location())
	// Usage counts buckets that start before its end, so the bucket now falls in
	// counts: a limit crossed a minute ago already shows.
	down, up, err := st.Usage(ctx, s.ID, from, now.Add(time.Second))
	if err != nil {
		return FUPStatus{}, true, err
	}
	f := FUPStatus{Period: t.FUPPeriod, From: from, To: to, Limit: uint64(t.FUPLimit), Down: down, Up: up, Used: down + up}
	f.Over = f.Used >= f.Limit
	f.Percent = 100
	if !f.Over {
		f.Percent = int(float64(f.Used) / float64(f.Limit) * 100) // float: no overflow on huge limits
		f.forecast(now)
	}
	return f, true, nil
}

// forecast projects the average rate since the period began: "at this rate you reach
// your 20 GB on 24 December". A straight line is what a subscriber can check against
// the meter; it says nothing until forecastAfter has passed.
func (f *FUPStatus) forecast(now time.Time) {
	elapsed := now.Sub(f.From)
	if elapsed < forecastAfter || now.After(f.To) {
		return
	}
	f.Forecast = true
	if f.Used == 0 {
		return
	}
	perSecond := float64(f.Used) / elapsed.Seconds()
	left := time.Duration(float64(f.Limit-f.Used) / perSecond * float64(time.Second))
	if at := now.Add(left); left > 0 && at.Before(f.To) {
		f.ReachAt = at
	}
}
