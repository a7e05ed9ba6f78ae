package emulator

// Triggers: stored per version or alias, deleted with their version.

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// Triggers are stored per version or alias, listed as a bare array, go
// with their version, and keep their alias from being deleted (FSS.1154).
func TestTriggers(t *testing.T) {
	_, c := newServer(t, Options{Now: func() time.Time { return testClock }})
	urn := "urn:fss:" + testRegion + ":" + testPID + ":function:default:fn"
	zip := base64.StdEncoding.EncodeToString(zipOf(t, "1"))
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/functions", `{"func_name":"fn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"` + zip + `"}}`, 200, ""},
		{"POST", "/functions/" + urn + "/versions", `{"version":"v1"}`, 200, ""},
		{"POST", "/functions/" + urn + "/aliases", `{"name":"live","version":"v1"}`, 200, ""},
		{"GET", "/triggers/" + urn + ":v1", "", 200, `[]`},
		{"POST", "/triggers/" + urn + ":v1", `{"trigger_type_code":"TIMER","event_data":{"name":"t","schedule_type":"Rate","schedule":"1m"}}`, 200, `"trigger_status":"ACTIVE"`},
		{"POST", "/triggers/" + urn + ":!live", `{"trigger_type_code":"APIG","event_data":{"name":"api"}}`, 200, `"trigger_type_code":"APIG"`},
		{"POST", "/triggers/" + urn + ":v1", `{"trigger_type_code":"PIGEON","event_data":{}}`, 400, `"FSS.1101"`},
		{"POST", "/triggers/" + urn + ":v1", `{"trigger_type_code":"TIMER"}`, 400, `event_data is required`},
		{"GET", "/triggers/" + urn + ":v9", "", 404, `FSS.1052`},
		{"GET", "/triggers/" + urn + ":v1", "", 200, `"trigger_type_code":"TIMER"`},
		{"DELETE", "/functions/" + urn + "/aliases/live", "", 403, `FSS.1154`},
		{"DELETE", "/functions/" + urn + ":v1", "", 204, ""},
		{"GET", "/triggers/" + urn + ":v1", "", 404, `FSS.1052`},
		{"POST", "/functions/" + urn + "/versions", `{"version":"v1"}`, 200, ""},
		{"GET", "/triggers/" + urn + ":v1", "", 200, `[]`},
	}
	for _, st := range steps {
		var body any
		if st.body != "" {
			body = st.body
		}
		r := c.do(st.method, st.path, body)
		if r.status != st.status || !strings.Contains(string(r.raw), st.want) {
			t.Fatalf("%s %s: %v; want %d with %q", st.method, st.path, r, st.status, st.want)
		}
	}
}
