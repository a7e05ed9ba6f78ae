package emulator

// Functions: create, config, the list, not-found answers and URNs.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCreateGetUpdate(t *testing.T) {
	s, c := newServer(t, Options{Now: func() time.Time { return testClock }})
	zipBytes := zipOf(t, "def handler(e, c): return 1")
	body := createReq(t, "hello", "def handler(e, c): return 1")
	r := c.must(200, "POST", "/functions", body)
	m := r.obj()
	noSecret(t, "create", r)
	if m["digest"] != hexSHA512(zipBytes) || len(m["digest"].(string)) != 128 {
		t.Errorf("digest %v, want sha512 %s", m["digest"], hexSHA512(zipBytes))
	}
	if m["code_size"] != float64(len(zipBytes)) {
		t.Errorf("code_size %v, want %d", m["code_size"], len(zipBytes))
	}
	if m["func_urn"] != urnOf("hello")+":latest" {
		t.Errorf("func_urn %v", m["func_urn"])
	}
	if m["user_data"] != `{"PLAIN":"1"}` || m["memory_size"] != 256.0 || m["timeout"] != 30.0 || m["version"] != "latest" {
		t.Errorf("create model: %s", r.raw)
	}
	wantErr(t, "duplicate", c.do("POST", "/functions", body), 409, "FSS.1061")
	wantErr(t, "bad json", c.do("POST", "/functions", `{"func_name":`), 406, "FSS.0406")
	bad := createReq(t, "bad", "x")
	bad["runtime"] = "Cobol"
	wantErr(t, "bad runtime", c.do("POST", "/functions", bad), 400, "FSS.1005")
	bad = createReq(t, "bad", "x")
	bad["func_code"] = map[string]string{"file": "!!not base64"}
	wantErr(t, "bad base64", c.do("POST", "/functions", bad), 400, "FSS.1011")
	bad = createReq(t, "bad", "x")
	bad["code_type"], bad["func_code"] = "inline", map[string]string{"file": base64.StdEncoding.EncodeToString(make([]byte, 10<<10+1))}
	wantErr(t, "inline too big", c.do("POST", "/functions", bad), 413, "FSS.1072")

	// GET config, bare and :latest.
	for _, u := range []string{urnOf("hello"), urnOf("hello") + ":latest"} {
		r = c.must(200, "GET", "/functions/"+u+"/config", nil)
		noSecret(t, "get config", r)
		if m := r.obj(); m["digest"] != hexSHA512(zipBytes) || m["func_name"] != "hello" || m["description"] != "first" || m["xrole"] != "fgs-role" {
			t.Errorf("get config %s: %s", u, r.raw)
		}
	}
	if f, _ := fnState(s, "default", "hello"); f.Latest.Config.EncryptedUserData != `{"SECRET":"s3cr3t-value"}` {
		t.Errorf("encrypted_user_data not stored: %q", f.Latest.Config.EncryptedUserData)
	}

	// Update code.
	zip2 := zipOf(t, "def handler(e, c): return 2")
	r = c.must(200, "PUT", "/functions/"+urnOf("hello")+"/code", codeReq(t, "def handler(e, c): return 2"))
	if m := r.obj(); m["digest"] != hexSHA512(zip2) || m["code_size"] != float64(len(zip2)) {
		t.Errorf("update code: %s", r.raw)
	}
	r = c.must(200, "GET", "/functions/"+urnOf("hello")+"/code", nil)
	noSecret(t, "get code", r)
	link := r.obj()["func_code"].(map[string]any)["link"].(string)
	if got := getLink(t, link); !bytes.Equal(got, zip2) {
		t.Errorf("code link serves %d bytes, want the new package", len(got))
	}
	wantErr(t, "code without filename", c.do("PUT", "/functions/"+urnOf("hello")+"/code",
		map[string]any{"code_type": "zip", "func_code": map[string]string{"file": "UEs="}}), 400, "FSS.1011")
	wantErr(t, "bad code_type", c.do("PUT", "/functions/"+urnOf("hello")+"/code", map[string]any{"code_type": "tar"}), 400, "FSS.1006")

	// Update config: a full replace.
	u := "/functions/" + urnOf("hello") + "/config"
	checkConfigReplace(t, s, c, u, zip2)
	wantErr(t, "config of a version", c.do("PUT", "/functions/"+urnOf("hello")+":v1/config", configReq("hello")), 400, "FSS.0400")

	checkMaxInstances(t, c, u)

	// Lists never carry secrets either.
	noSecret(t, "list", c.must(200, "GET", "/functions", nil))
	noSecret(t, "versions", c.must(200, "GET", "/functions/"+urnOf("hello")+"/versions", nil))

	// Delete the function.
	c.must(204, "DELETE", "/functions/"+urnOf("hello"), nil)
	wantErr(t, "deleted", c.do("GET", u, nil), 404, "FSS.1051")
}

func TestWireModels(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, c := newServer(t, Options{Now: func() time.Time { return clock }})
	c.now = func() time.Time { return clock }
	u := "/functions/" + urnOf("hello")
	body := createReq(t, "hello", "one")
	body["log_config"] = map[string]string{"group_id": "g1", "stream_id": "s1"}
	body["func_vpc"] = map[string]string{"vpc_id": "vpc", "subnet_id": "subnet"}
	body["initializer_handler"], body["initializer_timeout"] = "index.init", 5
	st, m := c.do("POST", "/functions", body).fields()
	if st != 200 || m["last_modified"] != "2026-01-02T11:04:05+08:00" || m["func_urn"] != urnOf("hello")+":latest" || m["version"] != "latest" || m["type"] != "v2" {
		t.Fatalf("create: %d %v", st, m)
	}
	// Create takes VPC, initializer and logging (rule 13).
	if vpc, _ := m["func_vpc"].(map[string]any); vpc["vpc_id"] != "vpc" || m["initializer_handler"] != "index.init" || m["log_group_id"] != "g1" {
		t.Errorf("create dropped fields its body takes: %v", m)
	}
	cfg := map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 256, "timeout": 30,
		"enable_lts_log": true, "log_config": map[string]string{"group_id": "g1", "group_name": "G", "stream_id": "s1", "stream_name": "S"}}
	if st, m = c.do("PUT", u+"/config", cfg).fields(); st != 200 {
		t.Fatalf("config: %d %v", st, m)
	}
	if st, m = c.do("GET", u+"/config", nil).fields(); st != 200 {
		t.Fatalf("get config: %d %v", st, m)
	}
	if _, has := m["log_config"]; has || m["log_group_id"] != "g1" || m["log_stream_id"] != "s1" || m["enable_lts_log"] != true {
		t.Errorf("GET config shows the log target as the SDK's model does (log_group_id, log_stream_id only): %v", m)
	}
	if _, has := m["encrypted_user_data"]; has {
		t.Errorf("encrypted_user_data read back: %v", m)
	}
	if !functionTime.MatchString(fmt.Sprint(m["last_modified"])) {
		t.Errorf("last_modified %v", m["last_modified"])
	}
	if st, m = c.do("POST", u+"/versions", map[string]any{"version": "v1", "description": "first"}).fields(); st != 200 || m["version_description"] != "first" {
		t.Fatalf("publish: %d %v", st, m)
	}
	st, m = c.do("GET", u+"/versions", nil).fields()
	vs, _ := m["versions"].([]any)
	if st != 200 || len(vs) != 2 || m["count"] != 2.0 || m["next_marker"] != 2.0 {
		t.Fatalf("versions: %d %v", st, m)
	}
	for i, want := range []string{"latest", "v1"} {
		v := vs[i].(map[string]any)
		if v["version"] != want || v["runtime"] != "Python3.10" || v["handler"] != "index.handler" || v["memory_size"] != 256.0 ||
			v["code_type"] != "zip" || v["timeout"] != 30.0 || !functionTime.MatchString(fmt.Sprint(v["last_modified"])) {
			t.Errorf("version entry %d is not a function model: %v", i, v)
		}
		if _, has := v["encrypted_user_data"]; has {
			t.Errorf("encrypted_user_data in the version list: %v", v)
		}
	}
	if st, m = c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}).fields(); st != 200 || !aliasTime.MatchString(fmt.Sprint(m["last_modified"])) {
		t.Errorf("alias: %d %v", st, m)
	}
}

func TestFunctionRules(t *testing.T) {
	_, c := newServer(t, Options{FunctionCap: 2})
	u := "/functions/" + urnOf("hello")
	expect := func(what string, status int, code string, method, path string, body any) {
		t.Helper()
		if st, m := c.do(method, path, body).fields(); st != status || m["error_code"] != code {
			t.Errorf("%s: %d %v, want %d %s", what, st, m, status, code)
		}
	}
	bad := createReq(t, "xx", "x")
	bad["package"] = "no/slash"
	expect("bad package", 400, "FSS.1004", "POST", "/functions", bad)
	bad = createReq(t, "xx", "x")
	bad["description"] = strings.Repeat("é", 513)
	expect("long description", 400, "FSS.1019", "POST", "/functions", bad)
	bad = createReq(t, "xx", "x")
	bad["user_data"] = `{"K":"` + strings.Repeat("v", 4100) + `"}`
	expect("user_data over 4096", 400, "FSS.1018", "POST", "/functions", bad)
	many := map[string]string{}
	for i := 0; i < 21; i++ {
		many[fmt.Sprint("K", i)] = "v"
	}
	ud, _ := json.Marshal(many)
	bad = createReq(t, "xx", "x")
	bad["user_data"] = string(ud)
	expect("21 variables", 400, "FSS.1017", "POST", "/functions", bad)
	bad = createReq(t, "xx", "x")
	bad["user_data"] = `{"K":1}`
	expect("non-string variable", 400, "FSS.1009", "POST", "/functions", bad)

	if st, m := c.do("POST", "/functions", createReq(t, "hello", "x")).fields(); st != 200 {
		t.Fatalf("create: %d %v", st, m)
	}
	c.do("POST", "/functions", createReq(t, "two", "x"))
	expect("function cap", 403, "FSS.1041", "POST", "/functions", createReq(t, "three", "x"))

	expect("marker not a number", 400, "FSS.1001", "GET", "/functions?marker=abc", nil)
	expect("negative maxitems", 400, "FSS.1001", "GET", "/functions?maxitems=-5", nil)
	if st, m := c.do("GET", "/functions?marker=9&maxitems=0", nil).fields(); st != 200 || len(m["functions"].([]any)) != 0 || m["next_marker"] != 2.0 || m["count"] != 2.0 {
		t.Errorf("marker past the end: %d %v", st, m)
	}

	for _, n := range []int{-2, 1001} {
		expect(fmt.Sprint("max instances ", n), 400, "FSS.1026", "PUT", u+"/config-max-instance", map[string]any{"max_instance_num": n})
	}
	for _, n := range []int{-1, 0, 1000} {
		c.do("PUT", u+"/config-max-instance", map[string]any{"max_instance_num": n})
		if _, m := c.do("GET", u+"/config", nil).fields(); m["strategy_config"].(map[string]any)["concurrency"] != float64(n) {
			t.Errorf("max instances %d shows as %v", n, m["strategy_config"])
		}
	}

	expect("delete latest", 400, "FSS.1015", "DELETE", u+":latest", nil)
	expect("delete through an alias", 400, "FSS.0400", "DELETE", u+":!live", nil)
	expect("code of a version", 400, "FSS.0400", "PUT", u+":v1/code", map[string]any{})
	if st, m := c.do("PUT", u+":latest/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "i.h", "memory_size": 128, "timeout": 3}).fields(); st != 200 {
		t.Errorf("config through :latest: %d %v", st, m)
	}
}

// Config fields the emulator keeps without interpreting them are created,
// replaced by a config update like every other field (absent: cleared),
// snapshotted by versions and returned by GET config.
func TestUninterpretedConfigFields(t *testing.T) {
	_, c := newServer(t, Options{Now: func() time.Time { return testClock }})
	base := "/functions"
	urn := urnOf("fn")
	do := func(method, path, body string) map[string]any {
		t.Helper()
		var b any
		if body != "" {
			b = body
		}
		return c.must(200, method, path, b).obj()
	}
	zip := base64.StdEncoding.EncodeToString(zipOf(t, "1"))
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

func TestNotFound(t *testing.T) {
	_, c := newServer(t, Options{})
	c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
	nope, u := "/functions/"+urnOf("nope"), "/functions/"+urnOf("hello")
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", nope + "/config", nil, 404, "FSS.1051"},
		{"GET", nope + "/code", nil, 404, "FSS.1051"},
		{"PUT", nope + "/code", codeReq(t, "y"), 404, "FSS.1051"},
		{"PUT", nope + "/config", configReq("nope"), 404, "FSS.1051"},
		{"POST", nope + "/versions", nil, 404, "FSS.1051"},
		{"GET", nope + "/versions", nil, 404, "FSS.1051"},
		{"GET", nope + "/aliases", nil, 404, "FSS.1051"},
		{"DELETE", nope, nil, 404, "FSS.1051"},
		{"GET", u + ":v9/config", nil, 404, "FSS.1052"},
		{"GET", u + ":v9/code", nil, 404, "FSS.1052"},
		{"DELETE", u + ":v9", nil, 404, "FSS.1052"},
		{"GET", u + "/aliases/nope", nil, 404, "FSS.1053"},
		{"DELETE", u + "/aliases/nope", nil, 404, "FSS.1053"},
		{"GET", u + ":!nope/config", nil, 404, "FSS.1053"},
		{"GET", "/functions/urn:fss:bad/config", nil, 400, "FSS.1309"},
		{"GET", "/functions/urn:fss:cn-east-3:" + testPID + ":function:default:hello/config", nil, 400, "FSS.1309"},
		{"GET", u + "/nonsense", nil, 404, "APIG.0101"},
		{"GET", "/v2/" + testPID + "/other/functions", nil, 404, "APIG.0101"},
		{"PATCH", "/functions", nil, 404, "APIG.0101"},
	} {
		wantErr(t, tc.method+" "+tc.path, c.do(tc.method, tc.path, tc.body), tc.status, tc.code)
	}

	_, trap := newServer(t, Options{NotFoundTrap: true})
	wantErr(t, "trap", trap.do("GET", nope+"/config", nil), 401, "FSS.0401")
}

func TestNotFoundTrapOnlyOnConfigReads(t *testing.T) {
	_, c := newServer(t, Options{NotFoundTrap: true})
	u := "/functions/" + urnOf("nope")
	if st, m := c.do("GET", u+"/config", nil).fields(); st != 401 || m["error_code"] != "FSS.0401" {
		t.Errorf("config: %d %v", st, m)
	}
	if st, m := c.do("GET", u+"/code", nil).fields(); st != 404 || m["error_code"] != "FSS.1051" {
		t.Errorf("code: %d %v", st, m)
	}
}

func TestListFunctions(t *testing.T) {
	_, c := newServer(t, Options{})
	want := []string{"f0", "f1", "f2", "f3", "f4"}
	for _, n := range []string{"f3", "f0", "f4", "f1", "f2"} {
		c.must(200, "POST", "/functions", createReq(t, n, n))
	}
	var got []string
	marker := "0"
	var nexts []float64
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("pagination does not end")
		}
		r := c.must(200, "GET", "/functions?maxitems=2&marker="+marker, nil)
		m := r.obj()
		fs, _ := m["functions"].([]any)
		if len(fs) > 2 {
			t.Fatalf("page of %d", len(fs))
		}
		for _, f := range fs {
			got = append(got, f.(map[string]any)["func_name"].(string))
			noSecret(t, "list", r)
		}
		if m["count"] != 5.0 {
			t.Errorf("count %v", m["count"])
		}
		next, _ := m["next_marker"].(float64)
		nexts = append(nexts, next)
		if next >= 5 {
			break
		}
		marker = fmt.Sprint(int(next))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || fmt.Sprint(nexts) != "[2 4 5]" {
		t.Errorf("pages gave %v, next markers %v", got, nexts)
	}
	// maxitems 0 or over 400 means 400; a marker past the end is empty.
	for _, q := range []string{"", "?maxitems=0", "?maxitems=1000"} {
		if m := c.must(200, "GET", "/functions"+q, nil).obj(); len(m["functions"].([]any)) != 5 {
			t.Errorf("%s: %v", q, m)
		}
	}
	if m := c.must(200, "GET", "/functions?marker=9", nil).obj(); len(m["functions"].([]any)) != 0 || m["next_marker"] != 5.0 {
		t.Errorf("marker past the end: %v", m)
	}
	if m := c.must(200, "GET", "/functions?func_name=f2", nil).obj(); m["count"] != 1.0 {
		t.Errorf("func_name filter: %v", m)
	}
	if m := c.must(200, "GET", "/functions?package_name=other", nil).obj(); m["count"] != 0.0 {
		t.Errorf("package_name filter: %v", m)
	}
}

// checkConfigReplace updates config u of function hello, whose code is
// zip2: a full replace, what it requires and refuses, what it clears and
// the encrypted_user_data it keeps.
func checkConfigReplace(t *testing.T, s *Server, c *client, u string, zip2 []byte) {
	t.Helper()
	for _, req := range []string{"func_name", "runtime", "timeout", "handler", "memory_size"} {
		b := configReq("hello")
		delete(b, req)
		wantErr(t, "config without "+req, c.do("PUT", u, b), 400, "FSS.0400")
	}
	b := configReq("hello")
	b["runtime"] = "Node.js18.15"
	wantErr(t, "runtime change", c.do("PUT", u, b), 400, "FSS.1005")
	b = configReq("hello")
	b["func_name"] = "renamed"
	wantErr(t, "name change", c.do("PUT", u, b), 400, "FSS.1002")
	b = configReq("hello")
	b["memory_size"] = 100
	wantErr(t, "bad memory", c.do("PUT", u, b), 400, "FSS.1007")
	b = configReq("hello")
	b["timeout"] = 1
	wantErr(t, "bad timeout", c.do("PUT", u, b), 400, "FSS.1008")
	b = configReq("hello")
	b["user_data"] = `not json`
	wantErr(t, "bad user_data", c.do("PUT", u, b), 400, "FSS.1009")

	r := c.must(200, "PUT", u, configReq("hello"))
	noSecret(t, "update config", r)
	m := r.obj()
	if _, has := m["user_data"]; has {
		t.Errorf("omitted user_data not cleared: %v", m["user_data"])
	}
	if _, has := m["description"]; has {
		t.Errorf("omitted description not cleared: %v", m["description"])
	}
	if _, has := m["xrole"]; has {
		t.Errorf("omitted xrole not cleared: %v", m["xrole"])
	}
	if m["memory_size"] != 512.0 || m["timeout"] != 60.0 || m["digest"] != hexSHA512(zip2) || m["type"] != "v2" {
		t.Errorf("update config: %s", r.raw)
	}
	f, _ := fnState(s, "default", "hello")
	if f.Latest.Config.EncryptedUserData != `{"SECRET":"s3cr3t-value"}` {
		t.Errorf("absent encrypted_user_data should be kept, got %q", f.Latest.Config.EncryptedUserData)
	}
	r = c.must(200, "GET", u, nil)
	if _, has := r.obj()["user_data"]; has {
		t.Errorf("user_data back after replace: %s", r.raw)
	}
	b = configReq("hello")
	b["encrypted_user_data"] = ""
	b["user_data"] = `{"A":"b"}`
	c.must(200, "PUT", u, b)
	if f, _ := fnState(s, "default", "hello"); f.Latest.Config.EncryptedUserData != "" || f.Latest.Config.UserData != `{"A":"b"}` {
		t.Errorf("explicit empty encrypted_user_data: %+v", f.Latest.Config)
	}
}

// checkMaxInstances sets max instances of function hello, whose config is
// u: reported as strategy_config.concurrency, kept by a config update.
func checkMaxInstances(t *testing.T, c *client, u string) {
	t.Helper()
	// Max instances, reported as strategy_config.concurrency.
	mi := "/functions/" + urnOf("hello") + "/config-max-instance"
	r := c.must(200, "PUT", mi, map[string]any{"max_instance_num": 50})
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != 50.0 {
		t.Errorf("max instances: %s", r.raw)
	}
	r = c.must(200, "GET", u, nil)
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != 50.0 {
		t.Errorf("max instances after GET: %s", r.raw)
	}
	c.must(200, "PUT", mi, map[string]any{"max_instance_num": -1})
	wantErr(t, "max instances 1001", c.do("PUT", mi, map[string]any{"max_instance_num": 1001}), 400, "FSS.1026")
	wantErr(t, "max instances absent", c.do("PUT", mi, map[string]any{}), 400, "FSS.1026")
	// A config update without strategy_config keeps max instances.
	r = c.must(200, "PUT", u, configReq("hello"))
	if sc, _ := r.obj()["strategy_config"].(map[string]any); sc["concurrency"] != -1.0 {
		t.Errorf("config update lost max instances: %s", r.raw)
	}

}
