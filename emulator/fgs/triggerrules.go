package fgs

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// The emulator's own statement of each trigger type's event_data rules,
// read from the sources rather than shared with the manifest's validation
// (fgsspec), so that a mistake in either shows as a disagreement:
//
//   - [SDK] TriggerEventDataRequestBody: which fields each type has ("（XXX
//     触发器参数）"), which it requires ("XXX触发器此参数必填"), the enums
//     (schedule_type, protocol, req_method, match_mode, auth,
//     backend_type, sharditerator_type, polling_unit, is_serial, whose
//     create enum is the strings "true" and "false"), batch_size's range
//     per type, the Rate limits (minutes at most 60, hours 24, days 30);
//     ApigTriggerFuncInfo (timeout required, invocation_type sync or
//     async);
//   - [OTC] creating_a_trigger.rst: func_info.timeout 1 to 60000, prefix
//     and suffix at most 1024, the error codes of error_codes.rst;
//   - [TF] fgs_trigger.md and apig_api.md: timer names 1 to 64 (a letter
//     first; letters, digits, _ and -), API names 3 to 255, DIS
//     pull_period 2 to 60000 and max_fetch_bytes 1024 to 4194304, OBS
//     events exclusive within a group;
//   - the cron page (OTC and HW functiongraph_01_0908): @every DURATION,
//     or five or six fields (seconds first), "?" in day-of-month or
//     day-of-week, an optional CRON_TZ=Zone in front;
//   - OBS's bucket naming rules.

// eventKind is the JSON kind of an event_data field.
type eventKind int

const (
	kString eventKind = iota + 1
	kInt
	kBool
	kBoolString // the strings "true" and "false" (the SDK's is_serial enum on create)
	kStrings
	kObject
)

type eventField struct {
	kind     eventKind
	required bool
	enum     []string
	min, max int                 // ints; for strings the length, when max > 0
	check    func(string) string // a value's own syntax: "" when fine
	fields   map[string]eventField
}

// triggerRule is one trigger type's rules.
type triggerRule struct {
	code            string // the type's code for invalid parameters (OTC error_codes.rst)
	fields          map[string]eventField
	defaultDisabled bool     // DDS and Kafka start DISABLED (HW, OTC)
	disable         bool     // can be DISABLED under every reading
	disableLenient  bool     // only HW lists it (DMS)
	secrets         []string // passwords
	between         func(map[string]any) (code, msg string)
}

var (
	timerNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

func text(min, max int) eventField { return eventField{kind: kString, min: min, max: max} }
func need(f eventField) eventField { f.required = true; return f }
func oneOf(vals ...string) eventField {
	return eventField{kind: kString, enum: vals}
}
func intIn(min, max int) eventField { return eventField{kind: kInt, min: min, max: max} }

func apigRule(code string, dedicated bool) triggerRule {
	instance := text(1, 64)
	if dedicated {
		instance = need(instance)
	}
	return triggerRule{code: code, disable: false, fields: map[string]eventField{
		"name":         need(eventField{kind: kString, min: 3, max: 255, check: apiName}),
		"type":         need(intIn(1, 2)),
		"path":         need(eventField{kind: kString, min: 1, max: 512, check: apiPath}),
		"protocol":     need(oneOf("HTTP", "HTTPS")),
		"req_method":   need(oneOf("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY")),
		"group_id":     need(text(1, 0)),
		"group_name":   text(0, 0),
		"match_mode":   need(oneOf("SWA", "NORMAL")),
		"env_name":     need(text(1, 0)),
		"env_id":       need(text(1, 0)),
		"auth":         need(oneOf("IAM", "APP", "NONE")),
		"sl_domain":    text(0, 255),
		"backend_type": oneOf("FUNCTION"),
		"instance_id":  instance,
		"func_info": need(eventField{kind: kObject, fields: map[string]eventField{
			"timeout":         need(intIn(1, 60000)),
			"invocation_type": oneOf("sync", "async"),
			"function_urn":    text(0, 0),
			"version":         text(0, 0),
		}}),
	}}
}

// triggerRules are the types whose fields the SDK documents. The others of
// the SDK's enum (OPENSOURCEKAFKA, APIC, GAUSSMONGO, EVENTGRID) take any
// event_data object.
var triggerRules = map[string]triggerRule{
	"TIMER": {code: "FSS.1109", disable: true, fields: map[string]eventField{
		"name":          need(eventField{kind: kString, check: timerName}),
		"schedule_type": need(oneOf("Rate", "Cron")),
		"schedule":      need(text(1, 0)),
		"user_event":    text(0, 0),
	}, between: timerSchedule},
	"APIG":             apigRule("FSS.1107", false),
	"DEDICATEDGATEWAY": apigRule("FSS.1417", true),
	"CTS": {code: "FSS.0400", fields: map[string]eventField{
		"name":       need(eventField{kind: kString, check: timerName}),
		"operations": need(eventField{kind: kStrings, min: 1}),
	}},
	"DDS": {code: "FSS.0400", defaultDisabled: true, disable: true, secrets: []string{"db_password"}, fields: map[string]eventField{
		"instance_id":     need(text(1, 0)),
		"collection_name": need(text(1, 0)),
		"db_name":         need(text(1, 0)),
		"db_password":     need(text(1, 0)),
		"batch_size":      need(intIn(1, 10000)),
	}},
	"DMS": {code: "FSS.0400", disableLenient: true, fields: map[string]eventField{
		"queue_id":          need(text(1, 0)),
		"consumer_group_id": need(text(1, 0)),
		"polling_interval":  need(intIn(2, 60000)),
	}},
	"DIS": {code: "FSS.0400", fields: map[string]eventField{
		"stream_name":        need(text(1, 0)),
		"sharditerator_type": need(oneOf("TRIM_HORIZON", "LATEST")),
		"polling_interval":   need(intIn(2, 60000)),
		"polling_unit":       need(oneOf("s", "ms")),
		"max_fetch_bytes":    intIn(1024, 4194304),
		"is_serial":          need(eventField{kind: kBoolString}),
		"batch_size":         need(intIn(1, 10000)),
	}},
	"LTS": {code: "FSS.0400", disable: true, fields: map[string]eventField{
		"log_group_id": need(text(1, 0)),
		"log_topic_id": need(text(1, 0)),
	}},
	"OBS": {code: "FSS.1106", fields: map[string]eventField{
		"bucket": need(eventField{kind: kString, check: bucketName}),
		"prefix": text(0, 1024),
		"suffix": text(0, 1024),
		"events": need(eventField{kind: kStrings, min: 1}),
		"name":   text(0, 256),
	}, between: obsEvents},
	"SMN": {code: "FSS.1102", fields: map[string]eventField{
		"topic_urn": need(eventField{kind: kString, max: 255, check: startsWith("urn:smn:")}),
	}},
	"KAFKA": {code: "FSS.1112", defaultDisabled: true, disable: true, secrets: []string{"kafka_password"}, fields: map[string]eventField{
		"instance_id":           need(text(1, 0)),
		"topic_ids":             need(eventField{kind: kStrings, min: 1}),
		"kafka_user":            text(0, 0),
		"kafka_password":        text(0, 0),
		"kafka_connect_address": text(0, 0),
		"kafka_ssl_enable":      {kind: kBool},
		"batch_size":            need(intIn(1, 1000)),
	}, between: kafkaSASL},
	"RABBITMQ": {code: "FSS.0400", secrets: []string{"access_password"}, fields: map[string]eventField{
		"instance_id":     need(text(1, 0)),
		"access_password": need(text(1, 0)),
		"access_user":     text(0, 0),
		"connect_address": text(0, 0),
		"exchange_name":   need(text(1, 0)),
		"vhost":           text(0, 0),
		"ssl_enable":      {kind: kBool},
		"batch_size":      need(intIn(1, 1000)),
	}},
}

// triggerRuleOf returns the rules of a type, nil for one without.
func triggerRuleOf(code string) *triggerRule {
	r, ok := triggerRules[code]
	if !ok {
		return nil
	}
	return &r
}

// canDisableType reports whether a trigger of the type may be DISABLED:
// strict takes OTC's shorter list (timer, DDS, Kafka, LTS), lenient adds
// DMS (HW functiongraph_06_0122).
func canDisableType(code string, strict bool) bool {
	r := triggerRuleOf(code)
	return r != nil && (r.disable || r.disableLenient && !strict)
}

// checkEventData applies a type's rules to event_data (as encoding/json
// decodes it): every field known to the type, the required ones there,
// each of its kind and within its range, then the rules between fields.
// It returns the error code and message of the first problem, in field
// order, or "" and "".
func (r *triggerRule) checkEventData(data map[string]any) (code, msg string) {
	if m := checkEventFields(r.fields, data, ""); m != "" {
		return r.code, m
	}
	if r.between != nil {
		if c, m := r.between(data); m != "" {
			if c == "" {
				c = r.code
			}
			return c, m
		}
	}
	return "", ""
}

func checkEventFields(fields map[string]eventField, data map[string]any, prefix string) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			return prefix + k + ": unknown field"
		}
		if m := f.checkValue(data[k], prefix+k); m != "" {
			return m
		}
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, ok := data[k]; !ok && fields[k].required {
			return prefix + k + ": is required"
		}
	}
	return ""
}

func (f eventField) checkValue(v any, path string) string {
	switch f.kind {
	case kString:
		s, ok := v.(string)
		if !ok {
			return path + ": must be a string"
		}
		return f.checkString(s, path)
	case kInt:
		n, ok := jsonInt(v)
		if !ok {
			return path + ": must be a whole number"
		}
		if f.max > 0 && (n < f.min || n > f.max) {
			return fmt.Sprintf("%s: %d is out of range (%d to %d)", path, n, f.min, f.max)
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return path + ": must be true or false"
		}
	case kBoolString:
		if s, ok := v.(string); !ok || (s != "true" && s != "false") {
			return path + `: must be the string "true" or "false"`
		}
	case kStrings:
		list, ok := v.([]any)
		if !ok {
			return path + ": must be a list of strings"
		}
		if len(list) < f.min {
			return fmt.Sprintf("%s: needs at least %d item(s)", path, f.min)
		}
		for i, e := range list {
			s, ok := e.(string)
			if !ok || s == "" {
				return fmt.Sprintf("%s[%d]: must be a string, not empty", path, i)
			}
		}
	case kObject:
		m, ok := v.(map[string]any)
		if !ok {
			return path + ": must be an object"
		}
		return checkEventFields(f.fields, m, path+".")
	}
	return ""
}

func (f eventField) checkString(s, path string) string {
	n := len([]rune(s))
	switch {
	case f.min > 0 && n == 0:
		return path + ": is empty"
	case n < f.min || f.max > 0 && n > f.max:
		return fmt.Sprintf("%s: is %d characters long (%d to %d)", path, n, f.min, f.max)
	case len(f.enum) > 0 && !slices.Contains(f.enum, s):
		return fmt.Sprintf("%s: %q is not one of %s", path, httpapi.Trunc(s), strings.Join(f.enum, ", "))
	case f.check != nil:
		if m := f.check(s); m != "" {
			return path + ": " + m
		}
	}
	return ""
}

// jsonInt reads a JSON number that is a whole number.
func jsonInt(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 32)
		return int(n), err == nil
	}
	return 0, false
}

func timerName(s string) string {
	if !timerNameRe.MatchString(s) {
		return fmt.Sprintf("%q is not a name: 1 to 64 letters, digits, _ and -, a letter first", httpapi.Trunc(s))
	}
	return ""
}

func apiName(s string) string {
	r := []rune(s)
	if len(r) > 0 && !(r[0] >= 'a' && r[0] <= 'z' || r[0] >= 'A' && r[0] <= 'Z' || r[0] >= '0' && r[0] <= '9' || r[0] > 127) {
		return "an API name starts with a letter or digit"
	}
	return ""
}

func apiPath(s string) string {
	if !strings.HasPrefix(s, "/") || strings.Contains(s, "//") {
		return "a request path starts with / and has no empty segment"
	}
	return ""
}

func bucketName(s string) string {
	if !bucketRe.MatchString(s) || strings.Contains(s, "..") {
		return fmt.Sprintf("%q is not a bucket name (3 to 63 lowercase letters, digits, - and .)", httpapi.Trunc(s))
	}
	return ""
}

func startsWith(p string) func(string) string {
	return func(s string) string {
		if !strings.HasPrefix(s, p) {
			return "must start with " + p
		}
		return ""
	}
}

// timerSchedule checks a timer's schedule against its type: a Rate is a
// number and m, h or d (at most 60 minutes, 24 hours, 30 days), a Cron
// the cron page's syntax.
func timerSchedule(d map[string]any) (string, string) {
	typ, _ := d["schedule_type"].(string)
	s, _ := d["schedule"].(string)
	if typ == "Rate" {
		if len(s) < 2 {
			return "", fmt.Sprintf("schedule: %q is not a rate (1 to 60m, 24h or 30d)", httpapi.Trunc(s))
		}
		unit := s[len(s)-1:]
		n, err := strconv.Atoi(s[:len(s)-1])
		limit := map[string]int{"m": 60, "h": 24, "d": 30}[unit]
		if err != nil || limit == 0 || n < 1 || n > limit || s[0] == '0' || s[0] == '+' {
			return "", fmt.Sprintf("schedule: %q is not a rate (1 to 60m, 24h or 30d)", httpapi.Trunc(s))
		}
		return "", ""
	}
	if m := cronSyntax(s); m != "" {
		return "", "schedule: " + m
	}
	return "", ""
}

var (
	cronFieldRe = regexp.MustCompile(`^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?)*$`)
	cronLimits  = [][2]int{{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}}
	cronNames   = [][]string{nil, nil, nil, nil, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
)

func cronSyntax(s string) string {
	if rest, ok := strings.CutPrefix(s, "CRON_TZ="); ok {
		zone, expr, found := strings.Cut(rest, " ")
		if !found || zone == "" {
			return "CRON_TZ= needs a zone, then the expression"
		}
		s = expr
	}
	if d, ok := strings.CutPrefix(s, "@every "); ok {
		if v, err := time.ParseDuration(strings.TrimSpace(d)); err != nil || v <= 0 {
			return fmt.Sprintf("%q is not a duration", httpapi.Trunc(d))
		}
		return ""
	}
	fields := strings.Fields(s)
	if len(fields) != 5 && len(fields) != 6 {
		return fmt.Sprintf("%q: a cron expression has 5 or 6 fields, seconds first", httpapi.Trunc(s))
	}
	for i, f := range fields {
		if f == "?" {
			if i != 3 && i != 5 {
				return "? is only for day-of-month and day-of-week"
			}
			continue
		}
		if !cronFieldRe.MatchString(f) {
			return fmt.Sprintf("field %d %q is not *, ?, a value, a range, a list or a step", i+1, httpapi.Trunc(f))
		}
		for _, item := range strings.Split(f, ",") {
			base, step, hasStep := strings.Cut(item, "/")
			if hasStep {
				if n, err := strconv.Atoi(step); err != nil || n < 1 {
					return fmt.Sprintf("field %d: the step %q is not a positive number", i+1, httpapi.Trunc(step))
				}
			}
			if base == "*" {
				continue
			}
			lo, hi, _ := strings.Cut(base, "-")
			for _, v := range []string{lo, hi} {
				if v == "" {
					continue
				}
				if n, err := strconv.Atoi(v); err == nil {
					if n < cronLimits[i][0] || n > cronLimits[i][1] {
						return fmt.Sprintf("field %d: %d is out of range (%d to %d)", i+1, n, cronLimits[i][0], cronLimits[i][1])
					}
				} else if !slices.Contains(cronNames[i], strings.ToUpper(v)) {
					return fmt.Sprintf("field %d: %q is not a value", i+1, httpapi.Trunc(v))
				}
			}
		}
	}
	return ""
}

// obsEvents checks an OBS trigger's events: the SDK's names (ObjectCreated,
// Put, Post, Copy, CompleteMultipartUpload, ObjectRemoved, Delete,
// DeleteMarkerCreated), or OTC's s3: forms of them (s3:ObjectCreated:*,
// s3:ObjectCreated:Put); a group and one of its members, or the same event
// twice, are refused (TF: exclusive within a group).
func obsEvents(d map[string]any) (string, string) {
	groups := map[string][]string{"ObjectCreated": {"Put", "Post", "Copy", "CompleteMultipartUpload"}, "ObjectRemoved": {"Delete", "DeleteMarkerCreated"}}
	groupOf := map[string]string{}
	for g, ms := range groups {
		for _, m := range ms {
			groupOf[m] = g
		}
	}
	list, _ := d["events"].([]any)
	seen := map[string]bool{}
	for _, e := range list {
		name, _ := e.(string)
		short := strings.TrimPrefix(name, "s3:")
		if g, m, ok := strings.Cut(short, ":"); ok {
			if _, isGroup := groups[g]; !isGroup || (m != "*" && groupOf[m] != g) {
				return "", fmt.Sprintf("events: %q is not an OBS event", httpapi.Trunc(name))
			}
			short = g
			if m != "*" {
				short = m
			}
		}
		_, isGroup := groups[short]
		if !isGroup && groupOf[short] == "" {
			return "", fmt.Sprintf("events: %q is not an OBS event", httpapi.Trunc(name))
		}
		if seen[short] || seen[groupOf[short]] || isGroup && slices.ContainsFunc(groups[short], func(m string) bool { return seen[m] }) {
			return "", fmt.Sprintf("events: %q overlaps another event of the list", httpapi.Trunc(name))
		}
		seen[short] = true
	}
	return "", ""
}

// kafkaSASL: SASL_SSL needs the user and the password (FSS.1113), and the
// two go together.
func kafkaSASL(d map[string]any) (string, string) {
	_, user := d["kafka_user"]
	_, pw := d["kafka_password"]
	ssl, _ := d["kafka_ssl_enable"].(bool)
	switch {
	case ssl && (!user || !pw):
		return "FSS.1113", "kafka_ssl_enable: SASL needs kafka_user and kafka_password"
	case user != pw:
		return "", "kafka_user and kafka_password go together"
	}
	return "", ""
}

// strs reads a JSON list of strings (what is not a string is left out).
func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// obsOverlap reports whether two event notifications of one bucket would
// both take some object event (FSS.1108): their events meet (a group
// meets its members), and some key could match both prefixes and both
// suffixes (one prefix starts the other, one suffix ends the other), as
// OBS's event notification rules have it.
func obsOverlap(eventsA []string, prefixA, suffixA string, eventsB []string, prefixB, suffixB string) bool {
	if !strings.HasPrefix(prefixA, prefixB) && !strings.HasPrefix(prefixB, prefixA) {
		return false
	}
	if !strings.HasSuffix(suffixA, suffixB) && !strings.HasSuffix(suffixB, suffixA) {
		return false
	}
	expand := func(evs []string) map[string]bool {
		out := map[string]bool{}
		for _, e := range evs {
			short := strings.TrimPrefix(e, "s3:")
			if g, m, ok := strings.Cut(short, ":"); ok {
				short = g
				if m != "*" {
					short = m
				}
			}
			switch short {
			case "ObjectCreated":
				for _, m := range []string{"Put", "Post", "Copy", "CompleteMultipartUpload"} {
					out[m] = true
				}
			case "ObjectRemoved":
				out["Delete"], out["DeleteMarkerCreated"] = true, true
			default:
				out[short] = true
			}
		}
		return out
	}
	b := expand(eventsB)
	for e := range expand(eventsA) {
		if b[e] {
			return true
		}
	}
	return false
}
