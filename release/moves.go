package release

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
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
	Before    apiclient.Alias
	After     apiclient.Alias
	Unchanged bool
}

// ErrNoPrevious means an alias has no recorded previous version.
var ErrNoPrevious = errors.New("no previous version is recorded for this alias")

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
	for v := range Weights(*cur) {
		canary = append(canary, v)
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
		vs := NewestFirst(all)
		if len(vs) > 0 && vs[0].Version == cur.Version {
			return &AliasMove{Before: *cur, After: *cur, Unchanged: true}, nil
		}
		newest := Latest
		if len(vs) > 0 {
			newest = vs[0].Version
		}
		return nil, fmt.Errorf("alias %s has no canary version: it sends all traffic to %s, and the newest version is %s (rollback --to %s points it there)", alias, cur.Version, newest, newest)
	case 1:
	default:
		return nil, fmt.Errorf("alias %s sends traffic to several extra versions (%v): point it with rollback --to instead", alias, canary)
	}
	user, _ := SplitAliasDescription(cur.Description)
	next := apiclient.Alias{Name: alias, Version: canary[0], Description: AliasDescription(user, cur.Version)}
	return move(ctx, api, urn, cur, next)
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
	user, _ := SplitAliasDescription(cur.Description)
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
		next.Description = AliasDescription(user, cur.Version)
	case callsOff:
		next.Version = cur.Version
		next.Description = cur.Description
	case target != "":
		next.Version = target
		next.Description = AliasDescription(user, cur.Version)
	default:
		return nil, ErrNoPrevious
	}
	if next.Version == cur.Version && !callsOff {
		return nil, fmt.Errorf("alias %s already points at %s", alias, cur.Version)
	}
	return move(ctx, api, urn, cur, next)
}

// move writes next over cur, refusing what FunctionGraph would refuse.
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
	return &AliasMove{Before: *cur, After: next}, nil
}
