package planner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
)

// The planner's and the applier's side of the API rules of
// docs/api-notes.md. Like every emulator-backed test here, each runs
// against the lenient and the strict emulator (TestMain); what the two
// readings make differ is checked against strictEmulator.

// body decodes a recorded request body.
func body(t *testing.T, r request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return m
}

// only returns the one write of a kind, failing the test if there is not
// exactly one.
func (w *world) only(method, suffix string) map[string]any {
	w.t.Helper()
	rs := w.writes(method, suffix)
	if len(rs) != 1 {
		w.t.Fatalf("%d %s ...%s requests, want 1", len(rs), method, suffix)
	}
	return body(w.t, rs[0])
}

func (w *world) live(name string) *apiclient.Function {
	w.t.Helper()
	f, err := w.client.GetConfig(context.Background(), w.client.FunctionURN("default", name))
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

// outputs renders a plan every way it leaves the process: text, JSON,
// Markdown and the saved plan file.
func (w *world) outputs(p *plan.Plan) string {
	w.t.Helper()
	var b bytes.Buffer
	v := plan.View{}
	v.Text(&b, p)
	v.JSON(&b, p)
	v.Markdown(&b, p)
	file := filepath.Join(w.t.TempDir(), "plan.json")
	if err := planfile.Save(file, p); err != nil {
		w.t.Fatal(err)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		w.t.Fatal(err)
	}
	b.Write(saved)
	return b.String()
}

func (w *world) applyPlan(p *plan.Plan) {
	w.t.Helper()
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) noChanges() {
	w.t.Helper()
	p, err := w.plan()
	if err != nil || p.HasChanges() {
		w.t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
}

const ruleCode = "def handler(e, c):\n    return 1\n"

func fn(extra string) string {
	return "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" + extra
}

// Rule 1: secrets fgsdeploy does not manage survive a config update.
// Where GET config returns encrypted_user_data (strict), the update sends
// it back exactly as read; it is never shown, saved or compared. Where
// GET does not return it (lenient), the update cannot send it, and the
// plan says so instead of wiping it silently.
func TestRule01SecretsAndTheFullReplace(t *testing.T) {
	const secret = "s3cr3t-value-never-printed"
	w := newWorld(t)
	w.write(fn("    encrypted_environment: {TOKEN: "+secret+"}\n"), ruleCode)
	w.apply()
	w.noChanges()

	// The manifest stops managing the secrets and changes the memory.
	w.write(fn("    memory_size: 512\n"), ruleCode)
	w.forget()
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := w.outputs(p); strings.Contains(out, secret) {
		t.Fatalf("the secret is in the plan's output:\n%s", out)
	}
	var fields []string
	for _, s := range p.Functions[0].Steps {
		for _, c := range s.Changes {
			fields = append(fields, c.Field)
		}
	}
	if strings.Join(fields, ",") != "memory_size" {
		t.Fatalf("changes %v, want only memory_size", fields)
	}
	note := strings.Join(p.Functions[0].Notes, "\n")
	if strictEmulator == strings.Contains(note, "encrypted_environment") {
		t.Fatalf("notes %q: a note about the unseen secrets is for a service that does not return them", note)
	}
	w.applyPlan(p)
	got, sent := w.only("PUT", "/config")["encrypted_user_data"]
	if strictEmulator {
		if got != `{"TOKEN":"`+secret+`"}` {
			t.Fatalf("PUT config sent encrypted_user_data %v, want it exactly as GET returned it", got)
		}
		if live := w.live("hello"); live.EncryptedUserData != `{"TOKEN":"`+secret+`"}` {
			t.Fatalf("after the update the function holds %q", live.EncryptedUserData)
		}
	} else if sent {
		t.Fatalf("PUT config sent encrypted_user_data it could not have read: %v", got)
	}
	w.noChanges()
	// Managed again, with the same value: nothing to do.
	w.write(fn("    memory_size: 512\n    encrypted_environment: {TOKEN: "+secret+"}\n"), ruleCode)
	w.noChanges()
}

// Rule 4: mount_user goes with every mount_config sent, on create and on
// update: the declared one, else the live one, else -1/-1.
func TestRule04MountUserIsSent(t *testing.T) {
	mounts := "    mount_config:\n      func_mounts: [{mount_type: sfs, mount_resource: sfs-1, local_mount_path: /mnt/data}]\n"
	w := newWorld(t)
	w.write(fn(mounts), ruleCode)
	w.apply()
	user := func(m map[string]any) any { return m["mount_config"].(map[string]any)["mount_user"] }
	want := map[string]any{"user_id": float64(-1), "user_group_id": float64(-1)}
	if got := user(w.only("POST", "/functions")); !reflect.DeepEqual(got, want) {
		t.Fatalf("create sent mount_user %v, want %v", got, want)
	}
	w.noChanges()
	w.forget()
	w.write(fn("    memory_size: 256\n"+mounts), ruleCode)
	w.apply()
	if got := user(w.only("PUT", "/config")); !reflect.DeepEqual(got, want) {
		t.Fatalf("update sent mount_user %v, want %v", got, want)
	}
	w.noChanges()
	// Declared, it is what is sent.
	w.forget()
	w.write(fn("    memory_size: 256\n"+mounts+"      mount_user: {user_id: 1001, user_group_id: 1001}\n"), ruleCode)
	w.apply()
	if got := user(w.only("PUT", "/config")); !reflect.DeepEqual(got, map[string]any{"user_id": float64(1001), "user_group_id": float64(1001)}) {
		t.Fatalf("update sent mount_user %v", got)
	}
	w.noChanges()
	// Mounts another tool set without mount_user (which only the lenient
	// reading allows) plan as no change: the function has the default
	// mount user.
	mu := &apiclient.MountUser{UserID: -1, UserGroupID: -1}
	if !strictEmulator {
		mu = nil
	}
	if _, err := w.client.UpdateConfig(context.Background(), w.client.FunctionURN("default", "hello"), &apiclient.UpdateConfigRequest{
		FuncName: "hello", Runtime: "Python3.10", Handler: "index.handler", MemorySize: 256, Timeout: 3,
		MountConfig: &apiclient.MountConfig{MountUser: mu, FuncMounts: []apiclient.FuncMount{{MountType: "sfs", MountResource: "sfs-1", LocalMountPath: "/mnt/data"}}},
	}); err != nil {
		t.Fatal(err)
	}
	w.write(fn("    memory_size: 256\n"+mounts), ruleCode)
	w.noChanges()
}

// Rule 5: without log_config in the manifest, logging is not managed:
// nothing about it is sent on create, a config update carries the live
// logging as read (so a full replace keeps it, and a service that keeps
// absent fields sees no change), enable_lts_log false is never sent, and
// the plan never proposes to undo the service's default logging.
// Both with the account's LTS logging on (new functions log by default)
// and off.
func TestRule05LoggingNotManagedWhenAbsent(t *testing.T) {
	for _, off := range []bool{false, true} {
		t.Run(map[bool]string{false: "tenant logs by default", true: "tenant without LTS"}[off], func(t *testing.T) {
			loggingNotManaged(t, newWorldWith(t, emulator.Options{LTSDisabled: off}), off)
		})
	}
}

func loggingNotManaged(t *testing.T, w *world, tenantOff bool) {
	w.write(fn(""), ruleCode)
	w.apply()
	create := w.only("POST", "/functions")
	if _, ok := create["enable_lts_log"]; ok {
		t.Fatalf("create sent enable_lts_log %v without a log_config in the manifest", create["enable_lts_log"])
	}
	if _, ok := create["log_config"]; ok {
		t.Fatal("create sent log_config without one in the manifest")
	}
	defaultGroup := w.live("hello").LogGroupID
	if tenantOff != (defaultGroup == "") {
		t.Fatalf("log group after create %q (the tenant's LTS logging off: %v)", defaultGroup, tenantOff)
	}
	w.noChanges()

	w.forget()
	w.write(fn("    memory_size: 256\n"), ruleCode)
	w.apply()
	put := w.only("PUT", "/config")
	if on, ok := put["enable_lts_log"]; ok && on != true {
		t.Fatalf("update sent enable_lts_log %v", on)
	}
	if !tenantOff {
		lc, _ := put["log_config"].(map[string]any)
		if put["enable_lts_log"] != true || lc["group_id"] != defaultGroup {
			t.Fatalf("update sent enable_lts_log %v, log_config %v: want the live logging as read", put["enable_lts_log"], put["log_config"])
		}
	}
	if g := w.live("hello").LogGroupID; g != defaultGroup {
		t.Fatalf("log group after an update %q, want %q", g, defaultGroup)
	}
	w.noChanges()

	// Declared, it is managed: a change moves it.
	w.write(fn("    memory_size: 256\n    log_config: {group_id: g1, stream_id: s1}\n"), ruleCode)
	p, err := w.plan()
	if err != nil || !strings.Contains(text(p), `log_config: `) || !strings.Contains(text(p), `{"group_id":"g1","stream_id":"s1"}`) {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
	w.applyPlan(p)
	if l := w.live("hello"); l.LogGroupID != "g1" || l.LogStreamID != "s1" {
		t.Fatalf("logging %s/%s, want g1/s1", l.LogGroupID, l.LogStreamID)
	}
	w.noChanges()
	// Left out again: not managed, kept as it is through an update.
	w.forget()
	w.write(fn("    memory_size: 512\n"), ruleCode)
	p, err = w.plan()
	if err != nil || strings.Contains(text(p), "log_config") {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
	w.applyPlan(p)
	if off, ok := w.only("PUT", "/config")["enable_lts_log"]; ok && off != true {
		t.Fatalf("update sent enable_lts_log %v", off)
	}
	if l := w.live("hello"); l.LogGroupID != "g1" || l.LogStreamID != "s1" {
		t.Fatalf("logging %s/%s after an update, want g1/s1 kept", l.LogGroupID, l.LogStreamID)
	}
	w.noChanges()
}

// Rule 7, through the planner: a plan reads every page of the version
// list, however small the pages, so pruning and aliases see every version.
func TestRule07PlanReadsEveryVersionPage(t *testing.T) {
	w := newWorld(t)
	small, err := apiclient.New(apiclient.Config{Endpoint: w.endpoint, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.client = small
	y := strings.Replace(releaseManifest("v${V}"), "keep: 1", "keep: 3", 1)
	for i := 1; i <= 7; i++ {
		v := string(rune('0' + i))
		w.write(strings.Replace(y, "${V}", v, 1), "code "+v)
		w.apply()
		w.noChanges()
	}
	// live is a canary never promoted: v1 stays its stable version and v7
	// takes 10%. keep: 3 keeps the 3 newest unprotected versions on top
	// of those two, and the others, seen on other pages, are pruned.
	if got := w.versionNames("hello"); got != "v1,v4,v5,v6,v7" {
		t.Fatalf("versions %s, want v1,v4,v5,v6,v7", got)
	}
}

// sdkUpdateConfigFields are the fields of the SDK's
// UpdateFunctionConfigRequestBody (huaweicloud-sdk-go-v3,
// services/functiongraph/v2/model/model_update_function_config_request_body.go,
// commit 1cd70eb), the body of PUT .../config.
var sdkUpdateConfigFields = []string{"func_name", "runtime", "timeout", "handler", "memory_size", "gpu_memory", "gpu_type",
	"user_data", "encrypted_user_data", "xrole", "app_xrole", "description", "func_vpc", "peering_cidr", "mount_config",
	"strategy_config", "custom_image", "extend_config", "initializer_handler", "initializer_timeout", "pre_stop_handler",
	"pre_stop_timeout", "ephemeral_storage", "enterprise_project_id", "log_config", "network_controller",
	"is_stateful_function", "enable_dynamic_memory", "enable_auth_in_header", "domain_names", "restore_hook_handler",
	"restore_hook_timeout", "heartbeat_handler", "enable_class_isolation", "enable_lts_log", "lts_custom_tag",
	"user_data_encrypt_kms_key_id"}

// Rule 8: every field of the SDK's update body is either set by
// fgsdeploy (a field of UpdateConfigRequest) or sent back as read
// (UnmanagedConfigFields); and through a plan and an apply, the unmanaged
// ones survive the full replace.
func TestRule08FieldsAFullReplaceKeeps(t *testing.T) {
	sends := map[string]bool{}
	rt := reflect.TypeOf(apiclient.UpdateConfigRequest{})
	for i := range rt.NumField() {
		if tag := strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
			sends[tag] = true
		}
	}
	for _, k := range apiclient.UnmanagedConfigFields {
		if sends[k] {
			t.Errorf("%s is both set and sent back as read", k)
		}
		sends[k] = true
	}
	for _, k := range sdkUpdateConfigFields {
		if !sends[k] {
			t.Errorf("%s, a field of the SDK's update body, is dropped by a config update", k)
		}
	}
	for k := range sends {
		if !slices.Contains(sdkUpdateConfigFields, k) {
			t.Errorf("%s is sent but is not a field of the SDK's update body", k)
		}
	}

	w := newWorld(t)
	w.write(fn(""), ruleCode)
	w.apply()
	others := map[string]json.RawMessage{
		"custom_image": json.RawMessage(`{"enabled":false}`), "enable_auth_in_header": json.RawMessage(`true`),
		"enable_class_isolation": json.RawMessage(`true`), "enable_dynamic_memory": json.RawMessage(`true`),
		"enterprise_project_id": json.RawMessage(`"0"`), "extend_config": json.RawMessage(`"{\"k\":1}"`),
		"gpu_memory": json.RawMessage(`1024`), "gpu_type": json.RawMessage(`"gpu-x"`),
		"heartbeat_handler": json.RawMessage(`"index.heartbeat"`), "is_stateful_function": json.RawMessage(`true`),
		"lts_custom_tag": json.RawMessage(`{"team":"a"}`), "network_controller": json.RawMessage(`{"disable_public_network":true}`),
		"peering_cidr": json.RawMessage(`"10.1.0.0/24"`), "restore_hook_handler": json.RawMessage(`"index.restore"`),
		"restore_hook_timeout": json.RawMessage(`10`), "user_data_encrypt_kms_key_id": json.RawMessage(`"kms-1"`),
	}
	var names []string
	for k := range others {
		names = append(names, k)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != strings.Join(apiclient.UnmanagedConfigFields, ",") {
		t.Fatalf("the test sets %v, the client keeps %v", names, apiclient.UnmanagedConfigFields)
	}
	// Another tool sets them.
	urn := w.client.FunctionURN("default", "hello")
	if _, err := w.client.UpdateConfig(context.Background(), urn, &apiclient.UpdateConfigRequest{FuncName: "hello", Runtime: "Python3.10",
		Handler: "index.handler", MemorySize: 128, Timeout: 3, Unmanaged: others}); err != nil {
		t.Fatal(err)
	}
	w.noChanges()
	w.forget()
	w.write(fn("    memory_size: 256\n"), ruleCode)
	w.apply()
	put := w.only("PUT", "/config")
	live := w.live("hello")
	for _, k := range names {
		if got, _ := json.Marshal(put[k]); string(got) != string(others[k]) {
			t.Errorf("PUT config sent %s = %s, want %s as read", k, got, others[k])
		}
		if string(live.Unmanaged[k]) != string(others[k]) {
			t.Errorf("after the update %s = %s, want %s", k, live.Unmanaged[k], others[k])
		}
	}
	if live.MemorySize != 256 {
		t.Fatalf("memory %d", live.MemorySize)
	}
	w.noChanges()
}

// Rule 13: create takes VPC, mounts, initializer, pre-stop, logging,
// environment and secrets, so a function declaring them is made by one
// call; only what create has no field for (concurrent_num,
// ephemeral_storage; max_instances has its own API) follows, in steps of
// its own whose bodies the plan decided.
func TestRule13CreateIsOneCall(t *testing.T) {
	full := fn(`    memory_size: 256
    timeout: 30
    description: all of it
    xrole: fgs-agency
    app_xrole: app-agency
    initializer_handler: index.init
    initializer_timeout: 10
    pre_stop_handler: index.stop
    pre_stop_timeout: 5
    environment: {A: "1"}
    encrypted_environment: {K: secret-k}
    func_vpc: {vpc_id: vpc-1, subnet_id: subnet-1, security_groups: [sg-1]}
    mount_config:
      mount_user: {user_id: 1001, user_group_id: 1001}
      func_mounts: [{mount_type: sfs, mount_resource: sfs-1, local_mount_path: /mnt/data}]
    log_config: {group_id: g1, stream_id: s1}
`)
	w := newWorld(t)
	w.write(full, ruleCode)
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if steps := stepTypes(p.Functions[0]); steps != "create" {
		t.Fatalf("steps %v, want create only", steps)
	}
	w.forget()
	w.applyPlan(p)
	if n := len(w.writes("PUT", "")); n != 0 {
		t.Fatalf("%d PUTs after the create, want none", n)
	}
	c := w.only("POST", "/functions")
	for _, k := range []string{"func_vpc", "mount_config", "initializer_handler", "initializer_timeout", "pre_stop_handler",
		"pre_stop_timeout", "log_config", "enable_lts_log", "user_data", "encrypted_user_data", "xrole", "app_xrole"} {
		if _, ok := c[k]; !ok {
			t.Errorf("create did not send %s", k)
		}
	}
	l := w.live("hello")
	if l.FuncVpc == nil || l.FuncVpc.VpcID != "vpc-1" || l.MountConfig == nil || len(l.MountConfig.FuncMounts) != 1 ||
		l.InitializerHandler != "index.init" || l.PreStopTimeout != 5 || l.LogGroupID != "g1" {
		t.Fatalf("created function: %+v", l)
	}
	w.noChanges()

	// http takes more than one request per instance and more ephemeral
	// storage; create cannot set either, so a config update follows,
	// with the body the plan made.
	http := `functions:
  web:
    runtime: http
    handler: bootstrap
    code: {path: ./src}
    concurrent_num: 10
    ephemeral_storage: 10240
    max_instances: 20
    environment: {A: "1"}
    encrypted_environment: {K: secret-k}
`
	w.write(http, ruleCode)
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	config, max := f.Steps[len(f.Steps)-2].Request, f.Steps[len(f.Steps)-1].Request
	if steps := stepTypes(f); steps != "create,config,max_instances" || config.(*plan.UpdateConfig).Body == nil || max.(*plan.SetMaxInstances).N != 20 {
		t.Fatalf("steps %v, config %+v", steps, config)
	}
	if out := text(p); !strings.Contains(out, "    update config:\n      + concurrent_num: 10\n      + ephemeral_storage: 10240\n") {
		t.Fatalf("plan:\n%s", out)
	}
	w.forget()
	w.applyPlan(p)
	put := w.only("PUT", "/config")
	if put["encrypted_user_data"] != `{"K":"secret-k"}` {
		t.Fatal("the config update after create dropped the secrets")
	}
	if sc := put["strategy_config"].(map[string]any); sc["concurrent_num"] != float64(10) || put["ephemeral_storage"] != float64(10240) {
		t.Fatalf("config update %v", put)
	}
	w.noChanges()
}
