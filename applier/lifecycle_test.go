package applier_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// lifecycleManifest is project shop with functions of the names given,
// each with tags, a version, an alias and a timer on the alias.
func lifecycleManifest(names ...string) string {
	var b strings.Builder
	b.WriteString("project: shop\ndefaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\n  tags: {team: payments}\n" +
		"  publish: {version: v1}\n  aliases:\n    live: {version: $published}\n" +
		"  triggers:\n    - {type: TIMER, qualifier: live, event_data: {name: nightly, schedule_type: Cron, schedule: \"0 0 2 * * ?\", user_event: \"{}\"}}\nfunctions:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s:\n    tags: {name: %s}\n", n, n)
	}
	return b.String()
}

// Tags and deletions converge under faults that strike after the request
// took effect (a create of tags that went through, a delete answered by a
// dropped connection): each apply either finishes or leaves what the next
// plan finishes, and the functions of the manifest keep what they had.
func TestTagsAndDeletionsUnderFaults(t *testing.T) {
	r := newRig(t, 1, emulator.Options{Seed: 5, FaultAfterEffect: true})
	dir := filepath.Dir(r.proj.Path())
	load := func(text string) *manifest.Project {
		os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(text), 0o644)
		p, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	converge := func(proj *manifest.Project) {
		t.Helper()
		for round := 0; round < 20; round++ {
			p, err := planner.Compute(context.Background(), r.client, proj, planner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			changes := p.HasChanges() || len(p.Failures) > 0
			if changes {
				applier.Apply(context.Background(), r.client, p, applier.Options{})
			}
			p.Close()
			if !changes {
				return
			}
		}
		t.Fatal("no convergence in 20 rounds")
	}
	names := []string{"fa", "fb", "fc", "fd", "fe", "ff"}
	r.srv.SetFaultRate(0.25)
	converge(load(lifecycleManifest(names...)))
	r.srv.SetFaultRate(0)
	for _, n := range names {
		tags, err := r.client.ListTags(context.Background(), r.client.FunctionURN("default", n))
		if err != nil || tags["name"] != n || tags["team"] != "payments" || tags[manifest.OwnershipTagKey] != "shop" {
			t.Fatalf("%s: tags %v, %v", n, tags, err)
		}
	}
	r.srv.SetFaultRate(0.25)
	converge(load(lifecycleManifest(names[:2]...)))
	r.srv.SetFaultRate(0)
	for i, n := range names {
		_, err := r.client.GetConfig(context.Background(), r.client.FunctionURN("default", n))
		if exists := err == nil; exists != (i < 2) {
			t.Fatalf("%s exists: %v (%v)", n, exists, err)
		}
	}
	for _, n := range names[:2] {
		ts, err := r.client.ListTriggers(context.Background(), r.client.FunctionURN("default", n)+":!live")
		if err != nil || len(ts) != 1 {
			t.Fatalf("%s: %d triggers on live, %v", n, len(ts), err)
		}
	}
}

// The report of a deletion: "NAME: deleted (...)", counted as deleted,
// in text and JSON.
func TestDeletionReport(t *testing.T) {
	r := newRig(t, 1, emulator.Options{})
	dir := filepath.Dir(r.proj.Path())
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(lifecycleManifest("fa", "fb")), 0o644)
	proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.proj = proj
	if err := applier.Apply(context.Background(), r.client, r.plan(t), applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(lifecycleManifest("fa")), 0o644)
	if r.proj, err = manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{}); err != nil {
		t.Fatal(err)
	}
	p := r.plan(t)
	if s := p.Summary(); s.Delete != 1 {
		t.Fatalf("summary %+v", s)
	}
	rep := applier.Apply(context.Background(), r.client, p, applier.Options{})
	var text, js bytes.Buffer
	rep.Write(&text)
	rep.WriteJSON(&js)
	if want := "fb: deleted (triggers (1 deleted), aliases, delete)\nApply: 0 created, 0 updated, 1 deleted, 1 unchanged, 0 failed.\n"; text.String() != want {
		t.Fatalf("report:\n%s\nwant:\n%s", text.String(), want)
	}
	if !strings.Contains(js.String(), `"deleted": 1`) || !strings.Contains(js.String(), `"action": "delete"`) {
		t.Fatalf("JSON report:\n%s", js.String())
	}
	if rep.Functions[1].Action != plan.Delete || rep.Functions[1].Outcome != applier.Applied {
		t.Fatalf("%+v", rep.Functions[1])
	}
}
