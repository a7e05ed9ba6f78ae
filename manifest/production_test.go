package manifest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

func TestProductionSettingsRules(t *testing.T) {
	lookup := lookupIn(vars)
	for _, tt := range []struct {
		lines string // under hello, "\n    " between lines
		path  string // "" = valid
		msg   string
	}{
		// functiongraph_version
		{"functiongraph_version: v1", "", ""},
		{"functiongraph_version: v2", "", ""},
		{"functiongraph_version: v3", p + "functiongraph_version", `"v3" is not a FunctionGraph version (v1 or v2)`},
		{"functiongraph_version: 2", p + "functiongraph_version", "must be a string"},

		// reserved_instances
		{"reserved_instances: {}", "", ""},
		{"reserved_instances: {latest: {count: 2}}", "", ""},
		{"reserved_instances: {live: {count: 0, idle_mode: true}}", "", ""},
		{"reserved_instances: {v1.2: {count: 1000}}", "", ""},
		{"reserved_instances: {live: {count: -1}}", p + "reserved_instances.live.count", "-1 is out of range (0 to 1000)"},
		{"reserved_instances: {live: {count: 1001}}", p + "reserved_instances.live.count", "1001 is out of range (0 to 1000)"},
		{"reserved_instances: {live: {idle_mode: true}}", p + "reserved_instances.live.count", "is required"},
		{"reserved_instances: {live: {count: 1, idle: true}}", p + "reserved_instances.live.idle", "unknown key (allowed: count, idle_mode, tactics_config)"},
		{"reserved_instances: {live: {count: 1, idle_mode: yes please}}", p + "reserved_instances.live.idle_mode", "must be true or false"},
		{"reserved_instances: {$published: {count: 1}}", p + "reserved_instances.$published", "$published is not a qualifier"},
		{"reserved_instances: {-bad: {count: 1}}", p + "reserved_instances.-bad", "is not latest, an alias name or a version name"},
		{"reserved_instances: [live]", p + "reserved_instances", "must be a map"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"0 0 8 * * ?\", count: 5, start_time: 1767225600, expired_time: 1798761600}]}}}", "", ""},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"61 0 8 * * ?\", count: 5, start_time: 1, expired_time: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].cron", `seconds "61"`},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"every day\", count: 5, start_time: 1, expired_time: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].cron", "has 2 fields"},
		{"reserved_instances: {live: {count: 3, tactics_config: {cron_configs: [{name: peak, cron: \"@every 1h\", count: 2, start_time: 1, expired_time: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].count", "2 is below the reservation's count 3"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"@every 1h\", count: 2, start_time: 5, expired_time: 5}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].expired_time", "5 is not after start_time 5"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"@every 1h\", count: 2, start_time: -5, expired_time: 5}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].start_time", "-5 is not a time"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: peak, cron: \"@every 1h\", count: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0]", "needs expired_time and start_time"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: 9peak, cron: \"@every 1h\", count: 2, start_time: 1, expired_time: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[0].name", "must start with a letter"},
		{"reserved_instances: {live: {count: 1, tactics_config: {cron_configs: [{name: a, cron: \"@every 1h\", count: 2, start_time: 1, expired_time: 2}, {name: a, cron: \"@every 2h\", count: 2, start_time: 1, expired_time: 2}]}}}", p + "reserved_instances.live.tactics_config.cron_configs[1].name", "the name of another policy"},
		{"reserved_instances: {live: {count: 1, tactics_config: {metric_configs: [{name: busy, type: Concurrency, threshold: 80, min: 1}]}}}", "", ""},
		{"reserved_instances: {live: {count: 1, tactics_config: {metric_configs: [{name: busy, type: CPU, threshold: 80, min: 1}]}}}", p + "reserved_instances.live.tactics_config.metric_configs[0].type", `"CPU" is not a metric policy type (Concurrency)`},
		{"reserved_instances: {live: {count: 1, tactics_config: {metric_configs: [{name: busy, type: Concurrency, threshold: 100, min: 1}]}}}", p + "reserved_instances.live.tactics_config.metric_configs[0].threshold", "100 is out of range (1 to 99)"},
		{"reserved_instances: {live: {count: 2, tactics_config: {metric_configs: [{name: busy, type: Concurrency, threshold: 50, min: 1}]}}}", p + "reserved_instances.live.tactics_config.metric_configs[0].min", "1 is below the reservation's count 2"},
		{"reserved_instances: {live: {count: 1, tactics_config: {schedule: []}}}", p + "reserved_instances.live.tactics_config.schedule", "unknown key (allowed: cron_configs, metric_configs)"},
		{"max_instances: 3\n    reserved_instances: {latest: {count: 5}}", p + "reserved_instances.latest.count", "5 is more than max_instances (3)"},
		{"max_instances: -1\n    reserved_instances: {latest: {count: 5}}", "", ""},
		{"aliases: {live: {version: v1}}\n    reserved_instances: {live: {count: 1}, v1: {count: 1}}", p + "reserved_instances.live", "alias live points at v1, which reserves instances too"},
		{"aliases: {live: {version: latest}}\n    reserved_instances: {live: {count: 1}, latest: {count: 1}}", p + "reserved_instances.live", "alias live points at latest"},

		// async_invoke
		{"async_invoke: ~", "", ""},
		{"async_invoke: {}", "", ""},
		{"async_invoke: {max_async_event_age_in_seconds: 60, max_async_retry_attempts: 0, enable_async_status_log: true}", "", ""},
		{"async_invoke: {max_async_event_age_in_seconds: 86400, max_async_retry_attempts: 3}", "", ""},
		{"async_invoke: {max_async_event_age_in_seconds: 59}", p + "async_invoke.max_async_event_age_in_seconds", "59 is out of range (60 to 86400 seconds: what every reading"},
		{"async_invoke: {max_async_event_age_in_seconds: 86401}", p + "async_invoke.max_async_event_age_in_seconds", "out of range"},
		{"async_invoke: {max_async_retry_attempts: 4}", p + "async_invoke.max_async_retry_attempts", "4 is out of range (0 to 3 retries"},
		{"async_invoke: {max_async_retry_attempts: -1}", p + "async_invoke.max_async_retry_attempts", "out of range"},
		{"async_invoke: {retries: 1}", p + "async_invoke.retries", "unknown key"},
		{"async_invoke: {destination_config: {on_failure: {destination: SMN, param: {topic_urn: \"urn:smn:cn-north-4:p:t\"}}}}", "", ""},
		{"async_invoke: {destination_config: {on_success: {destination: OBS, param: {bucket: results, prefix: ok/, expires: 30}}}}", "", ""},
		{"async_invoke: {destination_config: {on_success: {destination: DIS, param: {stream_name: s}}, on_failure: {destination: FunctionGraph, param: {func_urn: \"urn:fss:cn-north-4:p:function:default:dlq:latest\"}}}}", "", ""},
		{"async_invoke: {destination_config: {on_failure: {destination: SQS, param: {queue: q}}}}", p + "async_invoke.destination_config.on_failure.destination", `"SQS" is not a destination (OBS, SMN, DIS, FunctionGraph)`},
		{"async_invoke: {destination_config: {on_failure: {param: {topic_urn: x}}}}", p + "async_invoke.destination_config.on_failure.destination", "is required"},
		{"async_invoke: {destination_config: {on_failure: {destination: SMN}}}", p + "async_invoke.destination_config.on_failure.param", "is required: the SMN destination's topic_urn"},
		{"async_invoke: {destination_config: {on_failure: {destination: SMN, param: {}}}}", p + "async_invoke.destination_config.on_failure.param.topic_urn", "is required for destination SMN"},
		{"async_invoke: {destination_config: {on_failure: {destination: SMN, param: {topic_urn: t}}}}", p + "async_invoke.destination_config.on_failure.param.topic_urn", "must start with urn:smn:"},
		{"async_invoke: {destination_config: {on_failure: {destination: SMN, param: {topic_urn: \"urn:smn:x\", bucket: b}}}}", p + "async_invoke.destination_config.on_failure.param.bucket", "unknown field"},
		{"async_invoke: {destination_config: {on_success: {destination: OBS, param: {bucket: results, expires: 400}}}}", p + "async_invoke.destination_config.on_success.param.expires", "400 is out of range (0 to 365)"},
		{"async_invoke: {destination_config: {on_done: {destination: OBS}}}", p + "async_invoke.destination_config.on_done", "unknown key (allowed: on_failure, on_success)"},
		{"async_invoke: 7", p + "async_invoke", "must be a map"},
	} {
		t.Run(tt.lines, func(t *testing.T) {
			_, errs, _ := load(t, fn+"    "+tt.lines+"\n", manifest.Options{Lookup: lookup})
			if tt.path == "" {
				if errs != nil {
					t.Fatalf("want no error, got%s", list(errs))
				}
				return
			}
			if !hasErr(errs, tt.path, tt.msg) {
				t.Fatalf("want %s: %s, got%s", tt.path, tt.msg, list(errs))
			}
		})
	}
}

// What the decoder makes of production settings: null deletes the async
// config, a param is a map with its numbers as numbers, and a reservation
// is exactly as declared.
func TestProductionSettingsDecode(t *testing.T) {
	proj, errs, _ := load(t, fn+`    functiongraph_version: v1
    reserved_instances:
      live: {count: 2, tactics_config: {cron_configs: [{name: peak, cron: "0 0 8 * * ?", count: 5, start_time: 10, expired_time: 20}]}}
    async_invoke:
      max_async_retry_attempts: 2
      destination_config:
        on_success: {destination: OBS, param: {bucket: results, expires: 30}}
`, manifest.Options{})
	if errs != nil {
		t.Fatalf("errors:%s", list(errs))
	}
	f := proj.Functions[0]
	if f.FunctionGraphVersion == nil || *f.FunctionGraphVersion != "v1" {
		t.Fatalf("functiongraph_version %v", f.FunctionGraphVersion)
	}
	r := f.ReservedInstances["live"]
	want := manifest.Reservation{Count: 2, CronConfigs: []manifest.CronPolicy{{Name: "peak", Cron: "0 0 8 * * ?", Count: 5, StartTime: 10, ExpiredTime: 20}}, Line: r.Line, Col: r.Col}
	if !reflect.DeepEqual(r, want) || r.Line == 0 {
		t.Fatalf("reservation %+v, want %+v", r, want)
	}
	a := f.AsyncInvoke
	if a == nil || a.Delete || a.MaxEventAge != nil || a.MaxRetries == nil || *a.MaxRetries != 2 || a.EnableStatusLog != nil ||
		a.Destinations == nil || a.Destinations.OnFailure != nil || !reflect.DeepEqual(a.Destinations.OnSuccess, &manifest.AsyncTarget{Destination: "OBS", Param: map[string]any{"bucket": "results", "expires": 30}}) {
		t.Fatalf("async_invoke %+v", a)
	}
	proj, errs, _ = load(t, fn+"    async_invoke: null\n", manifest.Options{})
	if errs != nil || proj.Functions[0].AsyncInvoke == nil || !proj.Functions[0].AsyncInvoke.Delete {
		t.Fatalf("async_invoke: null: %+v%s", proj.Functions[0].AsyncInvoke, list(errs))
	}
	proj, _, _ = load(t, fn, manifest.Options{})
	if f := proj.Functions[0]; f.AsyncInvoke != nil || f.ReservedInstances != nil || f.FunctionGraphVersion != nil {
		t.Fatalf("absent keys are managed: %+v %+v %v", f.AsyncInvoke, f.ReservedInstances, f.FunctionGraphVersion)
	}
}

// FuzzProductionSettings decodes arbitrary production settings under a
// function: whatever is accepted is within the rules, and every problem is
// reported at a position.
func FuzzProductionSettings(f *testing.F) {
	for _, s := range []string{
		"reserved_instances: {live: {count: 2, idle_mode: true}}",
		"reserved_instances: {latest: {count: 1, tactics_config: {cron_configs: [{name: a, cron: \"0 0 8 * * ?\", count: 2, start_time: 1, expired_time: 2}], metric_configs: [{name: m, type: Concurrency, threshold: 50, min: 1}]}}}",
		"async_invoke: {max_async_event_age_in_seconds: 600, max_async_retry_attempts: 2, destination_config: {on_failure: {destination: SMN, param: {topic_urn: \"urn:smn:x\"}}}}",
		"async_invoke: ~",
		"async_invoke: {destination_config: {on_success: {destination: OBS, param: {bucket: abc, expires: 3}}}}",
		"functiongraph_version: v1",
		"reserved_instances: {live: {count: -1}}\n    async_invoke: {max_async_retry_attempts: 9}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lines string) {
		proj, errs, text := load(t, fn+"    "+lines+"\n", manifest.Options{})
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if errs != nil && line != "" && !errLineRe.MatchString(line) {
				t.Fatalf("an error line without a position: %q", line)
			}
		}
		if errs != nil || proj == nil || len(proj.Functions) == 0 {
			return
		}
		fn := proj.Functions[0]
		for q, r := range fn.ReservedInstances {
			if !fgsspec.ReservedCount.Contains(r.Count) {
				t.Fatalf("%s: count %d accepted", q, r.Count)
			}
			for _, c := range r.CronConfigs {
				if fgsspec.CheckCron(c.Cron) != nil || c.ExpiredTime <= c.StartTime || c.Count < r.Count {
					t.Fatalf("%s: policy %+v accepted", q, c)
				}
			}
		}
		if a := fn.AsyncInvoke; a != nil {
			if a.MaxEventAge != nil && !fgsspec.AsyncEventAge.Contains(*a.MaxEventAge) || a.MaxRetries != nil && !fgsspec.AsyncRetries.Contains(*a.MaxRetries) {
				t.Fatalf("async %+v accepted", a)
			}
			if d := a.Destinations; d != nil {
				for _, tg := range []*manifest.AsyncTarget{d.OnSuccess, d.OnFailure} {
					if tg == nil {
						continue
					}
					dest := fgsspec.AsyncDestinationOf(tg.Destination)
					if dest == nil || len(dest.CheckParam(tg.Param)) > 0 {
						t.Fatalf("destination %+v accepted", tg)
					}
				}
			}
		}
	})
}

// The schema editors use knows the production settings' shapes.
func TestSchemaProductionSettings(t *testing.T) {
	s := compileSchema(t)
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{"functions: {fn: {functiongraph_version: v1, reserved_instances: {live: {count: 2, idle_mode: true}}, async_invoke: {max_async_retry_attempts: 2}}}", true},
		{"functions: {fn: {async_invoke: null}}", true},
		{"functions: {fn: {async_invoke: {destination_config: {on_failure: {destination: SMN, param: {topic_urn: x}}}}}}", true},
		{"functions: {fn: {functiongraph_version: v3}}", false},
		{"functions: {fn: {reserved_instances: {live: {count: -1}}}}", false},
		{"functions: {fn: {reserved_instances: {live: {idle_mode: true}}}}", false},
		{"functions: {fn: {async_invoke: {max_async_retry_attempts: 8}}}", false},
		{"functions: {fn: {async_invoke: {destination_config: {on_failure: {destination: SQS, param: {}}}}}}", false},
	} {
		err := s.Validate(yamlToJSON(t, tc.doc, []byte(tc.doc)))
		if (err == nil) != tc.ok {
			t.Errorf("%s: schema error %v, want ok %v", tc.doc, err, tc.ok)
		}
	}
}
