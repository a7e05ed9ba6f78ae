// Package sdkcheck_test reads back, with the official huaweicloud-sdk-go-v3
// FunctionGraph client, what fgsdeploy deployed to the emulator. The
// emulator keeps wire types of its own and the client keeps its own; the
// SDK is a third party that neither shares, so a field the emulator answers
// under a name the SDK's models do not have (or a path the SDK does not
// call) shows here as a missing value or a failed call. Only tests live
// here: nothing of fgsdeploy imports the SDK.
package sdkcheck_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	fg "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

const (
	pid    = "0123456789abcdef0123456789abcdef"
	region = "cn-north-4"
	ak, sk = "SDKCHECKAK", "SDKCHECKSK"
)

// rig is one emulator (in one mode), fgsdeploy's client and the SDK's
// client, both signing with the same credentials.
type rig struct {
	srv    *emulator.Server
	client *apiclient.Client
	sdk    *fg.FunctionGraphClient
	dir    string // the project directory
}

// modes runs fn against the lenient and the strict emulator.
func modes(t *testing.T, fn func(t *testing.T, strict bool)) {
	for _, strict := range []bool{false, true} {
		name := map[bool]string{false: "lenient", true: "strict"}[strict]
		t.Run(name, func(t *testing.T) { fn(t, strict) })
	}
}

func newRig(t *testing.T, strict bool) *rig {
	t.Helper()
	srv, err := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region, Strict: strict})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk,
		Retry: apiclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(pid).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := fg.FunctionGraphClientBuilder().WithEndpoints([]string{hs.URL}).WithCredential(auth).
		WithHttpConfig(config.DefaultHttpConfig().WithRetries(0)).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return &rig{srv: srv, client: c, sdk: fg.NewFunctionGraphClient(hc), dir: t.TempDir()}
}

// write writes files of the project (paths relative to its directory).
func (r *rig) write(t *testing.T, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(r.dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// apply plans the project's function.yaml and applies it, failing the test
// on any error or failed step; it returns how many functions the plan
// changed.
func (r *rig) apply(t *testing.T, vars map[string]string) int {
	t.Helper()
	proj, err := manifest.Load(filepath.Join(r.dir, "function.yaml"), manifest.Options{Lookup: func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := planner.Compute(ctx, r.client, proj, planner.Options{Region: region})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if len(p.Failures) > 0 {
		t.Fatalf("plan failures: %v", p.Failures[0].Err)
	}
	changed := 0
	for _, f := range p.Functions {
		if len(f.Steps) > 0 {
			changed++
		}
	}
	rep := applier.Apply(ctx, r.client, p, applier.Options{})
	if err := rep.Err(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return changed
}

// urn is the unqualified URN of a function of the default package.
func urn(name string) string {
	return "urn:fss:" + region + ":" + pid + ":function:default:" + name
}

// show prints what an SDK model's optional field holds ("absent" for nil).
func show[T any](v *T) string {
	if v == nil {
		return "absent"
	}
	return fmt.Sprint(*v)
}
