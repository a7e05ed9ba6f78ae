package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Production settings: reserved instances per qualifier and the
// asynchronous invocation config. Neither is part of a version: their
// steps come after latest's (async) and after the release (reserved
// instances), and never make a publish.

// ProductionAPI is what planning reads of production settings.
type ProductionAPI interface {
	ListReservedInstanceConfigs(ctx context.Context, urn string) ([]apiclient.ReservedInstanceConfig, error)
	GetAsyncInvokeConfig(ctx context.Context, urn string) (*apiclient.AsyncInvokeConfig, error)
}

var _ ProductionAPI = (*apiclient.Client)(nil)

func productionAPI(api API) (ProductionAPI, error) {
	p, ok := api.(ProductionAPI)
	if !ok {
		return nil, fmt.Errorf("this client cannot read reserved instances or asynchronous invocation")
	}
	return p, nil
}

// planAsync adds the step of f's asynchronous invocation config, and
// returns a fingerprint of the live config for saved plans ("" when it is
// not managed). exists is false for a function this plan creates.
func planAsync(ctx context.Context, api API, fp *plan.FunctionPlan, f *manifest.Function, exists bool) (string, error) {
	a := f.AsyncInvoke
	if a == nil {
		return "", nil
	}
	var live *apiclient.AsyncInvokeConfig
	if exists {
		papi, err := productionAPI(api)
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Name, err)
		}
		if live, err = papi.GetAsyncInvokeConfig(ctx, fp.URN); err != nil {
			return "", fmt.Errorf("read the asynchronous invocation config of %s: %w", f.Name, err)
		}
	}
	liveFP := hashStrings("async", asyncFingerprint(live))
	if a.Delete {
		if live != nil {
			fp.Steps = append(fp.Steps, plan.Step{Request: &plan.DeleteAsyncInvoke{},
				Changes: []plan.Change{{Action: plan.Delete, Field: "async_invoke", Before: asyncView(live)}}})
		}
		return liveFP, nil
	}
	body, changes := asyncBody(a, live)
	if live != nil && len(changes) == 0 {
		return liveFP, nil
	}
	if live == nil && len(changes) == 0 {
		// async_invoke: {} on a function without a config: make one with
		// FunctionGraph's defaults.
		changes = []plan.Change{{Action: plan.Create, Field: "async_invoke", After: map[string]any{}}}
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.SetAsyncInvoke{Body: body}, Changes: changes})
	return liveFP, nil
}

// asyncBody is the config a PUT sends, the declared settings over the live
// ones, and what differs from live among the declared ones.
func asyncBody(a *manifest.AsyncInvoke, live *apiclient.AsyncInvokeConfig) (*apiclient.AsyncInvokeConfigRequest, []plan.Change) {
	body := &apiclient.AsyncInvokeConfigRequest{}
	if live != nil {
		body = &apiclient.AsyncInvokeConfigRequest{MaxEventAge: live.MaxEventAge, MaxRetries: live.MaxRetries,
			DestinationConfig: live.DestinationConfig, EnableAsyncStatusLog: live.EnableAsyncStatusLog}
	}
	var ch []plan.Change
	add := func(field string, before, after any) {
		if live == nil {
			ch = append(ch, plan.Change{Action: plan.Create, Field: "async_invoke." + field, After: after})
		} else if !reflect.DeepEqual(before, after) {
			ch = append(ch, plan.Change{Action: changeAction(before, after), Field: "async_invoke." + field, Before: before, After: after})
		}
	}
	if a.MaxEventAge != nil {
		add("max_async_event_age_in_seconds", intView(body.MaxEventAge), *a.MaxEventAge)
		body.MaxEventAge = a.MaxEventAge
	}
	if a.MaxRetries != nil {
		add("max_async_retry_attempts", intView(body.MaxRetries), *a.MaxRetries)
		body.MaxRetries = a.MaxRetries
	}
	if a.Destinations != nil {
		want := &apiclient.AsyncDestinationConfig{OnSuccess: asyncTarget(a.Destinations.OnSuccess), OnFailure: asyncTarget(a.Destinations.OnFailure)}
		var have *apiclient.AsyncDestinationConfig
		if live != nil {
			have = live.DestinationConfig
		}
		for _, d := range []struct {
			name       string
			have, want *apiclient.AsyncDestination
		}{{"on_success", destOf(have, true), want.OnSuccess}, {"on_failure", destOf(have, false), want.OnFailure}} {
			if live == nil && d.want == nil {
				continue
			}
			add("destination_config."+d.name, destinationView(d.have), destinationView(d.want))
		}
		if want.OnSuccess == nil && want.OnFailure == nil {
			want = nil
		}
		body.DestinationConfig = want
	}
	if a.EnableStatusLog != nil {
		var before any
		if body.EnableAsyncStatusLog != nil {
			before = *body.EnableAsyncStatusLog
		}
		add("enable_async_status_log", before, *a.EnableStatusLog)
		body.EnableAsyncStatusLog = a.EnableStatusLog
	}
	return body, ch
}

func destOf(c *apiclient.AsyncDestinationConfig, success bool) *apiclient.AsyncDestination {
	switch {
	case c == nil:
		return nil
	case success:
		return c.OnSuccess
	}
	return c.OnFailure
}

// asyncTarget is a declared destination as the API takes it: param as a
// JSON string (keys sorted, so the same map is always the same string).
func asyncTarget(t *manifest.AsyncTarget) *apiclient.AsyncDestination {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(t.Param)
	return &apiclient.AsyncDestination{Destination: t.Destination, Param: string(b)}
}

// destinationView shows a destination with its param as a map, which is
// also how it is compared: the same parameters in another order, or
// spaced otherwise, are no change. A param that is not a JSON object is
// shown (and compared) as its text.
func destinationView(d *apiclient.AsyncDestination) any {
	if d == nil {
		return nil
	}
	var param any = d.Param
	var m map[string]any
	if json.Unmarshal([]byte(d.Param), &m) == nil && m != nil {
		param = m
	}
	return map[string]any{"destination": d.Destination, "param": param}
}

func intView(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// asyncView shows a live config, for a deletion.
func asyncView(c *apiclient.AsyncInvokeConfig) any {
	out := map[string]any{}
	if c.MaxEventAge != nil {
		out["max_async_event_age_in_seconds"] = *c.MaxEventAge
	}
	if c.MaxRetries != nil {
		out["max_async_retry_attempts"] = *c.MaxRetries
	}
	if d := c.DestinationConfig; d != nil {
		dc := map[string]any{}
		if d.OnSuccess != nil {
			dc["on_success"] = destinationView(d.OnSuccess)
		}
		if d.OnFailure != nil {
			dc["on_failure"] = destinationView(d.OnFailure)
		}
		out["destination_config"] = dc
	}
	if c.EnableAsyncStatusLog != nil {
		out["enable_async_status_log"] = *c.EnableAsyncStatusLog
	}
	return out
}

func asyncFingerprint(c *apiclient.AsyncInvokeConfig) string {
	if c == nil {
		return "none"
	}
	b, _ := json.Marshal(asyncView(c))
	return string(b)
}

// finishProduction adds the reservation steps after the release, the
// production fingerprint a saved plan is checked against (asyncFP is
// planAsync's), and the note of a function with only these changes.
func finishProduction(ctx context.Context, api API, fp *plan.FunctionPlan, f *manifest.Function, st *versionState, exists bool, asyncFP string) error {
	reservedFP, err := planReserved(ctx, api, fp, f, st, exists)
	if err != nil {
		return err
	}
	if asyncFP != "" || reservedFP != "" {
		// A saved plan is refused when the production settings moved.
		fp.Pre.Production = hashStrings(asyncFP, reservedFP)
	}
	productionNote(fp)
	return nil
}

// productionNote rewords the publish decision's note for a function whose
// only changes are production settings: it is not unchanged, but its
// version would be.
func productionNote(fp *plan.FunctionPlan) {
	only := len(fp.Steps) > 0
	for _, s := range fp.Steps {
		if t := s.Type(); t != plan.StepAsync && t != plan.StepReserved {
			only = false
		}
	}
	for i, n := range fp.Notes {
		if only && n == "unchanged, nothing to publish" { // decidePublish's note
			fp.Notes[i] = "nothing to publish: the code and config are as in the newest version (reserved instances and asynchronous invocation are not part of a version)"
		}
	}
}

// reservedState is what the reservation plan knows of the live function.
type reservedState struct {
	live map[string]apiclient.ReservedInstanceConfig // by target ("latest", "v1", "!live"), empty entries left out
}

// readReserved lists the function's reservations, by target.
func readReserved(ctx context.Context, api API, urn string) (*reservedState, error) {
	papi, err := productionAPI(api)
	if err != nil {
		return nil, err
	}
	list, err := papi.ListReservedInstanceConfigs(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list reserved instances: %w", err)
	}
	st := &reservedState{live: map[string]apiclient.ReservedInstanceConfig{}}
	for _, r := range list {
		if !r.Empty() {
			st.live[r.Target()] = r
		}
	}
	return st, nil
}

// fingerprint hashes the live reservations for saved-plan preconditions.
func (r *reservedState) fingerprint() string {
	b, _ := json.Marshal(r.live)
	return hashStrings("reserved", string(b))
}

// planReserved adds the reservation steps of f after its release steps:
// the qualifiers the manifest no longer reserves set to 0 first, then each
// declared reservation that differs, or whose alias this apply writes
// (whether a moved alias keeps its reservation is not documented, so it is
// sent again). A version the release prunes loses its reservation with
// it: the prune step shows that, and a declared reservation on it is an
// error. exists is false for a function this plan creates.
func planReserved(ctx context.Context, api API, fp *plan.FunctionPlan, f *manifest.Function, st *versionState, exists bool) (string, error) {
	pruned := map[string]int{} // version -> index of its prune step
	for i, s := range fp.Steps {
		if d, ok := s.Request.(*plan.DeleteVersion); ok {
			pruned[d.Version] = i
		}
	}
	switch {
	case !exists && f.ReservedInstances == nil, exists && f.ReservedInstances == nil && len(pruned) == 0:
		return "", nil
	case !exists:
		return "", addReserved(fp, f, st, &reservedState{live: map[string]apiclient.ReservedInstanceConfig{}}, pruned)
	}
	rs, err := readReserved(ctx, api, fp.URN)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", f.Name, err)
	}
	for v, i := range pruned {
		if r, ok := rs.live[v]; ok {
			fp.Steps[i].Changes = append(fp.Steps[i].Changes, plan.Change{Action: plan.Delete, Field: "reserved_instances." + v,
				Before: reservationView(liveReservation(r)), Reason: "deleted with the version"})
		}
	}
	if f.ReservedInstances == nil {
		return rs.fingerprint(), nil
	}
	return rs.fingerprint(), addReserved(fp, f, st, rs, pruned)
}

// addReserved appends the reservation steps of a managed reserved_instances.
func addReserved(fp *plan.FunctionPlan, f *manifest.Function, st *versionState, rs *reservedState, pruned map[string]int) error {
	after, written, published := aliasesAfter(fp, st)
	targets := map[string]string{} // target -> qualifier as written
	for _, q := range sortedKeys(f.ReservedInstances) {
		t, err := reservedTarget(f, st, after, published, pruned, q)
		if err != nil {
			return err
		}
		targets[t] = q
	}
	// An alias and the version it points at cannot both keep instances
	// (HW functiongraph_01_1837), after the plan as the manifest has it.
	for t, q := range targets {
		if !strings.HasPrefix(t, "!") {
			continue
		}
		if v := after[t[1:]].Version; v != "" && targets[v] != "" {
			return fmt.Errorf("%s: reserved_instances: alias %s will point at %s, which reserves instances too; FunctionGraph takes reserved instances on an alias or on its version, not both", f.Name, q, v)
		}
	}
	var removals, sets []plan.Step
	for _, t := range sortedKeys(rs.live) {
		if _, declared := targets[t]; declared {
			continue
		}
		if _, gone := pruned[t]; gone {
			continue // the prune step shows it
		}
		if strings.HasPrefix(t, "!") && after[t[1:]].Name == "" {
			continue // an alias that no longer exists
		}
		removals = append(removals, plan.Step{Request: &plan.SetReservedInstances{Target: t, Body: &apiclient.ReservedInstancesRequest{Count: 0, IdleMode: new(bool)}},
			Changes: []plan.Change{{Action: plan.Delete, Field: "reserved_instances." + plan.QualifierName(t), Before: reservationView(liveReservation(rs.live[t]))}}})
	}
	for _, t := range sortedKeys(targets) {
		q := targets[t]
		want := f.ReservedInstances[q]
		have, had := rs.live[t]
		var ch []plan.Change
		switch {
		case !had:
			ch = reservationChanges(q, nil, &want)
		default:
			h := liveReservation(have)
			ch = reservationChanges(q, &h, &want)
			if len(ch) == 0 && written[plan.QualifierName(t)] && strings.HasPrefix(t, "!") {
				ch = []plan.Change{{Action: plan.Update, Field: "reserved_instances." + q, Before: reservationView(h), After: reservationView(want),
					Reason: "alias " + q + " moves: sent again"}}
			}
		}
		if len(ch) == 0 {
			continue
		}
		sets = append(sets, plan.Step{Request: &plan.SetReservedInstances{Target: t, Body: reservationBody(want)}, Changes: ch})
	}
	fp.Steps = insertBeforePrune(fp.Steps, append(removals, sets...))
	return nil
}

// aliasesAfter is every alias as it will be after the plan's alias steps,
// which aliases those steps write, and the version the plan publishes (""
// for none).
func aliasesAfter(fp *plan.FunctionPlan, st *versionState) (map[string]apiclient.Alias, map[string]bool, string) {
	after := map[string]apiclient.Alias{}
	for n, a := range st.aliases {
		after[n] = a
	}
	written := map[string]bool{}
	published := ""
	for _, s := range fp.Steps {
		switch r := s.Request.(type) {
		case *plan.WriteAlias:
			after[r.Alias.Name] = r.Alias
			written[r.Alias.Name] = true
		case *plan.PublishVersion:
			published = r.Version()
		}
	}
	return after, written, published
}

// reservedTarget resolves a declared qualifier to the target it is set
// on: latest, an alias there after the plan, or a version there after it.
func reservedTarget(f *manifest.Function, st *versionState, after map[string]apiclient.Alias, published string, pruned map[string]int, q string) (string, error) {
	_, declaredAlias := f.Aliases[q]
	switch {
	case q == release.Latest:
		return q, nil
	case after[q].Name != "" || declaredAlias:
		return "!" + q, nil
	case q == published && published != plan.PendingVersion:
		return q, nil
	case st.find(q) != nil:
		if _, gone := pruned[q]; gone {
			return "", fmt.Errorf("%s: reserved_instances.%s: this plan prunes version %s (publish.keep); reserve on an alias, or keep more versions", f.Name, q, q)
		}
		return q, nil
	}
	return "", fmt.Errorf("%s: reserved_instances.%s: the function has no alias or version %s (aliases: %s)", f.Name, q, q, strings.Join(sortedKeys(after), ", "))
}

// insertBeforePrune puts steps after the triggers, before the versions
// the release prunes (pruning runs last).
func insertBeforePrune(steps, add []plan.Step) []plan.Step {
	if len(add) == 0 {
		return steps
	}
	i := len(steps)
	for i > 0 && steps[i-1].Type() == plan.StepPrune {
		i--
	}
	out := append([]plan.Step{}, steps[:i]...)
	out = append(out, add...)
	return append(out, steps[i:]...)
}

// liveReservation reads a listed reservation as the manifest writes one.
func liveReservation(r apiclient.ReservedInstanceConfig) manifest.Reservation {
	out := manifest.Reservation{Count: r.MinCount, IdleMode: r.IdleMode}
	if tc := r.TacticsConfig; tc != nil {
		for _, c := range tc.CronConfigs {
			out.CronConfigs = append(out.CronConfigs, manifest.CronPolicy{Name: c.Name, Cron: c.Cron, Count: c.Count, StartTime: c.StartTime, ExpiredTime: c.ExpiredTime})
		}
		for _, m := range tc.MetricConfigs {
			out.MetricConfigs = append(out.MetricConfigs, manifest.MetricPolicy{Name: m.Name, Type: m.Type, Threshold: m.Threshold, Min: m.Min})
		}
	}
	return out
}

// reservationBody is the PUT that sets a reservation exactly as declared:
// idle_mode always, tactics_config when there are policies.
func reservationBody(r manifest.Reservation) *apiclient.ReservedInstancesRequest {
	idle := r.IdleMode
	body := &apiclient.ReservedInstancesRequest{Count: r.Count, IdleMode: &idle}
	if len(r.CronConfigs)+len(r.MetricConfigs) > 0 {
		tc := &apiclient.TacticsConfig{}
		for _, c := range r.CronConfigs {
			tc.CronConfigs = append(tc.CronConfigs, apiclient.CronConfig{Name: c.Name, Cron: c.Cron, Count: c.Count, StartTime: c.StartTime, ExpiredTime: c.ExpiredTime})
		}
		for _, m := range r.MetricConfigs {
			tc.MetricConfigs = append(tc.MetricConfigs, apiclient.MetricConfig{Name: m.Name, Type: m.Type, Threshold: m.Threshold, Min: m.Min})
		}
		body.TacticsConfig = tc
	}
	return body
}

// reservationChanges lists what differs between a live reservation (nil
// for none) and the declared one; policies are compared by name, in any
// order.
func reservationChanges(q string, have, want *manifest.Reservation) []plan.Change {
	field := "reserved_instances." + q
	if have == nil {
		ch := []plan.Change{{Action: plan.Create, Field: field + ".count", After: want.Count}}
		if want.IdleMode {
			ch = append(ch, plan.Change{Action: plan.Create, Field: field + ".idle_mode", After: true})
		}
		if t := tacticsView(*want); t != nil {
			ch = append(ch, plan.Change{Action: plan.Create, Field: field + ".tactics_config", After: t})
		}
		return ch
	}
	var ch []plan.Change
	if have.Count != want.Count {
		ch = append(ch, plan.Change{Action: plan.Update, Field: field + ".count", Before: have.Count, After: want.Count})
	}
	if have.IdleMode != want.IdleMode {
		ch = append(ch, plan.Change{Action: plan.Update, Field: field + ".idle_mode", Before: have.IdleMode, After: want.IdleMode})
	}
	if b, a := tacticsView(*have), tacticsView(*want); !reflect.DeepEqual(b, a) {
		ch = append(ch, plan.Change{Action: changeAction(b, a), Field: field + ".tactics_config", Before: b, After: a})
	}
	return ch
}

// reservationView shows a reservation as the manifest writes it.
func reservationView(r manifest.Reservation) any {
	out := map[string]any{"count": r.Count}
	if r.IdleMode {
		out["idle_mode"] = true
	}
	if t := tacticsView(r); t != nil {
		out["tactics_config"] = t
	}
	return out
}

// tacticsView shows the policies, each list sorted by name; nil for none.
func tacticsView(r manifest.Reservation) any {
	if len(r.CronConfigs)+len(r.MetricConfigs) == 0 {
		return nil
	}
	out := map[string]any{}
	if len(r.CronConfigs) > 0 {
		cs := append([]manifest.CronPolicy(nil), r.CronConfigs...)
		sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
		var list []any
		for _, c := range cs {
			list = append(list, map[string]any{"name": c.Name, "cron": c.Cron, "count": c.Count, "start_time": c.StartTime, "expired_time": c.ExpiredTime})
		}
		out["cron_configs"] = list
	}
	if len(r.MetricConfigs) > 0 {
		ms := append([]manifest.MetricPolicy(nil), r.MetricConfigs...)
		sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
		var list []any
		for _, m := range ms {
			list = append(list, map[string]any{"name": m.Name, "type": m.Type, "threshold": m.Threshold, "min": m.Min})
		}
		out["metric_configs"] = list
	}
	return out
}

// LiveAsyncInvoke is a live asynchronous invocation config as a manifest
// writes it (what init writes), and what of it a manifest cannot declare
// (outside the range every reading of the API accepts, or a destination
// whose param is not one the manifest takes).
func LiveAsyncInvoke(a *apiclient.AsyncInvokeConfig) (map[string]any, []string) {
	m := map[string]any{}
	var left []string
	if a.MaxEventAge != nil {
		if fgsspec.AsyncEventAge.Contains(*a.MaxEventAge) {
			m["max_async_event_age_in_seconds"] = *a.MaxEventAge
		} else {
			left = append(left, fmt.Sprintf("max_async_event_age_in_seconds %d", *a.MaxEventAge))
		}
	}
	if a.MaxRetries != nil {
		if fgsspec.AsyncRetries.Contains(*a.MaxRetries) {
			m["max_async_retry_attempts"] = *a.MaxRetries
		} else {
			left = append(left, fmt.Sprintf("max_async_retry_attempts %d", *a.MaxRetries))
		}
	}
	if d := a.DestinationConfig; d != nil {
		dc := map[string]any{}
		ok := true
		for name, t := range map[string]*apiclient.AsyncDestination{"on_success": d.OnSuccess, "on_failure": d.OnFailure} {
			if t == nil {
				continue
			}
			var param map[string]any
			dest := fgsspec.AsyncDestinationOf(t.Destination)
			if json.Unmarshal([]byte(t.Param), &param) != nil || param == nil || dest == nil || len(dest.CheckParam(param)) > 0 {
				ok = false
				continue
			}
			dc[name] = map[string]any{"destination": t.Destination, "param": param}
		}
		if ok {
			m["destination_config"] = dc
		} else {
			left = append(left, "destination_config")
		}
	}
	if a.EnableAsyncStatusLog != nil {
		m["enable_async_status_log"] = *a.EnableAsyncStatusLog
	}
	return m, left
}
