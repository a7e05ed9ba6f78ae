package applier

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The requests of the triggers step: one trigger created, updated or
// deleted each. Triggers are deleted one by one; fgsdeploy never deletes
// all triggers of a URN at once (of latest, that is every trigger of the
// function).

func (r *run) createTrigger(ctx context.Context, q *plan.CreateTrigger) error {
	urn := r.f.URN + ":" + q.Target
	sent := eventData(q.Body.EventData)
	mine := func(t apiclient.Trigger) bool {
		if t.TypeCode != q.Body.TypeCode {
			return false
		}
		got := eventData(t.EventData)
		for _, k := range q.Identity {
			if !sameJSON(sent[k], got[k]) {
				return false
			}
		}
		return true
	}
	t, err := r.api.AddTrigger(ctx, urn, q.Body, mine)
	if err != nil {
		return fmt.Errorf("create %s trigger on %s: %w", q.Body.TypeCode, plan.DescribeTarget(q.Target), err)
	}
	if q.Body.Status != "" && t.Status != q.Body.Status {
		// FunctionGraph creates DDS and Kafka triggers DISABLED by
		// default, under one reading whatever the body says: set the
		// declared status.
		if _, err := r.api.UpdateTrigger(ctx, urn, t.TypeCode, t.ID, &apiclient.UpdateTriggerRequest{Status: q.Body.Status}); err != nil {
			return fmt.Errorf("set the status of the new %s trigger %s on %s to %s: %w", t.TypeCode, t.ID, plan.DescribeTarget(q.Target), q.Body.Status, err)
		}
	}
	r.fr.Triggers = append(r.fr.Triggers, TriggerChange{Action: plan.Create, Type: q.Body.TypeCode, Qualifier: plan.QualifierName(q.Target), ID: t.ID})
	return nil
}

func (r *run) updateTrigger(ctx context.Context, q *plan.UpdateTrigger) error {
	t, err := r.api.UpdateTrigger(ctx, r.f.URN+":"+q.Target, q.TypeCode, q.ID, q.Body)
	if err != nil {
		return fmt.Errorf("update %s trigger %s on %s: %w", q.TypeCode, q.ID, plan.DescribeTarget(q.Target), err)
	}
	// The update's event_data is typed differently by its sources
	// (docs/api-notes.md rule 15): a change the service did not take is a
	// failure, not a silent success.
	var missed []string
	if q.Body.Status != "" && t.Status != q.Body.Status {
		missed = append(missed, "status")
	}
	got := eventData(t.EventData)
	for _, fields := range q.Body.EventData {
		for k, v := range fields {
			if !sameJSON(v, got[k]) {
				missed = append(missed, k)
			}
		}
	}
	if len(missed) > 0 {
		slices.Sort(missed)
		return fmt.Errorf("update %s trigger %s on %s: FunctionGraph answered without the new %s; nothing else was changed: plan again", q.TypeCode, q.ID, plan.DescribeTarget(q.Target), strings.Join(missed, ", "))
	}
	r.fr.Triggers = append(r.fr.Triggers, TriggerChange{Action: plan.Update, Type: q.TypeCode, Qualifier: plan.QualifierName(q.Target), ID: q.ID})
	return nil
}

func (r *run) deleteTrigger(ctx context.Context, q *plan.DeleteTrigger) error {
	if err := r.api.DeleteTrigger(ctx, r.f.URN+":"+q.Target, q.TypeCode, q.ID); err != nil {
		return fmt.Errorf("delete %s trigger %s on %s: %w", q.TypeCode, q.ID, plan.DescribeTarget(q.Target), err)
	}
	r.fr.Triggers = append(r.fr.Triggers, TriggerChange{Action: plan.Delete, Type: q.TypeCode, Qualifier: plan.QualifierName(q.Target), ID: q.ID})
	return nil
}

// TriggerChange is one trigger the triggers step created, updated or
// deleted (a replacement is a deletion and a creation).
type TriggerChange struct {
	Action    plan.Action `json:"-"`
	Type      string      `json:"type"`
	Qualifier string      `json:"qualifier"`
	ID        string      `json:"id"`
}

// MarshalJSON writes the action by name.
func (c TriggerChange) MarshalJSON() ([]byte, error) {
	type plain TriggerChange
	return json.Marshal(struct {
		Action string `json:"action"`
		plain
	}{c.Action.String(), plain(c)})
}

func eventData(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	json.Unmarshal(raw, &m)
	return m
}

// sameJSON compares two values as JSON gives them: numbers by value,
// "true"/"false" like the booleans (is_serial is a string on create, a
// boolean on update), lists of strings as sets.
func sameJSON(a, b any) bool {
	var norm func(v any) any
	norm = func(v any) any {
		switch x := v.(type) {
		case string:
			switch x {
			case "true":
				return true
			case "false":
				return false
			}
		case int:
			return float64(x)
		case []string:
			out := make([]any, len(x))
			for i, s := range x {
				out[i] = s
			}
			return norm(out)
		case []any:
			ss := make([]string, 0, len(x))
			for _, e := range x {
				b, _ := json.Marshal(e)
				ss = append(ss, string(b))
			}
			slices.Sort(ss)
			return strings.Join(ss, "\x00")
		}
		return v
	}
	ja, _ := json.Marshal(norm(a))
	jb, _ := json.Marshal(norm(b))
	return string(ja) == string(jb)
}

// triggerCounts says what the triggers step did: "2 created, 1 deleted".
func triggerCounts(cs []TriggerChange) string {
	n := map[plan.Action]int{}
	for _, c := range cs {
		n[c.Action]++
	}
	var parts []string
	for _, a := range []struct {
		action plan.Action
		word   string
	}{{plan.Create, "created"}, {plan.Update, "updated"}, {plan.Delete, "deleted"}} {
		if n[a.action] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[a.action], a.word))
		}
	}
	return strings.Join(parts, ", ")
}
