package fgsspec

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckSchedule(t *testing.T) {
	for _, c := range []struct {
		typ, s string
		ok     bool
	}{
		{"Rate", "1m", true}, {"Rate", "60m", true}, {"Rate", "61m", false},
		{"Rate", "24h", true}, {"Rate", "25h", false}, {"Rate", "30d", true}, {"Rate", "31d", false},
		{"Rate", "0m", false}, {"Rate", "05m", false}, {"Rate", "3s", false}, {"Rate", "m", false}, {"Rate", "", false},
		{"Rate", "-1m", false}, {"Rate", "+3m", false}, {"Rate", "3 m", false},
		// The cron page's own examples.
		{"Cron", "@every 30m", true}, {"Cron", "@every 1.5h", true}, {"Cron", "@every 2h30m", true},
		{"Cron", "CRON_TZ=Europe/Berlin 0 0 12 * * *", true},
		{"Cron", "CRON_TZ=Europe/Berlin 0 26,29,33 * * * *", true},
		{"Cron", "CRON_TZ=Europe/Berlin 0 30 12 ? * MON-FRI", true},
		{"Cron", "CRON_TZ=Europe/Berlin 0 0/5 12-14 ? * MON-FRI", true},
		{"Cron", "CRON_TZ=Europe/Berlin 0 0 12 ? JAN,FEB,MAR,APR *", true},
		{"Cron", "0 0 2 * * ?", true}, {"Cron", "0 0 2 * *", true}, {"Cron", "*/10 * * * * *", true},
		{"Cron", "0 0 12 ? jan,Feb *", true},
		{"Cron", "0 0 2 * * ? *", false}, {"Cron", "0 0 2 *", false}, {"Cron", "60 0 2 * * ?", false},
		{"Cron", "0 0 24 * * ?", false}, {"Cron", "0 0 0 0 * ?", false}, {"Cron", "0 0 0 1 13 ?", false},
		{"Cron", "0 0 0 1 1 7", false}, {"Cron", "? 0 0 1 1 1", false}, {"Cron", "0 0 5-2 * * *", false},
		{"Cron", "0 0 0/0 * * *", false}, {"Cron", "0 0 L * * *", false}, {"Cron", "@daily", false},
		{"Cron", "@every -1m", false}, {"Cron", "@every 0s", false}, {"Cron", "@every soon", false},
		{"Cron", "CRON_TZ=0 0 12 * * *", false}, {"Cron", "CRON_TZ= 0 0 12 * * *", false}, {"Cron", "", false},
		{"Weekly", "1m", false},
	} {
		if err := CheckSchedule(c.typ, c.s); (err == nil) != c.ok {
			t.Errorf("CheckSchedule(%s, %q) = %v, want ok %v", c.typ, c.s, err, c.ok)
		}
	}
}

func TestCheckAPIPath(t *testing.T) {
	for _, c := range []struct {
		p  string
		ok bool
	}{
		{"/", true}, {"/hello", true}, {"/a/{b}", true}, {"/a/{b+}", true}, {"/a/b/", true}, {"/v1.2/users_x-y~", true},
		{"hello", false}, {"", false}, {"/a//b", false}, {"/a/{b+}/c", false}, {"/a/{}", false}, {"/a/x{b}", false},
		{"/a/{b c}", false}, {"/a b", false}, {"/é", false}, {"/" + strings.Repeat("a", 512), false},
	} {
		if err := CheckAPIPath(c.p); (err == nil) != c.ok {
			t.Errorf("CheckAPIPath(%q) = %v, want ok %v", c.p, err, c.ok)
		}
	}
}

func TestCheckNames(t *testing.T) {
	for _, c := range []struct {
		what string
		err  error
		ok   bool
	}{
		{"bucket", CheckBucketName("uploads"), true}, {"bucket", CheckBucketName("my.bucket-1"), true},
		{"bucket", CheckBucketName("ab"), false}, {"bucket", CheckBucketName("Uploads"), false},
		{"bucket", CheckBucketName("-up"), false}, {"bucket", CheckBucketName("a..b"), false},
		{"bucket", CheckBucketName("a.-b"), false}, {"bucket", CheckBucketName("192.168.1.1"), false},
		{"timer", CheckTimerName("nightly"), true}, {"timer", CheckTimerName("Timer-cpg3_x"), true},
		{"timer", CheckTimerName("1st"), false}, {"timer", CheckTimerName("a b"), false},
		{"timer", CheckTimerName(strings.Repeat("a", 65)), false}, {"timer", CheckTimerName(""), false},
		{"api", CheckAPIName("hello_api"), true}, {"api", CheckAPIName("API_test (v1)"), false},
		{"api", CheckAPIName("API_test(v1)"), true}, {"api", CheckAPIName("ab"), false}, {"api", CheckAPIName("_api"), false},
	} {
		if (c.err == nil) != c.ok {
			t.Errorf("%s: %v, want ok %v", c.what, c.err, c.ok)
		}
	}
}

func TestOBSEvents(t *testing.T) {
	for _, e := range []string{"ObjectCreated", "s3:ObjectCreated:*", "ObjectCreated:*", "Put", "s3:ObjectCreated:Put", "s3:ObjectRemoved:DeleteMarkerCreated"} {
		if NormalizeOBSEvent(e) == "" {
			t.Errorf("NormalizeOBSEvent(%q) is empty", e)
		}
	}
	for _, e := range []string{"s3:Put", "ObjectCreated:Delete", "s3:ObjectCreated", "created", ""} {
		if n := NormalizeOBSEvent(e); n != "" {
			t.Errorf("NormalizeOBSEvent(%q) = %q", e, n)
		}
	}
	if err := CheckOBSEvents([]string{"ObjectCreated", "Put"}); err == nil {
		t.Error("ObjectCreated with Put is accepted")
	}
	if err := CheckOBSEvents([]string{"s3:ObjectCreated:*", "ObjectCreated"}); err == nil {
		t.Error("two spellings of ObjectCreated are accepted")
	}
	if err := CheckOBSEvents([]string{"ObjectCreated", "Delete"}); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		a, b           []string
		pa, sa, pb, sb string
		want           bool
	}{
		{[]string{"ObjectCreated"}, []string{"Put"}, "in/", ".csv", "in/x", "", true},
		{[]string{"ObjectCreated"}, []string{"Delete"}, "", "", "", "", false},
		{[]string{"Put"}, []string{"Put"}, "in/", "", "out/", "", false},
		{[]string{"Put"}, []string{"Put"}, "", ".csv", "", ".json", false},
		{[]string{"s3:ObjectCreated:*"}, []string{"Copy"}, "", "", "a", "b", true},
	} {
		if got := OBSNotificationsOverlap(c.a, c.pa, c.sa, c.b, c.pb, c.sb); got != c.want {
			t.Errorf("overlap %v %q %q / %v %q %q = %v", c.a, c.pa, c.sa, c.b, c.pb, c.sb, got)
		}
	}
}

// Each managed type's event_data: the documented examples pass, with
// fgsdeploy's defaults filled; required fields, kinds, enums and ranges
// are enforced; unknown fields are refused.
func TestCheckEventData(t *testing.T) {
	decode := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, c := range []struct {
		typ, data string
		bad       string // the field an error names; "" for none
	}{
		{"TIMER", `{"name":"Timer-l8v2","schedule":"3m","schedule_type":"Rate"}`, ""},
		{"TIMER", `{"name":"nightly","schedule":"0 0 2 * * ?","schedule_type":"Cron","user_event":"{}"}`, ""},
		{"TIMER", `{"name":"n","schedule":"0 0 2 * * ?","schedule_type":"Rate"}`, "schedule"},
		{"TIMER", `{"name":"n","schedule_type":"Rate"}`, "schedule"},
		{"TIMER", `{"name":"n","schedule":"3m","schedule_type":"Rate","sync_execution":false}`, "sync_execution"},
		{"DEDICATEDGATEWAY", `{"func_info":{"timeout":5000},"name":"API_test_function","env_id":"DEFAULT_ENVIRONMENT_RELEASE_ID","env_name":"RELEASE","protocol":"HTTPS","auth":"IAM","group_id":"5106210cf79e4","sl_domain":"x.apic.example.com","match_mode":"SWA","req_method":"ANY","backend_type":"FUNCTION","type":1,"path":"/test_gxz_v1_billing","instance_id":"i-1"}`, ""},
		{"DEDICATEDGATEWAY", `{"name":"API_test_function","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"ANY","type":1,"path":"/x"}`, "instance_id"},
		{"APIG", `{"name":"hello_api","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"GET","type":1,"path":"/hello"}`, ""},
		{"APIG", `{"name":"hello_api","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"FETCH","type":1,"path":"/hello"}`, "req_method"},
		{"APIG", `{"name":"hello_api","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"GET","type":3,"path":"/hello"}`, "type"},
		{"APIG", `{"name":"hello_api","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"GET","type":1,"path":"/hello","func_info":{"timeout":60001}}`, "func_info.timeout"},
		{"APIG", `{"name":"hello_api","env_id":"E","env_name":"RELEASE","group_id":"g","match_mode":"SWA","req_method":"GET","type":1.5,"path":"/hello"}`, "type"},
		{"OBS", `{"bucket":"input-picture2","events":["s3:ObjectCreated:*"],"name":"obs-event-1ec7"}`, ""},
		{"OBS", `{"bucket":"uploads","events":[],"prefix":"in/"}`, "events"},
		{"OBS", `{"bucket":"uploads","events":["ObjectCreated","Put"]}`, "events"},
		{"KAFKA", `{"instance_id":"86ad3efc","topic_ids":["PUSH_TOKEN_RECORD"],"batch_size":100}`, ""},
		{"KAFKA", `{"instance_id":"86ad3efc","topic_ids":["T"],"kafka_ssl_enable":true}`, "kafka_ssl_enable"},
		{"KAFKA", `{"instance_id":"86ad3efc","topic_ids":["T"],"kafka_user":"u"}`, "(whole)"},
		{"KAFKA", `{"instance_id":"86ad3efc","topic_ids":["T"],"batch_size":1001}`, "batch_size"},
		{"LTS", `{"log_group_id":"ccd3fa30","log_topic_id":"5b4944dd"}`, ""},
		{"SMN", `{"topic_urn":"urn:smn:region:pid:Failed_times"}`, ""},
		{"SMN", `{"topic_urn":"arn:aws:sns:x"}`, "topic_urn"},
		{"DIS", `{"stream_name":"s","sharditerator_type":"TRIM_HORIZON","batch_size":100,"polling_interval":30000,"polling_unit":"ms","max_fetch_bytes":2097152,"is_serial":"true"}`, ""},
		{"DIS", `{"stream_name":"s","sharditerator_type":"TRIM_HORIZON","batch_size":100,"polling_interval":30000,"polling_unit":"ms","is_serial":"yes"}`, "is_serial"},
		{"DMS", `{"queue_id":"q","consumer_group_id":"g","polling_interval":30}`, ""},
		{"CTS", `{"name":"audit","operations":["FunctionGraph:Functions:createFunction"]}`, ""},
		{"RABBITMQ", `{"instance_id":"i","exchange_name":"x","access_password":"pw","batch_size":10}`, ""},
		{"RABBITMQ", `{"instance_id":"i","exchange_name":"x","batch_size":10}`, "access_password"},
		{"DDS", `{"instance_id":"i","db_name":"d","collection_name":"c","db_password":"pw","batch_size":10}`, ""},
	} {
		tt := TriggerTypeOf(c.typ)
		errs := tt.CheckEventData(tt.Defaults(decode(c.data)))
		switch {
		case c.bad == "" && len(errs) > 0:
			t.Errorf("%s %s: %v", c.typ, c.data, errs)
		case c.bad != "" && len(errs) == 0:
			t.Errorf("%s %s: accepted, want an error at %s", c.typ, c.data, c.bad)
		case c.bad != "" && (errs[0].Field != c.bad && !(c.bad == "(whole)" && errs[0].Field == "")):
			t.Errorf("%s %s: %v, want an error at %s", c.typ, c.data, errs, c.bad)
		}
	}
}

// The rules of each type are consistent: identity and updatable fields
// exist, secrets are never part of an identity, and only the fields the
// SDK's UpdateriggerEventData names are updatable.
func TestTriggerTypes(t *testing.T) {
	updatable := map[string]bool{"is_serial": true, "max_fetch_bytes": true, "polling_interval": true, "polling_unit": true}
	seen := map[string]bool{}
	for _, tt := range TriggerTypes {
		if seen[tt.Code] {
			t.Errorf("%s twice", tt.Code)
		}
		seen[tt.Code] = true
		if !contains(TriggerTypeCodes, tt.Code) {
			t.Errorf("%s is not in the SDK's enum", tt.Code)
		}
		for _, id := range tt.Identity {
			f := tt.Field(id)
			switch {
			case f == nil:
				t.Errorf("%s: identity field %s does not exist", tt.Code, id)
			case f.Secret:
				t.Errorf("%s: identity field %s is a secret", tt.Code, id)
			}
		}
		for _, f := range tt.Fields {
			if f.Updatable && !updatable[f.Name] {
				t.Errorf("%s.%s is updatable, which UpdateTrigger does not allow", tt.Code, f.Name)
			}
			if f.Doc == "" {
				t.Errorf("%s.%s has no Doc", tt.Code, f.Name)
			}
		}
		if tt.Disable && tt.DisableLenient {
			t.Errorf("%s: Disable and DisableLenient", tt.Code)
		}
	}
	for _, want := range []string{"TIMER", "APIG", "DEDICATEDGATEWAY", "OBS", "SMN", "DMS", "KAFKA", "LTS", "CTS", "DIS", "RABBITMQ"} {
		if TriggerTypeOf(want) == nil {
			t.Errorf("%s is not managed", want)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// The cron checker never panics and accepts what it says it accepts.
func FuzzCheckCron(f *testing.F) {
	for _, s := range []string{"0 0 2 * * ?", "@every 1h30m", "CRON_TZ=Europe/Berlin 0 30 12 ? * MON-FRI", "*/5 1-3,7 * ? jan *", "0/0 * * * *", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckCron(s)
		if err == nil && strings.TrimSpace(s) == "" {
			t.Fatalf("empty expression %q accepted", s)
		}
		CheckSchedule("Rate", s)
		CheckAPIPath(s)
		CheckBucketName(s)
		NormalizeOBSEvent(s)
	})
}
