package emulator

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// The emulator runs Python 3 and Node.js handlers itself: a pool of warm
// processes per function version, each one a python3 or node running a
// bootstrap of the emulator's own (bootstrap/), which loads the handler
// once and then answers invocations one at a time. Requests go to the
// process on fd 3 and answers come back on fd 4, one JSON document a line;
// stdout and stderr are one pipe, the invocation's log, and the bootstrap
// ends each invocation's output with a marker only the emulator knows.

//go:embed bootstrap/python.py
var pythonBootstrap []byte

//go:embed bootstrap/node.js
var nodeBootstrap []byte

// DefaultWarmProcesses is how many processes a function version may have
// at once when Options.WarmProcesses is 0.
const DefaultWarmProcesses = 4

// maxLog bounds the output kept of one invocation; FunctionGraph itself
// returns a 4 KB tail.
const maxLog = 1 << 20

// maxUnpacked bounds what a package may unpack to (FunctionGraph: 1.5 GB).
const maxUnpacked = 1536 << 20

// keepUnpacked is how many unpacked packages stay cached in a state
// directory for the next run.
const keepUnpacked = 8

// language is how the emulator runs a runtime's handlers.
type language struct {
	interpreter string // the program looked up on PATH: python3, node
	bootstrap   []byte
	file        string // the bootstrap's file name
}

var (
	python = language{interpreter: "python3", bootstrap: pythonBootstrap, file: "bootstrap.py"}
	node   = language{interpreter: "node", bootstrap: nodeBootstrap, file: "bootstrap.js"}
)

// languageOf picks how a runtime runs, or says why the emulator cannot.
func languageOf(runtime string) (language, *httpapi.Error) {
	switch {
	case strings.HasPrefix(runtime, "Python3"):
		return python, nil
	case strings.HasPrefix(runtime, "Node.js"):
		return node, nil
	case strings.HasPrefix(runtime, "Python2"):
		return language{}, httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: it runs Python 3 handlers with python3 and Node.js handlers with node; invoke this function in FunctionGraph", runtime)
	}
	return language{}, httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: it runs only Python 3 (python3) and Node.js (node) handlers; invoke this function in FunctionGraph", runtime)
}

// handlerError is a failed invocation's result, as FunctionGraph's
// runtimes write it.
type handlerError struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace"`
}

// outcome is what running one invocation gave.
type outcome struct {
	result   string        // the handler's return value, encoded as the runtime does
	failed   *handlerError // the handler raised, or the process died
	timedOut bool          // stopped at the function's timeout
	log      []byte        // what the process wrote while it ran the invocation
	duration time.Duration
	memoryMB float64 // the process's peak resident memory, when known
	rejected bool    // every process of the version stayed busy
	infra    *httpapi.Error
}

// job is one invocation for the runner: what it runs and with which event.
type job struct {
	requestID string
	event     json.RawMessage
	alias     string
	fn        *function
	version   string
	sn        *snapshot
	projectID string
}

// runner owns the handler processes.
type runner struct {
	lookPath func(string) (string, error)
	blobs    store.Blobs
	dir      string // bootstrap files and unpacked packages
	ownDir   bool   // dir is a temporary directory to remove on close
	max      int    // processes per version

	mu      sync.Mutex
	pools   map[string]*procPool // by function key NUL version
	procs   map[*proc]struct{}   // every process running
	paths   map[string]string    // interpreter paths found
	node    *nodeCheck
	closed  bool
	reapers sync.WaitGroup
	unpack  sync.Mutex
}

type nodeCheck struct {
	once sync.Once
	err  *httpapi.Error
}

func newRunner(o Options, blobs store.Blobs) *runner {
	r := &runner{lookPath: o.LookPath, blobs: blobs, max: o.WarmProcesses,
		pools: map[string]*procPool{}, procs: map[*proc]struct{}{}, paths: map[string]string{}, node: &nodeCheck{}}
	if r.lookPath == nil {
		r.lookPath = exec.LookPath
	}
	if r.max <= 0 {
		r.max = DefaultWarmProcesses
	}
	if o.StateDir != "" {
		r.dir = filepath.Join(o.StateDir, "run")
	}
	return r
}

// workDir returns the directory for bootstraps and packages, making a
// temporary one the first time when there is no state directory.
func (r *runner) workDir() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir == "" {
		d, err := os.MkdirTemp("", "fgsdeploy-emulator-")
		if err != nil {
			return "", err
		}
		r.dir, r.ownDir = d, true
	}
	return r.dir, os.MkdirAll(filepath.Join(r.dir, "code"), 0o700)
}

// interpreter finds lang's program on PATH (once) and checks what it must.
func (r *runner) interpreter(lang language, runtime string) (string, *httpapi.Error) {
	r.mu.Lock()
	p, found := r.paths[lang.interpreter]
	r.mu.Unlock()
	if !found {
		var err error
		if p, err = r.lookPath(lang.interpreter); err != nil {
			return "", httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: %s is not on PATH (install it, or invoke this function in FunctionGraph)", runtime, lang.interpreter)
		}
		p = executable(lang, p)
		r.mu.Lock()
		r.paths[lang.interpreter] = p
		r.mu.Unlock()
	}
	if lang.interpreter == node.interpreter {
		r.node.once.Do(func() { r.node.err = checkNode(p) })
		if r.node.err != nil {
			return "", r.node.err
		}
	}
	return p, nil
}

// executable is the interpreter that path runs: python3 and node on PATH
// are often wrappers (pyenv's and nvm's shims), which would add their own
// start to every cold start. path itself when it cannot tell.
func executable(lang language, path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := []string{"-c", "import sys; sys.stdout.write(sys.executable)"}
	if lang.interpreter == node.interpreter {
		args = []string{"-e", "process.stdout.write(process.execPath)"}
	}
	out, err := exec.CommandContext(ctx, path, args...).Output()
	if err != nil || len(out) == 0 || !filepath.IsAbs(string(out)) {
		return path
	}
	return string(out)
}

var nodeVersionRe = regexp.MustCompile(`^v(\d+)\.`)

// checkNode refuses a node older than 18, which the bootstrap needs.
func checkNode(path string) *httpapi.Error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: %s --version: %v", path, err)
	}
	m := nodeVersionRe.FindSubmatch(bytes.TrimSpace(out))
	if m == nil {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: %s --version says %q", path, bytes.TrimSpace(out))
	}
	if major, _ := strconv.Atoi(string(m[1])); major < 18 {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: it needs node 18 or later, and %s is %s", path, bytes.TrimSpace(out))
	}
	return nil
}

// procPool is the processes of one function version with one content: a
// new publish of latest, or a changed config, makes a new pool.
type procPool struct {
	identity string
	slots    chan struct{} // one per process that may exist
	mu       sync.Mutex
	idle     []*proc
	retired  bool
}

// identity is what a version's processes depend on: a change to any of
// it needs fresh processes.
func identity(j job) string {
	c := j.sn.Config
	h := sha256.New()
	for _, s := range []string{j.sn.Code.Digest, c.Runtime, c.Handler, strconv.Itoa(c.MemorySize), strconv.Itoa(c.Timeout),
		c.UserData, c.EncryptedUserData, c.InitializerHandler, strconv.Itoa(c.InitializerTimeout), j.sn.Code.CodeFilename} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pool returns the pool for j's version and content, retiring one that
// ran other content.
func (r *runner) pool(j job) (*procPool, bool) {
	key := store.SubKey(j.fn.key(), j.version)
	id := identity(j)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, false
	}
	p := r.pools[key]
	if p != nil && p.identity == id {
		return p, true
	}
	if p != nil {
		p.retire()
	}
	p = &procPool{identity: id, slots: make(chan struct{}, r.max)}
	r.pools[key] = p
	return p, true
}

// retire ends the pool's idle processes; busy ones end when they finish.
func (p *procPool) retire() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.retired = nil, true
	p.mu.Unlock()
	for _, pr := range idle {
		pr.kill()
	}
}

func (p *procPool) take() *proc {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		pr := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if !pr.exited() {
			return pr
		}
	}
	return nil
}

// give returns a healthy process to the pool, or ends it.
func (p *procPool) give(pr *proc) {
	p.mu.Lock()
	keep := !p.retired && !pr.exited()
	if keep {
		p.idle = append(p.idle, pr)
	}
	p.mu.Unlock()
	if !keep {
		pr.kill()
	}
}

// run runs one invocation: on a warm process of its version, or on a new
// one when all are busy, waiting (up to the function's timeout) when the
// version has as many processes as it may.
func (r *runner) run(j job) outcome {
	lang, e := languageOf(j.sn.Config.Runtime)
	if e != nil {
		return outcome{infra: e}
	}
	path, e := r.interpreter(lang, j.sn.Config.Runtime)
	if e != nil {
		return outcome{infra: e}
	}
	p, open := r.pool(j)
	if !open {
		return outcome{infra: httpapi.Errorf(503, "FSS.0503", "the emulator is shutting down")}
	}
	timeout := time.Duration(j.sn.Config.Timeout) * time.Second
	wait := time.NewTimer(timeout)
	defer wait.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-wait.C:
		return outcome{rejected: true}
	}
	defer func() { <-p.slots }()
	pr := p.take()
	var initLog []byte
	if pr == nil {
		// A cold start: loading the handler and its initializer have a
		// timeout of their own, and do not count as the invocation's.
		var o *outcome
		start := time.Now()
		pr, initLog, o = r.start(lang, path, j)
		if o != nil {
			o.duration = time.Since(start)
			return *o
		}
	}
	start := time.Now()
	o := pr.call(j, start.Add(timeout))
	o.log = append(initLog, o.log...)
	o.duration = time.Since(start)
	o.memoryMB = pr.peakMemoryMB()
	p.give(pr) // a process that died, timed out or lost its marker is ended

	return o
}

// start starts a process for j's version and waits for its handler to
// load (and its initializer to run). A handler that cannot load fails
// the invocation; the process is not kept.
func (r *runner) start(lang language, path string, j job) (*proc, []byte, *outcome) {
	dir, err := r.workDir()
	if err != nil {
		return nil, nil, &outcome{infra: httpapi.Errorf(500, "FSS.0500", "emulator work directory: %v", err)}
	}
	boot := filepath.Join(dir, lang.file)
	if err := writeIfChanged(boot, lang.bootstrap); err != nil {
		return nil, nil, &outcome{infra: httpapi.Errorf(500, "FSS.0500", "write the bootstrap: %v", err)}
	}
	code, err := r.unpacked(dir, j.sn)
	if err != nil {
		return nil, nil, &outcome{infra: httpapi.Errorf(500, "FSS.0500", "unpack the code of %s: %v", j.fn.Name, err)}
	}
	cfg := j.sn.Config
	initTimeout := cfg.Timeout
	if cfg.InitializerHandler != "" && cfg.InitializerTimeout > 0 {
		initTimeout = cfg.InitializerTimeout
	}
	pr, err := startProc(path, boot, code, processEnv(j, filepath.Dir(path), initTimeout))
	if err != nil {
		return nil, nil, &outcome{infra: httpapi.Errorf(500, "FSS.0500", "start %s: %v", lang.interpreter, err)}
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		pr.kill()
		<-pr.done
		return nil, nil, &outcome{infra: httpapi.Errorf(503, "FSS.0503", "the emulator is shutting down")}
	}
	r.reapers.Add(1)
	r.procs[pr] = struct{}{}
	r.mu.Unlock()
	go func() {
		<-pr.done
		r.mu.Lock()
		delete(r.procs, pr)
		r.mu.Unlock()
		r.reapers.Done()
	}()
	deadline := time.Now().Add(time.Duration(initTimeout) * time.Second)
	msg, log, ended := pr.await(deadline)
	switch {
	case ended == awaitTimeout:
		pr.kill()
		return nil, nil, &outcome{timedOut: true, log: log}
	case ended == awaitExited:
		pr.kill()
		return nil, nil, &outcome{failed: pr.exitError(), log: log}
	case msg.Error != nil:
		pr.kill()
		return nil, nil, &outcome{failed: msg.Error, log: log}
	}
	return pr, log, nil
}

// close ends every process and waits for them; a temporary work directory
// is removed, a state directory keeps the most recently used packages.
func (r *runner) close() {
	r.mu.Lock()
	r.closed = true
	procs := make([]*proc, 0, len(r.procs))
	for pr := range r.procs {
		procs = append(procs, pr)
	}
	dir, own := r.dir, r.ownDir
	r.mu.Unlock()
	for _, pr := range procs {
		pr.kill()
	}
	r.reapers.Wait()
	switch {
	case dir == "":
	case own:
		os.RemoveAll(dir)
	default:
		pruneUnpacked(filepath.Join(dir, "code"), keepUnpacked)
	}
}

// processEnv is the environment of a handler process: what FunctionGraph
// gives a function (its environment variables, encrypted ones included,
// and the RUNTIME_ variables the runtimes' context reads), and what the
// bootstrap needs. Nothing of the emulator's own environment is passed.
func processEnv(j job, binDir string, initTimeout int) []string {
	c := j.sn.Config
	user := map[string]string{}
	for _, ud := range []string{c.UserData, c.EncryptedUserData} {
		var m map[string]string
		if json.Unmarshal([]byte(ud), &m) == nil {
			for k, v := range m {
				user[k] = v
			}
		}
	}
	ud, _ := json.Marshal(user)
	env := []string{
		"PATH=" + binDir + ":/usr/local/bin:/usr/bin:/bin",
		"LANG=C.UTF-8",
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"RUNTIME_FUNC_NAME=" + j.fn.Name,
		"RUNTIME_PACKAGE=" + j.fn.Package,
		"RUNTIME_PROJECT_ID=" + j.projectID,
		"RUNTIME_FUNC_VERSION=" + j.version,
		"RUNTIME_HANDLER=" + c.Handler,
		"RUNTIME_TIMEOUT=" + strconv.Itoa(c.Timeout),
		"RUNTIME_MEMORY=" + strconv.Itoa(c.MemorySize),
		// FunctionGraph gives a function 200 millicores plus 100 for each
		// 128 MB (300 for 128 MB, as its function model example shows).
		"RUNTIME_CPU=" + strconv.Itoa(200+c.MemorySize/128*100),
		"RUNTIME_USERDATA=" + string(ud),
	}
	keys := make([]string, 0, len(user))
	for k := range user {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+user[k])
	}
	return append(env,
		"FGS_BOOT_HANDLER="+c.Handler,
		"FGS_BOOT_INITIALIZER="+c.InitializerHandler,
		"FGS_BOOT_INIT_TIMEOUT="+strconv.Itoa(initTimeout))
}

// writeIfChanged writes a bootstrap file unless it already holds data.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := path + ".tmp-" + randomHex(4)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// unpacked returns the directory holding sn's code, unpacking it once.
func (r *runner) unpacked(dir string, sn *snapshot) (string, error) {
	r.unpack.Lock()
	defer r.unpack.Unlock()
	dst := filepath.Join(dir, "code", sn.Code.Digest)
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		now := time.Now()
		os.Chtimes(dst, now, now) // most recently used
		return dst, nil
	}
	data, err := r.blobs.Get(sn.Code.Digest)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Join(dir, "code"), ".unpack-")
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		err = unzip(data, tmp)
	} else {
		// Inline code is the source file itself.
		name := sn.Code.CodeFilename
		if name == "" || strings.ContainsAny(name, `/\`) {
			name = defaultSource(sn.Config)
		}
		err = os.WriteFile(filepath.Join(tmp, name), data, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return dst, nil
}

// defaultSource names an inline package's file after its handler.
func defaultSource(c config) string {
	base, _, _ := strings.Cut(c.Handler, ".")
	if strings.HasPrefix(c.Runtime, "Node.js") {
		return base + ".js"
	}
	return base + ".py"
}

// unzip extracts a package into dir, refusing entries outside it and
// packages that unpack to more than FunctionGraph allows.
func unzip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("entry %q is outside the package", f.Name)
		}
		path := filepath.Join(dir, name)
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			if err := os.MkdirAll(path, 0o700); err != nil {
				return err
			}
			continue
		}
		if !f.Mode().IsRegular() && f.Mode()&os.ModeType != 0 {
			continue // links and devices are not unpacked
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		mode := os.FileMode(0o600)
		if f.Mode()&0o111 != 0 {
			mode = 0o700
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
		if err != nil {
			rc.Close()
			return err
		}
		n, err := io.Copy(out, io.LimitReader(rc, maxUnpacked-total+1))
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if total += n; total > maxUnpacked {
			return fmt.Errorf("the package unpacks to more than %d MB", maxUnpacked>>20)
		}
	}
	return nil
}

// pruneUnpacked keeps the keep most recently used packages of dir.
func pruneUnpacked(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type used struct {
		path string
		at   time.Time
	}
	var all []used
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			os.RemoveAll(p) // an unpack a crash left
			continue
		}
		if fi, err := e.Info(); err == nil {
			all = append(all, used{p, fi.ModTime()})
		}
	}
	sort.Slice(all, func(i, k int) bool { return all[i].at.After(all[k].at) })
	for i := keep; i < len(all); i++ {
		os.RemoveAll(all[i].path)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---------------------------------------------------------------------------
// One process

// bootMsg is an answer of the bootstrap.
type bootMsg struct {
	Type   string        `json:"type"` // ready, result
	OK     bool          `json:"ok"`
	Result string        `json:"result"`
	Error  *handlerError `json:"error"`
}

// proc is one handler process.
type proc struct {
	cmd      *exec.Cmd
	requests *os.File     // fd 3 of the process
	answers  chan bootMsg // from fd 4; closed when the process closes it
	out      *capture     // stdout and stderr
	marker   []byte
	done     chan struct{} // closed once the process has been waited for
	waitErr  error
	killOnce sync.Once
	killed   atomic.Bool
}

type awaitEnd int

const (
	awaitAnswered awaitEnd = iota
	awaitTimeout
	awaitExited
)

func startProc(interpreter, boot, dir string, env []string) (*proc, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ansR, ansW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		ansR.Close()
		ansW.Close()
		return nil, err
	}
	marker := []byte("\x1efgsdeploy-end-" + randomHex(16) + "\x1e")
	cmd := exec.Command(interpreter, boot)
	cmd.Dir = dir
	cmd.Env = append(env, "FGS_BOOT_MARKER="+string(marker))
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = outW, outW
	cmd.ExtraFiles = []*os.File{reqR, ansW}
	ownGroup(cmd)
	err = cmd.Start()
	// The process has its own copies of its ends of the pipes.
	reqR.Close()
	ansW.Close()
	outW.Close()
	if err != nil {
		reqW.Close()
		ansR.Close()
		outR.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, requests: reqW, answers: make(chan bootMsg, 1), out: newCapture(), marker: marker, done: make(chan struct{})}
	go p.out.read(outR)
	go func() {
		sc := bufio.NewReader(ansR)
		for {
			line, err := sc.ReadBytes('\n')
			if len(line) > 0 {
				var m bootMsg
				if json.Unmarshal(line, &m) == nil {
					p.answers <- m
				}
			}
			if err != nil {
				ansR.Close()
				close(p.answers)
				return
			}
		}
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// bootRequest is one invocation as the bootstrap reads it.
type bootRequest struct {
	RequestID  string          `json:"request_id"`
	Event      json.RawMessage `json:"event"`
	DeadlineMs int64           `json:"deadline_ms"`
	Alias      string          `json:"alias,omitempty"`
}

// call sends one invocation and waits for its answer and its log, until
// deadline.
func (p *proc) call(j job, deadline time.Time) outcome {
	req, _ := json.Marshal(bootRequest{RequestID: j.requestID, Event: j.event, DeadlineMs: deadline.UnixMilli(), Alias: j.alias})
	if _, err := p.requests.Write(append(req, '\n')); err != nil {
		p.kill()
		_, log, _ := p.await(time.Now().Add(time.Second))
		return outcome{failed: p.exitError(), log: log}
	}
	msg, log, ended := p.await(deadline)
	switch ended {
	case awaitTimeout:
		return outcome{timedOut: true, log: log}
	case awaitExited:
		return outcome{failed: p.exitError(), log: log}
	}
	if !msg.OK {
		e := msg.Error
		if e == nil {
			e = &handlerError{ErrorMessage: "the handler failed", ErrorType: "Error"}
		}
		return outcome{failed: e, log: log}
	}
	return outcome{result: msg.Result, log: log}
}

// await waits for the next answer and the output up to its marker.
func (p *proc) await(deadline time.Time) (bootMsg, []byte, awaitEnd) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var msg bootMsg
	select {
	case m, open := <-p.answers:
		if !open {
			p.kill()
			<-p.done
			log, _ := p.out.until(p.marker, time.Now().Add(time.Second))
			return msg, log, awaitExited
		}
		msg = m
	case <-timer.C:
		p.kill()
		log, _ := p.out.until(p.marker, time.Now().Add(100*time.Millisecond))
		return msg, log, awaitTimeout
	}
	// The marker was written before the answer; its bytes may still be on
	// their way through the output pipe.
	log, found := p.out.until(p.marker, time.Now().Add(time.Second))
	if !found {
		p.kill() // it cannot be told apart from the next invocation's output
	}
	return msg, log, awaitAnswered
}

// exitError is the result of an invocation whose process died.
func (p *proc) exitError() *handlerError {
	p.kill()
	<-p.done
	status := "killed"
	var ee *exec.ExitError
	if errors.As(p.waitErr, &ee) && ee.ExitCode() >= 0 {
		status = "exit status " + strconv.Itoa(ee.ExitCode())
	}
	return &handlerError{ErrorMessage: "runtime process is exited (" + status + ")", ErrorType: "RuntimeExit", StackTrace: []string{}}
}

// exited tells whether the process ended or is being ended.
func (p *proc) exited() bool {
	if p.killed.Load() {
		return true
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill ends the process and whatever it started.
func (p *proc) kill() {
	p.killOnce.Do(func() {
		p.killed.Store(true)
		p.requests.Close()
		killGroup(p.cmd)
	})
}

// peakMemoryMB is the process's peak resident memory (Linux), or 0.
func (p *proc) peakMemoryMB() float64 {
	if p.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// capture collects a process's output.
type capture struct {
	mu     sync.Mutex
	buf    []byte
	eof    bool
	notify chan struct{}
}

func newCapture() *capture { return &capture{notify: make(chan struct{}, 1)} }

func (c *capture) read(r io.ReadCloser) {
	defer r.Close()
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		c.mu.Lock()
		c.buf = append(c.buf, chunk[:n]...)
		if len(c.buf) > 4*maxLog {
			// A process that writes without end: keep the newest output.
			c.buf = append(c.buf[:0:0], c.buf[len(c.buf)-2*maxLog:]...)
		}
		if err != nil {
			c.eof = true
		}
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// until returns the output before marker and drops it with the marker;
// when the marker does not come by deadline (or the output ended), it
// returns all there is and false.
func (c *capture) until(marker []byte, deadline time.Time) ([]byte, bool) {
	for {
		c.mu.Lock()
		if i := bytes.Index(c.buf, marker); i >= 0 {
			out := bytes.Clone(c.buf[:i])
			c.buf = append(c.buf[:0], c.buf[i+len(marker):]...)
			c.mu.Unlock()
			return capLog(out), true
		}
		left := time.Until(deadline)
		if c.eof || left <= 0 {
			out := bytes.Clone(c.buf)
			c.buf = c.buf[:0]
			c.mu.Unlock()
			return capLog(out), false
		}
		c.mu.Unlock()
		t := time.NewTimer(left)
		select {
		case <-c.notify:
		case <-t.C:
		}
		t.Stop()
	}
}

func capLog(b []byte) []byte {
	if len(b) <= maxLog {
		return b
	}
	return append([]byte("(earlier output left out)\n"), b[len(b)-maxLog:]...)
}
