package emulator

import "testing"

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
