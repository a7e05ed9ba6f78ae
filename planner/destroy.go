package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// DestroyOptions tune Destroy.
type DestroyOptions struct {
	// Parallelism bounds concurrent reads; 0 means 8.
	Parallelism int
	// Targets narrows destroy to functions of these names (declared or
	// owned); empty means the whole project. A name that matches nothing
	// has nothing to destroy: a second destroy of a target finds it gone.
	Targets []string
	// ForceUnowned also deletes declared functions that carry no
	// ownership tag (never another project's).
	ForceUnowned bool
}

// ErrNoProject is Destroy's error for a manifest without project:.
var ErrNoProject = errors.New("destroy deletes the functions of a project, and the manifest has no project: key")

// Destroy plans the deletion of every function of the project: those
// that carry its ownership tag (found with the tag filter), and the
// declared ones that exist and carry it. A declared function without the
// tag is refused (a plan failure) unless ForceUnowned; one that carries
// another project's tag is always refused. Without Targets, the versions
// of the manifest's dependencies that only the deleted functions use are
// deleted after them (FunctionGraph refuses to delete one in use,
// FSS.1033, which the apply reports as kept). The plan deletes nothing
// else, and creates or updates nothing.
func Destroy(ctx context.Context, api API, proj *manifest.Project, opts DestroyOptions) (*plan.Plan, error) {
	if proj.Project == "" {
		return nil, ErrNoProject
	}
	all, err := owned(ctx, api, proj.Project, proj.Env)
	if err != nil {
		return nil, err
	}
	wanted := func(name string) bool { return len(opts.Targets) == 0 || slices.Contains(opts.Targets, name) }
	byURN := map[string]bool{}
	var todo []apiclient.TaggedFunction
	forced := map[string]bool{}
	for _, tf := range all {
		if wanted(tf.Name) {
			byURN[tf.URN] = true
			todo = append(todo, tf)
		}
	}
	out := &plan.Plan{Manifest: proj.File, Env: proj.Env}
	var keepUses []string // URNs of declared functions destroy leaves
	for _, f := range proj.Functions {
		urn := api.FunctionURN(f.Package, f.FuncName)
		if !wanted(f.Name) || byURN[urn] {
			continue
		}
		tf, fe := declaredToDestroy(ctx, api, f, urn, proj.Project, opts.ForceUnowned)
		switch {
		case fe != nil:
			out.Failures = append(out.Failures, fe)
			keepUses = append(keepUses, urn)
		case tf != nil:
			byURN[urn] = true
			todo = append(todo, *tf)
			forced[urn] = tf.Tags[manifest.OwnershipTagKey] == ""
		}
	}
	plans, errs := planDeletions(ctx, api, todo, opts.Parallelism, func(tf apiclient.TaggedFunction) string {
		if forced[tf.URN] {
			return "declared in the manifest without the ownership tag of project " + proj.Project + " (--force-unowned)"
		}
		return "a function of project " + proj.Project
	})
	// A declared function is named by its key, as plans name it.
	for _, fp := range plans {
		for _, f := range proj.Functions {
			if api.FunctionURN(f.Package, f.FuncName) == fp.URN {
				fp.Name = f.Name
			}
		}
	}
	out.Functions, out.Failures = plans, append(out.Failures, errs...)
	if len(opts.Targets) == 0 && len(proj.Dependencies) > 0 && len(plans) > 0 {
		deps, err := destroyDependencies(ctx, api, proj, plans, keepUses)
		if err != nil {
			out.Failures = append(out.Failures, &plan.FunctionError{Name: "dependencies", Err: err})
		}
		out.Dependencies = deps
	}
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	sort.Slice(out.Functions, func(i, j int) bool { return out.Functions[i].Name < out.Functions[j].Name })
	sort.Slice(out.Failures, func(i, j int) bool { return out.Failures[i].Name < out.Failures[j].Name })
	return out, nil
}

// declaredToDestroy decides a declared function the tag filter did not
// return: nothing when it does not exist, the function when it carries
// the project's tag (or none, with force), a failure otherwise.
func declaredToDestroy(ctx context.Context, api API, f *manifest.Function, urn, project string, force bool) (*apiclient.TaggedFunction, *plan.FunctionError) {
	fail := func(err error) *plan.FunctionError {
		return &plan.FunctionError{Name: f.Name, FuncName: f.FuncName, URN: urn, Err: err}
	}
	_, err := api.GetConfig(ctx, urn)
	switch {
	case apiclient.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fail(fmt.Errorf("read %s: %w", f.Name, err))
	}
	tags, err := api.ListTags(ctx, urn)
	if err != nil {
		return nil, fail(fmt.Errorf("read tags of %s: %w", f.Name, err))
	}
	switch owner, ok := tags[manifest.OwnershipTagKey]; {
	case ok && owner != project:
		return nil, fail(fmt.Errorf("%s: the function belongs to project %s (its %s tag): destroy never deletes another project's function", f.Name, owner, manifest.OwnershipTagKey))
	case !ok && !force:
		return nil, fail(fmt.Errorf("%s: declared in the manifest, but the function does not carry the %s tag of project %s (made elsewhere, or before project: was set): destroy deletes only what the project owns; pass --force-unowned to delete it anyway", f.Name, manifest.OwnershipTagKey, project))
	}
	return &apiclient.TaggedFunction{URN: urn, Package: f.Package, Name: f.FuncName, Tags: tags}, nil
}

// destroyDependencies plans the deletion of the versions of the
// manifest's dependencies that the deleted functions use (latest or a
// published version) and no function destroy leaves uses.
func destroyDependencies(ctx context.Context, api API, proj *manifest.Project, deleted []*plan.FunctionPlan, keep []string) ([]*plan.DependencyPlan, error) {
	dapi, ok := api.(DependencyAPI)
	if !ok {
		return nil, errors.New("this client cannot read dependencies")
	}
	used, protected := map[string]bool{}, map[string]bool{}
	for _, fp := range deleted {
		if err := dependencyUse(ctx, api, fp.URN, used); err != nil {
			return nil, err
		}
	}
	for _, urn := range keep {
		if err := dependencyUse(ctx, api, urn, protected); err != nil {
			return nil, err
		}
	}
	var out []*plan.DependencyPlan
	for _, d := range proj.Dependencies {
		list, err := dapi.ListDependencies(ctx, d.Name)
		if err != nil {
			return nil, fmt.Errorf("dependency %s: %w", d.Name, err)
		}
		dp := &plan.DependencyPlan{Name: d.Name}
		for _, dep := range list {
			vs, err := dapi.ListDependencyVersions(ctx, dep.ID)
			if err != nil {
				return nil, fmt.Errorf("dependency %s: %w", d.Name, err)
			}
			sort.Slice(vs, func(i, j int) bool { return vs[i].Version < vs[j].Version })
			for _, v := range vs {
				if used[v.ID] && !protected[v.ID] {
					dp.Steps = append(dp.Steps, plan.Step{Request: &plan.DeleteDependencyVersion{DepID: dep.ID, Version: v.Version, ID: v.ID},
						Changes: []plan.Change{{Action: plan.Delete, Field: "version", Before: v.Version}}})
				}
			}
		}
		if len(dp.Steps) > 0 {
			dp.Action = plan.Delete
			out = append(out, dp)
		}
	}
	return out, nil
}

// dependencyUse adds the dependency version ids a function uses, on
// latest and on each published version, to used.
func dependencyUse(ctx context.Context, api API, urn string, used map[string]bool) error {
	live, err := api.GetConfig(ctx, urn)
	if apiclient.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s for its dependencies: %w", urn, err)
	}
	if len(live.DependVersionList) == 0 {
		if c, err := api.GetCode(ctx, urn); err == nil {
			live.DependVersionList = c.DependVersionList
		}
	}
	for _, id := range live.DependVersionList {
		used[id] = true
	}
	vs, err := api.ListVersions(ctx, urn)
	if err != nil {
		return fmt.Errorf("read versions of %s for its dependencies: %w", urn, err)
	}
	for _, v := range vs {
		if v.Version == "latest" {
			continue
		}
		cfg, err := api.GetConfig(ctx, urn+":"+v.Version)
		if err != nil {
			return fmt.Errorf("read %s version %s for its dependencies: %w", urn, v.Version, err)
		}
		for _, id := range cfg.DependVersionList {
			used[id] = true
		}
	}
	return nil
}
