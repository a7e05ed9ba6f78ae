package emulator

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/faults"
	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/iam"
	"github.com/fgsdeploy/fgsdeploy/emulator/obs"
)

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
		resp = s.handle(r, body)
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

// handle authenticates a JSON API request and routes it: IAM's project
// list, or FunctionGraph's control plane, which answers the gateway's 404
// for what it does not publish.
func (s *Server) handle(r *http.Request, body []byte) httpapi.Response {
	if e := s.gw.Authenticate(r, body); e != nil {
		return httpapi.Fail(e)
	}
	if r.URL.Path == iam.Path && r.Method == http.MethodGet {
		return iam.Projects{ProjectID: s.opts.ProjectID, Region: s.opts.Region}.List(r)
	}
	return s.fgs.Handle(r, body)
}

// routeName names a request's route for Stats without its identifiers:
// "projects", "functions", "function/config", "function/aliases/{name}".
func routeName(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, iam.Path) {
		return "projects"
	}
	return fgs.RouteName(r)
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

// LTSHandler serves the emulator's LTS API.
func (s *Server) LTSHandler() http.Handler {
	return http.HandlerFunc(s.serveLTS)
}

func (s *Server) serveLTS(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("emu-lts-%08d", s.reqSeq.Add(1))
	w.Header().Set("X-Request-Id", reqID)
	s.mu.Lock()
	s.stats.Requests[r.Method+" lts"]++
	s.mu.Unlock()
	body, tooBig, err := httpapi.ReadBody(w, r)
	if err != nil {
		return
	}
	if tooBig {
		s.write(w, r, reqID, httpapi.Failf(413, "LTS.0009", "the request body is too large"))
		return
	}
	if e := s.gw.Authenticate(r, body); e != nil {
		s.write(w, r, reqID, httpapi.Fail(e))
		return
	}
	s.write(w, r, reqID, s.lts.Handle(r, body))
}
