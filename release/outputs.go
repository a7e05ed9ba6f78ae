package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Outputs is what a deployed function gives the next step of a pipeline,
// read from its live state: its URN, its newest version, where each alias
// routes and the URL of each API Gateway trigger. It is the JSON of apply
// --format json's "outputs" and of fgsdeploy outputs.
type Outputs struct {
	Name     string `json:"name"`      // the manifest's key
	FuncName string `json:"func_name"` // the FunctionGraph name
	URN      string `json:"urn"`       // unqualified
	// Version is the newest published version, "" when none is.
	Version string                 `json:"version,omitempty"`
	Aliases map[string]AliasOutput `json:"aliases,omitempty"`
	// APIs are the API Gateway triggers (APIG, DEDICATEDGATEWAY) of
	// latest, of every version and of every alias, by qualifier and URL.
	APIs []APIOutput `json:"apis,omitempty"`
}

// AliasOutput is where an alias routes.
type AliasOutput struct {
	URN     string         `json:"urn"`
	Version string         `json:"version"`           // its main version
	Weights map[string]int `json:"weights,omitempty"` // other versions and their percent
	ByRule  []string       `json:"by_rule,omitempty"` // versions routed to by request rules
}

// APIOutput is one API Gateway trigger: the API that invokes the
// function, and its URL.
type APIOutput struct {
	Type      string `json:"type"`
	Qualifier string `json:"qualifier"` // latest, a version or an alias
	Name      string `json:"name,omitempty"`
	URL       string `json:"url"`
}

// OutputsAPI is what ReadOutputs reads.
type OutputsAPI interface {
	GetConfig(ctx context.Context, urn string) (*apiclient.Function, error)
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
	ListAliases(ctx context.Context, urn string) ([]apiclient.Alias, error)
	TriggerAPI
}

// ErrNotDeployed is ReadOutputs' error for a function that does not exist.
var ErrNotDeployed = errors.New("not deployed")

// ReadOutputs reads the outputs of the function at urn (unqualified),
// called name in the manifest and funcName in FunctionGraph. A function
// that does not exist is an error wrapping ErrNotDeployed.
func ReadOutputs(ctx context.Context, api OutputsAPI, name, funcName, urn string) (*Outputs, error) {
	if _, err := api.GetConfig(ctx, urn); err != nil {
		if apiclient.IsNotFound(err) {
			return nil, fmt.Errorf("%s: %w", name, ErrNotDeployed)
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	vs, err := api.ListVersions(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", name, err)
	}
	as, err := api.ListAliases(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list aliases of %s: %w", name, err)
	}
	l := List(vs, as)
	if err := l.ReadTriggers(ctx, api, urn); err != nil {
		return nil, fmt.Errorf("list triggers of %s: %w", name, err)
	}
	out := &Outputs{Name: name, FuncName: funcName, URN: urn}
	if newest := NewestFirst(vs); len(newest) > 0 {
		out.Version = newest[0].Version
	}
	for _, a := range l.Aliases {
		if out.Aliases == nil {
			out.Aliases = map[string]AliasOutput{}
		}
		ao := AliasOutput{URN: a.AliasURN, Version: a.Version, Weights: Weights(a)}
		if ao.URN == "" {
			ao.URN = urn + ":!" + a.Name
		}
		for v := range a.AdditionalVersionStrategy {
			ao.ByRule = append(ao.ByRule, v)
		}
		sort.Strings(ao.ByRule)
		out.Aliases[a.Name] = ao
	}
	for _, v := range l.Versions {
		out.APIs = append(out.APIs, apis(v.Version.Version, v.Triggers)...)
	}
	for _, a := range l.Aliases {
		out.APIs = append(out.APIs, apis(a.Name, l.AliasTriggers[a.Name])...)
	}
	sort.SliceStable(out.APIs, func(i, j int) bool {
		if out.APIs[i].Qualifier != out.APIs[j].Qualifier {
			return out.APIs[i].Qualifier < out.APIs[j].Qualifier
		}
		return out.APIs[i].URL < out.APIs[j].URL
	})
	return out, nil
}

// apis are the API Gateway triggers of ts with an invoke_url.
func apis(qualifier string, ts []apiclient.Trigger) []APIOutput {
	var out []APIOutput
	for _, t := range ts {
		if t.TypeCode != "APIG" && t.TypeCode != "DEDICATEDGATEWAY" {
			continue
		}
		var data struct {
			Name      string `json:"name"`
			InvokeURL string `json:"invoke_url"`
		}
		if json.Unmarshal(t.EventData, &data) != nil || data.InvokeURL == "" {
			continue
		}
		out = append(out, APIOutput{Type: t.TypeCode, Qualifier: qualifier, Name: data.Name, URL: data.InvokeURL})
	}
	return out
}
