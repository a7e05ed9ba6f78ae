package emulator

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
	"github.com/fgsdeploy/fgsdeploy/emulator/faults"
	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
	"github.com/fgsdeploy/fgsdeploy/emulator/lts"
	"github.com/fgsdeploy/fgsdeploy/emulator/obs"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/runtime"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
	"github.com/fgsdeploy/fgsdeploy/emulator/timers"
)

// Options configure an emulator.
type Options struct {
	AccessKey, SecretKey string // signature credentials
	Token                string // also accept X-Auth-Token equal to this when non-empty
	ProjectID            string // the only valid project id
	Region               string
	// StateDir holds the state: state.db (bbolt, locked by this process
	// while it runs) and the code packages under blobs/. "" keeps the state
	// in memory.
	StateDir string
	// LockTimeout bounds how long New waits for another process holding
	// StateDir; 0 means DefaultLockTimeout. OnLockWait, when set, is
	// called once when New starts waiting.
	LockTimeout time.Duration
	OnLockWait  func(path string, timeout time.Duration)
	// Strict takes the harshest documented reading of each rule the API
	// documentation leaves open (doc.go, "Strict mode").
	Strict bool
	// Buckets are OBS buckets made at start unless they exist: "NAME" in
	// Region, or "NAME@REGION" (a bucket of another region, which this
	// endpoint answers with 301 PermanentRedirect).
	Buckets []string
	// OBSDomains are OBS endpoint hosts besides obs.{Region}.myhuaweicloud.com
	// whose object URLs code_url may use for this emulator's objects.
	OBSDomains []string
	Latency    time.Duration // added to every request
	FaultRate  float64       // fraction of requests that fail: 429, 500 or a dropped connection
	Seed       int64         // makes fault injection deterministic
	// FaultAfterEffect makes injected 500s and dropped connections happen
	// after the request took effect, as a real service can fail after
	// applying a change. 429s are always decided before (throttling means
	// the request was not forwarded).
	FaultAfterEffect bool
	// RetryAfter is the Retry-After of injected 429s; 0 means 1 second.
	// A negative value sends "Retry-After: 0".
	RetryAfter time.Duration
	VersionCap int // versions per function, latest included; 0 = 20
	// FunctionCap is the most functions the project may hold (403
	// FSS.1041 beyond it). 0 means no limit: the real quota is 400 by
	// default but can be raised on request.
	FunctionCap int
	// NotFoundTrap makes a missing function come back as 401 FSS.0401 on
	// config reads, as FunctionGraph sometimes does (docs/api-notes.md).
	NotFoundTrap bool
	// LTSDisabled is an account that has not turned on FunctionGraph's
	// LTS logging (EnableLtsLogs): a function created without
	// enable_lts_log does not log, until POST .../enable-lts-logs. The
	// default is an account with it on, as most are: such a function logs
	// to a group and stream FunctionGraph makes.
	LTSDisabled bool
	// ConfigWithoutDependencies leaves depend_version_list out of GET
	// config, as API versions before the SDK's current model answer; GET
	// code still has it.
	ConfigWithoutDependencies bool
	Now                       func() time.Time                 // nil = time.Now
	Logf                      func(format string, args ...any) // request log; never logs credentials or code

	// LookPath finds python3 and node, which run the handlers the
	// emulator invokes; nil means exec.LookPath.
	LookPath func(file string) (string, error)
	// WarmProcesses is how many processes one function version may have
	// at once; 0 means DefaultWarmProcesses.
	WarmProcesses int
	// LTSAddr is where Start serves the LTS API; "" means the host of the
	// FunctionGraph address, any free port.
	LTSAddr string
	// TimerTicks, when set, makes TIMER triggers fire: a scheduler pass
	// (emulator/timers) at each time received, which is the pass's time
	// (fgsdeploy emulator: a time.Ticker's, every second). Without it,
	// timers fire only when RunTimers says.
	TimerTicks <-chan time.Time
	// TimeZone is the region's, which a timer's cron fields are read in
	// when it names no CRON_TZ=; nil means timers.RegionZone's (China
	// Standard Time for a cn- region, UTC for one it does not know).
	TimeZone *time.Location
}

// Stats counts what the emulator saw, for tests.
type Stats struct {
	Requests  map[string]int // by "METHOD route"
	Publishes map[string]int // by function "package/name"
	Faults    int
	// ObjectBytes counts the bytes OBS received in object and part uploads.
	ObjectBytes int64
}

// Server is the emulator, an http.Handler: the gateway in front of its
// services, which share one store.
type Server struct {
	opts    Options
	db      store.KV
	blobs   store.Blobs     // code packages, served as func_code.link
	fgs     *fgs.Service    // FunctionGraph's control plane
	obs     *obs.Service    // OBS, on the same listener
	lts     *lts.Service    // LTS, on a listener of its own
	records *records.Writer // invocations' logs and statistics
	timers  *timers.Scheduler
	// stopTimers ends the scheduler's passes of Options.TimerTicks;
	// timersDone is closed when they ended.
	stopTimers context.CancelFunc
	timersDone chan struct{}

	mu    sync.Mutex // guards stats
	stats Stats

	faults *faults.Injector
	gw     auth.Gateway // authenticates FunctionGraph, IAM and LTS requests

	reqSeq atomic.Int64
}

// DefaultWarmProcesses is how many processes a function version may have
// at once when Options.WarmProcesses is 0.
const DefaultWarmProcesses = runtime.DefaultWarmProcesses

// DefaultLockTimeout is how long New waits for another process to release
// the state directory before it refuses.
const DefaultLockTimeout = store.DefaultLockTimeout

// ErrStateLocked is returned by New when another process kept the state
// directory locked for longer than Options.LockTimeout.
var ErrStateLocked = store.ErrStateLocked

// New makes an emulator, loading state from Options.StateDir if present.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.VersionCap <= 0 {
		opts.VersionCap = 20
	}
	if opts.Region == "" {
		opts.Region = "cn-north-4"
	}
	db, blobs, err := openState(opts)
	if err != nil {
		return nil, err
	}
	objects, err := store.OpenObjects(opts.StateDir)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{opts: opts, db: db, blobs: blobs,
		faults: faults.New(opts.FaultRate, opts.Seed),
		gw:     auth.Gateway{AccessKey: opts.AccessKey, SecretKey: opts.SecretKey, Token: opts.Token, Strict: opts.Strict, Now: opts.Now}}
	s.stats = Stats{Requests: map[string]int{}, Publishes: map[string]int{}}
	s.obs = obs.New(obs.Options{AccessKey: opts.AccessKey, SecretKey: opts.SecretKey, Region: opts.Region,
		OBSDomains: opts.OBSDomains, Now: opts.Now, Logf: opts.Logf, OnReceive: s.countBytes}, db, objects)
	if err := s.obs.CreateBuckets(opts.Buckets); err != nil {
		db.Close()
		return nil, err
	}
	s.records = records.NewWriter(db)
	s.fgs = fgs.New(fgs.Options{ProjectID: opts.ProjectID, Region: opts.Region, Strict: opts.Strict,
		VersionCap: opts.VersionCap, FunctionCap: opts.FunctionCap, NotFoundTrap: opts.NotFoundTrap, LTSDisabled: opts.LTSDisabled,
		ConfigWithoutDependencies: opts.ConfigWithoutDependencies, Now: opts.Now, Seed: opts.Seed, OnPublish: s.countPublish,
		Runtime: runtime.Options{LookPath: opts.LookPath, WarmProcesses: opts.WarmProcesses, StateDir: opts.StateDir}},
		fgs.Deps{DB: db, Blobs: blobs, OBS: s.obs, Records: s.records, Gateway: s.gw})
	s.lts = lts.New(lts.Options{ProjectID: opts.ProjectID, Strict: opts.Strict, Gateway: s.gw, StreamNamed: fgs.StreamNamed}, db, s.records)
	s.startTimers()
	return s, nil
}

// startTimers makes the scheduler of TIMER triggers, and runs its passes
// when Options.TimerTicks is set.
func (s *Server) startTimers() {
	zone := s.opts.TimeZone
	if zone == nil {
		zone = timers.RegionZone(s.opts.Region)
	}
	s.timers = timers.New(timers.Options{List: s.fgs.Timers, Fire: s.fgs.FireTimer, Zone: zone, Logf: s.opts.Logf})
	s.timersDone = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s.stopTimers = cancel
	if s.opts.TimerTicks == nil {
		close(s.timersDone)
		return
	}
	go func() {
		defer close(s.timersDone)
		s.timers.Run(ctx, s.opts.TimerTicks)
	}()
}

// RunTimers makes one pass of the scheduler of TIMER triggers at time at,
// as if the clock said so, and returns once the invocations it started
// are recorded: how tests and scripts make timers fire. A timer seen for
// the first time fires only at a later pass (emulator/timers).
func (s *Server) RunTimers(at time.Time) {
	s.timers.Tick(at)()
}

// openState opens the store of Options.StateDir, or a memory store, with
// the buckets of every service, and imports a state.json of an earlier
// emulator.
func openState(o Options) (store.KV, store.Blobs, error) {
	buckets := slices.Concat(fgs.Buckets, records.Buckets, obs.Buckets)
	db, blobs, err := store.Open(store.Options{Dir: o.StateDir, Buckets: buckets, LockTimeout: o.LockTimeout, OnLockWait: o.OnLockWait})
	if err != nil || o.StateDir == "" {
		return db, blobs, err
	}
	if err := fgs.ImportLegacy(db, o.StateDir); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, blobs, nil
}

// Close closes the store and releases the state directory. Every change
// is already on disk when its request is answered.
func (s *Server) Close() error {
	s.stopTimers()
	<-s.timersDone
	s.timers.Wait()
	s.fgs.Close()
	s.records.Close()
	return s.db.Close()
}

// SetFaultRate changes the fraction of failing requests.
func (s *Server) SetFaultRate(f float64) {
	s.faults.SetRate(f)
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Stats{Requests: map[string]int{}, Publishes: map[string]int{}, Faults: s.stats.Faults, ObjectBytes: s.stats.ObjectBytes}
	for k, v := range s.stats.Requests {
		c.Requests[k] = v
	}
	for k, v := range s.stats.Publishes {
		c.Publishes[k] = v
	}
	return c
}

// PutObject stores data as the object key of bucket, creating the bucket
// in the emulator's region if there is none: what a test or a fixture
// puts in OBS without a client.
func (s *Server) PutObject(bucket, key string, data []byte) error {
	return s.obs.PutObject(bucket, key, data)
}

// count counts a request by its route, and its fault.
func (s *Server) count(route string, fault faults.Kind) {
	s.mu.Lock()
	s.stats.Requests[route]++
	if fault != faults.None {
		s.stats.Faults++
	}
	s.mu.Unlock()
}

// countBytes counts the bytes OBS received.
func (s *Server) countBytes(n int64) {
	s.mu.Lock()
	s.stats.ObjectBytes += n
	s.mu.Unlock()
}

// countPublish counts a version published of function key.
func (s *Server) countPublish(key string) {
	s.mu.Lock()
	s.stats.Publishes[key]++
	s.mu.Unlock()
}
