package codebuild

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fgsdeploy/fgsdeploy/codezip"
)

// fixture is a project with a code directory src/ and a builder whose
// cache is in the project's .fgsdeploy/build, as the CLI makes it.
type fixture struct {
	t       *testing.T
	project string
	b       *Builder
	spec    Spec
}

func newFixture(t *testing.T, files map[string]string) *fixture {
	t.Helper()
	project := t.TempDir()
	for name, content := range files {
		p := filepath.Join(project, "src", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(project, "src"), 0o755)
	state := filepath.Join(project, ".fgsdeploy")
	return &fixture{t: t, project: project,
		b: &Builder{CacheDir: filepath.Join(state, "build"), Env: []string{"PATH=" + os.Getenv("PATH")}},
		spec: Spec{Dir: filepath.Join(project, "src"), Runtime: "Python3.10", Function: "hello", FuncName: "hello-dev",
			Sources: codezip.Options{Root: project, Exclude: []string{state}}}}
}

func (f *fixture) build(command string) *Result {
	f.t.Helper()
	s := f.spec
	s.Command = command
	r, err := f.b.Build(context.Background(), s)
	if err != nil {
		f.t.Fatalf("build %q: %v", command, err)
	}
	return r
}

func (f *fixture) write(name, content string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.project, "src", name), []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A build runs in a copy (the source tree is never written), with the
// builder's environment and the FGS_ variables; what the copy holds
// afterwards is the result.
func TestBuildRunsInACopy(t *testing.T) {
	f := newFixture(t, map[string]string{"index.py": "import greet\n", "vendor/greet.py": "x = 1\n", ".fgsignore": "vendor/\n"})
	f.b.Env = append(f.b.Env, "KEPT=yes")
	r := f.build(`cp vendor/greet.py greet.py && rm index.py && echo "$FGS_RUNTIME $FGS_FUNCTION $FGS_FUNCTION_NAME $KEPT $HOME" > env.txt && pwd -P > pwd.txt && test "$FGS_OUTPUT_DIR" = "$(pwd)"`)
	if !r.Ran {
		t.Fatal("the first build did not run")
	}
	if got := read(t, filepath.Join(r.Dir, "env.txt")); got != "Python3.10 hello hello-dev yes \n" {
		t.Errorf("the build's environment: %q", got)
	}
	if got := strings.TrimSpace(read(t, filepath.Join(r.Dir, "pwd.txt"))); strings.HasPrefix(got, filepath.Join(f.project, "src")) {
		t.Errorf("the build ran in the source tree: %s", got)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "greet.py")); err != nil {
		t.Errorf("the result lacks what the build made: %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".fgsignore")); err != nil {
		t.Errorf("the copy lacks the .fgsignore that filters the result: %v", err)
	}
	// The source tree is as it was.
	if _, err := os.Stat(filepath.Join(f.project, "src", "index.py")); err != nil {
		t.Errorf("the build removed a source file: %v", err)
	}
	for _, made := range []string{"greet.py", "env.txt", "pwd.txt"} {
		if _, err := os.Stat(filepath.Join(f.project, "src", made)); err == nil {
			t.Errorf("the build wrote %s into the source tree", made)
		}
	}
	// The result packages as a directory does, .fgsignore applied.
	l, err := codezip.List(r.Dir, codezip.Options{Root: r.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.Files, " "); got != "env.txt greet.py pwd.txt" {
		t.Errorf("the result's package holds %s", got)
	}
}

// The same inputs take the kept result, without running the command; a
// change of any input (a source file, one .fgsignore leaves out, an
// executable bit, the command, the runtime, the name) builds again; what
// is never packaged (saved plans, .fgsdeploy) is no input.
func TestBuildCache(t *testing.T) {
	f := newFixture(t, map[string]string{"index.py": "v1\n", "requirements.txt": "a\n", ".fgsignore": "requirements.txt\n"})
	counter := filepath.Join(t.TempDir(), "runs")
	f.b.Env = append(f.b.Env, "COUNTER="+counter)
	const cmd = `echo run >> "$COUNTER"; date +%s%N > stamp`
	runs := func() int { b, _ := os.ReadFile(counter); return strings.Count(string(b), "run") }
	first := f.build(cmd)
	again := f.build(cmd)
	if again.Ran || again.Dir != first.Dir || runs() != 1 {
		t.Fatalf("the same inputs built again: ran %v, %s vs %s, %d runs", again.Ran, again.Dir, first.Dir, runs())
	}
	f.write("plan.json", `{"format_version": "1", "salt": "c2FsdA==", "functions": []}`)
	os.MkdirAll(filepath.Join(f.project, "src", ".fgsdeploy"), 0o755)
	f.write(".fgsdeploy/x", "local state")
	if r := f.build(cmd); r.Ran {
		t.Fatal("a saved plan or .fgsdeploy/ in the code made a new build")
	}
	keys := map[string]bool{first.Key: true}
	changed := func(what string, r *Result) {
		t.Helper()
		if !r.Ran || keys[r.Key] {
			t.Errorf("%s: no new build (ran %v)", what, r.Ran)
		}
		keys[r.Key] = true
	}
	f.write("index.py", "v2\n")
	changed("a source file", f.build(cmd))
	f.write("requirements.txt", "b\n")
	changed("a file .fgsignore leaves out", f.build(cmd))
	os.Chmod(filepath.Join(f.project, "src", "index.py"), 0o755)
	changed("an executable bit", f.build(cmd))
	changed("the command", f.build(cmd+" "))
	f.spec.Runtime = "Python3.9"
	changed("the runtime", f.build(cmd))
	f.spec.FuncName = "hello-prod"
	changed("the FunctionGraph name", f.build(cmd))
}

// A failed build is an error with its exit status and the end of its
// output, secrets shown as (sensitive); it leaves nothing in the cache.
func TestBuildFailure(t *testing.T) {
	f := newFixture(t, map[string]string{"index.py": "x\n"})
	f.b.Env = append(f.b.Env, "TOKEN=s3cr3t-value")
	f.b.Redact = []string{"s3cr3t-value", ""}
	s := f.spec
	s.Command = `for i in $(seq 1 30); do echo "line $i"; done; echo "token=$TOKEN" >&2; exit 3`
	_, err := f.b.Build(context.Background(), s)
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if be.Status != "exit status 3" {
		t.Errorf("status %q", be.Status)
	}
	msg := err.Error()
	if strings.Contains(msg, "s3cr3t-value") || !strings.Contains(msg, "token=(sensitive)") {
		t.Errorf("the secret is not redacted:\n%s", msg)
	}
	if !strings.Contains(msg, "    line 30\n") || strings.Contains(msg, "line 11\n") || !strings.Contains(msg, "    line 12\n") {
		t.Errorf("not the last 20 lines:\n%s", msg)
	}
	if !strings.HasPrefix(msg, "code.build failed (exit status 3); the end of its output:\n") {
		t.Errorf("message %q", msg)
	}
	entries, _ := os.ReadDir(filepath.Join(f.b.CacheDir, "hello"))
	if len(entries) != 0 {
		t.Errorf("a failed build left %v", entries)
	}
	// A command that does not exist, and one with no output.
	for cmd, want := range map[string]string{"exit 2": "code.build failed (exit status 2), with no output", "no-such-command-xyz": "not found"} {
		s.Command = cmd
		if _, err := f.b.Build(context.Background(), s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", cmd, err, want)
		}
	}
}

// Cancelling a build kills it, and what it started: the build's own
// process group.
func TestBuildCancel(t *testing.T) {
	f := newFixture(t, map[string]string{"index.py": "x\n"})
	dir := t.TempDir()
	fifo, pidFile := filepath.Join(dir, "started"), filepath.Join(dir, "pid")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := f.spec
	s.Command = `sleep 600 & echo $! > ` + pidFile + `; echo started > ` + fifo + `; wait`
	errc := make(chan error, 1)
	go func() { _, err := f.b.Build(ctx, s); errc <- err }()
	r, err := os.Open(fifo) // blocks until the build has started its child
	if err != nil {
		t.Fatal(err)
	}
	bufio.NewReader(r).ReadString('\n')
	r.Close()
	cancel()
	err = <-errc
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(read(t, pidFile)))
	if err != nil {
		t.Fatal(err)
	}
	// The child is killed with its group; it may take its parent's exit
	// to be reaped. Wait for that, up to a generous bound.
	deadline := time.Now().Add(30 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); strings.Contains(string(b), ") Z ") {
			break // a zombie: dead, not yet reaped
		}
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatal("the build's child outlived the cancelled build")
		}
		time.Sleep(10 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Join(f.b.CacheDir, "hello"))
	if len(entries) != 0 {
		t.Errorf("a cancelled build left %v", entries)
	}
}

// The cache keeps the Keep most recently used builds of a function.
func TestBuildPrune(t *testing.T) {
	f := newFixture(t, map[string]string{"index.py": "x\n"})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.b.Now = func() time.Time { now = now.Add(time.Minute); return now }
	f.b.Keep = 2
	a := f.build("echo a > a")
	b := f.build("echo b > b")
	if r := f.build("echo a > a"); r.Ran || r.Dir != a.Dir {
		t.Fatal("a was not kept")
	}
	c := f.build("echo c > c") // a was used after b: b goes
	for dir, want := range map[string]bool{a.Dir: true, b.Dir: false, c.Dir: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s kept %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}

// Redacting leaves no secret, whatever the output and the secrets, unless
// a secret overlaps what replaces it (the parentheses of (sensitive), the
// … of a cut line), which a new occurrence would have to.
func FuzzShown(f *testing.F) {
	f.Add("token=abc and abcd", "abc", "abcd")
	f.Add(strings.Repeat("x", 500)+"secret", "secret", "")
	f.Add("é"+strings.Repeat("é", 300), "ééé", "x")
	f.Fuzz(func(t *testing.T, out, s1, s2 string) {
		got := shown(out, []string{s1, s2})
		for _, s := range []string{s1, s2} {
			if s == "" || !utf8.ValidString(s) || strings.ContainsAny(s, "()…") || strings.Contains("(sensitive)…", s) {
				continue
			}
			if strings.Contains(got, s) {
				t.Fatalf("shown(%q) = %q holds %q", out, got, s)
			}
		}
	})
}
