package emulator

// Tests of the emulator over real HTTP, with a signer written here (it
// reuses only the verifier's canonicalRequest and signature, which the
// fgs-api.md §5 vectors pin down first). Identifiers carry an "e"/"E"
// prefix so that they do not clash with server_test.go.

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
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
	eAK     = "AK_EMU_HTTP_TEST"
	eSK     = "sk-emu-http-test/secret"
	ePID    = "fedcba9876543210fedcba9876543210"
	eRegion = "ap-southeast-1" // not the default, to check Options.Region is used
	eToken  = "token-for-emulator-tests"
)

// eClock is the fixed clock of most tests.
var eClock = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func eHexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func eHexSHA512(b []byte) string {
	s := sha512.Sum512(b)
	return hex.EncodeToString(s[:])
}

// eZip builds a deterministic zip (fixed mtime) holding index.py.
func eZip(t testing.TB, content string) []byte {
	return makeZip(content)
}

// makeZip is eZip for callers without a testing.TB; writing to memory
// cannot fail.
func makeZip(content string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "index.py", Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// eClient is a tiny SDK-HMAC-SHA256 client.
type eClient struct {
	t      testing.TB
	hc     *http.Client
	base   string
	ak, sk string
	pid    string // in the path and X-Project-Id
	now    func() time.Time
	token  string   // X-Auth-Token instead of a signature
	signed []string // signed headers; nil = host;x-project-id;x-sdk-date
	// tamper, when set, changes the request after it was signed.
	tamper func(*http.Request)
}

// eResp is a response, or err when the connection failed.
type eResp struct {
	status int
	header http.Header
	raw    []byte
	err    error
}

func (r eResp) obj() map[string]any {
	m := map[string]any{}
	json.Unmarshal(r.raw, &m)
	return m
}

func (r eResp) list() []any {
	var l []any
	json.Unmarshal(r.raw, &l)
	return l
}

func (r eResp) code() string {
	c, _ := r.obj()["error_code"].(string)
	return c
}

func (r eResp) String() string {
	if r.err != nil {
		return "error " + r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.status, r.raw)
}

// eNew makes a server (credentials filled in) behind httptest.NewServer
// and a client for it whose clock follows the server's.
func eNew(t testing.TB, o Options) (*Server, *eClient) {
	t.Helper()
	if o.AccessKey == "" {
		o.AccessKey, o.SecretKey = eAK, eSK
	}
	if o.ProjectID == "" {
		o.ProjectID = ePID
	}
	if o.Region == "" {
		o.Region = eRegion
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, eClientFor(t, hs.URL, o)
}

func eClientFor(t testing.TB, base string, o Options) *eClient {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	// No keep-alive: every request is a fresh connection, so the transport
	// never silently retries a GET whose connection was dropped.
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &eClient{t: t, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}, base: base,
		ak: o.AccessKey, sk: o.SecretKey, pid: o.ProjectID, now: now}
}

func (c *eClient) full(path string) string {
	if strings.HasPrefix(path, "/v2/") || strings.HasPrefix(path, "/v3/") || strings.HasPrefix(path, "/_") || strings.HasPrefix(path, "http") {
		return path
	}
	return "/v2/" + c.pid + "/fgs" + path
}

// request builds a signed request for path (relative to /v2/{pid}/fgs
// unless it starts with /v2/, /v3/ or /_).
func (c *eClient) request(method, path string, body []byte) *http.Request {
	c.t.Helper()
	raw := c.full(path)
	if !strings.HasPrefix(raw, "http") {
		raw = c.base + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		c.t.Fatalf("url %q: %v", raw, err)
	}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Project-Id", c.pid)
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
		return req
	}
	if c.sk == "" && c.ak == "" {
		return req // unsigned
	}
	date := c.now().UTC().Format(sdkDateFormat)
	req.Header.Set("X-Sdk-Date", date)
	signed := c.signed
	if signed == nil {
		signed = []string{"host", "x-project-id", "x-sdk-date"}
	}
	hv := func(n string) string {
		if n == "host" {
			return req.URL.Host
		}
		return req.Header.Get(n)
	}
	cr := canonicalRequest(method, req.URL.Path, req.URL.Query(), signed, hv, eHexSHA256(body))
	req.Header.Set("Authorization", fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s",
		c.ak, strings.Join(signed, ";"), signature(c.sk, date, cr)))
	return req
}

func (c *eClient) send(req *http.Request) eResp {
	c.t.Helper()
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return eResp{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return eResp{err: err}
	}
	if resp.Header.Get("X-Request-Id") == "" {
		c.t.Errorf("%s %s: %d response without X-Request-Id", req.Method, req.URL.Path, resp.StatusCode)
	}
	return eResp{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// do sends body as JSON (nil = no body) and returns the response.
func (c *eClient) do(method, path string, body any) eResp {
	c.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.send(c.request(method, path, b))
}

// must fails the test unless the response has the status.
func (c *eClient) must(status int, method, path string, body any) eResp {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.err != nil || r.status != status {
		c.t.Fatalf("%s %s: %v, want %d", method, path, r, status)
	}
	return r
}

// wantErr checks a failure's status, error_code, error_msg and request_id.
func wantErr(t testing.TB, what string, r eResp, status int, code string) {
	t.Helper()
	if r.err != nil {
		t.Errorf("%s: %v, want %d %s", what, r.err, status, code)
		return
	}
	m := r.obj()
	if r.status != status || m["error_code"] != code {
		t.Errorf("%s: %v, want %d %s", what, r, status, code)
		return
	}
	if msg, _ := m["error_msg"].(string); msg == "" {
		t.Errorf("%s: no error_msg in %s", what, r.raw)
	}
	if id, _ := m["request_id"].(string); id == "" || id != r.header.Get("X-Request-Id") {
		t.Errorf("%s: request_id %q, X-Request-Id %q", what, m["request_id"], r.header.Get("X-Request-Id"))
	}
}

func eURN(name string) string {
	return "urn:fss:" + eRegion + ":" + ePID + ":function:default:" + name
}

func eCreateBody(t testing.TB, name, content string) map[string]any {
	return map[string]any{
		"func_name": name, "package": "default", "runtime": "Python3.10", "handler": "index.handler",
		"memory_size": 256, "timeout": 30, "code_type": "zip", "code_filename": "code.zip", "type": "v2",
		"func_code":           map[string]string{"file": base64.StdEncoding.EncodeToString(eZip(t, content))},
		"user_data":           `{"PLAIN":"1"}`,
		"encrypted_user_data": `{"SECRET":"s3cr3t-value"}`,
		"description":         "first", "xrole": "fgs-role",
	}
}

func eCodeBody(t testing.TB, content string) map[string]any {
	return map[string]any{"code_type": "zip", "code_filename": "code.zip",
		"func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(eZip(t, content))}}
}

func eConfigBody(name string) map[string]any {
	return map[string]any{"func_name": name, "runtime": "Python3.10", "handler": "index.handler", "memory_size": 512, "timeout": 60}
}

// noSecret fails if a response carries encrypted_user_data or the secret.
func noSecret(t testing.TB, what string, r eResp) {
	t.Helper()
	if bytes.Contains(r.raw, []byte("encrypted_user_data")) || bytes.Contains(r.raw, []byte("s3cr3t-value")) {
		t.Errorf("%s returned the encrypted user data: %s", what, r.raw)
	}
}

// storedFunction is a function's records as the store holds them.
type storedFunction struct {
	function
	Published map[string]*snapshot
	Aliases   map[string]*alias
}

// fnState reads a function's stored records in a transaction of its own.
func fnState(s *Server, pkg, name string) (storedFunction, bool) {
	var sf storedFunction
	found := false
	s.db.View(func(tx kvTx) error {
		t := &stx{kv: tx}
		f := t.function(fnKey(pkg, name))
		if f == nil {
			return nil
		}
		found = true
		sf = storedFunction{function: *f, Published: map[string]*snapshot{}, Aliases: map[string]*alias{}}
		for _, v := range f.Versions {
			sf.Published[v] = t.version(f, v)
		}
		for _, a := range t.aliases(f) {
			sf.Aliases[a.Name] = a
		}
		return t.err
	})
	return sf, found
}

// ---------------------------------------------------------------------------
// 1. Signature vectors (fgs-api.md §5)

func eHeaders(m map[string]string) func(string) string {
	return func(n string) string { return m[n] }
}

func TestHTTPSignatureVectors(t *testing.T) {
	emptyHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if eHexSHA256(nil) != emptyHash {
		t.Fatal("empty body hash")
	}
	sdkDate := "20060102T150405Z"
	vectors := []struct {
		name, method, path string
		query              url.Values
		signed             []string
		headers            map[string]string
		body               string
		ak, sk, date       string
		crHash, want       string
		host, pid          string // for the request over HTTP
	}{
		{name: "sdk GET", method: "GET", path: "/path", query: url.Values{"limit": {"1"}}, signed: []string{"x-sdk-date"},
			headers: map[string]string{"x-sdk-date": sdkDate}, ak: "AccessKey", sk: "SecretKey", date: sdkDate,
			want: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{name: "sdk POST", method: "POST", path: "/path", query: url.Values{"key": {"value"}}, signed: []string{"x-sdk-date"},
			headers: map[string]string{"x-sdk-date": sdkDate}, body: `{"Name":"test","Id":1}` + "\n", ak: "AccessKey", sk: "SecretKey", date: sdkDate,
			want: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
		{name: "official guide", method: "GET", path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
			query:   url.Values{"limit": {"2"}, "marker": {"13551d6b-755d-4757-b956-536f674975c0"}},
			signed:  []string{"content-type", "host", "x-sdk-date"},
			headers: map[string]string{"content-type": "application/json", "host": "service.region.example.com", "x-sdk-date": "20191115T033655Z"},
			ak:      "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", date: "20191115T033655Z",
			crHash: "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
			want:   "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
			host:   "service.region.example.com"},
		{name: "derived", method: "GET",
			path:    "/v2/0123456789abcdef0123456789abcdef/fgs/functions/urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello:latest/config",
			signed:  []string{"host", "x-project-id", "x-sdk-date"},
			headers: map[string]string{"host": "functiongraph.cn-north-4.myhuaweicloud.com", "x-project-id": "0123456789abcdef0123456789abcdef", "x-sdk-date": "20240101T000000Z"},
			ak:      "AK_EXAMPLE", sk: "SK_EXAMPLE", date: "20240101T000000Z",
			want: "67b5762938490cb4b1bc933f36c5a9c437a6694cce63dbf7edc1fa93c8b26b96",
			host: "functiongraph.cn-north-4.myhuaweicloud.com", pid: "0123456789abcdef0123456789abcdef"},
	}
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			cr := canonicalRequest(v.method, v.path, v.query, v.signed, eHeaders(v.headers), eHexSHA256([]byte(v.body)))
			if v.crHash != "" {
				if h := eHexSHA256([]byte(cr)); h != v.crHash {
					t.Errorf("canonical request hash %s, want %s\n%s", h, v.crHash, cr)
				}
			}
			if got := signature(v.sk, v.date, cr); got != v.want {
				t.Fatalf("signature %s, want %s\ncanonical request:\n%s", got, v.want, cr)
			}

			// The same request over HTTP passes authentication: the
			// emulator answers with a routing result, not 401.
			date, _ := time.Parse(sdkDateFormat, v.date)
			pid := v.pid
			if pid == "" {
				pid = ePID
			}
			_, c := eNew(t, Options{AccessKey: v.ak, SecretKey: v.sk, ProjectID: pid, Region: "cn-north-4", Now: func() time.Time { return date }})
			u := c.base + v.path
			if len(v.query) > 0 {
				u += "?" + canonicalQuery(v.query)
			}
			req, err := http.NewRequest(v.method, u, strings.NewReader(v.body))
			if err != nil {
				t.Fatal(err)
			}
			if v.host != "" {
				req.Host = v.host
			}
			for k, val := range v.headers {
				if k != "host" {
					req.Header.Set(k, val)
				}
			}
			req.Header.Set("Authorization", fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s", v.ak, strings.Join(v.signed, ";"), v.want))
			r := c.send(req)
			if r.err != nil || r.status == 401 {
				t.Fatalf("documented signature refused over HTTP: %v", r)
			}
			want := "APIG.0101" // no such API, after authentication
			if v.name == "derived" {
				want = "FSS.1051" // the function does not exist
			}
			if r.code() != want {
				t.Errorf("over HTTP: %v, want %s", r, want)
			}
		})
	}
}

// The canonical URI and query encodings of fgs-api.md §5.
func TestHTTPCanonicalEncoding(t *testing.T) {
	urn := "urn:fss:cn-north-4:p:function:default:hello:!live"
	if got, want := canonicalURI("/v2/p/fgs/functions/"+urn+"/config"),
		"/v2/p/fgs/functions/urn%3Afss%3Acn-north-4%3Ap%3Afunction%3Adefault%3Ahello%3A%21live/config/"; got != want {
		t.Errorf("canonicalURI %s, want %s", got, want)
	}
	if got := canonicalURI("/already/"); got != "/already/" {
		t.Errorf("trailing slash doubled: %s", got)
	}
	q := url.Values{"b": {"2", "1"}, "a": {"x y"}, "c~": {"ü"}}
	if got, want := canonicalQuery(q), "a=x%20y&b=1&b=2&c~=%C3%BC"; got != want {
		t.Errorf("canonicalQuery %s, want %s", got, want)
	}
}

// ---------------------------------------------------------------------------
// 2. Authentication

func TestHTTPAuthFailures(t *testing.T) {
	now := eClock
	_, c := eNew(t, Options{Token: eToken, Now: func() time.Time { return now }})
	c.must(200, "GET", "/functions", nil)

	variant := func(f func(*eClient)) *eClient {
		v := *c
		f(&v)
		return &v
	}
	cases := []struct {
		name string
		c    *eClient
	}{
		{"bad signature", variant(func(v *eClient) {
			v.tamper = func(r *http.Request) {
				a := r.Header.Get("Authorization")
				last := a[len(a)-1]
				if last == '0' {
					last = '1'
				} else {
					last = '0'
				}
				r.Header.Set("Authorization", a[:len(a)-1]+string(last))
			}
		})},
		{"wrong secret key", variant(func(v *eClient) { v.sk = "not-the-secret" })},
		{"unknown access key", variant(func(v *eClient) { v.ak = "AK_UNKNOWN" })},
		{"date 16 minutes behind", variant(func(v *eClient) { v.now = func() time.Time { return now.Add(-16 * time.Minute) } })},
		{"date 16 minutes ahead", variant(func(v *eClient) { v.now = func() time.Time { return now.Add(16 * time.Minute) } })},
		{"missing Authorization", variant(func(v *eClient) { v.tamper = func(r *http.Request) { r.Header.Del("Authorization") } })},
		{"not SDK-HMAC-SHA256", variant(func(v *eClient) {
			v.tamper = func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }
		})},
		{"malformed Authorization", variant(func(v *eClient) {
			v.tamper = func(r *http.Request) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 garbage") }
		})},
		{"missing X-Sdk-Date", variant(func(v *eClient) { v.tamper = func(r *http.Request) { r.Header.Del("X-Sdk-Date") } })},
		{"x-sdk-date not signed", variant(func(v *eClient) { v.signed = []string{"host", "x-project-id"} })},
		{"path changed after signing", variant(func(v *eClient) {
			v.tamper = func(r *http.Request) { r.URL.RawQuery = "maxitems=3" }
		})},
		{"bad token", variant(func(v *eClient) { v.token = "another-token" })},
	}
	for _, tc := range cases {
		wantErr(t, tc.name, tc.c.do("GET", "/functions", nil), 401, "APIG.0301")
	}
	// A body changed after signing.
	tampered := variant(func(v *eClient) {
		v.tamper = func(r *http.Request) {
			b := []byte(`{"func_name":"evil"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
	})
	wantErr(t, "body changed after signing", tampered.do("POST", "/functions", eCreateBody(t, "ok", "x")), 401, "APIG.0301")

	// 14 minutes off is within the allowed skew.
	c14 := variant(func(v *eClient) { v.now = func() time.Time { return now.Add(14 * time.Minute) } })
	c14.must(200, "GET", "/functions", nil)
	// UNSIGNED-PAYLOAD replaces the body hash.
	unsigned := variant(func(v *eClient) {})
	req := unsigned.request("POST", "/functions", nil)
	req.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	date := req.Header.Get("X-Sdk-Date")
	cr := canonicalRequest("POST", req.URL.Path, req.URL.Query(), []string{"x-sdk-date"}, func(n string) string { return req.Header.Get(n) }, "UNSIGNED-PAYLOAD")
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+eAK+", SignedHeaders=x-sdk-date, Signature="+signature(eSK, date, cr))
	b, _ := json.Marshal(eCreateBody(t, "unsignedpayload", "x"))
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	if r := c.send(req); r.status != 200 {
		t.Errorf("UNSIGNED-PAYLOAD: %v", r)
	}

	// Project id: in the path, or in X-Project-Id.
	wrongPID := variant(func(v *eClient) { v.pid = "00000000000000000000000000000000" })
	wantErr(t, "wrong project id in path", wrongPID.do("GET", "/functions", nil), 403, "FSS.0403")
	wrongHeader := variant(func(v *eClient) {
		v.signed = []string{"host", "x-sdk-date"}
		v.tamper = func(r *http.Request) { r.Header.Set("X-Project-Id", "00000000000000000000000000000000") }
	})
	wantErr(t, "wrong X-Project-Id", wrongHeader.do("GET", "/functions", nil), 403, "FSS.0403")

	// Token authentication.
	tok := variant(func(v *eClient) { v.token = eToken })
	tok.must(200, "GET", "/functions", nil)
	tok.must(200, "POST", "/functions", eCreateBody(t, "bytoken", "t"))

	// No token configured: no token is accepted.
	_, c2 := eNew(t, Options{})
	c2.token = "anything"
	wantErr(t, "token without Options.Token", c2.do("GET", "/functions", nil), 401, "APIG.0301")
	c2.token = ""
	c2.must(200, "GET", "/functions", nil)

	// IAM also needs authentication.
	wantErr(t, "unsigned IAM", variant(func(v *eClient) { v.ak, v.sk = "", "" }).do("GET", "/v3/projects?name="+eRegion, nil), 401, "APIG.0301")
}

// Signed requests with awkward paths and queries verify over the wire.
func TestHTTPSignedOddRequests(t *testing.T) {
	_, c := eNew(t, Options{})
	for _, p := range []string{
		"/functions?maxitems=2&marker=0&func_name=a%20b&package_name=x+y",
		"/functions?a=1&a=0&b=&c=%21%2A",
		"/functions/" + url.PathEscape(eURN("nope")+":!alias") + "/config",
		"/functions/" + eURN("nope") + ":!alias/config",
		"/functions/" + eURN("nope") + "/aliases/%C3%BC%20x",
		"/functions/urn%3Afss%3Abad/config",
	} {
		r := c.do("GET", p, nil)
		if r.err != nil || r.status == 401 || r.status == 403 {
			t.Errorf("GET %s: %v", p, r)
		}
	}
	// Mixed-case signed header names are lowered.
	c.signed = []string{"Host", "X-Sdk-Date", "X-Project-Id"}
	c.must(200, "GET", "/functions", nil)
}

// ---------------------------------------------------------------------------
// 3. Routes

func TestHTTPCreateGetUpdate(t *testing.T) {
	s, c := eNew(t, Options{Now: func() time.Time { return eClock }})
	zipBytes := eZip(t, "def handler(e, c): return 1")
	body := eCreateBody(t, "hello", "def handler(e, c): return 1")
	r := c.must(200, "POST", "/functions", body)
	m := r.obj()
	noSecret(t, "create", r)
	if m["digest"] != eHexSHA512(zipBytes) || len(m["digest"].(string)) != 128 {
		t.Errorf("digest %v, want sha512 %s", m["digest"], eHexSHA512(zipBytes))
	}
	if m["code_size"] != float64(len(zipBytes)) {
		t.Errorf("code_size %v, want %d", m["code_size"], len(zipBytes))
	}
	if m["func_urn"] != eURN("hello")+":latest" {
		t.Errorf("func_urn %v", m["func_urn"])
	}
	if m["user_data"] != `{"PLAIN":"1"}` || m["memory_size"] != 256.0 || m["timeout"] != 30.0 || m["version"] != "latest" {
		t.Errorf("create model: %s", r.raw)
	}
	wantErr(t, "duplicate", c.do("POST", "/functions", body), 409, "FSS.1061")
	wantErr(t, "bad json", c.do("POST", "/functions", `{"func_name":`), 406, "FSS.0406")
	bad := eCreateBody(t, "bad", "x")
	bad["runtime"] = "Cobol"
	wantErr(t, "bad runtime", c.do("POST", "/functions", bad), 400, "FSS.1005")
	bad = eCreateBody(t, "bad", "x")
	bad["func_code"] = map[string]string{"file": "!!not base64"}
	wantErr(t, "bad base64", c.do("POST", "/functions", bad), 400, "FSS.1011")
	bad = eCreateBody(t, "bad", "x")
	bad["code_type"], bad["func_code"] = "inline", map[string]string{"file": base64.StdEncoding.EncodeToString(make([]byte, 10<<10+1))}
	wantErr(t, "inline too big", c.do("POST", "/functions", bad), 413, "FSS.1072")

	// GET config, bare and :latest.
	for _, u := range []string{eURN("hello"), eURN("hello") + ":latest"} {
		r = c.must(200, "GET", "/functions/"+u+"/config", nil)
		noSecret(t, "get config", r)
		if m := r.obj(); m["digest"] != eHexSHA512(zipBytes) || m["func_name"] != "hello" || m["description"] != "first" || m["xrole"] != "fgs-role" {
			t.Errorf("get config %s: %s", u, r.raw)
		}
	}
	if f, _ := fnState(s, "default", "hello"); f.Latest.Config.EncryptedUserData != `{"SECRET":"s3cr3t-value"}` {
		t.Errorf("encrypted_user_data not stored: %q", f.Latest.Config.EncryptedUserData)
	}

	// Update code.
	zip2 := eZip(t, "def handler(e, c): return 2")
	r = c.must(200, "PUT", "/functions/"+eURN("hello")+"/code", eCodeBody(t, "def handler(e, c): return 2"))
	if m := r.obj(); m["digest"] != eHexSHA512(zip2) || m["code_size"] != float64(len(zip2)) {
		t.Errorf("update code: %s", r.raw)
	}
	r = c.must(200, "GET", "/functions/"+eURN("hello")+"/code", nil)
	noSecret(t, "get code", r)
	link := r.obj()["func_code"].(map[string]any)["link"].(string)
	if got := eGetLink(t, link); !bytes.Equal(got, zip2) {
		t.Errorf("code link serves %d bytes, want the new package", len(got))
	}
	wantErr(t, "code without filename", c.do("PUT", "/functions/"+eURN("hello")+"/code",
		map[string]any{"code_type": "zip", "func_code": map[string]string{"file": "UEs="}}), 400, "FSS.1011")
	wantErr(t, "bad code_type", c.do("PUT", "/functions/"+eURN("hello")+"/code", map[string]any{"code_type": "tar"}), 400, "FSS.1006")

	// Update config: a full replace.
	u := "/functions/" + eURN("hello") + "/config"
	for _, req := range []string{"func_name", "runtime", "timeout", "handler", "memory_size"} {
		b := eConfigBody("hello")
		delete(b, req)
		wantErr(t, "config without "+req, c.do("PUT", u, b), 400, "FSS.0400")
	}
	b := eConfigBody("hello")
	b["runtime"] = "Node.js18.15"
	wantErr(t, "runtime change", c.do("PUT", u, b), 400, "FSS.1005")
	b = eConfigBody("hello")
	b["func_name"] = "renamed"
	wantErr(t, "name change", c.do("PUT", u, b), 400, "FSS.1002")
	b = eConfigBody("hello")
	b["memory_size"] = 100
	wantErr(t, "bad memory", c.do("PUT", u, b), 400, "FSS.1007")
	b = eConfigBody("hello")
	b["timeout"] = 1
	wantErr(t, "bad timeout", c.do("PUT", u, b), 400, "FSS.1008")
	b = eConfigBody("hello")
	b["user_data"] = `not json`
	wantErr(t, "bad user_data", c.do("PUT", u, b), 400, "FSS.1009")

	r = c.must(200, "PUT", u, eConfigBody("hello"))
	noSecret(t, "update config", r)
	m = r.obj()
	if _, has := m["user_data"]; has {
		t.Errorf("omitted user_data not cleared: %v", m["user_data"])
	}
	if _, has := m["description"]; has {
		t.Errorf("omitted description not cleared: %v", m["description"])
	}
	if _, has := m["xrole"]; has {
		t.Errorf("omitted xrole not cleared: %v", m["xrole"])
	}
	if m["memory_size"] != 512.0 || m["timeout"] != 60.0 || m["digest"] != eHexSHA512(zip2) || m["type"] != "v2" {
		t.Errorf("update config: %s", r.raw)
	}
	f, _ := fnState(s, "default", "hello")
	if f.Latest.Config.EncryptedUserData != `{"SECRET":"s3cr3t-value"}` {
		t.Errorf("absent encrypted_user_data should be kept, got %q", f.Latest.Config.EncryptedUserData)
	}
	r = c.must(200, "GET", u, nil)
	if _, has := r.obj()["user_data"]; has {
		t.Errorf("user_data back after replace: %s", r.raw)
	}
	b = eConfigBody("hello")
	b["encrypted_user_data"] = ""
	b["user_data"] = `{"A":"b"}`
	c.must(200, "PUT", u, b)
	if f, _ := fnState(s, "default", "hello"); f.Latest.Config.EncryptedUserData != "" || f.Latest.Config.UserData != `{"A":"b"}` {
		t.Errorf("explicit empty encrypted_user_data: %+v", f.Latest.Config)
	}
	wantErr(t, "config of a version", c.do("PUT", "/functions/"+eURN("hello")+":v1/config", eConfigBody("hello")), 400, "FSS.0400")

	// Max instances, reported as strategy_config.concurrency.
	mi := "/functions/" + eURN("hello") + "/config-max-instance"
	r = c.must(200, "PUT", mi, map[string]any{"max_instance_num": 50})
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != 50.0 {
		t.Errorf("max instances: %s", r.raw)
	}
	r = c.must(200, "GET", u, nil)
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != 50.0 {
		t.Errorf("max instances after GET: %s", r.raw)
	}
	c.must(200, "PUT", mi, map[string]any{"max_instance_num": -1})
	wantErr(t, "max instances 1001", c.do("PUT", mi, map[string]any{"max_instance_num": 1001}), 400, "FSS.1026")
	wantErr(t, "max instances absent", c.do("PUT", mi, map[string]any{}), 400, "FSS.1026")
	// A config update without strategy_config keeps max instances.
	r = c.must(200, "PUT", u, eConfigBody("hello"))
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != -1.0 {
		t.Errorf("config update lost max instances: %s", r.raw)
	}

	// Lists never carry secrets either.
	noSecret(t, "list", c.must(200, "GET", "/functions", nil))
	noSecret(t, "versions", c.must(200, "GET", "/functions/"+eURN("hello")+"/versions", nil))

	// Delete the function.
	c.must(204, "DELETE", "/functions/"+eURN("hello"), nil)
	wantErr(t, "deleted", c.do("GET", u, nil), 404, "FSS.1051")
}

func eGetLink(t testing.TB, link string) []byte {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", link, resp.StatusCode)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("code link without X-Request-Id")
	}
	b, _ := io.ReadAll(resp.Body)
	return b
}

func TestHTTPVersions(t *testing.T) {
	clock := eClock
	s, c := eNew(t, Options{VersionCap: 3, Now: func() time.Time { return clock }})
	u := "/functions/" + eURN("hello")
	c.must(200, "POST", "/functions", eCreateBody(t, "hello", "one"))

	r := c.must(200, "POST", u+"/versions", map[string]any{"description": "first"})
	v1 := "v20260304-050607"
	if m := r.obj(); m["version"] != v1 || m["func_urn"] != eURN("hello")+":"+v1 || m["version_description"] != "first" || m["digest"] != eHexSHA512(eZip(t, "one")) {
		t.Fatalf("publish default name: %s", r.raw)
	}
	noSecret(t, "publish", r)
	wantErr(t, "unchanged", c.do("POST", u+"/versions", map[string]any{"version": "v2"}), 400, "FSS.1016")
	wantErr(t, "unchanged, no body", c.do("POST", u+"/versions", nil), 400, "FSS.1016")

	c.must(200, "PUT", u+"/code", eCodeBody(t, "two"))
	wantErr(t, "duplicate name", c.do("POST", u+"/versions", map[string]any{"version": v1}), 409, "FSS.1062")
	wantErr(t, "invalid name", c.do("POST", u+"/versions", map[string]any{"version": "-bad-"}), 400, "FSS.1015")
	wantErr(t, "latest as a name", c.do("POST", u+"/versions", map[string]any{"version": "latest"}), 400, "FSS.1015")
	wantErr(t, "digest mismatch", c.do("POST", u+"/versions", map[string]any{"version": "v2", "digest": eHexSHA512(nil)}), 428, "FSS.0428")
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2", "digest": eHexSHA512(eZip(t, "two"))})

	// The cap counts latest: with 3, two versions are the maximum.
	c.must(200, "PUT", u+"/code", eCodeBody(t, "three"))
	wantErr(t, "version cap", c.do("POST", u+"/versions", map[string]any{"version": "v3"}), 400, "FSS.1015")

	r = c.must(200, "GET", u+"/versions", nil)
	m := r.obj()
	vs, _ := m["versions"].([]any)
	var names []string
	for _, v := range vs {
		names = append(names, v.(map[string]any)["version"].(string))
	}
	if strings.Join(names, ",") != "latest,"+v1+",v2" || m["count"] != 3.0 {
		t.Fatalf("versions: %s", r.raw)
	}
	if d := vs[0].(map[string]any)["digest"]; d != eHexSHA512(eZip(t, "three")) {
		t.Errorf("latest digest %v", d)
	}
	if d := vs[1].(map[string]any)["digest"]; d != eHexSHA512(eZip(t, "one")) {
		t.Errorf("v1 digest %v", d)
	}

	// A version is a snapshot: its config and code do not follow latest.
	c.must(200, "PUT", u+"/config", eConfigBody("hello"))
	r = c.must(200, "GET", u+":"+v1+"/config", nil)
	if m := r.obj(); m["memory_size"] != 256.0 || m["version"] != v1 || m["digest"] != eHexSHA512(eZip(t, "one")) {
		t.Errorf("version snapshot: %s", r.raw)
	}
	r = c.must(200, "GET", u+":"+v1+"/code", nil)
	if got := eGetLink(t, r.obj()["func_code"].(map[string]any)["link"].(string)); !bytes.Equal(got, eZip(t, "one")) {
		t.Errorf("version code link")
	}
	wantErr(t, "publish on a version URN", c.do("POST", u+":"+v1+"/versions", nil), 400, "FSS.0400")

	// Deleting a version frees a slot.
	c.must(204, "DELETE", u+":"+v1, nil)
	wantErr(t, "deleted version", c.do("GET", u+":"+v1+"/config", nil), 404, "FSS.1052")
	wantErr(t, "delete again", c.do("DELETE", u+":"+v1, nil), 404, "FSS.1052")
	clock = clock.Add(time.Second)
	r = c.must(200, "POST", u+"/versions", nil)
	if r.obj()["version"] != "v20260304-050608" {
		t.Errorf("second default name: %s", r.raw)
	}
	if st := s.Stats(); st.Publishes["default/hello"] != 3 {
		t.Errorf("stats %+v", st.Publishes)
	}
}

func TestHTTPAliases(t *testing.T) {
	_, c := eNew(t, Options{})
	u := "/functions/" + eURN("hello")
	c.must(200, "POST", "/functions", eCreateBody(t, "hello", "one"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
	c.must(200, "PUT", u+"/code", eCodeBody(t, "two"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
	c.must(200, "PUT", u+"/code", eCodeBody(t, "three"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})

	r := c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1", "description": "prod", "additional_version_weights": map[string]int{"v2": 10}})
	if m := r.obj(); m["alias_urn"] != eURN("hello")+":!live" || m["version"] != "v1" || m["description"] != "prod" {
		t.Fatalf("create alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if w, _ := r.obj()["additional_version_weights"].(map[string]any); w["v2"] != 10.0 {
		t.Errorf("get alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+":!live/config", nil)
	if r.obj()["version"] != "v1" || r.obj()["digest"] != eHexSHA512(eZip(t, "one")) {
		t.Errorf("config through the alias: %s", r.raw)
	}
	wantErr(t, "duplicate alias", c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}), 409, "FSS.1063")
	wantErr(t, "bad alias name", c.do("POST", u+"/aliases", map[string]any{"name": "1abc", "version": "v1"}), 400, "FSS.1014")
	wantErr(t, "alias to a missing version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v9"}), 404, "FSS.1052")
	wantErr(t, "second alias on v1", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v1"}), 409, "FSS.1066")
	wantErr(t, "weights to a missing version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v9": 5}}), 400, "FSS.1091")
	wantErr(t, "weights of 100", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v2": 60, "v1": 40}}), 400, "FSS.1092")
	wantErr(t, "weight 0", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v2": 0}}), 400, "FSS.1092")
	wantErr(t, "weights to the main version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v3": 5}}), 400, "FSS.1093")
	wantErr(t, "weights and strategy", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3",
		"additional_version_weights":  map[string]int{"v2": 5},
		"additional_version_strategy": map[string]any{"v1": map[string]any{"combine_type": "and", "rules": []any{}}}}), 400, "FSS.1091")

	// Update, with additional_version_weights.
	r = c.must(200, "PUT", u+"/aliases/live", map[string]any{"version": "v2", "additional_version_weights": map[string]int{"v3": 25}})
	if m := r.obj(); m["version"] != "v2" || m["additional_version_weights"].(map[string]any)["v3"] != 25.0 {
		t.Errorf("update alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if m := r.obj(); m["version"] != "v2" || m["additional_version_weights"].(map[string]any)["v3"] != 25.0 || m["description"] != "" {
		t.Errorf("alias after update: %s", r.raw)
	}
	wantErr(t, "update weights to a missing version", c.do("PUT", u+"/aliases/live", map[string]any{"version": "v2", "additional_version_weights": map[string]int{"v8": 1}}), 400, "FSS.1091")
	wantErr(t, "update without version", c.do("PUT", u+"/aliases/live", map[string]any{}), 400, "FSS.1015")
	wantErr(t, "update a missing alias", c.do("PUT", u+"/aliases/nope", map[string]any{"version": "v1"}), 404, "FSS.1053")

	// The list is a bare JSON array, sorted.
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "canary", "version": "latest"})
	r = c.must(200, "GET", u+"/aliases", nil)
	if !bytes.HasPrefix(bytes.TrimSpace(r.raw), []byte("[")) {
		t.Fatalf("alias list is not a bare array: %s", r.raw)
	}
	l := r.list()
	if len(l) != 2 || l[0].(map[string]any)["name"] != "canary" || l[1].(map[string]any)["name"] != "live" {
		t.Errorf("alias list: %s", r.raw)
	}

	// A weighted version cannot be deleted; the alias's own version can,
	// and takes the alias with it.
	wantErr(t, "delete a canary's weighted version", c.do("DELETE", u+":v3", nil), 403, "FSS.1094")
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "old", "version": "v1"})
	c.must(204, "DELETE", u+":v1", nil)
	wantErr(t, "alias of a deleted version", c.do("GET", u+"/aliases/old", nil), 404, "FSS.1053")
	c.must(200, "GET", u+"/aliases/live", nil)

	// Delete an alias.
	c.must(204, "DELETE", u+"/aliases/canary", nil)
	wantErr(t, "deleted alias", c.do("GET", u+"/aliases/canary", nil), 404, "FSS.1053")
	wantErr(t, "delete a missing alias", c.do("DELETE", u+"/aliases/canary", nil), 404, "FSS.1053")
	wantErr(t, "config through a missing alias", c.do("GET", u+":!canary/config", nil), 404, "FSS.1053")
	// Now that live no longer weights v3... it still does; move it and v3 can go.
	c.must(200, "PUT", u+"/aliases/live", map[string]any{"version": "v2"})
	c.must(204, "DELETE", u+":v3", nil)

	// At most 10 aliases, each on a version of its own.
	for i := len(c.must(200, "GET", u+"/aliases", nil).list()); i < 10; i++ {
		v := fmt.Sprintf("w%d", i)
		c.must(200, "PUT", u+"/code", eCodeBody(t, v))
		c.must(200, "POST", u+"/versions", map[string]any{"version": v})
		c.must(200, "POST", u+"/aliases", map[string]any{"name": fmt.Sprintf("a%d", i), "version": v})
	}
	wantErr(t, "11th alias", c.do("POST", u+"/aliases", map[string]any{"name": "eleventh", "version": "latest"}), 403, "FSS.1043")
	if n := len(c.must(200, "GET", u+"/aliases", nil).list()); n != 10 {
		t.Errorf("%d aliases", n)
	}
}

func TestHTTPNotFound(t *testing.T) {
	_, c := eNew(t, Options{})
	c.must(200, "POST", "/functions", eCreateBody(t, "hello", "x"))
	nope, u := "/functions/"+eURN("nope"), "/functions/"+eURN("hello")
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", nope + "/config", nil, 404, "FSS.1051"},
		{"GET", nope + "/code", nil, 404, "FSS.1051"},
		{"PUT", nope + "/code", eCodeBody(t, "y"), 404, "FSS.1051"},
		{"PUT", nope + "/config", eConfigBody("nope"), 404, "FSS.1051"},
		{"POST", nope + "/versions", nil, 404, "FSS.1051"},
		{"GET", nope + "/versions", nil, 404, "FSS.1051"},
		{"GET", nope + "/aliases", nil, 404, "FSS.1051"},
		{"DELETE", nope, nil, 404, "FSS.1051"},
		{"GET", u + ":v9/config", nil, 404, "FSS.1052"},
		{"GET", u + ":v9/code", nil, 404, "FSS.1052"},
		{"DELETE", u + ":v9", nil, 404, "FSS.1052"},
		{"GET", u + "/aliases/nope", nil, 404, "FSS.1053"},
		{"DELETE", u + "/aliases/nope", nil, 404, "FSS.1053"},
		{"GET", u + ":!nope/config", nil, 404, "FSS.1053"},
		{"GET", "/functions/urn:fss:bad/config", nil, 400, "FSS.1309"},
		{"GET", "/functions/urn:fss:cn-east-3:" + ePID + ":function:default:hello/config", nil, 400, "FSS.1309"},
		{"GET", u + "/nonsense", nil, 404, "APIG.0101"},
		{"GET", "/v2/" + ePID + "/other/functions", nil, 404, "APIG.0101"},
		{"PATCH", "/functions", nil, 404, "APIG.0101"},
	} {
		wantErr(t, tc.method+" "+tc.path, c.do(tc.method, tc.path, tc.body), tc.status, tc.code)
	}

	_, trap := eNew(t, Options{NotFoundTrap: true})
	wantErr(t, "trap", trap.do("GET", nope+"/config", nil), 401, "FSS.0401")
}

func TestHTTPListFunctions(t *testing.T) {
	_, c := eNew(t, Options{})
	want := []string{"f0", "f1", "f2", "f3", "f4"}
	for _, n := range []string{"f3", "f0", "f4", "f1", "f2"} {
		c.must(200, "POST", "/functions", eCreateBody(t, n, n))
	}
	var got []string
	marker := "0"
	var nexts []float64
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("pagination does not end")
		}
		r := c.must(200, "GET", "/functions?maxitems=2&marker="+marker, nil)
		m := r.obj()
		fs, _ := m["functions"].([]any)
		if len(fs) > 2 {
			t.Fatalf("page of %d", len(fs))
		}
		for _, f := range fs {
			got = append(got, f.(map[string]any)["func_name"].(string))
			noSecret(t, "list", r)
		}
		if m["count"] != 5.0 {
			t.Errorf("count %v", m["count"])
		}
		next, _ := m["next_marker"].(float64)
		nexts = append(nexts, next)
		if next >= 5 {
			break
		}
		marker = fmt.Sprint(int(next))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || fmt.Sprint(nexts) != "[2 4 5]" {
		t.Errorf("pages gave %v, next markers %v", got, nexts)
	}
	// maxitems 0 or over 400 means 400; a marker past the end is empty.
	for _, q := range []string{"", "?maxitems=0", "?maxitems=1000"} {
		if m := c.must(200, "GET", "/functions"+q, nil).obj(); len(m["functions"].([]any)) != 5 {
			t.Errorf("%s: %v", q, m)
		}
	}
	if m := c.must(200, "GET", "/functions?marker=9", nil).obj(); len(m["functions"].([]any)) != 0 || m["next_marker"] != 5.0 {
		t.Errorf("marker past the end: %v", m)
	}
	if m := c.must(200, "GET", "/functions?func_name=f2", nil).obj(); m["count"] != 1.0 {
		t.Errorf("func_name filter: %v", m)
	}
	if m := c.must(200, "GET", "/functions?package_name=other", nil).obj(); m["count"] != 0.0 {
		t.Errorf("package_name filter: %v", m)
	}
}

func TestHTTPProjectsAndRequestIDs(t *testing.T) {
	_, c := eNew(t, Options{})
	r := c.must(200, "GET", "/v3/projects?name="+eRegion, nil)
	ps, _ := r.obj()["projects"].([]any)
	if len(ps) != 1 || ps[0].(map[string]any)["id"] != ePID || ps[0].(map[string]any)["name"] != eRegion {
		t.Fatalf("projects: %s", r.raw)
	}
	if ps, _ := c.must(200, "GET", "/v3/projects?name=cn-east-3", nil).obj()["projects"].([]any); len(ps) != 0 {
		t.Errorf("other region: %v", ps)
	}

	// Every response, success, failure or code link, has a distinct X-Request-Id.
	seen := map[string]bool{}
	check := func(r eResp) {
		id := r.header.Get("X-Request-Id")
		if !regexp.MustCompile(`^emu-\d{8}$`).MatchString(id) || seen[id] {
			t.Errorf("X-Request-Id %q", id)
		}
		seen[id] = true
	}
	check(c.do("GET", "/functions", nil))
	check(c.do("POST", "/functions", eCreateBody(t, "hello", "x")))
	check(c.do("GET", "/functions/"+eURN("nope")+"/config", nil))
	bad := *c
	bad.sk = "wrong"
	check(bad.do("GET", "/functions", nil))
	link := c.must(200, "GET", "/functions/"+eURN("hello")+"/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
	if !strings.HasPrefix(link, c.base+"/") {
		t.Errorf("link %s is not on the server", link)
	}
	check(c.send(eMustReq(t, "GET", link)))
	r = c.send(eMustReq(t, "GET", c.base+"/_emulator/code/"+strings.Repeat("0", 128)))
	if r.status != 404 {
		t.Errorf("missing blob: %v", r)
	}
	check(r)
}

func eMustReq(t testing.TB, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// ---------------------------------------------------------------------------
// 4. Persistence

func TestHTTPPersistence(t *testing.T) {
	dir := t.TempDir()
	opts := Options{AccessKey: eAK, SecretKey: eSK, ProjectID: ePID, Region: eRegion, StateDir: dir}
	run, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	c := eClientFor(t, run.URL, opts)
	u := "/functions/" + eURN("hello")
	c.must(200, "POST", "/functions", eCreateBody(t, "hello", "v1 code"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1", "description": "one"})
	c.must(200, "PUT", u+"/code", eCodeBody(t, "v2 code"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
	c.must(200, "PUT", u+"/code", eCodeBody(t, "latest code"))
	c.must(200, "PUT", u+"/config-max-instance", map[string]any{"max_instance_num": 7})
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1", "additional_version_weights": map[string]int{"v2": 30}})
	c.must(200, "POST", "/functions", eCreateBody(t, "other", "other"))
	c.must(204, "DELETE", "/functions/"+eURN("other"), nil)

	// While it runs, the state directory is its own: a second emulator
	// waits for it (saying so once), then refuses. (That every change is
	// on disk before its answer is TestStoreSurvivesKill's.)
	waits := 0
	locked := opts
	locked.LockTimeout, locked.OnLockWait = 200*time.Millisecond, func(string, time.Duration) { waits++ }
	if _, err := New(locked); !errors.Is(err, ErrStateLocked) || waits != 1 {
		t.Errorf("second emulator on a locked state: %v after %d wait messages", err, waits)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Fatalf("state.db: %v", err)
	}
	// A crash while a package was being written leaves a temporary file.
	os.WriteFile(filepath.Join(dir, "blobs", ".deadbeef.tmp-1"), []byte("half a zip"), 0o644)

	run2, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer run2.Close()
	c = eClientFor(t, run2.URL, opts)
	r := c.must(200, "GET", u+"/config", nil)
	if m := r.obj(); m["digest"] != eHexSHA512(eZip(t, "latest code")) || m["strategy_config"].(map[string]any)["concurrency"] != 7.0 || m["user_data"] != `{"PLAIN":"1"}` {
		t.Errorf("latest after restart: %s", r.raw)
	}
	noSecret(t, "config after restart", r)
	r = c.must(200, "GET", u+":!live/config", nil)
	if m := r.obj(); m["version"] != "v1" || m["digest"] != eHexSHA512(eZip(t, "v1 code")) || m["version_description"] != "one" {
		t.Errorf("alias after restart: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if w, _ := r.obj()["additional_version_weights"].(map[string]any); w["v2"] != 30.0 {
		t.Errorf("alias weights after restart: %s", r.raw)
	}
	if vs := c.must(200, "GET", u+"/versions", nil).obj()["versions"].([]any); len(vs) != 3 {
		t.Errorf("versions after restart: %v", vs)
	}
	for q, content := range map[string]string{"": "latest code", ":v1": "v1 code", ":v2": "v2 code"} {
		link := c.must(200, "GET", u+q+"/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
		if got := eGetLink(t, link); !bytes.Equal(got, eZip(t, content)) {
			t.Errorf("code of %q after restart: %d bytes", q, len(got))
		}
	}
	wantErr(t, "deleted function after restart", c.do("GET", "/functions/"+eURN("other")+"/config", nil), 404, "FSS.1051")
	// Latest differs from v2, so it can be published; then it is unchanged.
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})
	wantErr(t, "unchanged after restart", c.do("POST", u+"/versions", map[string]any{"version": "v4"}), 400, "FSS.1016")
}

// A damaged state.db, or a damaged state.json to import, is reported, not
// silently replaced.
func TestHTTPPersistenceDamagedState(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, dbFile), []byte(strings.Repeat("not a bbolt file", 512)), 0o600)
	if _, err := New(Options{StateDir: dir}); err == nil {
		t.Fatal("a damaged state.db opened without error")
	}
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, legacyStateFile), []byte(`{"functions": {"x`), 0o644)
	if _, err := New(Options{StateDir: dir}); err == nil {
		t.Fatal("a truncated state.json imported without error")
	}
	if _, err := os.Stat(filepath.Join(dir, legacyStateFile)); err != nil {
		t.Errorf("the state.json that failed to import is gone: %v", err)
	}
}

// ---------------------------------------------------------------------------
// 5. Concurrency

func TestHTTPConcurrent(t *testing.T) {
	dir := t.TempDir()
	s, c := eNew(t, Options{StateDir: dir})
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n*8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("fn%02d", i)
			u := "/functions/" + eURN(name)
			step := func(status int, method, path string, body any) {
				if r := c.do(method, path, body); r.err != nil || r.status != status {
					errs <- fmt.Sprintf("%s %s %s: %v", name, method, path, r)
				}
			}
			step(200, "POST", "/functions", eCreateBody(t, name, name))
			step(200, "PUT", u+"/code", eCodeBody(t, name+" v2"))
			b := eConfigBody(name)
			b["memory_size"], b["user_data"] = 1024, fmt.Sprintf(`{"N":"%d"}`, i)
			step(200, "PUT", u+"/config", b)
			step(200, "POST", u+"/versions", map[string]any{"version": "v1"})
			step(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"})
			step(200, "GET", "/functions?maxitems=3", nil)
			step(200, "GET", u+"/config", nil)
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	check := func(s *Server, c *eClient) {
		t.Helper()
		m := c.must(200, "GET", "/functions", nil).obj()
		if m["count"] != float64(n) {
			t.Fatalf("count %v", m["count"])
		}
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("fn%02d", i)
			m := c.must(200, "GET", "/functions/"+eURN(name)+":!live/config", nil).obj()
			if m["digest"] != eHexSHA512(eZip(t, name+" v2")) || m["memory_size"] != 1024.0 || m["user_data"] != fmt.Sprintf(`{"N":"%d"}`, i) {
				t.Errorf("%s: %v", name, m)
			}
			f, _ := fnState(s, "default", name)
			if len(f.Versions) != 1 || len(f.Published) != 1 || len(f.Aliases) != 1 {
				t.Errorf("%s state: %+v", name, f)
			}
		}
	}
	check(s, c)
	st := s.Stats()
	if len(st.Publishes) != n || st.Requests["POST functions"] != n || st.Faults != 0 {
		t.Errorf("stats: %+v", st)
	}
	// The store holds every function too once reopened.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, c2 := eNew(t, Options{StateDir: dir})
	check(s2, c2)
}

// ---------------------------------------------------------------------------
// 6. Fault injection

func TestHTTPFaultsDeterministic(t *testing.T) {
	run := func(seed int64) ([]int, []eResp, Stats) {
		s, c := eNew(t, Options{FaultRate: 0.5, Seed: seed})
		var statuses []int
		var resps []eResp
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

func TestHTTPFaultRetryAfter(t *testing.T) {
	for ra, want := range map[time.Duration]string{-1: "0", 2500 * time.Millisecond: "3", 2 * time.Second: "2"} {
		_, c := eNew(t, Options{FaultRate: 1, Seed: 7, RetryAfter: ra})
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
	s, c := eNew(t, Options{FaultRate: 1})
	s.SetFaultRate(0)
	for i := 0; i < 10; i++ {
		c.must(200, "GET", "/functions", nil)
	}
}

// With FaultAfterEffect a publish that fails with 500 or a dropped
// connection did happen; without it, it did not. A 429 never happens.
func TestHTTPFaultAfterEffect(t *testing.T) {
	for _, after := range []bool{true, false} {
		t.Run(fmt.Sprint("after=", after), func(t *testing.T) {
			s, c := eNew(t, Options{FaultAfterEffect: after, Seed: 7, VersionCap: 1000})
			u := "/functions/" + eURN("hello")
			c.must(200, "POST", "/functions", eCreateBody(t, "hello", "0"))
			kinds := map[int]int{}
			for i := 0; i < 100 && (kinds[500] == 0 || kinds[0] == 0 || kinds[429] == 0); i++ {
				c.must(200, "PUT", u+"/code", eCodeBody(t, fmt.Sprint(i+1)))
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
					if exists && got.obj()["digest"] != eHexSHA512(eZip(t, fmt.Sprint(i+1))) {
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
				c.must(200, "PUT", u+"/code", eCodeBody(t, "retry"))
				s.SetFaultRate(1)
				var r eResp
				for r = c.do("POST", u+"/versions", map[string]any{"version": "retried"}); r.status == 429; r = c.do("POST", u+"/versions", map[string]any{"version": "retried"}) {
				}
				s.SetFaultRate(0)
				wantErr(t, "retried publish", c.do("POST", u+"/versions", map[string]any{"version": "retried"}), 400, "FSS.1016")
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 7. Fuzz targets

// FuzzURNParts: parseURN never panics, anything it accepts round-trips,
// and a URN built from valid parts parses back to the same parts.
func FuzzURNParts(f *testing.F) {
	f.Add("urn:fss:cn-north-4:"+ePID+":function:default:hello:latest", "cn-north-4", ePID, "default", "hello", "")
	f.Add("urn:fss:r:p:function:pkg:name:!live", "r", "p", "pkg", "name", "latest")
	f.Add("urn:fss:r:p:function:pkg:name:v1:extra", "ap-southeast-1", "p", "pkg", "name", "!live")
	f.Add("urn:fss::::::", "r", "p", "pkg", "name", "v20260304-050607")
	f.Add("", "r", "p", "pkg", "name", "!")
	f.Add("urn:fss:r:p:function:a:b:", "r", "", "pkg", "name", "1.0")
	f.Add("urn:fss:r:p:function:a:b:!", "r:x", "p", "pkg", "name", "v1")
	f.Fuzz(func(t *testing.T, raw, region, project, pkg, name, qual string) {
		if u, err := parseURN(raw); err == nil {
			if u.region == "" || u.project == "" || u.pkg == "" || u.name == "" || (u.version != "" && u.alias != "") {
				t.Fatalf("%q parsed as %+v", raw, u)
			}
			q := ""
			if u.alias != "" {
				q = ":!" + u.alias
			} else if u.version != "" {
				q = ":" + u.version
			}
			again, err := parseURN(fmt.Sprintf("urn:fss:%s:%s:function:%s:%s%s", u.region, u.project, u.pkg, u.name, q))
			if err != nil || again != u {
				t.Fatalf("%q → %+v does not round-trip: %+v %v", raw, u, again, err)
			}
		} else if err.status != 400 || err.code != "FSS.1309" {
			t.Fatalf("%q: %v", raw, err)
		}

		s := "urn:fss:" + region + ":" + project + ":function:" + pkg + ":" + name
		if qual != "" {
			s += ":" + qual
		}
		u, err := parseURN(s)
		valid := true
		for _, p := range []string{region, project, pkg, name} {
			valid = valid && p != "" && !strings.Contains(p, ":")
		}
		if strings.Contains(qual, ":") || qual == "!" {
			valid = false
		}
		if !valid {
			if err == nil && (region == "" || project == "" || pkg == "" || name == "") {
				t.Fatalf("%q with an empty part parsed as %+v", s, u)
			}
			return
		}
		want := urn{region: region, project: project, pkg: pkg, name: name}
		switch {
		case strings.HasPrefix(qual, "!"):
			want.alias = qual[1:]
		case qual != "": // ":latest" stays a qualifier: DELETE {urn}:latest is refused
			want.version = qual
		}
		if err != nil || u != want {
			t.Fatalf("%q parsed as %+v, %v; want %+v", s, u, err, want)
		}
		if u.key() != fnKey(pkg, name) {
			t.Fatalf("key %q", u.key())
		}
	})
}

var (
	eHeaderName = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)
	eMethod     = regexp.MustCompile(`^[A-Z]{1,10}$`)
)

// FuzzSignedVerify: verify never panics on random requests, and a request
// signed correctly over any path, query, headers and body verifies, as it
// would after the trip over the wire (the path is escaped by the client and
// parsed by the server).
func FuzzSignedVerify(f *testing.F) {
	f.Add("GET", "/v2/p/fgs/functions", "marker=0&maxitems=2", "SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=00", "x-project-id", "p", "", "host;x-project-id")
	f.Add("POST", "/v2/p/fgs/functions/urn:fss:r:p:function:default:h:!live/aliases", "", "garbage", "content-type", "application/json", `{"name":"x"}`, "content-type")
	f.Add("PUT", "/x/ü/%zz/ /", "a=1&a=0&b=%20+c&&=", "SDK-HMAC-SHA256 Access=, SignedHeaders=;;, Signature=", "x-sdk-content-sha256", "UNSIGNED-PAYLOAD", "\x00\xff", "x-sdk-content-sha256")
	f.Add("DELETE", "", "%", "SDK-HMAC-SHA256 ", "x-odd", "  spaced  value ", "", "X-ODD;Host")
	f.Add("GET", "//double//slash", "q=%E2%82%AC", "SDK-HMAC-SHA256 Access=a,SignedHeaders=x-sdk-date,Signature=zz,Extra", "user-agent", "fuzz/1.0", "", "user-agent;x-sdk-date")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, method, path, query, auth, hname, hvalue, body, signedList string) {
		// Random requests never panic.
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}, Host: "fgs.example.com"}
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Sdk-Date", hvalue)
		req.Header.Set(hname, hvalue)
		verify(req, []byte(body), "a", "s", now)
		req.Header.Set("X-Sdk-Date", now.Format(sdkDateFormat))
		verify(req, []byte(body), "a", "s", now)

		// A correctly signed request verifies.
		if !eMethod.MatchString(method) {
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		hname = strings.ToLower(hname)
		if !eHeaderName.MatchString(hname) || hname == "authorization" || hname == "x-sdk-date" || hname == "host" {
			hname = "x-fuzz"
		}
		hvalue = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, hvalue)
		signed := []string{"x-sdk-date"}
		for _, n := range strings.Split(signedList, ";") {
			if l := strings.ToLower(n); eHeaderName.MatchString(l) && l != "authorization" {
				signed = append(signed, n)
			}
		}
		wire := &url.URL{Scheme: "http", Host: "fgs.example.com", Path: path, RawQuery: query}
		parsed, err := url.ParseRequestURI(wire.RequestURI())
		if err != nil {
			return // no client can send this request line
		}
		r := &http.Request{Method: method, URL: parsed, Header: http.Header{}, Host: "fgs.example.com"}
		r.Header.Set(hname, hvalue)
		r.Header.Set("X-Sdk-Date", now.Add(-14*time.Minute).Format(sdkDateFormat))
		bodyHash := eHexSHA256([]byte(body))
		if r.Header.Get("X-Sdk-Content-Sha256") == "UNSIGNED-PAYLOAD" {
			bodyHash = "UNSIGNED-PAYLOAD"
		}
		// The client signs its own view: the path and query it meant to send.
		cr := canonicalRequest(method, wire.Path, wire.Query(), signed, func(n string) string {
			if n == "host" {
				return wire.Host
			}
			return r.Header.Get(n)
		}, bodyHash)
		r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=a, SignedHeaders="+strings.Join(signed, ";")+", Signature="+signature("s", r.Header.Get("X-Sdk-Date"), cr))
		if err := verify(r, []byte(body), "a", "s", now); err != nil {
			t.Fatalf("correct signature refused: %v\npath %q query %q signed %q\n%s", err, path, query, signed, cr)
		}
		// And the wrong key does not.
		if err := verify(r, []byte(body), "a", "t", now); err == nil {
			t.Fatal("a wrong secret key verified")
		}
	})
}

// ---------------------------------------------------------------------------
// Regressions: each subtest guards a bug the emulator once had, and fails
// if it comes back.

func TestHTTPRegressions(t *testing.T) {
	dir := t.TempDir()
	o := Options{AccessKey: eAK, SecretKey: eSK, ProjectID: ePID, Region: eRegion, StateDir: dir}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // a regression may panic a handler
	hs.Start()
	t.Cleanup(func() { hs.Close(); s.Close() })
	c := eClientFor(t, hs.URL, o)
	u := "/functions/" + eURN("hello")
	c.must(200, "POST", "/functions", eCreateBody(t, "hello", "x"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})

	// The code link served any file of the state directory, state.json
	// with every secret included, without authentication.
	t.Run("code link path traversal", func(t *testing.T) {
		for _, p := range []string{"/_emulator/code/../state.json", "/_emulator/code/..%2fstate.json",
			"/_emulator/code/../" + dbFile, "/_emulator/code/..%2f" + dbFile, "/_emulator/code/%2e%2e%2f" + dbFile} {
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
		b := eConfigBody("hello")
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
		c.must(200, "POST", "/functions", eCreateBody(t, "keepme", "k"))
		wantErr(t, "DELETE :latest", c.do("DELETE", "/functions/"+eURN("keepme")+":latest", nil), 400, "FSS.1015")
		c.must(200, "GET", "/functions/"+eURN("keepme")+"/config", nil)
	})
	// additional_version_strategy could name a version that does not exist.
	t.Run("strategy versions", func(t *testing.T) {
		c.must(200, "PUT", u+"/code", eCodeBody(t, "two"))
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
		c.must(200, "PUT", u+"/code", eCodeBody(t, "three"))
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
