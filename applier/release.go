package applier

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// AliasAPI is what promote and rollback call.
type AliasAPI interface {
	GetAlias(ctx context.Context, urn, name string) (*apiclient.Alias, error)
	UpdateAlias(ctx context.Context, urn string, a *apiclient.Alias) (*apiclient.Alias, error)
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
	ListAliases(ctx context.Context, urn string) ([]apiclient.Alias, error)
}

var _ AliasAPI = (*apiclient.Client)(nil)

// AliasMove is what promote or rollback did to an alias. Unchanged means
// there was nothing to do and nothing was written (After equals Before).
type AliasMove struct {
	Alias     string
	Before    apiclient.Alias
	After     apiclient.Alias
	Unchanged bool
}

// Promote moves a canary alias wholly to its canary version. The version
// it leaves is recorded as the alias's previous version, for rollback. An
// alias with no canary that is already wholly on the function's newest
// version has nothing to promote (pipelines call promote after every
// apply, also when the apply published nothing): Unchanged, no error.
func Promote(ctx context.Context, api AliasAPI, urn, alias string) (*AliasMove, error) {
	cur, err := api.GetAlias(ctx, urn, alias)
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", alias, err)
	}
	var canary []string
	for v, w := range cur.AdditionalVersionWeights {
		if w > 0 {
			canary = append(canary, v)
		}
	}
	for v := range cur.AdditionalVersionStrategy {
		canary = append(canary, v) // routed by request rules
	}
	sort.Strings(canary)
	switch len(canary) {
	case 0:
		all, err := api.ListVersions(ctx, urn)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		vs := planner.NewestFirst(all)
		if len(vs) > 0 && vs[0].Version == cur.Version {
			return &AliasMove{Alias: alias, Before: *cur, After: *cur, Unchanged: true}, nil
		}
		newest := "latest"
		if len(vs) > 0 {
			newest = vs[0].Version
		}
		return nil, fmt.Errorf("alias %s has no canary version: it sends all traffic to %s, and the newest version is %s (rollback --to %s points it there)", alias, cur.Version, newest, newest)
	case 1:
	default:
		return nil, fmt.Errorf("alias %s sends traffic to several extra versions (%v): point it with rollback --to instead", alias, canary)
	}
	user, _ := planner.SplitAliasDescription(cur.Description)
	next := apiclient.Alias{Name: alias, Version: canary[0], Description: planner.AliasDescription(user, cur.Version)}
	return move(ctx, api, urn, cur, next)
}

// RollbackTarget is where Rollback without a version sends an alias: with
// a canary in progress, wholly back on its main version (callsOff);
// otherwise the previous version recorded in its description; "" when
// neither.
func RollbackTarget(a apiclient.Alias) (version string, callsOff bool) {
	if len(nonZeroWeights(a.AdditionalVersionWeights)) > 0 || len(a.AdditionalVersionStrategy) > 0 {
		return a.Version, true
	}
	_, prev := planner.SplitAliasDescription(a.Description)
	return prev, false
}

// Rollback points an alias back. With to set, at that version. Otherwise a
// canary in progress is called off (all traffic back on the stable
// version); failing that, the alias returns to the version it pointed at
// before fgsdeploy last moved it, as recorded in its description.
func Rollback(ctx context.Context, api AliasAPI, urn, alias, to string) (*AliasMove, error) {
	cur, err := api.GetAlias(ctx, urn, alias)
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", alias, err)
	}
	user, _ := planner.SplitAliasDescription(cur.Description)
	next := apiclient.Alias{Name: alias}
	target, callsOff := RollbackTarget(*cur)
	switch {
	case to != "":
		vs, err := api.ListVersions(ctx, urn)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		found := false
		for _, v := range vs {
			found = found || v.Version == to
		}
		if !found {
			return nil, fmt.Errorf("version %s does not exist", to)
		}
		next.Version = to
		next.Description = planner.AliasDescription(user, cur.Version)
	case callsOff:
		next.Version = cur.Version
		next.Description = cur.Description
	case target != "":
		next.Version = target
		next.Description = planner.AliasDescription(user, cur.Version)
	default:
		return nil, ErrNoPrevious
	}
	if next.Version == cur.Version && !callsOff {
		return nil, fmt.Errorf("alias %s already points at %s", alias, cur.Version)
	}
	return move(ctx, api, urn, cur, next)
}

// ErrNoPrevious means an alias has no recorded previous version.
var ErrNoPrevious = errors.New("no previous version is recorded for this alias")

func nonZeroWeights(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

func move(ctx context.Context, api AliasAPI, urn string, cur *apiclient.Alias, next apiclient.Alias) (*AliasMove, error) {
	// FunctionGraph allows one alias per version (FSS.1066): name the
	// alias in the way rather than let the update fail.
	if next.Version != cur.Version {
		all, err := api.ListAliases(ctx, urn)
		if err != nil {
			return nil, fmt.Errorf("list aliases: %w", err)
		}
		for _, a := range all {
			if a.Name != next.Name && a.Version == next.Version {
				return nil, fmt.Errorf("version %s already has alias %s, and FunctionGraph allows one alias per version (FSS.1066): move %s first", next.Version, a.Name, a.Name)
			}
		}
	}
	if _, err := api.UpdateAlias(ctx, urn, &next); err != nil {
		return nil, fmt.Errorf("update alias %s: %w", next.Name, err)
	}
	return &AliasMove{Alias: next.Name, Before: *cur, After: next}, nil
}

// Describe renders an alias's routing, e.g. "v1 (90%) + v2 (10%)", or
// "v1 + v2 (by rule)" for rule-based routing.
func Describe(a apiclient.Alias) string {
	w := nonZeroWeights(a.AdditionalVersionWeights)
	if len(w) == 0 {
		s := a.Version
		rules := make([]string, 0, len(a.AdditionalVersionStrategy))
		for v := range a.AdditionalVersionStrategy {
			rules = append(rules, v)
		}
		sort.Strings(rules)
		for _, v := range rules {
			s += " + " + v + " (by rule)"
		}
		return s
	}
	total := 0
	keys := make([]string, 0, len(w))
	for k, v := range w {
		total += v
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := fmt.Sprintf("%s (%d%%)", a.Version, 100-total)
	for _, k := range keys {
		s += fmt.Sprintf(" + %s (%d%%)", k, w[k])
	}
	return s
}
