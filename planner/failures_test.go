package planner_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// One function's read that still fails after its retries (the gateway
// throttles it, every time) fails that function only: the other 49 are
// planned and applied, and the report names the one.
func TestFailedReadFailsOneFunction(t *testing.T) {
	logMode(t)
	srv, err := emulator.New(emulator.Options{AccessKey: "AK", SecretKey: "SK", ProjectID: pid, Region: "cn-north-4", Strict: strictEmulator})
	if err != nil {
		t.Fatal(err)
	}
	emu := httptest.NewServer(srv)
	defer emu.Close()
	target, _ := url.Parse(emu.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, ":fn013/config") && r.Method == "GET" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 second"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer gateway.Close()
	client, err := apiclient.New(apiclient.Config{Endpoint: gateway.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK",
		Retry: apiclient.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
	var y strings.Builder
	y.WriteString("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\n  publish: {version: v1}\n  aliases:\n    live: {version: $published}\nfunctions:\n")
	for i := range 50 {
		fmt.Fprintf(&y, "  fn%03d: {}\n", i)
	}
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(y.String()), 0o644)
	proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := planner.Compute(ctx, client, proj, planner.Options{})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	defer p.Close()
	if len(p.Functions) != 49 || len(p.Failures) != 1 || p.Failures[0].Name != "fn013" || !strings.Contains(p.Failures[0].Error(), "read fn013: APIG.0308") {
		t.Fatalf("%d planned, failures %v", len(p.Functions), p.Err())
	}
	var out bytes.Buffer
	(plan.View{}).Text(&out, p)
	if !strings.Contains(out.String(), "! fn013: cannot plan: read fn013: APIG.0308") || !strings.Contains(out.String(), "Plan: 49 to create, 0 to update, 0 unchanged, 1 could not be planned.") {
		t.Fatalf("plan:\n%s", out.String())
	}
	rep := applier.Apply(ctx, client, p, applier.Options{})
	out.Reset()
	rep.Write(&out)
	if !strings.Contains(out.String(), "fn013: failed while planning: read fn013: APIG.0308") || !strings.Contains(out.String(), "Apply: 49 created, 0 updated, 0 unchanged, 1 failed.") {
		t.Fatalf("report:\n%s", out.String())
	}
	if err := rep.Err(); err == nil || !strings.HasPrefix(err.Error(), "read fn013: APIG.0308") {
		t.Fatalf("err = %v", err)
	}
}

// A function of a saved plan that cannot be planned when the plan is
// applied is a failure of its own, not "no longer in the manifest".
func TestSavedPlanFunctionFailingAtApply(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.writeServices("aaa111", "a1", "b1")
	w.apply()
	w.writeServices("bbb222", "a2", "b2")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(w.dir, "plan.json")
	if err := planfile.Save(file, p); err != nil {
		t.Fatal(err)
	}
	saved, err := planfile.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	// Another pipeline publishes vbbb222 of svc-b with other code (a code
	// change: the strict reading allows a publish only after one).
	urn := w.client.FunctionURN("default", "svc-b")
	other := filepath.Join(t.TempDir(), "other.zip")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	zf, _ := zw.Create("index.py")
	zf.Write([]byte("def handler(e, c):\n    return 'other'\n"))
	zw.Close()
	os.WriteFile(other, zb.Bytes(), 0o644)
	if _, err := w.client.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "other.zip", CodeFile: other}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "vbbb222"}); err != nil {
		t.Fatal(err)
	}
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := planner.Compute(ctx, w.client, proj, planner.Options{Salt: saved.Salt, Targets: saved.Targets()})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	ok, stale := saved.Check(fresh)
	if len(stale) != 0 || len(ok.Functions) != 1 || ok.Functions[0].Name != "svc-a" || len(ok.Failures) != 1 ||
		!strings.Contains(ok.Failures[0].Error(), "function.yaml:4:22: functions.svc-b.publish.version: version vbbb222 already exists with other code") {
		t.Fatalf("stale %v, ok %d functions, failures %v", stale, len(ok.Functions), ok.Err())
	}
}
