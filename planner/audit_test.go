package planner_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// Issue 22's audit of what the client sends, each checked by its outcome
// read back from the emulator, in both modes.

// dependencies: [] removes the last dependency: the code update sends
// depend_version_list: [] (as Terraform does), because a service that
// keeps the list when the field is absent would keep the layer, and every
// plan would show the same change again.
func TestRemovingTheLastDependency(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	dep := "urn:fss:cn-north-4:" + pid + ":dependency:default:numpy:1"
	w.write(fn("    dependencies: [\""+dep+"\"]\n"), ruleCode)
	w.apply()
	w.write(fn("    dependencies: []\n"), ruleCode)
	w.forget()
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	code, err := w.client.GetCode(ctx, urn)
	if err != nil || len(code.DependVersionList) != 0 {
		t.Fatalf("after dependencies: [], the function has %v (%v)", code.DependVersionList, err)
	}
	puts := w.writes("PUT", "/code")
	if len(puts) != 1 {
		t.Fatalf("%d code updates, want 1", len(puts))
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(puts[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if got := string(body["depend_version_list"]); got != "[]" {
		t.Fatalf("the code update sent depend_version_list %q, want []", got)
	}
	w.noChanges()
}

// strategy_config.concurrency is required in the SDK's StrategyConfig
// (no omitempty; 0 disables the function): every config update that sends
// strategy_config carries it, the live value (max instances) or, right
// after a create, FunctionGraph's documented default of 400.
func TestStrategyConfigCarriesConcurrency(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := func(extra string) string {
		return "functions:\n  web:\n    runtime: http\n    handler: bootstrap\n    code: {path: ./src}\n" + extra
	}
	concurrency := func() []any {
		var out []any
		for _, r := range w.writes("PUT", "/config") {
			var body struct {
				StrategyConfig map[string]any `json:"strategy_config"`
			}
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatal(err)
			}
			out = append(out, body.StrategyConfig["concurrency"])
		}
		return out
	}
	w.write(y("    concurrent_num: 5\n"), ruleCode)
	w.apply()
	if got := concurrency(); len(got) != 1 || got[0] != float64(400) {
		t.Fatalf("the config update after the create sent concurrency %v, want [400]", got)
	}
	w.write(y("    concurrent_num: 5\n    max_instances: 10\n"), ruleCode)
	w.apply()
	w.forget()
	w.write(y("    concurrent_num: 8\n    max_instances: 10\n"), ruleCode)
	w.apply()
	if got := concurrency(); len(got) != 1 || got[0] != float64(10) {
		t.Fatalf("the config update sent concurrency %v, want [10] (the live max instances)", got)
	}
	live, err := w.client.GetConfig(ctx, w.client.FunctionURN("default", "web"))
	if err != nil || live.StrategyConfig == nil || live.StrategyConfig.ConcurrentNum == nil || *live.StrategyConfig.ConcurrentNum != 8 ||
		live.StrategyConfig.Concurrency == nil || *live.StrategyConfig.Concurrency != 10 {
		t.Fatalf("read back: %+v, %v", live.StrategyConfig, err)
	}
	w.noChanges()
}

// functiongraph_version is the create body's type (some regions take only
// v1, and the SDK's default is v1): v2 when not declared, as before; a
// function that exists with another version is a plan error, since the
// type cannot change in place.
func TestFunctionGraphVersion(t *testing.T) {
	w := newWorld(t)
	w.write(fn("    functiongraph_version: v1\n"), ruleCode)
	w.apply()
	if got := w.live("hello").Type; got != "v1" {
		t.Fatalf("created with type %q, want v1", got)
	}
	w.noChanges()
	w.write(fn(""), ruleCode)
	w.noChanges()
	w.write(fn("    functiongraph_version: v2\n"), ruleCode)
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "hello: functiongraph_version cannot change in place (live v1, declared v2)") {
		t.Fatalf("plan error %v", err)
	}
	w2 := newWorld(t)
	w2.write(fn(""), ruleCode)
	w2.apply()
	if got := w2.live("hello").Type; got != "v2" {
		t.Fatalf("created with type %q, want v2 (the default)", got)
	}
}
