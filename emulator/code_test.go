package emulator

// Code: upload encodings and limits.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// A base64 body written with JSON escapes ("\/", as PHP's encoder
// writes) decodes to the same package and digest.
func TestEscapedBase64(t *testing.T) {
	_, c := newServer(t, Options{})
	z := zipOf(t, strings.Repeat("def handler(e, c): return '???'\n", 50))
	digest := hexSHA512(z)
	b64 := base64.StdEncoding.EncodeToString(z)
	if !strings.Contains(b64, "/") {
		b64 = base64.StdEncoding.EncodeToString(append(z, 0xff, 0xff, 0xff)) // make sure there is a "/"
		z = append(z, 0xff, 0xff, 0xff)
		digest = hexSHA512(z)
	}
	raw := fmt.Sprintf(`{"func_name":"esc","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"%s"}}`,
		strings.ReplaceAll(b64, "/", `\/`))
	st, m := c.do("POST", "/functions", json.RawMessage(raw)).fields()
	if st != 200 || m["digest"] != digest || m["code_size"] != float64(len(z)) {
		t.Fatalf("escaped base64: %d %v", st, m)
	}
	for _, bad := range []string{`{"file":12}`, `{"file":"@@@@"}`} {
		raw := `{"code_type":"zip","code_filename":"c.zip","func_code":` + bad + `}`
		if st, m := c.do("PUT", "/functions/"+urnOf("esc")+"/code", json.RawMessage(raw)).fields(); st != 400 || m["error_code"] != "FSS.1011" {
			t.Errorf("%s: %d %v", bad, st, m)
		}
	}
	if st, m := c.do("PUT", "/functions/"+urnOf("esc")+"/code", json.RawMessage(`{"code_type":"zip","code_filename":"c.zip","func_code":{}}`)).fields(); st != 400 || m["error_code"] != "FSS.1012" {
		t.Errorf("no file: %d %v", st, m)
	}
}

// A body announcing more than the emulator reads is 413 FSS.0413 (the
// package limits, below HTTP, are fgs's TestPackageLimits).
func TestUploadLimits(t *testing.T) {
	req := httptest.NewRequest("PUT", "/v2/"+testPID+"/fgs/functions/"+urnOf("big")+"/code", strings.NewReader("{}"))
	req.ContentLength = httpapi.MaxBody + 1
	rec := httptest.NewRecorder()
	s, err := New(Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.ServeHTTP(rec, req)
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "FSS.0413") {
		t.Errorf("oversized body: %d %s", rec.Code, rec.Body)
	}
}
