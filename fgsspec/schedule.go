package fgsspec

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Schedule is a timer trigger's schedule, parsed: when it fires. It is
// what the emulator's scheduler reads; CheckSchedule is its syntax.
type Schedule struct {
	// every is the interval of a Rate or an "@every" schedule; zero for
	// the fields of a cron expression.
	every time.Duration
	// fields are the cron expression's sets of seconds, minutes, hours,
	// days of the month, months (1-12) and days of the week (0-6), a bit
	// per value; domStar and dowStar tell the two day fields that were *
	// or ? (or left out), as the day rule needs.
	fields           [6]uint64
	domStar, dowStar bool
	// zone is CRON_TZ's, nil when the expression has none.
	zone *time.Location
}

// ParseSchedule parses a timer's schedule of the type schedule_type
// (Rate or Cron), with CheckSchedule's rules. A CRON_TZ= zone must be one
// the system knows.
func ParseSchedule(typ, s string) (*Schedule, error) {
	if err := CheckSchedule(typ, s); err != nil {
		return nil, err
	}
	if typ == "Rate" {
		n, _ := strconv.Atoi(s[:len(s)-1])
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
		return &Schedule{every: time.Duration(n) * unit}, nil
	}
	sc := &Schedule{}
	expr := s
	if rest, ok := strings.CutPrefix(expr, "CRON_TZ="); ok {
		name, fields, _ := strings.Cut(rest, " ")
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil, errors.New("CRON_TZ=" + name + ": not a time zone this system knows")
		}
		sc.zone, expr = loc, fields
	}
	if d, ok := strings.CutPrefix(expr, "@every "); ok {
		sc.every, _ = time.ParseDuration(strings.TrimSpace(d))
		return sc, nil
	}
	fields := strings.Fields(expr)
	if len(fields) == 5 {
		fields = append(fields, "*") // day-of-week left out
	}
	for i, f := range fields {
		sc.fields[i] = cronFields[i].bits(f)
	}
	sc.domStar, sc.dowStar = isStar(fields[3]), isStar(fields[5])
	return sc, nil
}

func isStar(f string) bool { return f == "*" || f == "?" }

// bits is the set of values f (checked) selects.
func (c cronField) bits(f string) uint64 {
	if f == "?" {
		f = "*"
	}
	var set uint64
	for _, item := range strings.Split(f, ",") {
		base, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			step, _ = strconv.Atoi(stepText)
		}
		lo, hi := c.min, c.max
		if base != "*" {
			a, b, isRange := strings.Cut(base, "-")
			lo, _ = c.value(a)
			hi = lo
			switch {
			case isRange:
				hi, _ = c.value(b)
			case hasStep:
				hi = c.max // "a/step": from a to the end
			}
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << uint(v)
		}
	}
	return set
}

// Every is the interval of a Rate or "@every" schedule, zero for a cron
// expression's fields.
func (s *Schedule) Every() time.Duration { return s.every }

// Zone is the zone the schedule's cron fields are read in: CRON_TZ's,
// else def (FunctionGraph: "the region's time zone").
func (s *Schedule) Zone(def *time.Location) *time.Location {
	if s.zone != nil {
		return s.zone
	}
	return def
}

// Next is the first time after t, to the second, when the schedule fires:
// t plus the interval (at least a second) for a rate, else the next
// second whose fields all match, in the schedule's zone (def when the
// expression names none). A day matches when its day of the month and
// its day of the week both do, unless neither field is * or ?: then
// either is enough (the rule of cron, and of the library CRON_TZ and
// @every come from). The zero time when nothing matches within five years
// (such as February 30th).
func (s *Schedule) Next(t time.Time, def *time.Location) time.Time {
	if s.every > 0 {
		return t.Add(max(s.every, time.Second)).Truncate(time.Second)
	}
	loc := s.Zone(def)
	t = t.In(loc).Truncate(time.Second).Add(time.Second)
	limit := t.Year() + 5
	for t.Year() <= limit {
		var next time.Time
		switch {
		case !s.has(4, int(t.Month())):
			next = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !s.dayMatches(t):
			next = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case !s.has(2, t.Hour()):
			// To the next hour on the clock, counted in elapsed time, so
			// that an hour a change of daylight saving time repeats comes
			// twice and one it skips not at all.
			next = t.Add(time.Duration(60-t.Minute())*time.Minute - time.Duration(t.Second())*time.Second)
		case !s.has(1, t.Minute()):
			next = t.Add(time.Duration(60-t.Second()) * time.Second)
		case !s.has(0, t.Second()):
			next = t.Add(time.Second)
		default:
			return t
		}
		if !next.After(t) {
			// A wall time that a change of daylight saving time makes
			// ambiguous may come out earlier: go on a second at a time.
			next = t.Add(time.Second)
		}
		t = next
	}
	return time.Time{}
}

func (s *Schedule) has(field, v int) bool { return s.fields[field]&(1<<uint(v)) != 0 }

func (s *Schedule) dayMatches(t time.Time) bool {
	dom, dow := s.has(3, t.Day()), s.has(5, int(t.Weekday()))
	if s.domStar || s.dowStar {
		return dom && dow
	}
	return dom || dow
}
