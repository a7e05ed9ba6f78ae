package applier_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

const pid = "0123456789abcdef0123456789abcdef"

type rig struct {
	srv     *emulator.Server
	client  *apiclient.Client // default retries
	fragile *apiclient.Client // at most `attempts` per request, for apply in the soak
	proj    *manifest.Project
	url     string // the emulator's
}

// newRig writes a project of n functions (each publishing a version and
// moving an alias) and connects a client to a fresh emulator.
func newRig(t testing.TB, n int, eo emulator.Options) *rig {
	return newRigAttempts(t, n, eo, 0)
}

// newRigAttempts is newRig with the client's attempts per request bounded
// (0 = the default).
func newRigAttempts(t testing.TB, n int, eo emulator.Options, attempts int) *rig {
	t.Helper()
	return newRigGated(t, n, eo, attempts, nil)
}

// newRigGated is newRigAttempts with gate, when not nil, called with
// every request before the emulator serves it: a test's event at a known
// request.
func newRigGated(t testing.TB, n int, eo emulator.Options, attempts int, gate func(*http.Request)) *rig {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
	var b strings.Builder
	b.WriteString("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\n  publish: {keep: 3}\n  aliases:\n    live: {version: $published}\nfunctions:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  fn%03d:\n    memory_size: %d\n    environment: {INDEX: \"%d\"}\n", i, []int{128, 256, 512}[i%3], i)
	}
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(b.String()), 0o644)
	proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eo.AccessKey, eo.SecretKey, eo.ProjectID, eo.Region = "AK", "SK", pid, "cn-north-4"
	eo.RetryAfter = -1
	eo.Strict = strictEmulator
	logMode(t)
	srv, err := emulator.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if gate != nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { gate(r); srv.ServeHTTP(w, r) })
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	newClient := func(attempts int) *apiclient.Client {
		c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK",
			Retry: apiclient.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return &rig{srv: srv, client: newClient(0), fragile: newClient(attempts), proj: proj, url: hs.URL}
}

func (r *rig) plan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := planner.Compute(context.Background(), r.client, r.proj, planner.Options{Parallelism: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// An interrupt starts nothing new and lets the step in flight finish: the
// function it belongs to stops before its next step, the functions not
// started are not touched, the report says where each stopped, and a
// re-run converges. With parallelism 1 the functions go in name order, so
// an interrupt sent as fn004's create reaches FunctionGraph is exact:
// fn000-fn003 applied, fn004 created but not published, the rest not
// created.
func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var creates atomic.Int32
	r := newRigGated(t, 12, emulator.Options{}, 0, func(req *http.Request) {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/fgs/functions") && creates.Add(1) == 5 {
			cancel()
		}
	})
	p := r.plan(t)
	rep := applier.Apply(ctx, r.client, p, applier.Options{Parallelism: 1})
	for _, f := range rep.Functions {
		want := "applied done [create publish aliases] not done []"
		switch {
		case f.Name == "fn004":
			want = "interrupted done [create] not done [publish aliases]"
		case f.Name > "fn004":
			want = "interrupted done [] not done [create publish aliases]"
		}
		if got := fmt.Sprintf("%s done %v not done %v", f.Outcome, f.Done, f.NotDone); got != want {
			t.Errorf("%s: %s, want %s (%v)", f.Name, got, want, f.Err)
		}
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, want := range []string{
		"fn003: created (create, publish " + rep.Functions[3].Published + ", alias live -> " + rep.Functions[3].Published + ")\n" +
			"fn004: interrupted\n    done: create\n    not done: publish, aliases\n" +
			"fn005: interrupted\n    not done: create, publish, aliases\n",
		// fn004 was created: it counts as created, stopped part-way (issue 24).
		"Apply: 5 created, 0 updated, 0 unchanged, 0 failed, 7 not applied; 1 interrupted part-way.\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("report:\n%s\nwant in it:\n%s", out.String(), want)
		}
	}
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "fn004: interrupted before publish") || !strings.Contains(err.Error(), "fn005: interrupted before create") {
		t.Fatalf("err = %v", err)
	}
	// What FunctionGraph holds: as the report says.
	bg := context.Background()
	for i, f := range rep.Functions {
		urn := r.client.FunctionURN("default", f.Name)
		_, err := r.client.GetConfig(bg, urn)
		if exists := err == nil; exists != (i <= 4) {
			t.Errorf("%s exists: %v (%v)", f.Name, exists, err)
		}
		if i > 4 {
			continue
		}
		vs, err := r.client.ListVersions(bg, urn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.client.GetAlias(bg, urn, "live")
		if published := len(vs) > 1; published != (i < 4) || (err == nil) != (i < 4) {
			t.Errorf("%s: %d versions, alias live: %v", f.Name, len(vs), err)
		}
	}

	// Re-run: converges, and publishes no version twice.
	rep = applier.Apply(context.Background(), r.client, r.plan(t), applier.Options{Parallelism: 4})
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if p := r.plan(t); p.HasChanges() {
		var b bytes.Buffer
		(plan.View{}).Text(&b, p)
		t.Fatalf("not converged:\n%s", b.String())
	}
	for fn, n := range r.srv.Stats().Publishes {
		if n != 1 {
			t.Errorf("%s published %d times", fn, n)
		}
	}
}

// An interrupt that arrives while a release publishes: the publish
// finishes, the alias does not move to it (live stays on v1, which is
// what the report says by "not done: aliases"), and a re-run moves it.
func TestInterruptBeforeAliasMove(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var armed atomic.Bool
	r := newRigGated(t, 1, emulator.Options{}, 0, func(req *http.Request) {
		if armed.Load() && req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/versions") {
			cancel()
		}
	})
	release := func(version, code string) *manifest.Project {
		y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" +
			"    publish: {version: " + version + "}\n    aliases:\n      live: {version: $published}\n"
		os.WriteFile(filepath.Join(r.proj.Dir, "function.yaml"), []byte(y), 0o644)
		os.WriteFile(filepath.Join(r.proj.Dir, "src", "index.py"), []byte(code), 0o644)
		proj, err := manifest.Load(filepath.Join(r.proj.Dir, "function.yaml"), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return proj
	}
	r.proj = release("v1", "def handler(e, c):\n    return 1\n")
	if err := applier.Apply(context.Background(), r.client, r.plan(t), applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	r.proj = release("v2", "def handler(e, c):\n    return 2\n")
	p := r.plan(t)
	armed.Store(true)
	rep := applier.Apply(ctx, r.client, p, applier.Options{})
	f := rep.Functions[0]
	if got := fmt.Sprintf("%s done %v not done %v", f.Outcome, f.Done, f.NotDone); got != "interrupted done [code publish] not done [aliases]" {
		t.Fatalf("%s (%v)", got, f.Err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if want := "hello: interrupted\n    done: code, publish v2\n    not done: aliases\n"; !strings.HasPrefix(out.String(), want) {
		t.Fatalf("report:\n%s\nwant:\n%s", out.String(), want)
	}
	urn := r.client.FunctionURN("default", "hello")
	if a, err := r.client.GetAlias(context.Background(), urn, "live"); err != nil || a.Version != "v1" {
		t.Fatalf("live alias %+v, %v: moved after the interrupt", a, err)
	}
	armed.Store(false)
	if err := applier.Apply(context.Background(), r.client, r.plan(t), applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	if a, err := r.client.GetAlias(context.Background(), urn, "live"); err != nil || a.Version != "v2" {
		t.Fatalf("after the re-run, live alias %+v, %v", a, err)
	}
}

// A failing function stops its own steps, not the others'.
func TestPartialFailure(t *testing.T) {
	r := newRig(t, 4, emulator.Options{})
	p := r.plan(t)
	// Make one function's config update fail at the server: a memory size
	// the manifest would never allow.
	for _, f := range p.Functions {
		if f.Name == "fn001" {
			f.Steps[0].Request.(*plan.CreateFunction).Body.MemorySize = 100
		}
	}
	rep := applier.Apply(context.Background(), r.client, p, applier.Options{Parallelism: 4})
	var out bytes.Buffer
	rep.Write(&out)
	if !strings.Contains(out.String(), "fn001: failed at create: FSS.1007") || !strings.Contains(out.String(), "Apply: 3 created, 0 updated, 0 unchanged, 1 failed.") {
		t.Fatalf("report:\n%s", out.String())
	}
	if rep.Err() == nil || !strings.Contains(rep.Err().Error(), "fn001") {
		t.Fatalf("err = %v", rep.Err())
	}
	for _, f := range rep.Functions {
		if f.Name == "fn001" && (len(f.NotDone) != 2 || f.Outcome != applier.Failed) {
			t.Fatalf("fn001: %+v", f)
		}
	}
}

// The digest FunctionGraph reports after an upload must be the planned one.
func TestDigestMismatch(t *testing.T) {
	r := newRig(t, 1, emulator.Options{})
	p := r.plan(t)
	p.Functions[0].Steps[0].Request.(*plan.CreateFunction).Code.Digest = strings.Repeat("0", 128)
	rep := applier.Apply(context.Background(), r.client, p, applier.Options{})
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "digest mismatch") || !strings.Contains(err.Error(), strings.Repeat("0", 128)) {
		t.Fatalf("err = %v", err)
	}
}

// Soak: many functions under a 20% fault rate, faults striking after the
// change took effect. Plans read with the default
// retries; applies write through a client allowed only two attempts per
// request, so that failures get through: apply, re-apply until done, then
// a no-op plan, everything as declared, no version published twice.
// FGSDEPLOY_SOAK=long (make soak) runs a longer one.
func TestSoak(t *testing.T) {
	n, rounds := 100, 20
	if os.Getenv("FGSDEPLOY_SOAK") == "long" {
		n, rounds = 400, 40
	}
	r := newRigAttempts(t, n, emulator.Options{FaultRate: 0.2, Seed: 11, FaultAfterEffect: true}, 2)
	var applies atomic.Int32
	failedRounds := 0
	done := false
	for i := 0; i < rounds && !done; i++ {
		p, err := planner.Compute(context.Background(), r.client, r.proj, planner.Options{Parallelism: 16})
		if err != nil {
			t.Fatal(err)
		}
		if !p.HasChanges() && len(p.Failures) == 0 {
			done = true
			p.Close()
			break
		}
		applies.Add(1)
		// A function whose reads failed past their retries fails alone;
		// the others are applied.
		if err := applier.Apply(context.Background(), r.fragile, p, applier.Options{Parallelism: 16}).Err(); err != nil {
			failedRounds++
		}
		p.Close()
	}
	r.srv.SetFaultRate(0)
	p := r.plan(t)
	if p.HasChanges() {
		t.Fatalf("not converged after %d applies: %+v", applies.Load(), p.Summary())
	}
	pkg, err := codezip.Build(context.Background(), filepath.Join(r.proj.Dir, "src"), codezip.Options{Root: r.proj.Dir})
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	for _, f := range r.proj.Functions {
		cfg, err := r.client.GetConfig(context.Background(), r.client.FunctionURN("default", f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MemorySize != *f.MemorySize || !strings.Contains(cfg.UserData, f.Environment["INDEX"]) || cfg.Digest != pkg.Digest {
			t.Fatalf("%s not as declared: %+v", f.Name, cfg)
		}
	}
	st := r.srv.Stats()
	for _, f := range r.proj.Functions {
		if got := st.Publishes["default/"+f.Name]; got != 1 {
			t.Errorf("%s published %d times, want once", f.Name, got)
		}
	}
	t.Logf("%d functions converged in %d applies (%d with failures); %d faults injected", n, applies.Load(), failedRounds, st.Faults)
}

func BenchmarkApply(b *testing.B) {
	for _, par := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				r := newRig(b, 200, emulator.Options{Latency: 50 * time.Millisecond})
				b.StartTimer()
				p, err := planner.Compute(context.Background(), r.client, r.proj, planner.Options{Parallelism: par})
				if err != nil {
					b.Fatal(err)
				}
				if err := applier.Apply(context.Background(), r.client, p, applier.Options{Parallelism: par}).Err(); err != nil {
					b.Fatal(err)
				}
				p.Close()
			}
		})
	}
}

// A step is one request, and the report names steps as plans show them:
// two alias writes are one "aliases" step, done when both are.
func TestReportNamesStepsAsPlansShowThem(t *testing.T) {
	r := newRig(t, 1, emulator.Options{})
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: v1}\n" +
		"    aliases:\n      live: {version: $published}\n      beta: {version: latest}\n"
	os.WriteFile(filepath.Join(r.proj.Dir, "function.yaml"), []byte(y), 0o644)
	proj, err := manifest.Load(filepath.Join(r.proj.Dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.Compute(context.Background(), r.client, proj, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n := len(p.Functions[0].Steps); n != 4 {
		t.Fatalf("%d steps, want create, publish and one per alias", n)
	}
	rep := applier.Apply(context.Background(), r.client, p, applier.Options{})
	var out bytes.Buffer
	rep.Write(&out)
	if want := "hello: created (create, publish v1, alias beta -> latest, alias live -> v1)\n"; !strings.HasPrefix(out.String(), want) {
		t.Fatalf("report:\n%s\nwant %s", out.String(), want)
	}
	if got := fmt.Sprint(rep.Functions[0].Done); got != "[create publish aliases]" {
		t.Fatalf("done %s", got)
	}
}
