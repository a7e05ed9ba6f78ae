package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// trigger is a function trigger as the SDK's ListFunctionTriggerResult
// describes it. The emulator stores triggers and never fires them: they
// exist so that what a client deletes with a version can be seen.
type trigger struct {
	ID            string          `json:"trigger_id"`
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status"`
	EventTypeCode string          `json:"event_type_code,omitempty"`
	EventData     json.RawMessage `json:"event_data"`
	Created       string          `json:"created_time"`
	Updated       string          `json:"last_updated_time"`
}

// triggerTypes is the SDK's enum of trigger_type_code.
var triggerTypes = map[string]bool{"TIMER": true, "APIG": true, "APIC": true, "CTS": true, "DDS": true,
	"DEDICATEDGATEWAY": true, "DIS": true, "DMS": true, "EVENTGRID": true, "GAUSSMONGO": true,
	"KAFKA": true, "LTS": true, "OBS": true, "OPENSOURCEKAFKA": true, "RABBITMQ": true, "SMN": true}

// qualifier names what a URN points at, as triggers are keyed: "latest",
// a version name, or "!" and an alias name.
func qualifier(u urn) string {
	switch {
	case u.alias != "":
		return "!" + u.alias
	case u.version == "" || u.version == "latest":
		return "latest"
	}
	return u.version
}

// triggerTarget finds the function of a trigger URN and checks that the
// version or alias it names exists.
func (s *Server) triggerTarget(t *stx, u urn) (*function, string, *apiError) {
	f, e := s.fnOf(t, u)
	if e != nil {
		return nil, "", e
	}
	q := qualifier(u)
	switch {
	case u.alias != "" && t.alias(f, u.alias) == nil:
		return nil, "", errf(404, "FSS.1053", "alias %s not found", u.alias)
	case q != "latest" && u.alias == "" && !t.hasVersion(f, q):
		return nil, "", errf(404, "FSS.1052", "version %s not found", q)
	}
	return f, q, nil
}

// listTriggers answers GET /triggers/{function_urn}: a bare JSON array of
// the triggers of that version or alias.
func (s *Server) listTriggers(t *stx, u urn) response {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return fail(e)
	}
	return ok(t.triggers(f, q))
}

type triggerBody struct {
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status"`
	EventTypeCode string          `json:"event_type_code"`
	EventData     json.RawMessage `json:"event_data"`
}

// createTrigger answers POST /triggers/{function_urn}.
func (s *Server) createTrigger(t *stx, u urn, body []byte) response {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return fail(e)
	}
	var b triggerBody
	if e := decodeJSON(body, &b); e != nil {
		return fail(e)
	}
	if !triggerTypes[b.TypeCode] {
		return fail(errf(400, "FSS.1101", "invalid trigger type %q", trunc(b.TypeCode)))
	}
	switch b.Status {
	case "":
		b.Status = "ACTIVE"
	case "ACTIVE", "DISABLED":
	default:
		return fail(errf(400, "FSS.0400", "invalid trigger_status %q", trunc(b.Status)))
	}
	data := bytes.TrimSpace(b.EventData)
	if len(data) == 0 || data[0] != '{' {
		return fail(errf(400, "FSS.0400", "event_data is required and must be an object"))
	}
	now := s.now()
	seq := t.nextSeq(bucketTriggers)
	tr := &trigger{ID: fmt.Sprintf("emu-trigger-%d", seq), TypeCode: b.TypeCode, Status: b.Status,
		EventTypeCode: b.EventTypeCode, EventData: append(json.RawMessage(nil), data...), Created: now, Updated: now}
	t.addTrigger(f, q, seq, tr)
	return ok(tr)
}
