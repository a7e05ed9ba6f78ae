package planner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// API is what planning reads from FunctionGraph. It never writes.
type API interface {
	FunctionURN(pkg, name string) string
	GetConfig(ctx context.Context, urn string) (*apiclient.Function, error)
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
	ListAliases(ctx context.Context, urn string) ([]apiclient.Alias, error)
	GetCode(ctx context.Context, urn string) (*apiclient.Code, error)
	ListTriggers(ctx context.Context, urn string) ([]apiclient.Trigger, error)
}

var _ API = (*apiclient.Client)(nil)

// Options tune Compute.
type Options struct {
	// Parallelism bounds concurrent reads and packaging; 0 means 8.
	Parallelism int
	// Targets narrows the plan to these function names; empty means all.
	Targets []string
	// TempDir is where packages are built; "" means the system default.
	TempDir string
	// Salt keys the secrets fingerprints; nil means a fresh random salt.
	// A saved plan passes its own salt back when it is applied.
	Salt []byte
	// Rand is the randomness source for a fresh salt; nil means crypto/rand.
	Rand io.Reader
	// VersionCap is FunctionGraph's limit on versions per function, latest
	// included; 0 means DefaultVersionCap.
	VersionCap int
	// PackageProgress, when set, is handed to codezip for every package
	// built (a progress bar on a terminal).
	PackageProgress func(total int64) io.Writer
}

// Compute reads the live state of every selected function, builds its code
// package and returns the ordered plan. It changes nothing remotely. A
// failure that concerns one function (a refusal, a read that still failed
// after its retries) is kept in Plan.Failures and the other functions are
// planned. An error is returned only for the run as a whole (an unknown
// target; ErrInterrupted when ctx is cancelled), and then the plan is nil
// and temporary packages are removed.
func Compute(ctx context.Context, api API, proj *manifest.Project, opts Options) (*plan.Plan, error) {
	fns, err := selectFunctions(proj, opts.Targets)
	if err != nil {
		return nil, err
	}
	salt := opts.Salt
	if salt == nil {
		salt = make([]byte, 16)
		r := opts.Rand
		if r == nil {
			r = rand.Reader
		}
		if _, err := io.ReadFull(r, salt); err != nil {
			return nil, fmt.Errorf("make plan salt: %w", err)
		}
	}
	par := opts.Parallelism
	if par <= 0 {
		par = 8
	}
	pk := &packager{proj: proj, tempDir: opts.TempDir, progress: opts.PackageProgress, built: map[string]*pkgResult{}}
	out := &plan.Plan{Manifest: proj.File, Env: proj.Env, Salt: salt}
	planned := make([]*plan.FunctionPlan, len(fns))
	failed := make([]*plan.FunctionError, len(fns))

	var wg sync.WaitGroup
	// par workers take the functions in name order: with parallelism 1 a
	// plan is the same sequence of requests every time.
	queue := make(chan int)
	go func() {
		defer close(queue)
		for i := range fns {
			queue <- i
		}
	}()
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				f := fns[i]
				if ctx.Err() != nil {
					continue
				}
				fp, err := planFunction(ctx, api, pk, f, salt, opts.VersionCap)
				if err != nil {
					failed[i] = &plan.FunctionError{Name: f.Name, URN: api.FunctionURN(f.Package, f.Name), Err: err}
				} else {
					planned[i] = fp
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		// The failures an interrupt causes (cancelled requests, retries
		// cut short) are its consequence, not news.
		pk.close()
		return nil, ErrInterrupted
	}
	for i := range fns {
		if planned[i] != nil {
			out.Functions = append(out.Functions, planned[i])
		} else {
			out.Failures = append(out.Failures, failed[i])
		}
	}
	sort.Slice(out.Functions, func(i, j int) bool { return out.Functions[i].Name < out.Functions[j].Name })
	sort.Slice(out.Failures, func(i, j int) bool { return out.Failures[i].Name < out.Failures[j].Name })
	out.Files = pk.files()
	return out, nil
}

// ErrInterrupted is returned by Compute when its context is cancelled:
// planning writes nothing, so nothing was changed.
var ErrInterrupted = errors.New("interrupted while planning; nothing was changed")

func selectFunctions(proj *manifest.Project, targets []string) ([]*manifest.Function, error) {
	if len(targets) == 0 {
		return proj.Functions, nil
	}
	byName := map[string]*manifest.Function{}
	for _, f := range proj.Functions {
		byName[f.Name] = f
	}
	var out []*manifest.Function
	seen := map[string]bool{}
	for _, t := range targets {
		f, ok := byName[t]
		if !ok {
			names := make([]string, 0, len(byName))
			for n := range byName {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("target %q is not a function of %s (functions: %s)", t, proj.File, strings.Join(names, ", "))
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// packager builds each code path once, however many functions share it.
type packager struct {
	proj     *manifest.Project
	tempDir  string
	progress func(total int64) io.Writer
	mu       sync.Mutex
	built    map[string]*pkgResult
}

type pkgResult struct {
	once sync.Once
	res  *codezip.Result
	err  error
}

func (p *packager) build(ctx context.Context, path string) (*codezip.Result, error) {
	p.mu.Lock()
	r, ok := p.built[path]
	if !ok {
		r = &pkgResult{}
		p.built[path] = r
	}
	p.mu.Unlock()
	r.once.Do(func() {
		r.res, r.err = codezip.Build(ctx, path, codezip.Options{
			Root:     p.proj.Dir,
			Exclude:  []string{absManifest(p.proj), filepath.Join(p.proj.Dir, ".fgsdeploy")},
			TempDir:  p.tempDir,
			Progress: p.progress,
		})
	})
	return r.res, r.err
}

// files returns every package built, for the plan to own.
func (p *packager) files() []io.Closer {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []io.Closer
	for _, path := range sortedKeys(p.built) {
		if r := p.built[path]; r.res != nil {
			out = append(out, r.res)
		}
	}
	return out
}

func (p *packager) close() {
	for _, f := range p.files() {
		f.Close()
	}
}

func absManifest(proj *manifest.Project) string {
	if filepath.IsAbs(proj.File) {
		return proj.File
	}
	return filepath.Join(proj.Dir, filepath.Base(proj.File))
}

// Package builds the code package of f (nil for obs code). The caller
// closes the result.
func Package(ctx context.Context, proj *manifest.Project, f *manifest.Function, tempDir string, progress func(total int64) io.Writer) (*codezip.Result, error) {
	if f.Code.Path == "" {
		return nil, nil
	}
	pk := &packager{proj: proj, tempDir: tempDir, progress: progress, built: map[string]*pkgResult{}}
	return pk.build(ctx, f.Code.Path)
}

func planFunction(ctx context.Context, api API, pk *packager, f *manifest.Function, salt []byte, versionCap int) (*plan.FunctionPlan, error) {
	fp := &plan.FunctionPlan{Name: f.Name, Package: f.Package, URN: api.FunctionURN(f.Package, f.Name)}
	if f.Runtime == "Custom Image" {
		// Its code is a container image (custom_image), not a package: a
		// code update would replace the image with a zip.
		return nil, fmt.Errorf("%s: fgsdeploy does not manage Custom Image functions yet (their code is a container image, not a package): leave it out of the manifest", f.Name)
	}
	if f.Code.Path != "" {
		res, err := pk.build(ctx, f.Code.Path)
		if err != nil {
			return nil, fmt.Errorf("package %s: %w", f.Name, err)
		}
		if err := res.CheckUploadLimit(); err != nil {
			return nil, fmt.Errorf("package %s: %w", f.Name, err)
		}
		fp.CodeFile = &plan.CodeFile{Path: res.Path, Digest: res.Digest, Size: res.Size}
		fp.Digest = res.Digest
	}
	live, err := api.GetConfig(ctx, fp.URN)
	switch {
	case apiclient.IsNotFound(err):
		live = nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	st := &versionState{aliases: map[string]apiclient.Alias{}}
	in := releaseInputs{digest: fp.Digest}
	if live == nil {
		if err := planCreate(fp, f, salt); err != nil {
			return nil, err
		}
		in.config = fp.ConfigReq
		if in.config == nil {
			in.config = createConfig(fp.CreateReq)
		}
	} else {
		// The dependencies a code update must send: GET config carries
		// them in current API versions, GET code in all of them. Only
		// when config shows none and they matter is code read too.
		codeChanges := (f.Code.ObsURL != "" && (live.CodeType != "obs" || live.CodeURL != f.Code.ObsURL)) ||
			(f.Code.Path != "" && live.Digest != fp.Digest)
		if len(live.DependVersionList) == 0 && (f.Dependencies != nil || codeChanges) {
			code, err := api.GetCode(ctx, fp.URN)
			if err != nil {
				return nil, fmt.Errorf("read code of %s: %w", f.Name, err)
			}
			live.DependVersionList = code.DependVersionList
		}
		if err := planUpdate(fp, f, live, salt); err != nil {
			return nil, err
		}
		if f.Code.Path == "" && fp.CodeReq == nil {
			in.digest = live.Digest
		}
		in.config = fp.ConfigReq
		if in.config == nil {
			in.config = liveConfig(live)
		}
		if f.Publish != nil || len(f.Aliases) > 0 {
			if st, err = readVersionState(ctx, api, fp.URN); err != nil {
				return nil, fmt.Errorf("read %s: %w", f.Name, err)
			}
			fp.Pre.Release = st.fingerprint()
		}
	}
	in.triggers = func(version string) (int, error) {
		ts, err := api.ListTriggers(ctx, fp.URN+":"+version)
		if err != nil {
			return 0, fmt.Errorf("read triggers of %s version %s: %w", f.Name, version, err)
		}
		return len(ts), nil
	}
	in.latestChanges = len(fp.Steps) > 0
	in.dependenciesChange = slices.ContainsFunc(fp.Steps, func(s plan.Step) bool {
		return s.Type == plan.StepCode && slices.ContainsFunc(s.Changes, func(c plan.Change) bool { return c.Field == "dependencies" })
	})
	in.versionConfig = func(version string) (*apiclient.Function, error) {
		cfg, err := api.GetConfig(ctx, fp.URN+":"+version)
		if err != nil {
			return nil, fmt.Errorf("read %s version %s: %w", f.Name, version, err)
		}
		return cfg, nil
	}
	if err := planRelease(fp, f, st, in, versionCap); err != nil {
		return nil, err
	}
	if len(fp.Steps) > 0 {
		fp.Action = plan.Update
		if live == nil {
			fp.Action = plan.Create
		}
	}
	fp.DesiredFingerprint = desiredFingerprint(fp)
	return fp, nil
}

// secretsFingerprint returns the fingerprint to store for f's secrets and
// whether they differ from what the live function holds.
func secretsFingerprint(f *manifest.Function, liveEnv map[string]string, salt []byte) (string, bool) {
	if f.EncryptedEnvironment == nil {
		return "", false
	}
	if stored, ok := liveEnv[FingerprintKey]; ok && fingerprintMatches(stored, f.EncryptedEnvironment) {
		return stored, false
	}
	return fingerprintWithSalt(f.EncryptedEnvironment, functionSalt(salt, f.Name)), true
}

func codeType(f *manifest.Function) string {
	switch {
	case f.Code.ObsURL != "":
		return "obs"
	case strings.EqualFold(filepath.Ext(f.Code.Path), ".jar"):
		return "jar"
	}
	return "zip"
}

func codeFilename(f *manifest.Function) string {
	if f.Code.ObsURL != "" {
		return ""
	}
	if f.Code.IsArchive {
		return filepath.Base(f.Code.Path)
	}
	return f.Name + ".zip"
}

// planCreate plans a function that does not exist yet. The create body
// takes everything FunctionGraph's create takes (docs/api-notes.md rule
// 13), so a create is one call; what create has no field for
// (strategy_config's concurrent_num, ephemeral_storage) follows in a
// config update, and max_instances in its own call, each decided here
// with the body it sends.
func planCreate(fp *plan.FunctionPlan, f *manifest.Function, salt []byte) error {
	fp.Action = plan.Create
	secretsFP, _ := secretsFingerprint(f, nil, salt)
	base := createConfig(&apiclient.CreateRequest{FuncName: f.Name, Runtime: f.Runtime, Handler: f.Handler,
		MemorySize: DefaultMemorySize, Timeout: DefaultTimeout})
	if f.EnterpriseProjectID != nil {
		// A config update sends back what it does not manage: the
		// function stays in its enterprise project.
		ep, _ := json.Marshal(*f.EnterpriseProjectID)
		base.Unmanaged = map[string]json.RawMessage{"enterprise_project_id": ep}
	}
	want := wantConfig(base, f, secretsFP)
	if err := checkConfig(f.Name, want); err != nil {
		return err
	}
	req := &apiclient.CreateRequest{
		FuncName:           f.Name,
		Package:            f.Package,
		Runtime:            f.Runtime,
		Handler:            want.Handler,
		MemorySize:         want.MemorySize,
		Timeout:            want.Timeout,
		CodeType:           codeType(f),
		CodeURL:            f.Code.ObsURL,
		CodeFilename:       codeFilename(f),
		Type:               "v2",
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
	if fp.CodeFile != nil {
		req.CodeFile = fp.CodeFile.Path
	}
	fp.CreateReq = req

	var ch []plan.Change
	addC := func(field string, v any) {
		if !isEmpty(v) {
			ch = append(ch, plan.Change{Action: plan.Create, Field: field, After: v})
		}
	}
	addC("package", req.Package)
	addC("enterprise_project_id", req.EnterpriseProjectID)
	addC("runtime", req.Runtime)
	addC("handler", req.Handler)
	addC("memory_size", req.MemorySize)
	addC("timeout", req.Timeout)
	addC("description", req.Description)
	addC("xrole", req.Xrole)
	addC("app_xrole", req.AppXrole)
	addC("code_type", req.CodeType)
	if fp.Digest != "" {
		addC("code.digest", fp.Digest)
		addC("code.size", fp.CodeFile.Size)
	}
	addC("code.obs_url", req.CodeURL)
	addC("dependencies", req.DependVersionList)
	created := createConfig(req)
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
	fp.Steps = []plan.Step{{Type: plan.StepCreate, Changes: ch}}

	if !sameConfig(created, want) {
		fp.ConfigReq = want
		var cc []plan.Change
		for _, c := range configChanges(created, want, false) {
			c.Action = plan.Create
			cc = append(cc, c)
		}
		fp.Steps = append(fp.Steps, plan.Step{Type: plan.StepConfig, Changes: cc})
	}
	if f.MaxInstances != nil {
		fp.MaxInstances = f.MaxInstances
		fp.Steps = append(fp.Steps, plan.Step{Type: plan.StepMaxInstances, Changes: []plan.Change{{Action: plan.Create, Field: "max_instances", After: *f.MaxInstances}}})
	}
	return nil
}

func planUpdate(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, salt []byte) error {
	if live.Runtime != f.Runtime {
		return fmt.Errorf("%s: runtime cannot change in place (live %s, declared %s): delete the function or give it another name", f.Name, live.Runtime, f.Runtime)
	}
	if want := f.EnterpriseProjectID; want != nil {
		var have string
		if raw, ok := live.Unmanaged["enterprise_project_id"]; ok {
			json.Unmarshal(raw, &have)
		}
		if have != "" && have != *want {
			return fmt.Errorf("%s: the function is in enterprise project %s, not %s: fgsdeploy sets enterprise_project_id only when it creates a function; move it in the Enterprise Project console or change the manifest", f.Name, have, *want)
		}
	}
	fp.Pre = plan.Precondition{Exists: true, Digest: live.Digest, LastModified: live.LastModified, ConfigFingerprint: configFingerprint(live)}

	// Code.
	var code []plan.Change
	wantType := codeType(f)
	switch {
	case f.Code.ObsURL != "":
		if live.CodeType != "obs" || live.CodeURL != f.Code.ObsURL {
			code = append(code, plan.Change{Action: plan.Update, Field: "code.obs_url", Before: live.CodeURL, After: f.Code.ObsURL})
		}
	case live.Digest != fp.Digest:
		code = append(code, plan.Change{Action: plan.Update, Field: "code.digest", Before: live.Digest, After: fp.Digest})
	}
	deps := sortedCopy(live.DependVersionList)
	if f.Dependencies != nil {
		want := sortedCopy(f.Dependencies)
		if strings.Join(want, "\n") != strings.Join(deps, "\n") {
			code = append(code, plan.Change{Action: plan.Update, Field: "dependencies", Before: deps, After: want})
		}
		deps = want
	}
	if len(code) > 0 {
		req := &apiclient.UpdateCodeRequest{CodeType: wantType, CodeURL: f.Code.ObsURL, CodeFilename: codeFilename(f), DependVersionList: deps,
			CodeEncryptKmsKeyID: live.CodeEncryptKmsKeyID} // not managed: kept
		if fp.CodeFile != nil {
			req.CodeFile = fp.CodeFile.Path
		}
		fp.CodeReq = req
		fp.Steps = append(fp.Steps, plan.Step{Type: plan.StepCode, Changes: code})
	}

	// Config.
	base := liveConfig(live)
	secretsFP, secretsChanged := secretsFingerprint(f, parseEnv(base.UserData), salt)
	want := wantConfig(base, f, secretsFP)
	if secretsChanged || !sameConfig(base, want) {
		if ch := configChanges(base, want, secretsChanged); len(ch) > 0 {
			if err := checkConfig(f.Name, want); err != nil {
				return err
			}
			fp.ConfigReq = want
			fp.Steps = append(fp.Steps, plan.Step{Type: plan.StepConfig, Changes: ch})
			if unseenSecrets(f, live) {
				fp.Notes = append(fp.Notes, "this config update cannot send back the function's encrypted_environment: FunctionGraph does not return it and the manifest does not declare it; declare it so that the update cannot drop it")
			}
		}
	}

	// Max instances.
	if f.MaxInstances != nil {
		n, known := liveMaxInstances(live)
		if !known || n != *f.MaxInstances {
			var before any
			if known {
				before = n
			}
			fp.MaxInstances = f.MaxInstances
			fp.Steps = append(fp.Steps, plan.Step{Type: plan.StepMaxInstances, Changes: []plan.Change{{Action: plan.Update, Field: "max_instances", Before: before, After: *f.MaxInstances}}})
		}
	}
	return nil
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

// createConfig is the config a function has right after a create with
// this body: what the body sets, and FunctionGraph's defaults for what
// create cannot set (one request per instance, 512 MB of ephemeral
// storage).
func createConfig(req *apiclient.CreateRequest) *apiclient.UpdateConfigRequest {
	one := 1
	c := &apiclient.UpdateConfigRequest{FuncName: req.FuncName, Runtime: req.Runtime, Timeout: req.Timeout,
		Handler: req.Handler, MemorySize: req.MemorySize, Description: req.Description, Xrole: req.Xrole, AppXrole: req.AppXrole,
		UserData: req.UserData, EncryptedUserData: req.EncryptedUserData, FuncVpc: req.FuncVpc, MountConfig: req.MountConfig,
		InitializerHandler: req.InitializerHandler, InitializerTimeout: req.InitializerTimeout,
		PreStopHandler: req.PreStopHandler, PreStopTimeout: req.PreStopTimeout,
		EnableLtsLog: req.EnableLtsLog, LogConfig: req.LogConfig,
		StrategyConfig: &apiclient.StrategyConfig{ConcurrentNum: &one}, EphemeralStorage: DefaultEphemeralStorage}
	if req.EnterpriseProjectID != "" {
		ep, _ := json.Marshal(req.EnterpriseProjectID)
		c.Unmanaged = map[string]json.RawMessage{"enterprise_project_id": ep}
	}
	return c
}

// checkConfig refuses, before anything changes, a config FunctionGraph
// would refuse only after a create went through: a VPC needs an agency
// (xrole) with VPC permissions (docs/api-notes.md, other facts).
func checkConfig(name string, c *apiclient.UpdateConfigRequest) error {
	if c.FuncVpc != nil && c.Xrole == "" {
		return fmt.Errorf("%s: func_vpc needs xrole, an agency with VPC permissions, and the function has none", name)
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

// configFingerprint hashes the normalised live config, so a saved plan can
// tell whether the function's config moved since planning.
func configFingerprint(live *apiclient.Function) string {
	c := liveConfig(live)
	c.EncryptedUserData = "" // a secret: never hashed into a plan file
	b, _ := json.Marshal(struct {
		C   *apiclient.UpdateConfigRequest
		Max string
		Dep []string
	}{c, live.MaxInstanceNum, sortedCopy(live.DependVersionList)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// desiredFingerprint hashes every request apply would send, without secret
// values (they are covered by their fingerprint in user_data) or file paths.
func desiredFingerprint(fp *plan.FunctionPlan) string {
	type view struct {
		Create   *apiclient.CreateRequest
		Code     *apiclient.UpdateCodeRequest
		Config   *apiclient.UpdateConfigRequest
		Max      *int
		Digest   string
		Publish  *apiclient.PublishRequest
		Aliases  []plan.AliasOp
		MakeRoom []string `json:",omitempty"`
		Prune    []string
	}
	v := view{Max: fp.MaxInstances, Digest: fp.Digest, Publish: fp.PublishReq, Aliases: fp.AliasOps, MakeRoom: fp.MakeRoom, Prune: fp.Prune}
	if fp.CreateReq != nil {
		c := *fp.CreateReq
		c.EncryptedUserData, c.CodeFile = "", ""
		v.Create = &c
	}
	if fp.CodeReq != nil {
		c := *fp.CodeReq
		c.CodeFile = ""
		v.Code = &c
	}
	if fp.ConfigReq != nil {
		c := *fp.ConfigReq
		c.EncryptedUserData = ""
		v.Config = &c
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
