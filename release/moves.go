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
	canary := canaries(*cur) // by weight or by request rules
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
	next := apiclient.Alias{Name: alias, Version: canary[0], Description: AliasDescription(user, Record{Previous: cur.Version})}
	return move(ctx, api, urn, cur, next)
}

// Rollback points an alias back. With to set, at that version. Otherwise a
// canary in progress is called off (all traffic back on the stable
// version); failing that, the alias returns to the version it pointed at
// before fgsdeploy last moved it, as recorded in its description.
//
// The version the alias is taken off (the canary called off, or the main
// version left) is recorded as reverted: the planner does not send an
// alias declared $published back to it until a new release. A rollback of
// the main version keeps a version already recorded (see reverted). A recorded
// previous version that no longer exists (pruned) is no target: the error
// says so and --to names one.
func Rollback(ctx context.Context, api AliasAPI, urn, alias, to string) (*AliasMove, error) {
	cur, err := api.GetAlias(ctx, urn, alias)
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", alias, err)
	}
	user, rec := SplitAliasDescription(cur.Description)
	target, callsOff := RollbackTarget(*cur)
	if to == cur.Version && callsOff {
		to = "" // back wholly on the main version: calling the canary off
	}
	// The version a rollback takes the alias off is recorded, unless one
	// is already: a rollback since the last release took the alias off
	// that release, which the planner would route to again, and this one
	// off an older version. Returning to the recorded one records the
	// version left instead.
	reverted := func(to string) string {
		if rec.Reverted != "" && rec.Reverted != to {
			return rec.Reverted
		}
		return cur.Version
	}
	next := apiclient.Alias{Name: alias}
	switch {
	case to != "":
		if err := versionExists(ctx, api, urn, to, "version %s does not exist"); err != nil {
			return nil, err
		}
		next.Version = to
		next.Description = AliasDescription(user, Record{Previous: cur.Version, Reverted: reverted(to)})
	case callsOff:
		next.Version = cur.Version
		rec.Reverted = ""
		if canary := canaries(*cur); len(canary) == 1 {
			rec.Reverted = canary[0]
		}
		next.Description = AliasDescription(user, rec)
	case target != "":
		if err := versionExists(ctx, api, urn, target, "the recorded previous version %s no longer exists"); err != nil {
			return nil, goneError{err}
		}
		next.Version = target
		next.Description = AliasDescription(user, Record{Previous: cur.Version, Reverted: reverted(target)})
	default:
		return nil, ErrNoPrevious
	}
	if next.Version == cur.Version && !callsOff {
		return nil, fmt.Errorf("alias %s already points at %s", alias, cur.Version)
	}
	return move(ctx, api, urn, cur, next)
}

// goneError is a recorded previous version that no longer exists: like
// ErrNoPrevious, a rollback that needs --to.
type goneError struct{ error }

func (goneError) Is(target error) bool { return target == ErrNoPrevious }

// canaries are the versions an alias sends traffic to beside its main
// version, by weight or by rule, in name order.
func canaries(a apiclient.Alias) []string {
	var out []string
	for v := range Weights(a) {
		out = append(out, v)
	}
	for v := range a.AdditionalVersionStrategy {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// versionExists returns an error worded by msg (with the version) unless
// the function has that version.
func versionExists(ctx context.Context, api AliasAPI, urn, version, msg string) error {
	vs, err := api.ListVersions(ctx, urn)
	if err != nil {
		return fmt.Errorf("list versions: %w", err)
	}
	for _, v := range vs {
		if v.Version == version {
			return nil
		}
	}
	return fmt.Errorf(msg, version)
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
