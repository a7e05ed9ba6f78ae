package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fgsdeploy": func() {
			stdout, stderr, record := teeHints(os.Args)
			exit = func(code int) { record(); recordStatus(code); os.Exit(code) }
			exit(run(os.Args, os.Stdin, stdout, stderr))
		},
	})
}

// statusEnv names the file where fgsdeploy, run by a script, records its
// exit status for the script's next "status" command.
const statusEnv = "FGSDEPLOY_TEST_STATUS_FILE"

func recordStatus(code int) {
	if f := os.Getenv(statusEnv); f != "" {
		os.WriteFile(f, []byte(strconv.Itoa(code)), 0o644)
	}
}

// cmdStatus checks the exit status of the fgsdeploy run that ended last:
//
//	! exec fgsdeploy plan --detailed-exitcode
//	status 2
//
// testscript's "!" accepts any failure; every "! exec fgsdeploy" is
// followed by a status line (TestScriptsCheckStatus), so a changed exit
// status fails a scenario.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	f := ts.Getenv(statusEnv)
	b, err := os.ReadFile(f)
	if err != nil {
		ts.Fatalf("status: no exit status recorded (did fgsdeploy run?): %v", err)
	}
	os.Remove(f) // a status is checked once
	got, err := strconv.Atoi(string(b))
	ts.Check(err)
	if got != want {
		ts.Fatalf("fgsdeploy exited with status %d, want %d", got, want)
	}
}

// TestScripts runs the CLI scenarios in testdata/script against the
// emulator's lenient reading of the API; -update rewrites the golden
// files their cmp commands compare with.
func TestScripts(t *testing.T) { runScripts(t, false) }

// TestScriptsStrict runs the same scenarios, with the same goldens, against
// the emulator's strict reading of every open API rule (docs/api-notes.md):
// "emulator", "emuproc start" and --local are all strict. fgsdeploy must
// be right under both readings, so a scenario's output does not depend on
// the mode. A scenario that asserts a lenient-only answer opts out, with
// its reason, by "[strict] skip 'REASON'" (or guards only those lines
// with [strict] and [!strict]).
func TestScriptsStrict(t *testing.T) { runScripts(t, true) }

// strictEnv tells the script commands to start strict emulators.
const strictEnv = "FGSDEPLOY_TEST_STRICT"

func runScripts(t *testing.T, strict bool) {
	setup := setupScript
	if strict {
		setup = func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			env.Setenv(strictEnv, "1")
			env.Setenv("FGSDEPLOY_LOCAL_STRICT", "1")
			return nil
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update && !strict,
		Setup:         setup,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "strict":
				return strict, nil
			case "pip": // python3 -m pip works (code.build scenarios)
				return pipWorks(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emulator": cmdEmulator,
			"filemode": cmdFilemode,
			"faults":   cmdFaults,
			"waitreq":  cmdWaitRequests,
			"mtimes":   cmdMtimes,
			"emuproc":  cmdEmulatorProcess,
			"mkzip":    cmdMkzip,
			"bigzip":   cmdBigzip,
			"requests": cmdRequests,
			"status":   cmdStatus,
			"jsonone":  cmdJSONOne,
			"sleep":    cmdSleep,
			"inflight": cmdInflight,
			"jsonenv":  cmdJSONEnv,
			"runhints": cmdRunHints,
			"waitfile": cmdWaitFile,
			"timers":   cmdTimers,
			"tag":      cmdTag,
		},
	})
}

// pipWorks reports whether python3 -m pip runs here, once.
var pipWorks = sync.OnceValue(func() bool {
	return exec.Command("python3", "-m", "pip", "--version").Run() == nil
})

func setupScript(env *testscript.Env) error {
	// Scenarios must not pick up the developer's credentials or colour settings.
	for _, k := range []string{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HW_ACCESS_KEY", "HW_SECRET_KEY",
		"HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN", "HUAWEICLOUD_SDK_REGION",
		"HW_REGION_NAME", "HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID", "FGSDEPLOY_ENDPOINT", "FGSDEPLOY_OBS_ENDPOINT", "FGSDEPLOY_LOCAL", "FGSDEPLOY_LOCAL_STRICT",
		"FGSDEPLOY_LTS_ENDPOINT",
		"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "FGSDEPLOY_VERSION_CAP", "FGSDEPLOY_MAX_ATTEMPTS"} {
		env.Setenv(k, "")
	}
	env.Setenv("NO_COLOR", "1")
	// Under -race, every process sleeps a second at exit by default
	// (atexit_sleep_ms=1000), so that goroutines still running can report
	// a race; the scenarios run fgsdeploy hundreds of times, which made
	// that second most of make test's time. A tenth of it is kept.
	env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=100"))
	env.Setenv(statusEnv, filepath.Join(env.WorkDir, ".fgsdeploy-exit-status"))
	checkHintsRun(env)
	// Under -race, every fgsdeploy a script runs would wait a second at
	// exit for late race reports (the race runtime's atexit_sleep_ms),
	// most of the suite's time; races found before exit are still reported.
	env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	// Every script can use a copy of the example projects, without any
	// local emulator state a developer's own runs left in them.
	dst := filepath.Join(env.WorkDir, "examples")
	if err := os.CopyFS(dst, os.DirFS("examples")); err != nil {
		return err
	}
	states, _ := filepath.Glob(filepath.Join(dst, "*", ".fgsdeploy"))
	for _, s := range states {
		if err := os.RemoveAll(s); err != nil {
			return err
		}
	}
	return nil
}

// Credentials of the emulators the scenarios start; not secrets.
const (
	testAK      = "TESTACCESSKEY"
	testSK      = "test-secret-key"
	testProject = "0123456789abcdef0123456789abcdef"
	testRegion  = "cn-north-4"
)

// cmdEmulator starts an emulator for the rest of the script and points
// fgsdeploy at it through the environment:
//
//	emulator [fault-rate=F] [seed=N] [latency=D] [version-cap=N] [function-cap=N] [strict=1]
//	         [lts-disabled=1] [bucket=NAME[@REGION]]... [obs-object=URL,FILE]...
//
// strict=1 takes the harshest documented reading of each open API rule
// (emulator.Options.Strict); lts-disabled=1 is an account whose new
// functions do not log unless they ask; bucket makes an OBS bucket (of another region
// with @REGION); obs-object puts FILE's bytes in the emulator's OBS as the
// object at URL (https://BUCKET.obs.REGION.myhuaweicloud.com/KEY), for
// code_type obs.
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! emulator")
	}
	opts := emulator.Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, Region: testRegion, Seed: 1,
		Strict: ts.Getenv(strictEnv) == "1"}
	var objects [][2]string // URL, file
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("emulator: want key=value, got %q", a)
		}
		var err error
		switch k {
		case "fault-rate":
			opts.FaultRate, err = strconv.ParseFloat(v, 64)
		case "seed":
			opts.Seed, err = strconv.ParseInt(v, 10, 64)
		case "latency":
			opts.Latency, err = time.ParseDuration(v)
		case "version-cap":
			opts.VersionCap, err = strconv.Atoi(v)
		case "function-cap":
			opts.FunctionCap, err = strconv.Atoi(v)
		case "retry-after":
			var d time.Duration
			d, err = time.ParseDuration(v)
			opts.RetryAfter = d
			if d == 0 {
				opts.RetryAfter = -1 // Retry-After: 0
			}
		case "state":
			opts.StateDir = ts.MkAbs(v)
		case "strict":
			opts.Strict, err = strconv.ParseBool(v)
		case "lts-disabled":
			opts.LTSDisabled, err = strconv.ParseBool(v)
		case "bucket":
			opts.Buckets = append(opts.Buckets, v)
		case "obs-object":
			url, file, ok := strings.Cut(v, ",")
			if !ok {
				ts.Fatalf("emulator: obs-object=URL,FILE, got %q", v)
			}
			objects = append(objects, [2]string{url, file})
		default:
			ts.Fatalf("emulator: unknown option %q", k)
		}
		ts.Check(err)
	}
	srv, err := emulator.New(opts)
	ts.Check(err)
	for _, o := range objects {
		host, key, _ := strings.Cut(strings.TrimPrefix(o[0], "https://"), "/")
		bucket, _, _ := strings.Cut(host, ".")
		data, err := os.ReadFile(ts.MkAbs(o[1]))
		ts.Check(err)
		ts.Check(srv.PutObject(bucket, key, data))
	}
	run := &scriptEmulator{server: srv}
	hs := httptest.NewServer(run)
	lts := httptest.NewServer(srv.LTSHandler()) // LTS is another host
	run.URL = hs.URL
	running.Store(ts.Getenv("WORK"), run)
	ts.Defer(func() { hs.Close(); lts.Close(); srv.Close(); running.Delete(ts.Getenv("WORK")) })
	ts.Setenv("FGSDEPLOY_LTS_ENDPOINT", lts.URL)
	ts.Setenv("FGSDEPLOY_ENDPOINT", run.URL)
	ts.Setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", run.URL)
	ts.Setenv("FGSDEPLOY_OBS_ENDPOINT", run.URL)
	ts.Setenv("HUAWEICLOUD_SDK_AK", testAK)
	ts.Setenv("HUAWEICLOUD_SDK_SK", testSK)
	ts.Setenv("HUAWEICLOUD_SDK_REGION", testRegion)
	ts.Setenv("HUAWEICLOUD_SDK_PROJECT_ID", testProject)
	if opts.VersionCap > 0 {
		ts.Setenv("FGSDEPLOY_VERSION_CAP", strconv.Itoa(opts.VersionCap))
	}
}

// running holds each script's emulator, by its $WORK.
var running sync.Map

// scriptEmulator is a script's emulator, served over real HTTP, counting
// the requests in flight at once (for "inflight").
type scriptEmulator struct {
	URL    string
	server *emulator.Server

	mu          sync.Mutex
	now, maxNow int
}

func (e *scriptEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.now++
	e.maxNow = max(e.maxNow, e.now)
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.now--
		e.mu.Unlock()
	}()
	e.server.ServeHTTP(w, r)
}

// scriptEmulatorOf returns the emulator the script started.
func scriptEmulatorOf(ts *testscript.TestScript, cmd string) *scriptEmulator {
	r, ok := running.Load(ts.Getenv("WORK"))
	if !ok {
		ts.Fatalf("%s: no emulator started", cmd)
	}
	return r.(*scriptEmulator)
}

// cmdInflight checks the most requests the script's emulator served at
// once since it started or since the last check, then starts counting
// again: inflight MIN MAX
func cmdInflight(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: inflight MIN MAX")
	}
	lo, err := strconv.Atoi(args[0])
	ts.Check(err)
	hi, err := strconv.Atoi(args[1])
	ts.Check(err)
	e := scriptEmulatorOf(ts, "inflight")
	e.mu.Lock()
	got := e.maxNow
	e.maxNow = e.now
	e.mu.Unlock()
	if got < lo || got > hi {
		ts.Fatalf("at most %d requests were in flight at once, want %d to %d", got, lo, hi)
	}
}

// procs holds each script's emulator process, by its $WORK.
var procs sync.Map

// cmdEmulatorProcess runs "fgsdeploy emulator" as a process of its own, the
// way outside scripts run it, and points fgsdeploy at it:
//
//	emuproc start [state=DIR] [token=T] [quiet]   wait for "listening on URL", its first line
//	emuproc stop [INT|TERM]               signal it (SIGTERM by default); it must exit 0 within 10 s
//
// Its stderr is kept in $WORK/emulator.stderr.
func cmdEmulatorProcess(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: emuproc start [state=DIR] [token=T] [quiet] [strict=1] | emuproc stop [INT|TERM]")
	}
	work := ts.Getenv("WORK")
	switch args[0] {
	case "start":
		bin, err := exec.LookPath("fgsdeploy")
		ts.Check(err)
		argv := []string{"emulator", "--addr", "127.0.0.1:0", "--access-key", testAK, "--secret-key", testSK,
			"--project-id", testProject, "--region", testRegion}
		if ts.Getenv(strictEnv) == "1" {
			argv = append(argv, "--strict")
		}
		for _, a := range args[1:] {
			switch k, v, _ := strings.Cut(a, "="); k {
			case "state":
				argv = append(argv, "--state", ts.MkAbs(v))
			case "token":
				argv = append(argv, "--token", v)
			case "strict":
				argv = append(argv, "--strict="+v)
			case "quiet":
				argv = append(argv, "--quiet")
			default:
				ts.Fatalf("emuproc: unknown option %q", a)
			}
		}
		cmd := exec.Command(bin, argv...)
		cmd.Dir = work
		errFile, err := os.Create(filepath.Join(work, "emulator.stderr"))
		ts.Check(err)
		defer errFile.Close() // the process has its own copy
		cmd.Stderr = errFile
		out, err := cmd.StdoutPipe()
		ts.Check(err)
		ts.Check(cmd.Start())
		procs.Store(work, cmd)
		ts.Defer(func() {
			if _, ok := procs.LoadAndDelete(work); ok {
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
		first := make(chan string, 2) // the FunctionGraph listener, then LTS's
		go func() {
			sc := bufio.NewScanner(out)
			for i := 0; i < 2 && sc.Scan(); i++ {
				first <- sc.Text()
			}
			close(first)
			io.Copy(io.Discard, out)
		}()
		var line string
		select {
		case line = <-first:
		case <-time.After(10 * time.Second):
			ts.Fatalf("emuproc: no first line after 10s")
		}
		url, ok := strings.CutPrefix(line, "listening on ")
		if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
			ts.Fatalf("emuproc: first line %q, want \"listening on http://127.0.0.1:PORT\"", line)
		}
		if lts, ok := strings.CutPrefix(<-first, "lts listening on "); ok {
			ts.Setenv("FGSDEPLOY_LTS_ENDPOINT", lts)
		}
		for k, v := range map[string]string{"FGSDEPLOY_ENDPOINT": url, "HUAWEICLOUD_SDK_IAM_ENDPOINT": url, "FGSDEPLOY_OBS_ENDPOINT": url,
			"HUAWEICLOUD_SDK_AK": testAK, "HUAWEICLOUD_SDK_SK": testSK, "HUAWEICLOUD_SDK_REGION": testRegion} {
			ts.Setenv(k, v)
		}
	case "stop":
		v, ok := procs.LoadAndDelete(work)
		if !ok {
			ts.Fatalf("emuproc stop: none started")
		}
		cmd := v.(*exec.Cmd)
		sig := syscall.SIGTERM
		if len(args) > 1 {
			switch args[1] {
			case "INT":
				sig = syscall.SIGINT
			case "TERM":
			default:
				ts.Fatalf("emuproc stop: unknown signal %q (want INT or TERM)", args[1])
			}
		}
		ts.Check(cmd.Process.Signal(sig))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				ts.Fatalf("emuproc stop: %v", err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			ts.Fatalf("emuproc stop: still running 10s after %v", sig)
		}
	default:
		ts.Fatalf("usage: emuproc start [state=DIR] [token=T] [quiet] [strict=1] | emuproc stop [INT|TERM]")
	}
}

// cmdFaults changes the fault rate of the script's emulator: faults RATE
func cmdFaults(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: faults RATE")
	}
	f, err := strconv.ParseFloat(args[0], 64)
	ts.Check(err)
	scriptEmulatorOf(ts, "faults").server.SetFaultRate(f)
}

// cmdWaitRequests waits until the script's emulator has received at least
// N requests (of ROUTE, as emulator.Stats names them, when given), so a
// scenario can interrupt a command at a known point:
// waitreq N ['METHOD route']
func cmdWaitRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitreq N ['METHOD route']")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	e := scriptEmulatorOf(ts, "waitreq")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		total := 0
		for route, c := range e.server.Stats().Requests {
			if len(args) == 1 || route == args[1] {
				total += c
			}
		}
		if total >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts.Fatalf("waitreq: fewer than %d requests after 30s", n)
}

// cmdRequests checks how many requests of a route (as emulator.Stats
// names them, "METHOD route") the script's emulator received since it
// started: requests 'POST dependencies' 1
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: requests 'METHOD ROUTE' N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	if got := scriptEmulatorOf(ts, "requests").server.Stats().Requests[args[0]]; got != want {
		ts.Fatalf("%d requests %s, want %d", got, args[0], want)
	}
}

// cmdJSONOne checks that a file (stdout, stderr or a path) is exactly one
// JSON object, nothing before or after it, with the given top-level keys:
//
//	jsonone stdout functions summary
func cmdJSONOne(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: jsonone FILE [KEY...]")
	}
	data := ts.ReadFile(args[0])
	dec := json.NewDecoder(strings.NewReader(data))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("%s is not a JSON object: %v\n%s", args[0], err, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		ts.Fatalf("%s holds more than one JSON document (%v):\n%s", args[0], err, data)
	}
	for _, k := range args[1:] {
		if _, ok := doc[k]; !ok {
			ts.Fatalf("%s has no key %q:\n%s", args[0], k, data)
		}
	}
}

// cmdSleep waits, so that signals sent to a background run arrive as two:
// sleep DURATION
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// cmdFilemode checks a file's permission bits: filemode FILE 0600
func cmdFilemode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode FILE MODE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	got := fi.Mode().Perm()
	if (uint64(got) == want) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdMkzip writes a zip the way ordinary tools do (the files' own mtimes,
// archive/zip's defaults), which fgsdeploy's deterministic packaging does
// not reproduce: mkzip OUT FILE...
func cmdMkzip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkzip OUT FILE...")
	}
	out, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	zw := zip.NewWriter(out)
	for _, name := range args[1:] {
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.Base(name), Method: zip.Deflate, Modified: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)})
		ts.Check(err)
		_, err = w.Write(data)
		ts.Check(err)
	}
	ts.Check(zw.Close())
	ts.Check(out.Close())
}

// cmdBigzip writes a zip of one stored (uncompressed) entry of SIZE
// pseudo-random bytes, the same for the same SEED: an incompressible
// package, written fast: bigzip OUT SIZE [SEED]
func cmdBigzip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: bigzip OUT SIZE [SEED]")
	}
	size, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	var seed uint64 = 1
	if len(args) == 3 {
		seed, err = strconv.ParseUint(args[2], 10, 64)
		ts.Check(err)
	}
	ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755))
	out, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	zw := zip.NewWriter(out)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "blob.bin", Method: zip.Store, Modified: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)})
	ts.Check(err)
	_, err = io.CopyN(w, rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)}), size)
	ts.Check(err)
	ts.Check(zw.Close())
	ts.Check(out.Close())
}

// cmdMtimes gives every file under DIR a different modification time:
// mtimes DIR
func cmdMtimes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mtimes DIR")
	}
	i := 0
	err := filepath.WalkDir(ts.MkAbs(args[0]), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		i++
		t := time.Date(2001+i, time.Month(i%12+1), i%28+1, i%24, i%60, i%60, 0, time.UTC)
		return os.Chtimes(path, t, t)
	})
	ts.Check(err)
}

// TestScriptsCheckStatus makes every scenario say which failure it
// expects: after "! exec fgsdeploy ..." (or the "wait" of one run in the
// background) the next command must be "status N". "exec" without "!"
// already demands status 0.
func TestScriptsCheckStatus(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		background := map[string]bool{} // names of "! exec fgsdeploy ... &name&"
		want := ""                      // what the next command must be
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "-- ") {
				break // the files of the archive
			}
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if want != "" && !strings.HasPrefix(line, "status ") {
				t.Errorf("%s:%d: %s must come first after %s", file, i+1, "status N", want)
			}
			want = ""
			f := strings.Fields(line)
			switch {
			case len(f) >= 3 && f[0] == "!" && f[1] == "exec" && f[2] == "fgsdeploy":
				if last := f[len(f)-1]; strings.HasPrefix(last, "&") && strings.HasSuffix(last, "&") && len(last) > 2 {
					background[strings.Trim(last, "&")] = true
				} else {
					want = "a failing fgsdeploy run"
				}
			case len(f) == 2 && f[0] == "wait" && background[f[1]]:
				want = "the wait of a failing fgsdeploy run"
			}
		}
		if want != "" {
			t.Errorf("%s: ends without the status of %s", file, want)
		}
	}
}

// cmdTag sets tags on a function of the default package through the tag
// API, as the console or another tool would: tag NAME KEY=VALUE...
func cmdTag(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: tag NAME KEY=VALUE...")
	}
	e := scriptEmulatorOf(ts, "tag")
	c, err := apiclient.New(apiclient.Config{Endpoint: e.URL, Region: testRegion, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK})
	ts.Check(err)
	tags := map[string]string{}
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		tags[k] = v
	}
	ts.Check(c.CreateTags(context.Background(), c.FunctionURN("default", args[0]), tags))
}
