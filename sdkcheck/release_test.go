package sdkcheck_test

import (
	"context"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"

	"github.com/fgsdeploy/fgsdeploy/release"
)

// A release read back through the SDK: latest and the published version
// hold the declared memory and environment, and the alias names that
// version.
func TestReleaseReadBackWithSDK(t *testing.T) {
	modes(t, func(t *testing.T, strict bool) {
		r := newRig(t, strict)
		r.write(t, map[string]string{
			"src/index.py": "def handler(event, context):\n    return 1\n",
			"function.yaml": `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    memory_size: 256
    environment: {GREETING: hi}
    code: {path: ./src}
    publish: {version: v1}
    aliases:
      live: {version: $published}
`,
		})
		if n := r.apply(t, nil); n != 1 {
			t.Fatalf("the first apply changed %d functions, want 1", n)
		}
		for _, q := range []string{"latest", "v1"} {
			cfg, err := r.sdk.ShowFunctionConfig(&model.ShowFunctionConfigRequest{FunctionUrn: urn("hello") + ":" + q})
			if err != nil {
				t.Fatalf("ShowFunctionConfig %s: %v", q, err)
			}
			if cfg.MemorySize == nil || *cfg.MemorySize != 256 {
				t.Errorf("%s: memory_size %s, want 256", q, show(cfg.MemorySize))
			}
			if cfg.UserData == nil || *cfg.UserData != `{"GREETING":"hi"}` {
				t.Errorf("%s: user_data %s, want the declared environment", q, show(cfg.UserData))
			}
		}
		alias, err := r.sdk.ShowVersionAlias(&model.ShowVersionAliasRequest{FunctionUrn: urn("hello"), AliasName: "live"})
		if err != nil {
			t.Fatalf("ShowVersionAlias: %v", err)
		}
		if alias.Version == nil || *alias.Version != "v1" {
			t.Errorf("alias live on %s, want v1", show(alias.Version))
		}
		if n := r.apply(t, nil); n != 0 {
			t.Errorf("a second apply changed %d functions, want none", n)
		}
	})
}

// A change of config alone, read back through the SDK: it reached the
// canary of live as a version of its own with the new memory and
// environment, the version before kept its own; a rollback of that
// canary holds when the same release is applied again (the alias's
// record says why), and the next release of config moves live again.
func TestConfigReleaseReadBackWithSDK(t *testing.T) {
	modes(t, func(t *testing.T, strict bool) {
		r := newRig(t, strict)
		manifest := `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    memory_size: ${MEMORY}
    environment: {GREETING: "${GREETING}"}
    code: {path: ./src}
    publish: {version: "v${N}"}
    aliases:
      live: {version: $published, canary: 10}
`
		r.write(t, map[string]string{"src/index.py": "def handler(event, context):\n    return 1\n", "function.yaml": manifest})
		r.apply(t, map[string]string{"MEMORY": "256", "GREETING": "hi", "N": "1"})
		release2 := map[string]string{"MEMORY": "512", "GREETING": "hello", "N": "2"}
		if n := r.apply(t, release2); n != 1 {
			t.Fatalf("a change of config alone changed %d functions, want 1", n)
		}
		wantConfig := func(q string, mem int32, greeting string) {
			t.Helper()
			cfg, err := r.sdk.ShowFunctionConfig(&model.ShowFunctionConfigRequest{FunctionUrn: urn("hello") + ":" + q})
			if err != nil {
				t.Fatalf("ShowFunctionConfig %s: %v", q, err)
			}
			if cfg.MemorySize == nil || *cfg.MemorySize != mem || cfg.UserData == nil || *cfg.UserData != `{"GREETING":"`+greeting+`"}` {
				t.Errorf("%s: memory_size %s, user_data %s; want %d, GREETING=%s", q, show(cfg.MemorySize), show(cfg.UserData), mem, greeting)
			}
		}
		wantConfig("v1", 256, "hi")
		wantConfig("v2", 512, "hello")
		alias := func() *model.ShowVersionAliasResponse {
			t.Helper()
			a, err := r.sdk.ShowVersionAlias(&model.ShowVersionAliasRequest{FunctionUrn: urn("hello"), AliasName: "live"})
			if err != nil {
				t.Fatalf("ShowVersionAlias: %v", err)
			}
			return a
		}
		if a := alias(); show(a.Version) != "v1" || a.AdditionalVersionWeights["v2"] != 10 || len(a.AdditionalVersionWeights) != 1 {
			t.Fatalf("live on %s with %v, want v1 with 10%% to v2", show(a.Version), a.AdditionalVersionWeights)
		}
		if _, err := release.Rollback(context.Background(), r.client, urn("hello"), "live", ""); err != nil {
			t.Fatal(err)
		}
		if n := r.apply(t, release2); n != 0 {
			t.Errorf("the same release again after a rollback changed %d functions, want none", n)
		}
		if a := alias(); show(a.Version) != "v1" || len(a.AdditionalVersionWeights) != 0 || show(a.Description) != "fgsdeploy:reverted=v2" {
			t.Fatalf("after the rollback: live on %s with %v, description %s", show(a.Version), a.AdditionalVersionWeights, show(a.Description))
		}
		r.apply(t, map[string]string{"MEMORY": "1024", "GREETING": "hello", "N": "3"})
		wantConfig("v3", 1024, "hello")
		if a := alias(); show(a.Version) != "v1" || a.AdditionalVersionWeights["v3"] != 10 || len(a.AdditionalVersionWeights) != 1 {
			t.Fatalf("after the next release: live on %s with %v", show(a.Version), a.AdditionalVersionWeights)
		}
	})
}
