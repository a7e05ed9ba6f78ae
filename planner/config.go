package planner

import (
	"encoding/json"

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
	// DefaultMaxInstances is strategy_config.concurrency (max instances)
	// of a new function: "Default value: 400" (HW functiongraph_01_0303,
	// Configuring Concurrency).
	DefaultMaxInstances = 400
)

// planConfig adds the config update of an existing function when a
// managed field differs (secrets by their fingerprint). The body is the
// live config, normalised, with the manifest laid over it, so what is not
// managed is sent back as it is. It returns the config latest will have.
func planConfig(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, salt []byte) (*apiclient.UpdateConfigRequest, error) {
	base := liveConfig(live)
	if err := checkAutoLogging(f, base, live); err != nil {
		return nil, err
	}
	secretsFP, secretsChanged := secretsFingerprint(f, parseEnv(base.UserData), salt)
	want := wantConfig(base, f, secretsFP)
	if !secretsChanged && sameConfig(base, want) {
		return base, nil
	}
	ch := configChanges(base, want, secretsChanged)
	if len(ch) == 0 {
		return base, nil
	}
	if err := checkConfig(f, want); err != nil {
		return nil, err
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.UpdateConfig{Body: want}, Changes: ch})
	if unseenSecrets(f, live) {
		fp.Notes = append(fp.Notes, "this config update cannot send back the function's encrypted_environment: FunctionGraph does not return it and the manifest does not declare it; declare it so that the update cannot drop it")
	}
	return want, nil
}

// checkAutoLogging refuses log_config: auto for an existing function
// that does not log: FunctionGraph makes its default group and stream
// when a function is created with logging on, and whether a config update
// with enable_lts_log and no log_config does the same is not documented
// (Terraform found it refused; docs/api-notes.md, rule 5).
func checkAutoLogging(f *manifest.Function, base *apiclient.UpdateConfigRequest, live *apiclient.Function) error {
	if f.LogConfig == nil || !f.LogConfig.Auto || logOn(base) || (live.EnableLtsLog != nil && *live.EnableLtsLog) {
		return nil
	}
	return f.Errorf("log_config", "auto, and the function does not log to LTS: FunctionGraph makes its default log group and stream only when it creates a function; declare log_config: {group_id: ..., stream_id: ...} (an LTS stream of yours), or turn LTS logging on for %s in the FunctionGraph console", f.FuncName)
}

// planMaxInstances adds the update of an existing function's maximum
// instances when it is declared and differs (or the function reports
// none).
func planMaxInstances(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function) {
	if f.MaxInstances == nil {
		return
	}
	n, known := liveMaxInstances(live)
	if known && n == *f.MaxInstances {
		return
	}
	var before any
	if known {
		before = n
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.SetMaxInstances{N: *f.MaxInstances},
		Changes: []plan.Change{{Action: plan.Update, Field: "max_instances", Before: before, After: *f.MaxInstances}}})
}

// checkEnterpriseProject refuses to plan a function that lives in another
// enterprise project than declared: enterprise_project_id is set only by
// a create.
func checkEnterpriseProject(f *manifest.Function, live *apiclient.Function) error {
	want := f.EnterpriseProjectID
	if want == nil {
		return nil
	}
	var have string
	if raw, ok := live.Unmanaged["enterprise_project_id"]; ok {
		json.Unmarshal(raw, &have)
	}
	if have != "" && have != *want {
		return f.Errorf("enterprise_project_id", "the function is in enterprise project %s, not %s: fgsdeploy sets enterprise_project_id only when it creates a function; move it in the Enterprise Project console or change the manifest", have, *want)
	}
	return nil
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
		keepTriggers, hadTriggers := env[TriggersFingerprintKey]
		env = map[string]string{}
		for k, v := range f.Environment {
			env[k] = v
		}
		if had {
			env[FingerprintKey] = keep
		}
		if hadTriggers {
			env[TriggersFingerprintKey] = keepTriggers
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
	switch l := f.LogConfig; {
	case l == nil:
	case l.Auto:
		// FunctionGraph's default: the live logging, whatever its target
		// (checkAutoLogging refuses a function that does not log; a
		// create asks for it, planCreate).
	default:
		on := true
		c.LogConfig = &apiclient.LogConfig{GroupID: l.GroupID, StreamID: l.StreamID}
		if b := base.LogConfig; b != nil && b.GroupID == l.GroupID && b.StreamID == l.StreamID && logOn(base) {
			c.LogConfig = b // the same target, with the names the service gave
		}
		c.EnableLtsLog = &on
	}
	if f.ConcurrentNum != nil {
		// concurrency is required with strategy_config (the SDK's
		// StrategyConfig; 0 disables the function): the live value,
		// which liveConfig always fills in.
		n := *f.ConcurrentNum
		max := DefaultMaxInstances
		sc := apiclient.StrategyConfig{ConcurrentNum: &n, Concurrency: &max}
		if base.StrategyConfig != nil && base.StrategyConfig.Concurrency != nil {
			sc.Concurrency = base.StrategyConfig.Concurrency
		}
		c.StrategyConfig = &sc
	}
	return &c
}

// checkConfig refuses, before anything changes, a config FunctionGraph
// would refuse only after a create went through: a VPC needs an agency
// (xrole) with VPC permissions (docs/api-notes.md, other facts).
func checkConfig(f *manifest.Function, c *apiclient.UpdateConfigRequest) error {
	if c.FuncVpc != nil && c.Xrole == "" {
		return f.Errorf("func_vpc", "needs xrole, an agency with VPC permissions, and the function has none")
	}
	return nil
}

// sameConfig compares two config bodies on everything but the
// write-only secrets, which are compared through their fingerprint.
func sameConfig(a, b *apiclient.UpdateConfigRequest) bool {
	x, y := *a, *b
	x.EncryptedUserData, y.EncryptedUserData = "", ""
	// Only managed fields: if a version and latest differed only in a
	// field fgsdeploy does not manage (or in how the service reports it),
	// a publish could meet FSS.1016.
	x.Unmanaged, y.Unmanaged = nil, nil
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(bx) == string(by)
}

// unseenSecrets reports whether the live function has secrets that a
// config update cannot send back (docs/api-notes.md rule 1): the manifest
// does not declare encrypted_environment, GET config did not return
// encrypted_user_data, and something says there are some: the
// fingerprint fgsdeploy keeps beside them, or a KMS key for user data.
func unseenSecrets(f *manifest.Function, live *apiclient.Function) bool {
	if f.EncryptedEnvironment != nil || live.EncryptedUserData != "" {
		return false
	}
	_, fp := parseEnv(live.UserData)[FingerprintKey]
	_, kms := live.Unmanaged["user_data_encrypt_kms_key_id"]
	return fp || kms
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
