package fgs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// Trigger is a function trigger as the SDK's ListFunctionTriggerResult
// describes it. The emulator fires TIMER triggers (timers.go) and no
// others.
type Trigger struct {
	ID            string          `json:"trigger_id"`
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status"`
	EventTypeCode string          `json:"event_type_code,omitempty"`
	EventData     json.RawMessage `json:"event_data"`
	Created       string          `json:"created_time"`
	Updated       string          `json:"last_updated_time"`
}

// triggerTypes is the SDK's enum of trigger_type_code
// (CreateFunctionTriggerRequestBodyTriggerTypeCode).
var triggerTypes = map[string]bool{"TIMER": true, "APIG": true, "CTS": true, "DDS": true, "DMS": true, "DIS": true, "LTS": true,
	"OBS": true, "SMN": true, "KAFKA": true, "RABBITMQ": true, "DEDICATEDGATEWAY": true, "OPENSOURCEKAFKA": true, "APIC": true,
	"GAUSSMONGO": true, "EVENTGRID": true}

// maxTriggersPerVersion: "maximum number of triggers allowed for a
// function version: 10" (HW and OTC Notes and Constraints).
const maxTriggersPerVersion = 10

// disableLenient are the types the lenient reading lets be DISABLED (HW
// functiongraph_06_0122: timer, DDS, DMS, Kafka, LTS); the strict one
// takes OTC's shorter list (triggerrules.go).
var disableLenient = []string{"TIMER", "DDS", "DMS", "KAFKA", "LTS"}

func (s *Service) canDisable(code string) bool {
	if triggerRuleOf(code) != nil {
		return canDisableType(code, s.opts.Strict)
	}
	return !s.opts.Strict && slices.Contains(disableLenient, code)
}

// secretMask is what a strict read returns for a secret of event_data.
const secretMask = "******"

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
func (s *Service) triggerTarget(t *stx, u urn) (*Function, string, *httpapi.Error) {
	f, e := s.fnOf(t, u)
	if e != nil {
		return nil, "", e
	}
	q := qualifier(u)
	switch {
	case u.alias != "" && t.alias(f, u.alias) == nil:
		return nil, "", httpapi.Errorf(404, "FSS.1053", "alias %s not found", u.alias)
	case q != "latest" && u.alias == "" && !t.hasVersion(f, q):
		return nil, "", httpapi.Errorf(404, "FSS.1052", "version %s not found", q)
	}
	return f, q, nil
}

// listTriggers answers GET /triggers/{function_urn}: a bare JSON array of
// the triggers of that version or alias (the unqualified URN is latest).
func (s *Service) listTriggers(t *stx, u urn) httpapi.Response {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	out := []*Trigger{}
	for _, tr := range t.triggers(f, q) {
		out = append(out, s.triggerView(tr))
	}
	return httpapi.OK(out)
}

// triggerView is a stored trigger as a read returns it: in strict mode
// its secrets masked, since what a read returns for them is not
// documented (docs/api-notes.md, rule T5).
func (s *Service) triggerView(tr *Trigger) *Trigger {
	rule := triggerRuleOf(tr.TypeCode)
	if !s.opts.Strict || rule == nil || len(rule.secrets) == 0 {
		return tr
	}
	var data map[string]any
	if json.Unmarshal(tr.EventData, &data) != nil {
		return tr
	}
	for _, k := range rule.secrets {
		if _, ok := data[k]; ok {
			data[k] = secretMask
		}
	}
	c := *tr
	c.EventData, _ = json.Marshal(data)
	return &c
}

type triggerBody struct {
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status"`
	EventTypeCode string          `json:"event_type_code"`
	EventData     json.RawMessage `json:"event_data"`
}

// createTrigger answers POST /triggers/{function_urn} with 201 and the
// trigger (OTC creating_a_trigger.rst).
func (s *Service) createTrigger(t *stx, u urn, body []byte) httpapi.Response {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b triggerBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	if !triggerTypes[b.TypeCode] {
		return httpapi.Failf(400, "FSS.1101", "invalid trigger type %q", httpapi.Trunc(b.TypeCode))
	}
	rule := triggerRuleOf(b.TypeCode)
	switch b.Status {
	case "":
		b.Status = "ACTIVE"
		if rule != nil && rule.defaultDisabled {
			b.Status = "DISABLED"
		}
	case "ACTIVE", "DISABLED":
	default:
		return httpapi.Failf(400, "FSS.0400", "invalid trigger_status %q", httpapi.Trunc(b.Status))
	}
	if b.Status == "DISABLED" && !s.canDisable(b.TypeCode) {
		return httpapi.Failf(400, "FSS.1318", "invalid trigger operation: %s triggers cannot be disabled", b.TypeCode)
	}
	if rule != nil && rule.defaultDisabled && s.opts.Strict {
		// Strict: "by default, DDS and Kafka triggers are in the DISABLED
		// state" whatever the body asks; a client enables them after.
		b.Status = "DISABLED"
	}
	raw := bytes.TrimSpace(b.EventData)
	var data map[string]any
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &data) != nil {
		return httpapi.Failf(400, "FSS.0400", "event_data is required and must be an object")
	}
	if rule != nil {
		// The emulator's own statement of the type's rules
		// (triggerrules.go), not the manifest's.
		if code, msg := rule.checkEventData(data); msg != "" {
			return httpapi.Failf(400, code, "invalid %s trigger parameters: %s", b.TypeCode, msg)
		}
	}
	existing := t.triggers(f, q)
	if len(existing) >= maxTriggersPerVersion {
		return httpapi.Failf(400, "FSS.1306", "the number of triggers exceeds the maximum allowed limit (%d per version)", maxTriggersPerVersion)
	}
	if e := s.triggerConflict(t, f, q, b.TypeCode, data); e != nil {
		return httpapi.Fail(e)
	}
	now := s.now()
	seq := t.NextSeq(bucketTriggers)
	tr := &Trigger{ID: fmt.Sprintf("emu-trigger-%d", seq), TypeCode: b.TypeCode, Status: b.Status, EventTypeCode: b.EventTypeCode, Created: now, Updated: now}
	s.enrich(f, q, tr, data)
	tr.EventData, _ = json.Marshal(data)
	t.addTrigger(f, q, seq, tr)
	return httpapi.Response{Status: 201, Body: s.triggerView(tr)}
}

// enrich adds what the service adds to event_data on create, as the API
// reference's examples show: an APIG trigger's API id, trigger id, invoke
// URL and func_info's function URN, version and invocation type; an OBS
// trigger's name defaults to the trigger id.
func (s *Service) enrich(f *Function, q string, tr *Trigger, data map[string]any) {
	switch tr.TypeCode {
	case "APIG", "DEDICATEDGATEWAY":
		data["triggerid"] = tr.ID
		data["api_id"] = "emu-api-" + strings.TrimPrefix(tr.ID, "emu-trigger-")
		if _, ok := data["api_name"]; !ok {
			data["api_name"] = data["name"]
		}
		group, _ := data["group_id"].(string)
		path, _ := data["path"].(string)
		data["invoke_url"] = "https://" + group + ".apig." + s.opts.Region + ".emulator.invalid" + path
		fi, _ := data["func_info"].(map[string]any)
		if fi == nil {
			fi = map[string]any{}
		}
		fi["function_urn"] = fmt.Sprintf("urn:fss:%s:%s:function:%s:%s", s.opts.Region, s.opts.ProjectID, f.Package, f.Name)
		fi["version"] = strings.TrimPrefix(q, "!")
		if _, ok := fi["invocation_type"]; !ok {
			fi["invocation_type"] = "sync"
		}
		data["func_info"] = fi
	case "OBS":
		if _, ok := data["name"]; !ok {
			data["name"] = tr.ID
		}
	}
}

// triggerConflict applies the uniqueness rules of the error table (OTC
// error_codes.rst): a timer's name (409 FSS.1148; per version or alias,
// strict: per function), an API's group, environment, path and method in
// the whole project (409 FSS.1146), an OBS bucket's overlapping
// notifications in the whole project (403 FSS.1108), an SMN topic (409
// FSS.1141) or a Kafka instance's topics (409 FSS.1150) twice on one
// version or alias.
func (s *Service) triggerConflict(t *stx, f *Function, q, code string, data map[string]any) *httpapi.Error {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	switch code {
	case "TIMER":
		name := str(data, "name")
		for tq, trs := range s.functionTriggers(t, f) {
			if tq != q && !s.opts.Strict {
				continue
			}
			for _, tr := range trs {
				if tr.TypeCode == "TIMER" && str(eventData(tr), "name") == name {
					return httpapi.Errorf(409, "FSS.1148", "the timer trigger already exists: %s", httpapi.Trunc(name))
				}
			}
		}
	case "APIG", "DEDICATEDGATEWAY":
		key := func(m map[string]any) string {
			return str(m, "group_id") + "\x00" + str(m, "env_id") + "\x00" + str(m, "path") + "\x00" + str(m, "req_method")
		}
		want := key(data)
		var clash bool
		s.eachTrigger(t, func(tr *Trigger) {
			if (tr.TypeCode == "APIG" || tr.TypeCode == "DEDICATEDGATEWAY") && key(eventData(tr)) == want {
				clash = true
			}
		})
		if clash {
			return httpapi.Errorf(409, "FSS.1146", "the APIG trigger already exists: %s %s", httpapi.Trunc(str(data, "req_method")), httpapi.Trunc(str(data, "path")))
		}
	case "OBS":
		evs := strs(data["events"])
		var clash bool
		s.eachTrigger(t, func(tr *Trigger) {
			d := eventData(tr)
			other := strs(d["events"])
			if tr.TypeCode == "OBS" && str(d, "bucket") == str(data, "bucket") &&
				obsOverlap(evs, str(data, "prefix"), str(data, "suffix"), other, str(d, "prefix"), str(d, "suffix")) {
				clash = true
			}
		})
		if clash {
			return httpapi.Errorf(403, "FSS.1108", "the bucket configuration of the current trigger conflicts with that of an existing OBS trigger")
		}
	case "SMN", "KAFKA":
		key := func(m map[string]any) string {
			if code == "SMN" {
				return str(m, "topic_urn")
			}
			ts := strs(m["topic_ids"])
			ts = slices.Clone(ts)
			slices.Sort(ts)
			return str(m, "instance_id") + "\x00" + strings.Join(ts, "\x00")
		}
		for _, tr := range t.triggers(f, q) {
			if tr.TypeCode == code && key(eventData(tr)) == key(data) {
				if code == "SMN" {
					return httpapi.Errorf(409, "FSS.1141", "the SMN trigger already exists")
				}
				return httpapi.Errorf(409, "FSS.1150", "the Kafka trigger already exists")
			}
		}
	}
	return nil
}

func eventData(tr *Trigger) map[string]any {
	var m map[string]any
	json.Unmarshal(tr.EventData, &m)
	return m
}

// functionTriggers returns f's triggers by qualifier.
func (s *Service) functionTriggers(t *stx, f *Function) map[string][]*Trigger {
	out := map[string][]*Trigger{}
	store.Each(&t.Tx, bucketTriggers, store.SubKey(f.key()), "trigger", func(k string, tr *Trigger) {
		parts := strings.Split(k, "\x00")
		q := parts[len(parts)-2]
		out[q] = append(out[q], tr)
	})
	return out
}

// eachTrigger calls fn with every trigger of the project (the checks that
// span functions: APIs and OBS notifications).
func (s *Service) eachTrigger(t *stx, fn func(*Trigger)) {
	store.Each(&t.Tx, bucketTriggers, "", "trigger", func(_ string, tr *Trigger) { fn(tr) })
}

// findTrigger finds the trigger id of type code bound to u's qualifier,
// with its record key: 404 FSS.1131 ("the trigger does not exist") when
// there is none.
func (s *Service) findTrigger(t *stx, u urn, code, id string) (*Function, string, *Trigger, *httpapi.Error) {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return nil, "", nil, e
	}
	if !triggerTypes[code] && code != "IOTDA" {
		return nil, "", nil, httpapi.Errorf(404, "FSS.1137", "invalid trigger type %q", httpapi.Trunc(code))
	}
	var key string
	var found *Trigger
	store.Each(&t.Tx, bucketTriggers, store.SubKey(f.key(), q, ""), "trigger", func(k string, tr *Trigger) {
		if tr.ID == id && tr.TypeCode == code {
			key, found = k, tr
		}
	})
	if found == nil {
		return nil, "", nil, httpapi.Errorf(404, "FSS.1131", "the trigger does not exist: %s %s", httpapi.Trunc(code), httpapi.Trunc(id))
	}
	return f, key, found, nil
}

// showTrigger answers GET /triggers/{function_urn}/{type}/{id}.
func (s *Service) showTrigger(t *stx, u urn, code, id string) httpapi.Response {
	_, _, tr, e := s.findTrigger(t, u, code, id)
	if e != nil {
		return httpapi.Fail(e)
	}
	return httpapi.OK(s.triggerView(tr))
}

// updateTrigger answers PUT /triggers/{function_urn}/{type}/{id}: the
// status, and the few event_data fields UpdateTrigger takes
// (UpdateriggerEventData: is_serial, max_fetch_bytes, polling_interval,
// polling_unit). The SDK and both references type event_data as an array
// of those objects; the Terraform provider sends the whole event_data as
// an object. Lenient: both, fields it cannot update left as they are.
// Strict: only the array, and only fields of the trigger's type (FSS.0400
// otherwise).
func (s *Service) updateTrigger(t *stx, u urn, code, id string, body []byte) httpapi.Response {
	_, key, tr, e := s.findTrigger(t, u, code, id)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b struct {
		Status    string          `json:"trigger_status"`
		EventData json.RawMessage `json:"event_data"`
	}
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	switch b.Status {
	case "", tr.Status:
	case "ACTIVE":
	case "DISABLED":
		if !s.canDisable(tr.TypeCode) {
			return httpapi.Failf(400, "FSS.1318", "invalid trigger operation: %s triggers cannot be disabled", tr.TypeCode)
		}
	default:
		return httpapi.Failf(400, "FSS.0400", "invalid trigger_status %q", httpapi.Trunc(b.Status))
	}
	data := eventData(tr)
	if raw := bytes.TrimSpace(b.EventData); len(raw) > 0 && string(raw) != "null" {
		updates, e := s.triggerUpdates(tr.TypeCode, raw)
		if e != nil {
			return httpapi.Fail(e)
		}
		for _, up := range updates {
			for k, v := range up {
				if on, ok := v.(bool); ok && k == "is_serial" {
					v = fmt.Sprint(on) // stored as the create body takes it
				}
				data[k] = v
			}
		}
		tr.EventData, _ = json.Marshal(data)
	}
	if b.Status != "" {
		tr.Status = b.Status
	}
	tr.Updated = s.now()
	t.Put(bucketTriggers, key, tr)
	return httpapi.OK(s.triggerView(tr))
}

// updatable are UpdateriggerEventData's fields, as the update body types
// them (is_serial a boolean there).
var updatable = map[string]eventField{
	"is_serial":        {kind: kBool},
	"max_fetch_bytes":  {kind: kInt},
	"polling_interval": {kind: kInt},
	"polling_unit":     {kind: kString, enum: []string{"ms", "s"}},
}

// triggerUpdates reads an update's event_data into the field changes it
// makes.
func (s *Service) triggerUpdates(code string, raw []byte) ([]map[string]any, *httpapi.Error) {
	rule := triggerRuleOf(code)
	has := func(k string) bool {
		if rule == nil {
			return false
		}
		_, ok := rule.fields[k]
		return ok
	}
	var list []map[string]any
	if raw[0] == '{' {
		if s.opts.Strict {
			return nil, httpapi.Errorf(400, "FSS.0400", "event_data of a trigger update is an array of UpdateriggerEventData objects")
		}
		var m map[string]any
		if json.Unmarshal(raw, &m) != nil {
			return nil, httpapi.Errorf(400, "FSS.0400", "event_data must be an object or an array of objects")
		}
		// The whole event_data, as TF sends it: only what can change.
		kept := map[string]any{}
		for k, v := range m {
			if _, ok := updatable[k]; ok && has(k) {
				kept[k] = v
			}
		}
		list = []map[string]any{kept}
	} else if json.Unmarshal(raw, &list) != nil {
		return nil, httpapi.Errorf(400, "FSS.0400", "event_data must be an array of objects")
	}
	for _, up := range list {
		for k, v := range up {
			f, ok := updatable[k]
			if !ok || !has(k) {
				if !s.opts.Strict {
					delete(up, k)
					continue
				}
				return nil, httpapi.Errorf(400, "FSS.0400", "%s cannot be updated for %s triggers", httpapi.Trunc(k), code)
			}
			if m := f.checkValue(v, "event_data."+k); m != "" {
				return nil, httpapi.Errorf(400, "FSS.0400", "%s", m)
			}
			if tf := rule.fields[k]; tf.kind == kInt {
				if m := tf.checkValue(v, "event_data."+k); m != "" {
					return nil, httpapi.Errorf(400, rule.code, "%s", m)
				}
			}
		}
	}
	return list, nil
}

// deleteTrigger answers DELETE /triggers/{function_urn}/{type}/{id}.
func (s *Service) deleteTrigger(t *stx, u urn, code, id string) httpapi.Response {
	_, key, _, e := s.findTrigger(t, u, code, id)
	if e != nil {
		return httpapi.Fail(e)
	}
	t.Delete(bucketTriggers, key)
	return httpapi.NoContent()
}

// deleteAllTriggers answers DELETE /triggers/{function_urn}: "If a
// non-latest function version is specified, all triggers corresponding to
// the version will be deleted. If an alias is specified, all triggers
// corresponding to the alias will be deleted. If neither function
// versions nor aliases are specified or the latest version is specified,
// all triggers of the function (including all versions and aliases) will
// be deleted" (OTC deleting_all_triggers_of_a_function.rst).
func (s *Service) deleteAllTriggers(t *stx, u urn) httpapi.Response {
	f, q, e := s.triggerTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	if q == "latest" {
		if err := store.DeletePrefix(t.KV, bucketTriggers, store.SubKey(f.key())); err != nil {
			t.Fail(err)
		}
		return httpapi.NoContent()
	}
	t.deleteTriggers(f, q)
	return httpapi.NoContent()
}
