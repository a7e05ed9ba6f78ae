package planner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
)

const triggersYAML = `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    publish: {version: VERSION}
    aliases:
      live: {version: $published, canary: 10}
TRIGGERS`

const timerAndAPI = `    triggers:
      - type: TIMER
        qualifier: live
        status: STATUS
        event_data: {name: nightly, schedule_type: Cron, schedule: "SCHEDULE", user_event: "{}"}
      - type: APIG
        qualifier: live
        event_data: {group_id: g1, env_id: E1, env_name: RELEASE, name: hello_api, path: /hello,
                     req_method: GET, match_mode: SWA, type: 1}
`

func triggersManifest(version, triggers string, kv ...string) string {
	s := strings.Replace(strings.Replace(triggersYAML, "VERSION", version, 1), "TRIGGERS", triggers, 1)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, kv[i], kv[i+1])
	}
	return s
}

// triggerRequests returns the trigger writes sent since the last forget,
// as "METHOD qualifier/TYPE" (the id left out), in order.
func (w *world) triggerRequests() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, r := range w.sent {
		if !strings.HasPrefix(r.Path, "/triggers/") {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(r.Path, "/triggers/"), "/")
		q := parts[0][strings.LastIndex(parts[0], ":")+1:]
		typ := ""
		if len(parts) > 1 {
			typ = "/" + parts[1]
		} else {
			var b struct {
				T string `json:"trigger_type_code"`
			}
			json.Unmarshal(r.Body, &b)
			typ = "/" + b.T
		}
		out = append(out, r.Method+" "+q+typ)
	}
	return strings.Join(out, ", ")
}

func (w *world) liveTriggers(target string) []apiclient.Trigger {
	w.t.Helper()
	ts, err := w.client.ListTriggers(context.Background(), w.client.FunctionURN("default", "hello")+":"+target)
	if err != nil {
		w.t.Fatal(err)
	}
	return ts
}

func noChanges(t *testing.T, w *world) {
	t.Helper()
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.HasChanges() {
		t.Fatalf("the plan after apply is not empty:\n%s", text(p))
	}
}

// The flow of the issue: create a function with a timer and an API
// trigger on live; a re-plan is a no-op; a changed schedule replaces the
// timer, a changed status updates it in place; a removed trigger is
// deleted; without the key nothing is touched; a canary release keeps
// the triggers on the alias; triggers: [] deletes them all.
func TestTriggersFlow(t *testing.T) {
	w := newWorld(t)
	timer := func(schedule, status string) string {
		return triggersManifest("v1", timerAndAPI, "SCHEDULE", schedule, "STATUS", status)
	}
	w.write(timer("0 0 2 * * ?", "ACTIVE"), "1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(p.Functions[0]); got != "create,publish,aliases,triggers" {
		t.Fatalf("steps %s", got)
	}
	w.apply()
	if got := w.triggerRequests(); got != "POST !live/TIMER, POST !live/APIG" {
		t.Fatalf("trigger requests %s", got)
	}
	if n := len(w.liveTriggers("!live")); n != 2 {
		t.Fatalf("%d triggers on live", n)
	}
	noChanges(t, w)

	// The schedule: replaced (the old timer deleted first).
	w.write(timer("0 0 3 * * ?", "ACTIVE"), "1")
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text(p), "-/+ trigger TIMER nightly on live (schedule changes)") {
		t.Fatalf("plan:\n%s", text(p))
	}
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "DELETE !live/TIMER, POST !live/TIMER" {
		t.Fatalf("trigger requests %s", got)
	}
	noChanges(t, w)

	// The status: in place.
	w.write(timer("0 0 3 * * ?", "DISABLED"), "1")
	p, _ = w.plan()
	if !strings.Contains(text(p), `~ trigger TIMER nightly on live: {"status":"ACTIVE"} -> {"status":"DISABLED"}`) {
		t.Fatalf("plan:\n%s", text(p))
	}
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "PUT !live/TIMER" {
		t.Fatalf("trigger requests %s", got)
	}
	noChanges(t, w)

	// A canary release: the alias moves, its triggers stay.
	w.write(strings.Replace(timer("0 0 3 * * ?", "DISABLED"), "v1", "v2", 1), "2")
	p, _ = w.plan()
	if p.Functions[0].Has(plan.StepTriggers) {
		t.Fatalf("a release touches the triggers:\n%s", text(p))
	}
	w.forget()
	w.apply()
	if a := w.alias("hello", "live"); a.Version != "v1" || a.AdditionalVersionWeights["v2"] != 10 {
		t.Fatalf("live %+v", a)
	}
	if n := len(w.liveTriggers("!live")); n != 2 || w.triggerRequests() != "" {
		t.Fatalf("%d triggers on live after the release (%s)", n, w.triggerRequests())
	}

	// One removed: deleted.
	apiOnly := triggersManifest("v2", strings.Join(strings.Split(timerAndAPI, "\n")[0:1], "\n")+"\n"+strings.Join(strings.Split(timerAndAPI, "\n")[5:], "\n"))
	w.write(apiOnly, "2")
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "DELETE !live/TIMER" {
		t.Fatalf("trigger requests %s", got)
	}
	noChanges(t, w)

	// No key: not managed, nothing deleted.
	w.write(triggersManifest("v2", ""), "2")
	noChanges(t, w)

	// triggers: []: none.
	w.write(triggersManifest("v2", "    triggers: []\n"), "2")
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "DELETE !live/APIG" {
		t.Fatalf("trigger requests %s", got)
	}
	noChanges(t, w)
}

// A trigger on a qualifier the manifest does not mention is deleted when
// triggers are managed; one of a type fgsdeploy does not manage is left,
// with a note.
func TestTriggersElsewhere(t *testing.T) {
	w := newWorld(t)
	w.write(triggersManifest("v1", ""), "1")
	w.apply()
	ctx := context.Background()
	urn := w.client.FunctionURN("default", "hello")
	for _, q := range []string{":v1", ":latest"} {
		if _, err := w.client.CreateTrigger(ctx, urn+q, &apiclient.CreateTriggerRequest{TypeCode: "LTS", EventData: json.RawMessage(`{"log_group_id":"g","log_topic_id":"s` + q[1:] + `"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.client.CreateTrigger(ctx, urn+":!live", &apiclient.CreateTriggerRequest{TypeCode: "EVENTGRID", EventData: json.RawMessage(`{"channel_id":"c"}`)}); err != nil {
		t.Fatal(err)
	}
	w.write(triggersManifest("v1", "    triggers: []\n"), "1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	out := text(p)
	for _, want := range []string{"- trigger LTS g sv1 on v1:", "- trigger LTS g slatest on latest:", "trigger EVENTGRID emu-trigger-3 on live is of a type fgsdeploy does not manage: left as it is"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "DELETE latest/LTS, DELETE v1/LTS" {
		t.Fatalf("trigger requests %s", got)
	}
	if n := len(w.liveTriggers("!live")); n != 1 {
		t.Fatalf("%d triggers on live, want the EVENTGRID one", n)
	}
}

// Secrets of event_data: never in a plan's views or its file, changes
// detected through the fingerprint (a changed password replaces the
// trigger), and a re-plan is a no-op.
func TestTriggerSecrets(t *testing.T) {
	w := newWorld(t)
	kafka := func(pw string) string {
		return triggersManifest("v1", `    triggers:
      - type: KAFKA
        qualifier: live
        event_data: {instance_id: k1, topic_ids: [orders], kafka_user: u, kafka_password: "`+pw+`"}
`)
	}
	w.write(kafka("hunter2-first"), "1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.Save(saved, p); err != nil {
		t.Fatal(err)
	}
	var views bytes.Buffer
	(plan.View{}).Text(&views, p)
	(plan.View{}).Markdown(&views, p)
	(plan.View{}).JSON(&views, p)
	if b, _ := os.ReadFile(saved); strings.Contains(string(b)+views.String(), "hunter2") {
		t.Fatalf("a secret in a view or the plan file:\n%s", views.String())
	}
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	ts := w.liveTriggers("!live")
	if len(ts) != 1 || ts[0].Status != "ACTIVE" {
		// Strict: Kafka triggers are created DISABLED whatever the body
		// says; the apply sets the declared status.
		t.Fatalf("live triggers %+v", ts)
	}
	noChanges(t, w)

	w.write(kafka("hunter2-second"), "1")
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := text(p); !strings.Contains(out, "-/+ trigger KAFKA k1 orders on live (kafka_password changes)") || !strings.Contains(out, "~ triggers.secrets: (sensitive) -> (sensitive)") || strings.Contains(out, "hunter2") {
		t.Fatalf("plan:\n%s", out)
	}
	w.forget()
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	want := "DELETE !live/KAFKA, POST !live/KAFKA"
	if strictEmulator {
		want += ", PUT !live/KAFKA" // created DISABLED, then set ACTIVE
	}
	if got := w.triggerRequests(); got != want {
		t.Fatalf("trigger requests %s, want %s", got, want)
	}
	noChanges(t, w)
	// The stored fingerprint is not the password.
	cfg, _ := w.client.GetConfig(context.Background(), w.client.FunctionURN("default", "hello"))
	if !strings.Contains(cfg.UserData, "FGSDEPLOY_TRIGGERS_FP") || strings.Contains(cfg.UserData, "hunter2") {
		t.Fatalf("user_data %s", cfg.UserData)
	}
}

// Triggers are read at most once per qualifier, and all of a function's
// lists together.
func TestTriggerListsOncePerQualifier(t *testing.T) {
	w := newWorld(t)
	w.write(triggersManifest("v1", timerAndAPI, "SCHEDULE", "0 0 2 * * ?", "STATUS", "ACTIVE"), "1")
	w.apply()
	w.write(triggersManifest("v2", timerAndAPI, "SCHEDULE", "0 0 2 * * ?", "STATUS", "ACTIVE"), "2")
	w.apply()
	// Qualifiers: latest, live, v1, v2.
	before := w.srv.Stats().Requests["GET triggers"]
	noChanges(t, w)
	if n := w.srv.Stats().Requests["GET triggers"] - before; n != 4 {
		t.Fatalf("%d trigger lists for 4 qualifiers", n)
	}
}

// Pruning keeps a version a declared trigger is bound to, and prunes in
// the same plan a version whose triggers the plan deletes, after them.
func TestTriggersAndPrune(t *testing.T) {
	w := newWorld(t)
	y := func(v string, keep int, triggers string) string {
		return fmt.Sprintf("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: %s, keep: %d}\n%s", v, keep, triggers)
	}
	onV1 := "    triggers:\n      - {type: TIMER, qualifier: v1, event_data: {name: old, schedule_type: Rate, schedule: 5m}}\n"
	w.write(y("v1", 0, ""), "1")
	w.apply()
	w.write(y("v2", 0, onV1), "2")
	w.apply()
	w.write(y("v3", 1, onV1), "3")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if _, got := deletions(p.Functions[0]); got != "v2" {
		t.Fatalf("prune %q, want v2 (v1 has a declared trigger)\n%s", got, text(p))
	}
	w.apply()
	noChanges(t, w)
	// The trigger goes: v1 can go, after it.
	w.write(y("v3", 1, "    triggers: []\n"), "3")
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTypes(p.Functions[0]); got != "triggers,prune" {
		t.Fatalf("steps %s\n%s", got, text(p))
	}
	if _, got := deletions(p.Functions[0]); got != "v1" {
		t.Fatalf("prune %q, want v1", got)
	}
	w.apply()
	if got := w.versionNames("hello"); got != "v3" {
		t.Fatalf("versions %s", got)
	}
	noChanges(t, w)
}

// A DIS trigger's pull settings change in place, with UpdateTrigger's
// array of fields; its stream is its identity.
func TestTriggerUpdateInPlace(t *testing.T) {
	w := newWorld(t)
	dis := func(interval int) string {
		return triggersManifest("v1", fmt.Sprintf(`    triggers:
      - type: DIS
        event_data: {stream_name: s1, sharditerator_type: TRIM_HORIZON, batch_size: 100, polling_interval: %d, polling_unit: s, is_serial: true}
`, interval))
	}
	w.write(dis(30), "1")
	w.apply()
	noChanges(t, w)
	w.write(dis(60), "1")
	w.forget()
	w.apply()
	if got := w.triggerRequests(); got != "PUT latest/DIS" {
		t.Fatalf("trigger requests %s", got)
	}
	var body map[string]any
	json.Unmarshal(w.writes("PUT", "")[0].Body, &body)
	if fmt.Sprint(body["event_data"]) != "[map[polling_interval:60]]" {
		t.Fatalf("update body %v", body)
	}
	noChanges(t, w)
}

// A qualifier that is neither an alias nor a version fails that function
// before anything changes.
func TestTriggerQualifierUnknown(t *testing.T) {
	w := newWorld(t)
	w.write(triggersManifest("v1", "    triggers:\n      - {type: TIMER, qualifier: beta, event_data: {name: n, schedule_type: Rate, schedule: 5m}}\n"), "1")
	_, err := w.plan()
	if err == nil || !strings.Contains(err.Error(), "function.yaml:10:34: functions.hello.triggers[0].qualifier: beta is neither an alias nor a version of the function") {
		t.Fatalf("plan: %v", err)
	}
	// The version this apply publishes is one.
	w.write(triggersManifest("v1", "    triggers:\n      - {type: TIMER, qualifier: v1, event_data: {name: n, schedule_type: Rate, schedule: 5m}}\n"), "1")
	w.apply()
	if n := len(w.liveTriggers("v1")); n != 1 {
		t.Fatalf("%d triggers on v1", n)
	}
	noChanges(t, w)
}
