package apiclient

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fgsdeploy/fgsdeploy/emulator"
)

func fixedTime(s string) func() time.Time {
	t, err := time.Parse(DateFormat, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

// The test vectors of the SDK's core/auth/signer tests (docs/api-notes.md).
func TestSignerVectors(t *testing.T) {
	t.Run("sdk GET", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://service.region.example.com/path?limit=1", nil)
		req.Header.Set("X-Sdk-Date", "20060102T150405Z")
		req.Header.Set("TEST_UNDERSCORE", "excluded")
		got := Signature("SecretKey", StringToSign("20060102T150405Z", CanonicalRequest(req, []string{"x-sdk-date"}, EmptyBodyHash)))
		if want := "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"; got != want {
			t.Fatalf("signature %s, want %s", got, want)
		}
	})
	t.Run("sdk POST", func(t *testing.T) {
		body := []byte(`{"Name":"test","Id":1}` + "\n")
		req, _ := http.NewRequest("POST", "https://service.region.example.com/path?key=value", nil)
		req.Header.Set("X-Sdk-Date", "20060102T150405Z")
		got := Signature("SecretKey", StringToSign("20060102T150405Z", CanonicalRequest(req, []string{"x-sdk-date"}, BodyHash(body))))
		if want := "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"; got != want {
			t.Fatalf("signature %s, want %s", got, want)
		}
	})
	t.Run("official guide", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", nil)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Sdk-Date", "20191115T033655Z")
		canonical := CanonicalRequest(req, []string{"content-type", "host", "x-sdk-date"}, EmptyBodyHash)
		wantCanonical := "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
			"content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n" +
			"content-type;host;x-sdk-date\n" + EmptyBodyHash
		if canonical != wantCanonical {
			t.Fatalf("canonical request\n%q\nwant\n%q", canonical, wantCanonical)
		}
		sum := sha256.Sum256([]byte(canonical))
		if got, want := hex.EncodeToString(sum[:]), "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"; got != want {
			t.Fatalf("canonical hash %s, want %s", got, want)
		}
		got := Signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", StringToSign("20191115T033655Z", canonical))
		if want := "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"; got != want {
			t.Fatalf("signature %s, want %s", got, want)
		}
	})
	t.Run("derived fgs config", func(t *testing.T) {
		const pid = "0123456789abcdef0123456789abcdef"
		urn := "urn:fss:cn-north-4:" + pid + ":function:default:hello:latest"
		req, _ := http.NewRequest("GET", "https://functiongraph.cn-north-4.myhuaweicloud.com/v2/"+pid+"/fgs/functions/"+urn+"/config", nil)
		req.Header.Set("X-Project-Id", pid)
		s := &Signer{AccessKey: "AK_EXAMPLE", SecretKey: "SK_EXAMPLE", Now: fixedTime("20240101T000000Z")}
		s.Sign(req, EmptyBodyHash)
		auth := req.Header.Get("Authorization")
		want := "SDK-HMAC-SHA256 Access=AK_EXAMPLE, SignedHeaders=host;x-project-id;x-sdk-date, Signature=67b5762938490cb4b1bc933f36c5a9c437a6694cce63dbf7edc1fa93c8b26b96"
		if auth != want {
			t.Fatalf("Authorization\n%s\nwant\n%s", auth, want)
		}
	})
	// A security token with a trailing space, signed by the SDK's
	// signer (v0.1.224, core/auth/signer: each value TrimSpace'd) for the
	// alias config read of hello:!live; sdkcheck compares the two signers
	// live on more tokens.
	t.Run("sdk security token with a trailing space", func(t *testing.T) {
		const pid = "0123456789abcdef0123456789abcdef"
		urn := "urn:fss:cn-north-4:" + pid + ":function:default:hello:!live"
		req, _ := http.NewRequest("GET", "https://functiongraph.cn-north-4.myhuaweicloud.com", nil)
		req.URL.Path = "/v2/" + pid + "/fgs/functions/" + urn + "/config"
		req.Header.Set("X-Project-Id", pid)
		req.Header.Set("X-Security-Token", "sts-token ")
		s := &Signer{AccessKey: "AK_EXAMPLE", SecretKey: "SK_EXAMPLE", Now: fixedTime("20240101T000000Z")}
		s.Sign(req, EmptyBodyHash)
		want := "SDK-HMAC-SHA256 Access=AK_EXAMPLE, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=a2adf047676bfe75cf5d35e4558081b5fc466211befb31962ec228e5208e49ff"
		if auth := req.Header.Get("Authorization"); auth != want {
			t.Fatalf("Authorization\n%s\nwant\n%s", auth, want)
		}
	})
}

func TestCanonicalURI(t *testing.T) {
	tests := map[string]string{
		"/v2/p/fgs/functions/urn:fss:r:p:function:default:f:!live/config": "/v2/p/fgs/functions/urn%3Afss%3Ar%3Ap%3Afunction%3Adefault%3Af%3A%21live/config/",
		"/":          "/",
		"":           "/",
		"/a b/c~d_e": "/a%20b/c~d_e/",
		"/ü":         "/%C3%BC/",
	}
	for in, want := range tests {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSign: a request signed by Sign passes the emulator's verifier (an
// implementation of its own, checked against the SDK's vectors) over real
// HTTP, whatever its method, path, query, body and security token; a
// token with spaces around it included, since net/http trims header
// values on the wire and the signature must be over the trimmed value, as
// the SDK's signer computes it. Signing is deterministic, and the same
// request with its body changed after signing is refused.
func FuzzSign(f *testing.F) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	srv, err := emulator.New(emulator.Options{AccessKey: "a", SecretKey: "s", ProjectID: "p", Region: "r", Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	f.Cleanup(hs.Close)
	f.Add(uint8(0), "/v2/p/fgs/functions/urn:fss:a:b:function:c:d/config", "a=1&b=2", "body", "")
	f.Add(uint8(1), "/", "", "", "sts-token ")
	f.Add(uint8(2), "/%zz/ü/!x", "k=v&k=w&x=%20", "{}", " \tspaced token\t ")
	f.Add(uint8(3), "/v2/p/fgs/functions/a b", "marker=0&maxitems=2&c=%21%2A", "\x00\xff", "t\u00a0")
	f.Add(uint8(4), "//double//slash/./..", "q=%E2%82%AC;x=1&&=", "{\"a\":1}", "   ")
	f.Fuzz(func(t *testing.T, m uint8, path, query, body, token string) {
		method := []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[int(m)%5]
		path = "/" + strings.TrimPrefix(path, "/")
		if strings.HasPrefix(path, "/_emulator/") || !sendable(query, false) || !sendable(token, true) {
			t.Skip() // not a FunctionGraph request, or not one net/http can send
		}
		send := func(body string) int {
			req, err := http.NewRequest(method, hs.URL, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Path, req.URL.RawQuery = path, query
			req.Header.Set("X-Project-Id", "p")
			if token != "" {
				req.Header.Set("X-Security-Token", token)
			}
			s := &Signer{AccessKey: "a", SecretKey: "s", Now: func() time.Time { return now }}
			s.Sign(req, BodyHash([]byte(body)))
			first := req.Header.Get("Authorization")
			s.Sign(req, BodyHash([]byte(body)))
			if req.Header.Get("Authorization") != first {
				t.Fatal("signing is not deterministic")
			}
			if body != "" {
				// Changed after signing: the bytes sent are not the signed ones.
				req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body+"!")), int64(len(body)+1)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized && body == "" {
				t.Fatalf("%s %q ?%q token %q: refused: %s", method, path, query, token, b)
			}
			return resp.StatusCode
		}
		send("")
		if body != "" && send(body) != http.StatusUnauthorized {
			t.Fatalf("%s %q: a body changed after signing was accepted", method, path)
		}
	})
}

// sendable reports whether s can go on the wire as net/http sends it:
// as a raw query (visible ASCII but '#'), or as a header value (no
// control characters but tab).
func sendable(s string, header bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case header && (c >= 0x20 && c != 0x7f || c == '\t'):
		case !header && c > 0x20 && c < 0x7f && c != '#':
		default:
			return false
		}
	}
	return true
}

// FuzzParseError: whatever the status and body, the error keeps the
// status and the header's request id, has a message, and says its code
// (or the status text) and status; a 429 is throttling whatever its body
// (a proxy's HTML page has no code), and not found is decided by code,
// never by status. A non-JSON body is the message, trimmed and cut at 200
// bytes. An error in each of the JSON shapes gateways use keeps its code,
// message and request id exactly.
func FuzzParseError(f *testing.F) {
	f.Add(404, []byte(`{"error_code":"FSS.1051","error_msg":"not found","request_id":"r"}`), "FSS.1051", "function not found", "rid")
	f.Add(429, []byte(`{"error":{"code":"APIG.0308","message":"throttled"}}`), "APIG.0308", "throttled", "")
	f.Add(429, []byte(`<html><body><h1>429 Too Many Requests</h1></body></html>`), "", "", "")
	f.Add(500, []byte(`<html>bad gateway</html>`), "FSS.0500", "the function does not exist", "x")
	f.Add(401, []byte(``), "APIGW.0301", " spaced ", "")
	f.Add(999, []byte(strings.Repeat("é", 150)), "FSS.1052", "m", "")
	f.Add(520, []byte(``), "", "", "") // a status net/http has no text for, no body
	f.Fuzz(func(t *testing.T, status int, body []byte, code, msg, id string) {
		e := parseError(status, body, "hdr")
		if e.StatusCode != status || e.RequestID != "hdr" || e.Message == "" {
			t.Fatalf("parseError(%d, %q) = %+v", status, body, e)
		}
		want := e.Code
		if want == "" {
			want = http.StatusText(status)
		}
		if want == "" {
			want = "HTTP"
		}
		if got := e.Error(); !strings.HasPrefix(got, want+" (") || !strings.Contains(got, fmt.Sprintf("(%d): ", status)) {
			t.Fatalf("Error() = %q", got)
		}
		if status == http.StatusTooManyRequests && !e.Throttled() {
			t.Fatalf("a 429 is not throttling: %+v", e)
		}
		if IsNotFound(e) && !notFoundCodes[e.Code] {
			t.Fatalf("not found by %+v", e)
		}
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			text := strings.TrimSpace(string(body))
			switch {
			case text == "" && e.Message != http.StatusText(status) && e.Message != "an empty answer":
				t.Fatalf("empty body: message %q", e.Message)
			case len(text) > 200 && e.Message != text[:200]+"…", text != "" && len(text) <= 200 && e.Message != text:
				t.Fatalf("body %q: message %q", body, e.Message)
			}
		}
		if code == "" || msg == "" || !utf8.ValidString(code) || !utf8.ValidString(msg) || !utf8.ValidString(id) {
			return
		}
		for _, shape := range []map[string]any{
			{"error_code": code, "error_msg": msg, "request_id": id},
			{"error": map[string]any{"code": code, "message": msg, "requestId": id}},
			{"errorCode": code, "errorMsg": msg, "request_id": id},
			{"code": code, "msg": msg, "requestId": id},
		} {
			b, _ := json.Marshal(shape)
			e := parseError(status, b, "")
			if e.Code != code || e.Message != msg || e.RequestID != id {
				t.Fatalf("%s: got code %q, message %q, request id %q", b, e.Code, e.Message, e.RequestID)
			}
			if e := parseError(status, b, "hdr"); e.RequestID != "hdr" {
				t.Fatalf("%s: the header's request id lost to %q", b, e.RequestID)
			}
			if throttling := code == "FSS.0429" || code == "APIG.0308" || code == "APIGW.0308"; throttling && !e.Throttled() {
				t.Fatalf("%s: not throttling", b)
			}
		}
	})
}

// notFoundCodes are the codes an error may be "not found" by.
var notFoundCodes = map[string]bool{"FSS.1051": true, "FSS.1052": true, "FSS.1053": true, "FSS.0404": true, "FSS.1131": true,
	"FSS.1132": true, "FSS.1136": true, "FSS.1138": true, "FSS.1140": true, "FSS.1174": true, "FSS.0401": true, "FSS.0500": true}

// FuzzCanonicalURI: never panics, is deterministic, ends in "/", uses only
// unreserved bytes and uppercase %XX, and unescapes back to the path.
func FuzzCanonicalURI(f *testing.F) {
	f.Add("/v2/p/fgs/functions/urn:fss:r:p:function:default:f:!live/config")
	f.Add("")
	f.Add("//a//")
	f.Add("/%41 ü~")
	f.Fuzz(func(t *testing.T, path string) {
		got := CanonicalURI(path)
		if got != CanonicalURI(path) {
			t.Fatal("not deterministic")
		}
		if !strings.HasSuffix(got, "/") {
			t.Fatalf("%q does not end in /", got)
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			if c == '%' {
				if i+2 >= len(got) || !isUpperHex(got[i+1]) || !isUpperHex(got[i+2]) {
					t.Fatalf("bad escape in %q", got)
				}
				i += 2
				continue
			}
			if c != '/' && shouldEscape(c) {
				t.Fatalf("unescaped %q in %q", c, got)
			}
		}
		back, err := url.PathUnescape(got)
		if err != nil {
			t.Fatal(err)
		}
		if back != path && back != path+"/" {
			t.Fatalf("%q unescapes to %q", got, back)
		}
	})
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }
