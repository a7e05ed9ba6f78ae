package runtime

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// Runner owns the handler processes.
type Runner struct {
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

// Options configure a Runner.
type Options struct {
	// LookPath finds python3 and node; nil means exec.LookPath.
	LookPath func(file string) (string, error)
	// WarmProcesses is how many processes one function version may have
	// at once; 0 means DefaultWarmProcesses.
	WarmProcesses int
	// StateDir, when set, keeps bootstraps and unpacked packages under
	// StateDir/run; "" uses a temporary directory, removed on Close.
	StateDir string
}

// New makes a runner of handlers whose packages are in blobs.
func New(o Options, blobs store.Blobs) *Runner {
	r := &Runner{lookPath: o.LookPath, blobs: blobs, max: o.WarmProcesses,
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
func (r *Runner) workDir() (string, error) {
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

// pool returns the pool for j's version and content, retiring one that
// ran other content.
func (r *Runner) pool(j Job) (*procPool, bool) {
	key := j.key()
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

// Run runs one invocation: on a warm process of its version, or on a new
// one when all are busy, waiting (up to the function's timeout) when the
// version has as many processes as it may.
func (r *Runner) Run(j Job) Outcome {
	lang, e := languageOf(j.Spec.Runtime)
	if e != nil {
		return Outcome{Infra: e}
	}
	path, e := r.interpreter(lang, j.Spec.Runtime)
	if e != nil {
		return Outcome{Infra: e}
	}
	p, open := r.pool(j)
	if !open {
		return Outcome{Infra: httpapi.Errorf(503, "FSS.0503", "the emulator is shutting down")}
	}
	timeout := time.Duration(j.Spec.Timeout) * time.Second
	wait := time.NewTimer(timeout)
	defer wait.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-wait.C:
		return Outcome{Rejected: true}
	}
	defer func() { <-p.slots }()
	pr := p.take()
	var initLog []byte
	if pr == nil {
		// A cold start: loading the handler and its initializer have a
		// timeout of their own, and do not count as the invocation's.
		var o *Outcome
		start := time.Now()
		pr, initLog, o = r.start(lang, path, j)
		if o != nil {
			o.Duration = time.Since(start)
			return *o
		}
	}
	start := time.Now()
	o := pr.call(j, start.Add(timeout))
	o.Log = append(initLog, o.Log...)
	o.Duration = time.Since(start)
	o.MemoryMB = pr.peakMemoryMB()
	p.give(pr) // a process that died, timed out or lost its marker is ended

	return o
}

// start starts a process for j's version and waits for its handler to
// load (and its initializer to run). A handler that cannot load fails
// the invocation; the process is not kept.
func (r *Runner) start(lang language, path string, j Job) (*proc, []byte, *Outcome) {
	dir, err := r.workDir()
	if err != nil {
		return nil, nil, &Outcome{Infra: httpapi.Errorf(500, "FSS.0500", "emulator work directory: %v", err)}
	}
	boot := filepath.Join(dir, lang.file)
	if err := writeIfChanged(boot, lang.bootstrap); err != nil {
		return nil, nil, &Outcome{Infra: httpapi.Errorf(500, "FSS.0500", "write the bootstrap: %v", err)}
	}
	code, err := r.unpacked(dir, j.Spec)
	if err != nil {
		return nil, nil, &Outcome{Infra: httpapi.Errorf(500, "FSS.0500", "unpack the code of %s: %v", j.Function, err)}
	}
	cfg := j.Spec
	initTimeout := cfg.Timeout
	if cfg.InitializerHandler != "" && cfg.InitializerTimeout > 0 {
		initTimeout = cfg.InitializerTimeout
	}
	pr, err := startProc(path, boot, code, append(processEnv(j, filepath.Dir(path), initTimeout), lang.codeEnv(code)...))
	if err != nil {
		return nil, nil, &Outcome{Infra: httpapi.Errorf(500, "FSS.0500", "start %s: %v", lang.interpreter, err)}
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		pr.kill()
		<-pr.done
		return nil, nil, &Outcome{Infra: httpapi.Errorf(503, "FSS.0503", "the emulator is shutting down")}
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
		return nil, nil, &Outcome{TimedOut: true, Log: log}
	case ended == awaitExited:
		pr.kill()
		return nil, nil, &Outcome{Failed: pr.exitError(), Log: log}
	case msg.Error != nil:
		pr.kill()
		return nil, nil, &Outcome{Failed: msg.Error, Log: log}
	}
	return pr, log, nil
}

// Close ends every process and waits for them; a temporary work directory
// is removed, a state directory keeps the most recently used packages.
func (r *Runner) Close() {
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
