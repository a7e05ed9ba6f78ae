package main

import (
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fgsdeploy": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script; -update rewrites
// the golden files their cmp commands compare with.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup:         setupScript,
	})
}

func setupScript(env *testscript.Env) error {
	// Scenarios must not pick up the developer's credentials or colour settings.
	for _, k := range []string{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HW_ACCESS_KEY", "HW_SECRET_KEY",
		"HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN", "HUAWEICLOUD_SDK_REGION",
		"HW_REGION_NAME", "HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID", "FGSDEPLOY_ENDPOINT", "FGSDEPLOY_LOCAL",
		"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"} {
		env.Setenv(k, "")
	}
	env.Setenv("NO_COLOR", "1")
	return nil
}
