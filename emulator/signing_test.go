package emulator

// Authentication: the SDK-HMAC-SHA256 verifier against published vectors,
// the gateway's answers to every kind of failure, and requests as clients
// really sign them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
)

func headerFunc(m map[string]string) func(string) string {
	return func(n string) string { return m[n] }
}

func TestSignatureVectors(t *testing.T) {
	emptyHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if hexSHA256(nil) != emptyHash {
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
			cr := auth.CanonicalRequest(v.method, v.path, v.query, v.signed, headerFunc(v.headers), hexSHA256([]byte(v.body)))
			if v.crHash != "" {
				if h := hexSHA256([]byte(cr)); h != v.crHash {
					t.Errorf("canonical request hash %s, want %s\n%s", h, v.crHash, cr)
				}
			}
			if got := auth.Signature(v.sk, v.date, cr); got != v.want {
				t.Fatalf("signature %s, want %s\ncanonical request:\n%s", got, v.want, cr)
			}

			// The same request over HTTP passes authentication: the
			// emulator answers with a routing result, not 401.
			date, _ := time.Parse(auth.DateFormat, v.date)
			pid := v.pid
			if pid == "" {
				pid = testPID
			}
			_, c := newServer(t, Options{AccessKey: v.ak, SecretKey: v.sk, ProjectID: pid, Region: "cn-north-4", Now: func() time.Time { return date }})
			u := c.base + v.path
			if len(v.query) > 0 {
				u += "?" + v.query.Encode()
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

func TestAuthFailures(t *testing.T) {
	now := testClock
	_, c := newServer(t, Options{Token: testToken, Now: func() time.Time { return now }})
	c.must(200, "GET", "/functions", nil)

	variant := func(f func(*client)) *client {
		v := *c
		f(&v)
		return &v
	}
	cases := []struct {
		name string
		c    *client
	}{
		{"bad signature", variant(func(v *client) {
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
		{"wrong secret key", variant(func(v *client) { v.sk = "not-the-secret" })},
		{"unknown access key", variant(func(v *client) { v.ak = "AK_UNKNOWN" })},
		{"date 16 minutes behind", variant(func(v *client) { v.now = func() time.Time { return now.Add(-16 * time.Minute) } })},
		{"date 16 minutes ahead", variant(func(v *client) { v.now = func() time.Time { return now.Add(16 * time.Minute) } })},
		{"missing Authorization", variant(func(v *client) { v.tamper = func(r *http.Request) { r.Header.Del("Authorization") } })},
		{"not SDK-HMAC-SHA256", variant(func(v *client) {
			v.tamper = func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }
		})},
		{"malformed Authorization", variant(func(v *client) {
			v.tamper = func(r *http.Request) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 garbage") }
		})},
		{"missing X-Sdk-Date", variant(func(v *client) { v.tamper = func(r *http.Request) { r.Header.Del("X-Sdk-Date") } })},
		{"x-sdk-date not signed", variant(func(v *client) { v.signed = []string{"host", "x-project-id"} })},
		{"path changed after signing", variant(func(v *client) {
			v.tamper = func(r *http.Request) { r.URL.RawQuery = "maxitems=3" }
		})},
		{"bad token", variant(func(v *client) { v.token = "another-token" })},
	}
	for _, tc := range cases {
		wantErr(t, tc.name, tc.c.do("GET", "/functions", nil), 401, "APIG.0301")
	}
	// A body changed after signing.
	tampered := variant(func(v *client) {
		v.tamper = func(r *http.Request) {
			b := []byte(`{"func_name":"evil"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
	})
	wantErr(t, "body changed after signing", tampered.do("POST", "/functions", createReq(t, "ok", "x")), 401, "APIG.0301")

	// 14 minutes off is within the allowed skew.
	c14 := variant(func(v *client) { v.now = func() time.Time { return now.Add(14 * time.Minute) } })
	c14.must(200, "GET", "/functions", nil)
	// UNSIGNED-PAYLOAD replaces the body hash.
	unsigned := variant(func(v *client) {})
	req := unsigned.request("POST", "/functions", nil)
	req.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	date := req.Header.Get("X-Sdk-Date")
	cr := auth.CanonicalRequest("POST", req.URL.Path, req.URL.Query(), []string{"x-sdk-date"}, func(n string) string { return req.Header.Get(n) }, "UNSIGNED-PAYLOAD")
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+testAK+", SignedHeaders=x-sdk-date, Signature="+auth.Signature(testSK, date, cr))
	b, _ := json.Marshal(createReq(t, "unsignedpayload", "x"))
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	if r := c.send(req); r.status != 200 {
		t.Errorf("UNSIGNED-PAYLOAD: %v", r)
	}

	// Project id: in the path, or in X-Project-Id.
	wrongPID := variant(func(v *client) { v.pid = "00000000000000000000000000000000" })
	wantErr(t, "wrong project id in path", wrongPID.do("GET", "/functions", nil), 403, "FSS.0403")
	wrongHeader := variant(func(v *client) {
		v.signed = []string{"host", "x-sdk-date"}
		v.tamper = func(r *http.Request) { r.Header.Set("X-Project-Id", "00000000000000000000000000000000") }
	})
	wantErr(t, "wrong X-Project-Id", wrongHeader.do("GET", "/functions", nil), 403, "FSS.0403")

	// Token authentication.
	tok := variant(func(v *client) { v.token = testToken })
	tok.must(200, "GET", "/functions", nil)
	tok.must(200, "POST", "/functions", createReq(t, "bytoken", "t"))

	// No token configured: no token is accepted.
	_, c2 := newServer(t, Options{})
	c2.token = "anything"
	wantErr(t, "token without Options.Token", c2.do("GET", "/functions", nil), 401, "APIG.0301")
	c2.token = ""
	c2.must(200, "GET", "/functions", nil)

	// IAM also needs authentication.
	wantErr(t, "unsigned IAM", variant(func(v *client) { v.ak, v.sk = "", "" }).do("GET", "/v3/projects?name="+testRegion, nil), 401, "APIG.0301")
}

// Signed requests with awkward paths and queries verify over the wire.
func TestSignedOddRequests(t *testing.T) {
	_, c := newServer(t, Options{})
	for _, p := range []string{
		"/functions?maxitems=2&marker=0&func_name=a%20b&package_name=x+y",
		"/functions?a=1&a=0&b=&c=%21%2A",
		"/functions/" + url.PathEscape(urnOf("nope")+":!alias") + "/config",
		"/functions/" + urnOf("nope") + ":!alias/config",
		"/functions/" + urnOf("nope") + "/aliases/%C3%BC%20x",
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

// A client may sign content-length and x-security-token too (the SDK signs
// every header but content-type and those with "_"); the emulator reads
// content-length where net/http keeps it, and accepts any security token.
func TestSignedContentLength(t *testing.T) {
	_, c := newServer(t, Options{})
	body := []byte(`{"func_name":"cl","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"inline","func_code":{"file":"cHJpbnQoMSk="}}`)
	req, _ := http.NewRequest("POST", c.base+"/v2/"+testPID+"/fgs/functions", bytes.NewReader(body))
	date := time.Now().UTC().Format(auth.DateFormat)
	req.Header.Set("X-Sdk-Date", date)
	req.Header.Set("X-Security-Token", "temporary-token")
	req.Header.Set("Content-Type", "application/json")
	signed := []string{"content-length", "host", "x-sdk-date", "x-security-token"}
	cr := auth.CanonicalRequest("POST", req.URL.Path, nil, signed, func(n string) string {
		switch n {
		case "host":
			return req.URL.Host
		case "content-length":
			return fmt.Sprint(len(body))
		}
		return req.Header.Get(n)
	}, hexSHA256(body))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+testAK+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+auth.Signature(testSK, date, cr))
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
func TestEscapedURN(t *testing.T) {
	_, c := newServer(t, Options{})
	u := "/functions/" + urnOf("hello")
	c.do("POST", "/functions", createReq(t, "hello", "x"))
	c.do("POST", u+"/versions", map[string]any{"version": "v1"})
	if st, m := c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}).fields(); st != 200 {
		t.Fatalf("alias: %d %v", st, m)
	}
	for _, raw := range []string{
		"urn:fss:" + testRegion + ":" + testPID + ":function:default:hello:%21live",
		strings.ReplaceAll("urn:fss:"+testRegion+":"+testPID+":function:default:hello:", ":", "%3A") + "%21live",
	} {
		req, _ := http.NewRequest("GET", c.base+"/v2/"+testPID+"/fgs/functions/"+raw+"/config", nil)
		date := time.Now().UTC().Format(auth.DateFormat)
		req.Header.Set("X-Sdk-Date", date)
		cr := auth.CanonicalRequest("GET", req.URL.Path, nil, []string{"x-sdk-date"}, req.Header.Get, hexSHA256(nil))
		req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+testAK+", SignedHeaders=x-sdk-date, Signature="+auth.Signature(testSK, date, cr))
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
