package sdkcheck_test

import (
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"
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
