package lts

import (
	"encoding/json"
	"net/http"
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
	Gateway   auth.Gateway // names the unpublished-API answer
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
func (s *Service) queryLogs(group, stream string, body []byte) httpapi.Response {
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
	resp := s.view(func(t *store.Tx) httpapi.Response {
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
			known = s.opts.StreamNamed(t.KV, group, stream)
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
