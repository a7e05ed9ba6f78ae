package planner_test

import (
	"strings"
	"testing"
)

// listsInOrder declares an OBS, a Kafka and a CTS trigger on latest whose
// lists (OBS events and Kafka topics, part of their identity; CTS
// operations, a field) are given in the order of the arguments.
func listsInOrder(events, topics, operations string) string {
	return `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    triggers:
      - type: OBS
        event_data: {bucket: uploads, events: [` + events + `], prefix: in/}
      - type: KAFKA
        event_data: {instance_id: k1, topic_ids: [` + topics + `]}
      - type: CTS
        event_data: {name: audit, operations: [` + operations + `]}
`
}

// The order of a list is not part of a trigger: a live trigger whose lists
// come back in another order than the manifest declares them (the service
// does not promise to keep it, and a trigger made in the console has its
// own) pairs with its declaration and is no change, for the lists of an
// identity (OBS events, in either of their forms, and Kafka topics) as
// for the other list fields. Paired by an order-sensitive identity, each
// plan would delete and create these triggers again, with a gap in their
// delivery, forever.
func TestTriggerListOrderIsNoChange(t *testing.T) {
	w := newWorld(t)
	w.write(listsInOrder("Put, Delete", "orders, payments, audit", "ecs:server:delete, ecs:server:create"), "1")
	w.apply()
	noChanges(t, w)
	// The lists as FunctionGraph returns them, not in the order declared next.
	live := map[string]string{}
	for _, tr := range w.liveTriggers("latest") {
		live[tr.TypeCode] = string(tr.EventData)
	}
	for typ, next := range map[string]string{"OBS": `"events":["s3:ObjectRemoved:Delete","s3:ObjectCreated:Put"]`, "KAFKA": `"topic_ids":["audit","payments","orders"]`, "CTS": `"operations":["ecs:server:create","ecs:server:delete"]`} {
		if live[typ] == "" || strings.Contains(live[typ], next) {
			t.Fatalf("%s trigger %s: already in the order declared next, so this test tests nothing", typ, live[typ])
		}
	}

	w.write(listsInOrder(`"s3:ObjectRemoved:Delete", "s3:ObjectCreated:Put"`, "audit, payments, orders", "ecs:server:create, ecs:server:delete"), "1")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.HasChanges() {
		t.Fatalf("lists in another order plan a change:\n%s", text(p))
	}
	w.forget()
	w.applyPlan(p)
	if got := w.triggerRequests(); got != "" {
		t.Fatalf("trigger requests %s, want none", got)
	}
	noChanges(t, w)

	// A list that really changed still replaces its trigger.
	w.write(listsInOrder("Put", "audit, payments, orders", "ecs:server:create, ecs:server:delete"), "1")
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := text(p); !strings.Contains(out, "trigger OBS uploads") || strings.Contains(out, "KAFKA") || strings.Contains(out, "CTS") {
		t.Fatalf("plan:\n%s", out)
	}
}
