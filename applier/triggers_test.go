package applier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// triggerRig is an emulator behind a proxy that can rewrite requests, a
// client through it, and a project.
type triggerRig struct {
	srv     *emulator.Server
	client  *apiclient.Client
	dir     string
	rewrite func(r *http.Request, body []byte) []byte // nil: pass through
}

func newTriggerRig(t *testing.T, eo emulator.Options) *triggerRig {
	t.Helper()
	eo.AccessKey, eo.SecretKey, eo.ProjectID, eo.Region = "AK", "SK", pid, "cn-north-4"
	eo.RetryAfter = -1
	eo.Strict = strictEmulator
	logMode(t)
	srv, err := emulator.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	r := &triggerRig{srv: srv, dir: t.TempDir()}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.rewrite != nil {
			b, _ := io.ReadAll(req.Body)
			b = r.rewrite(req, b)
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.ContentLength = int64(len(b))
			// The signature covers the body: the proxy re-signs by
			// sending the rewritten request as the emulator's own.
			req.Header.Set("X-Auth-Token", "proxy")
			req.Header.Del("Authorization")
		}
		srv.ServeHTTP(w, req)
	}))
	t.Cleanup(hs.Close)
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK",
		Retry: apiclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	r.client = c
	os.MkdirAll(filepath.Join(r.dir, "src"), 0o755)
	os.WriteFile(filepath.Join(r.dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
	return r
}

func (r *triggerRig) apply(t *testing.T, manifestText string) *applier.Report {
	t.Helper()
	os.WriteFile(filepath.Join(r.dir, "function.yaml"), []byte(manifestText), 0o644)
	proj, err := manifest.Load(filepath.Join(r.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.Compute(context.Background(), r.client, proj, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	return applier.Apply(context.Background(), r.client, p, applier.Options{})
}

const disYAML = `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    triggers:
      - type: DIS
        event_data: {stream_name: s1, sharditerator_type: TRIM_HORIZON, batch_size: 100, polling_interval: %d, polling_unit: s, is_serial: true}
`

// An update in place that FunctionGraph answers without the change (as
// under a reading where it ignores an event_data it does not expect)
// fails the step, saying so, rather than passing for done.
func TestTriggerUpdateNotTaken(t *testing.T) {
	r := newTriggerRig(t, emulator.Options{Token: "proxy"})
	if err := r.apply(t, fmt.Sprintf(disYAML, 30)).Err(); err != nil {
		t.Fatal(err)
	}
	r.rewrite = func(req *http.Request, body []byte) []byte {
		if req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/triggers/") {
			return []byte(`{}`)
		}
		return body
	}
	err := r.apply(t, fmt.Sprintf(disYAML, 60)).Err()
	if err == nil || !strings.Contains(err.Error(), "FunctionGraph answered without the new polling_interval; nothing else was changed: plan again") {
		t.Fatalf("apply: %v", err)
	}
}

// Triggers converge under faults, some after the change took effect:
// every function ends with exactly its declared triggers, none created
// twice.
func TestTriggersUnderFaults(t *testing.T) {
	r := newTriggerRig(t, emulator.Options{FaultRate: 0.25, Seed: 7, FaultAfterEffect: true})
	var b strings.Builder
	b.WriteString("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\n  triggers:\n" +
		"    - {type: TIMER, event_data: {name: hourly, schedule_type: Rate, schedule: 1h}}\n" +
		"    - {type: LTS, event_data: {log_group_id: g, log_topic_id: s}}\nfunctions:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  fn%02d: {}\n", i)
	}
	os.WriteFile(filepath.Join(r.dir, "function.yaml"), []byte(b.String()), 0o644)
	proj, err := manifest.Load(filepath.Join(r.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; ; round++ {
		if round == 15 {
			t.Fatal("not converged after 15 applies")
		}
		p, err := planner.Compute(context.Background(), r.client, proj, planner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !p.HasChanges() && len(p.Failures) == 0 {
			p.Close()
			break
		}
		applier.Apply(context.Background(), r.client, p, applier.Options{})
		p.Close()
	}
	r.srv.SetFaultRate(0)
	// A trigger created twice would have been deleted by a later plan.
	if n := r.srv.Stats().Requests["DELETE triggers"]; n > 0 {
		t.Errorf("%d trigger deletions: a trigger was created twice", n)
	}
	t.Logf("%d faults injected", r.srv.Stats().Faults)
	for _, f := range proj.Functions {
		ts, err := r.client.ListTriggers(context.Background(), r.client.FunctionURN("default", f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 2 {
			b, _ := json.Marshal(ts)
			t.Errorf("%s has %d triggers, want 2: %s", f.Name, len(ts), b)
		}
	}
}

// The report names what the triggers step did, in text and JSON.
func TestTriggerReport(t *testing.T) {
	r := newTriggerRig(t, emulator.Options{})
	rep := r.apply(t, fmt.Sprintf(disYAML, 30))
	var text, js bytes.Buffer
	rep.Write(&text)
	rep.WriteJSON(&js)
	if !strings.Contains(text.String(), "hello: created (create, triggers (1 created))") {
		t.Errorf("text report:\n%s", text.String())
	}
	if !strings.Contains(js.String(), `"triggers": [`) || !strings.Contains(js.String(), `"action": "create"`) || !strings.Contains(js.String(), `"type": "DIS"`) {
		t.Errorf("JSON report:\n%s", js.String())
	}
}
