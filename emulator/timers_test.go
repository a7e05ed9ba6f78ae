package emulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
)

// TIMER triggers fire at the scheduler's passes (Server.RunTimers, the
// clock the test sets): a rate, a cron expression in the region's zone
// and one in CRON_TZ's, each on the qualifier it is bound to (an alias
// runs its version), with FunctionGraph's timer event; recorded like any
// invocation (LTS, statistics). A DISABLED timer never fires, nor one
// whose function is gone; one enabled again starts afresh.
func TestTimersFire(t *testing.T) {
	needInterpreter(t, "python3")
	s, c := newServer(t, Options{})
	lts := clientFor(t, httptestServer(t, s.LTSHandler()), Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
	fn{name: "tick", runtime: "Python3.10", handler: "index.handler",
		files: map[string]string{"index.py": "import json\ndef handler(event, context):\n    print('fired', context.getVersion(), json.dumps(event, sort_keys=True))\n    return 1\n"}}.create(t, c)
	u := urnOf("tick")
	c.must(200, "POST", "/functions/"+u+"/versions", map[string]any{"version": "v1"})
	c.must(200, "POST", "/functions/"+u+"/aliases", map[string]any{"name": "live", "version": "v1"})
	timer := func(q, name, typ, schedule, status string) string {
		r := c.must(201, "POST", "/triggers/"+u+q, map[string]any{"trigger_type_code": "TIMER", "trigger_status": status,
			"event_data": map[string]any{"name": name, "schedule_type": typ, "schedule": schedule, "user_event": "from " + name}})
		return r.obj()["trigger_id"].(string)
	}
	timer("", "rate", "Rate", "5m", "ACTIVE")
	timer(":!live", "nightly", "Cron", "0 0 2 * * ?", "ACTIVE") // 02:00 in cn-north-4, UTC+8
	timer("", "berlin", "Cron", "CRON_TZ=Europe/Berlin 0 30 9 * * ?", "ACTIVE")
	off := timer("", "off", "Rate", "1m", "DISABLED")

	fired := func() []string {
		t.Helper()
		_, m := lts.must(200, "POST", "/v2/"+testPID+"/groups/group-1/streams/stream-tick/content/query",
			map[string]any{"start_time": "0", "end_time": "99999999999999", "keywords": "fired", "limit": 1000}).fields()
		var out []string
		for _, l := range m["logs"].([]any) {
			out = append(out, strings.TrimPrefix(l.(map[string]any)["content"].(string), "fired "))
		}
		return out
	}
	// The first pass sees the timers; none fires at it.
	s.RunTimers(time.Date(2026, 3, 1, 1, 55, 0, 0, cst))
	if got := fired(); len(got) != 0 {
		t.Fatalf("fired at the first pass: %q", got)
	}
	s.RunTimers(time.Date(2026, 3, 1, 2, 0, 0, 0, cst)) // the rate, and nightly on live (v1)
	s.RunTimers(time.Date(2026, 3, 1, 2, 0, 1, 0, cst)) // nothing
	s.RunTimers(time.Date(2026, 3, 1, 16, 30, 0, 0, cst))
	want := []string{
		`latest {"time": "2026-03-01T02:00:00+08:00", "trigger_name": "rate", "trigger_type": "TIMER", "user_event": "from rate", "version": "v1.0"}`,
		`v1 {"time": "2026-03-01T02:00:00+08:00", "trigger_name": "nightly", "trigger_type": "TIMER", "user_event": "from nightly", "version": "v1.0"}`,
		// Fired once for all the rate's times since 02:00; 09:30 in Berlin.
		`latest {"time": "2026-03-01T02:05:00+08:00", "trigger_name": "rate", "trigger_type": "TIMER", "user_event": "from rate", "version": "v1.0"}`,
		`latest {"time": "2026-03-01T09:30:00+01:00", "trigger_name": "berlin", "trigger_type": "TIMER", "user_event": "from berlin", "version": "v1.0"}`,
	}
	if got := fired(); !sameSet(got, want) {
		t.Fatalf("fired:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The statistics count them, by alias and version (at the
	// emulator's own clock, when they ran).
	for q, want := range map[string]float64{":!live": 1, ":v1": 1, ":latest": 3} {
		var st map[string][]fgs.SLAValue
		json.Unmarshal(c.must(200, "GET", "/functions/"+u+q+"/statistics/5", nil).raw, &st)
		if got := sum(st["count"]); got != want {
			t.Errorf("statistics of %s: %v invocations, want %v", q, got, want)
		}
	}

	// Enabled again, the timer starts afresh: its first pass only sees it.
	c.must(200, "PUT", "/triggers/"+u+"/TIMER/"+off, map[string]any{"trigger_status": "ACTIVE"})
	s.RunTimers(time.Date(2026, 3, 1, 16, 31, 0, 0, cst))
	s.RunTimers(time.Date(2026, 3, 1, 16, 32, 0, 0, cst))
	if n := strings.Count(strings.Join(fired(), "\n"), `"trigger_name": "off"`); n != 1 {
		t.Errorf("the timer enabled again fired %d times, want 1", n)
	}
	// A deleted function's timers are gone with it.
	before := len(fired())
	c.must(204, "DELETE", "/functions/"+u, nil)
	s.RunTimers(time.Date(2026, 3, 2, 2, 0, 0, 0, cst))
	if n := len(fired()); n != before {
		t.Errorf("%d more fired after the function was deleted", n-before)
	}
}

var cst = time.FixedZone("CST", 8*3600)

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
