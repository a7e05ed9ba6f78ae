package fgs

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// The emulator's statement of the trigger rules and the manifest's
// (fgsspec) are written apart from the same sources; where they disagree
// one of them is wrong, so they must agree on every type's fields, which
// are required, the enums and the integer ranges.
func TestTriggerRulesAgreeWithFgsspec(t *testing.T) {
	for _, tt := range fgsspec.TriggerTypes {
		r := triggerRuleOf(tt.Code)
		if r == nil {
			t.Errorf("%s: the emulator has no rules of its own", tt.Code)
			continue
		}
		compareFields(t, tt.Code, tt.Fields, r.fields)
		if r.defaultDisabled != tt.DefaultDisabled || canDisableType(tt.Code, true) != tt.CanDisable(true) || canDisableType(tt.Code, false) != tt.CanDisable(false) {
			t.Errorf("%s: disabling differs", tt.Code)
		}
		if r.code != tt.ErrorCode {
			t.Errorf("%s: error code %s, fgsspec %s", tt.Code, r.code, tt.ErrorCode)
		}
		var secrets []string
		secrets = append(secrets, r.secrets...)
		sort.Strings(secrets)
		if want := tt.SecretFields(); strings.Join(secrets, ",") != strings.Join(want, ",") {
			t.Errorf("%s: secrets %v, fgsspec %v", tt.Code, secrets, want)
		}
	}
}

func compareFields(t *testing.T, path string, spec []fgsspec.TriggerField, emu map[string]eventField) {
	t.Helper()
	names := map[string]bool{}
	for _, f := range spec {
		names[f.Name] = true
		e, ok := emu[f.Name]
		p := path + "." + f.Name
		if !ok {
			t.Errorf("%s: in fgsspec only", p)
			continue
		}
		if e.required != f.Required {
			t.Errorf("%s: required %v, fgsspec %v", p, e.required, f.Required)
		}
		if !slices.Equal(sortedCopy(e.enum), sortedCopy(f.Enum)) {
			t.Errorf("%s: enum %v, fgsspec %v", p, e.enum, f.Enum)
		}
		if f.Kind == fgsspec.KindInt && f.Range != (fgsspec.Range{}) && (e.min != f.Range.Min || e.max != f.Range.Max) {
			t.Errorf("%s: range %d to %d, fgsspec %s", p, e.min, e.max, f.Range)
		}
		kinds := map[fgsspec.FieldKind]eventKind{fgsspec.KindString: kString, fgsspec.KindInt: kInt, fgsspec.KindBool: kBool, fgsspec.KindStrings: kStrings, fgsspec.KindObject: kObject}
		want := kinds[f.Kind]
		if f.WireString {
			want = kBoolString
		}
		if e.kind != want {
			t.Errorf("%s: kind %d, fgsspec %s", p, e.kind, f.Kind)
		}
		if f.Kind == fgsspec.KindObject {
			compareFields(t, p, f.Fields, e.fields)
		}
	}
	for n := range emu {
		if !names[n] && !serviceFilled[path+"."+n] {
			t.Errorf("%s.%s: in the emulator's rules only", path, n)
		}
	}
}

// serviceFilled are the fields a create body may carry (the SDK's
// ApigTriggerFuncInfo has them) that FunctionGraph fills in itself, so
// the manifest does not take them: the one deliberate difference.
var serviceFilled = map[string]bool{
	"APIG.func_info.function_urn": true, "APIG.func_info.version": true,
	"DEDICATEDGATEWAY.func_info.function_urn": true, "DEDICATEDGATEWAY.func_info.version": true,
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func TestTriggerRuleValues(t *testing.T) {
	apig := `"name":"hello_api","group_id":"g","env_id":"e","env_name":"RELEASE","path":"/hello","req_method":"GET","protocol":"HTTPS","auth":"IAM","match_mode":"SWA","type":1,"func_info":{"timeout":5000}`
	for _, tc := range []struct {
		typ, data, code, msg string
	}{
		{"TIMER", `{"name":"n","schedule_type":"Rate","schedule":"5m"}`, "", ""},
		{"TIMER", `{"name":"n","schedule_type":"Rate","schedule":"61m"}`, "FSS.1109", "is not a rate"},
		{"TIMER", `{"name":"n","schedule_type":"Rate","schedule":"m"}`, "FSS.1109", "is not a rate"},
		{"TIMER", `{"name":"n","schedule_type":"Cron","schedule":"0 0 2 * * ?"}`, "", ""},
		{"TIMER", `{"name":"n","schedule_type":"Cron","schedule":"CRON_TZ=Asia/Shanghai 0 */5 8-18 ? JAN-DEC MON-FRI"}`, "", ""},
		{"TIMER", `{"name":"n","schedule_type":"Cron","schedule":"@every 1h30m"}`, "", ""},
		{"TIMER", `{"name":"n","schedule_type":"Cron","schedule":"0 0 25 * * ?"}`, "FSS.1109", "out of range"},
		{"TIMER", `{"name":"n","schedule_type":"Cron","schedule":"? 0 1 * * *"}`, "FSS.1109", "? is only"},
		{"TIMER", `{"name":"9n","schedule_type":"Rate","schedule":"5m"}`, "FSS.1109", "is not a name"},
		{"TIMER", `{"schedule_type":"Rate","schedule":"5m"}`, "FSS.1109", "name: is required"},
		{"TIMER", `{"name":"n","schedule_type":"Rate","schedule":"5m","sync_execution":true}`, "FSS.1109", "sync_execution: unknown field"},
		{"APIG", "{" + apig + "}", "", ""},
		{"APIG", "{" + strings.Replace(apig, `"timeout":5000`, `"timeout":60001`, 1) + "}", "FSS.1107", "func_info.timeout: 60001 is out of range"},
		{"DEDICATEDGATEWAY", "{" + apig + "}", "FSS.1417", "instance_id: is required"},
		{"DIS", `{"stream_name":"s","sharditerator_type":"LATEST","polling_interval":30,"polling_unit":"s","is_serial":"true","batch_size":10}`, "", ""},
		{"DIS", `{"stream_name":"s","sharditerator_type":"LATEST","polling_interval":30,"polling_unit":"s","is_serial":true,"batch_size":10}`, "FSS.0400", `is_serial: must be the string "true" or "false"`},
		{"OBS", `{"bucket":"my-bucket","events":["ObjectCreated","Delete"]}`, "", ""},
		{"OBS", `{"bucket":"my-bucket","events":["s3:ObjectCreated:*"]}`, "", ""},
		{"OBS", `{"bucket":"my-bucket","events":["ObjectCreated","Put"]}`, "FSS.1106", "overlaps"},
		{"OBS", `{"bucket":"My_Bucket","events":["Put"]}`, "FSS.1106", "not a bucket name"},
		{"SMN", `{"topic_urn":"arn:x"}`, "FSS.1102", "must start with urn:smn:"},
		{"KAFKA", `{"instance_id":"i","topic_ids":["t"],"batch_size":100,"kafka_ssl_enable":true}`, "FSS.1113", "SASL needs"},
		{"KAFKA", `{"instance_id":"i","topic_ids":["t"],"batch_size":1001}`, "FSS.1112", "out of range"},
		{"DDS", `{"instance_id":"i","db_name":"d","collection_name":"c","db_password":"p","batch_size":10000}`, "", ""},
	} {
		t.Run(fmt.Sprintf("%s %s", tc.typ, tc.data), func(t *testing.T) {
			var data map[string]any
			if err := json.Unmarshal([]byte(tc.data), &data); err != nil {
				t.Fatal(err)
			}
			code, msg := triggerRuleOf(tc.typ).checkEventData(data)
			if code != tc.code || !strings.Contains(msg, tc.msg) || (tc.msg == "") != (msg == "") {
				t.Fatalf("got %s %q, want %s %q", code, msg, tc.code, tc.msg)
			}
		})
	}
}
