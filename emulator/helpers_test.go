package emulator

// The helpers of the emulator's tests: a small SDK-HMAC-SHA256 client of
// its own (it reuses only the verifier's canonicalRequest and signature,
// which the signing vectors pin down first), request bodies, and reads of
// the store.

import (
	"archive/zip"
	"bytes"
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
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
)

const (
	testAK     = "AK_EMU_HTTP_TEST"
	testSK     = "sk-emu-http-test/secret"
	testPID    = "fedcba9876543210fedcba9876543210"
	testRegion = "ap-southeast-1" // not the default, to check Options.Region is used
	testToken  = "token-for-emulator-tests"
)

// testClock is the fixed clock of most tests.
var testClock = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hexSHA512(b []byte) string {
	s := sha512.Sum512(b)
	return hex.EncodeToString(s[:])
}

// zipOf builds a deterministic zip (fixed mtime) holding index.py.
func zipOf(t testing.TB, content string) []byte {
	return makeZip(content)
}

// makeZip is zipOf for callers without a testing.TB; writing to memory
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

// client is a tiny SDK-HMAC-SHA256 client.
type client struct {
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

// reply is a response, or err when the connection failed.
type reply struct {
	status int
	header http.Header
	raw    []byte
	err    error
}

func (r reply) obj() map[string]any {
	m := map[string]any{}
	json.Unmarshal(r.raw, &m)
	return m
}

func (r reply) list() []any {
	var l []any
	json.Unmarshal(r.raw, &l)
	return l
}

// fields is the status and the decoded object, for tests that check both.
func (r reply) fields() (int, map[string]any) { return r.status, r.obj() }

func (r reply) code() string {
	c, _ := r.obj()["error_code"].(string)
	return c
}

func (r reply) String() string {
	if r.err != nil {
		return "error " + r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.status, r.raw)
}

// newServer makes a server (credentials filled in) behind httptest.NewServer
// and a client for it whose clock follows the server's.
func newServer(t testing.TB, o Options) (*Server, *client) {
	t.Helper()
	if o.AccessKey == "" {
		o.AccessKey, o.SecretKey = testAK, testSK
	}
	if o.ProjectID == "" {
		o.ProjectID = testPID
	}
	if o.Region == "" {
		o.Region = testRegion
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, clientFor(t, hs.URL, o)
}

func clientFor(t testing.TB, base string, o Options) *client {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	// No keep-alive: every request is a fresh connection, so the transport
	// never silently retries a GET whose connection was dropped.
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{t: t, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}, base: base,
		ak: o.AccessKey, sk: o.SecretKey, pid: o.ProjectID, now: now}
}

func (c *client) full(path string) string {
	if strings.HasPrefix(path, "/v2/") || strings.HasPrefix(path, "/v3/") || strings.HasPrefix(path, "/_") || strings.HasPrefix(path, "http") {
		return path
	}
	return "/v2/" + c.pid + "/fgs" + path
}

// request builds a signed request for path (relative to /v2/{pid}/fgs
// unless it starts with /v2/, /v3/ or /_).
func (c *client) request(method, path string, body []byte) *http.Request {
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
	// As the SDK's client: on every request, GET and DELETE too (the
	// strict emulator refuses a request without it).
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Project-Id", c.pid)
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
		return req
	}
	if c.sk == "" && c.ak == "" {
		return req // unsigned
	}
	date := c.now().UTC().Format(auth.DateFormat)
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
	cr := auth.CanonicalRequest(method, req.URL.Path, req.URL.Query(), signed, hv, hexSHA256(body))
	req.Header.Set("Authorization", fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s",
		c.ak, strings.Join(signed, ";"), auth.Signature(c.sk, date, cr)))
	return req
}

func (c *client) send(req *http.Request) reply {
	c.t.Helper()
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{err: err}
	}
	if resp.Header.Get("X-Request-Id") == "" {
		c.t.Errorf("%s %s: %d response without X-Request-Id", req.Method, req.URL.Path, resp.StatusCode)
	}
	return reply{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// do sends body as JSON (nil = no body) and returns the response.
func (c *client) do(method, path string, body any) reply {
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
func (c *client) must(status int, method, path string, body any) reply {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.err != nil || r.status != status {
		c.t.Fatalf("%s %s: %v, want %d", method, path, r, status)
	}
	return r
}

// wantErr checks a failure's status, error_code, error_msg and request_id.
func wantErr(t testing.TB, what string, r reply, status int, code string) {
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

func urnOf(name string) string {
	return "urn:fss:" + testRegion + ":" + testPID + ":function:default:" + name
}

func createReq(t testing.TB, name, content string) map[string]any {
	return map[string]any{
		"func_name": name, "package": "default", "runtime": "Python3.10", "handler": "index.handler",
		"memory_size": 256, "timeout": 30, "code_type": "zip", "code_filename": "code.zip", "type": "v2",
		"func_code":           map[string]string{"file": base64.StdEncoding.EncodeToString(zipOf(t, content))},
		"user_data":           `{"PLAIN":"1"}`,
		"encrypted_user_data": `{"SECRET":"s3cr3t-value"}`,
		"description":         "first", "xrole": "fgs-role",
	}
}

func codeReq(t testing.TB, content string) map[string]any {
	return map[string]any{"code_type": "zip", "code_filename": "code.zip",
		"func_code": map[string]string{"file": base64.StdEncoding.EncodeToString(zipOf(t, content))}}
}

func configReq(name string) map[string]any {
	return map[string]any{"func_name": name, "runtime": "Python3.10", "handler": "index.handler", "memory_size": 512, "timeout": 60}
}

// noSecret fails if a response carries encrypted_user_data or the secret.
func noSecret(t testing.TB, what string, r reply) {
	t.Helper()
	if bytes.Contains(r.raw, []byte("encrypted_user_data")) || bytes.Contains(r.raw, []byte("s3cr3t-value")) {
		t.Errorf("%s returned the encrypted user data: %s", what, r.raw)
	}
}

// fnState reads a function's stored records in a transaction of its own.
func fnState(s *Server, pkg, name string) (fgs.Stored, bool) { return s.fgs.Stored(pkg, name) }

func getLink(t testing.TB, link string) []byte {
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

func mustRequest(t testing.TB, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// modes runs f against an emulator in lenient and in strict mode.
func modes(t *testing.T, o Options, f func(t *testing.T, s *Server, c *client, strict bool)) {
	for _, strict := range []bool{false, true} {
		name := "lenient"
		if strict {
			name = "strict"
		}
		t.Run(name, func(t *testing.T) {
			o := o
			o.Strict = strict
			s, c := newServer(t, o)
			f(t, s, c, strict)
		})
	}
}

// mountConfigBody is a mount_config with n mounts, with or without mount_user.
func mountConfigBody(n int, user bool) map[string]any {
	mounts := []any{}
	for i := range n {
		mounts = append(mounts, map[string]any{"mount_type": "sfsTurbo", "mount_resource": fmt.Sprint("sfs-", i),
			"local_mount_path": fmt.Sprint("/mnt/data", i)})
	}
	mc := map[string]any{"func_mounts": mounts}
	if user {
		mc["mount_user"] = map[string]any{"user_id": -1, "user_group_id": -1}
	}
	return mc
}

var (
	functionTime = regexp.MustCompile(`^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\+08:00)?$`) // with the offset, or strictly without
	aliasTime    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
)

// serveDirect answers one request in process, without a listener or a
// signature (X-Auth-Token testToken; the server needs Options.Token), for
// the fuzz target and the child process of TestStoreSurvivesKill.
func serveDirect(s *Server, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fgs.test"+path, bytes.NewReader(body))
	req.Header.Set("X-Auth-Token", testToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// jsonOf is v, the test's own data, as JSON.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
