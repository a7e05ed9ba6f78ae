package release_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/release"
)

const (
	ak, sk, pid, region = "AK", "SK-secret", "00000000000000000000000000000abc", "cn-north-4"
)

// released starts an emulator holding function f with versions v1 (from
// stable) and v2 (from canary), and alias live on v1 with 10% to v2.
func released(t *testing.T, stable, canary string) (*apiclient.Client, string) {
	t.Helper()
	r, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: ak, SecretKey: sk, Region: region, ProjectID: pid})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	c, err := apiclient.New(apiclient.Config{Endpoint: r.URL, IAMEndpoint: r.URL, LTSEndpoint: r.LTSURL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "fn", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
		MemorySize: 128, Timeout: 10, CodeType: "zip", CodeFilename: "c.zip", CodeFile: zipped(t, stable)})
	if err != nil {
		t.Fatal(err)
	}
	urn := c.FunctionURN("default", "fn")
	if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: zipped(t, canary+"\n# v2\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v1", Description: "traffic",
		AdditionalVersionWeights: map[string]int{"v2": 10}}); err != nil {
		t.Fatal(err)
	}
	return c, urn
}

func zipped(t *testing.T, src string) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	w.Write([]byte(src))
	zw.Close()
	p := filepath.Join(t.TempDir(), "c.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	healthy = "def handler(event, context):\n    return 'ok'\n"
	broken  = "def handler(event, context):\n    raise RuntimeError('canary is broken')\n"
	// flaky fails the events that ask it to.
	flaky = "def handler(event, context):\n    if event.get('fail'):\n        raise ValueError('asked to')\n    return 'ok'\n"
)

func noSleep(context.Context, time.Duration) error { return nil }

// A healthy canary goes through every step and ends wholly on the new
// version, with the stable one recorded for rollback.
func TestShiftHealthy(t *testing.T) {
	c, urn := released(t, healthy, healthy)
	var seen []release.StepReport
	res, err := release.Shift(context.Background(), c, urn, "live", release.Canary{Steps: []int{50, 100}, Interval: time.Second,
		Payload: []byte(`{}`), MaxErrorRate: 0.01, Sleep: noSleep, Step: func(r release.StepReport) { seen = append(seen, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || !seen[0].Healthy || !seen[1].Healthy || seen[0].Invocations != 1 || seen[1].Invocations != 1 || seen[0].Check == nil {
		t.Errorf("steps %+v", seen)
	}
	if release.Describe(seen[0].Alias) != "v1 (50%) + v2 (50%)" || release.Describe(seen[1].Alias) != "v2" {
		t.Errorf("routing %s, %s", release.Describe(seen[0].Alias), release.Describe(seen[1].Alias))
	}
	a, _ := c.GetAlias(context.Background(), urn, "live")
	if a.Version != "v2" || len(release.Weights(*a)) != 0 || a.Description != "traffic (fgsdeploy:previous=v1)" || res.RolledBack {
		t.Errorf("alias after: %+v", a)
	}
}

// A canary whose check invocation fails is rolled back at once, with the
// evidence; the alias keeps its description, and records the canary as
// reverted.
func TestShiftCheckFails(t *testing.T) {
	c, urn := released(t, healthy, broken)
	res, err := release.Shift(context.Background(), c, urn, "live", release.Canary{Steps: []int{50, 100}, Interval: time.Second,
		Payload: []byte(`{}`), Sleep: noSleep})
	if !errors.Is(err, release.ErrRolledBack) || !res.RolledBack || len(res.Steps) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	for _, want := range []string{"canary v2 failed step 1 of 2 (50%)", "the check invocation failed (status 500): RuntimeError: canary is broken", "alias live rolled back to v1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if log := res.Steps[0].Check.Log; !strings.Contains(log, "canary is broken") {
		t.Errorf("the check's log tail: %q", log)
	}
	a, _ := c.GetAlias(context.Background(), urn, "live")
	if a.Version != "v1" || len(release.Weights(*a)) != 0 || a.Description != "traffic (fgsdeploy:reverted=v2)" {
		t.Errorf("alias after: %+v", a)
	}
}

// Without a payload, the error rate of the canary's own traffic during
// the step decides.
func TestShiftErrorRate(t *testing.T) {
	for _, tc := range []struct {
		max      float64
		rollback bool
	}{{0.01, true}, {0.5, false}} {
		c, urn := released(t, healthy, flaky)
		traffic := func(ctx context.Context, _ time.Duration) error {
			for _, ev := range []string{`{}`, `{}`, `{}`, `{"fail":true}`} {
				if _, err := c.Invoke(ctx, urn+":v2", []byte(ev), false); err != nil {
					return err
				}
			}
			return nil
		}
		res, err := release.Shift(context.Background(), c, urn, "live", release.Canary{Steps: []int{100}, Interval: time.Second, MaxErrorRate: tc.max, Sleep: traffic})
		if tc.rollback != errors.Is(err, release.ErrRolledBack) || res.Steps[0].Invocations != 4 || res.Steps[0].Errors != 1 {
			t.Errorf("max %v: %v %+v", tc.max, err, res.Steps)
		}
		if tc.rollback && !strings.Contains(err.Error(), "1 of 4 invocations failed (25.0%), above the limit of 1.0%") {
			t.Errorf("max %v: %v", tc.max, err)
		}
		a, _ := c.GetAlias(context.Background(), urn, "live")
		if want := map[bool]string{true: "v1", false: "v2"}[tc.rollback]; a.Version != want {
			t.Errorf("max %v: alias on %s, want %s", tc.max, a.Version, want)
		}
	}
}

// Interrupted during a step, the alias goes back to the last step that
// passed, and the error says where it is.
func TestShiftInterrupted(t *testing.T) {
	c, urn := released(t, healthy, healthy)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	step := 0
	sleep := func(ctx context.Context, _ time.Duration) error {
		if step++; step == 2 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	res, err := release.Shift(ctx, c, urn, "live", release.Canary{Steps: []int{30, 60, 100}, Interval: time.Second, Sleep: sleep})
	if !errors.Is(err, context.Canceled) || !res.Interrupted || !strings.Contains(err.Error(), "interrupted at step 2 of 3: alias live left at v1 (70%) + v2 (30%)") {
		t.Fatalf("%v %+v", err, res)
	}
	a, _ := c.GetAlias(context.Background(), urn, "live")
	if release.Describe(*a) != "v1 (70%) + v2 (30%)" || a.Description != "traffic" {
		t.Errorf("alias after: %+v", a)
	}
}

// An alias wholly on the newest version has nothing to promote; steps
// must increase within 1 to 100.
func TestShiftNothingAndSteps(t *testing.T) {
	c, urn := released(t, healthy, healthy)
	if _, err := release.Promote(context.Background(), c, urn, "live"); err != nil {
		t.Fatal(err)
	}
	res, err := release.Shift(context.Background(), c, urn, "live", release.Canary{Steps: []int{50, 100}, Interval: time.Second, Sleep: noSleep})
	if err != nil || !res.Unchanged {
		t.Errorf("%v %+v", err, res)
	}
	for _, bad := range [][]int{nil, {0, 100}, {50, 50}, {60, 40}, {101}} {
		if err := release.CheckSteps(bad); err == nil {
			t.Errorf("steps %v accepted", bad)
		}
	}
	if err := release.CheckSteps([]int{1, 10, 100}); err != nil {
		t.Error(err)
	}
}
