package planner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// A declared function's tags: only the keys the manifest declares are
// managed (a null value removes its key), plus, under project:, the
// ownership tag, which is never shown among the tags: its change is the
// field "project". A function that carries another project's ownership
// tag is refused, so that two manifests never take one function from
// each other; one that carries none is adopted (tagged) by the plan.

// planTags appends the tags step of a declared function, and folds the
// tags it manages into the config precondition. exists says whether the
// function exists (its live tags are read then).
func planTags(ctx context.Context, api API, fp *plan.FunctionPlan, f *manifest.Function, project, env string, exists bool) error {
	if f.Tags == nil && project == "" {
		return nil
	}
	live := map[string]string{}
	if exists {
		var err error
		if live, err = api.ListTags(ctx, fp.URN); err != nil {
			return fmt.Errorf("read tags of %s: %w", f.Name, err)
		}
		fp.Pre.ConfigFingerprint = hashStrings(fp.Pre.ConfigFingerprint, managedTagsFingerprint(live, f, project))
	}
	del, add := map[string]string{}, map[string]string{}
	var delCh, addCh []plan.Change
	if project != "" {
		owner, owned := live[manifest.OwnershipTagKey]
		switch {
		case owned && owner != project:
			return fmt.Errorf("%s: the function belongs to project %s (its %s tag), not %s: fgsdeploy does not take another project's function; remove it from this manifest, or delete the tag to hand it over", f.Name, owner, manifest.OwnershipTagKey, project)
		case !owned:
			add[manifest.OwnershipTagKey] = project
			addCh = append(addCh, plan.Change{Action: plan.Create, Field: "project", After: project})
			if exists {
				fp.Notes = append(fp.Notes, fmt.Sprintf("adopted into project %s: the function exists without fgsdeploy's %s tag, which this apply adds", project, manifest.OwnershipTagKey))
			}
		}
		planEnvironmentTag(live, env, del, add, &delCh, &addCh)
	}
	for _, k := range f.TagKeys() {
		want, declared := f.Tags[k], "tags."+k
		have, has := live[k]
		switch {
		case want == nil && has:
			del[k] = have
			delCh = append(delCh, plan.Change{Action: plan.Delete, Field: declared, Before: have})
		case want == nil:
		case !has:
			add[k] = *want
			addCh = append(addCh, plan.Change{Action: plan.Create, Field: declared, After: *want})
		case have != *want:
			// Whether a create overwrites a key is not documented: the
			// old tag goes first.
			del[k], add[k] = have, *want
			addCh = append(addCh, plan.Change{Action: plan.Update, Field: declared, Before: have, After: *want})
		}
	}
	if n := len(live) - len(del) + countNew(live, add); n > fgsspec.MaxTags {
		return fmt.Errorf("%s: the function would have %d tags, %d of them not in the manifest; FunctionGraph allows %d", f.Name, n, undeclaredTags(live, f), fgsspec.MaxTags)
	}
	if len(del) > 0 {
		fp.Steps = append(fp.Steps, plan.Step{Request: &plan.DeleteTags{Tags: del}, Changes: delCh})
	}
	if len(add) > 0 {
		fp.Steps = append(fp.Steps, plan.Step{Request: &plan.CreateTags{Tags: add}, Changes: addCh})
	}
	return nil
}

// planEnvironmentTag makes the environment tag of a project's function
// say env: set (a different value replaced), or deleted for the base
// (env ""). It is what a run's deletions are scoped by (orphans.go).
func planEnvironmentTag(live map[string]string, env string, del, add map[string]string, delCh, addCh *[]plan.Change) {
	const field = "project.environment"
	have, has := live[manifest.EnvironmentTagKey]
	switch {
	case env == "" && has:
		del[manifest.EnvironmentTagKey] = have
		*delCh = append(*delCh, plan.Change{Action: plan.Delete, Field: field, Before: have})
	case env == "" || (has && have == env):
	case has:
		del[manifest.EnvironmentTagKey], add[manifest.EnvironmentTagKey] = have, env
		*addCh = append(*addCh, plan.Change{Action: plan.Update, Field: field, Before: have, After: env})
	default:
		add[manifest.EnvironmentTagKey] = env
		*addCh = append(*addCh, plan.Change{Action: plan.Create, Field: field, After: env})
	}
}

// countNew counts the keys of add that live does not have.
func countNew(live, add map[string]string) int {
	n := 0
	for k := range add {
		if _, ok := live[k]; !ok {
			n++
		}
	}
	return n
}

// undeclaredTags counts the live tags the manifest does not name.
func undeclaredTags(live map[string]string, f *manifest.Function) int {
	n := 0
	for k := range live {
		if _, ok := f.Tags[k]; !ok && k != manifest.OwnershipTagKey && k != manifest.EnvironmentTagKey {
			n++
		}
	}
	return n
}

// managedTagsFingerprint hashes the live tags the plan manages: the
// declared keys and, under project:, the ownership and environment tags.
// A saved plan is refused when they moved; tags it does not manage may
// come and go.
func managedTagsFingerprint(live map[string]string, f *manifest.Function, project string) string {
	keys := f.TagKeys()
	if project != "" {
		keys = append(keys, manifest.OwnershipTagKey, manifest.EnvironmentTagKey)
	}
	sort.Strings(keys)
	parts := []string{"tags"}
	for _, k := range keys {
		v, ok := live[k]
		parts = append(parts, fmt.Sprintf("%s=%t:%s", k, ok, v))
	}
	return hashStrings(parts...)
}

// OwnershipTagKey is manifest.OwnershipTagKey, for init (which does not
// read manifests).
const OwnershipTagKey = manifest.OwnershipTagKey

// DeclarableTags splits a function's live tags for init: the project
// that owns it (its ownership tag, "" for none), the tags a manifest can
// declare as they are, and the keys of those it cannot (FunctionGraph's
// console takes wider rules than the manifest, fgsspec), sorted.
func DeclarableTags(live map[string]string) (project string, tags map[string]string, left []string) {
	tags = map[string]string{}
	lower := map[string]int{}
	for k := range live {
		lower[strings.ToLower(k)]++
	}
	for k, v := range live {
		switch {
		case k == OwnershipTagKey:
			if fgsspec.CheckTagValue(v) == nil && v != "" {
				project = v
			} else {
				left = append(left, k)
			}
		case k == manifest.EnvironmentTagKey:
			// fgsdeploy's own: follows from the --env a manifest is
			// applied with, never declared.
		case fgsspec.CheckTagKey(k) != nil, fgsspec.CheckTagValue(v) != nil, lower[strings.ToLower(k)] > 1:
			left = append(left, k)
		default:
			tags[k] = v
		}
	}
	sort.Strings(left)
	return project, tags, left
}
