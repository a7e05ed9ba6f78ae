package obs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The verifier follows the documented V2 algorithm, checked here on the
// worked example of the S3 V2 reference (which OBS's V2 signature
// follows): GET /johnsmith/photos/puppy.jpg, path-style.
func TestOBSSignatureVector(t *testing.T) {
	r := httptest.NewRequest("GET", "http://127.0.0.1/johnsmith/photos/puppy.jpg", nil)
	r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
	if got, want := obsStringToSign(r, "x-amz-"), "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"; got != want {
		t.Fatalf("string to sign %q, want %q", got, want)
	}
	r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
	now := time.Date(2007, 3, 27, 19, 40, 0, 0, time.UTC)
	if e := verifyOBS(r, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", now); e != nil {
		t.Errorf("the documented signature is refused: %+v", e)
	}
	if e := verifyOBS(r, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", now.Add(time.Hour)); e == nil || e.code != "RequestTimeTooSkewed" {
		t.Errorf("an hour off: %+v", e)
	}
	// Sub-resources are signed, sorted; other parameters are not.
	r = httptest.NewRequest("PUT", "http://127.0.0.1/b/k?uploadId=U&partNumber=2&prefix=p", nil)
	r.Header.Set("Date", "x")
	r.Header.Set("X-Amz-Meta-Sha512", " abc ")
	if got, want := obsStringToSign(r, "x-amz-"), "PUT\n\n\nx\nx-amz-meta-sha512:abc\n/b/k?partNumber=2&uploadId=U"; got != want {
		t.Errorf("string to sign %q, want %q", got, want)
	}
}

// FuzzVerifyOBS: no Authorization header, however malformed, passes
// without the secret or panics the verifier.
func FuzzVerifyOBS(f *testing.F) {
	f.Add("AWS AK:sig", "Tue, 27 Mar 2007 19:36:42 GMT", "/b/k?uploads")
	f.Add("OBS :", "", "/")
	f.Fuzz(func(t *testing.T, auth, date, target string) {
		r, err := http.NewRequest("GET", "http://127.0.0.1"+target, nil)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		r.Header.Set("Authorization", auth)
		r.Header.Set("Date", date)
		if e := verifyOBS(r, "AK", "SK", time.Date(2007, 3, 27, 19, 36, 42, 0, time.UTC)); e == nil {
			t.Fatalf("accepted %q", auth)
		}
	})
}
