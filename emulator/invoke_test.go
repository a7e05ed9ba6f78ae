package emulator

// Invocation: handlers run by python3 and node, their results, failures
// and timeouts, warm processes, and what invocations leave behind.

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
	"github.com/fgsdeploy/fgsdeploy/emulator/runtime"
)

// zipFiles builds a zip of the named files.
func zipFiles(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// fn is a function for the invocation tests: runtime, handler, files and
// any other create fields.
type fn struct {
	name, runtime, handler string
	files                  map[string]string
	extra                  map[string]any
}

func (f fn) create(t *testing.T, c *client) {
	t.Helper()
	req := map[string]any{
		"func_name": f.name, "package": "default", "runtime": f.runtime, "handler": f.handler,
		"memory_size": 256, "timeout": 30, "code_type": "zip", "code_filename": "code.zip",
		"func_code":           map[string]string{"file": base64.StdEncoding.EncodeToString(zipFiles(f.files))},
		"user_data":           `{"GREETING":"hello"}`,
		"encrypted_user_data": `{"SECRET":"s3cr3t-value"}`,
		"log_config":          map[string]string{"group_id": "group-1", "stream_id": "stream-" + f.name},
		"enable_lts_log":      true,
	}
	for k, v := range f.extra {
		req[k] = v
	}
	c.must(200, "POST", "/functions", req)
}

// invoke calls a function as the SDK does (v1, with the log's tail).
func invoke(c *client, urn, event string) reply {
	req := c.request("POST", "/functions/"+urn+"/invocations", []byte(event))
	req.Header.Set("X-Cff-Log-Type", "tail")
	req.Header.Set("X-CFF-Request-Version", "v1")
	return c.send(req)
}

// answerOf decodes a v1 answer, failing unless it is one.
func answerOf(t *testing.T, r reply) fgs.InvokeAnswer {
	t.Helper()
	var a fgs.InvokeAnswer
	if r.err != nil || r.status != 200 || json.Unmarshal(r.raw, &a) != nil || a.RequestID == "" {
		t.Fatalf("invoke: %v", r)
	}
	if got := r.header.Get("X-Cff-Request-Id"); got != a.RequestID {
		t.Errorf("X-Cff-Request-Id %q, request_id %q", got, a.RequestID)
	}
	return a
}

func needInterpreter(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not on PATH: the invocation tests need it (the CI machine has it)", name)
	}
}

const pyHandler = `
import json, os, time
def handler(event, context):
    print("printed", json.dumps(event, sort_keys=True))
    context.getLogger().info("logged %s", context.getFunctionName())
    return {
        "event": event,
        "greeting": os.environ.get("GREETING"),
        "user_data": context.getUserData("GREETING"),
        "secret_ok": os.environ.get("SECRET") == "s3cr3t-value" and context.getUserData("SECRET") == "s3cr3t-value",
        "request_id": context.getRequestID(),
        "name": context.getFunctionName(), "package": context.getPackage(), "version": context.getVersion(),
        "memory": context.getMemorySize(), "cpu": context.getCPUNumber(), "timeout": context.getRunningTimeInSeconds(),
        "project": context.getProjectID(), "alias": context.getAlias(),
        "left_ok": 0 < context.getRemainingTimeInMilliSeconds() <= 30000,
        "pid": os.getpid(),
    }
def boom(event, context):
    print("about to fail")
    raise ValueError("bad input: " + str(event.get("n")))
def slow(event, context):
    print("going to sleep")
    time.sleep(60)
def die(event, context):
    os._exit(3)
def text(event, context):
    return "plain text"
`

const nodeHandler = `
exports.handler = async (event, context) => {
  console.log('printed', JSON.stringify(event));
  console.error('to stderr');
  context.getLogger().info('logged', context.getFunctionName());
  return {
    event,
    greeting: process.env.GREETING,
    user_data: context.getUserData('GREETING'),
    secret_ok: process.env.SECRET === 's3cr3t-value' && context.getUserData('SECRET') === 's3cr3t-value',
    request_id: context.getRequestID(),
    name: context.getFunctionName(), package: context.getPackage(), version: context.getVersion(),
    memory: context.getMemorySize(), cpu: context.getCPUNumber(), timeout: context.getRunningTimeInSeconds(),
    project: context.getProjectID(), alias: context.getAlias(),
    left_ok: context.getRemainingTimeInMilliSeconds() > 0 && context.getRemainingTimeInMilliSeconds() <= 30000,
    pid: process.pid,
  };
};
exports.callback = (event, context, callback) => { setTimeout(() => callback(null, {cb: event.n}), 5); };
exports.boom = async (event) => { throw new TypeError('bad input: ' + event.n); };
`

// The handler gets the event and FunctionGraph's context, its
// environment and its secrets; what it prints and logs is the log; the
// secrets are in no answer.
func TestInvokeRuntimes(t *testing.T) {
	for _, tc := range []struct {
		lang    string
		fn      fn
		printed string
	}{
		{"python3", fn{name: "py", runtime: "Python3.10", handler: "index.handler", files: map[string]string{"index.py": pyHandler}}, `printed {"n": 7}`},
		{"node", fn{name: "js", runtime: "Node.js18.15", handler: "index.handler", files: map[string]string{"index.js": nodeHandler}}, `printed {"n":7}`},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			needInterpreter(t, tc.lang)
			_, c := newServer(t, Options{})
			tc.fn.create(t, c)
			a := answerOf(t, invoke(c, urnOf(tc.fn.name), `{"n":7}`))
			if a.Status != 200 || a.ErrorCode != "" {
				t.Fatalf("status %d %q: %+v", a.Status, a.ErrorCode, a)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(a.Result), &got); err != nil {
				t.Fatalf("result %q: %v", a.Result, err)
			}
			want := map[string]any{"event": map[string]any{"n": 7.0}, "greeting": "hello", "user_data": "hello", "secret_ok": true,
				"request_id": a.RequestID, "name": tc.fn.name, "package": "default", "version": "latest",
				"memory": 256.0, "cpu": 400.0, "timeout": 30.0, "project": testPID, "alias": "", "left_ok": true}
			for k, v := range want {
				if fmt.Sprint(got[k]) != fmt.Sprint(v) {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			for _, line := range []string{"Start invoke request '" + a.RequestID + "', version: latest", tc.printed,
				a.RequestID + " INFO logged " + tc.fn.name, "Finish invoke request '" + a.RequestID + "', duration: "} {
				if !strings.Contains(a.Log, line) {
					t.Errorf("log lacks %q:\n%s", line, a.Log)
				}
			}
			if tc.lang == "node" && !strings.Contains(a.Log, "to stderr") {
				t.Errorf("stderr is not in the log:\n%s", a.Log)
			}
			if strings.Contains(string(invoke(c, urnOf(tc.fn.name), `{}`).raw), "s3cr3t") {
				t.Errorf("an answer holds the secret")
			}
			// The second invocation runs on the same, warm, process.
			b := answerOf(t, invoke(c, urnOf(tc.fn.name), `{"n":8}`))
			var again map[string]any
			json.Unmarshal([]byte(b.Result), &again)
			if again["pid"] != got["pid"] {
				t.Errorf("second invocation ran in process %v, the first in %v: not warm", again["pid"], got["pid"])
			}
		})
	}
}

// A handler that raises fails the invocation with status 500 and the
// runtime's error shape; one that runs past its timeout is stopped at it
// (408, FSS.0408); a process that dies fails its invocation; in every
// case the next invocation runs.
func TestInvokeFailures(t *testing.T) {
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	t.Parallel()
	_, c := newServer(t, Options{})
	files := map[string]string{"index.py": pyHandler}
	fn{name: "boom", runtime: "Python3.10", handler: "index.boom", files: files}.create(t, c)
	fn{name: "slow", runtime: "Python3.10", handler: "index.slow", files: files, extra: map[string]any{"timeout": 3}}.create(t, c)
	fn{name: "die", runtime: "Python3.10", handler: "index.die", files: files}.create(t, c)
	fn{name: "jsboom", runtime: "Node.js18.15", handler: "index.boom", files: map[string]string{"index.js": nodeHandler}}.create(t, c)
	fn{name: "missing", runtime: "Python3.10", handler: "nosuch.handler", files: files}.create(t, c)

	for _, tc := range []struct {
		name, errorType, message string
	}{
		{"boom", "ValueError", "bad input: 5"},
		{"jsboom", "TypeError", "bad input: 5"},
		{"die", "RuntimeExit", "runtime process is exited (exit status 3)"},
		{"missing", "ModuleNotFoundError", "No module named 'nosuch'"},
	} {
		for i := 0; i < 2; i++ {
			a := answerOf(t, invoke(c, urnOf(tc.name), `{"n":5}`))
			var e runtime.HandlerError
			if a.Status != 500 || json.Unmarshal([]byte(a.Result), &e) != nil || e.ErrorType != tc.errorType || e.ErrorMessage != tc.message {
				t.Errorf("%s #%d: status %d result %s", tc.name, i, a.Status, a.Result)
			}
			if !strings.Contains(a.Log, "Finish invoke request '"+a.RequestID+"'(invoke Failed)") || !strings.Contains(a.Log, "ERROR "+tc.errorType+": "+tc.message) {
				t.Errorf("%s #%d: log\n%s", tc.name, i, a.Log)
			}
		}
	}
	a := answerOf(t, invoke(c, urnOf("boom"), `{"n":5}`))
	if !strings.Contains(a.Log, "about to fail") {
		t.Errorf("what a failing handler printed is not in its log:\n%s", a.Log)
	}

	r := invoke(c, urnOf("slow"), `{}`)
	a = answerOf(t, r)
	var e runtime.HandlerError
	json.Unmarshal([]byte(a.Result), &e)
	if a.Status != 408 || a.ErrorCode != "FSS.0408" || e.ErrorType != "Timeout" {
		t.Errorf("slow: %+v", a)
	}
	var summary struct{ Duration float64 }
	json.Unmarshal([]byte(r.header.Get("X-Cff-Invoke-Summary")), &summary)
	if took := time.Duration(summary.Duration * float64(time.Millisecond)); took < 3*time.Second || took > 5*time.Second {
		t.Errorf("slow was stopped after %v, want its timeout of 3s", took)
	}
	if !strings.Contains(a.Log, "going to sleep") || !strings.Contains(a.Log, "ran past its timeout of 3 s") {
		t.Errorf("slow: log\n%s", a.Log)
	}
}

// A runtime the emulator cannot run, or a missing interpreter, is a clear
// error naming what is missing; the other functions still run.
func TestInvokeUnsupported(t *testing.T) {
	_, c := newServer(t, Options{LookPath: func(file string) (string, error) {
		if file == "node" {
			return "", errors.New("not found")
		}
		return exec.LookPath(file)
	}})
	c.must(200, "POST", "/functions", createJava(t))
	fn{name: "js", runtime: "Node.js18.15", handler: "index.handler", files: map[string]string{"index.js": nodeHandler}}.create(t, c)
	fn{name: "py", runtime: "Python3.10", handler: "index.text", files: map[string]string{"index.py": pyHandler}}.create(t, c)
	for name, want := range map[string]string{
		"java": "the emulator cannot run Java11 handlers: it runs only Python 3 (python3) and Node.js (node) handlers",
		"js":   "the emulator cannot run Node.js18.15 handlers: node is not on PATH",
	} {
		r := invoke(c, urnOf(name), `{}`)
		wantErr(t, name, r, 500, "FSS.0500")
		if msg, _ := r.obj()["error_msg"].(string); !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want it to say %q", name, msg, want)
		}
	}
	if a := answerOf(t, invoke(c, urnOf("py"), `{}`)); a.Status != 200 || a.Result != "plain text" {
		t.Errorf("py: %+v", a)
	}
}

func createJava(t *testing.T) map[string]any {
	req := createReq(t, "java", "")
	req["runtime"], req["handler"], req["code_type"], req["code_filename"] = "Java11", "com.example.Handler::handle", "jar", "app.jar"
	return req
}

// Processes are kept per version, bounded; a new version (or a changed
// latest) gets fresh ones; none outlives the emulator.
func TestInvokeWarmProcesses(t *testing.T) {
	needInterpreter(t, "python3")
	t.Parallel()
	s, c := newServer(t, Options{WarmProcesses: 2})
	f := fn{name: "warm", runtime: "Python3.10", handler: "index.handler", files: map[string]string{"index.py": pyHandler}}
	f.create(t, c)
	pid := func(urn string) int {
		var m map[string]any
		json.Unmarshal([]byte(answerOf(t, invoke(c, urn, `{}`)).Result), &m)
		n, _ := m["pid"].(float64)
		return int(n)
	}
	first := pid(urnOf("warm"))
	if again := pid(urnOf("warm")); again != first {
		t.Errorf("latest ran in %d, then %d", first, again)
	}
	c.must(200, "POST", "/functions/"+urnOf("warm")+"/versions", map[string]string{"version": "v1"})
	v1 := pid(urnOf("warm") + ":v1")
	if v1 == first {
		t.Errorf("version v1 ran in latest's process %d", v1)
	}
	c.must(200, "PUT", "/functions/"+urnOf("warm")+"/code", map[string]any{"code_type": "zip", "code_filename": "code.zip",
		"func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(zipFiles(map[string]string{"index.py": pyHandler + "\n# v2\n"}))}})
	changed := pid(urnOf("warm"))
	if changed == first {
		t.Errorf("latest with new code ran in the old process %d", first)
	}
	if alive(first) {
		t.Errorf("the process of latest's old code, %d, still runs", first)
	}

	// Concurrent invocations: at most WarmProcesses processes per version.
	var mu sync.Mutex
	pids := map[int]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := pid(urnOf("warm") + ":v1")
			mu.Lock()
			pids[p] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(pids) > 2 {
		t.Errorf("v1 ran in %d processes, at most 2 allowed", len(pids))
	}
	s.Close()
	for p := range pids {
		if alive(p) {
			t.Errorf("process %d outlived the emulator", p)
		}
	}
	if alive(changed) {
		t.Errorf("process %d outlived the emulator", changed)
	}
}

// alive tells whether process pid still runs (and is no zombie).
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	out, err := exec.Command("ps", "-o", "stat=", "-p", fmt.Sprint(pid)).Output()
	return err == nil && !strings.HasPrefix(strings.TrimSpace(string(out)), "Z")
}

// An alias runs its versions by weight; the initializer runs once per
// process; the context names the alias.
func TestInvokeAliasAndInitializer(t *testing.T) {
	needInterpreter(t, "python3")
	t.Parallel()
	_, c := newServer(t, Options{Seed: 3})
	src := `
import os
count = {"init": 0}
def init(context):
    count["init"] += 1
    print("initialized", context.getFunctionName())
def handler(event, context):
    return {"v": os.environ.get("V"), "alias": context.getAlias(), "init": count["init"], "version": context.getVersion()}
`
	f := fn{name: "al", runtime: "Python3.10", handler: "index.handler", files: map[string]string{"index.py": src},
		extra: map[string]any{"initializer_handler": "index.init", "initializer_timeout": 5, "user_data": `{"V":"one"}`}}
	f.create(t, c)
	c.must(200, "POST", "/functions/"+urnOf("al")+"/versions", map[string]string{"version": "v1"})
	cfg := configReq("al")
	cfg["timeout"], cfg["memory_size"], cfg["user_data"] = 30, 256, `{"V":"two"}`
	cfg["initializer_handler"], cfg["initializer_timeout"] = "index.init", 5
	c.must(200, "PUT", "/functions/"+urnOf("al")+"/config", cfg)
	c.must(200, "PUT", "/functions/"+urnOf("al")+"/code", map[string]any{"code_type": "zip", "code_filename": "c.zip",
		"func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(zipFiles(map[string]string{"index.py": src + "\n"}))}})
	c.must(200, "POST", "/functions/"+urnOf("al")+"/versions", map[string]string{"version": "v2"})
	c.must(200, "POST", "/functions/"+urnOf("al")+"/aliases", map[string]any{"name": "live", "version": "v1", "additional_version_weights": map[string]int{"v2": 30}})
	seen := map[string]int{}
	for i := 0; i < 40; i++ {
		a := answerOf(t, invoke(c, urnOf("al")+":!live", `{}`))
		var m map[string]any
		json.Unmarshal([]byte(a.Result), &m)
		if m["alias"] != "live" || m["init"] != 1.0 {
			t.Fatalf("invocation %d: %s", i, a.Result)
		}
		seen[fmt.Sprint(m["version"], "/", m["v"])]++
		if i == 0 && !strings.Contains(a.Log, "initialized al") {
			t.Errorf("the initializer's output is not in the first log:\n%s", a.Log)
		}
	}
	if seen["v1/one"] < 15 || seen["v2/two"] < 5 || seen["v1/one"]+seen["v2/two"] != 40 {
		t.Errorf("alias live (v1 70%%, v2 30%%) ran %v", seen)
	}
}

// Asynchronous invocations answer 202 with a request id and run in the
// background; the log stream holds their lines, and the statistics count
// them, by version and alias.
func TestInvokeAsyncLogsAndStatistics(t *testing.T) {
	needInterpreter(t, "python3")
	t.Parallel()
	s, c := newServer(t, Options{})
	lts := clientFor(t, httptestServer(t, s.LTSHandler()), Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
	files := map[string]string{"index.py": pyHandler}
	fn{name: "lg", runtime: "Python3.10", handler: "index.handler", files: files}.create(t, c)
	fn{name: "quiet", runtime: "Python3.10", handler: "index.boom", files: files, extra: map[string]any{"log_config": nil, "enable_lts_log": false}}.create(t, c)

	r := c.send(c.request("POST", "/functions/"+urnOf("lg")+"/invocations-async", []byte(`{"n":"alpha"}`)))
	var acc map[string]string
	if r.status != 202 || json.Unmarshal(r.raw, &acc) != nil || acc["request_id"] == "" || r.header.Get("X-Cff-Request-Id") != acc["request_id"] {
		t.Fatalf("async: %v", r)
	}
	sync1 := answerOf(t, invoke(c, urnOf("lg"), `{"n":"bravo"}`))
	answerOf(t, invoke(c, urnOf("quiet"), `{}`))
	answerOf(t, invoke(c, urnOf("quiet"), `{}`))

	// The log detail names the stream; quiet has none.
	if st, m := c.do("GET", "/functions/"+urnOf("lg")+"/lts-log-detail", nil).fields(); st != 200 || m["group_id"] != "group-1" || m["stream_id"] != "stream-lg" {
		t.Errorf("lts-log-detail: %d %v", st, m)
	}
	wantErr(t, "lts-log-detail without logging", c.do("GET", "/functions/"+urnOf("quiet")+"/lts-log-detail", nil), 404, "FSS.0404")

	query := func(stream string, q map[string]any) reply {
		return lts.do("POST", "/v2/"+testPID+"/groups/group-1/streams/"+stream+"/content/query", q)
	}
	now := time.Now().UnixMilli()
	window := map[string]any{"start_time": fmt.Sprint(now - 60_000), "end_time": fmt.Sprint(now + 60_000)}
	deadline := time.Now().Add(10 * time.Second)
	var logs []map[string]any
	for {
		_, m := query("stream-lg", window).fields()
		logs = nil
		for _, l := range m["logs"].([]any) {
			logs = append(logs, l.(map[string]any))
		}
		if strings.Contains(fmt.Sprint(logs), "alpha") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	text := ""
	var last int64
	for _, l := range logs {
		text += l["content"].(string) + "\n"
		var n int64
		fmt.Sscan(l["line_num"].(string), &n)
		if n <= last {
			t.Errorf("line_num %d after %d: not in order", n, last)
		}
		last = n
	}
	for _, want := range []string{`printed {"n": "alpha"}`, `printed {"n": "bravo"}`, "Start invoke request '" + acc["request_id"] + "'", "Finish invoke request '" + sync1.RequestID + "'"} {
		if !strings.Contains(text, want) {
			t.Errorf("the stream lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "s3cr3t") {
		t.Errorf("the log holds the secret")
	}
	checkLogQueries(t, c, lts, window, logs, sync1.RequestID)

	// Statistics: two invocations of lg (both ok), two failures of quiet.
	for _, tc := range []struct {
		urn         string
		count, fail float64
	}{
		{urnOf("lg"), 2, 0}, {urnOf("lg") + ":latest", 2, 0}, {urnOf("quiet"), 2, 2},
	} {
		r := c.do("GET", "/functions/"+tc.urn+"/statistics/5", nil)
		var st map[string][]fgs.SLAValue
		json.Unmarshal(r.raw, &st)
		if sum(st["count"]) != tc.count || sum(st["fail_count"]) != tc.fail || sum(st["function_error_count"]) != tc.fail {
			t.Errorf("%s: %v", tc.urn, r)
		}
	}
	wantErr(t, "period 0", c.do("GET", "/functions/"+urnOf("lg")+"/statistics/0", nil), 400, "FSS.0400")
	wantErr(t, "unknown version", c.do("GET", "/functions/"+urnOf("lg")+":v9/statistics/5", nil), 404, "FSS.1052")
}

// checkLogQueries queries stream-lg of group-1, whose lines are logs, one
// invocation's being requestID's: keywords, labels, limits and the
// line_num cursor, and LTS's refusals.
func checkLogQueries(t *testing.T, c, lts *client, window map[string]any, logs []map[string]any, requestID string) {
	t.Helper()
	query := func(stream string, q map[string]any) reply {
		return lts.do("POST", "/v2/"+testPID+"/groups/group-1/streams/"+stream+"/content/query", q)
	}
	// Keywords, labels, limits and the line_num cursor.
	q := map[string]any{"start_time": window["start_time"], "end_time": window["end_time"], "keywords": "bravo"}
	if _, m := query("stream-lg", q).fields(); len(m["logs"].([]any)) != 1 {
		t.Errorf("keywords bravo: %v", m["logs"])
	}
	q = map[string]any{"start_time": window["start_time"], "end_time": window["end_time"], "labels": map[string]string{"request_id": requestID}}
	if _, m := query("stream-lg", q).fields(); len(m["logs"].([]any)) < 3 {
		t.Errorf("labels request_id: %v", m["logs"])
	}
	q = map[string]any{"start_time": window["start_time"], "end_time": window["end_time"], "limit": 2}
	_, m := query("stream-lg", q).fields()
	page := m["logs"].([]any)
	if len(page) != 2 {
		t.Fatalf("limit 2: %v", page)
	}
	q["line_num"], q["search_type"] = page[1].(map[string]any)["line_num"], "forwards"
	_, m = query("stream-lg", q).fields()
	if next := m["logs"].([]any); len(next) != 2 || next[0].(map[string]any)["content"] != logs[2]["content"] {
		t.Errorf("the next page: %v, want from %v", next, logs[2])
	}
	q = map[string]any{"start_time": window["start_time"], "end_time": window["end_time"], "is_desc": true, "limit": 1}
	if _, m := query("stream-lg", q).fields(); m["logs"].([]any)[0].(map[string]any)["content"] != logs[len(logs)-1]["content"] {
		t.Errorf("is_desc: %v, want the newest %v", m["logs"], logs[len(logs)-1])
	}
	wantErr(t, "unknown stream", query("nosuch", window), 400, "LTS.0208")
	wantErr(t, "no start_time", query("stream-lg", map[string]any{"end_time": "1"}), 400, "LTS.0009")
	wantErr(t, "other project", lts.do("POST", "/v2/"+strings.Repeat("0", 32)+"/groups/group-1/streams/stream-lg/content/query", window), 403, "LTS.0001")
	// LTS is another host: the FunctionGraph listener does not serve it.
	wantErr(t, "LTS on the FunctionGraph listener", c.do("POST", "/v2/"+testPID+"/groups/group-1/streams/stream-lg/content/query", window), 404, "APIG.0101")

}

func sum(vs []fgs.SLAValue) float64 {
	n := 0.0
	for _, v := range vs {
		n += v.Value
	}
	return n
}

var v0Log = regexp.MustCompile(`Finish invoke request`)

// Without X-CFF-Request-Version v1 (v0), the answer is the result itself,
// with the log's tail base64 in X-Cff-Function-Log.
func TestInvokeV0(t *testing.T) {
	needInterpreter(t, "python3")
	t.Parallel()
	_, c := newServer(t, Options{})
	fn{name: "v0", runtime: "Python3.10", handler: "index.text", files: map[string]string{"index.py": pyHandler}}.create(t, c)
	req := c.request("POST", "/functions/"+urnOf("v0")+"/invocations", []byte(`{}`))
	req.Header.Set("X-Cff-Log-Type", "tail")
	r := c.send(req)
	log, _ := base64.StdEncoding.DecodeString(r.header.Get("X-Cff-Function-Log"))
	if r.status != 200 || string(r.raw) != "plain text" || !v0Log.Match(log) || r.header.Get("X-Cff-Invoke-Summary") == "" {
		t.Errorf("v0: %v %v", r, r.header)
	}
	// Without the tail header, no log.
	if a := answerOf(t, c.send(withV1(c.request("POST", "/functions/"+urnOf("v0")+"/invocations", nil)))); a.Log != "" || a.Result != "plain text" {
		t.Errorf("no tail asked: %+v", a)
	}
	wantErr(t, "not JSON", c.send(withV1(c.request("POST", "/functions/"+urnOf("v0")+"/invocations", []byte("{")))), 406, "FSS.0406")
	wantErr(t, "no such function", invoke(c, urnOf("nosuch"), `{}`), 404, "FSS.1051")
}

func withV1(r *http.Request) *http.Request {
	r.Header.Set("X-CFF-Request-Version", "v1")
	return r
}

func httptestServer(t *testing.T, h http.Handler) string {
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs.URL
}

// BenchmarkInvokeWarm invokes a warm Python handler over HTTP, one call
// at a time (make bench; docs/benchmarks.md).
func BenchmarkInvokeWarm(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not on PATH")
	}
	_, c := newServer(b, Options{StateDir: b.TempDir()})
	req := createReq(b, "bench", "def handler(event, context):\n    return {'ok': True}\n")
	c.must(200, "POST", "/functions", req)
	call := func() {
		r := c.send(withV1(c.request("POST", "/functions/"+urnOf("bench")+"/invocations", []byte(`{}`))))
		if r.status != 200 || !strings.Contains(string(r.raw), `"status":200`) {
			b.Fatalf("invoke: %v", r)
		}
	}
	call() // the cold start
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}
