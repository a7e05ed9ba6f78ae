package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzRoutes are the writes a client can send a body to; {F} is the
// function's URN, {A} an alias name taken from the fuzz input.
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/functions"},
	{http.MethodPut, "/functions/{F}/config"},
	{http.MethodPut, "/functions/{F}/code"},
	{http.MethodPut, "/functions/{F}/config-max-instance"},
	{http.MethodPost, "/functions/{F}/versions"},
	{http.MethodPost, "/functions/{F}/aliases"},
	{http.MethodPut, "/functions/{F}/aliases/{A}"},
	{http.MethodDelete, "/functions/{F}:{A}"},
	{http.MethodDelete, "/functions/{F}/aliases/{A}"},
	{http.MethodPost, "/triggers/{F}:{A}"},
}

// FuzzRequestBodies sends arbitrary bodies to every write route of a
// function that has versions and aliases, then reads everything back. No
// input may make the emulator fail inside (500), answer with something
// that is not an FSS/APIG error body, or leave a state that reads fail on.
func FuzzRequestBodies(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `[]`, `"x"`, `{"func_name":null}`,
		`{"func_name":"gn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"` + base64.StdEncoding.EncodeToString([]byte("PK\x05\x06"+strings.Repeat("\x00", 18))) + `"}}`,
		`{"func_name":"fn","runtime":"Python3.10","handler":"i.h","memory_size":256,"timeout":30,"user_data":"{\"a\":\"b\"}","strategy_config":{"concurrency":-1}}`,
		`{"func_name":"fn","runtime":"Python3.10","handler":"i.h","memory_size":256,"timeout":30,"user_data":"not json"}`,
		`{"code_type":"zip","code_filename":"c.zip","func_code":{"file":"!!!"}}`,
		`{"code_type":"obs","code_url":"https://b.obs/x.zip"}`,
		`{"max_instance_num":-5}`, `{"max_instance_num":1e40}`,
		`{"version":"v9","description":"d"}`, `{"version":""}`, `{"version":"latest"}`,
		`{"name":"a2","version":"v1","additional_version_weights":{"latest":100}}`,
		`{"name":"a2","version":"v1","additional_version_weights":{"v1":10}}`,
		`{"name":"a2","version":"latest","additional_version_strategy":{"v1":{"combine_type":"and","rules":[null]}}}`,
		`{"version":"v1","additional_version_weights":{"latest":-1,"v1":200}}`,
		`{"name":"a2","version":"v1","additional_version_weights":null,"additional_version_strategy":{"v1":null}}`,
		`{"trigger_type_code":"TIMER","event_data":{"name":"t"}}`, `{"trigger_type_code":"APIG","trigger_status":"DISABLED","event_data":{}}`,
	}
	for i, s := range seeds {
		for r := range fuzzRoutes {
			if (i+r)%3 == 0 {
				f.Add(uint8(r), []byte(s), "live")
			}
		}
	}
	f.Add(uint8(7), []byte(``), "v1")
	f.Add(uint8(7), []byte(``), "latest")
	f.Add(uint8(6), []byte(`{"version":"v1"}`), "../../x")
	f.Fuzz(func(t *testing.T, route uint8, body []byte, name string) {
		srv, err := New(Options{AccessKey: "AK", SecretKey: "SK", ProjectID: ePID, Region: eRegion, Token: eToken, Now: func() time.Time { return eClock }})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		root := "/v2/" + ePID + "/fgs"
		base := root + "/functions"
		urn := "urn:fss:" + eRegion + ":" + ePID + ":function:default:fn"
		do := func(method, path string, body []byte) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, "http://fgs.test"+path, bytes.NewReader(body))
			req.Header.Set("X-Auth-Token", eToken)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec
		}
		// A function with two versions and an alias on each.
		zip := base64.StdEncoding.EncodeToString(eZip(t, "1"))
		setup := []struct {
			method, path, body string
		}{
			{"POST", base, `{"func_name":"fn","package":"default","runtime":"Python3.10","handler":"index.handler","memory_size":128,"timeout":3,"code_type":"zip","code_filename":"c.zip","func_code":{"file":"` + zip + `"}}`},
			{"POST", base + "/" + urn + "/versions", `{"version":"v1"}`},
			{"PUT", base + "/" + urn + "/config", `{"func_name":"fn","runtime":"Python3.10","handler":"index.handler","memory_size":256,"timeout":3}`},
			{"POST", base + "/" + urn + "/versions", `{"version":"v2"}`},
			{"POST", base + "/" + urn + "/aliases", `{"name":"live","version":"v1","additional_version_weights":{"v2":10}}`},
			{"POST", base + "/" + urn + "/aliases", `{"name":"beta","version":"v2"}`},
		}
		for _, s := range setup {
			if rec := do(s.method, s.path, []byte(s.body)); rec.Code >= 300 {
				t.Fatalf("setup %s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
			}
		}
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.ReplaceAll(rt.path, "{F}", urn)
		path = strings.ReplaceAll(path, "{A}", url.PathEscape(name))
		check := func(what string, rec *httptest.ResponseRecorder) {
			t.Helper()
			if rec.Code >= 500 {
				t.Fatalf("%s: %d %s", what, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var e struct {
					Code string `json:"error_code"`
					Msg  string `json:"error_msg"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Msg == "" {
					t.Fatalf("%s: %d with a body that is not an error: %q", what, rec.Code, rec.Body)
				}
			}
		}
		check(rt.method+" "+path, do(rt.method, root+path, body))
		// Whatever happened, the state reads back.
		for _, p := range []string{"", "/" + urn + "/config", "/" + urn + "/versions", "/" + urn + "/aliases", "/" + urn + ":v1/config", "/" + urn + "/code"} {
			check("GET "+p, do("GET", base+p, nil))
		}
		check("GET triggers", do("GET", root+"/triggers/"+urn+":v1", nil))
	})
}
