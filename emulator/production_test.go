package emulator

import (
	"fmt"
	"net/http"
	"testing"
)

// The production settings' API over HTTP, both modes, and the checks that
// catch a client's mistakes (issue 22).

func TestReservedInstancesAPI(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
		u := urnOf("fn")
		c.must(200, "POST", "/functions/"+u+"/versions", map[string]any{"version": "v1"})
		c.must(200, "POST", "/functions/"+u+"/aliases", map[string]any{"name": "live", "version": "v1"})
		c.must(200, "PUT", "/functions/"+u+":!live/reservedinstances", map[string]any{"count": 2, "idle_mode": true,
			"tactics_config": map[string]any{"cron_configs": []any{map[string]any{"name": "peak", "cron": "0 0 8 * * ?", "count": 5, "start_time": 10, "expired_time": 20}}}})
		c.must(200, "PUT", "/functions/"+u+":latest/reservedinstances", map[string]any{"count": 1})

		list := c.must(200, "GET", "/functions/reservedinstanceconfigs?function_urn="+u, nil).obj()
		entries, _ := list["reserved_instances"].([]any)
		if !strict && (len(entries) != 2 || list["count"] != 2.0) {
			t.Fatalf("lenient list %v", list)
		}
		if strict && (len(entries) != 2 || list["count"] != 1.0) {
			t.Fatalf("strict list %v: two entries a page, count the functions", list)
		}
		first, _ := entries[0].(map[string]any)
		if first["qualifier_type"] != "alias" || first["qualifier_name"] != "live" || first["min_count"] != 2.0 || first["idle_mode"] != true || first["tactics_config"] == nil {
			t.Errorf("entry %v", first)
		}

		// The rules: count required, in range, within max instances; an
		// alias and its version not both; a policy keeps the count.
		for _, tc := range []struct {
			what, target string
			body         map[string]any
			status       int
			code         string
		}{
			{"no count", ":latest", map[string]any{"idle_mode": true}, 400, "FSS.0400"},
			{"negative", ":latest", map[string]any{"count": -1}, 400, "FSS.0400"},
			{"over 1000", ":latest", map[string]any{"count": 1001}, 400, "FSS.0400"},
			{"version of a reserved alias", ":v1", map[string]any{"count": 1}, 400, "FSS.0400"},
			{"no such version", ":v9", map[string]any{"count": 1}, 404, "FSS.1052"},
			{"no such alias", ":!beta", map[string]any{"count": 1}, 404, "FSS.1053"},
			{"policy below the count", ":latest", map[string]any{"count": 3, "tactics_config": map[string]any{"cron_configs": []any{map[string]any{"name": "p", "cron": "@every 1h", "count": 2, "start_time": 1, "expired_time": 2}}}}, 400, "FSS.0400"},
			{"bad cron", ":latest", map[string]any{"count": 1, "tactics_config": map[string]any{"cron_configs": []any{map[string]any{"name": "p", "cron": "every day", "count": 2, "start_time": 1, "expired_time": 2}}}}, 400, "FSS.0400"},
		} {
			wantErr(t, tc.what, c.do("PUT", "/functions/"+u+tc.target+"/reservedinstances", tc.body), tc.status, tc.code)
		}
		c.must(200, "PUT", "/functions/"+u+"/config-max-instance", map[string]any{"max_instance_num": 1})
		wantErr(t, "above max instances", c.do("PUT", "/functions/"+u+":latest/reservedinstances", map[string]any{"count": 2}), 400, "FSS.0400")

		// Set to 0: gone (lenient) or listed at 0 (strict).
		c.must(200, "PUT", "/functions/"+u+":latest/reservedinstances", map[string]any{"count": 0, "idle_mode": false})
		list = c.must(200, "GET", "/functions/reservedinstanceconfigs?function_urn="+u+"&limit=500", nil).obj()
		entries, _ = list["reserved_instances"].([]any)
		if want := map[bool]int{false: 1, true: 2}[strict]; len(entries) != want {
			t.Fatalf("after count 0: %d entries, want %d", len(entries), want)
		}

		// Moving the alias: the reservation stays (lenient) or goes (strict).
		c.must(200, "PUT", "/functions/"+u+"/aliases/live", map[string]any{"version": "latest"})
		list = c.must(200, "GET", "/functions/reservedinstanceconfigs?function_urn="+u, nil).obj()
		entries, _ = list["reserved_instances"].([]any)
		kept := false
		for _, e := range entries {
			if m := e.(map[string]any); m["qualifier_name"] == "live" && m["min_count"] == 2.0 {
				kept = true
			}
		}
		if kept == strict {
			t.Errorf("after the alias moved: kept %v (strict %v)", kept, strict)
		}
		// Deleting the alias deletes its reservation.
		c.must(200, "PUT", "/functions/"+u+":!live/reservedinstances", map[string]any{"count": 1})
		c.must(204, "DELETE", "/functions/"+u+"/aliases/live", nil)
		list = c.must(200, "GET", "/functions/reservedinstanceconfigs?function_urn="+u, nil).obj()
		for _, e := range list["reserved_instances"].([]any) {
			if e.(map[string]any)["qualifier_name"] == "live" {
				t.Errorf("a deleted alias's reservation is listed: %v", e)
			}
		}
	})
}

// The strict list pages by two from marker, whatever limit asks; the
// lenient one gives all at once. next_marker moves by what a page holds.
func TestReservedListPaging(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		c.must(200, "POST", "/functions", createReq(t, "fn", "0"))
		u := urnOf("fn")
		for i := 1; i <= 4; i++ {
			c.must(200, "PUT", "/functions/"+u+"/code", codeReq(t, fmt.Sprint(i)))
			c.must(200, "POST", "/functions/"+u+"/versions", map[string]any{"version": fmt.Sprintf("v%d", i)})
			c.must(200, "PUT", "/functions/"+u+fmt.Sprintf(":v%d/reservedinstances", i), map[string]any{"count": i})
		}
		var names []string
		for marker, pages := 0, 0; pages < 10; pages++ {
			m := c.must(200, "GET", fmt.Sprintf("/functions/reservedinstanceconfigs?function_urn=%s&marker=%d&limit=100", u, marker), nil).obj()
			page, _ := m["reserved_instances"].([]any)
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				names = append(names, e.(map[string]any)["qualifier_name"].(string))
			}
			marker = int(m["page_info"].(map[string]any)["next_marker"].(float64))
		}
		if fmt.Sprint(names) != "[v1 v2 v3 v4]" {
			t.Fatalf("listed %v", names)
		}
		if strict {
			wantErr(t, "limit over 500", c.do("GET", "/functions/reservedinstanceconfigs?function_urn="+u+"&limit=501", nil), 400, "FSS.0400")
		}
	})
}

func TestAsyncInvokeConfigAPI(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
		path := "/functions/" + urnOf("fn") + "/async-invoke-config"
		if strict {
			wantErr(t, "show without a config", c.do("GET", path, nil), 404, "FSS.0404")
			wantErr(t, "delete without a config", c.do("DELETE", path, nil), 404, "FSS.0404")
		} else {
			if m := c.must(200, "GET", path, nil).obj(); m["max_async_retry_attempts"] != nil {
				t.Fatalf("no config: %v", m)
			}
			c.must(204, "DELETE", path, nil)
		}
		c.must(200, "PUT", path, map[string]any{"max_async_event_age_in_seconds": 600, "max_async_retry_attempts": 2,
			"destination_config": map[string]any{"on_failure": map[string]any{"destination": "SMN", "param": `{"topic_urn":"urn:smn:x"}`}}})
		// A PUT of the retries alone: merged (lenient) or a full replace
		// (strict: the age takes its default, the destination goes).
		c.must(200, "PUT", path, map[string]any{"max_async_retry_attempts": 1})
		m := c.must(200, "GET", path, nil).obj()
		if strict && (m["max_async_event_age_in_seconds"] != 3600.0 || m["destination_config"] != nil) || !strict && (m["max_async_event_age_in_seconds"] != 600.0 || m["destination_config"] == nil) {
			t.Errorf("after a partial PUT: %v", m)
		}
		// The ranges: what any source accepts (lenient), what every one
		// does (strict).
		for _, tc := range []struct {
			body       map[string]any
			okLenient  bool
			okStrict   bool
			what, code string
		}{
			{map[string]any{"max_async_event_age_in_seconds": 30}, true, false, "age 30", "FSS.0400"},
			{map[string]any{"max_async_retry_attempts": 8}, true, false, "retries 8", "FSS.0400"},
			{map[string]any{"max_async_retry_attempts": 9}, false, false, "retries 9", "FSS.0400"},
			{map[string]any{"destination_config": map[string]any{"on_success": map[string]any{"destination": "SQS", "param": "{}"}}}, false, false, "SQS", "FSS.0400"},
			{map[string]any{"destination_config": map[string]any{"on_success": map[string]any{"destination": "OBS", "param": "bucket"}}}, false, false, "param not JSON", "FSS.0400"},
			{map[string]any{"destination_config": map[string]any{"on_success": map[string]any{"destination": "OBS", "param": "{}"}}}, true, false, "OBS without bucket", "FSS.0400"},
		} {
			r := c.do("PUT", path, tc.body)
			if ok := map[bool]bool{false: tc.okLenient, true: tc.okStrict}[strict]; ok {
				if r.status != 200 {
					t.Errorf("%s: %v", tc.what, r)
				}
			} else {
				wantErr(t, tc.what, r, 400, tc.code)
			}
		}
		c.must(204, "DELETE", path, nil)
	})
}

// What catches a client's mistakes: the SDK's models and the references
// applied to what a request carries.
func TestClientMistakesAreRefused(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		b := createReq(t, "fn", "1")
		b["func_vpc"] = map[string]any{"vpc_id": "v", "subnet_id": "s"}
		delete(b, "xrole")
		wantErr(t, "func_vpc without xrole", c.do("POST", "/functions", b), 400, "FSS.0400")
		c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
		u := urnOf("fn")

		// A DIS trigger's is_serial is the string enum on create.
		dis := map[string]any{"stream_name": "s", "sharditerator_type": "LATEST", "polling_interval": 30, "polling_unit": "s", "batch_size": 10}
		dis["is_serial"] = true
		wantErr(t, "is_serial as a boolean", c.do("POST", "/triggers/"+u, map[string]any{"trigger_type_code": "DIS", "event_data": dis}), 400, "FSS.0400")
		dis["is_serial"] = "true"
		c.must(201, "POST", "/triggers/"+u, map[string]any{"trigger_type_code": "DIS", "event_data": dis})

		// An invocation's event is a JSON object.
		wantErr(t, "an array event", c.do("POST", "/functions/"+u+"/invocations", `[1, 2]`), 400, "FSS.0400")

		// Strict: a field the SDK's model does not have, a request without
		// Content-Type, strategy_config without concurrency, a code update
		// without depend_version_list keeping the list.
		c.must(200, "POST", "/functions/"+u+"/versions", map[string]any{"version": "v1"})
		c.must(200, "POST", "/functions/"+u+"/aliases", map[string]any{"name": "live", "version": "v1"})
		r := c.do("PUT", "/functions/"+u+"/aliases/live", map[string]any{"name": "live", "version": "v1"})
		req := c.request("GET", "/functions/"+u+"/config", nil)
		req.Header.Del("Content-Type")
		noType := c.send(req)
		cfg := configReq("fn")
		cfg["strategy_config"] = map[string]any{"concurrent_num": 1}
		noConcurrency := c.do("PUT", "/functions/"+u+"/config", cfg)
		code := codeReq(t, "2")
		code["depend_version_list"] = []string{"dep-1"}
		c.must(200, "PUT", "/functions/"+u+"/code", code)
		c.must(200, "PUT", "/functions/"+u+"/code", codeReq(t, "3"))
		deps := c.must(200, "GET", "/functions/"+u+"/code", nil).obj()["depend_version_list"]
		if strict {
			wantErr(t, "an unknown field", r, 400, "FSS.0400")
			if r.obj()["error_msg"] != "unknown field name: the SDK's UpdateVersionAlias request body has no such field" {
				t.Errorf("the message does not name the field: %v", r)
			}
			wantErr(t, "no Content-Type", noType, 400, "FSS.0400")
			wantErr(t, "no concurrency", noConcurrency, 400, "FSS.0400")
			if fmt.Sprint(deps) != "[dep-1]" {
				t.Errorf("strict: a code update without depend_version_list left %v", deps)
			}
			return
		}
		for what, r := range map[string]reply{"an unknown field": r, "no Content-Type": noType, "no concurrency": noConcurrency} {
			if r.status != http.StatusOK {
				t.Errorf("lenient, %s: %v", what, r)
			}
		}
		if deps != nil {
			t.Errorf("lenient: a code update without depend_version_list left %v", deps)
		}
	})
}
