package release

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

func TestAliasDescription(t *testing.T) {
	tests := []struct{ user, prev, want string }{
		{"", "", ""},
		{"", "v1", "fgsdeploy:previous=v1"},
		{"production traffic", "v1.2-rc", "production traffic (fgsdeploy:previous=v1.2-rc)"},
		{"production traffic", "", "production traffic"},
	}
	for _, tt := range tests {
		got := AliasDescription(tt.user, tt.prev)
		if got != tt.want {
			t.Errorf("AliasDescription(%q, %q) = %q, want %q", tt.user, tt.prev, got, tt.want)
		}
		u, p := SplitAliasDescription(got)
		if u != tt.user || p != tt.prev {
			t.Errorf("SplitAliasDescription(%q) = %q, %q; want %q, %q", got, u, p, tt.user, tt.prev)
		}
	}
}

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
	// ... but it is referenced: FunctionGraph refuses to delete a version
	// an alias lists, whatever its weight (FSS.1094).
	rules := map[string]json.RawMessage{"v4": json.RawMessage(`{}`)}
	listed := apiclient.Alias{Version: "v1", Description: "fgsdeploy:previous=v0", AdditionalVersionWeights: a.AdditionalVersionWeights, AdditionalVersionStrategy: rules}
	if got := Referenced(listed); !reflect.DeepEqual(got, []string{"v1", "v0", "v2", "v3", "v4"}) {
		t.Errorf("Referenced = %v", got)
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
