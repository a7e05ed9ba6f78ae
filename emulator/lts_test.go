package emulator

import (
	"strings"
	"testing"
)

// A stream a function's log_config names exists before any invocation
// wrote to it: its query is an empty page, not LTS.0208 (which the LTS
// room learns from the control plane, through the function the root
// wires).
func TestLTSNamedStreamWithoutLines(t *testing.T) {
	s, c := newServer(t, Options{})
	lts := clientFor(t, httptestServer(t, s.LTSHandler()), Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
	fn{name: "idle", runtime: "Python3.10", handler: "index.handler", files: map[string]string{"index.py": pyHandler}}.create(t, c)
	window := map[string]any{"start_time": "0", "end_time": "9999999999999"}
	r := lts.must(200, "POST", "/v2/"+testPID+"/groups/group-1/streams/stream-idle/content/query", window)
	if logs, ok := r.obj()["logs"].([]any); !ok || len(logs) != 0 {
		t.Errorf("a named stream without lines: %s", r.raw)
	}
	wantErr(t, "a stream no function names", lts.do("POST", "/v2/"+testPID+"/groups/group-1/streams/stream-nobody/content/query", window), 400, "LTS.0208")
}

// LTS pages as its API defines (docs/api-notes.md, rule 43): an answer
// with more to come says isQueryComplete false and gives a scroll id,
// which continues where it stopped. Lenient: pages of the limit asked, the id as scroll_id.
// Strict: pages of at most 100 lines whatever the limit, the id as
// scrollId, so that a client stopping at a page shorter than its limit
// loses lines.
func TestRule43LTSPaging(t *testing.T) {
	needInterpreter(t, "python3")
	for _, strict := range []bool{false, true} {
		s, c := newServer(t, Options{Strict: strict})
		lts := clientFor(t, httptestServer(t, s.LTSHandler()), Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
		fn{name: "chatty", runtime: "Python3.10", handler: "index.handler",
			files: map[string]string{"index.py": "def handler(event, context):\n    for i in range(250):\n        print('line', i)\n    return 1\n"}}.create(t, c)
		answerOf(t, invoke(c, urnOf("chatty"), `{}`))
		query := func(q map[string]any) map[string]any {
			q["start_time"], q["end_time"] = "0", "9999999999999"
			_, m := lts.must(200, "POST", "/v2/"+testPID+"/groups/group-1/streams/stream-chatty/content/query", q).fields()
			return m
		}
		idKey, other, page := "scroll_id", "scrollId", 200
		if strict {
			idKey, other, page = "scrollId", "scroll_id", 100
		}
		var got []string
		q := map[string]any{"limit": 200}
		for pages := 1; ; pages++ {
			m := query(q)
			logs := m["logs"].([]any)
			for _, l := range logs {
				got = append(got, l.(map[string]any)["content"].(string))
			}
			if m["isQueryComplete"] == true {
				if _, ok := m[idKey]; ok {
					t.Errorf("strict=%v: a complete answer has a scroll id: %v", strict, m[idKey])
				}
				break
			}
			if len(logs) != page || m[idKey] == nil || m[other] != nil {
				t.Fatalf("strict=%v: page %d: %d lines, %s %v, %s %v", strict, pages, len(logs), idKey, m[idKey], other, m[other])
			}
			q = map[string]any{"limit": 200, "scroll_id": m[idKey]}
			if pages > 10 {
				t.Fatalf("strict=%v: no end after 10 pages", strict)
			}
		}
		// The start and finish lines around the 250 the handler printed.
		if len(got) != 252 || got[1] != "line 0" || got[250] != "line 249" || !strings.Contains(got[251], "Finish invoke request") {
			t.Errorf("strict=%v: %d lines: %q ... %q", strict, len(got), got[:min(3, len(got))], got[max(0, len(got)-2):])
		}
		wantErr(t, "a scroll id the emulator never gave", lts.do("POST", "/v2/"+testPID+"/groups/group-1/streams/stream-chatty/content/query",
			map[string]any{"start_time": "0", "end_time": "1", "scroll_id": "nope"}), 400, "LTS.0009")
	}
}
