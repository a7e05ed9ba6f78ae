package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
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
	s.write(w, r, reqID, s.handleLTS(r, body))
}

func (s *Server) handleLTS(r *http.Request, body []byte) httpapi.Response {
	// v2 {project} groups {group} streams {stream} content query
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 8 || parts[0] != "v2" || parts[2] != "groups" || parts[4] != "streams" || parts[6] != "content" || parts[7] != "query" || r.Method != http.MethodPost {
		return httpapi.Fail(s.gw.NoSuchAPI(r))
	}
	if parts[1] != s.opts.ProjectID {
		return httpapi.Failf(403, "LTS.0001", "Invalid projectId")
	}
	return s.queryLogs(parts[3], parts[5], body)
}

// ltsQuery is the SDK's QueryLtsLogParams, as far as the emulator reads it.
type ltsQuery struct {
	StartTime  json.Number       `json:"start_time"`
	EndTime    json.Number       `json:"end_time"`
	Labels     map[string]string `json:"labels"`
	IsCount    bool              `json:"is_count"`
	Keywords   string            `json:"keywords"`
	LineNum    string            `json:"line_num"`
	IsDesc     bool              `json:"is_desc"`
	SearchType string            `json:"search_type"`
	Limit      *int              `json:"limit"`
}

type ltsLog struct {
	Content string            `json:"content"`
	LineNum string            `json:"line_num"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// maxLTSLimit is the most lines one query returns (a reading: the
// references recommend 100 and give the default, 50, but no maximum).
const maxLTSLimit = 5000

// queryLogs answers ListLogs: the lines of the stream written between
// start_time and end_time (milliseconds, inclusive) that hold keywords
// (a substring) and carry labels, in line_num order (descending with
// is_desc), limit of them (default 50). Paging: line_num with
// search_type "forwards" continues after that line in the order asked
// for, "backwards" before it.
func (s *Server) queryLogs(group, stream string, body []byte) httpapi.Response {
	var q ltsQuery
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&q); err != nil {
		return httpapi.Failf(400, "LTS.0007", "The request body format must be json")
	}
	start, err1 := q.StartTime.Int64()
	end, err2 := q.EndTime.Int64()
	switch {
	case q.StartTime == "" || q.EndTime == "":
		return httpapi.Failf(400, "LTS.0009", "Failed to validate the request body: start_time and end_time are required")
	case err1 != nil || err2 != nil || start < 0 || end < start:
		return httpapi.Failf(400, "LTS.0009", "Failed to validate the request body: start_time and end_time are milliseconds, start_time first")
	}
	limit := 50
	if q.Limit != nil {
		limit = *q.Limit
	}
	if limit < 1 || limit > maxLTSLimit {
		return httpapi.Failf(400, "LTS.0009", "Failed to validate the request body: limit %d is not 1 to %d", limit, maxLTSLimit)
	}
	var cursor int64
	if q.LineNum != "" {
		n, err := strconv.ParseInt(q.LineNum, 10, 64)
		if err != nil {
			return httpapi.Failf(400, "LTS.0009", "Failed to validate the request body: line_num %q", httpapi.Trunc(q.LineNum))
		}
		cursor = n
	}
	s.records.Flush()
	var matched []ltsLog
	known := false
	resp := s.view(func(t *stx) httpapi.Response {
		err := records.ScanLines(t.KV, group, stream, func(n int64, l records.LogLine) error {
			known = true
			if l.TimeMs < start || l.TimeMs > end || !strings.Contains(l.Content, q.Keywords) || !hasLabels(l.Labels, q.Labels) {
				return nil
			}
			if q.LineNum != "" && !afterCursor(n, cursor, q.IsDesc, q.SearchType) {
				return nil
			}
			matched = append(matched, ltsLog{Content: l.Content, LineNum: strconv.FormatInt(n, 10), Labels: l.Labels})
			return nil
		})
		if err != nil {
			t.Fail(err)
		}
		if !known {
			known = streamNamed(t, group, stream)
		}
		return httpapi.OK(nil)
	})
	if resp.Failed() {
		return resp
	}
	if !known {
		return httpapi.Failf(400, "LTS.0208", "The log stream does not existed")
	}
	if q.IsDesc {
		for i, j := 0, len(matched)-1; i < j; i, j = i+1, j-1 {
			matched[i], matched[j] = matched[j], matched[i]
		}
	}
	total := len(matched)
	if q.LineNum != "" && q.SearchType == "backwards" {
		// The page that ends next to the cursor.
		if len(matched) > limit {
			matched = matched[len(matched)-limit:]
		}
	} else if len(matched) > limit {
		matched = matched[:limit]
	}
	out := map[string]any{"logs": nonNilLogs(matched), "isQueryComplete": true}
	if q.IsCount {
		out["count"] = total
	}
	return httpapi.OK(out)
}

func nonNilLogs(l []ltsLog) []ltsLog {
	if l == nil {
		return []ltsLog{}
	}
	return l
}

// afterCursor tells whether line n comes after the cursor in the order
// and direction asked for.
func afterCursor(n, cursor int64, desc bool, searchType string) bool {
	forwards := searchType != "backwards"
	if desc {
		forwards = !forwards
	}
	if forwards {
		return n > cursor
	}
	return n < cursor
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// streamNamed tells whether a function's log_config names the stream: a
// stream no invocation wrote to yet exists all the same.
func streamNamed(t *stx, group, stream string) bool {
	found := false
	t.KV.Scan(bucketFunctions, "", func(_ string, v []byte) error {
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
