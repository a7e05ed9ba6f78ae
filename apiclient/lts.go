package apiclient

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// LogTarget is the LTS log group and stream a function logs to (the SDK's
// ShowLtsLogDetailsResponse).
type LogTarget struct {
	GroupID    string `json:"group_id"`
	GroupName  string `json:"group_name"`
	StreamID   string `json:"stream_id"`
	StreamName string `json:"stream_name"`
}

// ErrNoLogTarget means the function does not log to LTS.
var ErrNoLogTarget = errors.New("the function does not log to LTS")

// LogTarget reads where a function logs (GET .../lts-log-detail). A
// function that does not log to LTS is ErrNoLogTarget, whether the
// service answers 404 FSS.0404 ("group or stream not found", the
// reference's example) or names no group or stream.
func (c *Client) LogTarget(ctx context.Context, urn string) (*LogTarget, error) {
	out := &LogTarget{}
	err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/lts-log-detail"), out: out})
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == "FSS.0404" {
		return nil, ErrNoLogTarget
	}
	if err != nil {
		return nil, err
	}
	if out.GroupID == "" || out.StreamID == "" {
		return nil, ErrNoLogTarget
	}
	return out, nil
}

// LogQuery selects the lines of a stream (the SDK's QueryLtsLogParams).
type LogQuery struct {
	Start, End time.Time // inclusive, to the millisecond
	Keywords   string
	// After, when set, is the line_num of the last line read: the query
	// returns the lines after it ("forwards").
	After string
	// ScrollID continues the query an incomplete answer stopped (the
	// SDK's scroll_id: "if the last answer had it, send it back").
	ScrollID string
	Limit    int // 0 = LTS's default, 50
}

// LogLine is one line of a stream (the SDK's LogContents).
type LogLine struct {
	Content string            `json:"content"`
	LineNum string            `json:"line_num"`
	Labels  map[string]string `json:"labels"`
}

// LogPage is one answer of a log query.
type LogPage struct {
	Lines []LogLine
	// Complete is isQueryComplete: nil when the answer leaves it out.
	Complete *bool
	// ScrollID continues the query, when the answer has one.
	ScrollID string
}

// QueryLogs reads one page of a stream's lines, oldest first (LTS
// ListLogs: POST /v2/{project_id}/groups/{group}/streams/{stream}/content/query
// at Config.LTSEndpoint). ReadLogs reads them all. The query reads and
// changes nothing, so it is repeated like a GET.
func (c *Client) QueryLogs(ctx context.Context, group, stream string, q LogQuery) (*LogPage, error) {
	if c.cfg.LTSEndpoint == "" {
		return nil, errors.New("no LTS endpoint")
	}
	body := map[string]any{
		"start_time": strconv.FormatInt(q.Start.UnixMilli(), 10),
		"end_time":   strconv.FormatInt(q.End.UnixMilli(), 10),
		"is_desc":    false,
		"highlight":  false,
	}
	if q.Keywords != "" {
		body["keywords"] = q.Keywords
	}
	if q.After != "" {
		body["line_num"], body["search_type"] = q.After, "forwards"
	}
	if q.ScrollID != "" {
		body["scroll_id"] = q.ScrollID
	}
	if q.Limit > 0 {
		body["limit"] = q.Limit
	}
	var out struct {
		Logs     []LogLine `json:"logs"`
		Complete *bool     `json:"isQueryComplete"`
		// The sources name the request's scroll_id only; an answer
		// may spell it either way.
		ScrollID      string `json:"scroll_id"`
		ScrollIDCamel string `json:"scrollId"`
	}
	path := "/v2/" + c.pid() + "/groups/" + group + "/streams/" + stream + "/content/query"
	if err := c.do(ctx, call{method: "POST", base: c.cfg.LTSEndpoint, path: path, in: body, out: &out, readOnly: true}); err != nil {
		return nil, err
	}
	return &LogPage{Lines: out.Logs, Complete: out.Complete, ScrollID: firstOf(out.ScrollID, out.ScrollIDCamel)}, nil
}

// ReadLogs calls fn with every line q selects, oldest first, reading
// page after page: each next query sends the last line's line_num
// ("forwards") and the scroll id of the answer before, when it had one,
// so that it goes on under either reading of LTS's paging. It stops at
// an answer that says it is complete (isQueryComplete), or, from a
// service that does not say, at a page shorter than the limit; and at
// an answer that moves neither the line nor the scroll id. It returns
// the line_num of the last line read (q.After when none).
func (c *Client) ReadLogs(ctx context.Context, group, stream string, q LogQuery, fn func(LogLine) error) (string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	for {
		page, err := c.QueryLogs(ctx, group, stream, q)
		if err != nil {
			return q.After, err
		}
		for _, l := range page.Lines {
			if err := fn(l); err != nil {
				return q.After, err
			}
			q.After = l.LineNum
		}
		switch {
		case page.Complete != nil && *page.Complete:
			return q.After, nil
		case page.Complete == nil && len(page.Lines) < limit:
			return q.After, nil
		case len(page.Lines) == 0 && (page.ScrollID == "" || page.ScrollID == q.ScrollID):
			return q.After, nil // no way on: nothing would change
		}
		q.ScrollID = page.ScrollID
	}
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
