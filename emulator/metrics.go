package emulator

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// GET .../functions/{urn}/statistics/{period}: the function's metrics over
// the last period minutes (the SDK's ListFunctionStatistics), from the
// emulator's records of its invocations, one point a minute that had
// invocations. The URN chooses what is counted: unqualified, every
// invocation of the function; qualified by a version (latest included),
// those that ran that version, through an alias or not; by an alias, those
// made through it.

// slaValue is one point of a metric (the SDK's SlaReportsValue).
type slaValue struct {
	Timestamp int64   `json:"timestamp"` // milliseconds, the minute's start
	Value     float64 `json:"value"`
}

// maxPeriod bounds period: 30 days of minutes.
const maxPeriod = 30 * 24 * 60

func (s *Server) statistics(u urn, rawPeriod string) httpapi.Response {
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
	s.inv.writer.flush()
	now := s.opts.Now().Unix() / 60
	from := now - int64(period) + 1
	byMinute := map[int64]*minuteStats{}
	resp = s.view(func(t *stx) httpapi.Response {
		err := t.KV.Scan(bucketStats, store.SubKey(fk), func(k string, v []byte) error {
			parts := strings.Split(strings.TrimPrefix(k, store.SubKey(fk)), "\x00")
			if len(parts) != 3 {
				return nil
			}
			minute, err := strconv.ParseInt(parts[0], 16, 64)
			if err != nil || minute < from || minute > now || !counted(u, parts[1], parts[2]) {
				return nil
			}
			var m minuteStats
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			if byMinute[minute] == nil {
				byMinute[minute] = &minuteStats{}
			}
			byMinute[minute].merge(m)
			return nil
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
	series := func(value func(m *minuteStats) float64) []slaValue {
		out := []slaValue{}
		for _, minute := range minutes {
			out = append(out, slaValue{Timestamp: minute * 60 * 1000, Value: value(byMinute[minute])})
		}
		return out
	}
	return httpapi.OK(map[string][]slaValue{
		"count":                series(func(m *minuteStats) float64 { return float64(m.Count) }),
		"fail_count":           series(func(m *minuteStats) float64 { return float64(m.Fail) }),
		"function_error_count": series(func(m *minuteStats) float64 { return float64(m.FunctionErrors) }),
		"system_error_count":   series(func(m *minuteStats) float64 { return float64(m.SystemErrors) }),
		"reject_count":         series(func(m *minuteStats) float64 { return float64(m.Rejects) }),
		"duration": series(func(m *minuteStats) float64 {
			if m.Count == 0 {
				return 0
			}
			return m.DurationSum / float64(m.Count)
		}),
		"max_duration": series(func(m *minuteStats) float64 { return m.MaxDuration }),
		"min_duration": series(func(m *minuteStats) float64 { return m.MinDuration }),
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
