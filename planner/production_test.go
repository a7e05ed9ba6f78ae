package planner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Production settings, each outcome read back from the emulator in both
// of its modes: declared, applied, converged, changed in place, and kept
// through a release.

// reservedOf reads the function's reservations back, by qualifier as the
// manifest writes it (entries that reserve nothing left out).
func (w *world) reservedOf(fn string) map[string]apiclient.ReservedInstanceConfig {
	w.t.Helper()
	list, err := w.client.ListReservedInstanceConfigs(context.Background(), w.client.FunctionURN("default", fn))
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]apiclient.ReservedInstanceConfig{}
	for _, r := range list {
		if !r.Empty() {
			out[r.QualifierName] = r
		}
	}
	return out
}

func (w *world) asyncOf(fn string) *apiclient.AsyncInvokeConfig {
	w.t.Helper()
	c, err := w.client.GetAsyncInvokeConfig(context.Background(), w.client.FunctionURN("default", fn))
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func TestRule32ReservedAndAsyncDeclaredAppliedChanged(t *testing.T) {
	w := newWorld(t)
	y := func(count, retries int) string {
		return fn(fmt.Sprintf(`    reserved_instances:
      latest: {count: %d, tactics_config: {cron_configs: [{name: peak, cron: "0 0 8 * * ?", count: 5, start_time: 1767225600, expired_time: 1798761600}]}}
    async_invoke:
      max_async_event_age_in_seconds: 600
      max_async_retry_attempts: %d
      destination_config:
        on_failure: {destination: SMN, param: {topic_urn: "urn:smn:cn-north-4:%s:alerts"}}
      enable_async_status_log: true
`, count, retries, pid))
	}
	w.write(y(2, 2), ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(p.Functions[0]); got != "create,async_invoke,reserved_instances" {
		t.Fatalf("steps %s\n%s", got, text(p))
	}
	w.applyPlan(p)
	r := w.reservedOf("hello")["latest"]
	if r.MinCount != 2 || r.TacticsConfig == nil || len(r.TacticsConfig.CronConfigs) != 1 || r.TacticsConfig.CronConfigs[0].Count != 5 {
		t.Fatalf("read back %+v", r)
	}
	a := w.asyncOf("hello")
	if a == nil || *a.MaxEventAge != 600 || *a.MaxRetries != 2 || a.DestinationConfig.OnFailure.Destination != "SMN" || !*a.EnableAsyncStatusLog {
		t.Fatalf("async read back %+v", a)
	}
	var param map[string]any
	if err := json.Unmarshal([]byte(a.DestinationConfig.OnFailure.Param), &param); err != nil || param["topic_urn"] != "urn:smn:cn-north-4:"+pid+":alerts" {
		t.Fatalf("param %q: %v", a.DestinationConfig.OnFailure.Param, err)
	}
	w.noChanges()

	// Changed in place: count 2 -> 3, retries 2 -> 1; nothing else.
	w.write(y(3, 1), ruleCode)
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	out := text(p)
	for _, want := range []string{"~ reserved_instances.latest.count: 2 -> 3", "~ async_invoke.max_async_retry_attempts: 2 -> 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if got := stepTypes(p.Functions[0]); got != "async_invoke,reserved_instances" {
		t.Fatalf("steps %s\n%s", got, out)
	}
	w.applyPlan(p)
	if r := w.reservedOf("hello")["latest"]; r.MinCount != 3 {
		t.Fatalf("count read back %d", r.MinCount)
	}
	if a := w.asyncOf("hello"); *a.MaxRetries != 1 || *a.MaxEventAge != 600 || a.DestinationConfig.OnFailure == nil {
		t.Fatalf("async read back %+v", a)
	}
	w.noChanges()

	// Unmanaged: absent keys change nothing. Then none: {} and null.
	w.write(fn(""), ruleCode)
	w.noChanges()
	w.write(fn("    reserved_instances: {}\n    async_invoke: null\n"), ruleCode)
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	out = text(p)
	if !strings.Contains(out, "- reserved_instances.latest: ") || !strings.Contains(out, "- async_invoke: ") {
		t.Fatalf("plan:\n%s", out)
	}
	w.applyPlan(p)
	if got := w.reservedOf("hello"); len(got) != 0 {
		t.Fatalf("reservations left: %+v", got)
	}
	if a := w.asyncOf("hello"); a != nil {
		t.Fatalf("async config left: %+v", a)
	}
	w.noChanges()
}

// A reservation on an alias survives a release that moves the alias:
// whether a moved alias keeps its reservation is not documented (the
// strict emulator drops it), so the plan sends it again after the move.
func TestRule31ReservedOnAliasSurvivesARelease(t *testing.T) {
	w := newWorld(t)
	y := func(v string) string {
		return fn(fmt.Sprintf(`    publish: {version: %s}
    aliases: {live: {version: $published}}
    reserved_instances: {live: {count: 2, idle_mode: true}}
`, v))
	}
	w.write(y("v1"), "def handler(e, c):\n    return 1\n")
	w.apply()
	if r := w.reservedOf("hello")["live"]; r.MinCount != 2 || !r.IdleMode || r.QualifierType != "alias" {
		t.Fatalf("read back %+v", r)
	}
	w.noChanges()
	w.write(y("v2"), "def handler(e, c):\n    return 2\n")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(p.Functions[0]); got != "code,publish,aliases,reserved_instances" {
		t.Fatalf("steps %s\n%s", got, text(p))
	}
	if out := text(p); !strings.Contains(out, "(alias live moves: sent again)") {
		t.Fatalf("plan:\n%s", out)
	}
	w.applyPlan(p)
	if a := w.alias("hello", "live"); a.Version != "v2" {
		t.Fatalf("live is on %s", a.Version)
	}
	if r := w.reservedOf("hello")["live"]; r.MinCount != 2 || !r.IdleMode {
		t.Fatalf("after the release: %+v", r)
	}
	w.noChanges()
}

// Reservations on versions: a version the release prunes loses its
// reservation with it, and the plan shows it; a declared reservation on a
// version the plan prunes is refused; one on a qualifier that does not
// exist too.
func TestReservedOnVersionsAndPruning(t *testing.T) {
	w := newWorld(t)
	y := func(v string, keep int, reserved string) string {
		return fn(fmt.Sprintf("    publish: {version: %s, keep: %d}\n    reserved_instances: {%s}\n", v, keep, reserved))
	}
	w.write(y("v1", 0, "v1: {count: 1}"), "def handler(e, c):\n    return 1\n")
	w.apply()
	w.noChanges()
	w.write(y("v2", 0, "v1: {count: 1}, v2: {count: 2}, latest: {count: 1}"), "def handler(e, c):\n    return 2\n")
	w.apply()
	if got := w.reservedOf("hello"); got["v1"].MinCount != 1 || got["v2"].MinCount != 2 || got["latest"].MinCount != 1 {
		t.Fatalf("read back %+v", got)
	}
	w.noChanges()

	// keep: 2 prunes v1, whose reservation is declared: refused.
	w.write(y("v3", 2, "v1: {count: 1}"), "def handler(e, c):\n    return 3\n")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "reserved_instances.v1: this plan prunes version v1") {
		t.Fatalf("plan error %v", err)
	}
	// Not declared: the prune shows the reservation going with v1.
	w.write(y("v3", 2, "v2: {count: 2}"), "def handler(e, c):\n    return 3\n")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := text(p); !strings.Contains(out, "- reserved_instances.v1: {\"count\":1} (deleted with the version)") ||
		!strings.Contains(out, "- reserved_instances.latest: ") {
		t.Fatalf("plan:\n%s", out)
	}
	w.applyPlan(p)
	if got := w.reservedOf("hello"); len(got) != 1 || got["v2"].MinCount != 2 {
		t.Fatalf("read back %+v", got)
	}
	w.noChanges()

	w.write(y("v3", 2, "v9: {count: 2}"), "def handler(e, c):\n    return 3\n")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "no alias or version v9") {
		t.Fatalf("plan error %v", err)
	}
}

// The reservation list is read to its end however it pages: the strict
// emulator pages by two and gives count as the number of functions.
func TestRule33ReservedListPages(t *testing.T) {
	w := newWorld(t)
	var reserved []string
	for i := 1; i <= 4; i++ {
		reserved = append(reserved, fmt.Sprintf("v%d: {count: %d}", i, i))
		w.write(fn(fmt.Sprintf("    publish: {version: v%d}\n    reserved_instances: {%s}\n", i, strings.Join(reserved, ", "))), fmt.Sprintf("def handler(e, c):\n    return %d\n", i))
		w.apply()
	}
	w.write(fn("    publish: {version: v4}\n    reserved_instances: {latest: {count: 1}, "+strings.Join(reserved, ", ")+"}\n"), "def handler(e, c):\n    return 4\n")
	w.apply()
	got := w.reservedOf("hello")
	if len(got) != 5 || got["v3"].MinCount != 3 || got["latest"].MinCount != 1 {
		t.Fatalf("read back %+v", got)
	}
	w.noChanges()
}

// Settings of async_invoke the manifest leaves out keep their live values,
// under a PUT that merges (lenient) and one that replaces (strict): the
// body carries them back. A param is compared as a map, whatever its
// order or spacing on the wire.
func TestRule35AsyncKeepsWhatItDoesNotDeclare(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.write(fn(""), ruleCode)
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	age, retries := 900, 2
	if _, err := w.client.PutAsyncInvokeConfig(ctx, urn, &apiclient.AsyncInvokeConfigRequest{MaxEventAge: &age, MaxRetries: &retries,
		DestinationConfig: &apiclient.AsyncDestinationConfig{OnSuccess: &apiclient.AsyncDestination{Destination: "OBS", Param: `{ "prefix": "ok/",  "bucket": "results" }`}}}); err != nil {
		t.Fatal(err)
	}
	w.write(fn("    async_invoke:\n      destination_config:\n        on_success: {destination: OBS, param: {bucket: results, prefix: ok/}}\n"), ruleCode)
	w.noChanges()
	w.write(fn("    async_invoke: {max_async_retry_attempts: 1}\n"), ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := text(p); !strings.Contains(out, "~ async_invoke.max_async_retry_attempts: 2 -> 1") || strings.Count(out, "async_invoke.") != 1 {
		t.Fatalf("plan:\n%s", out)
	}
	w.applyPlan(p)
	a := w.asyncOf("hello")
	if a == nil || *a.MaxRetries != 1 || *a.MaxEventAge != 900 || a.DestinationConfig == nil || a.DestinationConfig.OnSuccess == nil {
		t.Fatalf("read back %+v", a)
	}
	w.noChanges()
}
