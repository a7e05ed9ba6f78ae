package fgs

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/runtime"
)

// Invocation: POST .../functions/{urn}/invocations runs the handler and
// answers with its result; .../invocations-async answers 202 at once and
// runs it in the background. Both record the invocation's log (to the LTS
// stream the function logs to) and its statistics (metrics.go), written
// after the answer by one writer (emulator/records).

// invocations is the server's state for running handlers.
type invocations struct {
	s      *Service
	runner *runtime.Runner

	mu     sync.Mutex
	route  *mrand.Rand // picks an alias's version by weight; seeded
	closed bool
	async  sync.WaitGroup
}

func newInvocations(s *Service) *invocations {
	return &invocations{s: s, runner: runtime.New(s.opts.Runtime, s.blobs), route: mrand.New(mrand.NewSource(s.opts.Seed))}
}

// close waits for asynchronous invocations (each bounded by its
// function's timeout) and ends every handler process.
func (iv *invocations) close() {
	iv.mu.Lock()
	iv.closed = true
	iv.mu.Unlock()
	iv.async.Wait()
	iv.runner.Close()
}

// invocation is one invocation as the control plane sees it: the job the
// runner runs, and where its records go.
type invocation struct {
	runtime.Job
	fnKey string
	log   *logConfig // nil when the function does not log
}

// spec is what the runner needs of a snapshot.
func spec(sn *Snapshot) runtime.Spec {
	c := sn.Config
	return runtime.Spec{Runtime: c.Runtime, Handler: c.Handler, MemorySize: c.MemorySize, Timeout: c.Timeout,
		UserData: c.UserData, EncryptedUserData: c.EncryptedUserData,
		InitializerHandler: c.InitializerHandler, InitializerTimeout: c.InitializerTimeout,
		Digest: sn.Code.Digest, CodeFilename: sn.Code.CodeFilename}
}

// dependencyPackages returns the packages (digests in the blob store) of
// the dependency versions a version lists, in its order. An id of no
// version of this emulator (a public dependency of the real service) has
// no package here and is left out: the handler's import of it fails, as
// it would without the dependency.
func dependencyPackages(t *stx, ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	byID := map[string]string{}
	err := t.KV.Scan(bucketDeps, "v/", func(_ string, v []byte) error {
		var dv depVersion
		if err := json.Unmarshal(v, &dv); err != nil {
			return err
		}
		byID[dv.ID] = dv.Digest
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	var out []string
	for _, id := range ids {
		if d := byID[id]; d != "" {
			out = append(out, d)
		}
	}
	return out
}

// maxTail is the log an invocation answers with when asked for its tail
// (X-Cff-Log-Type: tail, "4 KB logs will be returned").
const maxTail = 4 << 10

// InvokeAnswer is the v1 answer body (the SDK's InvokeFunctionResponse).
type InvokeAnswer struct {
	RequestID string `json:"request_id"`
	Result    string `json:"result"`
	Log       string `json:"log"`
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code,omitempty"`
}

// The execution statuses the emulator answers with: the references give
// 200 in their examples and no list (docs/api-notes.md, invoke).
const (
	statusOK       = 200
	statusFailed   = 500 // the handler raised, or its process died
	statusTimedOut = 408 // FSS.0408, "Request timeout"
)

// invoke handles both invocation routes.
func (s *Service) invoke(r *http.Request, u urn, body []byte, async bool) httpapi.Response {
	event := bytes.TrimSpace(body)
	if len(event) == 0 {
		event = []byte("{}")
	}
	if !json.Valid(event) {
		return httpapi.Failf(406, "FSS.0406", "the request body is not valid JSON")
	}
	if e := checkEvent(event); e != nil { // checks.go
		return httpapi.Fail(e)
	}
	j, resp := s.prepare(u, event)
	if resp.Failed() {
		return resp
	}
	if e := runtime.Supports(j.Spec.Runtime); e != nil {
		return httpapi.Fail(e)
	}
	j.RequestID = newRequestID()
	if async {
		s.inv.mu.Lock()
		closed := s.inv.closed
		if !closed {
			s.inv.async.Add(1)
		}
		s.inv.mu.Unlock()
		if closed {
			return httpapi.Failf(503, "FSS.0503", "the emulator is shutting down")
		}
		go func() {
			defer s.inv.async.Done()
			s.runAndRecord(j)
		}()
		return httpapi.Response{Status: http.StatusAccepted, Body: map[string]string{"request_id": j.RequestID},
			Header: map[string]string{"X-Cff-Request-Id": j.RequestID}}
	}
	o, lines := s.runAndRecord(j)
	switch {
	case o.Infra != nil:
		return httpapi.Fail(o.Infra)
	case o.Rejected:
		return httpapi.Failf(429, "FSS.0429", "every process of %s:%s stayed busy for its timeout", j.Function, j.Version)
	}
	return s.answer(r, j, o, lines)
}

// prepare finds what an invocation of u with event runs: the version the
// URN names (for an alias, one it routes to, by weight), its spec and
// where its log goes.
func (s *Service) prepare(u urn, event []byte) (invocation, httpapi.Response) {
	var j invocation
	resp := s.view(func(t *stx) httpapi.Response {
		f, sn, version, e := s.lookup(t, u)
		if e != nil {
			return httpapi.Fail(e)
		}
		if u.alias != "" {
			if a := t.alias(f, u.alias); a != nil {
				if v := s.inv.pick(a); v != version {
					if sn = t.versionOrLatest(f, v); sn == nil {
						return httpapi.Failf(404, "FSS.1052", "version %s not found", v)
					}
					version = v
				}
			}
		}
		j = invocation{fnKey: f.key(), log: sn.Config.LogConfig, Job: runtime.Job{Function: f.Name, Package: f.Package, Version: version,
			Alias: u.alias, Event: bytes.Clone(event), ProjectID: s.opts.ProjectID, Spec: spec(sn)}}
		j.Spec.Dependencies = dependencyPackages(t, sn.Code.DependVersionList)
		return httpapi.OK(nil)
	})
	return j, resp
}

// pick chooses the version an invocation of alias a runs: an additional
// version with its weight in percent, else the main one. Routing by
// rules (additional_version_strategy) is not emulated: the main version.
func (iv *invocations) pick(a *Alias) string {
	if len(a.Weights) == 0 {
		return a.Version
	}
	vs := make([]string, 0, len(a.Weights))
	for v := range a.Weights {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	iv.mu.Lock()
	n := iv.route.Intn(100)
	iv.mu.Unlock()
	for _, v := range vs {
		if n -= a.Weights[v]; n < 0 {
			return v
		}
	}
	return a.Version
}

// runAndRecord runs j and hands its log and statistics to the writer.
func (s *Service) runAndRecord(j invocation) (runtime.Outcome, []string) {
	start := s.opts.Now()
	o := s.inv.runner.Run(j.Job)
	lines := s.invocationLog(j, start, o)
	rec := &records.Record{FnKey: j.fnKey, Name: j.Function, Package: j.Package, Version: j.Version, Alias: j.Alias,
		RequestID: j.RequestID, At: start, Duration: o.Duration, Result: result(o), Lines: lines}
	if lc := j.log; lc != nil && lc.GroupID != "" && lc.StreamID != "" {
		rec.Group, rec.Stream = lc.GroupID, lc.StreamID
	}
	s.records.Add(rec)
	return o, lines
}

// result is how the statistics count an outcome.
func result(o runtime.Outcome) records.Result {
	switch {
	case o.Rejected:
		return records.Rejected
	case o.Infra != nil:
		return records.SystemError
	case o.Failed != nil || o.TimedOut:
		return records.FunctionError
	}
	return records.OK
}

// invocationLog is an invocation's log as FunctionGraph writes it: a
// start line, what the handler wrote, the error of a failed invocation,
// and a finish line with the duration and memory.
func (s *Service) invocationLog(j invocation, start time.Time, o runtime.Outcome) []string {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	end := start.Add(o.Duration)
	lines := []string{fmt.Sprintf("%s Start invoke request '%s', version: %s", stamp(start), j.RequestID, j.Version)}
	if out := strings.TrimRight(string(o.Log), "\n"); out != "" {
		lines = append(lines, strings.Split(out, "\n")...)
	}
	failed := ""
	switch {
	case o.Infra != nil:
		lines = append(lines, fmt.Sprintf("%s %s ERROR %s", stamp(end), j.RequestID, o.Infra.Msg))
		failed = "(invoke Failed)"
	case o.Rejected:
		lines = append(lines, fmt.Sprintf("%s %s ERROR rejected: every process of this version stayed busy", stamp(end), j.RequestID))
		failed = "(invoke Failed)"
	case o.TimedOut:
		lines = append(lines, fmt.Sprintf("%s %s ERROR the function ran past its timeout of %d s and was stopped", stamp(end), j.RequestID, j.Spec.Timeout))
		failed = "(invoke Failed)"
	case o.Failed != nil:
		lines = append(lines, fmt.Sprintf("%s %s ERROR %s: %s", stamp(end), j.RequestID, o.Failed.ErrorType, o.Failed.ErrorMessage))
		for _, st := range o.Failed.StackTrace {
			lines = append(lines, "    "+st)
		}
		failed = "(invoke Failed)"
	}
	ms := float64(o.Duration.Microseconds()) / 1000
	lines = append(lines, fmt.Sprintf("%s Finish invoke request '%s'%s, duration: %.3fms, billing duration: %dms, memory used: %.3fMB, billing memory: %dMB",
		stamp(end), j.RequestID, failed, ms, int(math.Ceil(ms)), o.MemoryMB, j.Spec.MemorySize))
	return lines
}

// answer writes a synchronous invocation's answer: with
// X-CFF-Request-Version v1 the JSON body of the SDK's model, otherwise
// (v0) the result itself, with the log in X-Cff-Function-Log.
func (s *Service) answer(r *http.Request, j invocation, o runtime.Outcome, lines []string) httpapi.Response {
	status, code, result := statusOK, "", o.Result
	switch {
	case o.TimedOut:
		status, code = statusTimedOut, "FSS.0408"
		result = mustJSON(runtime.HandlerError{ErrorMessage: fmt.Sprintf("invocation timed out after %d s", j.Spec.Timeout), ErrorType: "Timeout", StackTrace: []string{}})
	case o.Failed != nil:
		status = statusFailed
		result = mustJSON(o.Failed)
	}
	tail := ""
	if strings.EqualFold(r.Header.Get("X-Cff-Log-Type"), "tail") {
		tail = logTail(strings.Join(lines, "\n") + "\n")
	}
	ms := float64(o.Duration.Microseconds()) / 1000
	summary := mustJSON(map[string]any{"duration": ms, "billingDuration": int(math.Ceil(ms)),
		"memorySize": j.Spec.MemorySize, "memoryUsed": math.Round(o.MemoryMB*1000) / 1000})
	header := map[string]string{"X-Cff-Request-Id": j.RequestID, "X-Cff-Invoke-Summary": summary}
	if strings.EqualFold(r.Header.Get("X-CFF-Request-Version"), "v1") {
		return httpapi.Response{Status: 200, Header: header,
			Body: InvokeAnswer{RequestID: j.RequestID, Result: result, Log: tail, Status: status, ErrorCode: code}}
	}
	if tail != "" {
		header["X-Cff-Function-Log"] = base64.StdEncoding.EncodeToString([]byte(tail))
	}
	header["Content-Type"] = "text/plain; charset=utf-8"
	if json.Valid([]byte(result)) {
		header["Content-Type"] = "application/json"
	}
	return httpapi.Response{Status: 200, Header: header, Raw: []byte(result)}
}

// logTail is the last 4 KB of a log, from a line's start.
func logTail(log string) string {
	if len(log) <= maxTail {
		return log
	}
	t := log[len(log)-maxTail:]
	if i := strings.IndexByte(t, '\n'); i >= 0 && i+1 < len(t) {
		t = t[i+1:]
	}
	return t
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// newRequestID is a random UUID, as FunctionGraph's request ids are; never
// seeded, so that runs of --local, each with a new emulator, never repeat
// one.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
