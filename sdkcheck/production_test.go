package sdkcheck_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"
)

// Production settings read back through the SDK: the reservation on the
// alias (ListReservedInstanceConfigs, followed page by page as the SDK's
// request takes marker and limit), through a release that moves the
// alias, and the asynchronous invocation config
// (ShowFunctionAsyncInvokeConfig), its param the JSON string the SDK's
// model holds.
func TestProductionSettingsReadBackWithSDK(t *testing.T) {
	manifest := func(v string, count int) string {
		return `functions:
  api:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    publish: {version: ` + v + `}
    aliases:
      live: {version: $published}
    reserved_instances:
      live: {count: ` + strconv.Itoa(count) + `, idle_mode: true}
      latest: {count: 1}
    async_invoke:
      max_async_event_age_in_seconds: 600
      max_async_retry_attempts: 2
      destination_config:
        on_failure: {destination: OBS, param: {bucket: dead-letters, prefix: api/, expires: 7}}
`
	}
	modes(t, func(t *testing.T, strict bool) {
		r := newRig(t, strict)
		r.write(t, map[string]string{"src/index.py": "def handler(event, context):\n    return 1\n", "function.yaml": manifest("v1", 2)})
		r.apply(t, nil)
		r.checkReserved(t, map[string]int32{"live": 2, "latest": 1})

		// A release: live moves to v2 and keeps its reservation.
		r.write(t, map[string]string{"src/index.py": "def handler(event, context):\n    return 2\n", "function.yaml": manifest("v2", 3)})
		r.apply(t, nil)
		alias, err := r.sdk.ShowVersionAlias(&model.ShowVersionAliasRequest{FunctionUrn: urn("api"), AliasName: "live"})
		if err != nil || alias.Version == nil || *alias.Version != "v2" {
			t.Fatalf("alias live: %v, %v", alias, err)
		}
		r.checkReserved(t, map[string]int32{"live": 3, "latest": 1})

		cfg, err := r.sdk.ShowFunctionAsyncInvokeConfig(&model.ShowFunctionAsyncInvokeConfigRequest{FunctionUrn: urn("api")})
		if err != nil {
			t.Fatalf("ShowFunctionAsyncInvokeConfig: %v", err)
		}
		if show(cfg.MaxAsyncEventAgeInSeconds) != "600" || show(cfg.MaxAsyncRetryAttempts) != "2" {
			t.Errorf("age %s, retries %s", show(cfg.MaxAsyncEventAgeInSeconds), show(cfg.MaxAsyncRetryAttempts))
		}
		d := cfg.DestinationConfig
		if d == nil || d.OnFailure == nil || d.OnFailure.Destination == nil || d.OnFailure.Destination.Value() != "OBS" || d.OnFailure.Param == nil {
			t.Fatalf("destination_config %+v", d)
		}
		var param map[string]any
		if err := json.Unmarshal([]byte(*d.OnFailure.Param), &param); err != nil || param["bucket"] != "dead-letters" || param["expires"] != float64(7) {
			t.Errorf("param %q: %v", *d.OnFailure.Param, err)
		}
		if n := r.apply(t, nil); n != 0 {
			t.Errorf("a second apply changed %d functions, want none", n)
		}
	})
}

// checkReserved lists the reservations with the SDK, page by page (a
// limit of 1), and compares those that reserve something.
func (r *rig) checkReserved(t *testing.T, want map[string]int32) {
	t.Helper()
	got := map[string]int32{}
	fn, limit := urn("api"), "1"
	for marker, pages := "0", 0; pages < 20; pages++ {
		m := marker
		resp, err := r.sdk.ListReservedInstanceConfigs(&model.ListReservedInstanceConfigsRequest{FunctionUrn: &fn, Marker: &m, Limit: &limit})
		if err != nil {
			t.Fatalf("ListReservedInstanceConfigs: %v", err)
		}
		if resp.ReservedInstances == nil || len(*resp.ReservedInstances) == 0 {
			break
		}
		for _, e := range *resp.ReservedInstances {
			if e.QualifierName == nil || e.MinCount == nil {
				t.Fatalf("an entry without qualifier_name or min_count: %+v", e)
			}
			if *e.MinCount > 0 {
				got[*e.QualifierName] = *e.MinCount
			}
		}
		if resp.PageInfo == nil {
			t.Fatal("no page_info")
		}
		marker = strconv.FormatInt(resp.PageInfo.NextMarker, 10)
	}
	if len(got) != len(want) {
		t.Fatalf("reservations %v, want %v", got, want)
	}
	for q, n := range want {
		if got[q] != n {
			t.Errorf("reserved on %s: %d, want %d", q, got[q], n)
		}
	}
}
