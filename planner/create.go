package planner

import (
	"encoding/json"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// planCreate plans a function that does not exist yet. The create body
// takes everything FunctionGraph's create takes (docs/api-notes.md rule
// 13), so a create is one call; what create has no field for
// (strategy_config's concurrent_num, ephemeral_storage) follows in a
// config update, and max_instances in its own call, each a step with the
// body it sends. It returns the config latest will have after them.
func planCreate(fp *plan.FunctionPlan, f *manifest.Function, code *plan.CodeFile, src codeSource, salt []byte) (*apiclient.UpdateConfigRequest, error) {
	secretsFP, _ := secretsFingerprint(f, nil, salt)
	base := createConfig(&apiclient.CreateRequest{FuncName: f.FuncName, Runtime: f.Runtime, Handler: f.Handler,
		MemorySize: DefaultMemorySize, Timeout: DefaultTimeout})
	if f.EnterpriseProjectID != nil {
		// A config update sends back what it does not manage: the
		// function stays in its enterprise project.
		ep, _ := json.Marshal(*f.EnterpriseProjectID)
		base.Unmanaged = map[string]json.RawMessage{"enterprise_project_id": ep}
	}
	want := wantConfig(base, f, secretsFP)
	if err := checkConfig(f, want); err != nil {
		return nil, err
	}
	if f.LogConfig != nil && f.LogConfig.Auto {
		// enable_lts_log without log_config: FunctionGraph makes a log
		// group and stream for the new function (docs/api-notes.md, rule 5).
		on := true
		want.EnableLtsLog, want.LogConfig = &on, nil
	}
	req := createBody(f, want, src)
	created := createConfig(req)
	if src.upload != nil {
		fp.Steps = append(fp.Steps, src.uploadStep())
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.CreateFunction{Body: req, Code: code}, Changes: createChanges(f, req, code, base, created)})

	latest := created
	if !sameConfig(created, want) && f.LogConfig != nil && f.LogConfig.Auto {
		return nil, f.Errorf("log_config", "auto with concurrent_num or ephemeral_storage: FunctionGraph sets those in a config update after the create, which would have to send the log target it makes, unknown when planning; declare log_config: {group_id: ..., stream_id: ...}")
	}
	if !sameConfig(created, want) {
		latest = want
		var cc []plan.Change
		for _, c := range configChanges(created, want, false) {
			c.Action = plan.Create
			cc = append(cc, c)
		}
		fp.Steps = append(fp.Steps, plan.Step{Request: &plan.UpdateConfig{Body: want}, Changes: cc})
	}
	if f.MaxInstances != nil {
		fp.Steps = append(fp.Steps, plan.Step{Request: &plan.SetMaxInstances{N: *f.MaxInstances},
			Changes: []plan.Change{{Action: plan.Create, Field: "max_instances", After: *f.MaxInstances}}})
	}
	return latest, nil
}

// createBody is the create request of f with the config want.
func createBody(f *manifest.Function, want *apiclient.UpdateConfigRequest, src codeSource) *apiclient.CreateRequest {
	req := &apiclient.CreateRequest{
		FuncName:           f.FuncName,
		Package:            f.Package,
		Runtime:            f.Runtime,
		Handler:            want.Handler,
		MemorySize:         want.MemorySize,
		Timeout:            want.Timeout,
		CodeType:           src.codeType,
		CodeURL:            src.url,
		CodeFilename:       src.filename,
		CodeFile:           src.file,
		Type:               functionGraphVersion(f),
		UserData:           want.UserData,
		EncryptedUserData:  want.EncryptedUserData,
		Xrole:              want.Xrole,
		AppXrole:           want.AppXrole,
		Description:        want.Description,
		FuncVpc:            want.FuncVpc,
		MountConfig:        want.MountConfig,
		InitializerHandler: want.InitializerHandler,
		InitializerTimeout: want.InitializerTimeout,
		PreStopHandler:     want.PreStopHandler,
		PreStopTimeout:     want.PreStopTimeout,
		EnableLtsLog:       want.EnableLtsLog,
		LogConfig:          want.LogConfig,
		DependVersionList:  sortedCopy(f.Dependencies),
	}
	setStr(&req.EnterpriseProjectID, f.EnterpriseProjectID)
	return req
}

// DefaultFunctionGraphVersion is the type fgsdeploy creates functions
// with when the manifest does not say (functiongraph_version), as before
// the key existed; the SDK's own default is v1.
const DefaultFunctionGraphVersion = "v2"

func functionGraphVersion(f *manifest.Function) string {
	if f.FunctionGraphVersion != nil {
		return *f.FunctionGraphVersion
	}
	return DefaultFunctionGraphVersion
}

// createChanges shows what a create sets: the fields of the create body
// in its order, then what else differs from a function created with
// nothing but defaults.
func createChanges(f *manifest.Function, req *apiclient.CreateRequest, code *plan.CodeFile, base, created *apiclient.UpdateConfigRequest) []plan.Change {
	var ch []plan.Change
	add := func(field string, v any) {
		if !isEmpty(v) {
			ch = append(ch, plan.Change{Action: plan.Create, Field: field, After: v})
		}
	}
	add("package", req.Package)
	add("enterprise_project_id", req.EnterpriseProjectID)
	add("runtime", req.Runtime)
	if f.FunctionGraphVersion != nil {
		add("functiongraph_version", req.Type)
	}
	add("handler", req.Handler)
	add("memory_size", req.MemorySize)
	add("timeout", req.Timeout)
	add("description", req.Description)
	add("xrole", req.Xrole)
	add("app_xrole", req.AppXrole)
	add("code_type", req.CodeType)
	if code != nil {
		add("code.digest", code.Digest)
		add("code.size", code.Size)
	}
	add("code.obs_url", f.Code.ObsURL)
	add("dependencies", req.DependVersionList)
	for _, c := range configChanges(base, created, f.EncryptedEnvironment != nil) {
		switch c.Field {
		case "handler", "memory_size", "timeout", "description", "xrole", "app_xrole":
			continue // listed above, in the order of the create body
		}
		if c.Sensitive {
			c.Before = nil
		}
		c.Action = plan.Create
		ch = append(ch, c)
	}
	return ch
}

// createConfig is the config a function has right after a create with
// this body: what the body sets, and FunctionGraph's defaults for what
// create cannot set (one request per instance, 400 instances, 512 MB of
// ephemeral storage).
func createConfig(req *apiclient.CreateRequest) *apiclient.UpdateConfigRequest {
	one, max := 1, DefaultMaxInstances
	c := &apiclient.UpdateConfigRequest{FuncName: req.FuncName, Runtime: req.Runtime, Timeout: req.Timeout,
		Handler: req.Handler, MemorySize: req.MemorySize, Description: req.Description, Xrole: req.Xrole, AppXrole: req.AppXrole,
		UserData: req.UserData, EncryptedUserData: req.EncryptedUserData, FuncVpc: req.FuncVpc, MountConfig: req.MountConfig,
		InitializerHandler: req.InitializerHandler, InitializerTimeout: req.InitializerTimeout,
		PreStopHandler: req.PreStopHandler, PreStopTimeout: req.PreStopTimeout,
		EnableLtsLog: req.EnableLtsLog, LogConfig: req.LogConfig,
		StrategyConfig: &apiclient.StrategyConfig{Concurrency: &max, ConcurrentNum: &one}, EphemeralStorage: DefaultEphemeralStorage}
	if req.EnterpriseProjectID != "" {
		ep, _ := json.Marshal(req.EnterpriseProjectID)
		c.Unmanaged = map[string]json.RawMessage{"enterprise_project_id": ep}
	}
	return c
}
