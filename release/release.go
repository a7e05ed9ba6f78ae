package release

import (
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Latest is the unpublished, mutable version.
const Latest = "latest"

// NewestFirst returns the published versions of a version list, latest
// left out, newest first: by last_modified, and for versions published
// within the same timestamp by their order in the list (publish order),
// never by name ("v10" sorts before "v9").
func NewestFirst(vs []apiclient.Version) []apiclient.Version {
	var out []apiclient.Version
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Version != Latest {
			out = append(out, vs[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastModified > out[j].LastModified })
	return out
}

// Weights returns the additional versions an alias sends traffic to by
// weight, with their percent. FunctionGraph takes weights of 1 to 99
// (FSS.1092); a version listed with 0 (or less) receives nothing and is
// left out, so that it neither shows as a canary nor as a difference.
// It is still referenced (Referenced): routing and protection differ.
func Weights(a apiclient.Alias) map[string]int {
	out := map[string]int{}
	for k, v := range a.AdditionalVersionWeights {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

// Routed returns the versions alias a routes to: the version it points
// at, then every additional version it lists by weight or by rule, in
// name order. An additional version listed with a weight of 0 receives no
// traffic (Weights leaves it out) but is listed all the same:
// FunctionGraph refuses to delete a version an alias lists (FSS.1094).
func Routed(a apiclient.Alias) []string {
	out := []string{a.Version}
	for v := range a.AdditionalVersionWeights {
		out = append(out, v)
	}
	for v := range a.AdditionalVersionStrategy {
		out = append(out, v)
	}
	sort.Strings(out[1:])
	return out
}

// Kept returns the versions alias a keeps from pruning: those it routes to
// (Routed), and at most one rollback target. While a canary is in
// progress there is none beyond them: rollback calls the canary off, back
// to the main version. Otherwise it is the recorded previous version,
// where rollback returns, when that exists; else the version a rollback
// took the alias off (Record.Reverted), when that exists. So a promote or
// a rollback never changes what is kept: promote turns the main version
// into the previous one; a rollback swaps main and previous; calling a
// canary off frees the canary version only when the previous version
// takes its place. exists tells which versions exist.
func Kept(a apiclient.Alias, exists func(version string) bool) []string {
	out := Routed(a)
	if _, callsOff := RollbackTarget(a); callsOff {
		return out
	}
	_, r := SplitAliasDescription(a.Description)
	switch {
	case r.Previous != "" && exists(r.Previous):
		out = append(out, r.Previous)
	case r.Reverted != "" && exists(r.Reverted):
		out = append(out, r.Reverted)
	}
	return out
}
