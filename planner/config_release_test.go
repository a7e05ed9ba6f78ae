package planner_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// configYAML is a function released as VERSION behind live ($published)
// and beta (pinned to v1), with its config as placeholders.
const configYAML = `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    memory_size: @MEM@
    timeout: @TIMEOUT@
    environment: {GREETING: @GREET@}
    encrypted_environment: {TOKEN: @SECRET@}
    code: {path: ./src}
    publish: {version: @VERSION@, keep: 10@CHANGES@}
    aliases:
      live: {version: $published}@BETA@
`

// config is one commit's manifest values; beta adds the alias beta,
// pinned to v1.
type config struct {
	version, mem, timeout, greet, secret, changes string
	beta                                          bool
}

func (c config) yaml() string {
	changes := ""
	if c.changes != "" {
		changes = ", config_changes: " + c.changes
	}
	beta := ""
	if c.beta {
		beta = "\n      beta: {version: v1}"
	}
	return strings.NewReplacer("@VERSION@", c.version, "@MEM@", c.mem, "@TIMEOUT@", c.timeout, "@GREET@", c.greet, "@SECRET@", c.secret, "@CHANGES@", changes, "@BETA@", beta).Replace(configYAML)
}

// serves checks what a qualifier (an alias or a version) runs, read back
// through the API: the version it routes to wholly and that version's
// memory, timeout and environment.
func (w *world) serves(alias, version string, mem, timeout int, greet string) {
	w.t.Helper()
	ctx := context.Background()
	urn := w.client.FunctionURN("default", "hello")
	a, err := w.client.GetAlias(ctx, urn, alias)
	if err != nil {
		w.t.Fatal(err)
	}
	if release.Describe(*a) != version {
		w.t.Fatalf("alias %s routes to %s, want %s", alias, release.Describe(*a), version)
	}
	cfg, err := w.client.GetConfig(ctx, urn+":"+version)
	if err != nil {
		w.t.Fatal(err)
	}
	if cfg.MemorySize != mem || cfg.Timeout != timeout || !strings.Contains(cfg.UserData, `"GREETING":"`+greet+`"`) {
		w.t.Fatalf("%s (%s): memory %d, timeout %d, user_data %s; want %d, %d, GREETING=%s", alias, version, cfg.MemorySize, cfg.Timeout, cfg.UserData, mem, timeout, greet)
	}
}

// packageDigest is what fgsdeploy package prints for the code in src.
func (w *world) packageDigest() string {
	w.t.Helper()
	res, err := codezip.Build(context.Background(), filepath.Join(w.dir, "src"), codezip.Options{Root: w.dir})
	if err != nil {
		w.t.Fatal(err)
	}
	res.Close()
	return res.Digest
}

// quiet re-plans and fails unless nothing changes and no note speaks of
// an earlier change.
func (w *world) quiet() {
	w.t.Helper()
	p, err := w.plan()
	if err != nil || p.HasChanges() {
		w.t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
	for _, bad := range []string{"only the config", "release marker", "changed since", "goes to latest only"} {
		if strings.Contains(text(p), bad) {
			t := text(p)
			w.t.Fatalf("a no-op plan notes %q:\n%s", bad, t)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A change of anything a version holds reaches the $published alias,
// code or not, under both readings of what a publish needs
// (docs/api-notes.md rule 2): a change of config alone gets the release
// marker, so the publish is accepted where a code change is required.
// The pinned alias never moves, and its version keeps its own config. A
// plan right after each apply is a no-op.
func TestConfigChangeIsReleased(t *testing.T) {
	w := newWorld(t)
	base := config{version: "v1", mem: "256", timeout: "30", greet: "hi", secret: "s1"}
	w.write(base.yaml(), "def handler(e, c):\n    return 1\n")
	w.apply()
	w.serves("live", "v1", 256, 30, "hi")
	plain := w.packageDigest()
	steps := []struct {
		what string
		c    config
		code string // new code, or ""
		// mem, timeout and greet are what live serves after it.
		mem, timeout int
		greet        string
		// marked: latest's package carries a release marker, needed only
		// when the newest version has the package as it is.
		marked bool
	}{
		{"memory", config{"v2", "512", "30", "hi", "s1", "", true}, "", 512, 30, "hi", true},
		{"environment", config{"v3", "512", "30", "hello", "s1", "", true}, "", 512, 30, "hello", false}, // v2 has the marked package: the package alone differs
		{"timeout", config{"v4", "512", "60", "hello", "s1", "", true}, "", 512, 60, "hello", true},
		{"a secret", config{"v5", "512", "60", "hello", "s2", "", true}, "", 512, 60, "hello", false},
		{"code and config", config{"v6", "1024", "60", "hello", "s2", "", true}, "def handler(e, c):\n    return 6\n", 1024, 60, "hello", false},
		{"config back to the first", config{"v7", "256", "30", "hi", "s1", "", true}, "def handler(e, c):\n    return 1\n", 256, 30, "hi", false},
		{"config again, same code", config{"v8", "128", "30", "hi", "s1", "", true}, "", 128, 30, "hi", true},
	}
	for _, s := range steps {
		code := "def handler(e, c):\n    return 1\n"
		if s.code != "" {
			code = s.code
		}
		w.write(s.c.yaml(), code)
		p, err := w.plan()
		if err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		f := p.Functions[0]
		if !f.Has(plan.StepPublish) || !f.Has(plan.StepCode) || len(aliasWrites(f)) != 1+btoi(s.what == "memory") {
			t.Fatalf("%s: plan:\n%s", s.what, text(p))
		}
		if got := strings.Contains(text(p), "+ code.release_marker:"); got != s.marked {
			t.Fatalf("%s: release marker %v, want %v:\n%s", s.what, got, s.marked, text(p))
		}
		w.apply()
		w.serves("live", s.c.version, s.mem, s.timeout, s.greet)
		w.serves("beta", "v1", 256, 30, "hi")
		latest := w.live("hello")
		if marked := latest.Digest != w.packageDigest(); marked != s.marked {
			t.Fatalf("%s: latest's package is marked: %v, want %v", s.what, marked, s.marked)
		}
		if latest.Digest == plain && s.marked {
			t.Fatalf("%s: latest has the plain package", s.what)
		}
		w.quiet()
	}
	// The same manifest again, under another name: nothing to release.
	again := steps[len(steps)-1].c
	again.version = "v9"
	w.write(again.yaml(), "def handler(e, c):\n    return 1\n")
	p, err := w.plan()
	if err != nil || p.HasChanges() || !strings.Contains(text(p), "hello: unchanged, nothing to publish") {
		t.Fatalf("unchanged: %v\n%s", err, text(p))
	}
}

// publish.config_changes: latest asks for the other behaviour: a change
// of config alone goes to latest only, the plan says so, and only a code
// change publishes. A no-op plan after it does not repeat the note.
func TestConfigChangesLatestOnly(t *testing.T) {
	w := newWorld(t)
	code := "def handler(e, c):\n    return 1\n"
	w.write(config{"v1", "256", "30", "hi", "s1", "latest", false}.yaml(), code)
	w.apply()
	w.write(config{"v2", "512", "30", "hi", "s1", "latest", false}.yaml(), code)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	if f.Has(plan.StepPublish) || f.Has(plan.StepCode) || len(aliasWrites(f)) != 0 ||
		!strings.Contains(text(p), "note: nothing to publish: publish.config_changes is latest, so this change of memory_size goes to latest only") {
		t.Fatalf("plan:\n%s", text(p))
	}
	w.apply()
	w.serves("live", "v1", 256, 30, "hi")
	if got := w.live("hello").MemorySize; got != 512 {
		t.Fatalf("latest has memory %d", got)
	}
	w.quiet()
	// The default again: the config latest has now is released.
	w.write(config{"v3", "512", "30", "hi", "s1", "", false}.yaml(), code)
	w.apply()
	w.serves("live", "v3", 512, 30, "hi")
	w.quiet()
	// And latest only again after a marked release: the marker stays
	// where it is, nothing is published.
	w.write(config{"v4", "1024", "30", "hi", "s1", "latest", false}.yaml(), code)
	p, err = w.plan()
	if err != nil || p.Functions[0].Has(plan.StepCode) || p.Functions[0].Has(plan.StepPublish) {
		t.Fatalf("latest only after a marked release: %v\n%s", err, text(p))
	}
	w.apply()
	w.quiet()
}

// A release name that exists with other config (the same commit released
// again after a change of config) is released under that name and a
// suffix of the config's hash, in both modes; re-planning finds it
// published. A name taken by other code is still an error.
func TestReleaseNameTakenByOtherConfig(t *testing.T) {
	w := newWorld(t)
	code := "def handler(e, c):\n    return 1\n"
	w.write(config{"vabc123", "256", "30", "hi", "s1", "", false}.yaml(), code)
	w.apply()
	w.write(config{"vabc123", "512", "30", "hi", "s1", "", false}.yaml(), code)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	var name string
	for _, s := range p.Functions[0].Steps {
		if r, ok := s.Request.(*plan.PublishVersion); ok {
			name = r.Version()
		}
	}
	if !strings.HasPrefix(name, "vabc123-") || len(name) != len("vabc123-")+7 ||
		!strings.Contains(text(p), "note: vabc123 already exists with other memory_size, so this release is "+name+" (the hash of what it holds)") {
		t.Fatalf("release %q:\n%s", name, text(p))
	}
	w.apply()
	w.serves("live", name, 512, 30, "hi")
	w.quiet()
	// The first config again: vabc123 is that release, live goes back.
	w.write(config{"vabc123", "256", "30", "hi", "s1", "", false}.yaml(), code)
	p, err = w.plan()
	if err != nil || p.Functions[0].Has(plan.StepPublish) || !strings.Contains(text(p), "vabc123 is already published, nothing to publish") {
		t.Fatalf("first config again: %v\n%s", err, text(p))
	}
	w.apply()
	w.serves("live", "vabc123", 256, 30, "hi")
	w.quiet()
	// Other code under a taken name: refused, as before.
	w.write(config{"vabc123", "256", "30", "hi", "s1", "", false}.yaml(), "def handler(e, c):\n    return 2\n")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "version vabc123 already exists with other code") {
		t.Fatalf("other code: %v", err)
	}
}

// A version name at the limit keeps the suffix within 42 characters
// (and the name's end a letter or digit).
func TestReleaseNameAtTheLimit(t *testing.T) {
	w := newWorld(t)
	code := "def handler(e, c):\n    return 1\n"
	long := "v" + strings.Repeat("1", 32) + "-abcdefgh" // 42
	w.write(config{long, "256", "30", "hi", "s1", "", false}.yaml(), code)
	w.apply()
	w.write(config{long, "512", "30", "hi", "s1", "", false}.yaml(), code)
	w.apply()
	a := w.alias("hello", "live")
	if len(a.Version) > 42 || !strings.HasPrefix(a.Version, long[:33]+"-") || len(a.Version) != 33+8 {
		t.Fatalf("live on %q", a.Version)
	}
	w.quiet()
}

// A rolled-back canary does not get traffic again when its release is
// applied again; a new release (changed code or config) moves the alias,
// and the plan says why it does not move before.
func TestRolledBackCanaryStaysRolledBack(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.write(releaseManifest("v1"), "def handler(e, c):\n    return 1\n")
	w.apply()
	w.write(releaseManifest("v2"), "def handler(e, c):\n    return 2\n")
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	if _, err := release.Rollback(ctx, w.client, urn, "live", ""); err != nil {
		t.Fatal(err)
	}
	p, err := w.plan()
	if err != nil || p.HasChanges() || !strings.Contains(text(p), "alias live stays on v1: a rollback took it off v2, so it goes to the next release (changed code or config), not back to this one (rollback --to v2 points it there)") {
		t.Fatalf("re-run after the rollback: %v\n%s", err, text(p))
	}
	w.apply()
	if a := w.alias("hello", "live"); release.Describe(*a) != "v1" {
		t.Fatalf("live: %s", release.Describe(*a))
	}
	// A promoted version rolled back: the same.
	w.write(releaseManifest("v3"), "def handler(e, c):\n    return 3\n")
	w.apply()
	if _, err := release.Promote(ctx, w.client, urn, "live"); err != nil {
		t.Fatal(err)
	}
	if _, err := release.Rollback(ctx, w.client, urn, "live", ""); err != nil {
		t.Fatal(err)
	}
	w.noChanges()
	if a := w.alias("hello", "live"); release.Describe(*a) != "v1" {
		t.Fatalf("live after rolling v3 back: %s", release.Describe(*a))
	}
	// A change of config is a new release: the canary starts again.
	w.write(strings.Replace(releaseManifest("v4"), "handler: index.handler", "handler: index.handler\n    memory_size: 512", 1), "def handler(e, c):\n    return 3\n")
	w.apply()
	if a := w.alias("hello", "live"); release.Describe(*a) != "v1 (90%) + v4 (10%)" {
		t.Fatalf("live after a new release: %s", release.Describe(*a))
	}
	w.noChanges()
}

// A change of dependencies alone is released too (versions hold
// depend_version_list; a strict service wants the code to change).
func TestDependenciesChangeIsReleased(t *testing.T) {
	w := newWorld(t)
	y := fn("    dependencies: [DEP]\n    publish: {version: VERSION}\n    aliases:\n      live: {version: $published}\n")
	w.write(strings.NewReplacer("DEP", "0a1b2c3d-0000-4000-8000-000000000001", "VERSION", "v1").Replace(y), ruleCode)
	w.apply()
	w.write(strings.NewReplacer("DEP", "0a1b2c3d-0000-4000-8000-000000000002", "VERSION", "v2").Replace(y), ruleCode)
	p, err := w.plan()
	if err != nil || !strings.Contains(text(p), `+ code.release_marker: "dependencies changed since v1"`) {
		t.Fatalf("%v\n%s", err, text(p))
	}
	w.apply()
	cfg, err := w.client.GetConfig(context.Background(), w.client.FunctionURN("default", "hello")+":v2")
	if err != nil || strings.Join(cfg.DependVersionList, ",") != "0a1b2c3d-0000-4000-8000-000000000002" || w.alias("hello", "live").Version != "v2" {
		t.Fatalf("v2: %+v %v", cfg, err)
	}
	w.quiet()
}

// max_instances is set on the function through an API of its own and is
// not part of a release: a change of it alone publishes nothing, now or
// in the plan after.
func TestMaxInstancesAloneIsNotReleased(t *testing.T) {
	w := newWorld(t)
	y := fn("    max_instances: MAX\n    publish: {version: VERSION}\n    aliases:\n      live: {version: $published}\n")
	w.write(strings.NewReplacer("MAX", "10", "VERSION", "v1").Replace(y), ruleCode)
	w.apply()
	w.write(strings.NewReplacer("MAX", "20", "VERSION", "v2").Replace(y), ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if f := p.Functions[0]; stepTypes(f) != "max_instances" || !strings.Contains(text(p), "note: nothing to publish: what this plan changes is not part of a version") {
		t.Fatalf("plan:\n%s", text(p))
	}
	w.apply()
	w.noChanges()
}

// Where GET config does not carry depend_version_list, what a version
// holds is read with its code: a release with dependencies is not taken
// for one without them, and a plan right after it is a no-op.
func TestVersionDependenciesReadFromCode(t *testing.T) {
	w := newWorldWith(t, emulator.Options{ConfigWithoutDependencies: true})
	y := fn("    dependencies: [\"0a1b2c3d-0000-4000-8000-000000000001\"]\n    memory_size: MEM\n    publish: {version: VERSION}\n    aliases:\n      live: {version: $published}\n")
	w.write(strings.NewReplacer("MEM", "256", "VERSION", "v1").Replace(y), ruleCode)
	w.apply()
	w.noChanges()
	w.write(strings.NewReplacer("MEM", "512", "VERSION", "v2").Replace(y), ruleCode)
	w.apply()
	w.noChanges()
	if a := w.alias("hello", "live"); a.Version != "v2" {
		t.Fatalf("live on %s", a.Version)
	}
}
