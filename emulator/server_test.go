package emulator

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	tAK  = "EMUAK"
	tSK  = "emu-secret"
	tPID = "0123456789abcdef0123456789abcdef"
	tReg = "cn-north-4"
)

// The verifier's canonical request and signature reproduce fgs-api.md §5.
func TestEmuSignatureVectors(t *testing.T) {
	hv := func(m map[string]string) func(string) string { return func(n string) string { return m[n] } }
	got := signature("SecretKey", "20060102T150405Z", canonicalRequest("GET", "/path", url.Values{"limit": {"1"}}, []string{"x-sdk-date"},
		hv(map[string]string{"x-sdk-date": "20060102T150405Z"}), hexSHA256(nil)))
	if got != "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624" {
		t.Errorf("sdk GET: %s", got)
	}
	got = signature("SecretKey", "20060102T150405Z", canonicalRequest("POST", "/path", url.Values{"key": {"value"}}, []string{"x-sdk-date"},
		hv(map[string]string{"x-sdk-date": "20060102T150405Z"}), hexSHA256([]byte(`{"Name":"test","Id":1}`+"\n"))))
	if got != "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59" {
		t.Errorf("sdk POST: %s", got)
	}
	cr := canonicalRequest("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", url.Values{"limit": {"2"}, "marker": {"13551d6b-755d-4757-b956-536f674975c0"}},
		[]string{"content-type", "host", "x-sdk-date"}, hv(map[string]string{"content-type": "application/json", "host": "service.region.example.com", "x-sdk-date": "20191115T033655Z"}), hexSHA256(nil))
	if h := hexSHA256([]byte(cr)); h != "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a" {
		t.Errorf("official canonical hash %s\n%s", h, cr)
	}
	if got := signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", "20191115T033655Z", cr); got != "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe" {
		t.Errorf("official: %s", got)
	}
	urn := "urn:fss:cn-north-4:" + tPID + ":function:default:hello:latest"
	cr = canonicalRequest("GET", "/v2/"+tPID+"/fgs/functions/"+urn+"/config", nil, []string{"host", "x-project-id", "x-sdk-date"},
		hv(map[string]string{"host": "functiongraph.cn-north-4.myhuaweicloud.com", "x-project-id": tPID, "x-sdk-date": "20240101T000000Z"}), hexSHA256(nil))
	if got := signature("SK_EXAMPLE", "20240101T000000Z", cr); got != "67b5762938490cb4b1bc933f36c5a9c437a6694cce63dbf7edc1fa93c8b26b96" {
		t.Errorf("derived: %s", got)
	}
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// tclient is a minimal signing client written for these tests.
type tclient struct {
	base, ak, sk, pid string
	now               func() time.Time
	token             string
	t                 *testing.T
}

func newEmu(t *testing.T, o Options) (*Server, *tclient) {
	t.Helper()
	o.AccessKey, o.SecretKey, o.ProjectID, o.Region = tAK, tSK, tPID, tReg
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, &tclient{base: hs.URL, ak: tAK, sk: tSK, pid: tPID, now: time.Now, t: t}
}

func (c *tclient) do(method, path string, body any) (int, map[string]any, http.Header) {
	c.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	full := "/v2/" + c.pid + "/fgs" + path
	if strings.HasPrefix(path, "/v3/") || strings.HasPrefix(path, "/_") {
		full = path
	}
	u, _ := url.Parse(c.base + full)
	req, _ := http.NewRequest(method, u.String(), bytes.NewReader(b))
	req.Header.Set("X-Project-Id", c.pid)
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	} else {
		date := c.now().UTC().Format(sdkDateFormat)
		req.Header.Set("X-Sdk-Date", date)
		signed := []string{"host", "x-project-id", "x-sdk-date"}
		cr := canonicalRequest(method, u.Path, u.Query(), signed, func(n string) string {
			if n == "host" {
				return u.Host
			}
			return req.Header.Get(n)
		}, hexSHA256(b))
		req.Header.Set("Authorization", fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s", c.ak, strings.Join(signed, ";"), signature(c.sk, date, cr)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 && raw[0] == '[' {
		var list []any
		json.Unmarshal(raw, &list)
		m = map[string]any{"list": list}
	} else {
		json.Unmarshal(raw, &m)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		c.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return resp.StatusCode, m, resp.Header
}

func testZip(content string) ([]byte, string) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	io.WriteString(w, content)
	zw.Close()
	sum := sha512.Sum512(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

func urnOf(name string) string {
	return "urn:fss:" + tReg + ":" + tPID + ":function:default:" + name
}

func createBodyFor(name, content string) map[string]any {
	z, _ := testZip(content)
	return map[string]any{"func_name": name, "package": "default", "runtime": "Python3.10", "handler": "index.handler",
		"memory_size": 128, "timeout": 3, "code_type": "zip", "code_filename": "c.zip",
		"func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(z)}, "user_data": `{"A":"1"}`, "encrypted_user_data": `{"S":"secret"}`}
}

func TestEmuAuth(t *testing.T) {
	_, c := newEmu(t, Options{Token: "tok"})
	expect := func(name string, c *tclient, status int, code string) {
		t.Helper()
		st, m, _ := c.do("GET", "/functions", nil)
		if st != status || (code != "" && m["error_code"] != code) {
			t.Errorf("%s: %d %v, want %d %s", name, st, m, status, code)
		}
	}
	expect("good signature", c, 200, "")
	wrongSK := *c
	wrongSK.sk = "other"
	expect("wrong secret key", &wrongSK, 401, "APIG.0301")
	unknown := *c
	unknown.ak = "NOPE"
	expect("unknown access key", &unknown, 401, "APIG.0301")
	stale := *c
	stale.now = func() time.Time { return time.Now().Add(-16 * time.Minute) }
	expect("stale date", &stale, 401, "APIG.0301")
	future := *c
	future.now = func() time.Time { return time.Now().Add(16 * time.Minute) }
	expect("future date", &future, 401, "APIG.0301")
	wrongPID := *c
	wrongPID.pid = "ffffffffffffffffffffffffffffffff"
	expect("wrong project", &wrongPID, 403, "FSS.0403")
	tok := *c
	tok.token = "tok"
	expect("token", &tok, 200, "")
	tok.token = "bad"
	expect("bad token", &tok, 401, "APIG.0301")

	// A signature that is not the request's fails.
	req, _ := http.NewRequest("GET", c.base+"/v2/"+tPID+"/fgs/functions", nil)
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=EMUAK, SignedHeaders=x-sdk-date, Signature=00")
	req.Header.Set("X-Sdk-Date", time.Now().UTC().Format(sdkDateFormat))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("bad signature: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestEmuFunctionRules(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	_, c := newEmu(t, Options{VersionCap: 3, Now: clock})
	c.now = clock
	st, m, _ := c.do("POST", "/functions", createBodyFor("hello", "a"))
	_, digest := testZip("a")
	if st != 200 || m["digest"] != digest || !strings.HasSuffix(m["func_urn"].(string), ":latest") || m["encrypted_user_data"] != nil {
		t.Fatalf("create: %d %v", st, m)
	}
	if st, m, _ = c.do("POST", "/functions", createBodyFor("hello", "a")); st != 409 || m["error_code"] != "FSS.1061" {
		t.Fatalf("duplicate create: %d %v", st, m)
	}
	bad := createBodyFor("bad", "a")
	bad["memory_size"] = 100
	if st, m, _ = c.do("POST", "/functions", bad); st != 400 || m["error_code"] != "FSS.1007" {
		t.Fatalf("bad memory: %d %v", st, m)
	}
	// Full replace: required fields, immutable runtime, omitted fields cleared.
	u := urnOf("hello")
	if st, m, _ = c.do("PUT", "/functions/"+u+"/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 256}); st != 400 || m["error_code"] != "FSS.0400" {
		t.Fatalf("missing timeout: %d %v", st, m)
	}
	if st, m, _ = c.do("PUT", "/functions/"+u+"/config", map[string]any{"func_name": "hello", "runtime": "Node.js18.15", "handler": "index.handler", "memory_size": 256, "timeout": 3}); st != 400 {
		t.Fatalf("runtime change: %d %v", st, m)
	}
	if st, m, _ = c.do("PUT", "/functions/"+u+"/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 256, "timeout": 3}); st != 200 || m["user_data"] != nil || m["memory_size"] != 256.0 {
		t.Fatalf("full replace: %d %v", st, m)
	}
	// Versions.
	if st, m, _ = c.do("POST", "/functions/"+u+"/versions", map[string]any{}); st != 200 || m["version"] != "v20260102-030405" {
		t.Fatalf("publish: %d %v", st, m)
	}
	if st, m, _ = c.do("POST", "/functions/"+u+"/versions", map[string]any{"version": "v2"}); st != 400 || m["error_code"] != "FSS.1016" {
		t.Fatalf("unchanged publish: %d %v", st, m)
	}
	z, _ := testZip("b")
	c.do("PUT", "/functions/"+u+"/code", map[string]any{"code_type": "zip", "code_filename": "c.zip", "func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(z)}})
	if st, m, _ = c.do("POST", "/functions/"+u+"/versions", map[string]any{"version": "v20260102-030405"}); st != 409 || m["error_code"] != "FSS.1062" {
		t.Fatalf("duplicate version: %d %v", st, m)
	}
	if st, _, _ = c.do("POST", "/functions/"+u+"/versions", map[string]any{"version": "v2"}); st != 200 {
		t.Fatalf("publish v2: %d", st)
	}
	z, _ = testZip("c")
	c.do("PUT", "/functions/"+u+"/code", map[string]any{"code_type": "zip", "code_filename": "c.zip", "func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(z)}})
	if st, m, _ = c.do("POST", "/functions/"+u+"/versions", map[string]any{"version": "v3"}); st != 400 || m["error_code"] != "FSS.1015" {
		t.Fatalf("version cap: %d %v", st, m)
	}
	// Aliases: weights, limits, delete cascade, FSS.1094.
	if st, m, _ = c.do("POST", "/functions/"+u+"/aliases", map[string]any{"name": "live", "version": "v20260102-030405", "additional_version_weights": map[string]int{"v2": 10}}); st != 200 {
		t.Fatalf("alias: %d %v", st, m)
	}
	if st, m, _ = c.do("POST", "/functions/"+u+"/aliases", map[string]any{"name": "x", "version": "v9"}); st != 404 || m["error_code"] != "FSS.1052" {
		t.Fatalf("alias to missing version: %d %v", st, m)
	}
	if st, m, _ = c.do("DELETE", "/functions/"+u+":v2", nil); st != 403 || m["error_code"] != "FSS.1094" {
		t.Fatalf("delete canary version: %d %v", st, m)
	}
	if st, _, _ = c.do("DELETE", "/functions/"+u+":v20260102-030405", nil); st != 204 {
		t.Fatalf("delete version: %d", st)
	}
	if st, m, _ = c.do("GET", "/functions/"+u+"/aliases", nil); st != 200 || len(m["list"].([]any)) != 0 {
		t.Fatalf("alias survived its version: %d %v", st, m)
	}
	// Each version can be associated with only one alias (the limit of
	// 10 aliases is tested in emulator_test.go).
	if st, m, _ = c.do("POST", "/functions/"+u+"/aliases", map[string]any{"name": "a0", "version": "latest"}); st != 200 {
		t.Fatalf("alias a0: %d %v", st, m)
	}
	if st, m, _ = c.do("POST", "/functions/"+u+"/aliases", map[string]any{"name": "a1", "version": "latest"}); st != 409 || m["error_code"] != "FSS.1066" {
		t.Fatalf("second alias on latest: %d %v", st, m)
	}
	// Not found codes.
	for path, code := range map[string]string{
		"/functions/" + urnOf("nope") + "/config": "FSS.1051",
		"/functions/" + u + ":v9/config":          "FSS.1052",
		"/functions/" + u + "/aliases/nope":       "FSS.1053",
		"/functions/" + u + ":!nope/config":       "FSS.1053",
		"/functions/urn:fss:bad/config":           "FSS.1309",
	} {
		if st, m, _ = c.do("GET", path, nil); m["error_code"] != code {
			t.Errorf("GET %s: %d %v, want %s", path, st, m, code)
		}
	}
	// IAM lookup.
	if st, m, _ = c.do("GET", "/v3/projects?name="+tReg, nil); st != 200 || len(m["projects"].([]any)) != 1 {
		t.Fatalf("projects: %d %v", st, m)
	}
	// Code link.
	_, m, _ = c.do("GET", "/functions/"+u+"/code", nil)
	link := m["func_code"].(map[string]any)["link"].(string)
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, z) {
		t.Fatal("code link does not serve the package")
	}
}

func TestEmuNotFoundTrap(t *testing.T) {
	_, c := newEmu(t, Options{NotFoundTrap: true})
	st, m, _ := c.do("GET", "/functions/"+urnOf("nope")+"/config", nil)
	if st != 401 || m["error_code"] != "FSS.0401" {
		t.Fatalf("%d %v", st, m)
	}
}

func TestEmuPagination(t *testing.T) {
	_, c := newEmu(t, Options{})
	for i := 0; i < 5; i++ {
		c.do("POST", "/functions", createBodyFor(fmt.Sprintf("f%d", i), "x"))
	}
	var names []string
	marker := "0"
	for {
		_, m, _ := c.do("GET", "/functions?maxitems=2&marker="+marker, nil)
		for _, f := range m["functions"].([]any) {
			names = append(names, f.(map[string]any)["func_name"].(string))
		}
		next := int(m["next_marker"].(float64))
		if next >= int(m["count"].(float64)) {
			break
		}
		marker = fmt.Sprint(next)
	}
	if strings.Join(names, ",") != "f0,f1,f2,f3,f4" {
		t.Fatalf("pages gave %v", names)
	}
}

// State survives a restart; a temporary file a crash left does not break loading.
func TestEmuPersistence(t *testing.T) {
	dir := t.TempDir()
	s, c := newEmu(t, Options{StateDir: dir})
	c.do("POST", "/functions", createBodyFor("hello", "persist"))
	c.do("POST", "/functions/"+urnOf("hello")+"/versions", map[string]any{"version": "v1"})
	c.do("POST", "/functions/"+urnOf("hello")+"/aliases", map[string]any{"name": "live", "version": "v1"})
	s.Close()
	os.WriteFile(filepath.Join(dir, "blobs", ".0123.tmp-123"), []byte("half a package"), 0o644)

	_, c2 := newEmu(t, Options{StateDir: dir})
	st, m, _ := c2.do("GET", "/functions/"+urnOf("hello")+":!live/config", nil)
	_, digest := testZip("persist")
	if st != 200 || m["digest"] != digest || m["version"] != "v1" {
		t.Fatalf("after restart: %d %v", st, m)
	}
	_, m, _ = c2.do("GET", "/functions/"+urnOf("hello")+"/code", nil)
	resp, err := http.Get(m["func_code"].(map[string]any)["link"].(string))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("code after restart: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestEmuConcurrent(t *testing.T) {
	s, c := newEmu(t, Options{})
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("c%02d", i)
			c.do("POST", "/functions", createBodyFor(name, name))
			c.do("PUT", "/functions/"+urnOf(name)+"/config", map[string]any{"func_name": name, "runtime": "Python3.10", "handler": "index.handler", "memory_size": 256, "timeout": 9})
			c.do("POST", "/functions/"+urnOf(name)+"/versions", map[string]any{})
		}()
	}
	wg.Wait()
	st := s.Stats()
	if len(st.Publishes) != 40 {
		t.Fatalf("publishes %v", st.Publishes)
	}
	_, m, _ := c.do("GET", "/functions", nil)
	if m["count"].(float64) != 40 {
		t.Fatalf("count %v", m["count"])
	}
}

// The same seed gives the same faults in the same order.
func TestEmuFaultsDeterministic(t *testing.T) {
	run := func() []int {
		_, c := newEmu(t, Options{FaultRate: 0.5, Seed: 7, RetryAfter: -1})
		var out []int
		for i := 0; i < 40; i++ {
			st, _, h := c.do("GET", "/functions", nil)
			if st == 429 && h.Get("Retry-After") != "0" {
				t.Errorf("429 without Retry-After")
			}
			out = append(out, st)
		}
		return out
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("fault sequences differ:\n%v\n%v", a, b)
	}
	seen := map[int]bool{}
	for _, s := range a {
		seen[s] = true
	}
	if !seen[200] || !seen[429] || !seen[500] || !seen[0] { // 0: dropped connection
		t.Fatalf("want 200, 429, 500 and dropped connections, got %v", a)
	}
}

func FuzzParseURN(f *testing.F) {
	f.Add("urn:fss:cn-north-4:" + tPID + ":function:default:hello")
	f.Add("urn:fss:r:p:function:pkg:name:v1")
	f.Add("urn:fss:r:p:function:pkg:name:!live")
	f.Add("urn:fss::::::")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseURN(s)
		if err != nil {
			return
		}
		q := ""
		switch {
		case u.alias != "":
			q = ":!" + u.alias
		case u.version != "":
			q = ":" + u.version
		}
		again, err := parseURN(fmt.Sprintf("urn:fss:%s:%s:function:%s:%s%s", u.region, u.project, u.pkg, u.name, q))
		if err != nil || again != u {
			t.Fatalf("%q parsed as %+v, which does not round-trip: %+v %v", s, u, again, err)
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("GET", "/v2/p/fgs/functions", "a=1", "SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=00", "")
	f.Add("POST", "/x/!y/ü", "", "garbage", "{}")
	f.Fuzz(func(t *testing.T, method, path, query, auth, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest("GET", "http://h.example", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Method, req.URL.Path, req.URL.RawQuery = method, path, query
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Sdk-Date", now.Format(sdkDateFormat))
		verify(req, []byte(body), "a", "s", now) // must not panic

		// A correct signature always verifies.
		signed := []string{"host", "x-sdk-date"}
		req.Host = "h.example"
		cr := canonicalRequest(req.Method, req.URL.Path, req.URL.Query(), signed, func(n string) string {
			if n == "host" {
				return req.Host
			}
			return req.Header.Get(n)
		}, hexSHA256([]byte(body)))
		req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date, Signature="+signature("s", now.Format(sdkDateFormat), cr))
		if err := verify(req, []byte(body), "a", "s", now); err != nil {
			t.Fatalf("a correct signature failed: %v", err)
		}
	})
}

// Run prints "listening on URL" first and serves until its context ends.
func TestEmuRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "127.0.0.1:0", Options{AccessKey: tAK, SecretKey: tSK, ProjectID: tPID, Region: tReg}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !regexp.MustCompile(`^listening on http://127\.0\.0\.1:\d+\n$`).MatchString(line) {
		t.Fatalf("first line %q, %v", line, err)
	}
	resp, err := http.Get(strings.TrimSpace(strings.TrimPrefix(line, "listening on ")) + "/v2/" + tPID + "/fgs/functions")
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("unsigned request: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
