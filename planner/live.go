package planner

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// LiveFunction is a deployed function in the manifest's terms, read the
// way the planner compares it with a manifest: server defaults filled in,
// the environment decoded. A manifest that declares these values plans as
// no change against the function; fgsdeploy init writes one.
type LiveFunction struct {
	Config          *apiclient.UpdateConfigRequest
	Environment     map[string]string // user_data, fgsdeploy's secrets fingerprint left out
	Mounts          any               // mount_config as the manifest writes it, nil for none
	ConcurrentNum   int
	MaxInstances    int  // when HasMaxInstances
	HasMaxInstances bool // the function reports a maximum
	Dependencies    []string
}

// Live reads f as the planner does.
func Live(f *apiclient.Function) *LiveFunction {
	c := liveConfig(f)
	env := parseEnv(c.UserData)
	delete(env, FingerprintKey)
	delete(env, TriggersFingerprintKey)
	l := &LiveFunction{Config: c, Environment: env, Mounts: mountView(c.MountConfig), ConcurrentNum: concurrentView(c.StrategyConfig), Dependencies: sortedCopy(f.DependVersionList)}
	l.MaxInstances, l.HasMaxInstances = liveMaxInstances(f)
	return l
}

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
		// concurrency goes with every strategy_config sent (the SDK marks
		// it required): the live max instances, else the default.
		n := normConcurrentNum(s.ConcurrentNum)
		max, known := liveMaxInstances(live)
		if !known {
			max = DefaultMaxInstances
		}
		c.StrategyConfig = &apiclient.StrategyConfig{Concurrency: &max, ConcurrentNum: &n}
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

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
