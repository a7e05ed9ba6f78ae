package apiclient

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Signer signs requests with SDK-HMAC-SHA256, the algorithm of the SDK's
// core/auth/signer (docs/api-notes.md, other facts).
type Signer struct {
	AccessKey, SecretKey string
	Now                  func() time.Time // nil = time.Now
}

// DateFormat is the format of X-Sdk-Date.
const DateFormat = "20060102T150405Z"

// UnsignedPayload, as X-Sdk-Content-Sha256, stands for the body's hash.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyBodyHash is the SHA-256 of no bytes.
const EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// shouldEscape reports whether c is outside A-Za-z0-9-_.~.
func shouldEscape(c byte) bool {
	return !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~')
}

// Escape percent-encodes every byte outside A-Za-z0-9-_.~ (uppercase hex).
func Escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// CanonicalURI escapes each segment of an unescaped path and appends "/".
func CanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = Escape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// CanonicalQuery sorts keys and values and escapes both.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(Escape(k))
			b.WriteByte('=')
			b.WriteString(Escape(v))
		}
	}
	return b.String()
}

// signedHeaderNames returns the lowercase names to sign (docs/api-notes.md,
// other facts): host;x-project-id;x-sdk-date, plus x-security-token and
// x-sdk-content-sha256 when the request carries them.
func signedHeaderNames(req *http.Request) []string {
	names := []string{"host"}
	for _, h := range []string{"x-project-id", "x-sdk-content-sha256", "x-sdk-date", "x-security-token"} {
		if req.Header.Get(h) != "" {
			names = append(names, h)
		}
	}
	sort.Strings(names)
	return names
}

func headerValue(req *http.Request, name string) string {
	if name == "host" {
		if req.Host != "" {
			return req.Host
		}
		return req.URL.Host
	}
	return strings.Join(req.Header.Values(name), ",")
}

// CanonicalRequest is METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nBODYHASH.
func CanonicalRequest(req *http.Request, signed []string, bodyHash string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(req.URL.Path))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(req.URL.Query()))
	b.WriteByte('\n')
	for _, n := range signed {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(headerValue(req, n)))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.String()
}

// StringToSign is SDK-HMAC-SHA256\nDATE\nHEX(SHA256(canonical)).
func StringToSign(date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return "SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(sum[:])
}

// Signature is HEX(HMAC-SHA256(secret, stringToSign)).
func Signature(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// BodyHash is the hex SHA-256 of body.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Sign sets X-Sdk-Date and Authorization on req. bodyHash is BodyHash of
// the exact bytes sent, or UnsignedPayload (then X-Sdk-Content-Sha256 is
// set and signed too). Headers added after Sign are not signed.
func (s *Signer) Sign(req *http.Request, bodyHash string) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	date := now().UTC().Format(DateFormat)
	req.Header.Set("X-Sdk-Date", date)
	if bodyHash == UnsignedPayload {
		req.Header.Set("X-Sdk-Content-Sha256", UnsignedPayload)
	}
	signed := signedHeaderNames(req)
	sig := Signature(s.SecretKey, StringToSign(date, CanonicalRequest(req, signed, bodyHash)))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+s.AccessKey+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}
