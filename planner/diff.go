package planner

import (
	"reflect"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// What differs between two configs, field by field, for display: the
// plan.Change lists of config steps.

// configChanges lists what differs between two config bodies, field by
// field, in a fixed order. Secrets are compared by the fingerprint kept in
// user_data, so they never need to be read back.
func configChanges(before, after *apiclient.UpdateConfigRequest, secretsChanged bool) []plan.Change {
	var out []plan.Change
	add := func(field string, b, a any) {
		if !reflect.DeepEqual(b, a) {
			out = append(out, plan.Change{Action: plan.Update, Field: field, Before: b, After: a})
		}
	}
	add("handler", before.Handler, after.Handler)
	add("memory_size", before.MemorySize, after.MemorySize)
	add("timeout", before.Timeout, after.Timeout)
	add("description", before.Description, after.Description)
	add("initializer_handler", before.InitializerHandler, after.InitializerHandler)
	add("initializer_timeout", before.InitializerTimeout, after.InitializerTimeout)
	add("pre_stop_handler", before.PreStopHandler, after.PreStopHandler)
	add("pre_stop_timeout", before.PreStopTimeout, after.PreStopTimeout)
	out = append(out, envChanges("environment", parseEnv(before.UserData), parseEnv(after.UserData))...)
	if secretsChanged {
		out = append(out, plan.Change{Action: plan.Update, Field: "encrypted_environment", Before: plan.Sensitive, After: plan.Sensitive, Sensitive: true})
	}
	add("xrole", before.Xrole, after.Xrole)
	add("app_xrole", before.AppXrole, after.AppXrole)
	add("func_vpc", vpcView(before.FuncVpc), vpcView(after.FuncVpc))
	add("mount_config", mountView(before.MountConfig), mountView(after.MountConfig))
	add("log_config", logView(before), logView(after))
	add("concurrent_num", concurrentView(before.StrategyConfig), concurrentView(after.StrategyConfig))
	add("ephemeral_storage", before.EphemeralStorage, after.EphemeralStorage)
	for i := range out {
		out[i].Action = changeAction(out[i].Before, out[i].After)
	}
	return out
}

// envChanges diffs two environment maps key by key; the fingerprint key is
// fgsdeploy's own and never shown.
func envChanges(prefix string, before, after map[string]string) []plan.Change {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	delete(keys, FingerprintKey)
	delete(keys, TriggersFingerprintKey)
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []plan.Change
	for _, k := range names {
		b, hasB := before[k]
		a, hasA := after[k]
		switch {
		case hasB && hasA && a != b:
			out = append(out, plan.Change{Action: plan.Update, Field: prefix + "." + k, Before: b, After: a})
		case hasB && !hasA:
			out = append(out, plan.Change{Action: plan.Delete, Field: prefix + "." + k, Before: b})
		case !hasB && hasA:
			out = append(out, plan.Change{Action: plan.Create, Field: prefix + "." + k, After: a})
		}
	}
	return out
}

func changeAction(before, after any) plan.Action {
	switch {
	case isEmpty(before) && !isEmpty(after):
		return plan.Create
	case !isEmpty(before) && isEmpty(after):
		return plan.Delete
	}
	return plan.Update
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.String:
		return rv.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// The view functions turn nested API values into plain maps for display
// and comparison: only the managed sub-fields, nil when the feature is off.

func vpcView(v *apiclient.FuncVpc) any {
	if v == nil {
		return nil
	}
	m := map[string]any{"vpc_id": v.VpcID, "subnet_id": v.SubnetID}
	if len(v.SecurityGroups) > 0 {
		m["security_groups"] = sortedCopy(v.SecurityGroups)
	}
	return m
}

func mountView(m *apiclient.MountConfig) any {
	if m == nil || len(m.FuncMounts) == 0 {
		return nil
	}
	var mounts []any
	for _, fm := range m.FuncMounts {
		mounts = append(mounts, map[string]any{"mount_type": fm.MountType, "mount_resource": fm.MountResource,
			"mount_share_path": fm.MountSharePath, "local_mount_path": fm.LocalMountPath})
	}
	out := map[string]any{"func_mounts": mounts}
	if m.MountUser != nil {
		out["mount_user"] = map[string]any{"user_id": m.MountUser.UserID, "user_group_id": m.MountUser.UserGroupID}
	}
	return out
}

func logView(c *apiclient.UpdateConfigRequest) any {
	if c.LogConfig == nil && c.EnableLtsLog != nil && *c.EnableLtsLog {
		return "auto" // FunctionGraph's default target (a create's)
	}
	if !logOn(c) {
		return nil
	}
	return map[string]any{"group_id": c.LogConfig.GroupID, "stream_id": c.LogConfig.StreamID}
}

// logOn reports whether a config body logs to a known target.
func logOn(c *apiclient.UpdateConfigRequest) bool {
	return c.LogConfig != nil && (c.EnableLtsLog == nil || *c.EnableLtsLog)
}

func concurrentView(s *apiclient.StrategyConfig) int {
	if s == nil {
		return 1
	}
	return normConcurrentNum(s.ConcurrentNum)
}
