package planner

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// Defaults used when creating a function whose manifest leaves them out:
// FunctionGraph's console defaults.
const (
	DefaultMemorySize       = 128
	DefaultTimeout          = 3
	DefaultEphemeralStorage = 512
)

// liveConfig turns a live function into the config body that would leave
// it unchanged, normalised so that equal settings compare equal: server
// defaults filled, user_data kept as a canonical JSON map, read-only and
// display-only fields dropped.
//
// encrypted_user_data is kept exactly as read when GET config returns it
// (docs/api-notes.md rule 1): a config update is a full replace, and under
// the reading where GET returns it, a body without it clears the secrets.
// It is a secret: compared never (sameConfig), shown never (configChanges),
// hashed never (configFingerprint, desiredFingerprint).
func liveConfig(live *apiclient.Function) *apiclient.UpdateConfigRequest {
	c := &apiclient.UpdateConfigRequest{
		FuncName:           live.FuncName,
		Runtime:            live.Runtime,
		Timeout:            live.Timeout,
		Handler:            live.Handler,
		MemorySize:         live.MemorySize,
		UserData:           canonicalEnv(parseEnv(live.UserData)),
		EncryptedUserData:  live.EncryptedUserData,
		Xrole:              live.Xrole,
		AppXrole:           live.AppXrole,
		Description:        live.Description,
		InitializerHandler: live.InitializerHandler,
		InitializerTimeout: live.InitializerTimeout,
		PreStopHandler:     live.PreStopHandler,
		PreStopTimeout:     live.PreStopTimeout,
		EphemeralStorage:   live.EphemeralStorage,
		DomainNames:        live.DomainNames,
		Unmanaged:          live.Unmanaged, // sent back as they are
	}
	if c.InitializerHandler == "" {
		c.InitializerTimeout = 0
	}
	if c.PreStopHandler == "" {
		c.PreStopTimeout = 0
	}
	if v := live.FuncVpc; v != nil && (v.VpcID != "" || v.SubnetID != "") {
		c.FuncVpc = &apiclient.FuncVpc{VpcID: v.VpcID, SubnetID: v.SubnetID, SecurityGroups: sortedCopy(v.SecurityGroups), IsSafety: v.IsSafety}
	}
	if m := live.MountConfig; m != nil && len(m.FuncMounts) > 0 {
		mc := &apiclient.MountConfig{MountUser: m.MountUser}
		if mc.MountUser == nil {
			mc.MountUser = defaultMountUser()
		}
		for _, fm := range m.FuncMounts {
			fm.Status = ""
			mc.FuncMounts = append(mc.FuncMounts, fm)
		}
		c.MountConfig = mc
	}
	if lc := liveLog(live); lc != nil {
		on := true
		c.LogConfig = lc
		c.EnableLtsLog = &on
	}
	if s := live.StrategyConfig; s != nil {
		n := normConcurrentNum(s.ConcurrentNum)
		c.StrategyConfig = &apiclient.StrategyConfig{Concurrency: s.Concurrency, ConcurrentNum: &n}
	}
	return c
}

// defaultMountUser is the mount user sent when the manifest names none:
// mount_user is mandatory when mounts are sent (docs/api-notes.md rule 4),
// and -1/-1 is the default the Terraform provider sends (FunctionGraph's
// default user and group).
func defaultMountUser() *apiclient.MountUser {
	return &apiclient.MountUser{UserID: -1, UserGroupID: -1}
}

// liveLog returns the live LTS log target, or nil when logging is off or
// its target is not known. The response models carry it as log_group_id
// and log_stream_id; a log_config, where a service returns one, adds the
// names, which are sent back with the ids.
func liveLog(live *apiclient.Function) *apiclient.LogConfig {
	if live.EnableLtsLog != nil && !*live.EnableLtsLog {
		return nil
	}
	var lc apiclient.LogConfig
	if live.LogConfig != nil {
		lc = *live.LogConfig
	}
	if lc.GroupID == "" {
		lc.GroupID = live.LogGroupID
	}
	if lc.StreamID == "" {
		lc.StreamID = live.LogStreamID
	}
	if lc.GroupID == "" && lc.StreamID == "" {
		return nil
	}
	return &lc
}

// normConcurrentNum applies FunctionGraph's rule that -1 or 0 means 1.
func normConcurrentNum(p *int) int {
	if p == nil || *p <= 0 {
		return 1
	}
	return *p
}

// wantConfig overlays the manifest on a copy of base. secretsFP is the
// fingerprint to store for encrypted_environment ("" when not managed).
func wantConfig(base *apiclient.UpdateConfigRequest, f *manifest.Function, secretsFP string) *apiclient.UpdateConfigRequest {
	c := *base
	c.Handler = f.Handler
	setInt(&c.MemorySize, f.MemorySize)
	setInt(&c.Timeout, f.Timeout)
	setStr(&c.Description, f.Description)
	setStr(&c.InitializerHandler, f.InitializerHandler)
	setInt(&c.InitializerTimeout, f.InitializerTimeout)
	setStr(&c.PreStopHandler, f.PreStopHandler)
	setInt(&c.PreStopTimeout, f.PreStopTimeout)
	setStr(&c.Xrole, f.Xrole)
	setStr(&c.AppXrole, f.AppXrole)
	setInt(&c.EphemeralStorage, f.EphemeralStorage)
	if c.InitializerHandler == "" {
		c.InitializerTimeout = 0
	}
	if c.PreStopHandler == "" {
		c.PreStopTimeout = 0
	}

	env := parseEnv(base.UserData)
	if f.Environment != nil {
		keep, had := env[FingerprintKey]
		env = map[string]string{}
		for k, v := range f.Environment {
			env[k] = v
		}
		if had {
			env[FingerprintKey] = keep
		}
	}
	if f.EncryptedEnvironment != nil {
		env[FingerprintKey] = secretsFP
		c.EncryptedUserData = canonicalSecrets(f.EncryptedEnvironment)
	}
	c.UserData = canonicalEnv(env)

	c.FuncVpc = nil
	if v := f.FuncVpc; v != nil {
		c.FuncVpc = &apiclient.FuncVpc{VpcID: v.VpcID, SubnetID: v.SubnetID, SecurityGroups: sortedCopy(v.SecurityGroups)}
		if base.FuncVpc != nil {
			c.FuncVpc.IsSafety = base.FuncVpc.IsSafety // is_safety is irreversible and not managed
		}
	}
	c.MountConfig = nil
	if m := f.MountConfig; m != nil && len(m.FuncMounts) > 0 {
		// mount_user is always sent with mounts: the declared one, else
		// the live one, else the default.
		mc := &apiclient.MountConfig{MountUser: defaultMountUser()}
		switch {
		case m.MountUser != nil:
			mc.MountUser = &apiclient.MountUser{UserID: m.MountUser.UserID, UserGroupID: m.MountUser.UserGroupID}
		case base.MountConfig != nil && base.MountConfig.MountUser != nil:
			mc.MountUser = base.MountConfig.MountUser
		}
		for _, fm := range m.FuncMounts {
			mc.FuncMounts = append(mc.FuncMounts, apiclient.FuncMount{MountType: fm.MountType, MountResource: fm.MountResource, MountSharePath: fm.MountSharePath, LocalMountPath: fm.LocalMountPath})
		}
		c.MountConfig = mc
	}
	// Logging (docs/api-notes.md rule 5): a declared log_config is the
	// target; without one, logging is not managed and the body carries the
	// live logging as read, so that neither reading of the update (a full
	// replace, or absent fields kept) changes it. enable_lts_log false is
	// never sent: it would turn off logging fgsdeploy was not asked about.
	if l := f.LogConfig; l != nil {
		on := true
		c.LogConfig = &apiclient.LogConfig{GroupID: l.GroupID, StreamID: l.StreamID}
		if b := base.LogConfig; b != nil && b.GroupID == l.GroupID && b.StreamID == l.StreamID && logOn(base) {
			c.LogConfig = b // the same target, with the names the service gave
		}
		c.EnableLtsLog = &on
	}
	if f.ConcurrentNum != nil {
		n := *f.ConcurrentNum
		sc := apiclient.StrategyConfig{ConcurrentNum: &n}
		if base.StrategyConfig != nil {
			sc.Concurrency = base.StrategyConfig.Concurrency
		}
		c.StrategyConfig = &sc
	}
	return &c
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// parseEnv reads user_data. Anything that is not a JSON object of strings
// is kept under no key: it will show as a change to the declared map.
func parseEnv(s string) map[string]string {
	m := map[string]string{}
	if s == "" {
		return m
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return m
	}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			m[k] = v
		default:
			b, _ := json.Marshal(v)
			m[k] = string(b)
		}
	}
	return m
}

func canonicalEnv(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	return canonicalSecrets(m)
}

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

// liveMaxInstances reads the function's maximum instances: max_instance_num
// where the API returns it (a string), else strategy_config.concurrency,
// which the SDK's config model documents as the same setting. ok is false
// when neither is there.
func liveMaxInstances(live *apiclient.Function) (int, bool) {
	if live.MaxInstanceNum != "" {
		n, err := strconv.Atoi(live.MaxInstanceNum)
		return n, err == nil
	}
	if s := live.StrategyConfig; s != nil && s.Concurrency != nil {
		return *s.Concurrency, true
	}
	return 0, false
}
