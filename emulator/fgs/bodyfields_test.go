package fgs

import "testing"

func TestUnknownField(t *testing.T) {
	for _, tc := range []struct{ op, body, want string }{
		{"UpdateVersionAlias", `{"version":"v1","description":"d","additional_version_weights":{"v2":10}}`, ""},
		{"UpdateVersionAlias", `{"name":"live","version":"v1"}`, "name"},
		{"CreateVersionAlias", `{"name":"live","version":"v1","additional_version_strategy":{"v2":{"combine_type":"and","rules":[{"rule_type":"Header","param":"x","op":"=","value":"1"}]}}}`, ""},
		{"CreateVersionAlias", `{"name":"live","version":"v1","additional_version_strategy":{"v2":{"combine_type":"and","rules":[{"rule_type":"Header","parm":"x"}]}}}`, "additional_version_strategy.v2.rules.parm"},
		{"UpdateFunctionConfig", `{"func_name":"f","mount_config":{"func_mounts":[{"mount_type":"sfs","status":"ACTIVE"}]}}`, "mount_config.func_mounts.status"},
		{"UpdateFunctionConfig", `{"func_name":"f","func_vpc":{"vpc_id":"v","subnet_id":"s","is_safety":false},"zz":1,"aa":2}`, "aa"},
		{"CreateFunctionTrigger", `{"trigger_type_code":"TIMER","event_data":{"name":"n","schedule":"1m","sync_execution":true}}`, "event_data.sync_execution"},
		{"UpdateTrigger", `{"trigger_status":"ACTIVE","event_data":[{"polling_interval":3}]}`, ""},
		{"UpdateTrigger", `{"event_data":[{"batch_size":3}]}`, "event_data.batch_size"},
		{"UpdateFunctionAsyncInvokeConfig", `{"max_async_retry_attempts":1,"destination_config":{"on_failure":{"destination":"SMN","param":"{}","extra":1}}}`, "destination_config.on_failure.extra"},
		{"NoSuchOperation", `{"anything":1}`, ""},
		{"UpdateVersionAlias", `not json`, ""},
	} {
		if got := unknownField(tc.op, []byte(tc.body)); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.op, tc.body, got, tc.want)
		}
	}
}
