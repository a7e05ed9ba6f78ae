package planner_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// twoServices is the monorepo: two functions sharing a release
// name and a $published alias. SHA stands for ${GIT_SHA}.
const twoServices = `defaults:
  runtime: Python3.10
  handler: index.handler
  publish: {version: vSHA, keep: 3}
  aliases:
    live: {version: $published}
functions:
  svc-a: {code: {path: ./a}}
  svc-b: {code: {path: ./b}}
`

func (w *world) writeServices(sha, a, b string) {
	w.t.Helper()
	for dir, code := range map[string]string{"a": a, "b": b} {
		if err := os.MkdirAll(filepath.Join(w.dir, dir), 0o755); err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.dir, dir, "index.py"), []byte(code), 0o644); err != nil {
			w.t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(w.dir, "function.yaml"), []byte(strings.ReplaceAll(twoServices, "SHA", sha)), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) alias(fn, name string) *apiclient.Alias {
	w.t.Helper()
	a, err := w.client.GetAlias(context.Background(), w.client.FunctionURN("default", fn), name)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func find(p *plan.Plan, name string) *plan.FunctionPlan {
	for _, f := range p.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// A commit that changes one function of a monorepo publishes that one;
// the other publishes nothing, fails nothing, and the plan says so.
func TestPublishingIsPerFunction(t *testing.T) {
	w := newWorld(t)
	w.writeServices("aaa111", "a1", "b1")
	w.apply()
	w.writeServices("bbb222", "a2", "b1") // only a/ changed
	p, err := w.plan()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	out := text(p)
	if !strings.Contains(out, "  svc-b: unchanged, nothing to publish\n") || !strings.Contains(out, `+ version: "vbbb222"`) {
		t.Fatalf("plan:\n%s", out)
	}
	if b := find(p, "svc-b"); b.Action != plan.NoOp || b.Has(plan.StepPublish) || len(aliasWrites(b)) != 0 {
		t.Fatalf("svc-b: %+v", b)
	}
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	if a, b := w.alias("svc-a", "live"), w.alias("svc-b", "live"); a.Version != "vbbb222" || b.Version != "vaaa111" {
		t.Fatalf("live: svc-a on %s, svc-b on %s", a.Version, b.Version)
	}
	if got := w.versionNames("svc-b"); got != "vaaa111" {
		t.Fatalf("svc-b versions %s", got)
	}
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
}

// An alias declared $published moves only when this apply publishes a
// version of its function: a commit that does not touch the function
// leaves a rollback in place.
func TestPublishedAliasKeepsARollback(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.writeServices("aaa111", "a1", "b1")
	w.apply()
	w.writeServices("bbb222", "a2", "b1")
	w.apply()
	if _, err := release.Rollback(ctx, w.client, w.client.FunctionURN("default", "svc-a"), "live", ""); err != nil {
		t.Fatal(err)
	}
	w.writeServices("ccc333", "a2", "b2") // svc-a untouched
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if a := find(p, "svc-a"); a.Action != plan.NoOp {
		t.Fatalf("svc-a would change:\n%s", text(p))
	}
	w.apply()
	if a := w.alias("svc-a", "live"); a.Version != "vaaa111" {
		t.Fatalf("svc-a live on %s, want the rollback's vaaa111", a.Version)
	}
	// The next change of svc-a's code is a release again.
	w.writeServices("ddd444", "a4", "b2")
	w.apply()
	if a := w.alias("svc-a", "live"); a.Version != "vddd444" {
		t.Fatalf("svc-a live on %s, want vddd444", a.Version)
	}
}

// A publish that FunctionGraph made but whose aliases did not move (an
// interrupted apply) is finished by the next apply of the same release:
// the version is not published again, the aliases go to it.
func TestSameReleaseFinishesItsAliases(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.writeServices("aaa111", "a1", "b1")
	w.apply()
	w.writeServices("bbb222", "a2", "b1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	// Apply svc-a up to its publish only.
	a := find(p, "svc-a")
	a.Steps = a.Steps[:2] // code, publish
	p.Functions = []*plan.FunctionPlan{a}
	if err := applier.Apply(ctx, w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	a = find(p, "svc-a")
	if ops := aliasWrites(a); a.Has(plan.StepPublish) || len(ops) != 1 || ops[0].Alias.Version != "vbbb222" {
		t.Fatalf("svc-a:\n%s", text(p))
	}
	if !strings.Contains(text(p), "note: vbbb222 is already published, nothing to publish") {
		t.Fatalf("plan:\n%s", text(p))
	}
}

// Versions do not hold mount_config (FunctionGraph user guide, Versions):
// the comparison with the newest version leaves it out, so a change of
// mounts is not reported as a config difference a version would carry.
func TestMountsAreNotPartOfAVersion(t *testing.T) {
	w := newWorld(t)
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" +
		"    xrole: agency\n    func_vpc: {vpc_id: vpc-1, subnet_id: subnet-1}\n" +
		"    mount_config:\n      func_mounts:\n        - {mount_type: sfs, mount_resource: RES, local_mount_path: /mnt/data}\n" +
		"    publish: {version: VERSION}\n    aliases:\n      live: {version: $published}\n"
	w.write(strings.NewReplacer("VERSION", "v1", "RES", "share-1").Replace(y), "1")
	w.apply()
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
	w.write(strings.NewReplacer("VERSION", "v2", "RES", "share-2").Replace(y), "1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	out := text(p)
	if f := p.Functions[0]; !f.Has(plan.StepConfig) || f.Has(plan.StepPublish) || strings.Contains(out, "only the config") {
		t.Fatalf("plan:\n%s", out)
	}
}

// An alias declared $published that does not exist yet is created on
// the newest version when nothing is published.
func TestNewPublishedAliasOnAnUnchangedFunction(t *testing.T) {
	w := newWorld(t)
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: VERSION}\n"
	w.write(strings.Replace(y, "VERSION", "v1", 1), "1")
	w.apply()
	w.write(strings.Replace(y, "VERSION", "v2", 1)+"    aliases:\n      live: {version: $published, canary: 10}\n", "1")
	w.apply()
	if a := w.alias("hello", "live"); a.Version != "v1" || len(a.AdditionalVersionWeights) != 0 {
		t.Fatalf("live: %+v", a)
	}
}
