package planner_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// Refused credentials are one error of the run, an *AuthError, not a
// failure of each function: no function could get past them (issue 24,
// item 7). The reads stop at the first refusal.
func TestAuthFailureIsOneError(t *testing.T) {
	w := newWorld(t)
	w.write("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\nfunctions:\n  aa: {}\n  bb: {}\n  cc: {}\n", "def handler(e, c):\n    return 1\n")
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad, err := apiclient.New(apiclient.Config{Endpoint: w.endpoint, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	before := w.srv.Stats().Requests["GET function/config"]
	p, err := planner.Compute(context.Background(), bad, proj, planner.Options{Parallelism: 1})
	var ae *planner.AuthError
	if p != nil || !errors.As(err, &ae) || !apiclient.IsUnauthenticated(err) || !strings.HasPrefix(err.Error(), "authentication failed: APIG") {
		t.Fatalf("Compute = %v, %v; want no plan and an *AuthError", p, err)
	}
	if n := w.srv.Stats().Requests["GET function/config"] - before; n != 1 {
		t.Errorf("%d reads after the refusal, want the one refused", n)
	}
}

// A function that uses a dependency that could not be planned says so in
// words, not "notify: uses read dependency common: ..." (issue 24, item 7).
func TestFunctionOfAFailedDependency(t *testing.T) {
	w := newWorld(t)
	w.write("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\ndependencies:\n  common: {path: ./src, runtime: Python3.10}\nfunctions:\n  notify:\n    dependencies: [common]\n  other: {}\n", "def handler(e, c):\n    return 1\n")
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A client without the dependency calls cannot plan the dependency.
	p, err := planner.Compute(context.Background(), struct{ planner.API }{w.client}, proj, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var got []string
	for _, f := range p.Failures {
		got = append(got, f.Error())
	}
	want := "notify: uses dependency common, which could not be planned: dependency common: this client cannot read dependencies"
	if len(p.Functions) != 1 || p.Functions[0].Name != "other" || !strings.Contains(strings.Join(got, "\n"), want) {
		t.Fatalf("failures:\n%s\nwant %q, and other planned", strings.Join(got, "\n"), want)
	}
}
