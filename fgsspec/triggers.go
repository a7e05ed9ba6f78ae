package fgsspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The trigger rules: which trigger types fgsdeploy manages, the fields of
// each type's event_data as the SDK's TriggerEventDataRequestBody names
// them (model_trigger_event_data_request_body.go), which of them the
// service requires, which UpdateTrigger can change in place, which are
// secrets, and how a declared trigger is paired with a live one.
//
// Sources beyond the package's: [OTC] api/function_triggers/*.rst (create,
// update, list, delete, delete all), appendix/error_codes.rst and
// umn/source/configuring_triggers/*.rst (cron expressions, timer
// triggers); [HW] functiongraph_06_0122 (creating a trigger) and the
// Notes and Constraints page; [TF] docs/resources/fgs_trigger.md and
// fgs_function_trigger.md, huaweicloud/services/fgs/
// resource_huaweicloud_fgs_function_trigger.go (commit a0345b8).

// FieldKind is the JSON kind of an event_data field. NoKind is the
// harmless zero value.
type FieldKind int

// The kinds of event_data values.
const (
	NoKind FieldKind = iota
	KindString
	KindInt
	KindBool
	KindStrings // a list of strings
	KindObject  // a map of further fields (func_info)
)

// String names the kind as messages say it.
func (k FieldKind) String() string {
	switch k {
	case NoKind:
		return "nothing"
	case KindString:
		return "a string"
	case KindInt:
		return "a whole number"
	case KindBool:
		return "true or false"
	case KindStrings:
		return "a list of strings"
	case KindObject:
		return "a map"
	}
	panic(fmt.Sprintf("fgsspec: impossible field kind %d", int(k)))
}

// TriggerField is one field of a trigger type's event_data.
type TriggerField struct {
	Name     string
	Kind     FieldKind
	Required bool // the service refuses a trigger without it
	// Secret marks a password: never shown, never stored in plain text,
	// changes detected by fingerprint (the response models carry these
	// fields, but what a read returns for them is not documented).
	Secret bool
	// Updatable marks a field UpdateTrigger's event_data takes
	// (UpdateriggerEventData: is_serial, max_fetch_bytes,
	// polling_interval, polling_unit); any other change replaces the
	// trigger.
	Updatable bool
	// WireString marks a boolean the create body takes as the string
	// "true" or "false" (SDK TriggerEventDataRequestBodyIsSerial), while
	// UpdateTrigger takes a boolean (UpdateriggerEventData.IsSerial).
	WireString bool
	Enum       []string
	Range      Range // integers; the zero Range means any
	// Length bounds strings and list items, in characters; the zero
	// Range means any, a Max of 0 no maximum.
	Length Range
	// MinItems is the fewest items of a list.
	MinItems int
	// Default is what fgsdeploy sends when the manifest leaves the field
	// out: a value the service documents as its default, or requires
	// and documents a usual value for. A defaulted field is compared like
	// a declared one.
	Default any
	// Check applies the field's own syntax (a schedule, a path, a name).
	Check  func(string) error
	Fields []TriggerField // KindObject
	Doc    string         // what the field is, for the manifest reference
}

// TriggerType is a trigger type fgsdeploy manages.
type TriggerType struct {
	Code   string // trigger_type_code
	Doc    string // what fires it
	Fields []TriggerField
	// Identity names the fields that pair a declared trigger with a live
	// one of the same type and qualifier: a change of one of them is
	// another trigger (the old one deleted, a new one created).
	Identity []string
	// Disable is true when the type can be DISABLED under every reading:
	// HW functiongraph_06_0122 lists timer, DDS, DMS, Kafka and LTS, OTC
	// creating_a_trigger.rst timer, DDS, LTS and Kafka; TF adds that SMN
	// has no status and OBS cannot change it. DisableLenient is true for
	// the type only HW lists (DMS).
	Disable, DisableLenient bool
	// DefaultDisabled: "By default, DDS and Kafka triggers are in the
	// DISABLED state" (HW, OTC).
	DefaultDisabled bool
	// ErrorCode is the service's code for invalid parameters of the type
	// (OTC error_codes.rst), FSS.0400 where none is specific.
	ErrorCode string
	// check applies the rules between fields.
	check func(data map[string]any) []FieldError
}

// FieldError is a problem with one field of event_data; Field is its
// path ("schedule", "func_info.timeout", "events[1]"), "" for the whole.
type FieldError struct {
	Field string
	Err   error
}

func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

// MaxTriggersPerVersion is the number of triggers a function version may
// have (HW and OTC Notes and Constraints: "Maximum number of triggers
// allowed for a function version: 10"; OTC error FSS.1306, "the number of
// triggers exceeds the maximum allowed limit"). fgsdeploy counts it per
// version and per alias, each a qualifier of its own.
const MaxTriggersPerVersion = 10

// TriggerStatuses are the values of trigger_status (SDK
// CreateFunctionTriggerRequestBodyTriggerStatus).
var TriggerStatuses = []string{"ACTIVE", "DISABLED"}

// TriggerTypeCodes are every trigger_type_code of the SDK's create body
// enum (CreateFunctionTriggerRequestBodyTriggerTypeCode), the ones
// fgsdeploy manages and the ones it does not.
var TriggerTypeCodes = []string{"TIMER", "APIG", "CTS", "DDS", "DMS", "DIS", "LTS", "OBS", "SMN", "KAFKA", "RABBITMQ",
	"DEDICATEDGATEWAY", "OPENSOURCEKAFKA", "APIC", "GAUSSMONGO", "EVENTGRID"}

// TriggerTypeOf returns the managed trigger type of code, or nil.
func TriggerTypeOf(code string) *TriggerType {
	for i := range TriggerTypes {
		if TriggerTypes[i].Code == code {
			return &TriggerTypes[i]
		}
	}
	return nil
}

// ManagedTriggerTypes lists the codes of TriggerTypes.
func ManagedTriggerTypes() []string {
	out := make([]string, len(TriggerTypes))
	for i, t := range TriggerTypes {
		out[i] = t.Code
	}
	return out
}

// Field returns the field of t called name, or nil.
func (t *TriggerType) Field(name string) *TriggerField {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

// FieldNames lists t's fields in order.
func (t *TriggerType) FieldNames() []string {
	out := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Name
	}
	return out
}

// SecretFields lists t's secret fields.
func (t *TriggerType) SecretFields() []string {
	var out []string
	for _, f := range t.Fields {
		if f.Secret {
			out = append(out, f.Name)
		}
	}
	return out
}

// CanDisable reports whether a trigger of type t may be DISABLED under
// the reading strict selects (see TriggerType.Disable).
func (t *TriggerType) CanDisable(strict bool) bool {
	return t.Disable || (!strict && t.DisableLenient)
}

// CheckEventData applies t's rules to a decoded event_data as the service
// does: every field known, of its kind and within its rules, the required
// ones present (the manifest fills its defaults first, see Defaults), and
// the rules between fields. Values are
// as encoding/json or a YAML decoder gives them (numbers as float64, int
// or json.Number, lists as []any or []string).
func (t *TriggerType) CheckEventData(data map[string]any) []FieldError {
	errs := checkFields(t.Fields, data, "")
	if len(errs) == 0 && t.check != nil {
		errs = t.check(data)
	}
	return errs
}

func checkFields(fields []TriggerField, data map[string]any, prefix string) []FieldError {
	var errs []FieldError
	names := make([]string, 0, len(data))
	for k := range data {
		names = append(names, k)
	}
	sort.Strings(names)
	known := map[string]*TriggerField{}
	for i := range fields {
		known[fields[i].Name] = &fields[i]
	}
	for _, k := range names {
		f := known[k]
		if f == nil {
			errs = append(errs, FieldError{prefix + k, errors.New("unknown field")})
			continue
		}
		if f.Kind == KindObject {
			m, ok := data[k].(map[string]any)
			if !ok {
				errs = append(errs, FieldError{prefix + k, fmt.Errorf("must be %s", f.Kind)})
				continue
			}
			errs = append(errs, checkFields(f.Fields, m, prefix+k+".")...)
			continue
		}
		if err := f.CheckValue(data[k]); err != nil {
			errs = append(errs, FieldError{prefix + k, err})
		}
	}
	for _, f := range fields {
		if _, ok := data[f.Name]; !ok && f.Required {
			errs = append(errs, FieldError{prefix + f.Name, errors.New("is required")})
		}
	}
	return errs
}

// CheckValue applies the field's rules to one value (not to an object).
func (f *TriggerField) CheckValue(v any) error {
	switch f.Kind {
	case KindString:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("must be %s", f.Kind)
		}
		return f.checkString(s)
	case KindInt:
		n, ok := AsInt(v)
		if !ok {
			return fmt.Errorf("must be %s", f.Kind)
		}
		if f.Range != (Range{}) && !f.Range.Contains(n) {
			return fmt.Errorf("%d is out of range (%s)", n, f.Range)
		}
	case KindBool:
		if _, ok := AsBool(v, f.WireString); !ok {
			return fmt.Errorf("must be %s", f.Kind)
		}
	case KindStrings:
		items, ok := AsStrings(v)
		if !ok {
			return fmt.Errorf("must be %s", f.Kind)
		}
		if len(items) < f.MinItems {
			return fmt.Errorf("needs at least %d item%s", f.MinItems, pluralS(f.MinItems))
		}
		seen := map[string]bool{}
		for i, s := range items {
			if err := f.checkString(s); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			if seen[s] {
				return fmt.Errorf("%q is listed twice", s)
			}
			seen[s] = true
		}
	case KindObject, NoKind:
		return fmt.Errorf("must be %s", f.Kind)
	}
	return nil
}

func (f *TriggerField) checkString(s string) error {
	n := utf8.RuneCountInString(s)
	switch l := f.Length; {
	case l == Range{}:
	case n == 0 && l.Min > 0:
		return errors.New("is empty")
	case n < l.Min || l.Max > 0 && n > l.Max:
		return fmt.Errorf("is %d characters long; %s allowed", n, l)
	}
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
		return fmt.Errorf("%q is not one of %s", truncateRunes(s, 60), strings.Join(f.Enum, ", "))
	}
	if f.Check != nil {
		return f.Check(s)
	}
	return nil
}

// AsInt reads a whole number as encoding/json or a YAML decoder gives it.
func AsInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case float64:
		if x != math.Trunc(x) || x < math.MinInt32 || x > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 32)
		return int(n), err == nil
	}
	return 0, false
}

// AsBool reads a boolean; with wireString, the strings "true" and "false"
// too (is_serial as the create body sends it).
func AsBool(v any, wireString bool) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		if wireString && (x == "true" || x == "false") {
			return x == "true", true
		}
	}
	return false, false
}

// AsStrings reads a list of strings.
func AsStrings(v any) ([]string, bool) {
	switch x := v.(type) {
	case []string:
		return x, true
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// TriggerTypes are the trigger types fgsdeploy manages, with their
// fields. The others of TriggerTypeCodes (OPENSOURCEKAFKA, APIC,
// GAUSSMONGO, EVENTGRID, and IOTDA and ROCKETMQ, which only some
// references list) have no documented field list of their own.
var TriggerTypes = []TriggerType{
	{
		Code: "TIMER", Doc: "a schedule (rate or cron)",
		Fields: []TriggerField{
			{Name: "name", Kind: KindString, Required: true, Check: CheckTimerName, Doc: "the timer's name: 1 to 64 letters, digits, _ or -, a letter first (TF fgs_trigger.md)"},
			{Name: "schedule_type", Kind: KindString, Required: true, Enum: []string{"Rate", "Cron"}, Doc: "Rate or Cron"},
			{Name: "schedule", Kind: KindString, Required: true, Doc: "Rate: 1m to 60m, 1h to 24h, 1d to 30d; Cron: a cron expression (seconds minutes hours day-of-month month [day-of-week], optionally after CRON_TZ=Zone) or @every DURATION"},
			{Name: "user_event", Kind: KindString, Doc: "passed to the function as the event's user_event"},
		},
		Identity: []string{"name"}, Disable: true, ErrorCode: "FSS.1109",
		check: func(d map[string]any) []FieldError {
			typ, _ := d["schedule_type"].(string)
			s, _ := d["schedule"].(string)
			if err := CheckSchedule(typ, s); err != nil {
				return []FieldError{{"schedule", err}}
			}
			return nil
		},
	},
	apigType("APIG", "an API of API Gateway (shared)", false, "FSS.1107"),
	apigType("DEDICATEDGATEWAY", "an API of an API Gateway dedicated instance", true, "FSS.1417"),
	{
		Code: "OBS", Doc: "object events of an OBS bucket",
		Fields: []TriggerField{
			{Name: "bucket", Kind: KindString, Required: true, Check: CheckBucketName, Doc: "the bucket (OBS bucket naming: 3 to 63 lowercase letters, digits, - and .)"},
			{Name: "events", Kind: KindStrings, Required: true, MinItems: 1, Check: checkOBSEvent, Doc: "ObjectCreated, Put, Post, Copy, CompleteMultipartUpload, ObjectRemoved, Delete, DeleteMarkerCreated (or the s3:ObjectCreated:* forms)"},
			{Name: "prefix", Kind: KindString, Length: Range{0, 1024}, Doc: "only objects whose key starts with it"},
			{Name: "suffix", Kind: KindString, Length: Range{0, 1024}, Doc: "only objects whose key ends with it"},
			{Name: "name", Kind: KindString, Length: Range{1, 256}, Doc: "the event notification's name (default: the trigger id)"},
		},
		Identity: []string{"bucket", "events", "prefix", "suffix"}, ErrorCode: "FSS.1106",
		check: func(d map[string]any) []FieldError {
			evs, _ := AsStrings(d["events"])
			if err := CheckOBSEvents(evs); err != nil {
				return []FieldError{{"events", err}}
			}
			return nil
		},
	},
	{
		Code: "SMN", Doc: "messages of an SMN topic",
		Fields: []TriggerField{
			{Name: "topic_urn", Kind: KindString, Required: true, Length: Range{1, 255}, Check: prefixed("urn:smn:"), Doc: "the topic's URN (urn:smn:...)"},
		},
		Identity: []string{"topic_urn"}, ErrorCode: "FSS.1102",
	},
	{
		Code: "DMS", Doc: "messages of a DMS queue",
		Fields: []TriggerField{
			{Name: "queue_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the queue"},
			{Name: "consumer_group_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the consumer group"},
			{Name: "polling_interval", Kind: KindInt, Required: true, Updatable: true, Range: PollingInterval, Doc: "the pull period"},
		},
		Identity: []string{"queue_id", "consumer_group_id"}, DisableLenient: true, ErrorCode: "FSS.0400",
	},
	{
		Code: "KAFKA", Doc: "messages of DMS for Kafka topics",
		Fields: []TriggerField{
			{Name: "instance_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the Kafka instance"},
			{Name: "topic_ids", Kind: KindStrings, Required: true, MinItems: 1, Length: Range{1, 0}, Doc: "the topics"},
			{Name: "batch_size", Kind: KindInt, Required: true, Range: Range{1, 1000}, Default: 100, Doc: "messages per invocation, 1 to 1000 (default 100, as TF)"},
			{Name: "kafka_user", Kind: KindString, Doc: "the SASL user"},
			{Name: "kafka_password", Kind: KindString, Secret: true, Doc: "the SASL password (a secret)"},
			{Name: "kafka_connect_address", Kind: KindString, Doc: "the instance's connection address"},
			{Name: "kafka_ssl_enable", Kind: KindBool, Doc: "SASL_SSL; needs kafka_user and kafka_password (FSS.1113)"},
		},
		Identity: []string{"instance_id", "topic_ids"}, Disable: true, DefaultDisabled: true, ErrorCode: "FSS.1112",
		check: func(d map[string]any) []FieldError {
			_, user := d["kafka_user"]
			_, pw := d["kafka_password"]
			ssl, _ := AsBool(d["kafka_ssl_enable"], false)
			switch {
			case ssl && (!user || !pw):
				return []FieldError{{"kafka_ssl_enable", errors.New("needs kafka_user and kafka_password (FSS.1113)")}}
			case user != pw:
				return []FieldError{{"", errors.New("kafka_user and kafka_password go together")}}
			}
			return nil
		},
	},
	{
		Code: "LTS", Doc: "logs of an LTS log stream",
		Fields: []TriggerField{
			{Name: "log_group_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the log group"},
			{Name: "log_topic_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the log stream"},
		},
		Identity: []string{"log_group_id", "log_topic_id"}, Disable: true, ErrorCode: "FSS.0400",
	},
	{
		Code: "CTS", Doc: "operations recorded by Cloud Trace Service",
		Fields: []TriggerField{
			{Name: "name", Kind: KindString, Required: true, Check: CheckTimerName, Doc: "the notification's name (as a timer's name)"},
			{Name: "operations", Kind: KindStrings, Required: true, MinItems: 1, Length: Range{1, 0}, Doc: "the operations, service:resource:operation"},
		},
		Identity: []string{"name"}, ErrorCode: "FSS.0400",
	},
	{
		Code: "DIS", Doc: "records of a DIS stream",
		Fields: []TriggerField{
			{Name: "stream_name", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the stream"},
			{Name: "sharditerator_type", Kind: KindString, Required: true, Enum: []string{"TRIM_HORIZON", "LATEST"}, Doc: "where reading starts: TRIM_HORIZON (the oldest record) or LATEST"},
			{Name: "batch_size", Kind: KindInt, Required: true, Range: Range{1, 10000}, Doc: "records per invocation, 1 to 10000"},
			{Name: "polling_interval", Kind: KindInt, Required: true, Updatable: true, Range: PollingInterval, Doc: "the pull period, in polling_unit"},
			{Name: "polling_unit", Kind: KindString, Required: true, Updatable: true, Enum: []string{"s", "ms"}, Doc: "s or ms"},
			{Name: "max_fetch_bytes", Kind: KindInt, Updatable: true, Range: Range{1024, 4194304}, Doc: "the most bytes one pull fetches, 1024 to 4194304 (TF)"},
			{Name: "is_serial", Kind: KindBool, Required: true, Updatable: true, WireString: true, Doc: "pull only once the last batch is processed"},
		},
		Identity: []string{"stream_name"}, ErrorCode: "FSS.0400",
	},
	{
		Code: "RABBITMQ", Doc: "messages of a DMS for RabbitMQ exchange",
		Fields: []TriggerField{
			{Name: "instance_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the RabbitMQ instance"},
			{Name: "exchange_name", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the exchange"},
			{Name: "vhost", Kind: KindString, Doc: "the virtual host"},
			{Name: "access_user", Kind: KindString, Doc: "the user"},
			{Name: "access_password", Kind: KindString, Required: true, Secret: true, Doc: "the password (a secret)"},
			{Name: "connect_address", Kind: KindString, Doc: "the instance's connection address"},
			{Name: "ssl_enable", Kind: KindBool, Doc: "SSL to the instance"},
			{Name: "batch_size", Kind: KindInt, Required: true, Range: Range{1, 1000}, Doc: "messages per invocation, 1 to 1000"},
		},
		Identity: []string{"instance_id", "exchange_name", "vhost"}, ErrorCode: "FSS.0400",
	},
	{
		Code: "DDS", Doc: "changes of a DDS (document database) collection",
		Fields: []TriggerField{
			{Name: "instance_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the DDS instance"},
			{Name: "db_name", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the database"},
			{Name: "collection_name", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the collection"},
			{Name: "db_password", Kind: KindString, Required: true, Secret: true, Doc: "the database password (a secret)"},
			{Name: "batch_size", Kind: KindInt, Required: true, Range: Range{1, 10000}, Doc: "changes per invocation, 1 to 10000"},
		},
		Identity: []string{"instance_id", "db_name", "collection_name"}, Disable: true, DefaultDisabled: true, ErrorCode: "FSS.0400",
	},
}

// PollingInterval is the pull period of DIS and DMS triggers: TF
// fgs_trigger.md dis.pull_period, "2 to 60,000" (the API references give
// no range; DMS takes DIS's).
var PollingInterval = Range{2, 60000}

// APIGTimeout is func_info.timeout, the milliseconds API Gateway waits for
// the function: OTC ApigTriggerFuncInfo, 1 to 60000, mandatory; 5000 is
// the console's and TF's default, which fgsdeploy sends when the manifest
// leaves it out.
var APIGTimeout = Range{1, 60000}

func apigType(code, doc string, dedicated bool, errorCode string) TriggerType {
	instance := TriggerField{Name: "instance_id", Kind: KindString, Length: Range{1, 0}, Doc: "the API Gateway instance"}
	if dedicated {
		instance.Required, instance.Doc = true, "the dedicated instance (required)"
	}
	return TriggerType{
		Code: code, Doc: doc,
		Fields: []TriggerField{
			{Name: "name", Kind: KindString, Required: true, Check: CheckAPIName, Doc: "the API's name: 3 to 255 letters, digits and -_./():, a letter or digit first (TF apig_api.md)"},
			{Name: "group_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the API group"},
			{Name: "group_name", Kind: KindString, Doc: "the API group's name"},
			{Name: "env_id", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "the environment the API is published in (e.g. DEFAULT_ENVIRONMENT_RELEASE_ID)"},
			{Name: "env_name", Kind: KindString, Required: true, Length: Range{1, 0}, Doc: "that environment's name (e.g. RELEASE)"},
			{Name: "path", Kind: KindString, Required: true, Check: CheckAPIPath, Doc: "the request path: /, at most 512 characters, {param} and a last {param+} allowed"},
			{Name: "req_method", Kind: KindString, Required: true, Enum: []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY"}, Doc: "GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS or ANY"},
			{Name: "protocol", Kind: KindString, Required: true, Enum: []string{"HTTP", "HTTPS"}, Default: "HTTPS", Doc: "HTTP or HTTPS (default HTTPS, as TF)"},
			{Name: "auth", Kind: KindString, Required: true, Enum: []string{"IAM", "APP", "NONE"}, Default: "IAM", Doc: "IAM, APP or NONE (default IAM, as TF)"},
			{Name: "match_mode", Kind: KindString, Required: true, Enum: []string{"SWA", "NORMAL"}, Doc: "SWA (prefix) or NORMAL (exact)"},
			{Name: "type", Kind: KindInt, Required: true, Range: Range{1, 2}, Doc: "1 public, 2 private"},
			{Name: "func_info", Kind: KindObject, Required: true, Default: map[string]any{}, Doc: "the backend", Fields: []TriggerField{
				{Name: "timeout", Kind: KindInt, Required: true, Range: APIGTimeout, Default: 5000, Doc: "milliseconds API Gateway waits, 1 to 60000 (default 5000)"},
				{Name: "invocation_type", Kind: KindString, Enum: []string{"sync", "async"}, Doc: "sync or async"},
			}},
			{Name: "sl_domain", Kind: KindString, Length: Range{1, 255}, Doc: "the group's subdomain"},
			{Name: "backend_type", Kind: KindString, Enum: []string{"FUNCTION"}, Doc: "FUNCTION"},
			instance,
		},
		Identity: []string{"group_id", "env_id", "path", "req_method"}, ErrorCode: errorCode,
	}
}

// Defaults returns data with the defaults of t's fields filled in where
// data leaves them out (a copy; data is not changed).
func (t *TriggerType) Defaults(data map[string]any) map[string]any {
	return fillDefaults(t.Fields, data)
}

func fillDefaults(fields []TriggerField, data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	for _, f := range fields {
		v, ok := out[f.Name]
		if !ok && f.Default == nil {
			continue
		}
		if f.Kind == KindObject {
			m, _ := v.(map[string]any)
			if !ok {
				m, _ = f.Default.(map[string]any)
			}
			out[f.Name] = fillDefaults(f.Fields, m)
			continue
		}
		if !ok {
			out[f.Name] = f.Default
		}
	}
	return out
}

// CheckTimerName applies the rule of a timer trigger's name: 1 to 64
// letters, digits, _ and -, a letter first (TF fgs_trigger.md timer.name;
// the AOS FGS.TimerEventMap element: "begin with english letters ... not
// exceed 64 characters").
func CheckTimerName(s string) error {
	if err := checkLength(s, Range{1, 64}); err != nil {
		return err
	}
	if !isLetter(s[0]) {
		return errors.New("it must start with a letter")
	}
	return checkChars(s, "_-")
}

// CheckAPIName applies the rule of an API's name (TF apig_api.md: 3 to
// 255 characters, letters, digits and -_./()（）:：、, a digit or letter
// first).
func CheckAPIName(s string) error {
	if err := checkLength(s, Range{3, 255}); err != nil {
		return err
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case i > 0 && strings.ContainsRune("-_./():（）：、", r):
		case i == 0:
			return errors.New("it must start with a letter or digit")
		default:
			return fmt.Errorf("%q is not allowed (letters, digits, -, _, ., /, (, ), :)", r)
		}
	}
	return nil
}

// CheckAPIPath applies the rule of an API's request path (TF apig_api.md
// request_path: at most 512 characters, parameters in braces, URI
// characters; the greedy {param+} only as the last segment, as API
// Gateway matches it).
func CheckAPIPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return errors.New("must start with /")
	case len(p) > 512:
		return fmt.Errorf("is %d characters long; at most 512", len(p))
	case p == "/":
		return nil
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if seg == "" {
			if i == len(segs)-1 {
				return nil // a trailing slash
			}
			return errors.New("has an empty segment (//)")
		}
		if strings.HasPrefix(seg, "{") || strings.HasSuffix(seg, "}") {
			name, ok := strings.CutPrefix(seg, "{")
			name, ok2 := strings.CutSuffix(name, "}")
			if !ok || !ok2 {
				return fmt.Errorf("segment %q: a parameter is a whole segment in braces, {name}", seg)
			}
			greedy := strings.HasSuffix(name, "+")
			name = strings.TrimSuffix(name, "+")
			if greedy && i != len(segs)-1 {
				return fmt.Errorf("segment %q: a {name+} parameter must be the last segment", seg)
			}
			if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != "" {
				return fmt.Errorf("segment %q: a parameter name is letters, digits, _, - and periods", seg)
			}
			continue
		}
		for _, r := range seg {
			if r >= utf8.RuneSelf || !(isAlnum(byte(r)) || strings.ContainsRune("-_.~*%+@!$&'()=:,;", r)) {
				return fmt.Errorf("%q is not allowed in a path", r)
			}
		}
	}
	return nil
}

// CheckBucketName applies OBS's bucket naming rules (OBS user guide,
// "Creating a Bucket": 3 to 63 characters, lowercase letters, digits,
// hyphens and periods, starting and ending with a letter or digit, no two
// periods together, no period next to a hyphen, not an IP address). OTC
// creating_a_trigger.rst says 1 to 64 for the trigger's field; OBS's own
// rule is the harsher.
func CheckBucketName(b string) error {
	if n := len(b); n < 3 || n > 63 {
		return fmt.Errorf("is %d characters long; a bucket name is 3 to 63", n)
	}
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("%q is not allowed (lowercase letters, digits, - and .)", r)
		}
	}
	if !isAlnum(b[0]) || !isAlnum(b[len(b)-1]) {
		return errors.New("must start and end with a letter or digit")
	}
	if strings.Contains(b, "..") || strings.Contains(b, ".-") || strings.Contains(b, "-.") {
		return errors.New("must not have two periods together, nor a period next to a hyphen")
	}
	if _, err := netip.ParseAddr(b); err == nil {
		return errors.New("must not be an IP address")
	}
	return nil
}

func prefixed(p string) func(string) error {
	return func(s string) error {
		if !strings.HasPrefix(s, p) {
			return fmt.Errorf("must start with %s", p)
		}
		return nil
	}
}

// OBS event names: the SDK's and TF's short names, and the
// s3:Group:Name forms OTC's example uses ("s3:ObjectCreated:*").
var (
	obsCreated = []string{"Put", "Post", "Copy", "CompleteMultipartUpload"}
	obsRemoved = []string{"Delete", "DeleteMarkerCreated"}
)

// NormalizeOBSEvent returns the short name of an OBS event name
// (s3:ObjectCreated:* and ObjectCreated:* are ObjectCreated,
// s3:ObjectCreated:Put is Put), or "" when it is none.
func NormalizeOBSEvent(e string) string {
	s := strings.TrimPrefix(e, "s3:")
	if group, name, ok := strings.Cut(s, ":"); ok {
		switch {
		case name == "*" && (group == "ObjectCreated" || group == "ObjectRemoved"):
			return group
		case group == "ObjectCreated" && slices.Contains(obsCreated, name),
			group == "ObjectRemoved" && slices.Contains(obsRemoved, name):
			return name
		}
		return ""
	}
	if s != e {
		return "" // s3: without a group
	}
	if s == "ObjectCreated" || s == "ObjectRemoved" || slices.Contains(obsCreated, s) || slices.Contains(obsRemoved, s) {
		return s
	}
	return ""
}

func checkOBSEvent(e string) error {
	if NormalizeOBSEvent(e) == "" {
		return fmt.Errorf("%q is not an OBS event (ObjectCreated, Put, Post, Copy, CompleteMultipartUpload, ObjectRemoved, Delete, DeleteMarkerCreated, or s3:ObjectCreated:*, ...)", truncateRunes(e, 60))
	}
	return nil
}

// CheckOBSEvents applies the rule between OBS events (TF fgs_trigger.md):
// with ObjectCreated, none of Put, Post, Copy and CompleteMultipartUpload;
// with ObjectRemoved, neither Delete nor DeleteMarkerCreated.
func CheckOBSEvents(evs []string) error {
	have := map[string]bool{}
	for _, e := range evs {
		n := NormalizeOBSEvent(e)
		if have[n] {
			return fmt.Errorf("%s is listed twice", n)
		}
		have[n] = true
	}
	for group, members := range map[string][]string{"ObjectCreated": obsCreated, "ObjectRemoved": obsRemoved} {
		if !have[group] {
			continue
		}
		for _, m := range members {
			if have[m] {
				return fmt.Errorf("%s already includes %s", group, m)
			}
		}
	}
	return nil
}

// OBSEventSet expands OBS events into the single events they cover
// (ObjectCreated is Put, Post, Copy and CompleteMultipartUpload).
func OBSEventSet(evs []string) map[string]bool {
	out := map[string]bool{}
	for _, e := range evs {
		switch n := NormalizeOBSEvent(e); n {
		case "ObjectCreated":
			for _, m := range obsCreated {
				out[m] = true
			}
		case "ObjectRemoved":
			for _, m := range obsRemoved {
				out[m] = true
			}
		case "":
		default:
			out[n] = true
		}
	}
	return out
}

// OBSNotificationsOverlap reports whether two OBS triggers of one bucket
// would both match an object: their events share one and their prefixes
// and suffixes both overlap (one starts, or ends, with the other). OBS
// refuses such a second configuration, as S3 does (OTC FSS.1108, "the
// bucket configuration of the current trigger conflicts with that of an
// existing OBS trigger").
func OBSNotificationsOverlap(eventsA []string, prefixA, suffixA string, eventsB []string, prefixB, suffixB string) bool {
	a, b := OBSEventSet(eventsA), OBSEventSet(eventsB)
	shared := false
	for e := range a {
		if b[e] {
			shared = true
		}
	}
	if !shared {
		return false
	}
	prefixes := strings.HasPrefix(prefixA, prefixB) || strings.HasPrefix(prefixB, prefixA)
	suffixes := strings.HasSuffix(suffixA, suffixB) || strings.HasSuffix(suffixB, suffixA)
	return prefixes && suffixes
}

// CheckSchedule applies the rule of a timer's schedule for its type:
//
//   - Rate: N followed by m, h or d; 1 to 60 minutes, 1 to 24 hours or 1
//     to 30 days (SDK schedule_type; OTC using_a_timer_trigger.rst).
//   - Cron (OTC cron_expressions_for_a_function_timer_trigger.rst, HW
//     functiongraph_01_0908): "@every DURATION" with a positive duration
//     in ns, µs (us), ms, s, m and h ("@every 1h30m"); or the fields
//     seconds, minutes, hours, day-of-month, month and an optional
//     day-of-week, each *, a value, a range a-b, a list with "," or a step
//     with "/", "?" only in day-of-month and day-of-week, months 1-12 or
//     JAN-DEC and days of the week 0-6 or SUN-SAT, in any case; an
//     optional "CRON_TZ=Zone " in front.
func CheckSchedule(typ, s string) error {
	switch typ {
	case "Rate":
		return checkRate(s)
	case "Cron":
		return CheckCron(s)
	}
	return fmt.Errorf("schedule_type %q is not Rate or Cron", typ)
}

func checkRate(s string) error {
	if len(s) < 2 {
		return fmt.Errorf("%q is not a rate: want a number and m, h or d (e.g. 5m, 2h, 1d)", s)
	}
	unit, num := s[len(s)-1], s[:len(s)-1]
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || num[0] == '0' || strings.ContainsAny(num, "+-") {
		return fmt.Errorf("%q is not a rate: want a number and m, h or d (e.g. 5m, 2h, 1d)", truncateRunes(s, 40))
	}
	limit := map[byte]int{'m': 60, 'h': 24, 'd': 30}[unit]
	if limit == 0 {
		return fmt.Errorf("%q is not a rate: the unit is m, h or d", truncateRunes(s, 40))
	}
	if n > limit {
		return fmt.Errorf("%q is too long a rate: at most %d%c", s, limit, unit)
	}
	return nil
}

// CheckCron applies the cron syntax of timer triggers (see CheckSchedule).
func CheckCron(s string) error {
	expr := s
	if rest, ok := strings.CutPrefix(expr, "CRON_TZ="); ok {
		zone, fields, found := strings.Cut(rest, " ")
		if !found || zone == "" || !isLetter(zone[0]) || strings.Trim(zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-/") != "" {
			return errors.New("CRON_TZ= needs a time zone name and then the expression (CRON_TZ=Europe/Berlin 0 0 12 * * *)")
		}
		expr = fields
	}
	if d, ok := strings.CutPrefix(expr, "@every "); ok {
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || dur <= 0 {
			return fmt.Errorf("%q is not a positive duration (e.g. @every 30m, @every 1h30m)", truncateRunes(d, 40))
		}
		return nil
	}
	if strings.HasPrefix(expr, "@") {
		return fmt.Errorf("%q: of the @ forms only @every DURATION is documented", truncateRunes(expr, 40))
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 && len(fields) != 6 {
		return fmt.Errorf("%q has %d fields; want seconds minutes hours day-of-month month [day-of-week]", truncateRunes(s, 60), len(fields))
	}
	for i, f := range fields {
		if err := cronFields[i].check(f); err != nil {
			return fmt.Errorf("%s %q: %w", cronFields[i].name, truncateRunes(f, 40), err)
		}
	}
	return nil
}

type cronField struct {
	name     string
	min, max int
	names    []string // names[0] is min
	question bool
}

var cronFields = []cronField{
	{name: "seconds", min: 0, max: 59},
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, question: true},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 0, max: 6, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, question: true},
}

func (c cronField) check(f string) error {
	if f == "?" {
		if !c.question {
			return errors.New("? is only for day-of-month and day-of-week")
		}
		return nil
	}
	for _, item := range strings.Split(f, ",") {
		if err := c.item(item); err != nil {
			return err
		}
	}
	return nil
}

func (c cronField) item(item string) error {
	base, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > c.max+1 {
			return fmt.Errorf("the step %q is not a number from 1 to %d", step, c.max+1)
		}
	}
	if base == "*" {
		return nil
	}
	lo, hi, isRange := strings.Cut(base, "-")
	a, err := c.value(lo)
	if err != nil {
		return err
	}
	if !isRange {
		return nil
	}
	b, err := c.value(hi)
	if err != nil {
		return err
	}
	if a > b {
		return fmt.Errorf("the range %s starts after it ends", base)
	}
	return nil
}

func (c cronField) value(s string) (int, error) {
	if i := slices.Index(c.names, strings.ToUpper(s)); i >= 0 && len(s) == 3 {
		return c.min + i, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || strings.ContainsAny(s, "+-") {
		return 0, fmt.Errorf("%q is not a value (%d to %d%s)", truncateRunes(s, 20), c.min, c.max, c.namesHint())
	}
	if n < c.min || n > c.max {
		return 0, fmt.Errorf("%d is out of range (%d to %d)", n, c.min, c.max)
	}
	return n, nil
}

func (c cronField) namesHint() string {
	if len(c.names) == 0 {
		return ""
	}
	return " or " + c.names[0] + "-" + c.names[len(c.names)-1]
}
