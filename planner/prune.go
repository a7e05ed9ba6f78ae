package planner

import (
	"fmt"
	"maps"
	"slices"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// pruneInputs is what pruning needs to know about one function's release.
type pruneInputs struct {
	publishing bool   // a version is published before the aliases move
	published  string // its name (plan.PendingVersion when FunctionGraph names it)
	now, after map[string]apiclient.Alias
}

// planPrune decides which versions keep: N deletes.
//
// keep: N keeps the N newest versions that nothing else protects, in
// addition to every protected version: one an alias routes to (wholly,
// by weight or by rule) once the aliases moved, at most one rollback
// target per alias (release.Kept: none during a canary, whose rollback is
// the main version; else the recorded previous version, or the version a
// rollback took the alias off), and one with triggers (deleting a version
// deletes its triggers: one that has triggers once the triggers step ran,
// or that a declared trigger is bound to). Protected versions never take
// one of the N places. The others go, oldest first; one whose triggers
// the plan deletes goes after the triggers step. So what is kept does not
// change with a promote or a rollback, and a plan right after them prunes
// nothing.
//
// Pruning runs after the alias step (prune). When a publish would exceed
// FunctionGraph's version cap, room is made before the publish
// (makeRoom): then the aliases have not moved yet, so what they
// reference now is protected too (FunctionGraph refuses to delete a
// weighted version, FSS.1094, and deleting a main version deletes the
// alias). What only the alias step frees goes after it, so a plan right
// after is a no-op.
func planPrune(f *manifest.Function, st *versionState, in pruneInputs, triggers func(version string) (now, after int, err error), versionCap int) (makeRoom, prune []string, err error) {
	keep := 0
	if f.Publish != nil {
		keep = f.Publish.Keep
	}
	count := len(st.versions) // published versions after publishing
	if in.publishing {
		count++
	}
	need := 0 // versions to delete before the publish
	if in.publishing && count+1 > versionCap {
		need = count + 1 - versionCap // +1 for latest
	}
	if keep == 0 {
		if need > 0 {
			return nil, nil, fmt.Errorf("%s: publishing would exceed FunctionGraph's cap of %d versions (latest included) and publish.keep is not set: set publish.keep or delete old versions", f.Name, versionCap)
		}
		return nil, nil, nil
	}
	exists := func(v string) bool { return st.find(v) != nil || (in.publishing && v == in.published) }
	protect := kept(in.after, exists)
	places := keep
	if in.publishing && !protect[in.published] {
		places-- // the new version is the newest one
	}
	var open []string // versions no alias protects, newest first
	for _, v := range st.versions {
		if !protect[v.Version] {
			open = append(open, v.Version)
		}
	}
	withTriggers := 0
	var gone []string
	// hasNow: the version has triggers until the triggers step.
	hasNow := map[string]bool{}
	if len(open) > places { // otherwise nothing goes, and triggers need not be read
		for _, v := range open {
			now, n, err := triggers(v)
			if err != nil {
				return nil, nil, err
			}
			hasNow[v] = now > 0
			switch {
			case n > 0:
				withTriggers++
			case places > 0:
				places--
			default:
				gone = append(gone, v)
			}
		}
	}
	slices.Reverse(gone) // oldest first
	if need == 0 {
		return nil, gone, nil
	}
	protectNow := maps.Clone(protect)
	maps.Copy(protectNow, kept(in.now, exists))
	for _, v := range gone {
		if protectNow[v] || hasNow[v] {
			prune = append(prune, v)
		} else {
			makeRoom = append(makeRoom, v)
		}
	}
	if len(makeRoom) < need {
		why := fmt.Sprintf("keep: %d keeps the %d newest that nothing else protects; the others are alias or rollback targets", keep, keep)
		if withTriggers > 0 {
			why += fmt.Sprintf(" or have triggers (%d with triggers)", withTriggers)
		}
		return nil, nil, fmt.Errorf("%s: publishing would exceed FunctionGraph's cap of %d versions (latest included) and only %d old version%s can be pruned first (%s): lower publish.keep or delete versions", f.Name, versionCap, len(makeRoom), plural(len(makeRoom)), why)
	}
	return makeRoom, prune, nil
}

// pruneSteps are the steps deleting versions, one each, in order.
func pruneSteps(versions []string) []plan.Step {
	var out []plan.Step
	for _, v := range versions {
		out = append(out, plan.Step{Request: &plan.DeleteVersion{Version: v},
			Changes: []plan.Change{{Action: plan.Delete, Field: "version." + v, Before: v}}})
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
