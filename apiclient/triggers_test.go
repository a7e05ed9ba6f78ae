package apiclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// The trigger calls against both modes: add, list, show, update (status
// and event_data as UpdateTrigger's array), delete, and a delete of what
// is gone already.
func TestTriggerCalls(t *testing.T) {
	bothModes(t, func(t *testing.T, strict bool) {
		ctx := context.Background()
		e := setup(t, emulator.Options{Strict: strict}, apiclient.Config{ProjectID: pid})
		create(t, e, "hello")
		urn := e.client.FunctionURN("default", "hello")
		dis := json.RawMessage(`{"stream_name":"s","sharditerator_type":"LATEST","batch_size":10,"polling_interval":30,"polling_unit":"s","is_serial":"true"}`)
		mine := func(tr apiclient.Trigger) bool { return tr.TypeCode == "DIS" }
		tr, err := e.client.AddTrigger(ctx, urn+":latest", &apiclient.CreateTriggerRequest{TypeCode: "DIS", Status: "ACTIVE", EventData: dis}, mine)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := e.client.ListTriggers(ctx, urn)
		if err != nil || len(ts) != 1 || ts[0].ID != tr.ID {
			t.Fatalf("list: %v %v", ts, err)
		}
		up, err := e.client.UpdateTrigger(ctx, urn, "DIS", tr.ID, &apiclient.UpdateTriggerRequest{EventData: []map[string]any{{"polling_interval": 60}}})
		if err != nil {
			t.Fatal(err)
		}
		var data map[string]any
		json.Unmarshal(up.EventData, &data)
		if data["polling_interval"] != float64(60) {
			t.Fatalf("after update: %s", up.EventData)
		}
		got, err := e.client.GetTrigger(ctx, urn, "DIS", tr.ID)
		if err != nil || string(got.EventData) != string(up.EventData) {
			t.Fatalf("show: %v %v", got, err)
		}
		if err := e.client.DeleteTrigger(ctx, urn, "DIS", tr.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.client.DeleteTrigger(ctx, urn, "DIS", tr.ID); err != nil {
			t.Fatalf("delete again: %v", err)
		}
		if _, err := e.client.GetTrigger(ctx, urn, "DIS", tr.ID); !apiclient.IsNotFound(err) {
			t.Fatalf("show a deleted trigger: %v", err)
		}
	})
}

// A create of a trigger whose answer was lost is looked for before it is
// sent again: one trigger, not two.
func TestAddTriggerRecovers(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ctx := context.Background()
			var e *env
			e = setup(t, emulator.Options{FaultAfterEffect: true, Seed: seed, RetryAfter: -1}, apiclient.Config{ProjectID: pid,
				Sleep: func(ctx context.Context, d time.Duration) error { e.srv.SetFaultRate(0); return nil }})
			create(t, e, "hello")
			urn := e.client.FunctionURN("default", "hello")
			e.srv.SetFaultRate(1)
			body := &apiclient.CreateTriggerRequest{TypeCode: "TIMER", EventData: json.RawMessage(`{"name":"n","schedule_type":"Rate","schedule":"5m"}`)}
			if _, err := e.client.AddTrigger(ctx, urn, body, func(tr apiclient.Trigger) bool { return tr.TypeCode == "TIMER" }); err != nil {
				t.Fatal(err)
			}
			e.srv.SetFaultRate(0)
			if ts, err := e.client.ListTriggers(ctx, urn); err != nil || len(ts) != 1 {
				t.Fatalf("%d triggers (%v), want 1", len(ts), err)
			}
		})
	}
}
