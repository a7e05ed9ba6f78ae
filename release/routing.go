package release

import (
	"fmt"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Describe renders an alias's routing, e.g. "v1 (90%) + v2 (10%)", or
// "v1 + v2 (by rule)" for rule-based routing.
func Describe(a apiclient.Alias) string {
	w := Weights(a)
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

// RollbackTarget is where Rollback without a version sends an alias: with
// a canary in progress, wholly back on its main version (callsOff);
// otherwise the previous version recorded in its description; "" when
// neither.
func RollbackTarget(a apiclient.Alias) (version string, callsOff bool) {
	if len(Weights(a)) > 0 || len(a.AdditionalVersionStrategy) > 0 {
		return a.Version, true
	}
	_, r := SplitAliasDescription(a.Description)
	return r.Previous, false
}

// Route is one alias's share of a version's traffic.
type Route struct {
	Alias  string
	Weight int  // percent; 0 with ByRule
	ByRule bool // routed by request rules, not by weight
}

// ListedVersion is a version with the aliases that route traffic to it.
type ListedVersion struct {
	apiclient.Version
	Routes []Route // by alias name
	// Triggers are the version's own triggers (ReadTriggers).
	Triggers []apiclient.Trigger
}

// Listing is a function's versions and aliases as fgsdeploy versions
// shows them.
type Listing struct {
	// Versions is latest first, then the published versions newest first
	// (NewestFirst).
	Versions []ListedVersion
	// Aliases is sorted by name.
	Aliases []apiclient.Alias
	// AliasTriggers are each alias's triggers, by alias name
	// (ReadTriggers).
	AliasTriggers map[string][]apiclient.Trigger
}

// List orders a function's versions and aliases and works out which
// aliases route to each version: an alias's weighted versions get their
// weight, its rule-routed versions a route by rule, and its main version
// what the weights leave.
func List(vs []apiclient.Version, as []apiclient.Alias) Listing {
	versions := NewestFirst(vs)
	for _, v := range vs {
		if v.Version == Latest {
			versions = append([]apiclient.Version{v}, versions...)
		}
	}
	as = append([]apiclient.Alias(nil), as...)
	sort.Slice(as, func(i, j int) bool { return as[i].Name < as[j].Name })
	routes := map[string][]Route{}
	for _, a := range as {
		extra := 0
		for v, w := range Weights(a) {
			routes[v] = append(routes[v], Route{Alias: a.Name, Weight: w})
			extra += w
		}
		for v := range a.AdditionalVersionStrategy {
			routes[v] = append(routes[v], Route{Alias: a.Name, ByRule: true})
		}
		routes[a.Version] = append(routes[a.Version], Route{Alias: a.Name, Weight: 100 - extra})
	}
	out := Listing{Aliases: as, Versions: make([]ListedVersion, 0, len(versions))}
	for _, v := range versions {
		rs := routes[v.Version]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Alias < rs[j].Alias })
		out.Versions = append(out.Versions, ListedVersion{Version: v, Routes: rs})
	}
	return out
}
