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

// referenced returns the versions the aliases reference
// (release.Referenced): pruning never deletes one.
func referenced(aliases map[string]apiclient.Alias) map[string]bool {
	out := map[string]bool{}
	for _, a := range aliases {
		for _, v := range release.Referenced(a) {
			out[v] = true
		}
	}
	return out
}

// releaseInputs is what planRelease needs from the code and config plan.
type releaseInputs struct {
	digest string                         // the code digest latest will have
	config *apiclient.UpdateConfigRequest // the config latest will have
	// pin is the package's digest, which latest must hold when it is
	// published ("" for obs code).
	pin string
	// latestChanges is true when the plan changes latest (code, config or
	// max instances); dependenciesChange when it changes the dependencies.
	latestChanges, dependenciesChange bool
	// versionConfig reads a published version's config (qualified URN).
	versionConfig func(version string) (*apiclient.Function, error)
	// triggers counts a published version's triggers.
	triggers func(version string) (int, error)
}

// planRelease adds the publish, alias and prune steps of f, in order:
// [prune to make room,] publish, aliases, prune. Whether to publish is
// publish.go's decision, where the aliases go aliases.go's, which
// versions go prune.go's.
func planRelease(fp *plan.FunctionPlan, f *manifest.Function, st *versionState, in releaseInputs, versionCap int) error {
	if versionCap <= 0 {
		versionCap = DefaultVersionCap
	}
	dec, err := decidePublish(f, st, in)
	if err != nil {
		return err
	}
	if dec.note != "" {
		fp.Notes = append(fp.Notes, dec.note)
	}
	ops, after, err := planAliases(f, st, dec.version)
	if err != nil {
		return err
	}
	makeRoom, prune, err := planPrune(f, st, pruneInputs{publishing: dec.publish, published: dec.version, now: st.aliases, after: after}, in.triggers, versionCap)
	if err != nil {
		return err
	}
	fp.Steps = append(fp.Steps, pruneSteps(makeRoom)...)
	if dec.publish {
		fp.Steps = append(fp.Steps, publishStep(f.Publish, dec.version, in.pin))
	}
	fp.Steps = append(fp.Steps, aliasSteps(ops, st.aliases)...)
	fp.Steps = append(fp.Steps, pruneSteps(prune)...)
	return nil
}
