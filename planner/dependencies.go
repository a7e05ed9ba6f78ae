package planner

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// Dependency packages the project builds (top-level dependencies):
// planned once per project, before its functions, which get the version
// this apply publishes (plan.PendingDependency) or the newest one.

// DependencyAPI is what planning reads of dependency packages.
type DependencyAPI interface {
	ListDependencies(ctx context.Context, name string) ([]apiclient.Dependency, error)
	ListDependencyVersions(ctx context.Context, depID string) ([]apiclient.DependencyVersion, error)
}

var _ DependencyAPI = (*apiclient.Client)(nil)

// MaxDependFile is the largest dependency package fgsdeploy sends in the
// request (depend_file): the SDK and the English API reference say 40 MB,
// the current Chinese reference 10 MB; 10 MB is right under both
// (docs/api-notes.md, dependencies). A bigger one goes through OBS.
const MaxDependFile = 10 << 20

// depState is what the function plans need of a dependency's plan, and
// what its prune needs later.
type depState struct {
	dep      *manifest.Dependency
	plan     *plan.DependencyPlan
	depID    string
	versions []apiclient.DependencyVersion // newest first
	err      error
}

// planDependencies plans every dependency of the project. A dependency
// that cannot be planned fails the functions that use it, not the others.
func planDependencies(ctx context.Context, api API, pk *packager, proj *manifest.Project) map[string]*depState {
	out := map[string]*depState{}
	if len(proj.Dependencies) == 0 {
		return out
	}
	dapi, ok := api.(DependencyAPI)
	for _, d := range proj.Dependencies {
		st := &depState{dep: d}
		out[d.Name] = st
		if !ok {
			st.err = fmt.Errorf("dependency %s: this client cannot read dependencies", d.Name)
			continue
		}
		st.err = planDependency(ctx, dapi, pk, st)
	}
	return out
}

func planDependency(ctx context.Context, api DependencyAPI, pk *packager, st *depState) error {
	d := st.dep
	res, err := pk.build(ctx, d.Path)
	if err != nil {
		return fmt.Errorf("package dependency %s: %w", d.Name, err)
	}
	if res.Size > MaxDependFile && d.OBS == nil {
		return fmt.Errorf("dependency %s: the package is %d bytes; FunctionGraph takes at most %d in the request (depend_file): set dependencies.%s.obs (or defaults.code.obs) to upload it through OBS", d.Name, res.Size, MaxDependFile, d.Name)
	}
	sum, err := md5Of(res.Path)
	if err != nil {
		return fmt.Errorf("package dependency %s: %w", d.Name, err)
	}
	code := &plan.CodeFile{Path: res.Path, Digest: res.Digest, Size: res.Size}
	dp := &plan.DependencyPlan{Name: d.Name}
	st.plan = dp
	deps, err := api.ListDependencies(ctx, d.Name)
	if err != nil {
		return fmt.Errorf("read dependency %s: %w", d.Name, err)
	}
	var newest *apiclient.DependencyVersion
	if len(deps) > 0 {
		st.depID = deps[0].ID
		vs, err := api.ListDependencyVersions(ctx, st.depID)
		if err != nil {
			return fmt.Errorf("read versions of dependency %s: %w", d.Name, err)
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].Version > vs[j].Version })
		st.versions = vs
		if len(vs) > 0 {
			newest = &vs[0]
		}
	}
	var loc *apiclient.Location
	if d.OBS != nil && res.Size > MaxDependFile {
		l := apiclient.Location{Host: obsHost(d.OBS, pk.region), Bucket: d.OBS.Bucket, Key: d.OBS.Prefix + "dependencies/" + d.Name + "/" + code.Digest + ".zip"}
		loc = &l
	}
	same, err := pk.samePackage(ctx, newest, sum, code, loc)
	if err != nil {
		return fmt.Errorf("dependency %s: %w", d.Name, err)
	}
	if same && newest.Runtime == d.Runtime {
		dp.Version = newest.ID
		if newest.Description != d.Description {
			dp.Notes = append(dp.Notes, fmt.Sprintf("the description differs from version %d; a dependency version is published only when its package or runtime changes", newest.Version))
		}
		return nil
	}
	// A new version of a dependency that exists updates it; only the
	// first version creates it.
	dp.Action, dp.Version = plan.Update, plan.PendingDependency(d.Name)
	if st.depID == "" {
		dp.Action = plan.Create
	}
	body := &apiclient.CreateDependencyRequest{DependType: "zip", DependFile: res.Path, Runtime: d.Runtime, Name: d.Name, Description: d.Description}
	if loc != nil {
		body = &apiclient.CreateDependencyRequest{DependType: "obs", DependLink: loc.URL(), Runtime: d.Runtime, Name: d.Name, Description: d.Description}
		dp.Steps = append(dp.Steps, codeSource{upload: &plan.UploadObject{Object: *loc, Code: code, Digest: code.Digest, Size: code.Size}}.uploadStep())
	}
	ch := []plan.Change{}
	if newest == nil {
		ch = append(ch, plan.Change{Action: plan.Create, Field: "version", After: 1})
	} else {
		ch = append(ch, plan.Change{Action: plan.Create, Field: "version", After: newest.Version + 1})
		if newest.Runtime != d.Runtime {
			ch = append(ch, plan.Change{Action: plan.Update, Field: "runtime", Before: newest.Runtime, After: d.Runtime})
		}
	}
	ch = append(ch, plan.Change{Action: plan.Create, Field: "etag", After: sum}, plan.Change{Action: plan.Create, Field: "size", After: code.Size})
	dp.Steps = append(dp.Steps, plan.Step{Request: &plan.PublishDependency{Body: body, Code: code, Etag: sum}, Changes: ch})
	return nil
}

// samePackage reports whether the newest version holds the package of
// this MD5: its etag is that MD5 (the SDK documents etag as the package's
// MD5), or, for a package uploaded through OBS, the ETag the object at
// its content-addressed key reports, which is what FunctionGraph may
// report instead for a package from OBS (docs/api-notes.md: an open
// rule). Correct under both readings.
func (p *packager) samePackage(ctx context.Context, newest *apiclient.DependencyVersion, sum string, code *plan.CodeFile, loc *apiclient.Location) (bool, error) {
	switch {
	case newest == nil:
		return false, nil
	case newest.Etag == sum && newest.Size == code.Size:
		return true, nil
	case loc == nil || p.objects == nil:
		return false, nil
	}
	info, err := p.objects.Head(ctx, *loc)
	if apiclient.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return info.ETag == newest.Etag && info.Meta[apiclient.MetaSHA512] == code.Digest && newest.Size == code.Size, nil
}

func md5Of(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// resolveDependencies returns f with the names of its dependencies
// replaced by the versions they resolve to; a dependency that could not be
// planned is an error of f.
func resolveDependencies(f *manifest.Function, deps map[string]*depState) (*manifest.Function, error) {
	if len(f.Dependencies) == 0 {
		return f, nil
	}
	out := *f
	out.Dependencies = make([]string, len(f.Dependencies))
	for i, name := range f.Dependencies {
		st, ok := deps[name]
		if !ok {
			out.Dependencies[i] = name // a version id or URN
			continue
		}
		if st.err != nil {
			return nil, fmt.Errorf("%s: uses dependency %s, which could not be planned: %w", f.Name, name, st.err)
		}
		out.Dependencies[i] = st.plan.Version
	}
	return &out, nil
}

// planDependencyPrunes adds each dependency's prune (keep: N) once the
// functions are planned: the N newest versions stay, and so does every
// version a function of the manifest uses, live (latest or a published
// version) or after this apply. A plan narrowed by --target prunes
// nothing: the other functions' uses are not known to it.
func planDependencyPrunes(ctx context.Context, api API, proj *manifest.Project, deps map[string]*depState, planned []*plan.FunctionPlan, targeted bool) error {
	var keepers []*depState
	for _, d := range proj.Dependencies {
		if st := deps[d.Name]; st.err == nil && d.Keep > 0 && len(st.versions) > d.Keep-boolInt(publishes(st.plan)) {
			keepers = append(keepers, st)
		}
	}
	if len(keepers) == 0 {
		return nil
	}
	if targeted {
		for _, st := range keepers {
			st.plan.Notes = append(st.plan.Notes, "keep: not applied by a plan narrowed with --target (the other functions' dependencies are not read)")
		}
		return nil
	}
	used := map[string]bool{}
	for _, fp := range planned {
		for _, s := range fp.Steps {
			switch r := s.Request.(type) {
			case *plan.CreateFunction:
				for _, id := range r.Body.DependVersionList {
					used[id] = true
				}
			case *plan.UpdateCode:
				for _, id := range r.Body.DependVersionList {
					used[id] = true
				}
			}
		}
	}
	for _, f := range proj.Functions {
		if err := dependencyUse(ctx, api, api.FunctionURN(f.Package, f.FuncName), used); err != nil {
			return fmt.Errorf("%w, for dependency keep", err)
		}
	}
	for _, st := range keepers {
		kept := boolInt(publishes(st.plan)) // the version this apply publishes
		for _, v := range st.versions {     // newest first
			if used[v.ID] {
				continue
			}
			if kept < st.dep.Keep {
				kept++
				continue
			}
			st.plan.Steps = append(st.plan.Steps, plan.Step{Request: &plan.DeleteDependencyVersion{DepID: st.depID, Version: v.Version, ID: v.ID},
				Changes: []plan.Change{{Action: plan.Delete, Field: "version", Before: v.Version}}})
			if st.plan.Action == plan.NoOp {
				st.plan.Action = plan.Update
			}
		}
	}
	return nil
}

// publishes reports whether a dependency's plan publishes a version.
func publishes(dp *plan.DependencyPlan) bool {
	return dp.Version == plan.PendingDependency(dp.Name)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dependencyPlans are the plans of the dependencies, by name.
func dependencyPlans(proj *manifest.Project, deps map[string]*depState) []*plan.DependencyPlan {
	var out []*plan.DependencyPlan
	for _, d := range proj.Dependencies {
		if st := deps[d.Name]; st.plan != nil && st.err == nil {
			out = append(out, st.plan)
		}
	}
	return out
}

// dependencyFailures are the dependencies that could not be planned, as
// plan failures (their functions fail with them).
func dependencyFailures(proj *manifest.Project, deps map[string]*depState) []*plan.FunctionError {
	var out []*plan.FunctionError
	for _, d := range proj.Dependencies {
		if st := deps[d.Name]; st.err != nil && !slices.ContainsFunc(proj.Functions, func(f *manifest.Function) bool { return slices.Contains(f.Dependencies, d.Name) }) {
			out = append(out, &plan.FunctionError{Name: "dependency " + d.Name, Err: st.err})
		}
	}
	return out
}
