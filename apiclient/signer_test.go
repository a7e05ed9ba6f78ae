package apiclient

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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

func FuzzSign(f *testing.F) {
	f.Add("GET", "/v2/p/fgs/functions/urn:fss:a:b:function:c:d/config", "a=1&b=2", "body")
	f.Add("POST", "/", "", "")
	f.Add("PUT", "/%zz/ü/!x", "k=v&k=w&x=%20", "{}")
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest("GET", "https://example.com", nil)
		if err != nil {
			t.Skip()
		}
		req.Method = method
		req.URL.Path = path
		req.URL.RawQuery = query
		s := &Signer{AccessKey: "a", SecretKey: "s", Now: fixedTime("20240101T000000Z")}
		s.Sign(req, BodyHash([]byte(body)))
		first := req.Header.Get("Authorization")
		s.Sign(req, BodyHash([]byte(body)))
		if req.Header.Get("Authorization") != first {
			t.Fatal("signing is not deterministic")
		}
	})
}

func FuzzParseError(f *testing.F) {
	f.Add(404, []byte(`{"error_code":"FSS.1051","error_msg":"not found","request_id":"r"}`))
	f.Add(429, []byte(`{"error":{"code":"APIG.0308","message":"throttled"}}`))
	f.Add(500, []byte(`<html>bad gateway</html>`))
	f.Add(401, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := parseError(status, body, "hdr")
		if e.Error() == "" || e.StatusCode != status {
			t.Fatalf("bad error %+v", e)
		}
		_ = IsNotFound(e)
		_ = e.Throttled()
	})
}

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
