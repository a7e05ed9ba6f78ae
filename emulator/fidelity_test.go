package emulator

// Tests of the wire details the SDK's models and the API reference pin
// down, and of the choices doc.go lists.

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	functionTime = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	aliasTime    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
)

func TestEmuWireModels(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, c := newEmu(t, Options{Now: func() time.Time { return clock }})
	c.now = func() time.Time { return clock }
	u := "/functions/" + urnOf("hello")
	body := createBodyFor("hello", "one")
	body["log_config"] = map[string]string{"group_id": "g1", "stream_id": "s1"}
	body["func_vpc"] = map[string]string{"vpc_id": "vpc", "subnet_id": "subnet"}
	body["initializer_handler"], body["initializer_timeout"] = "index.init", 5
	st, m, _ := c.do("POST", "/functions", body)
	if st != 200 || m["last_modified"] != "2026-01-02 11:04:05" || m["func_urn"] != urnOf("hello")+":latest" || m["version"] != "latest" || m["type"] != "v2" {
		t.Fatalf("create: %d %v", st, m)
	}
	// Create takes VPC, initializer and logging (rule 13).
	if vpc, _ := m["func_vpc"].(map[string]any); vpc["vpc_id"] != "vpc" || m["initializer_handler"] != "index.init" || m["log_group_id"] != "g1" {
		t.Errorf("create dropped fields its body takes: %v", m)
	}
	cfg := map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 256, "timeout": 30,
		"enable_lts_log": true, "log_config": map[string]string{"group_id": "g1", "group_name": "G", "stream_id": "s1", "stream_name": "S"}}
	if st, m, _ = c.do("PUT", u+"/config", cfg); st != 200 {
		t.Fatalf("config: %d %v", st, m)
	}
	if st, m, _ = c.do("GET", u+"/config", nil); st != 200 {
		t.Fatalf("get config: %d %v", st, m)
	}
	if _, has := m["log_config"]; has || m["log_group_id"] != "g1" || m["log_stream_id"] != "s1" || m["enable_lts_log"] != true {
		t.Errorf("GET config shows the log target as the SDK's model does (log_group_id, log_stream_id only): %v", m)
	}
	if _, has := m["encrypted_user_data"]; has {
		t.Errorf("encrypted_user_data read back: %v", m)
	}
	if !functionTime.MatchString(fmt.Sprint(m["last_modified"])) {
		t.Errorf("last_modified %v", m["last_modified"])
	}
	if st, m, _ = c.do("POST", u+"/versions", map[string]any{"version": "v1", "description": "first"}); st != 200 || m["version_description"] != "first" {
		t.Fatalf("publish: %d %v", st, m)
	}
	st, m, _ = c.do("GET", u+"/versions", nil)
	vs, _ := m["versions"].([]any)
	if st != 200 || len(vs) != 2 || m["count"] != 2.0 || m["next_marker"] != 2.0 {
		t.Fatalf("versions: %d %v", st, m)
	}
	for i, want := range []string{"latest", "v1"} {
		v := vs[i].(map[string]any)
		if v["version"] != want || v["runtime"] != "Python3.10" || v["handler"] != "index.handler" || v["memory_size"] != 256.0 ||
			v["code_type"] != "zip" || v["timeout"] != 30.0 || !functionTime.MatchString(fmt.Sprint(v["last_modified"])) {
			t.Errorf("version entry %d is not a function model: %v", i, v)
		}
		if _, has := v["encrypted_user_data"]; has {
			t.Errorf("encrypted_user_data in the version list: %v", v)
		}
	}
	if st, m, _ = c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}); st != 200 || !aliasTime.MatchString(fmt.Sprint(m["last_modified"])) {
		t.Errorf("alias: %d %v", st, m)
	}
}

// A base64 body written with JSON escapes ("\/", as PHP's encoder
// writes) decodes to the same package and digest.
func TestEmuEscapedBase64(t *testing.T) {
	_, c := newEmu(t, Options{})
	z, digest := testZip(strings.Repeat("def handler(e, c): return '???'\n", 50))
	b64 := base64.StdEncoding.EncodeToString(z)
	if !strings.Contains(b64, "/") {
		b64 = base64.StdEncoding.EncodeToString(append(z, 0xff, 0xff, 0xff)) // make sure there is a "/"
		z = append(z, 0xff, 0xff, 0xff)
		digest = sum512(z)
	}
	raw := fmt.Sprintf(`{"func_name":"esc","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"%s"}}`,
		strings.ReplaceAll(b64, "/", `\/`))
	st, m, _ := c.do("POST", "/functions", json.RawMessage(raw))
	if st != 200 || m["digest"] != digest || m["code_size"] != float64(len(z)) {
		t.Fatalf("escaped base64: %d %v", st, m)
	}
	for _, bad := range []string{`{"file":12}`, `{"file":"@@@@"}`} {
		raw := `{"code_type":"zip","code_filename":"c.zip","func_code":` + bad + `}`
		if st, m, _ := c.do("PUT", "/functions/"+urnOf("esc")+"/code", json.RawMessage(raw)); st != 400 || m["error_code"] != "FSS.1011" {
			t.Errorf("%s: %d %v", bad, st, m)
		}
	}
	if st, m, _ := c.do("PUT", "/functions/"+urnOf("esc")+"/code", json.RawMessage(`{"code_type":"zip","code_filename":"c.zip","func_code":{}}`)); st != 400 || m["error_code"] != "FSS.1012" {
		t.Errorf("no file: %d %v", st, m)
	}
}

func sum512(b []byte) string {
	s := sha512.Sum512(b)
	return hex.EncodeToString(s[:])
}

// FSS.1071: a zip over 50 MB decoded is refused with 413 (checked below
// HTTP: 67 MB of base64 through the race detector takes too long), and a
// body announcing more than the emulator reads is 413 FSS.0413.
func TestEmuUploadLimits(t *testing.T) {
	s, _ := newEmu(t, Options{})
	big := codeBody{CodeType: "zip", CodeFilename: "c.zip"}
	big.FuncCode = &struct {
		File packageFile `json:"file"`
	}{packageFile{set: true, data: make([]byte, maxZipBytes+1)}}
	if _, e := s.readCode(big); e == nil || e.status != 413 || e.code != "FSS.1071" {
		t.Errorf("50 MB + 1 zip: %v", e)
	}
	big.FuncCode.File.data = big.FuncCode.File.data[:maxZipBytes]
	if c, e := s.readCode(big); e != nil || c.CodeSize != maxZipBytes {
		t.Errorf("50 MB zip: %v %+v", e, c)
	}

	req := httptest.NewRequest("PUT", "/v2/"+tPID+"/fgs/functions/"+urnOf("big")+"/code", strings.NewReader("{}"))
	req.ContentLength = maxBody + 1
	rec := httptest.NewRecorder()
	s, _ = New(Options{AccessKey: tAK, SecretKey: tSK, ProjectID: tPID, Region: tReg})
	s.ServeHTTP(rec, req)
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "FSS.0413") {
		t.Errorf("oversized body: %d %s", rec.Code, rec.Body)
	}
}

func TestEmuRules(t *testing.T) {
	_, c := newEmu(t, Options{FunctionCap: 2})
	u := "/functions/" + urnOf("hello")
	expect := func(what string, status int, code string, method, path string, body any) {
		t.Helper()
		if st, m, _ := c.do(method, path, body); st != status || m["error_code"] != code {
			t.Errorf("%s: %d %v, want %d %s", what, st, m, status, code)
		}
	}
	bad := createBodyFor("xx", "x")
	bad["package"] = "no/slash"
	expect("bad package", 400, "FSS.1004", "POST", "/functions", bad)
	bad = createBodyFor("xx", "x")
	bad["description"] = strings.Repeat("é", 513)
	expect("long description", 400, "FSS.1019", "POST", "/functions", bad)
	bad = createBodyFor("xx", "x")
	bad["user_data"] = `{"K":"` + strings.Repeat("v", 4100) + `"}`
	expect("user_data over 4096", 400, "FSS.1018", "POST", "/functions", bad)
	many := map[string]string{}
	for i := 0; i < 21; i++ {
		many[fmt.Sprint("K", i)] = "v"
	}
	ud, _ := json.Marshal(many)
	bad = createBodyFor("xx", "x")
	bad["user_data"] = string(ud)
	expect("21 variables", 400, "FSS.1017", "POST", "/functions", bad)
	bad = createBodyFor("xx", "x")
	bad["user_data"] = `{"K":1}`
	expect("non-string variable", 400, "FSS.1009", "POST", "/functions", bad)

	if st, m, _ := c.do("POST", "/functions", createBodyFor("hello", "x")); st != 200 {
		t.Fatalf("create: %d %v", st, m)
	}
	c.do("POST", "/functions", createBodyFor("two", "x"))
	expect("function cap", 403, "FSS.1041", "POST", "/functions", createBodyFor("three", "x"))

	expect("marker not a number", 400, "FSS.1001", "GET", "/functions?marker=abc", nil)
	expect("negative maxitems", 400, "FSS.1001", "GET", "/functions?maxitems=-5", nil)
	if st, m, _ := c.do("GET", "/functions?marker=9&maxitems=0", nil); st != 200 || len(m["functions"].([]any)) != 0 || m["next_marker"] != 2.0 || m["count"] != 2.0 {
		t.Errorf("marker past the end: %d %v", st, m)
	}

	for _, n := range []int{-2, 1001} {
		expect(fmt.Sprint("max instances ", n), 400, "FSS.1026", "PUT", u+"/config-max-instance", map[string]any{"max_instance_num": n})
	}
	for _, n := range []int{-1, 0, 1000} {
		c.do("PUT", u+"/config-max-instance", map[string]any{"max_instance_num": n})
		if _, m, _ := c.do("GET", u+"/config", nil); m["strategy_config"].(map[string]any)["concurrency"] != float64(n) {
			t.Errorf("max instances %d shows as %v", n, m["strategy_config"])
		}
	}

	expect("delete latest", 400, "FSS.1015", "DELETE", u+":latest", nil)
	expect("delete through an alias", 400, "FSS.0400", "DELETE", u+":!live", nil)
	expect("code of a version", 400, "FSS.0400", "PUT", u+":v1/code", map[string]any{})
	if st, m, _ := c.do("PUT", u+":latest/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "i.h", "memory_size": 128, "timeout": 3}); st != 200 {
		t.Errorf("config through :latest: %d %v", st, m)
	}
}

// Publishing beyond the default cap of 20 versions, latest included.
func TestEmuDefaultVersionCap(t *testing.T) {
	_, c := newEmu(t, Options{})
	u := "/functions/" + urnOf("hello")
	c.do("POST", "/functions", createBodyFor("hello", "0"))
	for i := 1; i <= 20; i++ {
		if i > 1 {
			c.do("PUT", u+"/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 128, "timeout": 3 + i})
		}
		st, m, _ := c.do("POST", u+"/versions", map[string]any{"version": fmt.Sprint("v", i)})
		if i < 20 && st != 200 {
			t.Fatalf("version %d: %d %v", i, st, m)
		}
		if i == 20 && (st != 400 || m["error_code"] != "FSS.1015") {
			t.Fatalf("the 20th published version (21 with latest): %d %v", st, m)
		}
	}
}

func TestEmuNotFoundTrapOnlyOnConfigReads(t *testing.T) {
	_, c := newEmu(t, Options{NotFoundTrap: true})
	u := "/functions/" + urnOf("nope")
	if st, m, _ := c.do("GET", u+"/config", nil); st != 401 || m["error_code"] != "FSS.0401" {
		t.Errorf("config: %d %v", st, m)
	}
	if st, m, _ := c.do("GET", u+"/code", nil); st != 404 || m["error_code"] != "FSS.1051" {
		t.Errorf("code: %d %v", st, m)
	}
}

// Both throttling bodies occur, with Retry-After, and so do 500s and
// dropped connections.
func TestEmuFaultKinds(t *testing.T) {
	_, c := newEmu(t, Options{FaultRate: 1, Seed: 42})
	seen := map[string]int{}
	for i := 0; i < 80; i++ {
		st, m, h := c.do("GET", "/functions", nil)
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

// The request log names method, path and status, never credentials or code.
func TestEmuLogRedaction(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	_, c := newEmu(t, Options{Logf: func(f string, a ...any) { mu.Lock(); fmt.Fprintf(&buf, f+"\n", a...); mu.Unlock() }})
	body := createBodyFor("hello", "secret code")
	c.do("POST", "/functions", body)
	mu.Lock()
	defer mu.Unlock()
	log := buf.String()
	if !strings.Contains(log, "POST /v2/"+tPID+"/fgs/functions -> 200") {
		t.Errorf("log: %s", log)
	}
	for _, secret := range []string{"SDK-HMAC", tSK, "Signature", body["func_code"].(map[string]string)["file"][:16], "secret"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q: %s", secret, log)
		}
	}
}

// Unknown methods and paths are the gateway's APIG.0101; the code link
// answers only GET and HEAD.
func TestEmuUnpublishedAPIs(t *testing.T) {
	_, c := newEmu(t, Options{})
	if st, m, _ := c.do("PATCH", "/functions", nil); st != 404 || m["error_code"] != "APIG.0101" {
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

// A client may sign content-length and x-security-token too (the SDK signs
// every header but content-type and those with "_"); the emulator reads
// content-length where net/http keeps it, and accepts any security token.
func TestEmuSignedContentLength(t *testing.T) {
	_, c := newEmu(t, Options{})
	body := []byte(`{"func_name":"cl","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"inline","func_code":{"file":"cHJpbnQoMSk="}}`)
	req, _ := http.NewRequest("POST", c.base+"/v2/"+tPID+"/fgs/functions", bytes.NewReader(body))
	date := time.Now().UTC().Format(sdkDateFormat)
	req.Header.Set("X-Sdk-Date", date)
	req.Header.Set("X-Security-Token", "temporary-token")
	req.Header.Set("Content-Type", "application/json")
	signed := []string{"content-length", "host", "x-sdk-date", "x-security-token"}
	cr := canonicalRequest("POST", req.URL.Path, nil, signed, func(n string) string {
		switch n {
		case "host":
			return req.URL.Host
		case "content-length":
			return fmt.Sprint(len(body))
		}
		return req.Header.Get(n)
	}, hexSHA256(body))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+tAK+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+signature(tSK, date, cr))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("signed content-length: %d", resp.StatusCode)
	}
}

// The URN may arrive with ":" raw or as %3A and "!" as %21; either way it
// names the same alias, and the signature is over the unescaped path.
func TestEmuEscapedURN(t *testing.T) {
	_, c := newEmu(t, Options{})
	u := "/functions/" + urnOf("hello")
	c.do("POST", "/functions", createBodyFor("hello", "x"))
	c.do("POST", u+"/versions", map[string]any{"version": "v1"})
	if st, m, _ := c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}); st != 200 {
		t.Fatalf("alias: %d %v", st, m)
	}
	for _, raw := range []string{
		"urn:fss:" + tReg + ":" + tPID + ":function:default:hello:%21live",
		strings.ReplaceAll("urn:fss:"+tReg+":"+tPID+":function:default:hello:", ":", "%3A") + "%21live",
	} {
		req, _ := http.NewRequest("GET", c.base+"/v2/"+tPID+"/fgs/functions/"+raw+"/config", nil)
		date := time.Now().UTC().Format(sdkDateFormat)
		req.Header.Set("X-Sdk-Date", date)
		cr := canonicalRequest("GET", req.URL.Path, nil, []string{"x-sdk-date"}, req.Header.Get, hexSHA256(nil))
		req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+tAK+", SignedHeaders=x-sdk-date, Signature="+signature(tSK, date, cr))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != 200 || m["version"] != "v1" {
			t.Errorf("%s: %d %v", raw, resp.StatusCode, m)
		}
	}
}
