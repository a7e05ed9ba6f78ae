package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
	"github.com/fgsdeploy/fgsdeploy/emulator/faults"
	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/iam"
	"github.com/fgsdeploy/fgsdeploy/emulator/lts"
	"github.com/fgsdeploy/fgsdeploy/emulator/obs"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
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
}

// Stats counts what the emulator saw, for tests.
type Stats struct {
	Requests  map[string]int // by "METHOD route"
	Publishes map[string]int // by function "package/name"
	Faults    int
	// ObjectBytes counts the bytes OBS received in object and part uploads.
	ObjectBytes int64
}

// Server is the emulator, an http.Handler.
type Server struct {
	opts  Options
	db    store.KV
	blobs store.Blobs
	obs   *obs.Service
	lts   *lts.Service

	mu    sync.Mutex // guards stats
	stats Stats

	faults *faults.Injector
	gw     auth.Gateway // authenticates FunctionGraph, IAM and LTS requests

	reqSeq atomic.Int64

	inv     *invocations    // running handlers
	records *records.Writer // their logs and statistics
}

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
	s.inv = newInvocations(s)
	s.lts = lts.New(lts.Options{ProjectID: opts.ProjectID, Gateway: s.gw, StreamNamed: streamNamed}, db, s.records)
	return s, nil
}

// Close closes the store and releases the state directory. Every change
// is already on disk when its request is answered.
func (s *Server) Close() error {
	s.inv.close()
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

// Running is an emulator listening on a port.
type Running struct {
	URL    string
	Server *Server
	http   *http.Server
	ln     net.Listener
	LTSURL string       // the LTS API, on a listener of its own (lts.go)
	lts    *http.Server // serves LTSURL
}

// Start listens on addr and serves until Close.
func Start(addr string, opts Options) (*Running, error) {
	srv, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Running{URL: "http://" + ln.Addr().String(), Server: srv, ln: ln,
		http: &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}}
	if err := r.startLTS(opts.LTSAddr); err != nil {
		ln.Close()
		srv.Close()
		return nil, err
	}
	go r.http.Serve(ln)
	return r, nil
}

// Close stops serving and closes the store.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.http.Shutdown(ctx)
	r.stopLTS(ctx)
	return r.Server.Close()
}

// routing, and the response with a request id.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("emu-%08d", s.reqSeq.Add(1))
	w.Header().Set("X-Request-Id", reqID)
	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if strings.HasPrefix(r.URL.Path, "/_emulator/code/") {
		s.serveBlob(w, r, reqID, strings.TrimPrefix(r.URL.Path, "/_emulator/code/"))
		return
	}
	if obs.IsRequest(r) {
		fault := s.faults.Draw()
		s.count(r.Method+" "+obs.Route(r), fault)
		s.obs.Serve(w, r, reqID, fault)
		return
	}
	fault := s.faults.Draw()
	s.count(r.Method+" "+routeName(r), fault)
	body, tooBig, err := httpapi.ReadBody(w, r)
	if err != nil {
		return // the client went away
	}
	if fault.Throttled() {
		s.write(w, r, reqID, httpapi.Fail(s.throttle(w, fault)))
		return
	}
	if fault != faults.None && !s.opts.FaultAfterEffect {
		faults.Injure(w, r, reqID, fault, s.opts.Logf)
		return
	}
	var resp httpapi.Response
	defer func() {
		// A bug must not take the connection down with it: answer as
		// the real service does when it fails inside.
		if v := recover(); v != nil {
			if s.opts.Logf != nil {
				s.opts.Logf("%s %s: panic: %v", r.Method, r.URL.Path, v)
			}
			s.write(w, r, reqID, httpapi.Failf(500, "FSS.0500", "internal error"))
		}
	}()
	if tooBig {
		resp = httpapi.Failf(413, "FSS.0413", "the request body is larger than %d bytes", httpapi.MaxBody)
	} else {
		resp = s.handle(r, body, reqID)
	}
	if fault != faults.None {
		faults.Injure(w, r, reqID, fault, s.opts.Logf)
		return
	}
	s.write(w, r, reqID, resp)
}

func (s *Server) throttle(w http.ResponseWriter, kind faults.Kind) *httpapi.Error {
	ra := s.opts.RetryAfter
	secs := 1
	switch {
	case ra < 0:
		secs = 0
	case ra > 0:
		secs = int((ra + time.Second - 1) / time.Second)
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if kind == faults.ThrottleAPIG {
		return httpapi.Errorf(429, s.gw.Code("0308"), "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 second")
	}
	return httpapi.Errorf(429, "FSS.0429", "Too many requests, please retry later")
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, reqID string, resp httpapi.Response) {
	httpapi.Write(w, r, reqID, resp, s.opts.Logf)
}

// "functions", "function", "function/config", "function/aliases/{name}".
func routeName(r *http.Request) string {
	p := r.URL.Path
	if strings.HasPrefix(p, "/v3/projects") {
		return "projects"
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) < 4 || parts[0] != "v2" || parts[2] != "fgs" {
		return "unknown"
	}
	rest := parts[3:]
	switch {
	case rest[0] == "triggers":
		return "triggers"
	case rest[0] == "dependencies":
		return "dependencies"
	case len(rest) == 1:
		return rest[0]
	case len(rest) == 2:
		return "function"
	case len(rest) == 3:
		return "function/" + rest[2]
	case len(rest) == 4 && rest[2] == "aliases":
		return "function/aliases/{name}"
	case len(rest) == 4 && rest[2] == "statistics":
		return "function/statistics/{period}"
	}
	return "unknown"
}

var digestRe = regexp.MustCompile(`^[0-9a-f]{128}$`)

// serveBlob answers a func_code.link: like an OBS pre-signed URL it needs
// no signature, and it serves nothing but a stored package.
func (s *Server) serveBlob(w http.ResponseWriter, r *http.Request, reqID, digest string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.write(w, r, reqID, httpapi.Failf(405, "FSS.0405", "method not allowed"))
		return
	}
	var b []byte
	err := os.ErrNotExist
	if digestRe.MatchString(digest) {
		b, err = s.blobs.Get(digest)
	}
	if err != nil {
		s.write(w, r, reqID, httpapi.Failf(404, "FSS.0404", "no such object"))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func (s *Server) handle(r *http.Request, body []byte, reqID string) httpapi.Response {
	if e := s.gw.Authenticate(r, body); e != nil {
		return httpapi.Fail(e)
	}
	path := r.URL.Path
	if path == iam.Path && r.Method == http.MethodGet {
		return iam.Projects{ProjectID: s.opts.ProjectID, Region: s.opts.Region}.List(r)
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 || parts[0] != "v2" || parts[2] != "fgs" || (parts[3] != "functions" && parts[3] != "triggers" && parts[3] != "dependencies") {
		return httpapi.Fail(s.gw.NoSuchAPI(r))
	}
	if parts[1] != s.opts.ProjectID {
		return httpapi.Failf(403, "FSS.0403", "the project id in the path does not match these credentials")
	}
	if h := r.Header.Get("X-Project-Id"); h != "" && h != s.opts.ProjectID {
		return httpapi.Failf(403, "FSS.0403", "X-Project-Id does not match these credentials")
	}
	rest := parts[4:]
	if parts[3] == "dependencies" {
		return s.handleDependencies(r, rest, body)
	}
	if parts[3] == "triggers" {
		return s.handleTriggers(r, rest, body)
	}
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodGet:
			return s.view(func(t *stx) httpapi.Response { return s.listFunctions(t, r) })
		case http.MethodPost:
			return s.update(func(t *stx) httpapi.Response { return s.createFunction(t, body) })
		}
		return httpapi.Fail(s.gw.NoSuchAPI(r))
	}
	u, e := s.ownURN(rest[0])
	if e != nil {
		return httpapi.Fail(e)
	}
	sub := strings.Join(rest[1:], "/")
	switch {
	case sub == "" && r.Method == http.MethodDelete:
		return s.update(func(t *stx) httpapi.Response { return s.deleteFunctionOrVersion(t, u) })
	case sub == "config" && r.Method == http.MethodGet:
		return s.view(func(t *stx) httpapi.Response { return s.getConfig(t, u) })
	case sub == "config" && r.Method == http.MethodPut:
		return s.update(func(t *stx) httpapi.Response { return s.updateConfig(t, u, body) })
	case sub == "code" && r.Method == http.MethodGet:
		return s.view(func(t *stx) httpapi.Response { return s.getCode(t, r, u) })
	case sub == "code" && r.Method == http.MethodPut:
		return s.update(func(t *stx) httpapi.Response { return s.updateCode(t, u, body) })
	case sub == "config-max-instance" && r.Method == http.MethodPut:
		return s.update(func(t *stx) httpapi.Response { return s.maxInstances(t, u, body) })
	case sub == "versions" && r.Method == http.MethodPost:
		return s.update(func(t *stx) httpapi.Response { return s.publish(t, u, body) })
	case sub == "versions" && r.Method == http.MethodGet:
		return s.view(func(t *stx) httpapi.Response { return s.listVersions(t, r, u) })
	case sub == "invocations" && r.Method == http.MethodPost:
		return s.invoke(r, u, body, false)
	case sub == "invocations-async" && r.Method == http.MethodPost:
		return s.invoke(r, u, body, true)
	case sub == "lts-log-detail" && r.Method == http.MethodGet:
		return s.view(func(t *stx) httpapi.Response { return s.ltsLogDetail(t, u) })
	case len(rest) == 3 && rest[1] == "statistics" && r.Method == http.MethodGet:
		return s.statistics(u, rest[2])
	case sub == "aliases" && r.Method == http.MethodGet:
		return s.view(func(t *stx) httpapi.Response { return s.listAliases(t, u) })
	case sub == "aliases" && r.Method == http.MethodPost:
		return s.update(func(t *stx) httpapi.Response { return s.createAlias(t, u, body) })
	case strings.HasPrefix(sub, "aliases/") && len(rest) == 3:
		name := rest[2]
		switch r.Method {
		case http.MethodGet:
			return s.view(func(t *stx) httpapi.Response { return s.getAlias(t, u, name) })
		case http.MethodPut:
			return s.update(func(t *stx) httpapi.Response { return s.updateAlias(t, u, name, body) })
		case http.MethodDelete:
			return s.update(func(t *stx) httpapi.Response { return s.deleteAlias(t, u, name) })
		}
	}
	return httpapi.Fail(s.gw.NoSuchAPI(r))
}

// view answers a read in a read-only transaction.
func (s *Server) view(fn func(*stx) httpapi.Response) httpapi.Response {
	var resp httpapi.Response
	err := s.db.View(func(tx store.KVTx) error {
		t := newStx(tx)
		resp = fn(t)
		return t.Err
	})
	if err != nil {
		return httpapi.Failf(500, "FSS.0500", "read state: %v", err)
	}
	return resp
}

// errRollback makes Update discard a failed request's writes.
var errRollback = errors.New("request failed")

// update answers a write in a read-write transaction: committed (durable
// on disk with a state directory) before the answer when it succeeds,
// rolled back when it fails.
func (s *Server) update(fn func(*stx) httpapi.Response) httpapi.Response {
	var resp httpapi.Response
	var published string
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		resp = fn(t)
		published = t.published
		switch {
		case t.Err != nil:
			return t.Err
		case resp.Failed():
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return resp
	}
	if err != nil {
		return httpapi.Failf(500, "FSS.0500", "persist state: %v", err)
	}
	if published != "" {
		s.mu.Lock()
		s.stats.Publishes[published]++
		s.mu.Unlock()
	}
	return resp
}

// ownURN parses a URN of the path and checks that it names this
// emulator's region and project.
func (s *Server) ownURN(raw string) (urn, *httpapi.Error) {
	u, e := parseURN(raw)
	if e != nil {
		return urn{}, e
	}
	if u.region != s.opts.Region || u.project != s.opts.ProjectID {
		return urn{}, httpapi.Errorf(400, "FSS.1309", "the URN's region or project does not match")
	}
	return u, nil
}
