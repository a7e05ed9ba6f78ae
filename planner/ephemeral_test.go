package planner_test

import (
	"strings"
	"testing"
)

// ephemeral_storage on an existing function: a change is a config update
// whose body carries it, read back through the API as declared, both
// ways; leaving the key out keeps the live value; each re-plan is no
// change. (Create cannot set it: TestRule13CreateIsOneCall.)
func TestEphemeralStorageUpdate(t *testing.T) {
	w := newWorld(t)
	web := func(extra string) string {
		return "functions:\n  web:\n    runtime: http\n    handler: bootstrap\n    code: {path: ./src}\n" + extra
	}
	w.write(web(""), ruleCode)
	w.apply()
	if got := w.live("web").EphemeralStorage; got != 512 {
		t.Fatalf("a new http function has %d MB of ephemeral storage, want the default 512", got)
	}
	for _, step := range []struct {
		declared       string
		change         string // in the plan; "" for none
		live           int
		sentInAnUpdate bool
	}{
		{"    ephemeral_storage: 10240\n", "    update config:\n      ~ ephemeral_storage: 512 -> 10240\n", 10240, true},
		{"", "", 10240, false}, // left out: the live value stays
		{"    ephemeral_storage: 512\n", "    update config:\n      ~ ephemeral_storage: 10240 -> 512\n", 512, true},
	} {
		w.write(web(step.declared), ruleCode)
		p, err := w.plan()
		if err != nil {
			t.Fatal(err)
		}
		if out := text(p); (step.change == "") == p.HasChanges() || !strings.Contains(out, step.change) {
			t.Fatalf("declared %q: plan\n%s\nwant %q", step.declared, out, step.change)
		}
		w.forget()
		w.applyPlan(p)
		if step.sentInAnUpdate {
			if put := w.only("PUT", "/config"); put["ephemeral_storage"] != float64(step.live) {
				t.Fatalf("the config update sent ephemeral_storage %v", put["ephemeral_storage"])
			}
		}
		if got := w.live("web").EphemeralStorage; got != step.live {
			t.Fatalf("declared %q: live ephemeral_storage %d, want %d", step.declared, got, step.live)
		}
		w.noChanges()
	}
}
