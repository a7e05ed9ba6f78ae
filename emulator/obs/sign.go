package obs

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
)

// The emulator's own verifier of OBS request signatures, in the form the
// official OBS Go client sends them (huaweicloud-sdk-go-obs, authV2.go;
// OBS API reference, "Authentication of Signature in a Header"): an
// Authorization header "AWS AK:SIGNATURE" (the client's default, with
// x-amz- headers) or "OBS AK:SIGNATURE" (with x-obs- headers), where
// SIGNATURE is the base64 HMAC-SHA1, keyed by the secret key, of
//
//	METHOD \n Content-MD5 \n Content-Type \n Date \n
//	CanonicalizedHeaders CanonicalizedResource
//
// Date is empty when x-amz-date (x-obs-date) is sent; CanonicalizedHeaders
// are the x-amz- (x-obs-) headers, lowercase, sorted, "name:value\n" each;
// CanonicalizedResource is the path as sent (/bucket/key, path-style) with
// the sub-resources of the query, sorted. It shares no code with the
// client, which signs with the SDK.

// obsSubresources are the query parameters that belong to the signed
// resource (OBS and S3 V2 references); other parameters (prefix,
// max-uploads, ...) are not signed.
var obsSubresources = map[string]bool{
	"acl": true, "append": true, "cors": true, "delete": true, "lifecycle": true, "location": true, "logging": true,
	"metadata": true, "modify": true, "notification": true, "partnumber": true, "policy": true, "position": true,
	"quota": true, "replication": true, "requestpayment": true, "restore": true, "storageclass": true,
	"storageinfo": true, "storagepolicy": true, "tagging": true, "torrent": true, "uploadid": true, "uploads": true,
	"versionid": true, "versioning": true, "versions": true, "website": true, "encryption": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"response-content-language": true, "response-content-type": true, "response-expires": true,
}

// obsAuthError is a refused OBS signature: the error code and message OBS
// answers with (always 403).
type obsAuthError struct{ code, msg string }

// verifyOBS checks an OBS request's signature against the credentials.
func verifyOBS(r *http.Request, accessKey, secretKey string, now time.Time) *obsAuthError {
	header := r.Header.Get("Authorization")
	if header == "" {
		return &obsAuthError{"AccessDenied", "Anonymous access is forbidden for this operation"}
	}
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || (scheme != "AWS" && scheme != "OBS") {
		return &obsAuthError{"AccessDenied", "the authorization header is not an OBS or AWS signature"}
	}
	ak, sig, ok := strings.Cut(cred, ":")
	if !ok || ak == "" || sig == "" {
		return &obsAuthError{"AccessDenied", "malformed authorization header"}
	}
	if ak != accessKey {
		return &obsAuthError{"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	}
	prefix := "x-amz-"
	if scheme == "OBS" {
		prefix = "x-obs-"
	}
	date := r.Header.Get("Date")
	if d := r.Header.Get(prefix + "date"); d != "" {
		date = d
	}
	t, err := http.ParseTime(date)
	if err != nil {
		t, err = time.Parse(time.RFC1123Z, date)
	}
	if err != nil {
		return &obsAuthError{"AccessDenied", "the request has no valid Date"}
	}
	if skew := now.Sub(t); skew > auth.MaxSkew || skew < -auth.MaxSkew {
		return &obsAuthError{"RequestTimeTooSkewed", "The difference between the request time and the server's time is too large."}
	}
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(obsStringToSign(r, prefix)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return &obsAuthError{"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	return nil
}

// obsStringToSign is the text an OBS V2 signature covers; prefix is
// "x-amz-" or "x-obs-".
func obsStringToSign(r *http.Request, prefix string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(r.Header.Get("Content-Md5") + "\n")
	b.WriteString(r.Header.Get("Content-Type") + "\n")
	if r.Header.Get(prefix+"date") == "" {
		b.WriteString(r.Header.Get("Date"))
	}
	b.WriteString("\n")
	var names []string
	for k := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, prefix) {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		vals := r.Header.Values(n)
		for i := range vals {
			vals[i] = strings.TrimSpace(vals[i])
		}
		b.WriteString(n + ":" + strings.Join(vals, ",") + "\n")
	}
	b.WriteString(r.URL.EscapedPath())
	var sub []string
	q := r.URL.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if obsSubresources[lk] || strings.HasPrefix(lk, prefix) {
			sub = append(sub, k)
		}
	}
	sort.Strings(sub)
	for i, k := range sub {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		b.WriteString(sep + k)
		if v := q.Get(k); v != "" {
			b.WriteString("=" + v)
		}
	}
	return b.String()
}
