package planner

import "github.com/fgsdeploy/fgsdeploy/apiclient"

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
	l := &LiveFunction{Config: c, Environment: env, Mounts: mountView(c.MountConfig), ConcurrentNum: concurrentView(c.StrategyConfig), Dependencies: sortedCopy(f.DependVersionList)}
	l.MaxInstances, l.HasMaxInstances = liveMaxInstances(f)
	return l
}
