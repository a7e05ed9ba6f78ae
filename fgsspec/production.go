package fgsspec

import (
	"errors"
	"fmt"
)

// The rules of production settings: reserved instances (the SDK's
// UpdateFunctionReservedInstancesCountRequestBody, TacticsConfig,
// CronConfig, MetricConfig), asynchronous invocation (the SDK's
// UpdateFunctionAsyncInvokeConfigRequestBody, FuncAsyncDestinationConfig,
// FuncDestinationConfig) and the function framework version (the SDK's
// CreateFunctionRequestBody.type).
//
// Sources beyond the package's: [TF] docs/resources/fgs_function.md
// (reserved_instances, functiongraph_version) and
// fgs_async_invoke_configuration.md at commit a0345b8; [HW]
// functiongraph_01_1837 (Reserved Instances: notes and constraints),
// functiongraph_06_0112_1 (changing the number of reserved instances),
// UpdateFunctionAsyncInvokeConfig and functiongraph_06_0140 (setting and
// querying the asynchronous invocation configuration),
// functiongraph_01_0390_03 (Configuring Asynchronous Execution
// Notification).

// FunctionGraphVersions are the framework versions a function is created
// with (SDK CreateFunctionRequestBodyType: v1, v2; "部分局点只支持v1函数，
// 缺省值则为v1": some regions take only v1, and the default is v1). TF
// names the setting functiongraph_version and defaults it to v2; it cannot
// change after the create.
var FunctionGraphVersions = []string{"v1", "v2"}

var (
	// ReservedCount is a reservation's count, and a scheduled policy's
	// (TF reserved_instances.count and cron_configs.count: "0 to 1,000";
	// 0 keeps no instance: TF removes a reservation by setting 0).
	ReservedCount = Range{0, 1000}
	// MetricThreshold is a metric policy's threshold, in percent of the
	// reserved instances in use (TF metric_configs.threshold: 1 to 99).
	MetricThreshold = Range{1, 99}
	// MetricMin is a metric policy's minimum of instances (TF
	// metric_configs.min: 0 to 1,000).
	MetricMin = Range{0, 1000}
)

// MetricTypes are the metric policies' types (SDK MetricConfigType:
// Concurrency, "当前只支持预留实例使用率一种类型").
var MetricTypes = []string{"Concurrency"}

// CheckPolicyName applies the rule of a scheduled or metric policy's name
// (TF cron_configs.name and metric_configs.name: 1 to 60 letters, digits,
// - and _, a letter first, a letter or digit last).
func CheckPolicyName(s string) error {
	if err := checkLength(s, Range{1, 60}); err != nil {
		return err
	}
	if !isLetter(s[0]) {
		return errors.New("it must start with a letter")
	}
	if !isAlnum(s[len(s)-1]) {
		return errors.New("it must end with a letter or digit")
	}
	return checkChars(s, "_-")
}

// CheckPolicyCron applies the cron syntax of a scheduled policy: TF's
// cron_configs.cron refers to the cron page of timer triggers
// (functiongraph_01_0908), so it is CheckCron.
func CheckPolicyCron(s string) error { return CheckCron(s) }

// The asynchronous invocation's ranges are an open rule (docs/api-notes.md):
// the SDK's request body, HW's UpdateFunctionAsyncInvokeConfig request
// table and TF say 1 to 86,400 seconds and 0 to 3 retries (default 3600 and
// 1); the SDK's response models (update, show, list) and HW's response
// tables say 60 to 86,400 and 0 to 8 (default 3). What both accept is the
// manifest's range; the emulator's lenient mode takes the union, its
// strict mode the intersection.
var (
	AsyncEventAge        = Range{60, 86400} // what every source accepts
	AsyncEventAgeLenient = Range{1, 86400}  // the union
	AsyncRetries         = Range{0, 3}
	AsyncRetriesLenient  = Range{0, 8}
)

// AsyncDestinations are the targets of asynchronous invocation results
// (SDK FuncDestinationConfigDestination: OBS, SMN, DIS, FunctionGraph) and
// the fields of each one's param, a JSON object sent as a string ("通知目标
// 服务对应参数,json字符串": OBS bucket, prefix and expires 0-365 days, 0 for
// none; SMN topic_urn; DIS stream_name; FunctionGraph func_urn; TF lists the
// same).
var AsyncDestinations = []AsyncDestination{
	{Name: "OBS", Fields: []TriggerField{
		{Name: "bucket", Kind: KindString, Required: true, Check: CheckBucketName},
		{Name: "prefix", Kind: KindString, Length: Range{0, 1024}},
		{Name: "expires", Kind: KindInt, Range: Range{0, 365}},
	}},
	{Name: "SMN", Fields: []TriggerField{{Name: "topic_urn", Kind: KindString, Required: true, Check: prefixed("urn:smn:")}}},
	{Name: "DIS", Fields: []TriggerField{{Name: "stream_name", Kind: KindString, Required: true, Length: Range{1, 64}}}},
	{Name: "FunctionGraph", Fields: []TriggerField{{Name: "func_urn", Kind: KindString, Required: true, Check: prefixed("urn:fss:")}}},
}

// AsyncDestination is one target type of asynchronous results.
type AsyncDestination struct {
	Name   string
	Fields []TriggerField
}

// AsyncDestinationOf returns the destination named name, or nil.
func AsyncDestinationOf(name string) *AsyncDestination {
	for i := range AsyncDestinations {
		if AsyncDestinations[i].Name == name {
			return &AsyncDestinations[i]
		}
	}
	return nil
}

// AsyncDestinationNames lists the destinations, for messages.
func AsyncDestinationNames() []string {
	out := make([]string, len(AsyncDestinations))
	for i, d := range AsyncDestinations {
		out[i] = d.Name
	}
	return out
}

// CheckParam applies the destination's fields to a param object: every
// key known, the required ones there, each value within its rules.
func (d *AsyncDestination) CheckParam(param map[string]any) []FieldError {
	return checkFields(d.Fields, param, "")
}

// CheckReservedTiming applies the rules between a scheduled policy's
// values: it ends after it starts, and it keeps at least the
// reservation's own count ("The number of reserved instances must be
// greater than or equal to the number of reserved instances in the basic
// configuration", TF).
func CheckReservedTiming(base, count int, start, expired int64) error {
	if expired <= start {
		return fmt.Errorf("expired_time %d is not after start_time %d", expired, start)
	}
	if count < base {
		return fmt.Errorf("count %d is below the reservation's count %d", count, base)
	}
	return nil
}
