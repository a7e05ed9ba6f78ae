package applier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// One reference documents the publish response with "version": "latest"
// and an unqualified URN. Answered that way, apply still finds the
// version it published, by name from the version list, and points the
// aliases at it, for a named and for an unnamed publish.
func TestPublishedVersionIsConfirmedFromTheList(t *testing.T) {
	logMode(t)
	srv, err := emulator.New(emulator.Options{AccessKey: "AK", SecretKey: "SK", ProjectID: pid, Region: "cn-north-4", Strict: strictEmulator})
	if err != nil {
		t.Fatal(err)
	}
	emu := httptest.NewServer(srv)
	defer emu.Close()
	target, _ := url.Parse(emu.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	version := regexp.MustCompile(`"version":"[^"]*"`)
	qualified := regexp.MustCompile(`("func_urn":"[^"]*):[^":]*"`)
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method != "POST" || !strings.HasSuffix(r.Request.URL.Path, "/versions") || r.StatusCode != 200 {
			return nil
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		b = version.ReplaceAll(b, []byte(`"version":"latest"`))
		b = qualified.ReplaceAll(b, []byte(`$1"`))
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	gateway := httptest.NewServer(proxy)
	defer gateway.Close()
	client, err := apiclient.New(apiclient.Config{Endpoint: gateway.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	checkPublishConfirmed(t, client)
}

// Rule 6 (docs/api-notes.md): against the emulator itself, whose strict
// reading answers a publish with "version": "latest" and an unqualified
// URN, the version apply reports and points aliases at is the one it
// published, named or not.
func TestRule06ThePublishResponse(t *testing.T) {
	logMode(t)
	srv, err := emulator.New(emulator.Options{AccessKey: "AK", SecretKey: "SK", ProjectID: pid, Region: "cn-north-4", Strict: strictEmulator})
	if err != nil {
		t.Fatal(err)
	}
	emu := httptest.NewServer(srv)
	defer emu.Close()
	client, err := apiclient.New(apiclient.Config{Endpoint: emu.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	checkPublishConfirmed(t, client)
}

// checkPublishConfirmed applies a named and an unnamed release and checks
// that the report and the alias name the version the list shows.
func checkPublishConfirmed(t *testing.T, client *apiclient.Client) {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	ctx := context.Background()
	for _, tc := range []struct{ fn, publish string }{{"named", "{version: v7}"}, {"unnamed", "{}"}} {
		os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("# "+tc.fn+"\n"), 0o644)
		y := "functions:\n  " + tc.fn + ":\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: " + tc.publish + "\n    aliases:\n      live: {version: $published}\n"
		os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(y), 0o644)
		proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := planner.Compute(ctx, client, proj, planner.Options{})
		if err != nil || p.Err() != nil {
			t.Fatal(err, p.Err())
		}
		rep := applier.Apply(ctx, client, p, applier.Options{})
		p.Close()
		if err := rep.Err(); err != nil {
			t.Fatalf("%s: %v", tc.fn, err)
		}
		vs, err := client.ListVersions(ctx, client.FunctionURN("default", tc.fn))
		if err != nil || len(vs) != 2 || vs[1].Version == "latest" {
			t.Fatalf("%s: versions %+v, %v", tc.fn, vs, err)
		}
		name := vs[1].Version
		if tc.fn == "named" && name != "v7" {
			t.Fatalf("named: published %s", name)
		}
		a, err := client.GetAlias(ctx, client.FunctionURN("default", tc.fn), "live")
		if err != nil || a.Version != name || rep.Functions[0].Published != name {
			t.Fatalf("%s: alias %+v (%v), report says %q, version %s", tc.fn, a, err, rep.Functions[0].Published, name)
		}
	}
}

// Apply never writes to the plan: what it learns (the name an unnamed
// publish got, which the canary alias then weights) stays in the applier,
// and the plan reads the same after apply as before.
func TestApplyLeavesThePlanAsItWas(t *testing.T) {
	// Unnamed versions are named by the second: each read of the clock is
	// a second later.
	var tick atomic.Int64
	start := time.Now().UTC().Truncate(time.Second)
	r := newRig(t, 1, emulator.Options{Now: func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }})
	ctx := context.Background()
	dir := r.proj.Dir
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {keep: 1}\n" +
		"    aliases:\n      live: {version: $published, canary: 10}\n"
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(y), 0o644)
	for i := range 3 {
		os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte(fmt.Sprintf("# %d\n", i)), 0o644)
		proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := planner.Compute(ctx, r.client, proj, planner.Options{})
		if err != nil || p.Err() != nil {
			t.Fatal(err, p.Err())
		}
		before, _ := json.Marshal(p.Functions)
		if i > 0 && !strings.Contains(string(before), `"additional_version_weights":{"(to be published)":10}`) {
			t.Fatalf("round %d: no canary on the pending version in the plan:\n%s", i, before)
		}
		if err := applier.Apply(ctx, r.client, p, applier.Options{}).Err(); err != nil {
			t.Fatal(err)
		}
		p.Close()
		if after, _ := json.Marshal(p.Functions); string(after) != string(before) {
			t.Fatalf("round %d: apply changed the plan\nbefore %s\nafter  %s", i, before, after)
		}
	}
	if a, err := r.client.GetAlias(ctx, r.client.FunctionURN("default", "hello"), "live"); err != nil || len(a.AdditionalVersionWeights) != 1 {
		t.Fatalf("live %+v, %v", a, err)
	}
}
