package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The canonical URI and query encodings of the SDK's signer.
func TestCanonicalEncoding(t *testing.T) {
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

var (
	headerNameRe = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)
	methodRe     = regexp.MustCompile(`^[A-Z]{1,10}$`)
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
	f.Add("GET", "/v2/p/fgs/functions", "a=1", "SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=00", "x-sdk-date", "", "", "host;x-sdk-date")
	f.Add("POST", "/x/!y/ü", "", "garbage", "content-type", "application/json", "{}", "host")
	f.Add("GET", "//double//slash", "q=%E2%82%AC", "SDK-HMAC-SHA256 Access=a,SignedHeaders=x-sdk-date,Signature=zz,Extra", "user-agent", "fuzz/1.0", "", "user-agent;x-sdk-date")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, method, path, query, auth, hname, hvalue, body, signedList string) {
		// Random requests never panic.
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}, Host: "fgs.example.com"}
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Sdk-Date", hvalue)
		req.Header.Set(hname, hvalue)
		Verify(req, []byte(body), "a", "s", now)
		req.Header.Set("X-Sdk-Date", now.Format(DateFormat))
		Verify(req, []byte(body), "a", "s", now)

		// A correctly signed request verifies.
		if !methodRe.MatchString(method) {
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		hname = strings.ToLower(hname)
		if !headerNameRe.MatchString(hname) || hname == "authorization" || hname == "x-sdk-date" || hname == "host" {
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
			if l := strings.ToLower(n); headerNameRe.MatchString(l) && l != "authorization" {
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
		r.Header.Set("X-Sdk-Date", now.Add(-14*time.Minute).Format(DateFormat))
		sum := sha256.Sum256([]byte(body))
		bodyHash := hex.EncodeToString(sum[:])
		if r.Header.Get("X-Sdk-Content-Sha256") == "UNSIGNED-PAYLOAD" {
			bodyHash = "UNSIGNED-PAYLOAD"
		}
		// The client signs its own view: the path and query it meant to send.
		cr := CanonicalRequest(method, wire.Path, wire.Query(), signed, func(n string) string {
			if n == "host" {
				return wire.Host
			}
			return r.Header.Get(n)
		}, bodyHash)
		r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=a, SignedHeaders="+strings.Join(signed, ";")+", Signature="+Signature("s", r.Header.Get("X-Sdk-Date"), cr))
		if err := Verify(r, []byte(body), "a", "s", now); err != nil {
			t.Fatalf("correct signature refused: %v\npath %q query %q signed %q\n%s", err, path, query, signed, cr)
		}
		// And the wrong key does not.
		if err := Verify(r, []byte(body), "a", "t", now); err == nil {
			t.Fatal("a wrong secret key verified")
		}
	})
}
