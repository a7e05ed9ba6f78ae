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
	Limit int // 0 = LTS's default, 50
}

// LogLine is one line of a stream (the SDK's LogContents).
type LogLine struct {
	Content string            `json:"content"`
	LineNum string            `json:"line_num"`
	Labels  map[string]string `json:"labels"`
}

// QueryLogs reads a stream's lines, oldest first (LTS ListLogs: POST
// /v2/{project_id}/groups/{group}/streams/{stream}/content/query at
// Config.LTSEndpoint). The query reads and changes nothing, so it is
// repeated like a GET.
func (c *Client) QueryLogs(ctx context.Context, group, stream string, q LogQuery) ([]LogLine, error) {
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
	if q.Limit > 0 {
		body["limit"] = q.Limit
	}
	var out struct {
		Logs []LogLine `json:"logs"`
	}
	path := "/v2/" + c.pid() + "/groups/" + group + "/streams/" + stream + "/content/query"
	if err := c.do(ctx, call{method: "POST", base: c.cfg.LTSEndpoint, path: path, in: body, out: &out, readOnly: true}); err != nil {
		return nil, err
	}
	return out.Logs, nil
}
