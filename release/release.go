package release

import (
	"regexp"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Latest is the unpublished, mutable version.
const Latest = "latest"

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

// Referenced returns every version alias a names: the version it points
// at, every additional version it lists by weight or by rule, and the
// previous version recorded in its description, where rollback returns.
// An additional version listed with a weight of 0 receives no traffic
// (Weights leaves it out) but is named all the same: FunctionGraph
// refuses to delete a version an alias lists (FSS.1094), so pruning must
// not plan it.
func Referenced(a apiclient.Alias) []string {
	out := []string{a.Version}
	if _, prev := SplitAliasDescription(a.Description); prev != "" {
		out = append(out, prev)
	}
	for v := range a.AdditionalVersionWeights {
		out = append(out, v)
	}
	for v := range a.AdditionalVersionStrategy {
		out = append(out, v)
	}
	sort.Strings(out[1:])
	return out
}
