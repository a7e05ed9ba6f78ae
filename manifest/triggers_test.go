package manifest_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

func lookupOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// The example decodes: defaults filled (status ACTIVE, qualifier
// latest, an API's protocol, auth and func_info.timeout, Kafka's
// batch_size), secrets kept apart, ${VAR} in a secret.
func TestTriggersDecode(t *testing.T) {
	path := project(t, fn+`    aliases:
      live: {version: latest}
    triggers:
      - type: TIMER
        qualifier: live
        status: DISABLED
        event_data: {name: nightly, schedule_type: Cron, schedule: "0 0 2 * * ?", user_event: "{}"}
      - type: APIG
        qualifier: live
        event_data: {group_id: g1, env_id: E1, env_name: RELEASE, name: hello_api, path: /hello,
                     req_method: GET, match_mode: SWA, type: 1}
      - type: OBS
        event_data: {bucket: uploads, events: ["s3:ObjectCreated:*"], prefix: in/, suffix: .csv}
      - type: KAFKA
        event_data: {instance_id: k1, topic_ids: [orders], kafka_user: u, kafka_password: "${KAFKA_PW}", kafka_ssl_enable: true}
`)
	p, errs, out := loadFile(t, path, manifest.Options{Lookup: lookupOf(map[string]string{"KAFKA_PW": "hunter2-secret"})})
	if errs != nil {
		t.Fatal(out)
	}
	ts := p.Functions[0].Triggers
	if len(ts) != 4 {
		t.Fatalf("%d triggers", len(ts))
	}
	if ts[0].Qualifier != "live" || ts[0].Status != "DISABLED" || ts[0].EventData["schedule"] != "0 0 2 * * ?" {
		t.Errorf("timer: %+v", ts[0])
	}
	api := ts[1].EventData
	if api["protocol"] != "HTTPS" || api["auth"] != "IAM" || api["type"] != 1 || !reflect.DeepEqual(api["func_info"], map[string]any{"timeout": 5000}) {
		t.Errorf("api defaults: %v", api)
	}
	if ts[2].Qualifier != "latest" || ts[2].Status != "ACTIVE" || !reflect.DeepEqual(ts[2].EventData["events"], []string{"s3:ObjectCreated:*"}) {
		t.Errorf("obs: %+v", ts[2])
	}
	k := ts[3]
	if _, leaked := k.EventData["kafka_password"]; leaked || k.Secrets["kafka_password"] != "hunter2-secret" || k.EventData["batch_size"] != 100 || k.EventData["kafka_ssl_enable"] != true {
		t.Errorf("kafka: %+v", k)
	}
	if got := manifest.TriggerIdentity("OBS", ts[2].EventData); got != "uploads ObjectCreated in/ .csv" {
		t.Errorf("OBS identity %q", got)
	}
	// triggers: [] manages triggers (none); no key leaves them alone.
	path = project(t, fn+"    triggers: []\n")
	if p, errs, out := loadFile(t, path, manifest.Options{}); errs != nil || p.Functions[0].Triggers == nil || len(p.Functions[0].Triggers) != 0 {
		t.Fatalf("triggers: []: %v %s", p, out)
	}
	path = project(t, fn)
	if p, errs, out := loadFile(t, path, manifest.Options{}); errs != nil || p.Functions[0].Triggers != nil {
		t.Fatalf("no triggers key: %v %s", p, out)
	}
}

// Every problem at its line and column, with the field's path; a secret
// never appears in a message.
func TestTriggersErrors(t *testing.T) {
	path := project(t, `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    environment: {A: "1"}
    triggers:
      - type: TIMER
        event_data: {name: nightly, schedule_type: Cron, schedule: "0 0 25 * * ?"}
      - type: TIMER
        event_data: {name: nightly, schedule_type: Rate, schedule: 5m, sync_execution: false}
      - type: APIG
        status: DISABLED
        event_data: {group_id: g1, env_id: E1, env_name: RELEASE, name: hello_api, path: hello, req_method: FETCH, match_mode: SWA, type: 1}
      - type: EVENTGRID
        event_data: {}
      - type: PIGEON
        event_data: {}
      - type: KAFKA
        qualifier: $published
        event_data: {instance_id: k1, topic_ids: [orders], kafka_password: "${PW}", batch_size: "10"}
      - type: OBS
        event_data: {bucket: Uploads, events: [ObjectCreated, Put]}
      - type: SMN
      - event_data: {topic_urn: "urn:smn:x"}
      - type: DIS
        event_data: {stream_name: s, sharditerator_type: LATEST, batch_size: 1, polling_interval: 30, polling_unit: s, is_serial: "yes"}
  other:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    triggers: {type: TIMER}
`)
	_, errs, out := loadFile(t, path, manifest.Options{Lookup: lookupOf(map[string]string{"PW": "hunter2-secret"})})
	if strings.Contains(out, "hunter2") {
		t.Fatalf("a secret in the errors:\n%s", out)
	}
	for _, want := range []string{
		`function.yaml:9:68: functions.hello.triggers[0].event_data.schedule: hours "25": 25 is out of range (0 to 23)`,
		`function.yaml:11:72: functions.hello.triggers[1].event_data.sync_execution: unknown field (the fields of this type: name, schedule, schedule_type, user_event)`,
		`function.yaml:13:17: functions.hello.triggers[2].status: APIG triggers cannot be DISABLED: only TIMER, DDS, KAFKA and LTS triggers can be disabled; remove the trigger instead`,
		`function.yaml:14:90: functions.hello.triggers[2].event_data.path: must start with /`,
		`function.yaml:14:109: functions.hello.triggers[2].event_data.req_method: "FETCH" is not one of GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS, ANY`,
		`function.yaml:15:15: functions.hello.triggers[3].type: fgsdeploy does not manage EVENTGRID triggers yet`,
		`function.yaml:17:15: functions.hello.triggers[4].type: "PIGEON" is not a trigger type`,
		`function.yaml:20:20: functions.hello.triggers[5].qualifier: $published is not a qualifier`,
		`function.yaml:21:97: functions.hello.triggers[5].event_data.batch_size: must be a whole number, got the string "10" (remove the quotes)`,
		`function.yaml:23:30: functions.hello.triggers[6].event_data.bucket: 'U' is not allowed (lowercase letters, digits, - and .)`,
		`function.yaml:24:9: functions.hello.triggers[7].event_data: is required: the SMN trigger's fields (topic_urn)`,
		`function.yaml:25:9: functions.hello.triggers[8].type: is required`,
		`function.yaml:27:131: functions.hello.triggers[9].event_data.is_serial: must be true or false, got a string`,
		`function.yaml:32:15: functions.other.triggers: must be a list of triggers`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing: %s", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	_ = errs
}

// The rules between triggers: a timer's name once per function, one
// trigger declared once, 10 per qualifier; an API once in the project,
// OBS notifications of a bucket that do not overlap; the secrets'
// fingerprint key is reserved.
func TestTriggersCrossRules(t *testing.T) {
	var b strings.Builder
	b.WriteString(fn + "    environment: {FGSDEPLOY_TRIGGERS_FP: x}\n    aliases: {live: {version: latest}}\n    triggers:\n")
	for i := range 11 {
		b.WriteString("      - {type: TIMER, qualifier: live, event_data: {name: t" + string(rune('a'+i)) + ", schedule_type: Rate, schedule: 5m}}\n")
	}
	b.WriteString(`      - {type: TIMER, event_data: {name: ta, schedule_type: Rate, schedule: 5m}}
      - {type: LTS, event_data: {log_group_id: g, log_topic_id: s}}
      - {type: LTS, event_data: {log_group_id: g, log_topic_id: s}}
`)
	_, _, out := loadFile(t, project(t, b.String()), manifest.Options{})
	for _, want := range []string{
		`:6:19: functions.hello.environment.FGSDEPLOY_TRIGGERS_FP: is reserved`,
		`:19:9: functions.hello.triggers[10]: live has more than 10 triggers`,
		`:20:9: functions.hello.triggers[11].event_data.name: timer ta is also triggers[0]`,
		`:22:9: functions.hello.triggers[13]: declares the same trigger as triggers[12] (LTS g s on latest)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing: %s", want)
		}
	}
	out = ""
	_, _, out = loadFile(t, project(t, fn+`    triggers:
      - {type: APIG, event_data: {group_id: g1, env_id: E1, env_name: RELEASE, name: api, path: /x, req_method: GET, match_mode: SWA, type: 1}}
      - {type: OBS, event_data: {bucket: uploads, events: [ObjectCreated], prefix: in/}}
  other:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    triggers:
      - {type: DEDICATEDGATEWAY, event_data: {instance_id: i, group_id: g1, env_id: E1, env_name: RELEASE, name: api, path: /x, req_method: GET, match_mode: SWA, type: 1}}
      - {type: OBS, event_data: {bucket: uploads, events: [Put], prefix: in/sub/}}
      - {type: OBS, event_data: {bucket: uploads, events: [Delete], prefix: in/}}
`), manifest.Options{})
	for _, want := range []string{
		`:14:9: functions.other.triggers[0]: the API GET /x of group g1 is also functions.hello.triggers[0]`,
		`:15:9: functions.other.triggers[1]: bucket uploads: these events, prefix and suffix overlap those of functions.hello.triggers[1]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing: %s", want)
		}
	}
	if strings.Contains(out, "other.triggers[2]") {
		t.Errorf("a notification of other events is refused:\n%s", out)
	}
	if t.Failed() {
		t.Log(out)
	}
}

// A trigger's identity does not depend on the order of its lists (OBS
// events, in either of their forms, Kafka topics): two declarations that
// differ only in it are the same trigger, refused as declared twice, and
// a live trigger whose lists come back in another order pairs with its
// declaration (the planner's TestTriggerListOrderIsNoChange).
func TestTriggerIdentityIgnoresListOrder(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		a, b map[string]any
	}{
		{"OBS", map[string]any{"bucket": "uploads", "events": []any{"Put", "Delete"}, "prefix": "in/"},
			map[string]any{"bucket": "uploads", "events": []any{"s3:ObjectRemoved:Delete", "s3:ObjectCreated:Put"}, "prefix": "in/"}},
		{"KAFKA", map[string]any{"instance_id": "k1", "topic_ids": []string{"orders", "payments", "audit"}},
			map[string]any{"instance_id": "k1", "topic_ids": []string{"audit", "payments", "orders"}}},
	} {
		if a, b := manifest.TriggerIdentity(tc.typ, tc.a), manifest.TriggerIdentity(tc.typ, tc.b); a != b {
			t.Errorf("%s: identity %q and %q", tc.typ, a, b)
		}
	}
	if a, b := manifest.TriggerIdentity("KAFKA", map[string]any{"instance_id": "k1", "topic_ids": []string{"orders"}}),
		manifest.TriggerIdentity("KAFKA", map[string]any{"instance_id": "k1", "topic_ids": []string{"orders", "audit"}}); a == b {
		t.Errorf("other topics, one identity %q", a)
	}
	_, _, out := loadFile(t, project(t, fn+`    triggers:
      - {type: KAFKA, event_data: {instance_id: k1, topic_ids: [orders, payments]}}
      - {type: KAFKA, event_data: {instance_id: k1, topic_ids: [payments, orders]}}
      - {type: OBS, event_data: {bucket: uploads, events: [Put, Delete]}}
      - {type: OBS, event_data: {bucket: uploads, events: ["s3:ObjectRemoved:Delete", Put]}}
`), manifest.Options{})
	for _, want := range []string{
		`:8:9: functions.hello.triggers[1]: declares the same trigger as triggers[0] (KAFKA k1 orders,payments on latest)`,
		`:10:9: functions.hello.triggers[3]: declares the same trigger as triggers[2] (OBS uploads Delete,Put   on latest)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing: %s\n%s", want, out)
		}
	}
}

// FuzzTriggers decodes arbitrary triggers: no panic; an error is a list
// of positioned errors; a secret given through ${VAR} never shows in one.
func FuzzTriggers(f *testing.F) {
	for _, s := range []string{
		"[]", "[{type: TIMER, event_data: {name: n, schedule_type: Cron, schedule: '0 0 2 * * ?'}}]",
		"[{type: KAFKA, event_data: {instance_id: k, topic_ids: [a, a], kafka_user: u, kafka_password: '${PW}'}}]",
		"[{type: APIG, event_data: {func_info: {timeout: x}}}]", "[{type: OBS, event_data: {bucket: b, events: {a: 1}}}]",
		"[{type: DDS, status: DISABLED, event_data: {db_password: '${PW}', batch_size: '${PW}'}}]",
		"[{type: RABBITMQ, event_data: {access_password: [${PW}]}}]", "[{type: DIS, event_data: {is_serial: '${PW}'}}]",
		"{}", "[~]", "[{type: [TIMER]}]",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	p := filepath.Join(dir, "function.yaml")
	f.Fuzz(func(t *testing.T, triggers string) {
		data := fn + "    triggers: " + strings.ReplaceAll(triggers, "\n", " ") + "\n"
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		proj, err := manifest.Load(p, manifest.Options{Lookup: lookupOf(map[string]string{"PW": "s3cr-3t"})})
		if err == nil {
			if proj == nil || len(proj.Functions) != 1 {
				t.Fatalf("no error and no function")
			}
			for _, tr := range proj.Functions[0].Triggers {
				for k, v := range tr.EventData {
					if s, ok := v.(string); ok && strings.Contains(s, "s3cr-3t") && !strings.Contains(triggers, "s3cr-3t") {
						if f := k; f == "kafka_password" || f == "db_password" || f == "access_password" {
							t.Fatalf("secret %s left in event_data", k)
						}
					}
				}
			}
			return
		}
		var me *multierror.Error
		if !errors.As(err, &me) || len(me.Errors) == 0 {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if strings.Contains(err.Error(), "s3cr-3t") && !strings.Contains(triggers, "s3cr-3t") {
			t.Fatalf("the secret leaked into: %v", err)
		}
	})
}

// The schema's event_data of each type has exactly fgsspec's fields, so
// editors and validate agree; it accepts the documented example and
// refuses an unknown field.
func TestSchemaTriggers(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(manifest.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	defs := schema["$defs"].(map[string]any)
	for _, tt := range fgsspec.TriggerTypes {
		d, ok := defs["event_data_"+tt.Code].(map[string]any)
		if !ok {
			t.Errorf("no event_data_%s in the schema", tt.Code)
			continue
		}
		var got []string
		for k := range d["properties"].(map[string]any) {
			got = append(got, k)
		}
		want := tt.FieldNames()
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: schema fields %v, fgsspec %v", tt.Code, got, want)
		}
	}
	s := compileSchema(t)
	good := fn + `    triggers:
      - {type: TIMER, qualifier: live, event_data: {name: nightly, schedule_type: Cron, schedule: "0 0 2 * * ?"}}
      - {type: APIG, event_data: {group_id: g, env_id: E, env_name: RELEASE, name: api, path: /x, req_method: GET, match_mode: SWA, type: 1, func_info: {timeout: 3000}}}
      - {type: KAFKA, status: DISABLED, event_data: {instance_id: k, topic_ids: [t], kafka_password: "${PW}"}}
`
	if err := s.Validate(yamlToJSON(t, "good", []byte(good))); err != nil {
		t.Errorf("schema refuses triggers: %v", err)
	}
	for _, bad := range []string{
		fn + "    triggers: [{type: TIMER, event_data: {name: n, schedule_type: Rate, schedule: 5m, sync_execution: false}}]\n",
		fn + "    triggers: [{type: TIMER, event_data: {name: n, schedule: 5m}}]\n",
		fn + "    triggers: [{type: PIGEON, event_data: {}}]\n",
		fn + "    triggers: [{event_data: {}}]\n",
		fn + "    triggers: {type: TIMER}\n",
	} {
		if err := s.Validate(yamlToJSON(t, bad, []byte(bad))); err == nil {
			t.Errorf("schema accepts %q", bad)
		}
	}
}
