package fgsspec

import (
	"testing"
	"time"
	_ "time/tzdata" // CRON_TZ zones whatever the system has
)

var utc8 = time.FixedZone("UTC+8", 8*3600)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Next, for every kind of schedule: rates, @every, cron fields in the
// region's zone or CRON_TZ's, the day rule, months without the day, and
// a change of daylight saving time.
func TestScheduleNext(t *testing.T) {
	for _, tc := range []struct {
		typ, schedule, after, want string
	}{
		{"Rate", "5m", "2026-03-01T10:07:30+08:00", "2026-03-01T10:12:30+08:00"},
		{"Rate", "2h", "2026-03-01T10:07:30.5+08:00", "2026-03-01T12:07:30+08:00"},
		{"Rate", "1d", "2026-03-01T10:00:00+08:00", "2026-03-02T10:00:00+08:00"},
		{"Cron", "@every 1h30m", "2026-03-01T10:00:00+08:00", "2026-03-01T11:30:00+08:00"},
		{"Cron", "@every 10ms", "2026-03-01T10:00:00+08:00", "2026-03-01T10:00:01+08:00"},
		{"Cron", "0 0 2 * * ?", "2026-03-01T01:59:00+08:00", "2026-03-01T02:00:00+08:00"},
		{"Cron", "0 0 2 * * ?", "2026-03-01T02:00:00+08:00", "2026-03-02T02:00:00+08:00"},
		{"Cron", "0 */15 * * * *", "2026-03-01T10:07:30+08:00", "2026-03-01T10:15:00+08:00"},
		{"Cron", "0 0/20 9-10 * * *", "2026-03-01T10:45:00+08:00", "2026-03-02T09:00:00+08:00"},
		{"Cron", "30 * * * *", "2026-03-01T10:00:10+08:00", "2026-03-01T10:00:30+08:00"},
		{"Cron", "0 0 12 ? * MON-FRI", "2026-03-06T13:00:00+08:00", "2026-03-09T12:00:00+08:00"}, // a Friday
		{"Cron", "0 0 0 1 * MON", "2026-03-01T00:00:00+08:00", "2026-03-02T00:00:00+08:00"},      // either day field
		{"Cron", "0 0 0 ? JAN,jul *", "2026-03-01T00:00:00+08:00", "2026-07-01T00:00:00+08:00"},
		{"Cron", "0 0 0 29 2 ?", "2026-03-01T00:00:00+08:00", "2028-02-29T00:00:00+08:00"},
		{"Cron", "0 0 0 30 2 ?", "2026-03-01T00:00:00+08:00", ""},
		{"Cron", "CRON_TZ=Europe/Berlin 0 0 9 * * ?", "2026-01-05T07:59:00Z", "2026-01-05T08:00:00Z"},
		{"Cron", "CRON_TZ=Europe/Berlin 0 0 9 * * ?", "2026-07-06T06:59:00Z", "2026-07-06T07:00:00Z"},
		// 02:30 does not exist in Berlin on 2026-03-29.
		{"Cron", "CRON_TZ=Europe/Berlin 0 30 2 * * ?", "2026-03-29T00:00:00Z", "2026-03-30T00:30:00Z"},
		// 02:30 happens twice on 2026-10-25: the first.
		{"Cron", "CRON_TZ=Europe/Berlin 0 30 2 * * ?", "2026-10-24T23:00:00Z", "2026-10-25T00:30:00Z"},
	} {
		s, err := ParseSchedule(tc.typ, tc.schedule)
		if err != nil {
			t.Errorf("%s %q: %v", tc.typ, tc.schedule, err)
			continue
		}
		got := s.Next(at(tc.after), utc8)
		if (tc.want == "" && !got.IsZero()) || (tc.want != "" && !got.Equal(at(tc.want))) {
			t.Errorf("%s %q after %s: %v, want %s", tc.typ, tc.schedule, tc.after, got, tc.want)
		}
	}
	if _, err := ParseSchedule("Cron", "CRON_TZ=Nowhere/Land 0 0 9 * * ?"); err == nil {
		t.Error("a zone nobody knows")
	}
	if _, err := ParseSchedule("Cron", "0 0 25 * * ?"); err == nil {
		t.Error("hour 25")
	}
}

// FuzzParseSchedule: ParseSchedule takes what CheckSchedule takes (but for
// unknown zones), and Next is later than its argument, matches its
// schedule, and is where Next from just before it lands.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0 0 2 * * ?", "*/7 1-59/3 * 1,15 * SUN-SAT", "CRON_TZ=Asia/Shanghai 0 30 9 ? * MON", "@every 1h", "0 0 0 31 2 ?", "5 4 * * *"} {
		f.Add("Cron", s, int64(1772330400))
	}
	f.Add("Rate", "30m", int64(0))
	f.Fuzz(func(t *testing.T, typ, expr string, unix int64) {
		s, err := ParseSchedule(typ, expr)
		if CheckSchedule(typ, expr) == nil && err != nil && !containsZone(expr) {
			t.Fatalf("CheckSchedule takes %q, ParseSchedule: %v", expr, err)
		}
		if err != nil {
			return
		}
		from := time.Unix(unix%(1<<33), 0)
		next := s.Next(from, utc8)
		if next.IsZero() {
			return
		}
		if !next.After(from) {
			t.Fatalf("%q: Next(%v) = %v, not later", expr, from, next)
		}
		if s.Every() == 0 && !s.matches(next.In(s.Zone(utc8))) {
			t.Fatalf("%q: Next(%v) = %v does not match", expr, from, next)
		}
		if again := s.Next(next.Add(-time.Second), utc8); s.Every() == 0 && !again.Equal(next) {
			t.Fatalf("%q: Next(%v) = %v, from a second before it %v", expr, from, next, again)
		}
	})
}

func containsZone(expr string) bool { return len(expr) > 8 && expr[:8] == "CRON_TZ=" }

func (s *Schedule) matches(t time.Time) bool {
	return s.has(0, t.Second()) && s.has(1, t.Minute()) && s.has(2, t.Hour()) && s.has(4, int(t.Month())) && s.dayMatches(t)
}
