package planner_test

import (
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// log_config: auto asks for FunctionGraph's default logging (docs/
// manifest.md, Logging): a create sends enable_lts_log true without a
// log_config, so FunctionGraph makes a group and stream whatever the
// account's default; a function that logs anywhere is no change; one that
// does not log is a plan error of that function, before anything of it
// changes, as is auto with a field only a config update after the create
// sets. On an account whose LTS logging is off, so that new functions
// that do not ask do not log.
func TestLogConfigAuto(t *testing.T) {
	w := newWorldWith(t, emulator.Options{LTSDisabled: true})
	w.write(fn("    log_config: auto\n"), ruleCode)
	p, err := w.plan()
	if err != nil || !strings.Contains(text(p), `log_config: "auto"`) {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
	w.applyPlan(p)
	create := w.only("POST", "/functions")
	if create["enable_lts_log"] != true || create["log_config"] != nil {
		t.Fatalf("create sent enable_lts_log %v, log_config %v; want true and none", create["enable_lts_log"], create["log_config"])
	}
	if l := w.live("hello"); l.LogGroupID == "" || l.LogStreamID == "" {
		t.Fatalf("no log target after the create: %+v", l)
	}
	w.noChanges()

	// A target set before is as good: auto keeps it through an update.
	w.write(fn("    log_config: {group_id: g1, stream_id: s1}\n"), ruleCode)
	w.apply()
	w.write(fn("    log_config: auto\n    memory_size: 256\n"), ruleCode)
	w.forget()
	p, err = w.plan()
	if err != nil || strings.Contains(text(p), "log_config") {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
	w.applyPlan(p)
	if lc, _ := w.only("PUT", "/config")["log_config"].(map[string]any); lc["group_id"] != "g1" || lc["stream_id"] != "s1" {
		t.Fatalf("the update sent log_config %v, want g1/s1 as read", lc)
	}
	if l := w.live("hello"); l.LogGroupID != "g1" || l.MemorySize != 256 {
		t.Fatalf("after the update: %+v", l)
	}
	w.noChanges()

	// A function that does not log: its own plan error; the others plan.
	quiet := "  quiet:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"
	w.write(fn("    log_config: auto\n    memory_size: 256\n")+quiet, ruleCode)
	w.apply()
	if l := w.live("quiet"); l.LogGroupID != "" {
		t.Fatalf("quiet logs to %s: the account's LTS logging is off", l.LogGroupID)
	}
	w.write(fn("    log_config: auto\n    memory_size: 512\n")+quiet+"    log_config: auto\n", ruleCode)
	w.forget()
	p, err = w.plan()
	if err == nil || !strings.Contains(err.Error(), "functions.quiet.log_config: auto, and the function does not log to LTS") {
		t.Fatalf("plan of auto on a function that does not log: %v", err)
	}
	if len(p.Failures) != 1 || p.Failures[0].Name != "quiet" || len(p.Functions) != 1 || len(p.Functions[0].Steps) == 0 {
		t.Fatalf("want hello planned and quiet failed:\n%s", text(p))
	}

	// With concurrent_num, a config update follows the create, and would
	// have to send a target nobody knows when planning.
	w.write("functions:\n  web:\n    runtime: http\n    handler: bootstrap\n    code: {path: ./src}\n    concurrent_num: 5\n    log_config: auto\n", ruleCode)
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "functions.web.log_config: auto with concurrent_num or ephemeral_storage") {
		t.Fatalf("plan of auto with concurrent_num: %v", err)
	}
}
