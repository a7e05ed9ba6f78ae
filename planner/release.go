package planner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// DefaultVersionCap is FunctionGraph's limit on versions per function,
// latest included (fgs-api.md: the Constraints page says 20).
const DefaultVersionCap = 20

// Latest is the unpublished, mutable version.
const Latest = "latest"

// PendingVersion stands for the name FunctionGraph gives an unnamed publish;
// apply replaces it with the published version's name.
const PendingVersion = "(to be published)"

// AliasOp is one alias to create or update.
type AliasOp struct {
	Create bool
	Alias  apiclient.Alias
}

// previousRe finds fgsdeploy's record of an alias's previous version in the
// alias description, where promote and rollback read it.
var previousRe = regexp.MustCompile(`\s*\(?fgsdeploy:previous=([A-Za-z0-9_.-]+)\)?$`)

// AliasDescription joins a user's description and the record of the
// version the alias pointed at before.
func AliasDescription(user, previous string) string {
	if previous == "" {
		return user
	}
	rec := "fgsdeploy:previous=" + previous
	if user == "" {
		return rec
	}
	return user + " (" + rec + ")"
}

// SplitAliasDescription returns the user's part of an alias description
// and the recorded previous version ("" when none).
func SplitAliasDescription(d string) (user, previous string) {
	m := previousRe.FindStringSubmatchIndex(d)
	if m == nil {
		return d, ""
	}
	return d[:m[0]], d[m[2]:m[3]]
}

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
	st := &versionState{aliases: map[string]apiclient.Alias{}}
	// Newest first: by last_modified, and for versions published within
	// the same timestamp, by their order in the list (publish order), never
	// by name ("v10" sorts before "v9").
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Version != Latest {
			st.versions = append(st.versions, vs[i])
		}
	}
	sort.SliceStable(st.versions, func(i, j int) bool {
		return st.versions[i].LastModified > st.versions[j].LastModified
	})
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

// referenced returns the versions any alias points at, wholly, by weight
// or by rule, and the previous version recorded in its description, which
// rollback returns to.
func referenced(aliases map[string]apiclient.Alias) map[string]bool {
	out := map[string]bool{}
	for _, a := range aliases {
		out[a.Version] = true
		if _, prev := SplitAliasDescription(a.Description); prev != "" {
			out[prev] = true
		}
		for v := range a.AdditionalVersionWeights {
			out[v] = true
		}
		for v := range a.AdditionalVersionStrategy {
			out[v] = true
		}
	}
	return out
}

// releaseInputs is what planRelease needs from the code and config plan.
type releaseInputs struct {
	digest string                         // the code digest latest will have
	config *apiclient.UpdateConfigRequest // the config latest will have
	// newestConfig reads a published version's config (qualified URN).
	newestConfig func(version string) (*apiclient.Function, error)
	// triggers counts a published version's triggers.
	triggers func(version string) (int, error)
}

// planRelease adds the publish, alias and prune steps of f.
func planRelease(fp *FunctionPlan, f *manifest.Function, st *versionState, in releaseInputs, versionCap int) error {
	if versionCap <= 0 {
		versionCap = DefaultVersionCap
	}
	published := ""
	publishing := false
	if p := f.Publish; p != nil {
		// Is latest (after this plan) identical to an existing version?
		same := func(v *apiclient.Version) (bool, error) {
			if v == nil || v.Digest != in.digest {
				return false, nil
			}
			cfg, err := in.newestConfig(v.Version)
			if err != nil {
				return false, err
			}
			return sameConfig(liveConfig(cfg), in.config), nil
		}
		if p.Version != "" {
			if v := st.find(p.Version); v != nil {
				ok, err := same(v)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("%s: version %s already exists with other code or config: give this release another version name", f.Name, p.Version)
				}
				published = p.Version
			}
		}
		if published == "" && len(st.versions) > 0 {
			ok, err := same(&st.versions[0])
			if err != nil {
				return err
			}
			if ok {
				if p.Version != "" {
					return fmt.Errorf("%s: nothing changed since version %s, so FunctionGraph would refuse to publish %s (FSS.1016): change code or config, or set publish.version to %s", f.Name, st.versions[0].Version, p.Version, st.versions[0].Version)
				}
				published = st.versions[0].Version
			}
		}
		if published == "" {
			publishing = true
			published = p.Version
			if published == "" {
				published = PendingVersion
			}
			// The publish body's digest field is documented only as an "md5
			// key" (SDK), so the SHA-512 is not sent there; apply checks the
			// digest of latest right before publishing instead.
			fp.PublishReq = &apiclient.PublishRequest{Version: p.Version, Description: p.Description}
		}
	}
	fp.Published = published

	// Aliases, in name order.
	want := map[string]apiclient.Alias{}
	var firstCanary []string // new canary aliases with no version to keep
	for _, name := range sortedKeys(f.Aliases) {
		a := f.Aliases[name]
		target := a.Version
		switch target {
		case "$published":
			if published == "" {
				return fmt.Errorf("%s: alias %s points at $published but nothing is published (add publish:)", f.Name, name)
			}
			target = published
		case Latest:
		default:
			if st.find(target) == nil && target != published {
				return fmt.Errorf("%s: alias %s points at version %s, which does not exist", f.Name, name, target)
			}
		}
		cur, exists := st.aliases[name]
		userDesc, prev := "", ""
		if exists {
			userDesc, prev = SplitAliasDescription(cur.Description)
		}
		if a.Description != "" {
			userDesc = a.Description
		}
		next := apiclient.Alias{Name: name, Version: target}
		switch {
		case !exists && a.Canary > 0 && target != Latest:
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
		case a.Canary > 0 && target != Latest && cur.Version != target:
			// Keep the stable version, send Canary% to the new one.
			next.Version = cur.Version
			next.AdditionalVersionWeights = map[string]int{target: a.Canary}
		}
		if exists && next.Version != cur.Version {
			prev = cur.Version
		}
		next.Description = AliasDescription(userDesc, prev)
		want[name] = next
		if exists && aliasEqual(cur, next) {
			continue
		}
		fp.AliasOps = append(fp.AliasOps, AliasOp{Create: !exists, Alias: next})
	}
	after := maps.Clone(st.aliases)
	maps.Copy(after, want)
	ops, err := orderAliasOps(f.Name, fp.AliasOps, st.aliases, after)
	var clash *aliasClash
	if errors.As(err, &clash) {
		for _, n := range firstCanary {
			if n == clash.a || n == clash.b {
				clash.hint = fmt.Sprintf(": %s is a new canary alias and there is no earlier version for it to keep, so it would start wholly on %s; add it after the first release", n, clash.version)
			}
		}
	}
	if err != nil {
		return err
	}
	fp.AliasOps = ops
	var aliasStep *Step
	if len(fp.AliasOps) > 0 {
		var ch []Change
		for _, op := range fp.AliasOps {
			after := aliasView(op.Alias)
			if op.Create {
				ch = append(ch, Change{Action: Create, Field: "alias." + op.Alias.Name, After: after})
			} else {
				ch = append(ch, Change{Action: Update, Field: "alias." + op.Alias.Name, Before: aliasView(st.aliases[op.Alias.Name]), After: after})
			}
		}
		aliasStep = &Step{Type: StepAliases, Changes: ch}
	}

	// Pruning and the version cap. Pruning runs after the alias step, so it
	// protects what aliases reference once moved (wholly, by weight or by
	// rule, and the previous version rollback would return to) and the
	// version being published. When the cap forces pruning before the
	// publish, the aliases have not moved yet: what they reference now is
	// protected too (FunctionGraph refuses to delete a weighted version,
	// FSS.1094, and deleting a target would delete the alias).
	protectAfter := referenced(after)
	protectAfter[published] = true
	protectNow := maps.Clone(protectAfter)
	maps.Copy(protectNow, referenced(st.aliases))
	count := len(st.versions) // published versions after publishing
	if publishing {
		count++
	}
	// candidates are up to n versions that may go, oldest first: not
	// protected, and without triggers (deleting a version deletes its
	// triggers, which fgsdeploy does not manage). Triggers are read only
	// for versions that would otherwise go.
	withTriggers := 0
	candidates := func(protect map[string]bool, n int) ([]string, error) {
		var out []string
		for i := len(st.versions) - 1; i >= 0 && len(out) < n; i-- {
			v := st.versions[i].Version
			if protect[v] {
				continue
			}
			if in.triggers != nil {
				nt, err := in.triggers(v)
				if err != nil {
					return nil, err
				}
				if nt > 0 {
					withTriggers++
					continue
				}
			}
			out = append(out, v)
		}
		return out, nil
	}
	wantPrune := 0
	if f.Publish != nil && f.Publish.Keep > 0 && count > f.Publish.Keep {
		wantPrune = count - f.Publish.Keep
	}
	pruneFirst := publishing && count+1 > versionCap // +1 for latest
	var prune []string
	if pruneFirst {
		need := count + 1 - versionCap
		if f.Publish.Keep == 0 {
			return fmt.Errorf("%s: publishing would exceed FunctionGraph's cap of %d versions (latest included) and publish.keep is not set: set publish.keep or delete old versions", f.Name, versionCap)
		}
		c, err := candidates(protectNow, max(need, wantPrune))
		if err != nil {
			return err
		}
		if len(c) < need {
			why := "the others are alias or rollback targets"
			if withTriggers > 0 {
				why = fmt.Sprintf("the others are alias or rollback targets or have triggers (%d with triggers)", withTriggers)
			}
			return fmt.Errorf("%s: publishing would exceed FunctionGraph's cap of %d versions (latest included) and only %d old version%s can be pruned (%s)", f.Name, versionCap, len(c), plural(len(c)), why)
		}
		prune = c
	} else if wantPrune > 0 {
		c, err := candidates(protectAfter, wantPrune)
		if err != nil {
			return err
		}
		prune = c
	}
	fp.Prune = prune

	// The steps, in order: [prune to make room,] publish, aliases, prune.
	var pruneStep *Step
	if len(prune) > 0 {
		var ch []Change
		for _, v := range prune {
			ch = append(ch, Change{Action: Delete, Field: "version." + v, Before: v})
		}
		pruneStep = &Step{Type: StepPrune, Changes: ch}
	}
	if pruneStep != nil && pruneFirst {
		fp.Steps = append(fp.Steps, *pruneStep)
	}
	if publishing {
		ch := []Change{{Action: Create, Field: "version", After: published}}
		if f.Publish.Description != "" {
			ch = append(ch, Change{Action: Create, Field: "version.description", After: f.Publish.Description})
		}
		fp.Steps = append(fp.Steps, Step{Type: StepPublish, Changes: ch})
	}
	if aliasStep != nil {
		fp.Steps = append(fp.Steps, *aliasStep)
	}
	if pruneStep != nil && !pruneFirst {
		fp.Steps = append(fp.Steps, *pruneStep)
	}
	return nil
}

// orderAliasOps checks FunctionGraph's rule of at most one alias per
// version (FSS.1066) on the aliases as they will be after the plan, and
// orders the moves so that each goes to a version no other alias holds at
// that moment (an alias leaving a version moves before one arriving).
// Aliases that trade versions cannot be moved that way: that is an error.
func orderAliasOps(fn string, ops []AliasOp, now, after map[string]apiclient.Alias) ([]AliasOp, error) {
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
	var out []AliasOp
	pending := ops
	for len(pending) > 0 {
		var blocked []AliasOp
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
// that has rules differs from any alias fgsdeploy would write.
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
	return maps.Equal(nonZero(a.AdditionalVersionWeights), nonZero(b.AdditionalVersionWeights))
}

func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func aliasView(a apiclient.Alias) any {
	m := map[string]any{"version": a.Version}
	if w := nonZero(a.AdditionalVersionWeights); len(w) > 0 {
		m["weights"] = w
	}
	if len(a.AdditionalVersionStrategy) > 0 {
		m["rules_to"] = sortedKeys(a.AdditionalVersionStrategy) // versions routed by request rules
	}
	return m
}

// SetPublished records the name the publish step got from FunctionGraph
// and points the alias operations that waited for it at that name.
func (f *FunctionPlan) SetPublished(name string) {
	old := f.Published
	f.Published = name
	for i := range f.AliasOps {
		a := &f.AliasOps[i].Alias
		if a.Version == old {
			a.Version = name
		}
		if w, ok := a.AdditionalVersionWeights[old]; ok {
			delete(a.AdditionalVersionWeights, old)
			a.AdditionalVersionWeights[name] = w
		}
	}
	var keep []string
	for _, v := range f.Prune {
		if v != name {
			keep = append(keep, v)
		}
	}
	f.Prune = keep
}
