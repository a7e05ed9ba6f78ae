package emulator

// One test per rule of docs/api-notes.md (issue 12), named after it. An
// open rule (1-7) runs in both modes and checks each mode's reading; a
// clear rule (8-14) runs in both modes and checks the same answer.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

func TestRule01SecretsAndTheFullReplace(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		got := c.must(200, "GET", u+"/config", nil).obj()["encrypted_user_data"]
		if want := map[bool]any{false: nil, true: `{"SECRET":"s3cr3t-value"}`}[strict]; got != want {
			t.Errorf("GET config encrypted_user_data %v, want %v", got, want)
		}
		// Lists and versions never carry it.
		noSecret(t, "list", c.must(200, "GET", "/functions", nil))
		noSecret(t, "versions", c.must(200, "GET", u+"/versions", nil))
		c.must(200, "PUT", u+"/config", configReq("hello"))
		f, _ := fnState(s, "default", "hello")
		if kept := f.Latest.Config.EncryptedUserData != ""; kept == strict {
			t.Errorf("a PUT without encrypted_user_data: kept %v; want kept only when lenient", kept)
		}
	})
}

func TestRule02WhatAPublishNeeds(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
		c.must(200, "PUT", u+"/config", configReq("hello")) // config only
		r := c.do("POST", u+"/versions", map[string]any{"version": "v2"})
		if strict {
			wantErr(t, "publish after a config-only change", r, 400, "FSS.1016")
		} else if r.status != 200 {
			t.Errorf("publish after a config-only change: %v", r)
		}
		// A code change allows it in both.
		c.must(200, "PUT", u+"/code", codeReq(t, "y"))
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})
		// So does a new code_filename alone (Terraform's rule).
		b := codeReq(t, "y")
		b["code_filename"] = "renamed.zip"
		c.must(200, "PUT", u+"/code", b)
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v4"})
	})
}

func TestRule03VersionsHoldNoMounts(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		cfg := configReq("hello")
		cfg["mount_config"] = mountConfigBody(1, true)
		c.must(200, "PUT", u+"/config", cfg)
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
		if _, has := c.must(200, "GET", u+":v1/config", nil).obj()["mount_config"]; has {
			t.Error("v1 has a mount_config")
		}
		if _, has := c.must(200, "GET", u+"/config", nil).obj()["mount_config"]; !has {
			t.Error("latest lost its mount_config")
		}
		// Latest differs from v1 only in mounts, which a version does not
		// hold: nothing to publish.
		wantErr(t, "publish a mounts-only change", c.do("POST", u+"/versions", map[string]any{"version": "v2"}), 400, "FSS.1016")
	})
}

func TestRule04MountUserIsMandatory(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		cfg := configReq("hello")
		cfg["mount_config"] = mountConfigBody(1, false)
		create := createReq(t, "other", "x")
		create["mount_config"] = mountConfigBody(1, false)
		for what, r := range map[string]reply{"update": c.do("PUT", u+"/config", cfg), "create": c.do("POST", "/functions", create)} {
			if strict {
				wantErr(t, what+" without mount_user", r, 400, "FSS.0400")
			} else if r.status != 200 {
				t.Errorf("%s without mount_user: %v", what, r)
			}
		}
	})
}

func TestRule05Logging(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		logged := func(what string, want bool, group string) {
			t.Helper()
			m := c.must(200, "GET", u+"/config", nil).obj()
			on := m["enable_lts_log"] == true
			if on != want || (group != "" && m["log_group_id"] != group) {
				t.Errorf("%s: enable_lts_log %v, log_group_id %v; want logging %v (group %q)", what, m["enable_lts_log"], m["log_group_id"], want, group)
			}
		}
		// A new function has the service's default: with the tenant's
		// LTS logging on (most accounts), a group and stream it makes.
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		logged("new function", true, "emu-lts-group-functiongraph")
		if m := c.must(200, "GET", u+"/lts-log-detail", nil).obj(); m["group_id"] != "emu-lts-group-functiongraph" || m["stream_id"] != "emu-lts-stream-hello" {
			t.Errorf("lts-log-detail of a new function: %v", m)
		}
		on := configReq("hello")
		on["enable_lts_log"], on["log_config"] = true, map[string]string{"group_id": "g1", "stream_id": "s1"}
		c.must(200, "PUT", u+"/config", on)
		logged("enabled", true, "g1")
		// Left out: lenient takes the full replace at its word; strict keeps it.
		c.must(200, "PUT", u+"/config", configReq("hello"))
		if strict {
			logged("update without logging fields", true, "g1")
		} else {
			logged("update without logging fields", false, "")
		}
		off := configReq("hello")
		off["enable_lts_log"] = false
		c.must(200, "PUT", u+"/config", off)
		logged("enable_lts_log false", false, "")
		// No target: 404 FSS.0404 (the reference's example), or, strict,
		// an answer that names none.
		if r := c.do("GET", u+"/lts-log-detail", nil); strict {
			if st, m := r.fields(); st != 200 || len(m) != 0 {
				t.Errorf("strict lts-log-detail without logging: %v", r)
			}
		} else {
			wantErr(t, "lts-log-detail without logging", r, 404, "FSS.0404")
		}
		// enable_lts_log true without log_config creates a group and stream.
		b := createReq(t, "auto", "x")
		b["enable_lts_log"] = true
		if m := c.must(200, "POST", "/functions", b).obj(); m["log_group_id"] == nil || m["log_stream_id"] == nil {
			t.Errorf("no log group created: %v", m)
		}
	})
}

// An account whose LTS logging is off: a new function that does not ask
// does not log, until the tenant switch (EnableLtsLogs) turns it on for
// the functions created after it.
func TestRule05TenantSwitch(t *testing.T) {
	modes(t, Options{LTSDisabled: true}, func(t *testing.T, s *Server, c *client, strict bool) {
		c.must(200, "POST", "/functions", createReq(t, "before", "x"))
		if m := c.must(200, "GET", "/functions/"+urnOf("before")+"/config", nil).obj(); m["enable_lts_log"] == true || m["log_group_id"] != nil {
			t.Errorf("a new function of an account without LTS logs: %v %v", m["enable_lts_log"], m["log_group_id"])
		}
		r := c.do("POST", "/functions/enable-lts-logs", nil)
		if r.status != 200 || len(r.raw) != 0 {
			t.Fatalf("enable-lts-logs: %v", r)
		}
		c.must(200, "POST", "/functions", createReq(t, "after", "x"))
		if m := c.must(200, "GET", "/functions/"+urnOf("after")+"/config", nil).obj(); m["log_stream_id"] != "emu-lts-stream-after" {
			t.Errorf("a new function after enable-lts-logs: %v", m["log_stream_id"])
		}
		if m := c.must(200, "GET", "/functions/"+urnOf("before")+"/config", nil).obj(); m["log_group_id"] != nil {
			t.Errorf("an existing function changed with the switch: %v", m["log_group_id"])
		}
		if got := s.Stats().Requests["POST functions/enable-lts-logs"]; got != 1 {
			t.Errorf("stats: %d enable-lts-logs", got)
		}
	})
}

func TestRule06ThePublishResponse(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		m := c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"}).obj()
		want := map[string]any{"version": "v1", "func_urn": urnOf("hello") + ":v1"}
		if strict {
			want = map[string]any{"version": "latest", "func_urn": urnOf("hello")}
		}
		if m["version"] != want["version"] || m["func_urn"] != want["func_urn"] {
			t.Errorf("publish answered version %v, func_urn %v; want %v", m["version"], m["func_urn"], want)
		}
		// The version list names it either way.
		vs := c.must(200, "GET", u+"/versions", nil).obj()["versions"].([]any)
		if v := vs[len(vs)-1].(map[string]any); v["version"] != "v1" || v["func_urn"] != urnOf("hello")+":v1" {
			t.Errorf("version list: %v", v)
		}
	})
}

func TestRule07VersionPages(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "0"))
		for i := 1; i <= 7; i++ {
			c.must(200, "PUT", u+"/code", codeReq(t, fmt.Sprint(i)))
			c.must(200, "POST", u+"/versions", map[string]any{"version": fmt.Sprint("v", i)})
		}
		page := func(q string) ([]string, any, bool) {
			m := c.must(200, "GET", u+"/versions"+q, nil).obj()
			var names []string
			for _, v := range m["versions"].([]any) {
				names = append(names, v.(map[string]any)["version"].(string))
			}
			_, hasCount := m["count"]
			return names, m["next_marker"], hasCount
		}
		all := "latest,v1,v2,v3,v4,v5,v6,v7"
		if !strict {
			names, next, hasCount := page("?maxitems=2")
			if strings.Join(names, ",") != all || next != 8.0 || !hasCount {
				t.Errorf("lenient list: %v next %v count %v", names, next, hasCount)
			}
			return
		}
		// Strict: pages of 5 by default, no count; follow next_marker
		// until a short page.
		var got []string
		marker := "0"
		for range 4 {
			names, next, hasCount := page("?marker=" + marker)
			if hasCount || len(names) > 5 {
				t.Fatalf("strict page at %s: %v, count present %v", marker, names, hasCount)
			}
			got = append(got, names...)
			if len(names) < 5 {
				break
			}
			marker = fmt.Sprint(next)
		}
		if strings.Join(got, ",") != all {
			t.Errorf("following next_marker gave %v", got)
		}
		if names, next, _ := page("?maxitems=3&marker=3"); strings.Join(names, ",") != "v3,v4,v5" || next != 6.0 {
			t.Errorf("maxitems 3 from 3: %v next %v", names, next)
		}
		if names, next, _ := page("?marker=8"); len(names) != 0 || next != 8.0 {
			t.Errorf("past the end: %v next %v", names, next)
		}
		wantErr(t, "bad marker", c.do("GET", u+"/versions?marker=x", nil), 400, "FSS.1001")
	})
}

func TestRule08FieldsAFullReplaceKeeps(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		b := createReq(t, "hello", "x")
		b["runtime"], b["handler"] = "Java11", "com.example.App::handle"
		c.must(200, "POST", "/functions", b)
		cfg := configReq("hello")
		cfg["runtime"], cfg["handler"] = "Java11", "com.example.App::handle"
		cfg["restore_hook_handler"], cfg["restore_hook_timeout"], cfg["extend_config"] = "com.example.App.restore", 10, `{"k":"v"}`
		c.must(200, "PUT", u+"/config", cfg)
		m := c.must(200, "GET", u+"/config", nil).obj()
		if m["restore_hook_handler"] != "com.example.App.restore" || m["restore_hook_timeout"] != 10.0 || m["extend_config"] != `{"k":"v"}` {
			t.Errorf("stored fields not returned: %v", m)
		}
		delete(cfg, "restore_hook_handler")
		delete(cfg, "restore_hook_timeout")
		delete(cfg, "extend_config")
		c.must(200, "PUT", u+"/config", cfg)
		m = c.must(200, "GET", u+"/config", nil).obj()
		for _, k := range []string{"restore_hook_handler", "restore_hook_timeout", "extend_config"} {
			if _, has := m[k]; has {
				t.Errorf("%s survived a full replace without it", k)
			}
		}
	})
}

func TestRule09DigestOfTheBytes(t *testing.T) {
	pkg := zipOf(t, "in obs")
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		for _, k := range []string{"a.zip", "b.zip"} { // same bytes, another URL
			if err := s.PutObject("bucket", k, pkg); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.obs.CreateBuckets([]string{"elsewhere@cn-south-1"}); err != nil {
			t.Fatal(err)
		}
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		for _, url := range []string{"https://bucket.obs." + testRegion + ".myhuaweicloud.com/a.zip", "https://obs." + testRegion + ".myhuaweicloud.com/bucket/b.zip"} {
			m := c.must(200, "PUT", u+"/code", map[string]any{"code_type": "obs", "code_url": url}).obj()
			if m["digest"] != hexSHA512(pkg) || m["code_size"] != float64(len(pkg)) {
				t.Errorf("%s: digest %v size %v; want the SHA-512 and size of the object", url, m["digest"], m["code_size"])
			}
		}
		link := c.must(200, "GET", u+"/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
		if got := getLink(t, link); string(got) != string(pkg) {
			t.Error("the code link does not serve the object")
		}
		for what, url := range map[string]string{
			"a missing object":         "https://bucket.obs." + testRegion + ".myhuaweicloud.com/missing.zip",
			"another OBS":              "https://bucket.obs.example.com/a.zip",
			"a bucket of other region": "https://elsewhere.obs." + testRegion + ".myhuaweicloud.com/a.zip",
		} {
			wantErr(t, what, c.do("PUT", u+"/code", map[string]any{"code_type": "obs", "code_url": url}), 404, "FSS.1054")
		}
		wantErr(t, "not an https URL", c.do("PUT", u+"/code", map[string]any{"code_type": "obs", "code_url": "ftp://x"}), 400, "FSS.1010")
	})
}

func TestRule10Runtimes(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		for i, r := range fgsspec.Runtimes {
			b := createReq(t, fmt.Sprint("fn", i), "x")
			b["runtime"] = r
			if r := c.do("POST", "/functions", b); r.status != 200 {
				t.Errorf("runtime %q of the SDK's enum refused: %v", b["runtime"], r)
			}
		}
		for _, r := range []string{"Java21", "Python3.12", "Node.js20.15", "python3.10", "Go"} {
			b := createReq(t, "refused", "x")
			b["runtime"] = r
			wantErr(t, "runtime "+r, c.do("POST", "/functions", b), 400, "FSS.1005")
		}
	})
}

func TestRule11ValueRules(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		h := createReq(t, "web", "x")
		h["runtime"], h["handler"] = "http", "bootstrap"
		c.must(200, "POST", "/functions", h)
		config := func(name string, set map[string]any) map[string]any {
			b := configReq(name)
			if name == "web" {
				b["runtime"], b["handler"] = "http", "bootstrap"
			}
			for k, v := range set {
				b[k] = v
			}
			return b
		}
		user := func(uid, gid int) map[string]any {
			mc := mountConfigBody(1, false)
			mc["mount_user"] = map[string]any{"user_id": uid, "user_group_id": gid}
			return mc
		}
		for _, tc := range []struct {
			what, fn string
			set      map[string]any
			status   int
			code     string
		}{
			{"ephemeral_storage 1024", "web", map[string]any{"ephemeral_storage": 1024}, 400, "FSS.0400"},
			{"ephemeral_storage 10240 on Python", "hello", map[string]any{"ephemeral_storage": 10240}, 400, "FSS.0400"},
			{"ephemeral_storage 10240 on http", "web", map[string]any{"ephemeral_storage": 10240}, 200, ""},
			{"ephemeral_storage 512 on Python", "hello", map[string]any{"ephemeral_storage": 512}, 200, ""},
			{"concurrent_num 5 on Python", "hello", map[string]any{"strategy_config": map[string]any{"concurrency": 400, "concurrent_num": 5}}, 400, "FSS.1026"},
			{"concurrent_num 1 on Python", "hello", map[string]any{"strategy_config": map[string]any{"concurrency": 400, "concurrent_num": 1}}, 200, ""},
			{"concurrent_num 5 on http", "web", map[string]any{"strategy_config": map[string]any{"concurrency": 400, "concurrent_num": 5}}, 200, ""},
			{"concurrent_num 1001 on http", "web", map[string]any{"strategy_config": map[string]any{"concurrency": 400, "concurrent_num": 1001}}, 400, "FSS.1026"},
			{"memory 8192", "hello", map[string]any{"memory_size": 8192}, 400, "FSS.1007"},
			{"memory 4096", "hello", map[string]any{"memory_size": 4096}, 200, ""},
			{"6 mounts", "hello", map[string]any{"mount_config": func() map[string]any {
				mc := mountConfigBody(6, true)
				return mc
			}()}, 403, "FSS.1049"},
			{"5 mounts", "hello", map[string]any{"mount_config": mountConfigBody(5, true)}, 200, ""},
			{"mount user 1000", "hello", map[string]any{"mount_config": user(1000, -1)}, 400, "FSS.1075"},
			{"mount group 1002", "hello", map[string]any{"mount_config": user(-1, 1002)}, 400, "FSS.1075"},
			{"mount user 0", "hello", map[string]any{"mount_config": user(0, 1003)}, 400, "FSS.1075"},
			{"mount user 65535", "hello", map[string]any{"mount_config": user(65535, 1003)}, 400, "FSS.1075"},
			{"mount user 1003", "hello", map[string]any{"mount_config": user(1003, 65534)}, 200, ""},
		} {
			r := c.do("PUT", "/functions/"+urnOf(tc.fn)+"/config", config(tc.fn, tc.set))
			if tc.status == 200 {
				if r.status != 200 {
					t.Errorf("%s: %v", tc.what, r)
				}
				continue
			}
			wantErr(t, tc.what, r, tc.status, tc.code)
		}
		for name, want := range map[string]string{"a": "FSS.1002", "ab-": "FSS.1002", "1ab": "FSS.1002",
			strings.Repeat("a", 61): "FSS.1002", "ab": "", strings.Repeat("a", 60): ""} {
			r := c.do("POST", "/functions", createReq(t, name, "x"))
			if want == "" && r.status != 200 {
				t.Errorf("name %q refused: %v", name, r)
			} else if want != "" {
				wantErr(t, "name "+name, r, 400, want)
			}
		}
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
		wantErr(t, "alias ending in -", c.do("POST", u+"/aliases", map[string]any{"name": "live-", "version": "v1"}), 400, "FSS.1014")
		wantErr(t, "alias ending in _", c.do("POST", u+"/aliases", map[string]any{"name": "live_", "version": "v1"}), 400, "FSS.1014")
		c.must(200, "POST", u+"/aliases", map[string]any{"name": "l", "version": "v1"})
	})
}

func TestRule12ErrorCodes(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		gw := map[bool]string{false: "APIG.", true: "APIGW."}[strict]
		u := "/functions/" + urnOf("hello")
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
		c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"})
		c.must(201, "POST", "/triggers/"+urnOf("hello")+":!live", map[string]any{"trigger_type_code": "TIMER", "event_data": map[string]any{"name": "t", "schedule_type": "Rate", "schedule": "1m"}})
		wantErr(t, "delete an alias with triggers", c.do("DELETE", u+"/aliases/live", nil), 403, "FSS.1154")
		wantErr(t, "bad trigger type", c.do("POST", "/triggers/"+urnOf("hello")+":v1", map[string]any{"trigger_type_code": "PIGEON", "event_data": map[string]any{}}), 400, "FSS.1101")
		bad := *c
		bad.sk = "wrong"
		wantErr(t, "bad signature", bad.do("GET", "/functions", nil), 401, gw+"0301")
		bad.sk, bad.ak = c.sk, "NOPE"
		wantErr(t, "unknown access key", bad.do("GET", "/functions", nil), 401, gw+"0301")
		wantErr(t, "no such API", c.do("GET", u+"/nonsense", nil), 404, gw+"0101")
		// The gateway's throttling answer has the same prefix.
		s.SetFaultRate(1)
		defer s.SetFaultRate(0)
		seen := false
		for range 40 {
			if r := c.do("GET", "/functions", nil); r.status == 429 && strings.HasPrefix(r.code(), "APIG") {
				seen = true
				if r.code() != gw+"0308" {
					t.Errorf("gateway throttling %s, want %s0308", r.code(), gw)
				}
			}
		}
		if !seen {
			t.Error("no gateway throttling in 40 requests at fault rate 1")
		}
	})
}

func TestRule13CreateTakesItsFields(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		b := createReq(t, "hello", "x")
		b["func_vpc"] = map[string]any{"vpc_id": "vpc-1", "subnet_id": "subnet-1", "security_groups": []string{"sg-1"}}
		b["mount_config"] = mountConfigBody(2, true)
		b["initializer_handler"], b["initializer_timeout"] = "index.init", 30
		b["pre_stop_handler"], b["pre_stop_timeout"] = "index.stop", 20
		b["app_xrole"] = "app-agency"
		c.must(200, "POST", "/functions", b)
		m := c.must(200, "GET", "/functions/"+urnOf("hello")+"/config", nil).obj()
		vpc, _ := m["func_vpc"].(map[string]any)
		mc, _ := m["mount_config"].(map[string]any)
		mounts, _ := mc["func_mounts"].([]any)
		if vpc["vpc_id"] != "vpc-1" || vpc["subnet_id"] != "subnet-1" || len(mounts) != 2 ||
			m["initializer_handler"] != "index.init" || m["initializer_timeout"] != 30.0 ||
			m["pre_stop_handler"] != "index.stop" || m["pre_stop_timeout"] != 20.0 || m["app_xrole"] != "app-agency" {
			t.Errorf("create did not keep its fields: %v", m)
		}
		// strategy_config and ephemeral_storage are not create fields:
		// lenient ignores them, strict refuses a field the SDK's create
		// body does not have.
		b = createReq(t, "other", "x")
		b["strategy_config"] = map[string]any{"concurrent_num": 7}
		b["ephemeral_storage"] = 10240
		if strict {
			wantErr(t, "create with update-only fields", c.do("POST", "/functions", b), 400, "FSS.0400")
			return
		}
		m = c.must(200, "POST", "/functions", b).obj()
		if sc, _ := m["strategy_config"].(map[string]any); sc["concurrent_num"] != 1.0 || m["ephemeral_storage"] != 512.0 {
			t.Errorf("create took update-only fields: %v", m)
		}
	})
}

func TestRule14FuncNameIsAFuzzyMatch(t *testing.T) {
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		for _, n := range []string{"hello", "shell", "other"} {
			c.must(200, "POST", "/functions", createReq(t, n, n))
		}
		m := c.must(200, "GET", "/functions?func_name=ell", nil).obj()
		var names []string
		for _, f := range m["functions"].([]any) {
			names = append(names, f.(map[string]any)["func_name"].(string))
		}
		if strings.Join(names, ",") != "hello,shell" || m["count"] != 2.0 {
			t.Errorf("func_name=ell: %v (count %v)", names, m["count"])
		}
	})
}
