package emulator

// The server as a whole: Run, request ids, routing, the request log,
// fault injection, regressions, and arbitrary request bodies.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// Run prints "listening on URL" first and serves until its context ends.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "127.0.0.1:0", Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !regexp.MustCompile(`^listening on http://127\.0\.0\.1:\d+\n$`).MatchString(line) {
		t.Fatalf("first line %q, %v", line, err)
	}
	resp, err := http.Get(strings.TrimSpace(strings.TrimPrefix(line, "listening on ")) + "/v2/" + testPID + "/fgs/functions")
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("unsigned request: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestProjectsAndRequestIDs(t *testing.T) {
	_, c := newServer(t, Options{})
	r := c.must(200, "GET", "/v3/projects?name="+testRegion, nil)
	ps, _ := r.obj()["projects"].([]any)
	if len(ps) != 1 || ps[0].(map[string]any)["id"] != testPID || ps[0].(map[string]any)["name"] != testRegion {
		t.Fatalf("projects: %s", r.raw)
	}
	if ps, _ := c.must(200, "GET", "/v3/projects?name=cn-east-3", nil).obj()["projects"].([]any); len(ps) != 0 {
		t.Errorf("other region: %v", ps)
	}

	// Every response, success, failure or code link, has a distinct X-Request-Id.
	seen := map[string]bool{}
	check := func(r reply) {
		id := r.header.Get("X-Request-Id")
		if !regexp.MustCompile(`^emu-\d{8}$`).MatchString(id) || seen[id] {
			t.Errorf("X-Request-Id %q", id)
		}
		seen[id] = true
	}
	check(c.do("GET", "/functions", nil))
	check(c.do("POST", "/functions", createReq(t, "hello", "x")))
	check(c.do("GET", "/functions/"+urnOf("nope")+"/config", nil))
	bad := *c
	bad.sk = "wrong"
	check(bad.do("GET", "/functions", nil))
	link := c.must(200, "GET", "/functions/"+urnOf("hello")+"/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
	if !strings.HasPrefix(link, c.base+"/") {
		t.Errorf("link %s is not on the server", link)
	}
	check(c.send(mustRequest(t, "GET", link)))
	r = c.send(mustRequest(t, "GET", c.base+"/_emulator/code/"+strings.Repeat("0", 128)))
	if r.status != 404 {
		t.Errorf("missing blob: %v", r)
	}
	check(r)
}

// Unknown methods and paths are the gateway's APIG.0101; the code link
// answers only GET and HEAD.
func TestUnpublishedAPIs(t *testing.T) {
	_, c := newServer(t, Options{})
	if st, m := c.do("PATCH", "/functions", nil).fields(); st != 404 || m["error_code"] != "APIG.0101" {
		t.Errorf("PATCH: %d %v", st, m)
	}
	resp, err := http.Post(c.base+"/_emulator/code/"+strings.Repeat("a", 128), "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST to a code link: %d", resp.StatusCode)
	}
}

// The request log names method, path and status, never credentials or code.
func TestLogRedaction(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	_, c := newServer(t, Options{Logf: func(f string, a ...any) { mu.Lock(); fmt.Fprintf(&buf, f+"\n", a...); mu.Unlock() }})
	body := createReq(t, "hello", "secret code")
	c.do("POST", "/functions", body)
	mu.Lock()
	defer mu.Unlock()
	log := buf.String()
	if !strings.Contains(log, "POST /v2/"+testPID+"/fgs/functions -> 200") {
		t.Errorf("log: %s", log)
	}
	for _, secret := range []string{"SDK-HMAC", testSK, "Signature", body["func_code"].(map[string]string)["file"][:16], "secret"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q: %s", secret, log)
		}
	}
}

func TestFaultsDeterministic(t *testing.T) {
	run := func(seed int64) ([]int, []reply, Stats) {
		s, c := newServer(t, Options{FaultRate: 0.5, Seed: seed})
		var statuses []int
		var resps []reply
		for i := 0; i < 40; i++ {
			r := c.do("GET", "/functions", nil)
			statuses = append(statuses, r.status) // 0: the connection was dropped
			resps = append(resps, r)
		}
		return statuses, resps, s.Stats()
	}
	a, resps, stats := run(7)
	b, _, _ := run(7)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	other, _, _ := run(8)
	if fmt.Sprint(a) == fmt.Sprint(other) {
		t.Errorf("seed 8 gives the same sequence as seed 7: %v", a)
	}
	count := map[int]int{}
	for i, st := range a {
		count[st]++
		r := resps[i]
		switch st {
		case 200:
		case 429:
			if r.header.Get("Retry-After") != "1" {
				t.Errorf("429 with Retry-After %q", r.header.Get("Retry-After"))
			}
			if c := r.code(); c != "FSS.0429" && c != "APIG.0308" {
				t.Errorf("429 body %s", r.raw)
			}
		case 500:
			wantErr(t, "injected 500", r, 500, "FSS.0500")
		case 0:
			if r.err == nil {
				t.Errorf("status 0 without an error")
			}
		default:
			t.Errorf("unexpected status %v", r)
		}
	}
	if count[200] == 0 || count[429] == 0 || count[500] == 0 || count[0] == 0 {
		t.Fatalf("want 200s, 429s, 500s and drops: %v", a)
	}
	if stats.Faults != 40-count[200] || stats.Requests["GET functions"] != 40 {
		t.Errorf("stats %+v for %v", stats, count)
	}
}

func TestFaultRetryAfter(t *testing.T) {
	for ra, want := range map[time.Duration]string{-1: "0", 2500 * time.Millisecond: "3", 2 * time.Second: "2"} {
		_, c := newServer(t, Options{FaultRate: 1, Seed: 7, RetryAfter: ra})
		seen := false
		for i := 0; i < 30 && !seen; i++ {
			if r := c.do("GET", "/functions", nil); r.status == 429 {
				seen = true
				if got := r.header.Get("Retry-After"); got != want {
					t.Errorf("RetryAfter %v: header %q, want %q", ra, got, want)
				}
			}
		}
		if !seen {
			t.Errorf("RetryAfter %v: no 429 in 30 requests at rate 1", ra)
		}
	}
	// SetFaultRate(0) turns faults off.
	s, c := newServer(t, Options{FaultRate: 1})
	s.SetFaultRate(0)
	for i := 0; i < 10; i++ {
		c.must(200, "GET", "/functions", nil)
	}
}

// With FaultAfterEffect a publish that fails with 500 or a dropped
// connection did happen; without it, it did not. A 429 never happens.
func TestFaultAfterEffect(t *testing.T) {
	for _, after := range []bool{true, false} {
		t.Run(fmt.Sprint("after=", after), func(t *testing.T) {
			s, c := newServer(t, Options{FaultAfterEffect: after, Seed: 7, VersionCap: 1000})
			u := "/functions/" + urnOf("hello")
			c.must(200, "POST", "/functions", createReq(t, "hello", "0"))
			kinds := map[int]int{}
			for i := 0; i < 100 && (kinds[500] == 0 || kinds[0] == 0 || kinds[429] == 0); i++ {
				c.must(200, "PUT", u+"/code", codeReq(t, fmt.Sprint(i+1)))
				name := fmt.Sprintf("v%d", i)
				s.SetFaultRate(1)
				r := c.do("POST", u+"/versions", map[string]any{"version": name})
				s.SetFaultRate(0)
				kinds[r.status]++
				got := c.do("GET", u+":"+name+"/config", nil)
				exists := got.status == 200
				switch {
				case r.status == 0 && r.err == nil:
					t.Fatalf("status 0 without error")
				case r.status == 0 || r.status == 500:
					if exists != after {
						t.Errorf("%v after a publish that failed with %v; want it to exist: %v", got, r, after)
					}
					if exists && got.obj()["digest"] != hexSHA512(zipOf(t, fmt.Sprint(i+1))) {
						t.Errorf("version %s has the wrong code: %s", name, got.raw)
					}
				case r.status == 429:
					if exists {
						t.Errorf("a throttled publish took effect: %v", got)
					}
				default:
					t.Fatalf("no fault at rate 1: %v", r)
				}
			}
			if kinds[500] == 0 || kinds[0] == 0 || kinds[429] == 0 {
				t.Fatalf("fault kinds seen: %v", kinds)
			}
			// After a failed-but-applied publish, a blind retry is
			// FSS.1016 (latest unchanged since the version that did get
			// made): the client must look before it republishes.
			if after {
				c.must(200, "PUT", u+"/code", codeReq(t, "retry"))
				s.SetFaultRate(1)
				var r reply
				for r = c.do("POST", u+"/versions", map[string]any{"version": "retried"}); r.status == 429; r = c.do("POST", u+"/versions", map[string]any{"version": "retried"}) {
				}
				s.SetFaultRate(0)
				wantErr(t, "retried publish", c.do("POST", u+"/versions", map[string]any{"version": "retried"}), 400, "FSS.1016")
			}
		})
	}
}

// Both throttling bodies occur, with Retry-After, and so do 500s and
// dropped connections.
func TestFaultKinds(t *testing.T) {
	_, c := newServer(t, Options{FaultRate: 1, Seed: 42})
	seen := map[string]int{}
	for i := 0; i < 80; i++ {
		r := c.do("GET", "/functions", nil)
		st, m, h := r.status, r.obj(), r.header
		code, _ := m["error_code"].(string)
		if st == 429 && h.Get("Retry-After") != "1" {
			t.Errorf("429 without Retry-After: 1: %v", h)
		}
		seen[fmt.Sprint(st, code)]++
	}
	for _, k := range []string{"429FSS.0429", "429APIG.0308", "500FSS.0500", "0"} {
		if seen[k] == 0 {
			t.Errorf("no %s in %v", k, seen)
		}
	}
}

// if it comes back.

func TestRegressions(t *testing.T) {
	dir := t.TempDir()
	o := Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion, StateDir: dir}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // a regression may panic a handler
	hs.Start()
	t.Cleanup(func() { hs.Close(); s.Close() })
	c := clientFor(t, hs.URL, o)
	u := "/functions/" + urnOf("hello")
	c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})

	// The code link served any file of the state directory, state.json
	// with every secret included, without authentication.
	t.Run("code link path traversal", func(t *testing.T) {
		for _, p := range []string{"/_emulator/code/../state.json", "/_emulator/code/..%2fstate.json",
			"/_emulator/code/../" + store.DBFile, "/_emulator/code/..%2f" + store.DBFile, "/_emulator/code/%2e%2e%2f" + store.DBFile} {
			resp, err := http.Get(hs.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 || bytes.Contains(b, []byte("s3cr3t-value")) {
				t.Errorf("unauthenticated GET %s: %d, %d bytes; want 404", p, resp.StatusCode, len(b))
			}
		}
	})
	// {"func_name":null} dereferenced a nil pointer and dropped the connection.
	t.Run("null func_name in config update", func(t *testing.T) {
		b := configReq("hello")
		b["func_name"] = nil
		wantErr(t, "null func_name", c.do("PUT", u+"/config", b), 400, "FSS.0400")
	})
	// marker=-1 indexed keys[-1] and panicked.
	t.Run("negative marker", func(t *testing.T) {
		wantErr(t, "marker -1", c.do("GET", "/functions?marker=-1", nil), 400, "FSS.1001")
	})
	// A version shared *strategyConfig with latest, so a max-instances
	// change on latest rewrote published versions.
	t.Run("max instances changes published versions", func(t *testing.T) {
		c.must(200, "PUT", u+"/config-max-instance", map[string]any{"max_instance_num": 5})
		r := c.must(200, "GET", u+":v1/config", nil)
		if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != 400.0 {
			t.Errorf("v1 reports strategy_config %v after latest's max instances changed; want concurrency 400", sc)
		}
	})
	// parseURN mapped :latest to the unqualified URN, so DELETE
	// {urn}:latest deleted the whole function.
	t.Run("DELETE :latest", func(t *testing.T) {
		c.must(200, "POST", "/functions", createReq(t, "keepme", "k"))
		wantErr(t, "DELETE :latest", c.do("DELETE", "/functions/"+urnOf("keepme")+":latest", nil), 400, "FSS.1015")
		c.must(200, "GET", "/functions/"+urnOf("keepme")+"/config", nil)
	})
	// additional_version_strategy could name a version that does not exist.
	t.Run("strategy versions", func(t *testing.T) {
		c.must(200, "PUT", u+"/code", codeReq(t, "two"))
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
		strategy := map[string]any{"v9": map[string]any{"combine_type": "and", "rules": []any{}}}
		wantErr(t, "strategy to v9", c.do("POST", u+"/aliases", map[string]any{"name": "rules", "version": "v1", "additional_version_strategy": strategy}), 400, "FSS.1091")
	})
	// Only weights protected a version from deletion, not strategies.
	t.Run("strategy version deletion", func(t *testing.T) {
		strategy := map[string]any{"v2": map[string]any{"combine_type": "and", "rules": []any{}}}
		c.must(200, "POST", u+"/aliases", map[string]any{"name": "rules2", "version": "v1", "additional_version_strategy": strategy})
		wantErr(t, "delete v2", c.do("DELETE", u+":v2", nil), 403, "FSS.1094")
		c.must(200, "GET", u+":v2/config", nil)
	})
	// A version could carry two aliases.
	t.Run("one alias per version", func(t *testing.T) {
		c.must(200, "PUT", u+"/code", codeReq(t, "three"))
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})
		c.must(200, "POST", u+"/aliases", map[string]any{"name": "first", "version": "v3"})
		wantErr(t, "second alias on v3", c.do("POST", u+"/aliases", map[string]any{"name": "second", "version": "v3"}), 409, "FSS.1066")
	})
	// Stats route names carried identifiers (the alias name).
	t.Run("stats route names", func(t *testing.T) {
		before := s.Stats().Requests["GET function/aliases/{name}"]
		c.must(200, "GET", u+"/aliases/first", nil)
		st := s.Stats()
		for k := range st.Requests {
			if strings.Contains(k, "first") || strings.Contains(k, "hello") {
				t.Errorf("route %q carries an identifier", k)
			}
		}
		if st.Requests["GET function/aliases/{name}"] != before+1 {
			t.Errorf("alias read not counted as function/aliases/{name}: %v", st.Requests)
		}
	})
}

// fuzzRoutes are the writes a client can send a body to; {F} is the
// function's URN, {A} an alias name taken from the fuzz input.
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/functions"},
	{http.MethodPut, "/functions/{F}/config"},
	{http.MethodPut, "/functions/{F}/code"},
	{http.MethodPut, "/functions/{F}/config-max-instance"},
	{http.MethodPost, "/functions/{F}/versions"},
	{http.MethodPost, "/functions/{F}/aliases"},
	{http.MethodPut, "/functions/{F}/aliases/{A}"},
	{http.MethodDelete, "/functions/{F}:{A}"},
	{http.MethodDelete, "/functions/{F}/aliases/{A}"},
	{http.MethodPost, "/triggers/{F}:{A}"},
	{http.MethodPut, "/functions/{F}:{A}/reservedinstances"},
	{http.MethodPut, "/functions/{F}:{A}/async-invoke-config"},
	{http.MethodDelete, "/functions/{F}/async-invoke-config"},
}

// FuzzRequestBodies sends arbitrary bodies to every write route of a
// function that has versions and aliases, then reads everything back. No
// input may make the emulator fail inside (500), answer with something
// that is not an FSS/APIG error body, or leave a state that reads fail on.
func FuzzRequestBodies(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `[]`, `"x"`, `{"func_name":null}`,
		`{"func_name":"gn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"` + base64.StdEncoding.EncodeToString([]byte("PK\x05\x06"+strings.Repeat("\x00", 18))) + `"}}`,
		`{"func_name":"fn","runtime":"Python3.10","handler":"i.h","memory_size":256,"timeout":30,"user_data":"{\"a\":\"b\"}","strategy_config":{"concurrency":-1}}`,
		`{"func_name":"fn","runtime":"Python3.10","handler":"i.h","memory_size":256,"timeout":30,"user_data":"not json"}`,
		`{"code_type":"zip","code_filename":"c.zip","func_code":{"file":"!!!"}}`,
		`{"code_type":"obs","code_url":"https://b.obs/x.zip"}`,
		`{"max_instance_num":-5}`, `{"max_instance_num":1e40}`,
		`{"version":"v9","description":"d"}`, `{"version":""}`, `{"version":"latest"}`,
		`{"name":"a2","version":"v1","additional_version_weights":{"latest":100}}`,
		`{"name":"a2","version":"v1","additional_version_weights":{"v1":10}}`,
		`{"name":"a2","version":"latest","additional_version_strategy":{"v1":{"combine_type":"and","rules":[null]}}}`,
		`{"version":"v1","additional_version_weights":{"latest":-1,"v1":200}}`,
		`{"name":"a2","version":"v1","additional_version_weights":null,"additional_version_strategy":{"v1":null}}`,
		`{"trigger_type_code":"TIMER","event_data":{"name":"t"}}`, `{"trigger_type_code":"APIG","trigger_status":"DISABLED","event_data":{}}`,
		`{"count":2,"idle_mode":true,"tactics_config":{"cron_configs":[{"name":"p","cron":"0 0 8 * * ?","count":3,"start_time":1,"expired_time":2}],"metric_configs":[{"name":"m","type":"Concurrency","threshold":50,"min":2}]}}`,
		`{"count":-1}`, `{"count":1,"tactics_config":{"cron_configs":[null,{"cron":"x"}]}}`,
		`{"max_async_event_age_in_seconds":600,"max_async_retry_attempts":2,"destination_config":{"on_failure":{"destination":"SMN","param":"{\"topic_urn\":\"urn:smn:x\"}"}},"enable_async_status_log":true}`,
		`{"destination_config":{"on_success":{"destination":"OBS","param":"[1]"}}}`, `{"max_async_retry_attempts":1e9}`,
	}
	for i, s := range seeds {
		for r := range fuzzRoutes {
			if (i+r)%3 == 0 {
				f.Add(uint8(r), []byte(s), "live")
			}
		}
	}
	f.Add(uint8(7), []byte(``), "v1")
	f.Add(uint8(7), []byte(``), "latest")
	f.Add(uint8(6), []byte(`{"version":"v1"}`), "../../x")
	f.Fuzz(func(t *testing.T, route uint8, body []byte, name string) {
		srv, err := New(Options{AccessKey: "AK", SecretKey: "SK", ProjectID: testPID, Region: testRegion, Token: testToken, Now: func() time.Time { return testClock }})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		root := "/v2/" + testPID + "/fgs"
		base := root + "/functions"
		urn := "urn:fss:" + testRegion + ":" + testPID + ":function:default:fn"
		do := func(method, path string, body []byte) *httptest.ResponseRecorder {
			return serveDirect(srv, method, path, body)
		}
		// A function with two versions and an alias on each.
		zip := base64.StdEncoding.EncodeToString(zipOf(t, "1"))
		setup := []struct {
			method, path, body string
		}{
			{"POST", base, `{"func_name":"fn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"` + zip + `"}}`},
			{"POST", base + "/" + urn + "/versions", `{"version":"v1"}`},
			{"PUT", base + "/" + urn + "/config", `{"func_name":"fn","runtime":"Python3.10","handler":"index.handler","memory_size":256,"timeout":3}`},
			{"POST", base + "/" + urn + "/versions", `{"version":"v2"}`},
			{"POST", base + "/" + urn + "/aliases", `{"name":"live","version":"v1","additional_version_weights":{"v2":10}}`},
			{"POST", base + "/" + urn + "/aliases", `{"name":"beta","version":"v2"}`},
		}
		for _, s := range setup {
			if rec := do(s.method, s.path, []byte(s.body)); rec.Code >= 300 {
				t.Fatalf("setup %s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
			}
		}
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.ReplaceAll(rt.path, "{F}", urn)
		path = strings.ReplaceAll(path, "{A}", url.PathEscape(name))
		check := func(what string, rec *httptest.ResponseRecorder) {
			t.Helper()
			if rec.Code >= 500 {
				t.Fatalf("%s: %d %s", what, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var e struct {
					Code string `json:"error_code"`
					Msg  string `json:"error_msg"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Msg == "" {
					t.Fatalf("%s: %d with a body that is not an error: %q", what, rec.Code, rec.Body)
				}
			}
		}
		check(rt.method+" "+path, do(rt.method, root+path, body))
		// Whatever happened, the state reads back.
		for _, p := range []string{"", "/" + urn + "/config", "/" + urn + "/versions", "/" + urn + "/aliases", "/" + urn + ":v1/config", "/" + urn + "/code"} {
			check("GET "+p, do("GET", base+p, nil))
		}
		check("GET triggers", do("GET", root+"/triggers/"+urn+":v1", nil))
		check("GET reservations", do("GET", base+"/reservedinstanceconfigs?function_urn="+urn, nil))
		check("GET async config", do("GET", base+"/"+urn+"/async-invoke-config", nil))
	})
}
