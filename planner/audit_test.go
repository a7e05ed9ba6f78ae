package planner_test

import (
	"context"
	"encoding/json"
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
