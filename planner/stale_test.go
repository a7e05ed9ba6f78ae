package planner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// A saved plan updates the code of two functions; before it is applied,
// the code of one is edited again. That one is refused as stale, since
// apply would deploy a package nobody reviewed, and nothing of it is
// applied: its code, versions and alias are as before. The other is
// applied as planned.
func TestSavedPlanRefusedWhenCodeChangedAgain(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.writeServices("aaa111", "def handler(e, c):\n    return 'a1'\n", "def handler(e, c):\n    return 'b1'\n")
	w.apply()
	before := w.live("svc-a")
	w.writeServices("bbb222", "def handler(e, c):\n    return 'a2'\n", "def handler(e, c):\n    return 'b2'\n")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(find(p, "svc-a")); got != "code,publish,aliases" {
		t.Fatalf("svc-a: steps %s", got)
	}
	file := filepath.Join(w.dir, "plan.json")
	if err := planfile.Save(file, p); err != nil {
		t.Fatal(err)
	}
	saved, err := planfile.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	// The code of svc-a changes once more after the plan was reviewed.
	if err := os.WriteFile(filepath.Join(w.dir, "a", "index.py"), []byte("def handler(e, c):\n    return 'a3'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := planner.Compute(ctx, w.client, proj, planner.Options{Salt: saved.Salt, Targets: saved.Targets()})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	ok, stale := saved.Check(fresh)
	if len(stale) != 1 || stale[0].Name != "svc-a" || !errors.Is(stale[0], planfile.ErrStale) ||
		!strings.Contains(stale[0].Error(), "the manifest, the environment or the code changed since the plan was made") {
		t.Fatalf("stale: %v", stale)
	}
	if len(ok.Functions) != 1 || ok.Functions[0].Name != "svc-b" {
		t.Fatalf("%d functions to apply, want svc-b", len(ok.Functions))
	}
	rep := applier.Apply(ctx, w.client, ok, applier.Options{})
	rep.Refuse(stale)
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "svc-a: saved plan is stale") {
		t.Fatalf("report: %v", err)
	}

	after := w.live("svc-a")
	if after.Digest != before.Digest || after.LastModified != before.LastModified {
		t.Errorf("svc-a's code changed: digest %s, was %s", after.Digest, before.Digest)
	}
	if got := w.versionNames("svc-a"); got != "vaaa111" {
		t.Errorf("svc-a versions %s, want vaaa111 only", got)
	}
	if a := w.alias("svc-a", "live"); a.Version != "vaaa111" {
		t.Errorf("svc-a's live alias on %s", a.Version)
	}
	if got := w.versionNames("svc-b"); got != "vaaa111,vbbb222" {
		t.Errorf("svc-b versions %s", got)
	}
	if a := w.alias("svc-b", "live"); a.Version != "vbbb222" {
		t.Errorf("svc-b's live alias on %s", a.Version)
	}
}
