package fgs

import (
	"sort"
	"strconv"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
)

// GET .../functions/{urn}/statistics/{period}: the function's metrics over
// the last period minutes (the SDK's ListFunctionStatistics), from the
// emulator's records of its invocations, one point a minute that had
// invocations. The URN chooses what is counted: unqualified, every
// invocation of the function; qualified by a version (latest included),
// those that ran that version, through an alias or not; by an alias, those
// made through it.

// SLAValue is one point of a metric (the SDK's SlaReportsValue).
type SLAValue struct {
	Timestamp int64   `json:"timestamp"` // milliseconds, the minute's start
	Value     float64 `json:"value"`
}

// maxPeriod bounds period: 30 days of minutes.
const maxPeriod = 30 * 24 * 60

func (s *Service) statistics(u urn, rawPeriod string) httpapi.Response {
	period, err := strconv.Atoi(rawPeriod)
	if err != nil || period < 1 || period > maxPeriod {
		return httpapi.Failf(400, "FSS.0400", "period %q: want a whole number of minutes from 1 to %d", httpapi.Trunc(rawPeriod), maxPeriod)
	}
	var fk string
	resp := s.view(func(t *stx) httpapi.Response {
		f, _, _, e := s.lookup(t, u)
		if e != nil {
			return httpapi.Fail(e)
		}
		fk = f.key()
		return httpapi.OK(nil)
	})
	if resp.Failed() {
		return resp
	}
	s.records.Flush()
	now := s.opts.Now().Unix() / 60
	from := now - int64(period) + 1
	byMinute := map[int64]*records.MinuteStats{}
	resp = s.view(func(t *stx) httpapi.Response {
		keep := func(version, alias string) bool { return counted(u, version, alias) }
		err := records.ScanStats(t.KV, fk, from, now, keep, func(minute int64, m records.MinuteStats) {
			if byMinute[minute] == nil {
				byMinute[minute] = &records.MinuteStats{}
			}
			byMinute[minute].Merge(m)
		})
		if err != nil {
			t.Fail(err)
		}
		return httpapi.OK(nil)
	})
	if resp.Failed() {
		return resp
	}
	minutes := make([]int64, 0, len(byMinute))
	for m := range byMinute {
		minutes = append(minutes, m)
	}
	sort.Slice(minutes, func(i, j int) bool { return minutes[i] < minutes[j] })
	series := func(value func(m *records.MinuteStats) float64) []SLAValue {
		out := []SLAValue{}
		for _, minute := range minutes {
			out = append(out, SLAValue{Timestamp: minute * 60 * 1000, Value: value(byMinute[minute])})
		}
		return out
	}
	return httpapi.OK(map[string][]SLAValue{
		"count":                series(func(m *records.MinuteStats) float64 { return float64(m.Count) }),
		"fail_count":           series(func(m *records.MinuteStats) float64 { return float64(m.Fail) }),
		"function_error_count": series(func(m *records.MinuteStats) float64 { return float64(m.FunctionErrors) }),
		"system_error_count":   series(func(m *records.MinuteStats) float64 { return float64(m.SystemErrors) }),
		"reject_count":         series(func(m *records.MinuteStats) float64 { return float64(m.Rejects) }),
		"duration": series(func(m *records.MinuteStats) float64 {
			if m.Count == 0 {
				return 0
			}
			return m.DurationSum / float64(m.Count)
		}),
		"max_duration": series(func(m *records.MinuteStats) float64 { return m.MaxDuration }),
		"min_duration": series(func(m *records.MinuteStats) float64 { return m.MinDuration }),
	})
}

// counted tells whether an invocation of version through alias counts for
// the statistics of URN u.
func counted(u urn, version, alias string) bool {
	switch {
	case u.alias != "":
		return alias == u.alias
	case u.version != "":
		return version == u.version
	}
	return true
}
