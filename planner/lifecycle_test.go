package planner_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// planTargets plans the project's manifest narrowed to targets, which may
// name functions the project owns and no longer declares.
func (w *world) planTargets(targets ...string) (*plan.Plan, error) {
	w.t.Helper()
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{Functions: targets, Owned: true})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := planner.Compute(context.Background(), w.client, proj, planner.Options{Targets: targets})
	if p != nil {
		w.t.Cleanup(func() { p.Close() })
		if err == nil {
			err = p.Err()
		}
	}
	return p, err
}

// tags reads a function's tags back, "k=v" sorted.
func (w *world) tags(name string) string {
	w.t.Helper()
	m, err := w.client.ListTags(context.Background(), w.client.FunctionURN("default", name))
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// exists reports whether a function of the default package exists.
func (w *world) exists(name string) bool {
	w.t.Helper()
	_, err := w.client.GetConfig(context.Background(), w.client.FunctionURN("default", name))
	if err != nil && !apiclient.IsNotFound(err) {
		w.t.Fatal(err)
	}
	return err == nil
}

// functions is a manifest of functions named names, each with extra
// settings, after a top-level header.
func functions(header string, names []string, extra string) string {
	s := header + "functions:\n"
	for _, n := range names {
		s += "  " + n + ":\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" + extra
	}
	return s
}

// Tags converge: the declared ones are set on create, a changed value is
// replaced, a null removes its key, a tag set elsewhere stays, and a plan
// right after each apply is no change. The ownership tag goes with
// project: and is never a user tag.
func TestTagsConverge(t *testing.T) {
	w := newWorld(t)
	w.write(functions("project: shop\n", []string{"hello"}, "    tags: {team: payments, tier: web}\n"), ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(p.Functions[0]); got != "create,tags" {
		t.Fatalf("steps %s", got)
	}
	if got := text(p); !strings.Contains(got, `      + project: "shop"`) || !strings.Contains(got, `      + tags.team: "payments"`) || strings.Contains(got, "tags.fgsdeploy-project") {
		t.Fatalf("plan:\n%s", got)
	}
	w.applyPlan(p)
	if got := w.tags("hello"); got != "fgsdeploy-project=shop team=payments tier=web" {
		t.Fatalf("tags %s", got)
	}
	w.noChanges()

	// Set elsewhere: not declared, left alone.
	if err := w.client.CreateTags(context.Background(), w.client.FunctionURN("default", "hello"), map[string]string{"owner": "ops"}); err != nil {
		t.Fatal(err)
	}
	w.noChanges()

	// A changed value, a removal and an addition.
	w.write(functions("project: shop\n", []string{"hello"}, "    tags: {team: risk, tier: null, cost: c1}\n"), ruleCode)
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	got := text(p)
	for _, want := range []string{`      - tags.tier: "web"`, `      ~ tags.team: "payments" -> "risk"`, `      + tags.cost: "c1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q:\n%s", want, got)
		}
	}
	w.applyPlan(p)
	if got := w.tags("hello"); got != "cost=c1 fgsdeploy-project=shop owner=ops team=risk" {
		t.Fatalf("tags %s", got)
	}
	w.noChanges()

	// Without tags and project nothing about tags is read or written.
	w.write(functions("", []string{"hello"}, ""), ruleCode)
	w.forget()
	w.noChanges()
	if n := len(w.writes("DELETE", "/tags/delete")) + len(w.writes("POST", "/tags/create")); n != 0 {
		t.Fatalf("%d tag writes without tags or project", n)
	}
}

// With project:, a function the project owns and the manifest no longer
// declares is planned as a deletion and deleted with its triggers and
// aliases; nothing else changes. Functions made elsewhere, or by another
// project, survive, whatever their names.
func TestOrphansDeleted(t *testing.T) {
	w := newWorld(t)
	release := "    publish: {version: v1}\n    aliases:\n      live: {version: $published}\n" +
		"    triggers:\n      - {type: TIMER, qualifier: live, event_data: {name: nightly, schedule_type: Cron, schedule: \"0 0 2 * * ?\", user_event: \"{}\"}}\n"
	// Made elsewhere (no tag) and by another project.
	w.write(functions("", []string{"elsewhere"}, ""), ruleCode)
	w.apply()
	w.write(functions("project: other\n", []string{"theirs"}, ""), ruleCode)
	w.apply()
	w.write(functions("project: shop\n", []string{"keep", "gone"}, release), ruleCode)
	w.apply()
	before := w.versionNames("keep") + "|" + w.alias("keep", "live").Version + "|" + fmt.Sprint(len(w.liveTriggersOf("keep", "!live")))

	w.write(functions("project: shop\n", []string{"keep"}, release), ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	var del *plan.FunctionPlan
	for _, f := range p.Functions {
		if f.Action != plan.NoOp && f.Name != "gone" {
			t.Fatalf("%s: %s, want only gone to change:\n%s", f.Name, f.Action, text(p))
		}
		if f.Name == "gone" {
			del = f
		}
	}
	if del == nil || del.Action != plan.Delete || stepTypes(del) != "triggers,aliases,delete" {
		t.Fatalf("gone's plan:\n%s", text(p))
	}
	if s := p.Summary(); s.Delete != 1 || s.Unchanged != 1 {
		t.Fatalf("summary %+v", s)
	}
	if !p.HasChanges() || !strings.Contains(text(p), "- gone (delete)") || !strings.Contains(text(p), "1 to delete") {
		t.Fatalf("plan:\n%s", text(p))
	}
	w.forget()
	w.applyPlan(p)
	if w.exists("gone") || !w.exists("keep") || !w.exists("elsewhere") || !w.exists("theirs") {
		t.Fatalf("after apply: gone %v keep %v elsewhere %v theirs %v", w.exists("gone"), w.exists("keep"), w.exists("elsewhere"), w.exists("theirs"))
	}
	after := w.versionNames("keep") + "|" + w.alias("keep", "live").Version + "|" + fmt.Sprint(len(w.liveTriggersOf("keep", "!live")))
	if after != before {
		t.Fatalf("keep moved: %s, was %s", after, before)
	}
	for _, r := range w.sent {
		if !strings.Contains(r.Path, ":gone") {
			t.Errorf("a write to something else than gone: %s %s", r.Method, r.Path)
		}
	}
	w.noChanges()

	// The same names in this manifest, now that they exist elsewhere:
	// "elsewhere" is adopted, "theirs" is refused; neither is deleted.
	w.write(functions("project: shop\n", []string{"keep", "elsewhere", "theirs"}, ""), ruleCode)
	p, err = w.plan()
	if err == nil || !strings.Contains(err.Error(), "theirs: the function belongs to project other") {
		t.Fatalf("plan error %v", err)
	}
	for _, f := range p.Functions {
		if f.Name == "elsewhere" && (f.Action != plan.Update || !strings.Contains(strings.Join(f.Notes, " "), "adopted into project shop")) {
			t.Fatalf("elsewhere: %s %v", f.Action, f.Notes)
		}
		if f.Action == plan.Delete {
			t.Fatalf("%s planned for deletion", f.Name)
		}
	}
}

// liveTriggersOf lists the triggers of a function's target.
func (w *world) liveTriggersOf(name, target string) []apiclient.Trigger {
	w.t.Helper()
	ts, err := w.client.ListTriggers(context.Background(), w.client.FunctionURN("default", name)+":"+target)
	if err != nil {
		w.t.Fatal(err)
	}
	return ts
}

// Without project:, nothing is ever deleted, even a function a project
// owns; --target narrows deletions to the functions it names; a target
// that names nothing is an error.
func TestDeletionsNeedProjectAndFollowTargets(t *testing.T) {
	w := newWorld(t)
	w.write(functions("project: shop\n", []string{"fa", "fb", "fc"}, ""), ruleCode)
	w.apply()
	w.write(functions("", []string{"fa"}, ""), ruleCode)
	p, err := w.plan()
	if err != nil || p.HasChanges() {
		t.Fatalf("without project: %v\n%s", err, text(p))
	}
	w.write(functions("project: shop\n", []string{"fa"}, ""), ruleCode)
	p, err = w.planTargets("fb")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Functions) != 1 || p.Functions[0].Name != "fb" || p.Functions[0].Action != plan.Delete {
		t.Fatalf("narrowed plan:\n%s", text(p))
	}
	w.applyPlan(p)
	if w.exists("fb") || !w.exists("fc") {
		t.Fatalf("b %v c %v", w.exists("fb"), w.exists("fc"))
	}
	if _, err := w.planTargets("nope"); err == nil || !strings.Contains(err.Error(), `target "nope" is not a function of`) {
		t.Fatalf("unknown target: %v", err)
	}
}

// The filter is paged (strict mode answers 10 at a time and ignores the
// tag condition, so every function comes back): every owned function is
// found, and only those.
func TestOwnedFunctionsFoundOverPages(t *testing.T) {
	w := newWorld(t)
	var mine, others []string
	for i := range 13 {
		mine = append(mine, fmt.Sprintf("m%02d", i))
		others = append(others, fmt.Sprintf("o%02d", i))
	}
	w.write(functions("project: other\n", others, ""), ruleCode)
	w.apply()
	w.write(functions("project: shop\n", mine, ""), ruleCode)
	w.apply()
	w.write(functions("project: shop\n", mine[:1], ""), ruleCode)
	w.forget()
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Summary(); s.Delete != 12 {
		t.Fatalf("%d deletions, want 12:\n%s", s.Delete, text(p))
	}
	for _, f := range p.Functions {
		if strings.HasPrefix(f.Name, "o") {
			t.Fatalf("another project's %s is in the plan", f.Name)
		}
	}
	w.applyPlan(p)
	for _, o := range others {
		if !w.exists(o) {
			t.Fatalf("%s was deleted", o)
		}
	}
	w.noChanges()
}

// What init writes of a function's tags: the owner as the project, the
// tags a manifest takes as they are, and the keys of the others (a
// console takes the wider TMS rules), which are left unmanaged.
func TestDeclarableTags(t *testing.T) {
	project, tags, left := planner.DeclarableTags(map[string]string{
		"fgsdeploy-project": "shop", "team": "payments", "owner:team": "ops", "note": "a b", "Env": "x", "env": "y", "empty": "",
	})
	if project != "shop" || len(tags) != 2 || tags["team"] != "payments" || tags["empty"] != "" {
		t.Fatalf("project %q tags %v", project, tags)
	}
	if strings.Join(left, ",") != "Env,env,note,owner:team" {
		t.Fatalf("left %v", left)
	}
	if p, _, left := planner.DeclarableTags(map[string]string{"fgsdeploy-project": "my shop"}); p != "" || len(left) != 1 {
		t.Fatalf("an owner that is not a project name: %q %v", p, left)
	}
}

// FunctionGraph allows 20 tags per function, those set elsewhere
// included: a plan that would pass it fails that function before
// anything changes.
func TestTagLimitCountsUndeclared(t *testing.T) {
	w := newWorld(t)
	w.write(functions("", []string{"hello"}, ""), ruleCode)
	w.apply()
	others := map[string]string{}
	for i := range 18 {
		others[fmt.Sprintf("x%02d", i)] = "v"
	}
	if err := w.client.CreateTags(context.Background(), w.client.FunctionURN("default", "hello"), others); err != nil {
		t.Fatal(err)
	}
	w.write(functions("project: shop\n", []string{"hello"}, "    tags: {team: payments, tier: web}\n"), ruleCode)
	w.forget()
	_, err := w.plan()
	if err == nil || !strings.Contains(err.Error(), "hello: the function would have 21 tags, 18 of them not in the manifest; FunctionGraph allows 20") {
		t.Fatalf("plan: %v", err)
	}
	w.write(functions("project: shop\n", []string{"hello"}, "    tags: {team: payments}\n"), ruleCode)
	w.apply()
	if got := w.tags("hello"); !strings.Contains(got, "fgsdeploy-project=shop team=payments") {
		t.Fatalf("tags %s", got)
	}
}
