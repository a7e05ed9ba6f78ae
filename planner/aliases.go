package planner

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// planAliases decides where each declared alias goes, in name order, and
// returns the alias writes in an order FunctionGraph accepts, every alias
// as it will be after them, and notes on aliases it does not move.
// published is what $published means ("" when this apply publishes
// nothing: such aliases stay where they are, and one that does not exist
// yet is created on the newest version). An alias declared $published
// never goes back to a version a rollback took it off (its record's
// Reverted): only another release moves it.
func planAliases(f *manifest.Function, st *versionState, published string) ([]*plan.WriteAlias, map[string]apiclient.Alias, []string, error) {
	want := map[string]apiclient.Alias{}
	var ops []*plan.WriteAlias
	var notes []string
	var firstCanary []string // new canary aliases with no version to keep
	for _, name := range sortedKeys(f.Aliases) {
		a := f.Aliases[name]
		cur, exists := st.aliases[name]
		userDesc, rec := "", release.Record{}
		if exists {
			userDesc, rec = release.SplitAliasDescription(cur.Description)
		}
		if a.Description != "" {
			userDesc = a.Description
		}
		target := a.Version
		stay, wholly := false, false
		switch target {
		case "$published":
			switch {
			case f.Publish == nil:
				return nil, nil, nil, f.Errorf("aliases."+name+".version", "alias %s points at $published but nothing is published (add publish:)", name)
			case exists && published != "" && published == rec.Reverted && !routesTo(cur, published):
				stay = true // rolled back from this very release: only a new one moves it
				notes = append(notes, fmt.Sprintf("alias %s stays on %s: a rollback took it off %s, so it goes to the next release (changed code or config), not back to this one (rollback --to %s points it there)", name, release.Describe(cur), published, published))
			case published != "":
				target = published
			case exists:
				stay = true // nothing is published: a rollback or a canary stays as it is
			default:
				target, wholly = st.versions[0].Version, true // the newest version: nothing new to canary
			}
		case release.Latest:
		default:
			if st.find(target) == nil && target != published {
				return nil, nil, nil, f.Errorf("aliases."+name+".version", "alias %s points at version %s, which does not exist", name, target)
			}
		}
		next := apiclient.Alias{Name: name, Version: target}
		switch {
		case stay:
			// As it is, less any weight of 0: it sends nothing, and
			// FunctionGraph would keep the version it names from being
			// deleted (FSS.1094).
			next.Version = cur.Version
			if w := release.Weights(cur); len(w) > 0 {
				next.AdditionalVersionWeights = w
			}
			next.AdditionalVersionStrategy = maps.Clone(cur.AdditionalVersionStrategy)
		case !exists && a.Canary > 0 && target != release.Latest && !wholly:
			// A new canary alias keeps the newest other version, as an
			// existing one keeps its current version; with none, it
			// starts wholly on the target.
			if prev := st.newestOtherThan(target); prev != "" {
				next.Version = prev
				next.AdditionalVersionWeights = map[string]int{target: a.Canary}
			} else {
				firstCanary = append(firstCanary, name)
			}
		case !exists:
		case a.Canary > 0 && target != release.Latest && cur.Version != target:
			// Keep the stable version, send Canary% to the new one.
			next.Version = cur.Version
			next.AdditionalVersionWeights = map[string]int{target: a.Canary}
		}
		next.Description = release.AliasDescription(userDesc, nextRecord(cur, exists, next, rec))
		want[name] = next
		if exists && aliasEqual(cur, next) {
			continue
		}
		ops = append(ops, &plan.WriteAlias{Create: !exists, Alias: next})
	}
	after := maps.Clone(st.aliases)
	maps.Copy(after, want)
	ops, err := orderAliasOps(f.Name, ops, st.aliases, after)
	var clash *aliasClash
	if errors.As(err, &clash) {
		for _, n := range firstCanary {
			if n == clash.a || n == clash.b {
				clash.hint = fmt.Sprintf(": %s is a new canary alias and there is no earlier version for it to keep, so it would start wholly on %s; add it after the first release", n, clash.version)
			}
		}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return ops, after, notes, nil
}

// nextRecord is the record an alias keeps in its description once it
// routes as next: as it was while the routing stays; when the main version
// changes, the one it leaves is the previous version; a new routing (a
// release) leaves no version reverted.
func nextRecord(cur apiclient.Alias, exists bool, next apiclient.Alias, rec release.Record) release.Record {
	switch {
	case !exists:
		return release.Record{}
	case next.Version != cur.Version:
		return release.Record{Previous: cur.Version}
	case !maps.Equal(release.Weights(cur), release.Weights(next)):
		return release.Record{Previous: rec.Previous}
	}
	return rec
}

// routesTo reports whether alias a sends traffic to version v.
func routesTo(a apiclient.Alias, v string) bool {
	_, byRule := a.AdditionalVersionStrategy[v]
	return a.Version == v || release.Weights(a)[v] > 0 || byRule
}

// aliasSteps are the steps of alias writes, one each, with the alias
// before (now) and after.
func aliasSteps(ops []*plan.WriteAlias, now map[string]apiclient.Alias) []plan.Step {
	var out []plan.Step
	for _, op := range ops {
		c := plan.Change{Action: plan.Create, Field: "alias." + op.Alias.Name, After: aliasView(op.Alias)}
		if !op.Create {
			c.Action, c.Before = plan.Update, aliasView(now[op.Alias.Name])
		}
		out = append(out, plan.Step{Request: op, Changes: []plan.Change{c}})
	}
	return out
}

// orderAliasOps checks FunctionGraph's rule of at most one alias per
// version (FSS.1066) on the aliases as they will be after the plan, and
// orders the moves so that each goes to a version no other alias holds at
// that moment (an alias leaving a version moves before one arriving).
// Aliases that trade versions cannot be moved that way: that is an error.
func orderAliasOps(fn string, ops []*plan.WriteAlias, now, after map[string]apiclient.Alias) ([]*plan.WriteAlias, error) {
	holder := map[string]string{}
	for _, name := range sortedKeys(after) {
		v := after[name].Version
		if other, ok := holder[v]; ok {
			return nil, &aliasClash{fn: fn, a: other, b: name, version: v}
		}
		holder[v] = name
	}
	held := map[string]string{} // version -> alias, as the moves go on
	for name, a := range now {
		held[a.Version] = name
	}
	var out []*plan.WriteAlias
	pending := ops
	for len(pending) > 0 {
		var blocked []*plan.WriteAlias
		for _, op := range pending {
			if h, ok := held[op.Alias.Version]; ok && h != op.Alias.Name {
				blocked = append(blocked, op)
				continue
			}
			if cur, ok := now[op.Alias.Name]; ok && held[cur.Version] == op.Alias.Name {
				delete(held, cur.Version)
			}
			held[op.Alias.Version] = op.Alias.Name
			out = append(out, op)
		}
		if len(blocked) == len(pending) {
			var names []string
			for _, op := range blocked {
				names = append(names, op.Alias.Name)
			}
			return nil, fmt.Errorf("%s: aliases %s trade versions, and FunctionGraph allows one alias per version (FSS.1066) at every moment: point one of them at another version first", fn, strings.Join(names, ", "))
		}
		pending = blocked
	}
	return out, nil
}

// aliasClash is two aliases that would end on one version.
type aliasClash struct {
	fn, a, b, version string
	hint              string
}

func (e *aliasClash) Error() string {
	return fmt.Sprintf("%s: aliases %s and %s would both point at version %s; FunctionGraph allows one alias per version (FSS.1066)%s", e.fn, e.a, e.b, e.version, e.hint)
}

// aliasEqual compares what fgsdeploy writes of an alias. Rule-based
// routing (additional_version_strategy) is never written, so an alias
// that has rules differs from any alias fgsdeploy would write, unless it
// stays as it is. fgsdeploy never writes a weight of 0.
func aliasEqual(a, b apiclient.Alias) bool {
	if a.Version != b.Version || a.Description != b.Description {
		return false
	}
	if len(a.AdditionalVersionStrategy) > 0 || len(b.AdditionalVersionStrategy) > 0 {
		ja, _ := json.Marshal(a.AdditionalVersionStrategy)
		jb, _ := json.Marshal(b.AdditionalVersionStrategy)
		if string(ja) != string(jb) {
			return false
		}
	}
	// Raw weights: a live weight of 0 is a difference, which the write
	// removes.
	return maps.Equal(a.AdditionalVersionWeights, b.AdditionalVersionWeights)
}

func aliasView(a apiclient.Alias) any {
	m := map[string]any{"version": a.Version}
	if len(a.AdditionalVersionWeights) > 0 {
		m["weights"] = a.AdditionalVersionWeights // a weight of 0 shows, so that its removal does
	}
	if len(a.AdditionalVersionStrategy) > 0 {
		m["rules_to"] = sortedKeys(a.AdditionalVersionStrategy) // versions routed by request rules
	}
	return m
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
