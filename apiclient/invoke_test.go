package apiclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// running starts an emulator with its LTS listener and a client for both:
// an account whose LTS logging is off, so that a function logs only when
// it asks to.
func running(t *testing.T) *apiclient.Client {
	return runningWith(t, emulator.Options{})
}

func runningWith(t *testing.T, o emulator.Options) *apiclient.Client {
	t.Helper()
	o.AccessKey, o.SecretKey, o.Region, o.ProjectID, o.LTSDisabled = ak, sk, region, pid, true
	r, err := emulator.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	c, err := apiclient.New(apiclient.Config{Endpoint: r.URL, IAMEndpoint: r.URL, LTSEndpoint: r.LTSURL, Region: region,
		ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const handlers = `
import os
def handler(event, context):
    print("got", event.get("n"))
    return {"n": event.get("n"), "token": os.environ.get("TOKEN") == "s3cr3t"}
def boom(event, context):
    raise KeyError("nope")
`

func createWith(t *testing.T, c *apiclient.Client, name, handler string, logs bool) string {
	t.Helper()
	p, _ := zipFile(t, handlers)
	req := &apiclient.CreateRequest{FuncName: name, Package: "default", Runtime: "Python3.10", Handler: handler, MemorySize: 128, Timeout: 10,
		CodeType: "zip", CodeFilename: "code.zip", CodeFile: p, EncryptedUserData: `{"TOKEN":"s3cr3t"}`}
	if logs {
		on := true
		req.EnableLtsLog, req.LogConfig = &on, &apiclient.LogConfig{GroupID: "g", StreamID: "s-" + name}
	}
	if _, err := c.CreateFunction(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return c.FunctionURN("default", name)
}

// Invoke sends the event and reads the result, the log's tail and the
// status; a function that raised is a failed invocation, not an error;
// the log and the statistics can be read back.
func TestInvokeLogsStatistics(t *testing.T) {
	ctx := context.Background()
	c := running(t)
	ok := createWith(t, c, "ok", "index.handler", true)
	bad := createWith(t, c, "bad", "index.boom", false)

	inv, err := c.Invoke(ctx, ok, []byte(`{"n": 3}`), true)
	if err != nil || inv.Failed() || inv.Result != `{"n":3,"token":true}` || !strings.Contains(inv.Log, "got 3") || inv.RequestID == "" {
		t.Fatalf("invoke: %v %+v", err, inv)
	}
	if inv, err := c.Invoke(ctx, ok, nil, false); err != nil || inv.Log != "" || inv.Result != `{"n":null,"token":true}` {
		t.Errorf("invoke without tail or payload: %v %+v", err, inv)
	}
	inv, err = c.Invoke(ctx, bad, []byte(`{}`), true)
	if err != nil || !inv.Failed() || inv.TimedOut() {
		t.Fatalf("failing invoke: %v %+v", err, inv)
	}
	if typ, msg := inv.FunctionError(); typ != "KeyError" || msg != "'nope'" {
		t.Errorf("function error %q %q", typ, msg)
	}
	id, err := c.InvokeAsync(ctx, ok, []byte(`{"n": 4}`))
	if err != nil || id == "" {
		t.Fatalf("async: %v %q", err, id)
	}
	if _, err := c.Invoke(ctx, c.FunctionURN("default", "nosuch"), nil, false); !apiclient.IsNotFound(err) {
		t.Errorf("no such function: %v", err)
	}

	target, err := c.LogTarget(ctx, ok)
	if err != nil || target.GroupID != "g" || target.StreamID != "s-ok" {
		t.Fatalf("log target: %v %+v", err, target)
	}
	if _, err := c.LogTarget(ctx, bad); !errors.Is(err, apiclient.ErrNoLogTarget) {
		t.Errorf("log target of a function without logs: %v", err)
	}
	// The strict emulator answers 200 naming nothing: the same.
	strict := runningWith(t, emulator.Options{Strict: true})
	if _, err := strict.LogTarget(ctx, createWith(t, strict, "bad", "index.boom", false)); !errors.Is(err, apiclient.ErrNoLogTarget) {
		t.Errorf("log target of a function without logs, strict: %v", err)
	}
	now := time.Now()
	var lines []apiclient.LogLine
	for deadline := now.Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		lines, err = readAll(ctx, c, apiclient.LogQuery{Start: now.Add(-time.Minute), End: now.Add(time.Minute)})
		if err != nil || strings.Contains(joined(lines), "got 4") || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !strings.Contains(joined(lines), "got 3") || !strings.Contains(joined(lines), "got 4") {
		t.Fatalf("query logs: %v\n%s", err, joined(lines))
	}
	p, err := c.QueryLogs(ctx, "g", "s-ok", apiclient.LogQuery{Start: now.Add(-time.Minute), End: now.Add(time.Minute), Limit: 2})
	if err != nil || len(p.Lines) != 2 || p.Complete == nil || *p.Complete || p.ScrollID == "" {
		t.Fatalf("limit 2: %v %+v", err, p)
	}
	page := p.Lines
	rest, err := readAll(ctx, c, apiclient.LogQuery{Start: now.Add(-time.Minute), End: now.Add(time.Minute), After: page[1].LineNum})
	if err != nil || len(rest) != len(lines)-2 || rest[0].Content != lines[2].Content {
		t.Errorf("after %s: %v %d lines, want %d", page[1].LineNum, err, len(rest), len(lines)-2)
	}
	// Pages of 2, each next one through the scroll id: every line once.
	paged, err := readAll(ctx, c, apiclient.LogQuery{Start: now.Add(-time.Minute), End: now.Add(time.Minute), Limit: 2})
	if err != nil || joined(paged) != joined(lines) {
		t.Errorf("pages of 2: %v\n%s\nwant\n%s", err, joined(paged), joined(lines))
	}
	if kw, err := readAll(ctx, c, apiclient.LogQuery{Start: now.Add(-time.Minute), End: now.Add(time.Minute), Keywords: "got 3"}); err != nil || len(kw) != 1 {
		t.Errorf("keywords: %v %v", err, kw)
	}

	st, err := c.FunctionStatistics(ctx, bad, 5)
	if err != nil || apiclient.Sum(st.Count, 0) != 1 || apiclient.Sum(st.FailCount, 0) != 1 {
		t.Fatalf("statistics of bad: %v %+v", err, st)
	}
	if st, err := c.FunctionStatistics(ctx, ok+":latest", 5); err != nil || apiclient.Sum(st.Count, 0) != 3 || apiclient.Sum(st.FailCount, 0) != 0 {
		t.Errorf("statistics of ok: %v %+v", err, st)
	}
	if st, err := c.FunctionStatistics(ctx, ok, 5); err != nil || apiclient.Sum(st.Count, time.Now().Add(time.Hour).UnixMilli()) != 0 {
		t.Errorf("statistics since later: %v %+v", err, st)
	}
}

// readAll reads every line of stream s-ok of group g that q selects.
func readAll(ctx context.Context, c *apiclient.Client, q apiclient.LogQuery) ([]apiclient.LogLine, error) {
	var out []apiclient.LogLine
	_, err := c.ReadLogs(ctx, "g", "s-ok", q, func(l apiclient.LogLine) error { out = append(out, l); return nil })
	return out, err
}

func joined(lines []apiclient.LogLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Content + "\n")
	}
	return b.String()
}

// An invocation is not repeated after a 500 or a dropped connection (the
// function may have run); a throttled one is. The log query, a POST that
// only reads, is repeated like a GET.
func TestInvokeRetries(t *testing.T) {
	var calls, queries atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/invocations"):
			if calls.Add(1) == 1 {
				w.WriteHeader(429)
				w.Write([]byte(`{"error_code":"FSS.0429","error_msg":"slow down"}`))
				return
			}
			if r.Header.Get("X-CFF-Request-Version") != "v1" {
				w.WriteHeader(400)
				return
			}
			w.WriteHeader(500)
			w.Write([]byte(`{"error_code":"FSS.0500","error_msg":"inside"}`))
		case strings.HasSuffix(r.URL.Path, "/content/query"):
			if queries.Add(1) < 3 {
				w.WriteHeader(503)
				return
			}
			w.Write([]byte(`{"logs":[{"content":"x","line_num":"1"}]}`))
		}
	}))
	defer hs.Close()
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, LTSEndpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk,
		Sleep: func(ctx context.Context, d time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	urn := c.FunctionURN("default", "f")
	if _, err := c.Invoke(context.Background(), urn, nil, false); err == nil || calls.Load() != 2 {
		t.Errorf("invoke throttled, then answered 500: %v after %d calls, want 2", err, calls.Load())
	}
	p, err := c.QueryLogs(context.Background(), "g", "s", apiclient.LogQuery{End: time.Now()})
	if err != nil || len(p.Lines) != 1 || queries.Load() != 3 {
		t.Errorf("query: %v %v after %d calls", err, p, queries.Load())
	}
	nolts, _ := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if _, err := nolts.QueryLogs(context.Background(), "g", "s", apiclient.LogQuery{}); err == nil {
		t.Errorf("a query without an LTS endpoint")
	}
}

// ReadLogs goes on until an answer says the query is complete, sending
// back the scroll id the answer before had (spelt scroll_id or scrollId)
// with the last line's line_num; from a service that does not say, until
// a page is shorter than the limit; and it stops at an answer that moves
// nothing (docs/api-notes.md, rule 43).
func TestRule43ReadLogsPaging(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []string
		want    string // the lines read
		sent    []string
	}{
		{"scroll ids, either spelling", []string{
			`{"logs":[{"content":"a","line_num":"1"},{"content":"b","line_num":"2"}],"isQueryComplete":false,"scrollId":"s1"}`,
			`{"logs":[{"content":"c","line_num":"3"}],"isQueryComplete":false,"scroll_id":"s2"}`,
			`{"logs":[{"content":"d","line_num":"4"}],"isQueryComplete":true}`,
		}, "abcd", []string{"-/-", "2/s1", "3/s2"}},
		{"no isQueryComplete: a short page ends", []string{
			`{"logs":[{"content":"a","line_num":"1"},{"content":"b","line_num":"2"},{"content":"c","line_num":"3"}]}`,
			`{"logs":[{"content":"d","line_num":"4"}]}`,
		}, "abcd", []string{"-/-", "3/-"}},
		{"incomplete, and nothing moves", []string{
			`{"logs":[{"content":"a","line_num":"1"}],"isQueryComplete":false,"scrollId":"s1"}`,
			`{"logs":[],"isQueryComplete":false,"scrollId":"s1"}`,
		}, "a", []string{"-/-", "1/s1"}},
	} {
		var sent []string
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var q map[string]any
			json.NewDecoder(r.Body).Decode(&q)
			get := func(k string) string {
				if v, ok := q[k].(string); ok {
					return v
				}
				return "-"
			}
			sent = append(sent, get("line_num")+"/"+get("scroll_id"))
			if len(sent) > len(tc.answers) {
				w.Write([]byte(`{"logs":[],"isQueryComplete":true}`))
				return
			}
			w.Write([]byte(tc.answers[len(sent)-1]))
		}))
		c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, LTSEndpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		last, err := c.ReadLogs(context.Background(), "g", "s", apiclient.LogQuery{End: time.Now(), Limit: 3}, func(l apiclient.LogLine) error {
			got += l.Content
			return nil
		})
		hs.Close()
		if err != nil || got != tc.want || strings.Join(sent, " ") != strings.Join(tc.sent, " ") || last != strconv.Itoa(len(tc.want)) {
			t.Errorf("%s: read %q (last %s, %v), sent %v; want %q, %v", tc.name, got, last, err, sent, tc.want, tc.sent)
		}
	}
}
