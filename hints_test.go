package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// Rule 12 (docs/api-notes.md): the gateway's codes are written APIG.* in
// one reference and APIGW.* in another for the same failures; a hint
// depends on the number, never on the prefix.
func TestRule12GatewayCodeHints(t *testing.T) {
	for _, tc := range []struct {
		code   string
		status int
		want   string // a word of the hint, "" for none
	}{
		{"0301", 401, "credentials were refused"},
		{"0303", 401, "credentials were refused"},
		{"0307", 401, "token expired"},
		{"0302", 403, "may not do this"},
		{"0304", 403, "may not do this"},
		{"0399", 403, "may not do this"}, // any 403 of the gateway
		{"0308", 429, "still throttled"},
		{"0101", 404, ""},
	} {
		for _, prefix := range []string{"APIG.", "APIGW."} {
			e := &apiclient.APIError{StatusCode: tc.status, Code: prefix + tc.code}
			got := apiHint(e)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("apiHint(%s %d) = %q, want a hint with %q", e.Code, tc.status, got, tc.want)
			}
		}
	}
	// FunctionGraph's 401 FSS.0401 means "not found", not bad credentials.
	if h := apiHint(&apiclient.APIError{StatusCode: 401, Code: "FSS.0401"}); h != "" {
		t.Errorf("FSS.0401 got hint %q", h)
	}
}

// Rule 12 against the emulator: a wrong secret key is refused with
// APIG.0301 (lenient) or APIGW.0301 (strict), and either gets the
// credentials hint.
func TestRule12WrongKeyHintBothModes(t *testing.T) {
	for _, strict := range []bool{false, true} {
		srv, err := emulator.New(emulator.Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, Region: testRegion, Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: testRegion, ProjectID: testProject, AccessKey: testAK, SecretKey: "wrong"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetConfig(context.Background(), c.FunctionURN("default", "f"))
		hs.Close()
		var ae *apiclient.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("strict=%v: %v, want an API error", strict, err)
		}
		want := map[bool]string{false: "APIG.0301", true: "APIGW.0301"}[strict]
		if ae.Code != want {
			t.Errorf("strict=%v: code %s, want %s", strict, ae.Code, want)
		}
		if !strings.Contains(apiHint(ae), "credentials were refused") {
			t.Errorf("strict=%v: hint %q", strict, apiHint(ae))
		}
	}
}
