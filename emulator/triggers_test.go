package emulator

// Triggers: the API as the SDK models it, its rules and codes, in both
// modes.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func timerBody(name string) map[string]any {
	return map[string]any{"trigger_type_code": "TIMER", "event_data": map[string]any{"name": name, "schedule_type": "Rate", "schedule": "1m"}}
}

func apigBody(path string) map[string]any {
	return map[string]any{"trigger_type_code": "APIG", "event_data": map[string]any{"name": "hello_api", "group_id": "g1", "env_id": "E1",
		"env_name": "RELEASE", "path": path, "req_method": "GET", "protocol": "HTTPS", "auth": "IAM", "match_mode": "SWA", "type": 1,
		"func_info": map[string]any{"timeout": 5000}}}
}

// withVersions makes function fn with versions v1 and v2 and alias live
// on v1.
func withVersions(t *testing.T, c *client, fn string) string {
	u := "/functions/" + urnOf(fn)
	c.must(200, "POST", "/functions", createReq(t, fn, "1"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
	c.must(200, "PUT", u+"/code", codeReq(t, "2"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"})
	return urnOf(fn)
}

// Triggers are stored per version or alias, listed as a bare array, go
// with their version, and keep their alias from being deleted (FSS.1154).
func TestTriggers(t *testing.T) {
	_, c := newServer(t, Options{Now: func() time.Time { return testClock }})
	urn := withVersions(t, c, "fn")
	steps := []struct {
		method, path string
		body         any
		status       int
		want         string
	}{
		{"GET", "/triggers/" + urn + ":v1", nil, 200, `[]`},
		{"POST", "/triggers/" + urn + ":v1", timerBody("t"), 201, `"trigger_status":"ACTIVE"`},
		{"POST", "/triggers/" + urn + ":!live", apigBody("/hello"), 201, `"invoke_url":"https://g1.apig.`},
		{"POST", "/triggers/" + urn + ":v1", map[string]any{"trigger_type_code": "PIGEON", "event_data": map[string]any{}}, 400, `"FSS.1101"`},
		{"POST", "/triggers/" + urn + ":v1", map[string]any{"trigger_type_code": "TIMER"}, 400, `event_data is required`},
		{"GET", "/triggers/" + urn + ":v9", nil, 404, `FSS.1052`},
		{"GET", "/triggers/" + urn + ":!beta", nil, 404, `FSS.1053`},
		{"GET", "/triggers/" + urn + ":v1", nil, 200, `"trigger_type_code":"TIMER"`},
		{"DELETE", "/functions/" + urn + "/aliases/live", nil, 403, `FSS.1154`},
		{"DELETE", "/functions/" + urn + ":v1", nil, 204, ""},
		{"GET", "/triggers/" + urn + ":v1", nil, 404, `FSS.1052`},
		{"PUT", "/functions/" + urn + "/code", codeReq(t, "3"), 200, ""},
		{"POST", "/functions/" + urn + "/versions", map[string]any{"version": "v1"}, 200, ""},
		{"GET", "/triggers/" + urn + ":v1", nil, 200, `[]`},
	}
	for _, st := range steps {
		r := c.do(st.method, st.path, st.body)
		if r.status != st.status || !strings.Contains(string(r.raw), st.want) {
			t.Fatalf("%s %s: %v; want %d with %q", st.method, st.path, r, st.status, st.want)
		}
	}
}

// Show, update and delete one trigger, by type and id; a missing one is
// 404 FSS.1131. Only the types the references list can be disabled, and
// strict takes the shorter list (no DMS).
func TestTriggerShowUpdateDelete(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		id := c.must(201, "POST", "/triggers/"+urn+":!live", timerBody("nightly")).obj()["trigger_id"].(string)
		one := "/triggers/" + urn + ":!live/TIMER/" + id
		if got := c.must(200, "GET", one, nil).obj()["trigger_id"]; got != id {
			t.Fatalf("show: %v", got)
		}
		wantErr(t, "show by the wrong type", c.do("GET", "/triggers/"+urn+":!live/APIG/"+id, nil), 404, "FSS.1131")
		wantErr(t, "show on another qualifier", c.do("GET", "/triggers/"+urn+":v1/TIMER/"+id, nil), 404, "FSS.1131")
		if got := c.must(200, "PUT", one, map[string]any{"trigger_status": "DISABLED"}).obj()["trigger_status"]; got != "DISABLED" {
			t.Fatalf("update: status %v", got)
		}
		if got := c.must(200, "GET", one, nil).obj()["trigger_status"]; got != "DISABLED" {
			t.Fatalf("after update: status %v", got)
		}
		wantErr(t, "bad status", c.do("PUT", one, map[string]any{"trigger_status": "OFF"}), 400, "FSS.0400")
		api := c.must(201, "POST", "/triggers/"+urn+":!live", apigBody("/hello")).obj()["trigger_id"].(string)
		wantErr(t, "disable an API trigger", c.do("PUT", "/triggers/"+urn+":!live/APIG/"+api, map[string]any{"trigger_status": "DISABLED"}), 400, "FSS.1318")
		dms := map[string]any{"trigger_type_code": "DMS", "trigger_status": "DISABLED", "event_data": map[string]any{"queue_id": "q", "consumer_group_id": "g", "polling_interval": 30}}
		if r := c.do("POST", "/triggers/"+urn+":v2", dms); strict {
			wantErr(t, "disabled DMS (strict)", r, 400, "FSS.1318")
		} else if r.status != 201 {
			t.Errorf("disabled DMS (lenient): %v", r)
		}
		c.must(204, "DELETE", one, nil)
		wantErr(t, "delete again", c.do("DELETE", one, nil), 404, "FSS.1131")
		if n := len(c.must(200, "GET", "/triggers/"+urn+":!live", nil).list()); n != 1 {
			t.Errorf("%d triggers on live after the delete, want 1", n)
		}
	})
}

// UpdateTrigger changes the status and UpdateriggerEventData's fields:
// as an array (the SDK and both references) in both modes, as an object
// (the Terraform provider) only in lenient mode; a field the type does
// not have, or one no update takes, is refused in strict mode.
func TestTriggerUpdateEventData(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		dis := map[string]any{"trigger_type_code": "DIS", "event_data": map[string]any{"stream_name": "s", "sharditerator_type": "TRIM_HORIZON",
			"batch_size": 100, "polling_interval": 30, "polling_unit": "s", "is_serial": "true"}}
		id := c.must(201, "POST", "/triggers/"+urn+":v1", dis).obj()["trigger_id"].(string)
		one := "/triggers/" + urn + ":v1/DIS/" + id
		r := c.must(200, "PUT", one, map[string]any{"event_data": []any{map[string]any{"polling_interval": 60, "is_serial": false}}})
		ed := r.obj()["event_data"].(map[string]any)
		if ed["polling_interval"] != float64(60) || ed["is_serial"] != "false" || ed["stream_name"] != "s" {
			t.Errorf("after an array update: %v", ed)
		}
		wantErr(t, "out of range", c.do("PUT", one, map[string]any{"event_data": []any{map[string]any{"polling_interval": 1}}}), 400, "FSS.0400")
		obj := c.do("PUT", one, map[string]any{"event_data": map[string]any{"polling_interval": 90, "stream_name": "other"}})
		arrOther := c.do("PUT", one, map[string]any{"event_data": []any{map[string]any{"stream_name": "other"}}})
		if strict {
			wantErr(t, "object (strict)", obj, 400, "FSS.0400")
			wantErr(t, "stream_name (strict)", arrOther, 400, "FSS.0400")
		} else {
			ed := obj.obj()["event_data"].(map[string]any)
			if obj.status != 200 || ed["polling_interval"] != float64(90) || ed["stream_name"] != "s" {
				t.Errorf("object (lenient): %v", obj)
			}
			if arrOther.status != 200 {
				t.Errorf("stream_name (lenient): %v", arrOther)
			}
		}
	})
}

// The per-version limit (FSS.1306), per version or alias; uniqueness
// rules (timers by name: per qualifier, strict per function; APIs and
// overlapping OBS notifications in the whole project).
func TestTriggerLimitsAndConflicts(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		for i := range 10 {
			c.must(201, "POST", "/triggers/"+urn+":v2", timerBody(fmt.Sprint("t", i)))
		}
		wantErr(t, "eleventh", c.do("POST", "/triggers/"+urn+":v2", timerBody("t10")), 400, "FSS.1306")
		c.must(201, "POST", "/triggers/"+urn+":v1", timerBody("other"))
		wantErr(t, "same timer name on one qualifier", c.do("POST", "/triggers/"+urn+":v1", timerBody("other")), 409, "FSS.1148")
		if r := c.do("POST", "/triggers/"+urn+":!live", timerBody("other")); strict {
			wantErr(t, "same timer name on another qualifier (strict)", r, 409, "FSS.1148")
		} else if r.status != 201 {
			t.Errorf("same timer name on another qualifier (lenient): %v", r)
		}
		urn2 := withVersions(t, c, "fn2")
		c.must(201, "POST", "/triggers/"+urn+":v1", apigBody("/hello"))
		wantErr(t, "same API elsewhere", c.do("POST", "/triggers/"+urn2+":v1", apigBody("/hello")), 409, "FSS.1146")
		c.must(201, "POST", "/triggers/"+urn2+":v1", apigBody("/hello2"))
		obs := func(prefix string, events ...string) map[string]any {
			return map[string]any{"trigger_type_code": "OBS", "event_data": map[string]any{"bucket": "uploads", "events": events, "prefix": prefix}}
		}
		c.must(201, "POST", "/triggers/"+urn+":v1", obs("in/", "s3:ObjectCreated:*"))
		wantErr(t, "overlapping OBS", c.do("POST", "/triggers/"+urn2+":v1", obs("in/x", "Put")), 403, "FSS.1108")
		c.must(201, "POST", "/triggers/"+urn2+":v1", obs("out/", "Put"))
		c.must(201, "POST", "/triggers/"+urn2+":v2", obs("in/", "Delete"))
		wantErr(t, "bad timer", c.do("POST", "/triggers/"+urn2+":v1", map[string]any{"trigger_type_code": "TIMER", "event_data": map[string]any{"name": "x", "schedule_type": "Cron", "schedule": "every day"}}), 400, "FSS.1109")
		wantErr(t, "SASL without credentials", c.do("POST", "/triggers/"+urn2+":v1", map[string]any{"trigger_type_code": "KAFKA",
			"event_data": map[string]any{"instance_id": "k", "topic_ids": []string{"t"}, "batch_size": 10, "kafka_ssl_enable": true}}), 400, "FSS.1113")
	})
}

// DDS and Kafka triggers are DISABLED by default (both modes); strict
// reads that as whatever the create asks. Secrets come back as stored
// (lenient) or masked (strict), never changed.
func TestTriggerDefaultsAndSecrets(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		kafka := func(status string) map[string]any {
			b := map[string]any{"trigger_type_code": "KAFKA", "event_data": map[string]any{"instance_id": "k", "topic_ids": []string{"t" + status},
				"batch_size": 10, "kafka_user": "u", "kafka_password": "hunter2"}}
			if status != "" {
				b["trigger_status"] = status
			}
			return b
		}
		if got := c.must(201, "POST", "/triggers/"+urn+":v1", kafka("")).obj()["trigger_status"]; got != "DISABLED" {
			t.Errorf("kafka without status: %v", got)
		}
		r := c.must(201, "POST", "/triggers/"+urn+":v1", kafka("ACTIVE"))
		want := map[bool]string{false: "ACTIVE", true: "DISABLED"}[strict]
		if got := r.obj()["trigger_status"]; got != want {
			t.Errorf("kafka ACTIVE: %v, want %s", got, want)
		}
		list := c.must(200, "GET", "/triggers/"+urn+":v1", nil)
		pw := map[bool]string{false: `"kafka_password":"hunter2"`, true: `"kafka_password":"******"`}[strict]
		if !strings.Contains(string(list.raw), pw) {
			t.Errorf("list: %s, want %s", list.raw, pw)
		}
		// A strict read masks; the stored secret stays.
		var stored string
		for _, x := range s.fgs.StoredTriggers("default", "fn", "v1") {
			stored += string(x.EventData)
		}
		if !strings.Contains(stored, "hunter2") {
			t.Errorf("stored: %s", stored)
		}
	})
}

// Deleting all triggers of a qualified URN deletes that version's or
// alias's; of latest or the unqualified URN, every trigger of the
// function, as the reference says.
func TestDeleteAllTriggers(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		for i, q := range []string{":v1", ":v2", ":!live", ":latest"} {
			c.must(201, "POST", "/triggers/"+urn+q, timerBody(fmt.Sprint("t", i)))
		}
		count := func() int {
			n := 0
			for _, q := range []string{":v1", ":v2", ":!live", ""} {
				n += len(c.must(200, "GET", "/triggers/"+urn+q, nil).list())
			}
			return n
		}
		c.must(204, "DELETE", "/triggers/"+urn+":v1", nil)
		if n := count(); n != 3 {
			t.Fatalf("%d triggers after deleting v1's, want 3", n)
		}
		c.must(204, "DELETE", "/triggers/"+urn+":!live", nil)
		if n := count(); n != 2 {
			t.Fatalf("%d triggers after deleting live's, want 2", n)
		}
		c.must(204, "DELETE", "/triggers/"+urn, nil)
		if n := count(); n != 0 {
			t.Fatalf("%d triggers after deleting all, want 0", n)
		}
	})
}

// Triggers persist across restarts, with ids that do not repeat.
func TestTriggersPersist(t *testing.T) {
	dir := t.TempDir()
	s, c := newServer(t, Options{StateDir: dir})
	urn := withVersions(t, c, "fn")
	id := c.must(201, "POST", "/triggers/"+urn+":!live", timerBody("nightly")).obj()["trigger_id"]
	c.must(200, "PUT", "/triggers/"+urn+":!live/TIMER/"+id.(string), map[string]any{"trigger_status": "DISABLED"})
	s.Close()
	_, c = newServer(t, Options{StateDir: dir})
	l := c.must(200, "GET", "/triggers/"+urn+":!live", nil).list()
	if len(l) != 1 || l[0].(map[string]any)["trigger_status"] != "DISABLED" {
		t.Fatalf("after a restart: %v", l)
	}
	if id2 := c.must(201, "POST", "/triggers/"+urn+":!live", timerBody("other")).obj()["trigger_id"]; id2 == id {
		t.Fatalf("a new trigger got the id %v again", id)
	}
}

// FuzzTriggerBodies sends arbitrary bodies to the trigger writes (create
// and update) of a function with a trigger: no input makes the emulator
// fail inside, answer with something that is not an error body, or leave
// a state that a list cannot read.
func FuzzTriggerBodies(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"trigger_type_code":"TIMER","event_data":{"name":"x","schedule_type":"Cron","schedule":"0 0 2 * * ?"}}`,
		`{"trigger_type_code":"APIG","event_data":{"func_info":null}}`, `{"trigger_type_code":"OBS","event_data":{"bucket":"uploads","events":[1]}}`,
		`{"trigger_status":"DISABLED","event_data":[{"polling_interval":1e30}]}`, `{"event_data":[null]}`, `{"event_data":{"is_serial":"x"}}`,
		`{"trigger_type_code":"KAFKA","event_data":{"instance_id":"k","topic_ids":["a","a"],"batch_size":1}}`,
	} {
		f.Add(false, []byte(s))
		f.Add(true, []byte(s))
	}
	f.Fuzz(func(t *testing.T, update bool, body []byte) {
		srv, err := New(Options{AccessKey: "AK", SecretKey: "SK", ProjectID: testPID, Region: testRegion, Token: testToken, Now: func() time.Time { return testClock }})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		root := "/v2/" + testPID + "/fgs"
		urn := urnOf("fn")
		setup := []struct{ method, path, body string }{
			{"POST", root + "/functions", jsonOf(createReq(t, "fn", "1"))},
			{"POST", root + "/functions/" + urn + "/versions", `{"version":"v1"}`},
			{"POST", root + "/triggers/" + urn + ":v1", `{"trigger_type_code":"DIS","event_data":{"stream_name":"s","sharditerator_type":"LATEST","batch_size":1,"polling_interval":30,"polling_unit":"s","is_serial":"true"}}`},
		}
		for _, s := range setup {
			if rec := serveDirect(srv, s.method, s.path, []byte(s.body)); rec.Code >= 300 {
				t.Fatalf("setup %s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
			}
		}
		path := root + "/triggers/" + urn + ":v1"
		method := "POST"
		if update {
			method, path = "PUT", path+"/DIS/emu-trigger-1"
		}
		rec := serveDirect(srv, method, path, body)
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", method, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Code string `json:"error_code"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Code == "" {
				t.Fatalf("%d with %q", rec.Code, rec.Body)
			}
		}
		if rec := serveDirect(srv, "GET", root+"/triggers/"+url.PathEscape(urn)+":v1", nil); rec.Code != 200 {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
	})
}
