package manifest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Trigger is one declared trigger (functions.NAME.triggers[i]).
type Trigger struct {
	Type      string // trigger_type_code, one of fgsspec.TriggerTypes
	Qualifier string // "latest" (the default), an alias or a version name
	Status    string // ACTIVE (the default) or DISABLED
	// EventData is the declared event_data without its secret fields,
	// fgsdeploy's defaults filled in (fgsspec.TriggerType.Defaults): the
	// API's field names, values string, int, bool, []string or a map of
	// them (func_info).
	EventData map[string]any
	// Secrets are the secret fields of event_data (passwords), apart so
	// that nothing prints them by mistake.
	Secrets map[string]string
	// Line and Col are where the trigger is written.
	Line, Col int
	// index is the trigger's place in the manifest's list, which is its
	// place in Function.Triggers only when every trigger could be read.
	index int
}

// TriggerSecretsFingerprintKey is the environment key the planner writes
// the fingerprint of the triggers' secrets under (like
// SecretsFingerprintKey for encrypted_environment). It is reserved, and
// it counts toward the 20 keys of environment when a trigger has secrets.
const TriggerSecretsFingerprintKey = "FGSDEPLOY_TRIGGERS_FP"

// HasSecrets reports whether the trigger has secret fields.
func (t *Trigger) HasSecrets() bool { return len(t.Secrets) > 0 }

var triggerShape = shape{"type": nil, "qualifier": nil, "status": nil, "event_data": {"*": nil}}

// triggers decodes a function's triggers key: a list, empty for none.
func (d *decoder) triggers(n *yaml.Node, path string) []Trigger {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		d.typeErr(n, path, "must be a list of triggers (type, qualifier, status, event_data), got %s", kindName(n))
		return nil
	}
	out := []Trigger{}
	for i, item := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		if isNull(item) {
			d.typeErr(item, ip, "is empty: remove the item or declare the trigger")
			continue
		}
		if t, ok := d.trigger(item, ip); ok {
			t.index = i
			out = append(out, t)
		}
	}
	return out
}

// trigger decodes one trigger; ok is false when it could not be read.
func (d *decoder) trigger(n *yaml.Node, path string) (Trigger, bool) {
	t := Trigger{Qualifier: "latest", Status: "ACTIVE", Line: n.Line, Col: n.Column}
	var typeNode, statusNode, dataNode, qualNode *yaml.Node
	if !d.mapping(n, path, triggerShape, func(k, v *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "type":
			t.Type, typeNode = d.str(v, p), v
		case "qualifier":
			t.Qualifier, qualNode = d.str(v, p), v
		case "status":
			t.Status, statusNode = d.str(v, p), v
		case "event_data":
			dataNode = v
		default:
			d.unknown(k, path, triggerShape)
		}
	}) {
		return t, false
	}
	if typeNode == nil {
		d.errAt(n, join(path, "type"), "is required (%s)", strings.Join(fgsspec.ManagedTriggerTypes(), ", "))
		return t, false
	}
	tt := fgsspec.TriggerTypeOf(t.Type)
	if tt == nil {
		if slices.Contains(fgsspec.TriggerTypeCodes, t.Type) {
			d.errAt(typeNode, join(path, "type"), "fgsdeploy does not manage %s triggers yet (it manages %s)", t.Type, strings.Join(fgsspec.ManagedTriggerTypes(), ", "))
		} else {
			d.errAt(typeNode, join(path, "type"), "%s is not a trigger type%s (%s)", quote(typeNode, t.Type, 40), didYouMean(t.Type, fgsspec.ManagedTriggerTypes()), strings.Join(fgsspec.ManagedTriggerTypes(), ", "))
		}
		return t, false
	}
	if qualNode != nil {
		d.checkQualifier(qualNode, join(path, "qualifier"), t.Qualifier)
	}
	if statusNode != nil {
		switch {
		case !slices.Contains(fgsspec.TriggerStatuses, t.Status):
			d.errAt(statusNode, join(path, "status"), "%s is not ACTIVE or DISABLED", quote(statusNode, t.Status, 40))
		case t.Status == "DISABLED" && !tt.Disable:
			why := "only TIMER, DDS, KAFKA and LTS triggers can be disabled"
			if tt.DisableLenient {
				why += " under every reading of the API references (one lists DMS, another does not)"
			}
			d.errAt(statusNode, join(path, "status"), "%s triggers cannot be DISABLED: %s; remove the trigger instead", t.Type, why)
		}
	}
	if dataNode == nil {
		d.errAt(n, join(path, "event_data"), "is required: the %s trigger's fields (%s)", t.Type, strings.Join(tt.FieldNames(), ", "))
		return t, false
	}
	before := len(d.el.errs)
	data, nodes := d.eventData(tt.Fields, dataNode, join(path, "event_data"))
	if data == nil || len(d.el.errs) > before {
		return t, false
	}
	t.Secrets = map[string]string{}
	for _, k := range tt.SecretFields() {
		if v, ok := data[k].(string); ok {
			t.Secrets[k] = v
		}
	}
	// The rules between fields and the required ones, on what is sent.
	full := tt.Defaults(data)
	for _, fe := range tt.CheckEventData(full) {
		at := dataNode
		if fn := nodes[fe.Field]; fn != nil {
			at = fn
		}
		d.errAt(at, join(path, "event_data."+fe.Field), "%v", fe.Err)
	}
	if schedule, _ := full["schedule"].(string); len(d.el.errs) == before && t.Type == "TIMER" && full["schedule_type"] == "Cron" {
		if msg := fiveFieldCron(schedule); msg != "" {
			d.errAt(nodes["schedule"], join(path, "event_data.schedule"), "%s", msg)
		}
	}
	if len(d.el.errs) > before {
		return t, false
	}
	for k := range t.Secrets {
		delete(full, k)
	}
	t.EventData = full
	return t, true
}

// fiveFieldCron refuses a cron schedule of five fields, which
// FunctionGraph takes (day-of-week is optional) but reads with seconds
// first, so that a Unix cron line means something else: "*/5 * * * *" is
// every five seconds there, not every five minutes. It returns the message
// with both six-field forms, or "" for any other schedule.
func fiveFieldCron(s string) string {
	expr, zone := s, ""
	if rest, ok := strings.CutPrefix(s, "CRON_TZ="); ok {
		z, fields, _ := strings.Cut(rest, " ")
		expr, zone = fields, "CRON_TZ="+z+" "
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return ""
	}
	unix := zone + "0 " + strings.Join(fields, " ")
	asRead := zone + strings.Join(fields, " ") + " *"
	return fmt.Sprintf("%q has 5 fields, and FunctionGraph reads them as seconds minutes hours day-of-month month (a Unix cron line starts with minutes): write all six fields, %q for the Unix meaning (minutes first), or %q for the one FunctionGraph would read", truncate(s, 60), unix, asRead)
}

// checkQualifier applies the shape of a qualifier: latest, or a name an
// alias or a version can have. Which one it is depends on the live
// function; the plan decides.
func (d *decoder) checkQualifier(n *yaml.Node, path, q string) {
	switch {
	case q == "latest":
	case q == "$published":
		d.errAt(n, path, "$published is not a qualifier: bind the trigger to an alias that follows the releases (aliases: {live: {version: $published}}, qualifier: live)")
	case fgsspec.CheckAliasName(q) != nil && fgsspec.CheckVersionName(q) != nil:
		d.errAt(n, path, "%s is not latest, an alias name or a version name", quote(n, q, 60))
	}
}

// eventData decodes an event_data map with fields: every key known, each
// value of its field's kind and within its rules. It returns the values
// and the node of each, by field path. Secret values never appear in a
// message.
func (d *decoder) eventData(fields []fgsspec.TriggerField, n *yaml.Node, path string) (map[string]any, map[string]*yaml.Node) {
	allowed := shape{}
	byName := map[string]*fgsspec.TriggerField{}
	for i := range fields {
		allowed[fields[i].Name] = nil
		byName[fields[i].Name] = &fields[i]
	}
	out := map[string]any{}
	nodes := map[string]*yaml.Node{}
	ok := d.mapping(n, path, allowed, func(k, v *yaml.Node) {
		f := byName[k.Value]
		p := join(path, k.Value)
		if f == nil {
			d.errAt(k, p, "unknown field%s (the fields of this type: %s)", didYouMean(k.Value, keysOf(allowed)), strings.Join(keysOf(allowed), ", "))
			return
		}
		nodes[k.Value] = v
		var val any
		switch f.Kind {
		case fgsspec.KindString:
			if v.Kind != yaml.ScalarNode {
				d.typeErr(v, p, "must be a string, got %s", kindName(v))
				return
			}
			val = d.str(v, p)
		case fgsspec.KindInt:
			x, ok := d.integer(v, p)
			if !ok {
				return
			}
			val = x
		case fgsspec.KindBool:
			x, ok := d.boolean(v, p)
			if !ok {
				return
			}
			val = x
		case fgsspec.KindStrings:
			items := resolveAlias(v)
			if items.Kind != yaml.SequenceNode {
				d.typeErr(items, p, "must be a list, got %s", kindName(items))
				return
			}
			list := d.list(items, p)
			for i, c := range items.Content {
				nodes[fmt.Sprintf("%s[%d]", k.Value, i)] = c
			}
			val = list
		case fgsspec.KindObject:
			sub, subNodes := d.eventData(f.Fields, v, p)
			if sub == nil {
				return
			}
			for sk, sn := range subNodes {
				nodes[k.Value+"."+sk] = sn
			}
			out[k.Value] = sub
			return
		}
		if err := f.CheckValue(val); err != nil {
			if f.Secret {
				d.errAt(v, p, "is not valid")
				return
			}
			d.errAt(v, p, "%v", err)
			return
		}
		out[k.Value] = val
	})
	if !ok {
		return nil, nil
	}
	return out, nodes
}

// boolean reads true or false; an interpolated string that holds one is
// accepted.
func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode {
		switch {
		case n.ShortTag() == "!!bool":
			return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
		case n.ShortTag() == "!!str" && strings.Contains(n.Value, "${"):
			v, err := Interpolate(n.Value, d.in.lookup)
			if err != nil {
				d.typeErr(n, path, "%v", err)
				return false, false
			}
			if v == "true" || v == "false" {
				return v == "true", true
			}
			d.typeErr(n, path, "must be true or false, got %s", quote(n, v, 20))
			return false, false
		}
	}
	d.typeErr(n, path, "must be true or false, got %s", kindName(n))
	return false, false
}

// crossTriggers applies the rules between a function's triggers: at most
// fgsspec.MaxTriggersPerVersion per qualifier, no trigger declared twice
// (same qualifier, type and identity), a timer's name once per function
// (the strict reading of the API: docs/api-notes.md rule 19), and room in
// the environment for the secrets' fingerprint.
func (d *decoder) crossTriggers(f *Function, nodes map[string]*yaml.Node, path string) {
	if f.Triggers == nil {
		return
	}
	at := func(t Trigger) *yaml.Node { return &yaml.Node{Line: t.Line, Column: t.Col} }
	per := map[string]int{}
	seen := map[string]int{}
	timers := map[string]int{}
	secrets := false
	for _, t := range f.Triggers {
		i := t.index
		ip := fmt.Sprintf("%s.triggers[%d]", path, i)
		per[t.Qualifier]++
		if per[t.Qualifier] == fgsspec.MaxTriggersPerVersion+1 {
			d.errAt(at(t), ip, "%s has more than %d triggers; FunctionGraph allows %d per version or alias", t.Qualifier, fgsspec.MaxTriggersPerVersion, fgsspec.MaxTriggersPerVersion)
		}
		key := t.Qualifier + "\x00" + TriggerIdentity(t.Type, t.EventData)
		if j, dup := seen[key]; dup {
			d.errAt(at(t), ip, "declares the same trigger as triggers[%d] (%s %s on %s)", j, t.Type, TriggerIdentity(t.Type, t.EventData), t.Qualifier)
		} else {
			seen[key] = i
		}
		if t.Type == "TIMER" {
			name, _ := t.EventData["name"].(string)
			if j, dup := timers[name]; dup {
				d.errAt(at(t), ip+".event_data.name", "timer %s is also triggers[%d]: FunctionGraph may refuse a timer name twice in one function (FSS.1148), so give each timer its own name", name, j)
			} else {
				timers[name] = i
			}
		}
		secrets = secrets || t.HasSecrets()
	}
	if secrets {
		keys := len(f.Environment) + 1
		if f.EncryptedEnvironment != nil {
			keys++
		}
		if f.Environment != nil && keys > fgsspec.MaxUserDataKeys {
			d.errAt(nodes["environment"], join(path, "environment"), "has %d keys; with triggers that hold secrets fgsdeploy adds %s, and FunctionGraph allows %d in all", len(f.Environment), TriggerSecretsFingerprintKey, fgsspec.MaxUserDataKeys)
		}
	}
}

// TriggerIdentity is what pairs a declared trigger with a live one of the
// same type and qualifier: the values of the type's identity fields
// (fgsspec.TriggerType.Identity), lists as sorted sets and OBS events by
// their short names, joined by spaces ("nightly", "GET /hello g1 E1").
// The planner pairs live triggers with the same function.
func TriggerIdentity(typ string, data map[string]any) string {
	tt := fgsspec.TriggerTypeOf(typ)
	if tt == nil {
		return ""
	}
	var parts []string
	for _, k := range tt.Identity {
		switch v := data[k].(type) {
		case nil:
			parts = append(parts, "")
		case string:
			parts = append(parts, v)
		default:
			items, ok := fgsspec.AsStrings(v)
			if !ok {
				parts = append(parts, fmt.Sprint(v))
				continue
			}
			norm := make([]string, len(items))
			for i, s := range items {
				norm[i] = s
				if k == "events" {
					if n := fgsspec.NormalizeOBSEvent(s); n != "" {
						norm[i] = n
					}
				}
			}
			sort.Strings(norm)
			parts = append(parts, strings.Join(norm, ","))
		}
	}
	return strings.Join(parts, " ")
}

// checkProjectTriggers applies the rules across functions: an API
// (group, environment, path and method) is declared once in the project
// (FSS.1146), and two OBS triggers of one bucket may not both match an
// object (FSS.1108).
func checkProjectTriggers(el *errorList, fns []*Function) {
	type ref struct {
		fn string
		i  int
		t  Trigger
	}
	var all []ref
	for _, f := range fns {
		for _, t := range f.Triggers {
			all = append(all, ref{f.Name, t.index, t})
		}
	}
	str := func(t Trigger, k string) string { s, _ := t.EventData[k].(string); return s }
	for j := range all {
		b := all[j]
		for i := range j {
			a := all[i]
			if a.fn == b.fn && a.t.Qualifier == b.t.Qualifier && a.t.Type == b.t.Type && TriggerIdentity(a.t.Type, a.t.EventData) == TriggerIdentity(b.t.Type, b.t.EventData) {
				continue // reported by crossTriggers
			}
			p := fmt.Sprintf("functions.%s.triggers[%d]", b.fn, b.i)
			apig := func(t Trigger) bool { return t.Type == "APIG" || t.Type == "DEDICATEDGATEWAY" }
			switch {
			case apig(a.t) && apig(b.t) && str(a.t, "group_id") == str(b.t, "group_id") && str(a.t, "env_id") == str(b.t, "env_id") &&
				str(a.t, "path") == str(b.t, "path") && str(a.t, "req_method") == str(b.t, "req_method"):
				el.add(b.t.Line, b.t.Col, p, "the API %s %s of group %s is also functions.%s.triggers[%d]: an API Gateway route is one API (FSS.1146)", str(b.t, "req_method"), str(b.t, "path"), str(b.t, "group_id"), a.fn, a.i)
			case a.t.Type == "OBS" && b.t.Type == "OBS" && str(a.t, "bucket") == str(b.t, "bucket"):
				ea, _ := fgsspec.AsStrings(a.t.EventData["events"])
				eb, _ := fgsspec.AsStrings(b.t.EventData["events"])
				if fgsspec.OBSNotificationsOverlap(ea, str(a.t, "prefix"), str(a.t, "suffix"), eb, str(b.t, "prefix"), str(b.t, "suffix")) {
					el.add(b.t.Line, b.t.Col, p, "bucket %s: these events, prefix and suffix overlap those of functions.%s.triggers[%d], which OBS refuses (FSS.1108): make the prefixes or suffixes disjoint", str(b.t, "bucket"), a.fn, a.i)
				}
			}
		}
	}
}
