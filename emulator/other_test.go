package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Config fields the emulator keeps without interpreting them are created,
// replaced by a config update like every other field (absent: cleared),
// snapshotted by versions and returned by GET config.
func TestOtherConfigFields(t *testing.T) {
	srv, err := New(Options{ProjectID: ePID, Region: eRegion, Token: eToken, Now: func() time.Time { return eClock }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	base := "/v2/" + ePID + "/fgs/functions"
	urn := "urn:fss:" + eRegion + ":" + ePID + ":function:default:fn"
	do := func(method, path, body string) map[string]any {
		t.Helper()
		req := httptest.NewRequest(method, "http://fgs.test"+path, bytes.NewReader([]byte(body)))
		req.Header.Set("X-Auth-Token", eToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		var m map[string]any
		json.Unmarshal(rec.Body.Bytes(), &m)
		return m
	}
	zip := base64.StdEncoding.EncodeToString(eZip(t, "1"))
	m := do("POST", base, `{"func_name":"fn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,
		"code_type":"zip","code_filename":"c.zip","func_code":{"file":"`+zip+`"},"enable_dynamic_memory":true,"not_a_field":1}`)
	if m["enable_dynamic_memory"] != true || m["not_a_field"] != nil {
		t.Fatalf("create: %v", m)
	}
	cfg := `{"func_name":"fn","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3`
	do("PUT", base+"/"+urn+"/config", cfg+`,"enable_dynamic_memory":true,"heartbeat_handler":"index.beat","gpu_memory":1024}`)
	do("POST", base+"/"+urn+"/versions", `{"version":"v1"}`)
	do("PUT", base+"/"+urn+"/config", cfg+`}`)
	m = do("GET", base+"/"+urn+"/config", "")
	for _, k := range []string{"enable_dynamic_memory", "heartbeat_handler", "gpu_memory"} {
		if _, has := m[k]; has {
			t.Errorf("latest still has %s after a config update without it: %v", k, m[k])
		}
	}
	m = do("GET", base+"/"+urn+":v1/config", "")
	if m["enable_dynamic_memory"] != true || m["heartbeat_handler"] != "index.beat" || m["gpu_memory"] != float64(1024) {
		t.Errorf("v1 lost its settings: %v", m)
	}
}

// Triggers are stored per version or alias, listed as a bare array, go
// with their version, and keep their alias from being deleted (FSS.1154).
func TestTriggers(t *testing.T) {
	srv, err := New(Options{ProjectID: ePID, Region: eRegion, Token: eToken, Now: func() time.Time { return eClock }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	do := func(method, path, body string) (int, string) {
		req := httptest.NewRequest(method, "http://fgs.test/v2/"+ePID+"/fgs"+path, bytes.NewReader([]byte(body)))
		req.Header.Set("X-Auth-Token", eToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	urn := "urn:fss:" + eRegion + ":" + ePID + ":function:default:fn"
	zip := base64.StdEncoding.EncodeToString(eZip(t, "1"))
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
		code, body := do(st.method, st.path, st.body)
		if code != st.status || !strings.Contains(body, st.want) {
			t.Fatalf("%s %s: %d %s; want %d with %q", st.method, st.path, code, body, st.status, st.want)
		}
	}
}
