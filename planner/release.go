package planner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// DefaultVersionCap is FunctionGraph's limit on versions per function,
// latest included (docs/api-notes.md: the Notes and Constraints page says
// 20).
const DefaultVersionCap = 20

// versionState is what release planning knows about a live function.
type versionState struct {
	versions []apiclient.Version // published versions, newest first (latest excluded)
	aliases  map[string]apiclient.Alias
}

// newestOtherThan is the newest published version that is not v ("" if
// none).
func (s *versionState) newestOtherThan(v string) string {
	for _, x := range s.versions {
		if x.Version != v {
			return x.Version
		}
	}
	return ""
}

func (s *versionState) find(name string) *apiclient.Version {
	for i := range s.versions {
		if s.versions[i].Version == name {
			return &s.versions[i]
		}
	}
	return nil
}

func readVersionState(ctx context.Context, api API, urn string) (*versionState, error) {
	vs, err := api.ListVersions(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	as, err := api.ListAliases(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	st := &versionState{versions: release.NewestFirst(vs), aliases: map[string]apiclient.Alias{}}
	for _, a := range as {
		st.aliases[a.Name] = a
	}
	return st, nil
}

// hashStrings hashes strings together, for preconditions made of parts.
func hashStrings(parts ...string) string {
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fingerprint hashes versions and aliases for saved-plan preconditions.
func (s *versionState) fingerprint() string {
	type v struct{ Name, Digest string }
	var vs []v
	for _, x := range s.versions {
		vs = append(vs, v{x.Version, x.Digest})
	}
	b, _ := json.Marshal(struct {
		V []v
		A map[string]apiclient.Alias
	}{vs, s.aliases})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// kept returns the versions the aliases keep from pruning (release.Kept):
// those they route to, and each one's rollback target. exists tells which
// versions there are.
func kept(aliases map[string]apiclient.Alias, exists func(string) bool) map[string]bool {
	out := map[string]bool{}
	for _, a := range aliases {
		for _, v := range release.Kept(a, exists) {
			out[v] = true
		}
	}
	return out
}

// releaseInputs is what planRelease needs from the code and config plan.
type releaseInputs struct {
	// live is the function as read (nil for one this plan creates), code
	// its package, mark what adds a release marker to the package.
	live *apiclient.Function
	code *plan.CodeFile
	mark *marker
	// config is the config latest will have; after and now are what a
	// version would hold of latest after the plan and now.
	config     *apiclient.UpdateConfigRequest
	after, now held
	// pin is the digest latest holds when it is published.
	pin string
	// latestChanges is true when the plan changes latest's config or max
	// instances; dependenciesChange when it changes the dependencies.
	latestChanges, dependenciesChange bool
	// versionHeld reads what a published version holds.
	versionHeld func(version string) (held, error)
	// triggers counts a published version's triggers.
	triggers func(version string) (int, error)
	// reads reads the live triggers (nil for a new function); secrets is
	// what is known of the declared triggers' secrets.
	reads   *triggerReads
	secrets triggerSecrets
}

// planRelease adds the publish, alias, trigger and prune steps of f, in
// order: [prune to make room,] publish, aliases, triggers, prune. Whether
// to publish is publish.go's decision (dec), where the aliases go
// aliases.go's, the triggers triggers.go's, which versions go prune.go's.
func planRelease(fp *plan.FunctionPlan, f *manifest.Function, st *versionState, in *releaseInputs, dec publishDecision, versionCap int) error {
	if versionCap <= 0 {
		versionCap = DefaultVersionCap
	}
	fp.Notes = append(fp.Notes, dec.notes...)
	ops, after, notes, err := planAliases(f, st, dec.version)
	if err != nil {
		return err
	}
	fp.Notes = append(fp.Notes, notes...)
	var tp *triggerPlan
	if f.Triggers != nil {
		if tp, err = planTriggers(f, st, after, dec.version, in.reads, in.secrets); err != nil {
			return err
		}
		fp.Notes = append(fp.Notes, tp.notes...)
	}
	// A version keeps what it has now until the triggers step ran, and
	// then what the manifest binds to it.
	counts := func(version string) (now, later int, err error) {
		n, err := in.triggers(version)
		if err != nil || tp == nil {
			return n, n, err
		}
		return n, tp.after[version], nil
	}
	makeRoom, prune, err := planPrune(f, st, pruneInputs{publishing: dec.publish, published: dec.version, now: st.aliases, after: after}, counts, versionCap)
	if err != nil {
		return err
	}
	fp.Steps = append(fp.Steps, pruneSteps(makeRoom)...)
	if dec.publish {
		fp.Steps = append(fp.Steps, publishStep(f.Publish, dec.version, in.pin))
	}
	fp.Steps = append(fp.Steps, aliasSteps(ops, st.aliases)...)
	if tp != nil {
		fp.Steps = append(fp.Steps, tp.steps...)
	}
	fp.Steps = append(fp.Steps, pruneSteps(prune)...)
	return nil
}
