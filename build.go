package main

// code.build: the builder plans, package and validate run builds with.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// credentialVars are fgsdeploy's own credentials: a build (whose
// commands may run any package's install scripts) never gets them.
var credentialVars = []string{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
	"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN"}

// builderFor is the builder of p's code.build commands, nil when no
// function of p has one. Its cache is <project>/.fgsdeploy/build. A build
// runs with fgsdeploy's environment without the credentials and without
// the variables secrets come from (encrypted_environment, trigger
// passwords: manifest.Project.SecretVars), nor any other variable that
// holds one of those values; a failed build's output shows each of them
// as (sensitive).
func builderFor(p *manifest.Project) (*codebuild.Builder, error) {
	if !slices.ContainsFunc(p.Functions, func(f *manifest.Function) bool { return f.Code.Build != "" }) {
		return nil, nil
	}
	top, err := stateDir(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("code.build cache: %w", err)
	}
	var redact []string
	for _, f := range p.Functions {
		for _, v := range f.EncryptedEnvironment {
			redact = append(redact, v)
		}
		for _, t := range f.Triggers {
			for _, v := range t.Secrets {
				redact = append(redact, v)
			}
		}
	}
	withheld := append(slices.Clone(credentialVars), p.SecretVars...)
	for _, k := range withheld {
		if v := os.Getenv(k); v != "" {
			redact = append(redact, v)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if slices.Contains(withheld, k) || (v != "" && slices.Contains(redact, v)) {
			continue
		}
		env = append(env, kv)
	}
	return &codebuild.Builder{CacheDir: filepath.Join(top, "build"), Env: env, Redact: redact}, nil
}

// codeDir is what f's package is built from (planner.CodeDir), saying on
// stderr when its code.build ran.
func codeDir(ctx context.Context, stderr io.Writer, p *manifest.Project, f *manifest.Function, b *codebuild.Builder) (string, codezip.Options, error) {
	dir, opts, built, err := planner.CodeDir(ctx, p, f, b)
	if built != nil && built.Ran {
		fmt.Fprintf(stderr, "fgsdeploy: %s: %s\n", f.Name, planner.BuildNote)
	}
	return dir, opts, err
}
