package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// A build's environment is fgsdeploy's without its credentials, without
// the variables the project's secrets come from (of any function, even
// one the command does not use) and without any other variable holding
// one of their values; each of those values is redacted from a failed
// build's output. A project without code.build gets no builder.
func TestBuilderEnvironment(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
functions:
  built:
    code: {path: ./src, build: make}
    encrypted_environment: {TOKEN: "${BUILD_TOKEN}"}
  other:
    code: {path: ./src}
    encrypted_environment: {KEY: "${OTHER_KEY}"}
`
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(y), 0o644)
	for k, v := range map[string]string{"BUILD_TOKEN": "tok-123", "OTHER_KEY": "key-456", "COPY_OF_KEY": "key-456",
		"HUAWEICLOUD_SDK_AK": "ak-789", "HW_SECRET_KEY": "sk-000", "KEPT_VAR": "kept"} {
		t.Setenv(k, v)
	}
	p, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{Lookup: os.LookupEnv, Functions: []string{"built"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := builderFor(p)
	if err != nil || b == nil {
		t.Fatalf("builder %v, %v", b, err)
	}
	env := strings.Join(b.Env, "\n")
	for _, gone := range []string{"BUILD_TOKEN=", "OTHER_KEY=", "COPY_OF_KEY=", "HUAWEICLOUD_SDK_AK=", "HW_SECRET_KEY="} {
		if strings.Contains(env, gone) {
			t.Errorf("the build's environment has %s", gone)
		}
	}
	if !slices.Contains(b.Env, "KEPT_VAR=kept") {
		t.Error("the build's environment lost KEPT_VAR")
	}
	for _, secret := range []string{"tok-123", "key-456", "ak-789", "sk-000"} {
		if !slices.Contains(b.Redact, secret) {
			t.Errorf("%s is not redacted", secret)
		}
	}
	if b.CacheDir != filepath.Join(dir, ".fgsdeploy", "build") {
		t.Errorf("cache %s", b.CacheDir)
	}
	if ignore, err := os.ReadFile(filepath.Join(dir, ".fgsdeploy", ".gitignore")); err != nil || string(ignore) != "*\n" {
		t.Errorf(".fgsdeploy/.gitignore: %q, %v", ignore, err)
	}
	p.Functions[0].Code.Build = ""
	if b, err := builderFor(p); b != nil || err != nil {
		t.Errorf("no code.build: builder %v, %v", b, err)
	}
}
