package planner

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// Deletions. Under project: NAME, the functions that carry the ownership
// tag NAME are the project's; those the manifest no longer declares
// (after overlays) are planned as deletions, and destroy deletes them
// all. They are found with the tag filter (apiclient.FindTagged), never
// by reading every function of the account. A function without the tag,
// or with another project's, is never among them, whatever its name.
//
// A deletion's steps: every trigger of the function (latest, its aliases
// and versions) one by one, then each alias (an alias with triggers
// cannot be deleted, FSS.1154), then the function with its versions.

// owned returns the functions project owns in the environment env ("":
// the base), as the tag filter finds them: those whose environment tag
// (manifest.EnvironmentTagKey) is env. Another environment's functions
// (stage names, name:) are never this run's to delete.
func owned(ctx context.Context, api API, project, env string) ([]apiclient.TaggedFunction, error) {
	fs, err := api.FindTagged(ctx, manifest.OwnershipTagKey, project)
	if err != nil {
		return nil, fmt.Errorf("find the functions of project %s: %w", project, err)
	}
	out := fs[:0:0]
	for _, tf := range fs {
		if tf.Tags[manifest.EnvironmentTagKey] == env {
			out = append(out, tf)
		}
	}
	return out, nil
}

// ProjectFailure is the name under which a plan reports what concerns
// the project's deletions as a whole (the tag filter failed).
func ProjectFailure(project string) string { return "project " + project }

// planOrphans plans the deletion of the functions the project owns and
// the manifest does not declare. With targets, only those the targets
// name; a target that names neither a declared function nor one of the
// project's is an error unless lenient (a saved plan's: Check refuses it
// as stale). declared are every function the manifest declares; for a
// plan narrowed by targets, only the targeted ones are known, so orphans
// are then matched by name only.
func planOrphans(ctx context.Context, api API, proj *manifest.Project, targets []string, lenient bool, par int) ([]*plan.FunctionPlan, []*plan.FunctionError, error) {
	if proj.Project == "" {
		return nil, nil, nil
	}
	all, err := owned(ctx, api, proj.Project, proj.Env)
	if err != nil {
		return nil, []*plan.FunctionError{{Name: ProjectFailure(proj.Project), Err: err}}, nil
	}
	// Live functions are matched by their FunctionGraph name (name:);
	// targets name declared functions by their key.
	declared, keys := map[string]*manifest.Function{}, map[string]bool{}
	for _, f := range proj.Functions {
		declared[f.FuncName], keys[f.Name] = f, true
	}
	var todo []apiclient.TaggedFunction
	var failures []*plan.FunctionError
	for _, tf := range all {
		d, ok := declared[tf.Name]
		if len(targets) > 0 && !slices.Contains(targets, tf.Name) && (!ok || !slices.Contains(targets, d.Name)) {
			continue
		}
		if ok {
			if d.Package != tf.Package {
				failures = append(failures, &plan.FunctionError{Name: tf.Name, URN: tf.URN, Err: fmt.Errorf("%s: project %s owns %s/%s, which the manifest no longer declares, and the manifest declares %s/%s: fgsdeploy does not delete a function that shares its name with a declared one; delete it in the console, or remove its %s tag", tf.Name, proj.Project, tf.Package, tf.Name, d.Package, d.Name, manifest.OwnershipTagKey)})
			}
			continue
		}
		todo = append(todo, tf)
	}
	if !lenient {
		for _, t := range targets {
			if !keys[t] && !slices.ContainsFunc(all, func(tf apiclient.TaggedFunction) bool { return tf.Name == t }) {
				return nil, nil, fmt.Errorf("target %q is not a function of %s nor one project %s owns", t, proj.File, proj.Project)
			}
		}
	}
	plans, errs := planDeletions(ctx, api, todo, par, func(apiclient.TaggedFunction) string {
		return "owned by project " + proj.Project + " and no longer in the manifest"
	})
	return plans, append(failures, errs...), nil
}

// planDeletions plans the deletion of each function, par at a time. A
// function that no longer exists is left out; one that cannot be read
// is a failure of its own. note is the note each deletion gets.
func planDeletions(ctx context.Context, api API, fns []apiclient.TaggedFunction, par int, note func(apiclient.TaggedFunction) string) ([]*plan.FunctionPlan, []*plan.FunctionError) {
	if par <= 0 {
		par = 8
	}
	plans := make([]*plan.FunctionPlan, len(fns))
	errs := make([]*plan.FunctionError, len(fns))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, tf := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fp, err := planDeletion(ctx, api, tf)
			if err != nil {
				errs[i] = &plan.FunctionError{Name: tf.Name, FuncName: tf.Name, URN: tf.URN, Err: err}
				return
			}
			if fp != nil {
				fp.Notes = append(fp.Notes, note(tf))
			}
			plans[i] = fp
		}()
	}
	wg.Wait()
	var outP []*plan.FunctionPlan
	var outE []*plan.FunctionError
	for i := range fns {
		switch {
		case errs[i] != nil:
			outE = append(outE, errs[i])
		case plans[i] != nil:
			outP = append(outP, plans[i])
		}
	}
	return outP, outE
}

// planDeletion plans one function's deletion; nil when it does not exist.
func planDeletion(ctx context.Context, api API, tf apiclient.TaggedFunction) (*plan.FunctionPlan, error) {
	live, err := api.GetConfig(ctx, tf.URN)
	switch {
	case apiclient.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", tf.Name, err)
	}
	st, err := readVersionState(ctx, api, tf.URN)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", tf.Name, err)
	}
	fp := &plan.FunctionPlan{Name: tf.Name, FuncName: tf.Name, Package: tf.Package, URN: tf.URN, Action: plan.Delete,
		Pre: plan.Precondition{Exists: true, Digest: live.Digest, LastModified: live.LastModified,
			ConfigFingerprint: hashStrings(configFingerprint(live), ownerFingerprint(tf.Tags))}}
	reads := newTriggerReads(ctx, api, tf.URN, tf.Name)
	targets := liveTargets(st)
	reads.start(targets)
	for _, t := range targets {
		ts, err := reads.list(t)
		if err != nil {
			return nil, err
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
		for _, lt := range ts {
			fp.Steps = append(fp.Steps, deleteTriggerStep(t, lt, decodeEventData(lt.EventData), plan.Delete, ""))
		}
	}
	for _, name := range sortedKeys(st.aliases) {
		fp.Steps = append(fp.Steps, plan.Step{Request: &plan.DeleteAlias{Name: name},
			Changes: []plan.Change{{Action: plan.Delete, Field: "alias." + name, Before: aliasView(st.aliases[name])}}})
	}
	var versions []string
	for _, v := range st.versions {
		versions = append([]string{v.Version}, versions...) // oldest first
	}
	ch := []plan.Change{{Action: plan.Delete, Field: "function", Before: tf.Package + "/" + tf.Name}}
	if len(versions) > 0 {
		ch = append(ch, plan.Change{Action: plan.Delete, Field: "versions", Before: strings.Join(versions, ", ")})
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.DeleteFunction{}, Changes: ch})
	tfp, err := reads.fingerprint(targets)
	if err != nil {
		return nil, err
	}
	fp.Pre.Release = hashStrings(st.fingerprint(), tfp)
	fp.DesiredFingerprint = desiredFingerprint(fp.Steps, "")
	return fp, nil
}

// ownerFingerprint hashes the ownership tag of a function, for a
// deletion's precondition: a saved plan does not delete a function whose
// owner changed since.
func ownerFingerprint(tags map[string]string) string {
	v, ok := tags[manifest.OwnershipTagKey]
	return hashStrings("owner", fmt.Sprint(ok), v)
}
