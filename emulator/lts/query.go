package lts

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// Options configure the LTS service.
type Options struct {
	ProjectID string
	// Strict takes the harshest reading of LTS's paging: pages of at
	// most 100 lines, the scroll id as scrollId.
	Strict  bool
	Gateway auth.Gateway // names the unpublished-API answer
	// StreamNamed tells, in the query's transaction, whether a function's
	// log_config names the stream group/stream: a stream no invocation
	// wrote to yet exists all the same. The control plane provides it.
	StreamNamed func(tx store.KVTx, group, stream string) bool
}

// Service answers LTS's log query over the records invocations wrote.
type Service struct {
	opts    Options
	db      store.KV
	records *records.Writer // flushed before a query
}

// New serves the LTS API with the log lines of db that w writes.
func New(opts Options, db store.KV, w *records.Writer) *Service {
	return &Service{opts: opts, db: db, records: w}
}

// Handle answers an authenticated LTS request.
func (s *Service) Handle(r *http.Request, body []byte) httpapi.Response {
	// v2 {project} groups {group} streams {stream} content query
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 8 || parts[0] != "v2" || parts[2] != "groups" || parts[4] != "streams" || parts[6] != "content" || parts[7] != "query" || r.Method != http.MethodPost {
		return httpapi.Fail(s.opts.Gateway.NoSuchAPI(r))
	}
	if parts[1] != s.opts.ProjectID {
		return httpapi.Failf(403, "LTS.0001", "Invalid projectId")
	}
	return s.queryLogs(parts[3], parts[5], body)
}

// view answers a read in a read-only transaction.
func (s *Service) view(fn func(*store.Tx) httpapi.Response) httpapi.Response {
	var resp httpapi.Response
	err := s.db.View(func(tx store.KVTx) error {
		t := &store.Tx{KV: tx}
		resp = fn(t)
		return t.Err
	})
	if err != nil {
		return httpapi.Failf(500, "FSS.0500", "read state: %v", err)
	}
	return resp
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
	ScrollID   string            `json:"scroll_id"`
	Limit      *int              `json:"limit"`
}

type ltsLog struct {
	Content string            `json:"content"`
	LineNum string            `json:"line_num"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// maxLTSLimit is the most lines one query may ask for (LTS: "up to 5000
// records are returned for an API query"); strictPage is the most a page
// holds in strict mode, whatever the limit (LTS recommends a limit of
// 100): a client must follow the scroll id until isQueryComplete.
const (
	maxLTSLimit = 5000
	strictPage  = 100
)

// cursor is where a query goes on from: after (forwards in the order
// asked for) or before (backwards) line at, or the start.
type cursor struct {
	set       bool
	at        int64
	backwards bool
}

// scrollID encodes a cursor as the scroll id of an incomplete answer.
func (c cursor) scrollID() string {
	dir := "f"
	if c.backwards {
		dir = "b"
	}
	return "emu-scroll-" + dir + strconv.FormatInt(c.at, 10)
}

// parseScrollID decodes a scroll id the emulator gave.
func parseScrollID(id string) (cursor, bool) {
	rest, ok := strings.CutPrefix(id, "emu-scroll-")
	if !ok || len(rest) < 2 || (rest[0] != 'f' && rest[0] != 'b') {
		return cursor{}, false
	}
	n, err := strconv.ParseInt(rest[1:], 10, 64)
	return cursor{set: true, at: n, backwards: rest[0] == 'b'}, err == nil
}

// queryLogs answers ListLogs: the lines of the stream written between
// start_time and end_time (milliseconds, inclusive) that hold keywords
// (a substring) and carry labels, in line_num order (descending with
// is_desc), a page of them. Paging: line_num with search_type "forwards"
// continues after that line in the order asked for, "backwards" before
// it; an answer with more to come has isQueryComplete false and a scroll
// id, and scroll_id continues where it stopped (taking precedence over
// line_num). The scroll id is "scroll_id" in lenient mode and "scrollId"
// in strict mode (the sources name the request's field only), and strict
// pages hold at most strictPage lines.
func (s *Service) queryLogs(group, stream string, body []byte) httpapi.Response {
	var q ltsQuery
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&q); err != nil {
		return httpapi.Failf(400, "LTS.0007", "The request body format must be json")
	}
	start, end, limit, cur, e := q.check()
	if e != nil {
		return httpapi.Fail(e)
	}
	page := limit
	if s.opts.Strict {
		page = min(limit, strictPage)
	}
	s.records.Flush()
	matched, known, resp := s.matching(group, stream, q, start, end)
	if resp.Failed() {
		return resp
	}
	if !known {
		return httpapi.Failf(400, "LTS.0208", "The log stream does not existed")
	}
	if q.IsDesc {
		slices.Reverse(matched)
	}
	total := len(matched)
	matched = after(matched, cur, q.IsDesc)
	out := map[string]any{"isQueryComplete": true}
	if len(matched) > page {
		if cur.backwards {
			matched = matched[len(matched)-page:] // the page next to the cursor
		} else {
			matched = matched[:page]
		}
		edge := matched[len(matched)-1]
		if cur.backwards {
			edge = matched[0]
		}
		n, _ := strconv.ParseInt(edge.LineNum, 10, 64)
		key := "scroll_id"
		if s.opts.Strict {
			key = "scrollId"
		}
		out["isQueryComplete"], out[key] = false, cursor{set: true, at: n, backwards: cur.backwards}.scrollID()
	}
	out["logs"] = nonNilLogs(matched)
	if q.IsCount {
		out["count"] = total
	}
	return httpapi.OK(out)
}

// check validates a query: its window, page size and cursor.
func (q *ltsQuery) check() (start, end int64, limit int, cur cursor, e *httpapi.Error) {
	start, err1 := q.StartTime.Int64()
	end, err2 := q.EndTime.Int64()
	switch {
	case q.StartTime == "" || q.EndTime == "":
		return 0, 0, 0, cur, httpapi.Errorf(400, "LTS.0009", "Failed to validate the request body: start_time and end_time are required")
	case err1 != nil || err2 != nil || start < 0 || end < start:
		return 0, 0, 0, cur, httpapi.Errorf(400, "LTS.0009", "Failed to validate the request body: start_time and end_time are milliseconds, start_time first")
	}
	limit = 50
	if q.Limit != nil {
		limit = *q.Limit
	}
	if limit < 1 || limit > maxLTSLimit {
		return 0, 0, 0, cur, httpapi.Errorf(400, "LTS.0009", "Failed to validate the request body: limit %d is not 1 to %d", limit, maxLTSLimit)
	}
	switch {
	case q.ScrollID != "":
		c, ok := parseScrollID(q.ScrollID)
		if !ok {
			return 0, 0, 0, cur, httpapi.Errorf(400, "LTS.0009", "Failed to validate the request body: scroll_id %q", httpapi.Trunc(q.ScrollID))
		}
		cur = c
	case q.LineNum != "":
		n, err := strconv.ParseInt(q.LineNum, 10, 64)
		if err != nil {
			return 0, 0, 0, cur, httpapi.Errorf(400, "LTS.0009", "Failed to validate the request body: line_num %q", httpapi.Trunc(q.LineNum))
		}
		cur = cursor{set: true, at: n, backwards: q.SearchType == "backwards"}
	}
	return start, end, limit, cur, nil
}

// matching returns the lines of the stream that the query's window,
// keywords and labels select, in line_num order, and whether the stream
// exists.
func (s *Service) matching(group, stream string, q ltsQuery, start, end int64) ([]ltsLog, bool, httpapi.Response) {
	var matched []ltsLog
	known := false
	resp := s.view(func(t *store.Tx) httpapi.Response {
		err := records.ScanLines(t.KV, group, stream, func(n int64, l records.LogLine) error {
			known = true
			if l.TimeMs < start || l.TimeMs > end || !strings.Contains(l.Content, q.Keywords) || !hasLabels(l.Labels, q.Labels) {
				return nil
			}
			matched = append(matched, ltsLog{Content: l.Content, LineNum: strconv.FormatInt(n, 10), Labels: l.Labels})
			return nil
		})
		if err != nil {
			t.Fail(err)
		}
		if !known {
			known = s.opts.StreamNamed(t.KV, group, stream)
		}
		return httpapi.OK(nil)
	})
	return matched, known, resp
}

// after keeps the lines past the cursor, in the order asked for: after
// it going forwards, before it going backwards (reversed by is_desc).
func after(lines []ltsLog, c cursor, desc bool) []ltsLog {
	if !c.set {
		return lines
	}
	later := !c.backwards
	if desc {
		later = !later
	}
	var out []ltsLog
	for _, l := range lines {
		n, _ := strconv.ParseInt(l.LineNum, 10, 64)
		if (later && n > c.at) || (!later && n < c.at) {
			out = append(out, l)
		}
	}
	return out
}

func nonNilLogs(l []ltsLog) []ltsLog {
	if l == nil {
		return []ltsLog{}
	}
	return l
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
