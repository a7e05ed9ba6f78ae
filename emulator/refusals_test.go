package emulator

import (
	"strings"
	"testing"
)

// Which refusal an odd request gets, when several apply: the project id
// of the path before the shape of what follows, a bad URN before an
// unknown sub-path or method, a dependency version that is not a number
// before the method; a path of no known family is the gateway's 404
// whatever its project id.
func TestRefusalOrder(t *testing.T) {
	_, c := newServer(t, Options{})
	other := "/v2/" + strings.Repeat("0", 32) + "/fgs"
	own := "/v2/" + testPID + "/fgs"
	good, bad := urnOf("hello"), "urn:fss:nowhere"
	c.must(200, "POST", "/functions", createReq(t, "hello", "1"))
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", other + "/triggers/a/b", 403, "FSS.0403"},
		{"GET", own + "/triggers/a/b", 404, "APIG.0101"},
		{"GET", own + "/triggers", 404, "APIG.0101"},
		{"PATCH", own + "/triggers/" + bad, 400, "FSS.1309"},
		{"PATCH", own + "/triggers/" + good, 404, "APIG.0101"},
		{"GET", own + "/triggers/" + bad + "/TIMER/x", 400, "FSS.1309"},
		{"GET", own + "/functions/" + bad + "/nosuch", 400, "FSS.1309"},
		{"GET", own + "/functions/" + bad + "/a/b/c", 400, "FSS.1309"},
		{"GET", own + "/functions/" + good + "/nosuch", 404, "APIG.0101"},
		{"GET", own + "/functions/" + good, 404, "APIG.0101"},
		{"POST", own + "/functions/" + good + "/aliases/x", 404, "APIG.0101"},
		{"GET", own + "/functions/" + good + "/aliases/x/y", 404, "APIG.0101"},
		{"GET", own + "/functions/" + good + "/statistics/x/y", 404, "APIG.0101"},
		{"PATCH", other + "/functions", 403, "FSS.0403"},
		{"PATCH", own + "/functions", 404, "APIG.0101"},
		{"GET", other + "/functions/" + bad, 403, "FSS.0403"},
		{"POST", own + "/dependencies/x/version/abc", 404, "FSS.1056"},
		{"POST", own + "/dependencies/x/version/5", 404, "APIG.0101"},
		{"GET", own + "/dependencies/version", 404, "APIG.0101"},
		{"GET", other + "/dependencies/a/b/c/d", 403, "FSS.0403"},
		{"GET", own + "/dependencies/a/b/c/d", 404, "APIG.0101"},
		{"GET", other + "/bogus", 404, "APIG.0101"},
		{"GET", own, 404, "APIG.0101"},
		{"GET", "/v3/projects/", 404, "APIG.0101"},
		{"POST", "/v3/projects", 404, "APIG.0101"},
		{"GET", own + "//functions", 404, "APIG.0101"},
		{"GET", own + "/functions//config", 400, "FSS.1309"},
	} {
		wantErr(t, tc.method+" "+tc.path, c.do(tc.method, tc.path, nil), tc.status, tc.code)
	}
	// A trailing slash is the same path.
	c.must(200, "GET", own+"/functions/"+good+"/config/", nil)
}
