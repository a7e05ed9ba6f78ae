package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// LTS, the log service, lives at another host than FunctionGraph
// (lts.{region}.myhuaweicloud.com). The emulator serves the part of its
// API that reads a function's logs on a listener of its own (Running.LTSURL;
// Server.LTSHandler for tests): POST
// /v2/{project_id}/groups/{group}/streams/{stream}/content/query, the SDK's
// ListLogs, over the lines invocations wrote (records.go). FunctionGraph's
// lts-log-detail, on the FunctionGraph listener, names a function's
// group and stream.

// ltsLogDetail answers GET .../functions/{urn}/lts-log-detail: the
// function's log group and stream, or 404 FSS.0404 when it does not log
// to LTS (the reference's example: "selectOneLog, group or stream not
// found").
func (s *Server) ltsLogDetail(t *stx, u urn) httpapi.Response {
	_, sn, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	lc := sn.Config.LogConfig
	if lc == nil || lc.GroupID == "" || lc.StreamID == "" {
		return httpapi.Failf(404, "FSS.0404", "selectOneLog, group or stream not found")
	}
	return httpapi.OK(map[string]string{"group_id": lc.GroupID, "group_name": lc.GroupName, "stream_id": lc.StreamID, "stream_name": lc.StreamName})
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

// streamNamed tells whether a function's log_config names the stream: a
// stream no invocation wrote to yet exists all the same.
func streamNamed(tx store.KVTx, group, stream string) bool {
	found := false
	tx.Scan(bucketFunctions, "", func(_ string, v []byte) error {
		var f function
		if json.Unmarshal(v, &f) == nil {
			if lc := f.Latest.Config.LogConfig; lc != nil && lc.GroupID == group && lc.StreamID == stream {
				found = true
				return store.ErrStopScan
			}
		}
		return nil
	})
	return found
}

// startLTS serves LTS on a listener of its own: opts.LTSAddr, or the host
// of the FunctionGraph listener with any free port.
func (r *Running) startLTS(addr string) error {
	if addr == "" {
		host, _, err := net.SplitHostPort(r.ln.Addr().String())
		if err != nil {
			return err
		}
		addr = net.JoinHostPort(host, "0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("lts listener: %w", err)
	}
	r.LTSURL = "http://" + ln.Addr().String()
	r.lts = &http.Server{Handler: r.Server.LTSHandler(), ReadHeaderTimeout: 10 * time.Second}
	go r.lts.Serve(ln)
	return nil
}

func (r *Running) stopLTS(ctx context.Context) {
	if r.lts != nil {
		r.lts.Shutdown(ctx)
	}
}
