package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	opts    Options
	db      kv
	blobs   blobStore
	objects objectData // the bytes of OBS objects (obs.go)

	mu    sync.Mutex // guards stats
	stats Stats

	faultMu   sync.Mutex
	faultRate float64
	rng       *rand.Rand

	reqSeq atomic.Int64

	inv *invocations // running handlers, their logs and statistics
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
	objects, err := openObjects(opts.StateDir)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{opts: opts, db: db, blobs: blobs, objects: objects,
		faultRate: opts.FaultRate, rng: rand.New(rand.NewSource(opts.Seed))}
	s.stats = Stats{Requests: map[string]int{}, Publishes: map[string]int{}}
	if err := s.createBuckets(opts.Buckets); err != nil {
		db.Close()
		return nil, err
	}
	s.inv = newInvocations(s)
	return s, nil
}

// Close closes the store and releases the state directory. Every change
// is already on disk when its request is answered.
func (s *Server) Close() error {
	s.inv.close()
	return s.db.Close()
}

// SetFaultRate changes the fraction of failing requests.
func (s *Server) SetFaultRate(f float64) {
	s.faultMu.Lock()
	s.faultRate = f
	s.faultMu.Unlock()
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

// apiError is an error response.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

// response is what a handler produced; it is written after any injected
// fault has been decided.
type response struct {
	status int
	body   any // nil = no body
	err    *apiError
	header map[string]string // set on the answer, error or not
	raw    []byte            // with body nil: the body as it is
}

func ok(body any) response      { return response{status: 200, body: body} }
func fail(e *apiError) response { return response{err: e} }
func noContent() response       { return response{status: 204} }
func (r response) failed() bool { return r.err != nil }

type faultKind int

const (
	noFault faultKind = iota
	fault429FSS
	fault429APIG
	fault500
	faultDrop
)

// drawFault decides a request's fault from the generator seeded with
// Options.Seed: one draw tells whether the request fails (below the fault
// rate), and for a failing one a second draw picks the kind: half are
// throttled (a quarter each FSS.0429 and APIG.0308), 30% are 500s and 20%
// dropped connections. The same seed gives the same sequence for the same
// sequence of requests.
func (s *Server) drawFault() faultKind {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faultRate <= 0 {
		return noFault
	}
	if s.rng.Float64() >= s.faultRate {
		return noFault
	}
	switch y := s.rng.Float64(); {
	case y < 0.25:
		return fault429FSS
	case y < 0.5:
		return fault429APIG
	case y < 0.8:
		return fault500
	default:
		return faultDrop
	}
}

// ServeHTTP handles one request: latency, fault injection, authentication,
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
	if isOBSRequest(r) {
		s.serveOBS(w, r, reqID)
		return
	}
	route := routeName(r)
	fault := s.drawFault()
	s.mu.Lock()
	s.stats.Requests[r.Method+" "+route]++
	if fault != noFault {
		s.stats.Faults++
	}
	s.mu.Unlock()
	body, tooBig, err := readBody(w, r)
	if err != nil {
		return // the client went away
	}
	if fault == fault429FSS || fault == fault429APIG {
		s.write(w, r, reqID, fail(s.throttle(w, fault)))
		return
	}
	if fault != noFault && !s.opts.FaultAfterEffect {
		s.injure(w, r, reqID, fault)
		return
	}
	var resp response
	defer func() {
		// A bug must not take the connection down with it: answer as
		// the real service does when it fails inside.
		if v := recover(); v != nil {
			if s.opts.Logf != nil {
				s.opts.Logf("%s %s: panic: %v", r.Method, r.URL.Path, v)
			}
			s.write(w, r, reqID, fail(errf(500, "FSS.0500", "internal error")))
		}
	}()
	if tooBig {
		resp = fail(errf(413, "FSS.0413", "the request body is larger than %d bytes", maxBody))
	} else {
		resp = s.handle(r, body, reqID)
	}
	if fault != noFault {
		s.injure(w, r, reqID, fault)
		return
	}
	s.write(w, r, reqID, resp)
}

// maxBody bounds a request body: a 50 MB package (FSS.1071) is about
// 67 MB of base64, so anything beyond 80 MB cannot be a valid request.
const maxBody = 80 << 20

// readBody reads the whole body (the signature covers its SHA-256), sized
// by Content-Length up front so a big upload is held once, not regrown.
func readBody(w http.ResponseWriter, r *http.Request) (body []byte, tooBig bool, err error) {
	if r.ContentLength > maxBody {
		return nil, true, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err = buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, true, nil
	}
	return buf.Bytes(), false, err
}

func (s *Server) throttle(w http.ResponseWriter, kind faultKind) *apiError {
	ra := s.opts.RetryAfter
	secs := 1
	switch {
	case ra < 0:
		secs = 0
	case ra > 0:
		secs = int((ra + time.Second - 1) / time.Second)
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if kind == fault429APIG {
		return errf(429, s.gateway("0308"), "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 second")
	}
	return errf(429, "FSS.0429", "Too many requests, please retry later")
}

func (s *Server) injure(w http.ResponseWriter, r *http.Request, reqID string, f faultKind) {
	if f == faultDrop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, buf, err := hj.Hijack(); err == nil {
				// The connection breaks a few bytes into the response.
				// With no byte at all, Go's transport would re-send an
				// idempotent request on a reused connection by itself,
				// unseen by the client's retry count, and the sequence
				// of draws (hence a seeded run) would vary from run to
				// run.
				buf.WriteString("HTTP/1.1 5")
				buf.Flush()
				conn.Close()
				return
			}
		}
	}
	s.write(w, r, reqID, fail(errf(500, "FSS.0500", "Internal error")))
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, reqID string, resp response) {
	status := resp.status
	var body any = resp.body
	if resp.err != nil {
		status = resp.err.status
		body = map[string]string{"error_code": resp.err.code, "error_msg": resp.err.msg, "request_id": reqID}
	}
	if s.opts.Logf != nil {
		if resp.err != nil {
			s.opts.Logf("%s %s -> %d %s (%s)", r.Method, r.URL.Path, status, resp.err.code, reqID)
		} else {
			s.opts.Logf("%s %s -> %d (%s)", r.Method, r.URL.Path, status, reqID)
		}
	}
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	if body == nil && resp.raw != nil {
		w.WriteHeader(status)
		w.Write(resp.raw)
		return
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		status, b = 500, []byte(`{"error_code":"FSS.0500","error_msg":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// routeName names a request's route for Stats without its identifiers:
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
		s.write(w, r, reqID, fail(errf(405, "FSS.0405", "method not allowed")))
		return
	}
	var b []byte
	err := os.ErrNotExist
	if digestRe.MatchString(digest) {
		b, err = s.blobs.get(digest)
	}
	if err != nil {
		s.write(w, r, reqID, fail(errf(404, "FSS.0404", "no such object")))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// gateway is the prefix of the API gateway's error codes: APIG (the API
// Gateway FAQ's examples) or, in strict mode, APIGW (the API Request
// Signing Guide's examples, for the same failures).
func (s *Server) gateway(code string) string {
	if s.opts.Strict {
		return "APIGW." + code
	}
	return "APIG." + code
}

// authenticate checks the token or the signature, and the project id.
func (s *Server) authenticate(r *http.Request, body []byte) *apiError {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		if s.opts.Token == "" || tok != s.opts.Token {
			return errf(401, s.gateway("0301"), "Incorrect IAM authentication information: decrypt token fail")
		}
		return nil
	}
	if r.Header.Get("Authorization") == "" {
		return errf(401, s.gateway("0301"), "Incorrect IAM authentication information: x-auth-token not found")
	}
	if err := verify(r, body, s.opts.AccessKey, s.opts.SecretKey, s.opts.Now()); err != nil {
		return errf(401, s.gateway("0301"), "%s", err.Error())
	}
	return nil
}

func (s *Server) handle(r *http.Request, body []byte, reqID string) response {
	if e := s.authenticate(r, body); e != nil {
		return fail(e)
	}
	path := r.URL.Path
	if path == "/v3/projects" && r.Method == http.MethodGet {
		return s.projects(r)
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 || parts[0] != "v2" || parts[2] != "fgs" || (parts[3] != "functions" && parts[3] != "triggers" && parts[3] != "dependencies") {
		return fail(s.noSuchAPI(r))
	}
	if parts[1] != s.opts.ProjectID {
		return fail(errf(403, "FSS.0403", "the project id in the path does not match these credentials"))
	}
	if h := r.Header.Get("X-Project-Id"); h != "" && h != s.opts.ProjectID {
		return fail(errf(403, "FSS.0403", "X-Project-Id does not match these credentials"))
	}
	rest := parts[4:]
	if parts[3] == "dependencies" {
		return s.handleDependencies(r, rest, body)
	}
	if parts[3] == "triggers" {
		return s.handleTriggers(r, rest, body)
	}
	if resp, handled := s.handleProduction(r, rest, body); handled { // production.go
		return resp
	}
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodGet:
			return s.view(func(t *stx) response { return s.listFunctions(t, r) })
		case http.MethodPost:
			return s.update(func(t *stx) response { return s.createFunction(t, body) })
		}
		return fail(s.noSuchAPI(r))
	}
	u, e := s.ownURN(rest[0])
	if e != nil {
		return fail(e)
	}
	sub := strings.Join(rest[1:], "/")
	switch {
	case sub == "" && r.Method == http.MethodDelete:
		return s.update(func(t *stx) response { return s.deleteFunctionOrVersion(t, u) })
	case sub == "config" && r.Method == http.MethodGet:
		return s.view(func(t *stx) response { return s.getConfig(t, u) })
	case sub == "config" && r.Method == http.MethodPut:
		return s.update(func(t *stx) response { return s.updateConfig(t, u, body) })
	case sub == "code" && r.Method == http.MethodGet:
		return s.view(func(t *stx) response { return s.getCode(t, r, u) })
	case sub == "code" && r.Method == http.MethodPut:
		return s.update(func(t *stx) response { return s.updateCode(t, u, body) })
	case sub == "config-max-instance" && r.Method == http.MethodPut:
		return s.update(func(t *stx) response { return s.maxInstances(t, u, body) })
	case sub == "versions" && r.Method == http.MethodPost:
		return s.update(func(t *stx) response { return s.publish(t, u, body) })
	case sub == "versions" && r.Method == http.MethodGet:
		return s.view(func(t *stx) response { return s.listVersions(t, r, u) })
	case sub == "invocations" && r.Method == http.MethodPost:
		return s.invoke(r, u, body, false)
	case sub == "invocations-async" && r.Method == http.MethodPost:
		return s.invoke(r, u, body, true)
	case sub == "lts-log-detail" && r.Method == http.MethodGet:
		return s.view(func(t *stx) response { return s.ltsLogDetail(t, u) })
	case len(rest) == 3 && rest[1] == "statistics" && r.Method == http.MethodGet:
		return s.statistics(u, rest[2])
	case sub == "aliases" && r.Method == http.MethodGet:
		return s.view(func(t *stx) response { return s.listAliases(t, u) })
	case sub == "aliases" && r.Method == http.MethodPost:
		return s.update(func(t *stx) response { return s.createAlias(t, u, body) })
	case strings.HasPrefix(sub, "aliases/") && len(rest) == 3:
		name := rest[2]
		switch r.Method {
		case http.MethodGet:
			return s.view(func(t *stx) response { return s.getAlias(t, u, name) })
		case http.MethodPut:
			return s.update(func(t *stx) response { return s.updateAlias(t, u, name, body) })
		case http.MethodDelete:
			return s.update(func(t *stx) response { return s.deleteAlias(t, u, name) })
		}
	}
	return fail(s.noSuchAPI(r))
}

// view answers a read in a read-only transaction.
func (s *Server) view(fn func(*stx) response) response {
	var resp response
	err := s.db.View(func(tx kvTx) error {
		t := &stx{kv: tx}
		resp = fn(t)
		return t.err
	})
	if err != nil {
		return fail(errf(500, "FSS.0500", "read state: %v", err))
	}
	return resp
}

// errRollback makes Update discard a failed request's writes.
var errRollback = errors.New("request failed")

// update answers a write in a read-write transaction: committed (durable
// on disk with a state directory) before the answer when it succeeds,
// rolled back when it fails.
func (s *Server) update(fn func(*stx) response) response {
	var resp response
	var published string
	err := s.db.Update(func(tx kvTx) error {
		t := &stx{kv: tx}
		resp = fn(t)
		published = t.published
		switch {
		case t.err != nil:
			return t.err
		case resp.failed():
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return resp
	}
	if err != nil {
		return fail(errf(500, "FSS.0500", "persist state: %v", err))
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
func (s *Server) ownURN(raw string) (urn, *apiError) {
	u, e := parseURN(raw)
	if e != nil {
		return urn{}, e
	}
	if u.region != s.opts.Region || u.project != s.opts.ProjectID {
		return urn{}, errf(400, "FSS.1309", "the URN's region or project does not match")
	}
	return u, nil
}

// noSuchAPI is the gateway's answer to a method and path it does not
// publish, a wrong method on a known path included.
func (s *Server) noSuchAPI(r *http.Request) *apiError {
	return errf(404, s.gateway("0101"), "The API does not exist or has not been published in the environment: %s %s", r.Method, r.URL.Path)
}

func (s *Server) projects(r *http.Request) response {
	name := r.URL.Query().Get("name")
	list := []map[string]any{}
	if name == "" || name == s.opts.Region {
		list = append(list, map[string]any{"id": s.opts.ProjectID, "name": s.opts.Region, "enabled": true, "domain_id": "emulator-domain"})
	}
	return ok(map[string]any{"projects": list, "links": map[string]any{"self": r.URL.String()}})
}

// decodeJSON reads a request body strictly enough to catch bad JSON.
func decodeJSON(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errf(406, "FSS.0406", "the request body is not valid JSON: %v", err)
	}
	return nil
}
