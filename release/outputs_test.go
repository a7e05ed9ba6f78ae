package release_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Rule 42 (docs/api-notes.md): ReadOutputs reads, against either reading
// of the API (the strict one pages the version list), the newest of many
// versions, every alias's routing, and the URL of each API Gateway trigger
// of latest, of a version and of an alias, and nothing of other triggers.
func TestRule42ReadOutputs(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			r, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: ak, SecretKey: sk, Region: region, ProjectID: pid, Strict: strict})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			c, err := apiclient.New(apiclient.Config{Endpoint: r.URL, IAMEndpoint: r.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			urn := c.FunctionURN("default", "fn-dev")
			if _, err := release.ReadOutputs(ctx, c, "fn", "fn-dev", urn); !errors.Is(err, release.ErrNotDeployed) {
				t.Fatalf("before create: %v, want ErrNotDeployed", err)
			}
			_, err = c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "fn-dev", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
				MemorySize: 128, Timeout: 10, CodeType: "zip", CodeFilename: "c.zip", CodeFile: zipped(t, healthy)})
			if err != nil {
				t.Fatal(err)
			}
			if o, err := release.ReadOutputs(ctx, c, "fn", "fn-dev", urn); err != nil || o.Version != "" || o.Aliases != nil || o.APIs != nil || o.URN != urn {
				t.Fatalf("a new function: %+v, %v", o, err)
			}
			for i := 1; i <= 7; i++ {
				if _, err := c.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: zipped(t, fmt.Sprintf("%s# %d\n", healthy, i))}); err != nil {
					t.Fatal(err)
				}
				if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: fmt.Sprintf("v%d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range []apiclient.Alias{
				{Name: "live", Version: "v6", AdditionalVersionWeights: map[string]int{"v7": 10}},
				{Name: "beta", Version: "v5", AdditionalVersionStrategy: map[string]json.RawMessage{"v7": json.RawMessage(`{"combine_type":"and","rules":[{"rule_type":"Header","param":"x-beta","op":"=","value":"1"}]}`)}},
			} {
				if _, err := c.CreateAlias(ctx, urn, &a); err != nil {
					t.Fatal(err)
				}
			}
			api := func(name, path string) *apiclient.CreateTriggerRequest {
				data, _ := json.Marshal(map[string]any{"group_id": "g1", "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "env_name": "RELEASE",
					"name": name, "path": path, "req_method": "GET", "protocol": "HTTPS", "auth": "NONE", "match_mode": "SWA", "type": 1,
					"func_info": map[string]any{"timeout": 5000}})
				return &apiclient.CreateTriggerRequest{TypeCode: "APIG", EventData: data}
			}
			timer := &apiclient.CreateTriggerRequest{TypeCode: "TIMER", EventData: json.RawMessage(`{"name":"nightly","schedule_type":"Rate","schedule":"1d"}`)}
			for q, req := range map[string]*apiclient.CreateTriggerRequest{urn: api("on_latest", "/latest"), urn + ":v3": api("on_v3", "/v3"), urn + ":!live": api("on_live", "/live")} {
				if _, err := c.AddTrigger(ctx, q, req, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.AddTrigger(ctx, urn+":!live", timer, nil); err != nil {
				t.Fatal(err)
			}
			o, err := release.ReadOutputs(ctx, c, "fn", "fn-dev", urn)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(o)
			want := `{"name":"fn","func_name":"fn-dev","urn":"` + urn + `","version":"v7",` +
				`"aliases":{"beta":{"urn":"` + urn + `:!beta","version":"v5","by_rule":["v7"]},"live":{"urn":"` + urn + `:!live","version":"v6","weights":{"v7":10}}},` +
				`"apis":[{"type":"APIG","qualifier":"latest","name":"on_latest","url":"https://g1.apig.` + region + `.emulator.invalid/latest"},` +
				`{"type":"APIG","qualifier":"live","name":"on_live","url":"https://g1.apig.` + region + `.emulator.invalid/live"},` +
				`{"type":"APIG","qualifier":"v3","name":"on_v3","url":"https://g1.apig.` + region + `.emulator.invalid/v3"}]}`
			if string(got) != want {
				t.Fatalf("outputs\n%s\nwant\n%s", got, want)
			}
		})
	}
}
