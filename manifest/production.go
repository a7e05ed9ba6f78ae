package manifest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Production settings of a function: the framework version it is created
// with, reserved instances per qualifier, and asynchronous invocation.
// None of them is part of a version: changing them publishes nothing.

// Reservation is the reserved instances declared on one qualifier
// (reserved_instances.QUALIFIER): exactly these, idle_mode false and no
// policies unless declared.
type Reservation struct {
	Count         int
	IdleMode      bool
	CronConfigs   []CronPolicy   // tactics_config.cron_configs
	MetricConfigs []MetricPolicy // tactics_config.metric_configs
	// Line and Col are where the qualifier's key is written.
	Line, Col int
}

// CronPolicy is a scheduled policy of a reservation: from StartTime to
// ExpiredTime (Unix seconds), Count instances at the times Cron names.
type CronPolicy struct {
	Name, Cron             string
	Count                  int
	StartTime, ExpiredTime int64
}

// MetricPolicy is a metric policy of a reservation.
type MetricPolicy struct {
	Name, Type     string
	Threshold, Min int
}

// AsyncInvoke is a function's asynchronous invocation config
// (async_invoke). Delete is set for async_invoke: null, which removes the
// config; otherwise nil fields are not managed (they keep their live
// values) and a nil Destinations leaves destination_config unmanaged.
type AsyncInvoke struct {
	Delete          bool
	MaxEventAge     *int // max_async_event_age_in_seconds
	MaxRetries      *int // max_async_retry_attempts
	Destinations    *AsyncDestinations
	EnableStatusLog *bool // enable_async_status_log
}

// AsyncDestinations is destination_config: where results go. A nil
// target is none.
type AsyncDestinations struct {
	OnSuccess, OnFailure *AsyncTarget
}

// AsyncTarget is one destination: its type (fgsspec.AsyncDestinations)
// and its param, a map the API takes as a JSON string.
type AsyncTarget struct {
	Destination string
	Param       map[string]any
}

var (
	reservationShape = shape{"count": nil, "idle_mode": nil, "tactics_config": {"cron_configs": nil, "metric_configs": nil}}
	cronPolicyShape  = shape{"name": nil, "cron": nil, "count": nil, "start_time": nil, "expired_time": nil}
	metricShape      = shape{"name": nil, "type": nil, "threshold": nil, "min": nil}
	targetShape      = shape{"destination": nil, "param": {"*": nil}}
	asyncShape       = shape{"max_async_event_age_in_seconds": nil, "max_async_retry_attempts": nil,
		"destination_config": {"on_success": targetShape, "on_failure": targetShape}, "enable_async_status_log": nil}
)

// The production settings' keys, in the shape of a function (load.go).
func init() {
	functionSchema["functiongraph_version"] = nil
	functionSchema["reserved_instances"] = shape{"*": reservationShape}
	functionSchema["async_invoke"] = asyncShape
}

// productionKey decodes functiongraph_version, reserved_instances and
// async_invoke. It reports whether name is one of them.
func (d *decoder) productionKey(f *Function, name string, v *yaml.Node, p string) bool {
	switch name {
	case "functiongraph_version":
		s := d.str(v, p)
		f.FunctionGraphVersion = &s
		if !slices.Contains(fgsspec.FunctionGraphVersions, s) {
			d.errAt(v, p, "%s is not a FunctionGraph version (%s)", quote(v, s, 20), strings.Join(fgsspec.FunctionGraphVersions, " or "))
		}
	case "reserved_instances":
		f.ReservedInstances = d.reserved(v, p)
	case "async_invoke":
		f.AsyncInvoke = d.asyncInvoke(v, p)
	default:
		return false
	}
	return true
}

// reserved decodes reserved_instances: a map of qualifier to reservation.
func (d *decoder) reserved(n *yaml.Node, path string) map[string]Reservation {
	out := map[string]Reservation{}
	d.mapping(n, path, anyKey, func(k, v *yaml.Node) {
		qp := join(path, k.Value)
		switch q := k.Value; {
		case q == "latest":
		case q == "$published":
			d.errAt(k, qp, "$published is not a qualifier: reserve instances on an alias that follows the releases (aliases: {live: {version: $published}}, reserved_instances: {live: ...})")
		case fgsspec.CheckAliasName(q) != nil && fgsspec.CheckVersionName(q) != nil:
			d.errAt(k, qp, "%q is not latest, an alias name or a version name", truncate(q, 60))
		}
		r := d.reservation(v, qp)
		r.Line, r.Col = k.Line, k.Column
		out[k.Value] = r
	})
	return out
}

func (d *decoder) reservation(n *yaml.Node, path string) Reservation {
	var r Reservation
	var countSeen bool
	var tactics *yaml.Node
	d.mapping(n, path, reservationShape, func(k, v *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "count":
			countSeen = true
			if c := d.intPtr(v, p, fgsspec.ReservedCount); c != nil {
				r.Count = *c
			}
		case "idle_mode":
			r.IdleMode, _ = d.boolean(v, p)
		case "tactics_config":
			tactics = v
		default:
			d.unknown(k, path, reservationShape)
		}
	})
	if !countSeen && resolveAlias(n).Kind == yaml.MappingNode {
		d.errAt(n, join(path, "count"), "is required (0 to 1000 instances)")
	}
	if tactics != nil {
		tp := join(path, "tactics_config")
		d.mapping(tactics, tp, reservationShape["tactics_config"], func(k, v *yaml.Node) {
			p := join(tp, k.Value)
			switch k.Value {
			case "cron_configs":
				r.CronConfigs = d.cronPolicies(v, p, r.Count)
			case "metric_configs":
				r.MetricConfigs = d.metricPolicies(v, p, r.Count)
			default:
				d.unknown(k, tp, reservationShape["tactics_config"])
			}
		})
	}
	return r
}

// policyItems iterates a list of policies, each a map of the shape s,
// and reports names given twice.
func (d *decoder) policyItems(n *yaml.Node, path string, s shape, fn func(item *yaml.Node, p string, vals map[string]*yaml.Node) string) {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		d.typeErr(n, path, "must be a list, got %s", kindName(n))
		return
	}
	names := map[string]bool{}
	for i, item := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		vals := map[string]*yaml.Node{}
		d.mapping(item, ip, s, func(k, v *yaml.Node) {
			if _, ok := s[k.Value]; !ok {
				d.unknown(k, ip, s)
				return
			}
			vals[k.Value] = v
		})
		if resolveAlias(item).Kind != yaml.MappingNode {
			continue
		}
		var missing []string
		for _, key := range keysOf(s) {
			if vals[key] == nil {
				missing = append(missing, key)
			}
		}
		if len(missing) > 0 {
			d.errAt(item, ip, "needs %s (every field of a policy is required)", strings.Join(missing, " and "))
		}
		if name := fn(item, ip, vals); name != "" {
			if names[name] {
				d.errAt(vals["name"], join(ip, "name"), "%q is the name of another policy of this list", truncate(name, 60))
			}
			names[name] = true
		}
	}
}

func (d *decoder) cronPolicies(n *yaml.Node, path string, base int) []CronPolicy {
	var out []CronPolicy
	d.policyItems(n, path, cronPolicyShape, func(item *yaml.Node, ip string, vals map[string]*yaml.Node) string {
		var c CronPolicy
		if v := vals["name"]; v != nil {
			c.Name = d.str(v, join(ip, "name"))
			if err := fgsspec.CheckPolicyName(c.Name); err != nil {
				d.errAt(v, join(ip, "name"), "%s is not a policy name: %v", quote(v, c.Name, 60), err)
			}
		}
		if v := vals["cron"]; v != nil {
			c.Cron = d.str(v, join(ip, "cron"))
			if err := fgsspec.CheckPolicyCron(c.Cron); err != nil {
				d.errAt(v, join(ip, "cron"), "%v", err)
			}
		}
		if v := vals["count"]; v != nil {
			if x := d.intPtr(v, join(ip, "count"), fgsspec.ReservedCount); x != nil {
				c.Count = *x
				if c.Count < base {
					d.errAt(v, join(ip, "count"), "%d is below the reservation's count %d: a scheduled policy keeps at least the reserved instances", c.Count, base)
				}
			}
		}
		start, okStart := d.timestamp(vals["start_time"], join(ip, "start_time"))
		expired, okExpired := d.timestamp(vals["expired_time"], join(ip, "expired_time"))
		c.StartTime, c.ExpiredTime = start, expired
		if okStart && okExpired && expired <= start {
			d.errAt(vals["expired_time"], join(ip, "expired_time"), "%d is not after start_time %d", expired, start)
		}
		out = append(out, c)
		return c.Name
	})
	return out
}

// timestamp reads Unix seconds; ok is false when v is nil or unreadable.
func (d *decoder) timestamp(v *yaml.Node, path string) (int64, bool) {
	if v == nil {
		return 0, false
	}
	x, ok := d.integer(v, path)
	if !ok {
		return 0, false
	}
	if x < 0 {
		d.errAt(v, path, "%d is not a time: Unix seconds, e.g. 1767225600", x)
		return 0, false
	}
	return int64(x), true
}

func (d *decoder) metricPolicies(n *yaml.Node, path string, base int) []MetricPolicy {
	var out []MetricPolicy
	d.policyItems(n, path, metricShape, func(item *yaml.Node, ip string, vals map[string]*yaml.Node) string {
		var m MetricPolicy
		if v := vals["name"]; v != nil {
			m.Name = d.str(v, join(ip, "name"))
			if err := fgsspec.CheckPolicyName(m.Name); err != nil {
				d.errAt(v, join(ip, "name"), "%s is not a policy name: %v", quote(v, m.Name, 60), err)
			}
		}
		if v := vals["type"]; v != nil {
			m.Type = d.str(v, join(ip, "type"))
			if !slices.Contains(fgsspec.MetricTypes, m.Type) {
				d.errAt(v, join(ip, "type"), "%s is not a metric policy type (%s)", quote(v, m.Type, 40), strings.Join(fgsspec.MetricTypes, ", "))
			}
		}
		if v := vals["threshold"]; v != nil {
			if x := d.intPtr(v, join(ip, "threshold"), fgsspec.MetricThreshold); x != nil {
				m.Threshold = *x
			}
		}
		if v := vals["min"]; v != nil {
			if x := d.intPtr(v, join(ip, "min"), fgsspec.MetricMin); x != nil {
				m.Min = *x
				if m.Min < base {
					d.errAt(v, join(ip, "min"), "%d is below the reservation's count %d: a metric policy keeps at least the reserved instances", m.Min, base)
				}
			}
		}
		out = append(out, m)
		return m.Name
	})
	return out
}

// asyncInvoke decodes async_invoke (not null: null is Delete, set by
// decodeFunction).
func (d *decoder) asyncInvoke(n *yaml.Node, path string) *AsyncInvoke {
	a := &AsyncInvoke{}
	d.mapping(n, path, asyncShape, func(k, v *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "max_async_event_age_in_seconds":
			a.MaxEventAge = d.asyncRange(v, p, fgsspec.AsyncEventAge, "seconds")
		case "max_async_retry_attempts":
			a.MaxRetries = d.asyncRange(v, p, fgsspec.AsyncRetries, "retries")
		case "destination_config":
			a.Destinations = &AsyncDestinations{}
			d.mapping(v, p, asyncShape["destination_config"], func(k2, v2 *yaml.Node) {
				p2 := join(p, k2.Value)
				switch k2.Value {
				case "on_success":
					a.Destinations.OnSuccess = d.asyncTarget(v2, p2)
				case "on_failure":
					a.Destinations.OnFailure = d.asyncTarget(v2, p2)
				default:
					d.unknown(k2, p, asyncShape["destination_config"])
				}
			})
		case "enable_async_status_log":
			if b, ok := d.boolean(v, p); ok {
				a.EnableStatusLog = &b
			}
		default:
			d.unknown(k, path, asyncShape)
		}
	})
	return a
}

// asyncRange reads a number within what every reading of the API accepts
// (docs/api-notes.md: the SDK's request and response models differ).
func (d *decoder) asyncRange(n *yaml.Node, path string, r fgsspec.Range, unit string) *int {
	v, ok := d.integer(n, path)
	if !ok {
		return nil
	}
	if !r.Contains(v) {
		d.errAt(n, path, "%d is out of range (%s %s: what every reading of FunctionGraph's API accepts)", v, r, unit)
	}
	return &v
}

// asyncTarget decodes on_success or on_failure: a destination and its
// param.
func (d *decoder) asyncTarget(n *yaml.Node, path string) *AsyncTarget {
	t := &AsyncTarget{}
	var destNode, paramNode *yaml.Node
	d.mapping(n, path, targetShape, func(k, v *yaml.Node) {
		switch k.Value {
		case "destination":
			t.Destination, destNode = d.str(v, join(path, "destination")), v
		case "param":
			paramNode = v
		default:
			d.unknown(k, path, targetShape)
		}
	})
	if resolveAlias(n).Kind != yaml.MappingNode {
		return t
	}
	if destNode == nil {
		d.errAt(n, join(path, "destination"), "is required (%s)", strings.Join(fgsspec.AsyncDestinationNames(), ", "))
		return t
	}
	dest := fgsspec.AsyncDestinationOf(t.Destination)
	if dest == nil {
		d.errAt(destNode, join(path, "destination"), "%s is not a destination (%s)", quote(destNode, t.Destination, 40), strings.Join(fgsspec.AsyncDestinationNames(), ", "))
		return t
	}
	pp := join(path, "param")
	if paramNode == nil {
		d.errAt(n, pp, "is required: the %s destination's %s", dest.Name, fieldNames(dest.Fields))
		return t
	}
	param, _ := d.eventData(dest.Fields, paramNode, pp)
	if param == nil {
		return t
	}
	for _, f := range dest.Fields {
		if _, ok := param[f.Name]; f.Required && !ok {
			d.errAt(paramNode, join(pp, f.Name), "is required for destination %s", dest.Name)
		}
	}
	t.Param = param
	return t
}

func fieldNames(fs []fgsspec.TriggerField) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// crossProduction applies the rules between production settings and the
// rest of the function: a reservation within max_instances, and not on
// both an alias and the version it is fixed to ("Reserved instances
// cannot be configured for both a function alias and the corresponding
// version", HW functiongraph_01_1837).
func (d *decoder) crossProduction(f *Function, nodes map[string]*yaml.Node, path string) {
	if f.ReservedInstances == nil {
		return
	}
	rn := nodes["reserved_instances"]
	at := func(q, field string) *yaml.Node {
		i := mapIndex(resolveAlias(rn), q)
		if i < 0 {
			return rn
		}
		if field == "" {
			return resolveAlias(rn).Content[i]
		}
		v := resolveAlias(resolveAlias(rn).Content[i+1])
		if j := mapIndex(v, field); j >= 0 {
			return v.Content[j+1]
		}
		return resolveAlias(rn).Content[i]
	}
	qs := make([]string, 0, len(f.ReservedInstances))
	for q := range f.ReservedInstances {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	for _, q := range qs {
		r := f.ReservedInstances[q]
		if m := f.MaxInstances; m != nil && *m >= 0 && r.Count > *m {
			d.errAt(at(q, "count"), join(path, "reserved_instances."+q+".count"), "%d is more than max_instances (%d): reserved instances count within the function's maximum", r.Count, *m)
		}
		a, isAlias := f.Aliases[q]
		if !isAlias || a.Version == "$published" {
			continue
		}
		if _, both := f.ReservedInstances[a.Version]; both {
			d.errAt(at(q, ""), join(path, "reserved_instances."+q), "alias %s points at %s, which reserves instances too: FunctionGraph takes reserved instances on an alias or on its version, not both", q, a.Version)
		}
	}
}
