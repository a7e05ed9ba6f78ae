package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DateFormat is X-Sdk-Date's format.
const DateFormat = "20060102T150405Z"

// MaxSkew is how far X-Sdk-Date may be from the emulator's clock.
const MaxSkew = 15 * time.Minute

type authHeader struct {
	access, signature string
	signed            []string
}

func parseAuthorization(v string) (authHeader, error) {
	const prefix = "SDK-HMAC-SHA256 "
	if !strings.HasPrefix(v, prefix) {
		return authHeader{}, errors.New("authorization is not SDK-HMAC-SHA256")
	}
	var a authHeader
	for _, part := range strings.Split(v[len(prefix):], ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authHeader{}, errors.New("malformed authorization")
		}
		switch k {
		case "Access":
			a.access = val
		case "SignedHeaders":
			a.signed = strings.Split(val, ";")
		case "Signature":
			a.signature = val
		}
	}
	if a.access == "" || a.signature == "" || len(a.signed) == 0 {
		return authHeader{}, errors.New("authorization lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// escapeSegment percent-encodes every byte outside A-Za-z0-9-_.~ with
// uppercase hex.
func escapeSegment(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// canonicalURI escapes each segment of the unescaped path and ends it with "/".
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, escapeSegment(k)+"="+escapeSegment(v))
		}
	}
	return strings.Join(parts, "&")
}

// CanonicalRequest builds the string whose hash is signed. headerValue
// returns a signed header's value.
func CanonicalRequest(method, path string, query url.Values, signed []string, headerValue func(string) string, bodyHash string) string {
	var b strings.Builder
	b.WriteString(method + "\n")
	b.WriteString(canonicalURI(path) + "\n")
	b.WriteString(canonicalQuery(query) + "\n")
	names := append([]string(nil), signed...)
	for i := range names {
		names[i] = strings.ToLower(names[i])
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(n + ":" + strings.TrimSpace(headerValue(n)) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(strings.Join(names, ";") + "\n")
	b.WriteString(bodyHash)
	return b.String()
}

// Signature is the SDK-HMAC-SHA256 signature of a canonical request.
func Signature(secret, date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	sts := "SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(sum[:])
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// authError is a 401 the emulator returns for a request it cannot verify.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

// Verify checks a signed request. body is the exact bytes received.
func Verify(r *http.Request, body []byte, accessKey, secretKey string, now time.Time) error {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return &authError{"Incorrect IAM authentication information: " + err.Error()}
	}
	if a.access != accessKey {
		return &authError{"Incorrect IAM authentication information: Get secretKey failed,ak:******,err:ak not exist"}
	}
	date := r.Header.Get("X-Sdk-Date")
	t, err := time.Parse(DateFormat, date)
	if err != nil {
		return &authError{"Incorrect IAM authentication information: verify aksk signature fail, X-Sdk-Date is missing or not in the format 20060102T150405Z"}
	}
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		return &authError{"Incorrect IAM authentication information: verify aksk signature fail, X-Sdk-Date is more than 15 minutes off the server time"}
	}
	hasDate := false
	for _, h := range a.signed {
		hasDate = hasDate || strings.EqualFold(h, "x-sdk-date")
	}
	if !hasDate {
		return &authError{"Incorrect IAM authentication information: verify aksk signature fail, x-sdk-date is not among the signed headers"}
	}
	bodyHash := r.Header.Get("X-Sdk-Content-Sha256")
	if bodyHash != "UNSIGNED-PAYLOAD" {
		sum := sha256.Sum256(body)
		bodyHash = hex.EncodeToString(sum[:])
	}
	hv := func(name string) string {
		switch {
		case name == "host":
			return r.Host
		case name == "content-length" && r.ContentLength >= 0 && r.Header.Get(name) == "":
			return strconv.FormatInt(r.ContentLength, 10) // net/http keeps it out of Header
		}
		return strings.Join(r.Header.Values(name), ",")
	}
	want := Signature(secretKey, date, CanonicalRequest(r.Method, r.URL.Path, r.URL.Query(), a.signed, hv, bodyHash))
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return &authError{"Incorrect IAM authentication information: verify aksk signature fail"}
	}
	return nil
}
