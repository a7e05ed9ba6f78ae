package planner_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// planWith plans w's manifest under --env env, with a builder whose cache
// is the project's .fgsdeploy/build.
func (w *world) planWith(env string, b *codebuild.Builder) *plan.Plan {
	w.t.Helper()
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{Env: env})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := planner.Compute(context.Background(), w.client, proj, planner.Options{Builder: b})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { p.Close() })
	return p
}

func (w *world) applyReport(p *plan.Plan) *applier.Report {
	w.t.Helper()
	return applier.Apply(context.Background(), w.client, p, applier.Options{})
}

func (w *world) builder() *codebuild.Builder {
	return &codebuild.Builder{CacheDir: filepath.Join(w.dir, ".fgsdeploy", "build"), Env: []string{"PATH=" + os.Getenv("PATH")}}
}

// deployed is the function called name in FunctionGraph, or nil.
func (w *world) deployed(name string) *apiclient.Function {
	w.t.Helper()
	f, err := w.client.GetConfig(context.Background(), w.client.FunctionURN("default", name))
	if apiclient.IsNotFound(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

// expectedDigest is the digest of a package holding files.
func expectedDigest(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	r, err := codezip.Build(context.Background(), dir, codezip.Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.Digest
}

const stagesYAML = `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
functions:
  api: {}
  worker: {}
environments:
  dev:
    defaults: {name: "${FUNCTION}-dev"}
  prod:
    defaults: {name: "${FUNCTION}-prod"}
`

// One manifest deploys each stage's functions side by side: the plan
// names each by its key and its FunctionGraph name, and a stage's plan
// right after its apply is no change, whatever the other stage did.
func TestStagesSideBySide(t *testing.T) {
	w := newWorld(t)
	w.write(stagesYAML, "def handler(e, c):\n    return 1\n")
	for _, env := range []string{"dev", "prod"} {
		p := w.planWith(env, nil)
		for _, f := range p.Functions {
			if f.FuncName != f.Name+"-"+env || !strings.HasSuffix(f.URN, ":function:default:"+f.Name+"-"+env) || f.Action != plan.Create {
				t.Fatalf("--env %s: %s planned as %s, %s, %s", env, f.Name, f.FuncName, f.URN, f.Action)
			}
			if f.Title() != f.Name+" ("+f.Name+"-"+env+")" {
				t.Errorf("title %q", f.Title())
			}
		}
		if err := w.applyReport(p).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"api-dev", "worker-dev", "api-prod", "worker-prod"} {
		if f := w.deployed(name); f == nil || f.FuncName != name {
			t.Errorf("%s: not deployed (%+v)", name, f)
		}
	}
	for _, name := range []string{"api", "worker"} {
		if w.deployed(name) != nil {
			t.Errorf("%s was deployed under its key", name)
		}
	}
	for _, env := range []string{"dev", "prod"} {
		if p := w.planWith(env, nil); p.HasChanges() {
			t.Errorf("--env %s after both applies: %s", env, text(p))
		}
	}
	// Without --env, the keys are the names: two more functions.
	if p := w.planWith("", nil); p.Summary().Create != 2 {
		t.Errorf("no --env: %s", text(p))
	}
}

// A function's code.build runs in a copy, and its result is what gets
// deployed (.fgsignore applied); the plan says it ran. The next plan
// takes the cached result: no build, no change. A changed source builds
// again.
func TestBuildIsDeployed(t *testing.T) {
	w := newWorld(t)
	counter := filepath.Join(t.TempDir(), "runs")
	b := w.builder()
	b.Env = append(b.Env, "COUNTER="+counter)
	w.write(`functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code:
      path: ./src
      build: 'echo run >> "$COUNTER"; cp vendor/greet.py greet.py; echo "$FGS_FUNCTION_NAME" > name.txt'
`, "import greet\n")
	os.MkdirAll(filepath.Join(w.dir, "src", "vendor"), 0o755)
	os.WriteFile(filepath.Join(w.dir, "src", "vendor", "greet.py"), []byte("x = 1\n"), 0o644)
	os.WriteFile(filepath.Join(w.dir, "src", ".fgsignore"), []byte("vendor/\n"), 0o644)
	runs := func() int { s, _ := os.ReadFile(counter); return strings.Count(string(s), "run") }

	p := w.planWith("", b)
	if f := find(p, "hello"); f == nil || !slices.Contains(f.Notes, planner.BuildNote) {
		t.Fatalf("the plan does not say the build ran: %s", text(p))
	}
	if err := w.applyReport(p).Err(); err != nil {
		t.Fatal(err)
	}
	want := expectedDigest(t, map[string]string{"index.py": "import greet\n", "greet.py": "x = 1\n", "name.txt": "hello\n"})
	if got := w.deployed("hello"); got == nil || got.Digest != want {
		t.Fatalf("deployed %+v, want the build's result (digest %s)", got, want)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "src", "greet.py")); err == nil {
		t.Error("the build wrote into the source tree")
	}
	again := w.planWith("", b)
	if again.HasChanges() || len(find(again, "hello").Notes) != 0 || runs() != 1 {
		t.Fatalf("second plan: %d runs, %s", runs(), text(again))
	}
	os.WriteFile(filepath.Join(w.dir, "src", "index.py"), []byte("import greet  # v2\n"), 0o644)
	changed := w.planWith("", b)
	if f := find(changed, "hello"); !f.Has(plan.StepCode) || !slices.Contains(f.Notes, planner.BuildNote) || runs() != 2 {
		t.Fatalf("a changed source: %d runs, %s", runs(), text(changed))
	}
}

// A failing build fails its function only, with its exit status and the
// end of its output: nothing of it is applied, the others are.
func TestFailingBuildFailsItsFunction(t *testing.T) {
	w := newWorld(t)
	w.write(`defaults:
  runtime: Python3.10
  handler: index.handler
functions:
  good: {code: {path: ./src, build: "echo fine > built.txt"}}
  bad: {code: {path: ./src, build: "echo installing; echo 'no such package' >&2; exit 7"}}
  plain: {code: {path: ./src}}
`, "def handler(e, c):\n    return 1\n")
	p := w.planWith("", w.builder())
	if len(p.Failures) != 1 || p.Failures[0].Name != "bad" {
		t.Fatalf("failures %v", p.Failures)
	}
	msg := p.Failures[0].Error()
	if !strings.HasPrefix(msg, "bad: code.build failed (exit status 7); the end of its output:\n    installing\n    no such package") {
		t.Errorf("failure %q", msg)
	}
	rep := w.applyReport(p)
	if rep.Err() == nil {
		t.Error("apply reported no failure")
	}
	if w.deployed("bad") != nil {
		t.Error("the function whose build failed was created")
	}
	if w.deployed("good") == nil || w.deployed("plain") == nil {
		t.Error("the other functions were not applied")
	}
	// Without a builder, code.build is that function's error.
	p = w.planWith("", nil)
	if len(p.Failures) != 2 || !strings.Contains(p.Failures[0].Error(), "code.build: this command cannot run builds") {
		t.Errorf("no builder: %v", p.Failures)
	}
}
