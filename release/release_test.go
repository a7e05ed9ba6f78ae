package release

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

func TestAliasDescription(t *testing.T) {
	long := strings.Repeat("x", 448)
	name42 := "v" + strings.Repeat("1", 40) + "z"
	tests := []struct {
		user string
		rec  Record
		want string
		// back is what reads back when it differs from rec (the budget
		// left Previous out).
		back *Record
	}{
		{"", Record{}, "", nil},
		{"", Record{Previous: "v1"}, "fgsdeploy:previous=v1", nil},
		{"production traffic", Record{Previous: "v1.2-rc"}, "production traffic (fgsdeploy:previous=v1.2-rc)", nil},
		{"production traffic", Record{}, "production traffic", nil},
		{"", Record{Reverted: "v2"}, "fgsdeploy:reverted=v2", nil},
		{"traffic", Record{Previous: "v1", Reverted: "v2"}, "traffic (fgsdeploy:previous=v1 reverted=v2)", nil},
		// The longest user text leaves room for one name of 42.
		{long, Record{Previous: name42}, long + " (fgsdeploy:previous=" + name42 + ")", nil},
		{long, Record{Reverted: name42}, long + " (fgsdeploy:reverted=" + name42 + ")", nil},
		{long, Record{Previous: "v1", Reverted: name42}, long + " (fgsdeploy:reverted=" + name42 + ")", &Record{Reverted: name42}},
	}
	for _, tt := range tests {
		got := AliasDescription(tt.user, tt.rec)
		if got != tt.want {
			t.Errorf("AliasDescription(%q, %+v) = %q, want %q", tt.user, tt.rec, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > fgsspec.DescriptionMaxLength {
			t.Errorf("AliasDescription(%q, %+v) is %d characters long", tt.user, tt.rec, n)
		}
		want := tt.rec
		if tt.back != nil {
			want = *tt.back
		}
		u, r := SplitAliasDescription(got)
		if u != tt.user || r != want {
			t.Errorf("SplitAliasDescription(%q) = %q, %+v; want %q, %+v", got, u, r, tt.user, want)
		}
	}
	// What an earlier fgsdeploy wrote reads the same; a user's text that
	// merely mentions fgsdeploy is no record.
	for d, want := range map[string]Record{
		"fgsdeploy:previous=v0":              {Previous: "v0"},
		"prod (fgsdeploy:previous=v0)":       {Previous: "v0"},
		"see fgsdeploy: docs":                {},
		"fgsdeploy:previous=v0 unknown=x":    {Previous: "v0"},
		"fgsdeploy:reverted=v3 previous=v2":  {Previous: "v2", Reverted: "v3"},
		"(fgsdeploy:previous=v1 reverted=v2": {Previous: "v1", Reverted: "v2"},
	} {
		if _, r := SplitAliasDescription(d); r != want {
			t.Errorf("SplitAliasDescription(%q) = %+v, want %+v", d, r, want)
		}
	}
}

// FuzzAliasDescription: whatever a description holds, joining its user
// part with a record reads back as that record (within the budget) and
// that user part.
func FuzzAliasDescription(f *testing.F) {
	for _, s := range []string{"", "prod", "prod (fgsdeploy:previous=v1)", "fgsdeploy:reverted=v2", "x (fgsdeploy:previous=v1 reverted=v2)", "((fgsdeploy:", "a fgsdeploy:previous="} {
		f.Add(s, "v1", "v2")
	}
	f.Fuzz(func(t *testing.T, d, prev, reverted string) {
		user, _ := SplitAliasDescription(d)
		if _, r := SplitAliasDescription(user); r != (Record{}) {
			return // the user part itself ends like a record: not what fgsdeploy writes
		}
		if !versionRe.MatchString(prev) || !versionRe.MatchString(reverted) || utf8.RuneCountInString(user) > 448 {
			return
		}
		rec := Record{Previous: prev, Reverted: reverted}
		out := AliasDescription(user, rec)
		u, r := SplitAliasDescription(out)
		if u != user || r.Reverted != reverted || (r.Previous != prev && r.Previous != "") {
			t.Fatalf("%q + %+v = %q, read back as %q, %+v", user, rec, out, u, r)
		}
		if utf8.RuneCountInString(out) > fgsspec.DescriptionMaxLength {
			t.Fatalf("%q is over %d characters", out, fgsspec.DescriptionMaxLength)
		}
	})
}

// versionRe is a version name (1 to 42 of [A-Za-z0-9_.-], alphanumeric
// at both ends).
var versionRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]{0,40}[A-Za-z0-9])?$`)

// A weight of 0 sends no traffic: it is no canary, no route and no
// difference.
func TestWeights(t *testing.T) {
	a := apiclient.Alias{Version: "v1", AdditionalVersionWeights: map[string]int{"v2": 10, "v3": 0}}
	if got := Weights(a); !reflect.DeepEqual(got, map[string]int{"v2": 10}) {
		t.Errorf("Weights = %v", got)
	}
	if got := Describe(a); got != "v1 (90%) + v2 (10%)" {
		t.Errorf("Describe = %q", got)
	}
	// ... but it is routed to: FunctionGraph refuses to delete a version
	// an alias lists, whatever its weight (FSS.1094).
	rules := map[string]json.RawMessage{"v4": json.RawMessage(`{}`)}
	listed := apiclient.Alias{Version: "v1", Description: "fgsdeploy:previous=v0", AdditionalVersionWeights: a.AdditionalVersionWeights, AdditionalVersionStrategy: rules}
	if got := Routed(listed); !reflect.DeepEqual(got, []string{"v1", "v2", "v3", "v4"}) {
		t.Errorf("Routed = %v", got)
	}
	idle := apiclient.Alias{Version: "v1", Description: "fgsdeploy:previous=v0", AdditionalVersionWeights: map[string]int{"v3": 0}}
	if to, callsOff := RollbackTarget(idle); to != "v0" || callsOff {
		t.Errorf("RollbackTarget = %q, %v; want v0, false", to, callsOff)
	}
}

func TestList(t *testing.T) {
	vs := []apiclient.Version{
		{Version: "latest", LastModified: "2024-01-03"},
		{Version: "v9", LastModified: "2024-01-01"},
		{Version: "v10", LastModified: "2024-01-02"},
		{Version: "v11", LastModified: "2024-01-02"}, // published after v10, same timestamp
	}
	rules := map[string]json.RawMessage{"v9": json.RawMessage(`{}`)}
	as := []apiclient.Alias{
		{Name: "live", Version: "v10", AdditionalVersionWeights: map[string]int{"v11": 25, "v9": 0}},
		{Name: "beta", Version: "latest", AdditionalVersionStrategy: rules},
		{Name: "alpha", Version: "v11"},
	}
	l := List(vs, as)
	var order []string
	for _, v := range l.Versions {
		order = append(order, v.Version.Version)
	}
	if want := []string{"latest", "v11", "v10", "v9"}; !reflect.DeepEqual(order, want) {
		t.Errorf("versions %v, want %v", order, want)
	}
	want := map[string][]Route{
		"latest": {{Alias: "beta", Weight: 100}},
		"v11":    {{Alias: "alpha", Weight: 100}, {Alias: "live", Weight: 25}},
		"v10":    {{Alias: "live", Weight: 75}},
		"v9":     {{Alias: "beta", ByRule: true}},
	}
	for _, v := range l.Versions {
		if !reflect.DeepEqual(v.Routes, want[v.Version.Version]) {
			t.Errorf("%s: routes %+v, want %+v", v.Version.Version, v.Routes, want[v.Version.Version])
		}
	}
	var names []string
	for _, a := range l.Aliases {
		names = append(names, a.Name)
	}
	if !reflect.DeepEqual(names, []string{"alpha", "beta", "live"}) || as[0].Name != "live" {
		t.Errorf("aliases %v (and the caller's %s first): want them sorted, the caller's slice as it was", names, as[0].Name)
	}
}

// Kept: what an alias routes to, and at most one rollback target.
func TestKept(t *testing.T) {
	all := func(string) bool { return true }
	none := func(v string) bool { return v != "v0" }
	rules := map[string]json.RawMessage{"v4": json.RawMessage(`{}`)}
	tests := []struct {
		name   string
		a      apiclient.Alias
		exists func(string) bool
		want   []string
	}{
		{"wholly on a version: its previous", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v1"}, all, []string{"v2", "v1"}},
		{"rolled back: the version it left", apiclient.Alias{Version: "v1", Description: "fgsdeploy:previous=v2 reverted=v2"}, all, []string{"v1", "v2"}},
		{"a canary: the main version is the rollback target", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v1", AdditionalVersionWeights: map[string]int{"v3": 10}}, all, []string{"v2", "v3"}},
		{"rules: the same", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v1", AdditionalVersionStrategy: rules}, all, []string{"v2", "v4"}},
		{"weight 0 is no canary, but is listed", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v1", AdditionalVersionWeights: map[string]int{"v3": 0}}, all, []string{"v2", "v3", "v1"}},
		{"a canary called off: its previous", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v1 reverted=v3"}, all, []string{"v2", "v1"}},
		{"... or, with the previous gone, the canary", apiclient.Alias{Version: "v2", Description: "fgsdeploy:previous=v0 reverted=v3"}, none, []string{"v2", "v3"}},
		{"no record", apiclient.Alias{Version: "v2"}, all, []string{"v2"}},
	}
	for _, tt := range tests {
		if got := Kept(tt.a, tt.exists); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Kept = %v, want %v", tt.name, got, tt.want)
		}
	}
}
