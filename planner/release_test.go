package planner_test

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
	"sync"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
	"github.com/fgsdeploy/fgsdeploy/release"
)

const pid = "0123456789abcdef0123456789abcdef"

// world is a project directory and an emulator, talked to over real HTTP.
type world struct {
	t      *testing.T
	dir    string
	client *apiclient.Client
	cap    int
	srv    *emulator.Server
	// endpoint is the emulator's URL, for a second client.
	endpoint string

	mu   sync.Mutex
	sent []request // the writes the emulator received, in order
}

// request is a write as it reached the emulator.
type request struct {
	Method, Path string
	Body         []byte
}

func newWorld(t *testing.T) *world {
	return newWorldWith(t, emulator.Options{})
}

func newWorldWith(t *testing.T, o emulator.Options) *world {
	o.AccessKey, o.SecretKey, o.ProjectID, o.Region = "AK", "SK", pid, "cn-north-4"
	o.Strict = strictEmulator
	logMode(t)
	srv, err := emulator.New(o)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, srv: srv}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			w.mu.Lock()
			w.sent = append(w.sent, request{r.Method, strings.TrimPrefix(r.URL.Path, "/v2/"+pid+"/fgs"), b})
			w.mu.Unlock()
		}
		srv.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	w.client, w.endpoint = c, hs.URL
	w.dir = t.TempDir()
	os.MkdirAll(filepath.Join(w.dir, "src"), 0o755)
	return w
}

// writes returns the writes sent since the last forget whose method is
// method and whose path ends with suffix.
func (w *world) writes(method, suffix string) []request {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []request
	for _, r := range w.sent {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

// forget drops the writes recorded so far.
func (w *world) forget() {
	w.mu.Lock()
	w.sent = nil
	w.mu.Unlock()
}

// write sets the manifest and the code.
func (w *world) write(manifestYAML, code string) {
	os.WriteFile(filepath.Join(w.dir, "function.yaml"), []byte(manifestYAML), 0o644)
	os.WriteFile(filepath.Join(w.dir, "src", "index.py"), []byte(code), 0o644)
}

func (w *world) plan() (*plan.Plan, error) {
	proj, err := manifest.Load(filepath.Join(w.dir, "function.yaml"), manifest.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := planner.Compute(context.Background(), w.client, proj, planner.Options{VersionCap: w.cap})
	if p != nil {
		w.t.Cleanup(func() { p.Close() })
		if err == nil {
			err = p.Err() // the failures of single functions
		}
	}
	return p, err
}

func (w *world) apply() {
	w.t.Helper()
	p, err := w.plan()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		w.t.Fatal(err)
	}
}

// aliasWrites returns the alias writes of f's plan, in order.
func aliasWrites(f *plan.FunctionPlan) []*plan.WriteAlias {
	var out []*plan.WriteAlias
	for _, s := range f.Steps {
		if r, ok := s.Request.(*plan.WriteAlias); ok {
			out = append(out, r)
		}
	}
	return out
}

// deletions returns the versions f's plan deletes before its publish (to
// make room under the cap) and after it (pruned), comma-separated.
func deletions(f *plan.FunctionPlan) (makeRoom, prune string) {
	var before, after []string
	published := !f.Has(plan.StepPublish)
	for _, s := range f.Steps {
		switch r := s.Request.(type) {
		case *plan.PublishVersion:
			published = true
		case *plan.DeleteVersion:
			if published {
				after = append(after, r.Version)
			} else {
				before = append(before, r.Version)
			}
		}
	}
	return strings.Join(before, ","), strings.Join(after, ",")
}

// stepTypes returns f's steps as plans show them, comma-separated.
func stepTypes(f *plan.FunctionPlan) string {
	var out []string
	for _, t := range plan.Types(f.Steps) {
		out = append(out, t.String())
	}
	return strings.Join(out, ",")
}

func text(p *plan.Plan) string {
	var b bytes.Buffer
	(plan.View{}).Text(&b, p)
	return b.String()
}

const releaseYAML = `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    publish: {version: VERSION, keep: 1}
    aliases:
      live: {version: $published, canary: 10}
`

func releaseManifest(v string) string { return strings.Replace(releaseYAML, "VERSION", v, 1) }

// versionNames lists the function's published versions, oldest first.
func (w *world) versionNames(fn string) string {
	w.t.Helper()
	vs, err := w.client.ListVersions(context.Background(), w.client.FunctionURN("default", fn))
	if err != nil {
		w.t.Fatal(err)
	}
	var names []string
	for _, v := range vs {
		if v.Version != "latest" {
			names = append(names, v.Version)
		}
	}
	return strings.Join(names, ",")
}

// keep: N keeps the N newest versions that nothing protects, plus every
// protected one (alias targets, wholly or by weight, and rollback
// targets): protected versions never take one of the N places.
func TestKeepCountsOnlyUnprotectedVersions(t *testing.T) {
	y := func(v string, keep int, alias string) string {
		return fmt.Sprintf("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: %s, keep: %d}\n    aliases:\n      live: %s\n", v, keep, alias)
	}
	for _, tc := range []struct {
		name  string
		keep  int
		alias func(v string) string // live's declaration at release v
		want  []string              // versions after each release v1, v2, ...
	}{
		// The case: live pinned on v1. Publishing v3 then v4 must
		// leave v3, the second newest, not only v4.
		{"pinned", 2, func(v string) string { return "{version: v1}" }, []string{"v1", "v1,v2", "v1,v2,v3", "v1,v3,v4", "v1,v4,v5"}},
		// live moves wholly: its version and its rollback target are kept
		// on top of the newest unprotected one.
		{"rollback target", 1, func(string) string { return "{version: $published}" }, []string{"v1", "v1,v2", "v1,v2,v3", "v2,v3,v4", "v3,v4,v5"}},
		// A canary: the stable version and the canary are kept on top.
		{"canary", 1, func(string) string { return "{version: $published, canary: 10}" }, []string{"v1", "v1,v2", "v1,v2,v3", "v1,v3,v4", "v1,v4,v5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			for i, want := range tc.want {
				v := fmt.Sprintf("v%d", i+1)
				w.write(y(v, tc.keep, tc.alias(v)), v)
				w.apply()
				if got := w.versionNames("hello"); got != want {
					t.Fatalf("after %s: versions %s, want %s", v, got, want)
				}
				if p, err := w.plan(); err != nil || p.HasChanges() {
					t.Fatalf("after %s, re-plan: %v\n%s", v, err, text(p))
				}
			}
		})
	}
}

// A named version that exists with other code is refused in the plan; one
// equal to latest is reused, not published again.
func TestNamedVersionRules(t *testing.T) {
	w := newWorld(t)
	w.write(releaseManifest("v1"), "1")
	w.apply()
	p, err := w.plan()
	if err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
	w.write(releaseManifest("v1"), "changed")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "function.yaml:6:24: functions.hello.publish.version: version v1 already exists with other code: give this release another version name") {
		t.Fatalf("err = %v", err)
	}
	// Same code, new name: FunctionGraph would answer FSS.1016. Nothing is
	// published, nothing fails, and the plan says so.
	w.write(releaseManifest("v2"), "1")
	p, err = w.plan()
	if err != nil || p.HasChanges() || !strings.Contains(text(p), "  hello: unchanged, nothing to publish\n") {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
}

// The version cap: pruning makes room first when it can; otherwise the plan fails.
func TestVersionCap(t *testing.T) {
	w := newWorld(t)
	w.cap = 3
	y := strings.Replace(releaseManifest("v${V}"), "keep: 1", "keep: 0", 1)
	noAlias := strings.Replace(y, "    aliases:\n      live: {version: $published, canary: 10}\n", "", 1)
	for i, code := range []string{"1", "2"} {
		w.write(strings.Replace(noAlias, "${V}", string(rune('1'+i)), 1), code)
		w.apply()
	}
	w.write(strings.Replace(noAlias, "${V}", "3", 1), "3")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "publish.keep is not set") {
		t.Fatalf("err = %v", err)
	}
	w.write(strings.Replace(strings.Replace(noAlias, "${V}", "3", 1), "keep: 0", "keep: 2", 1), "3")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	if makeRoom, prune := deletions(f); stepTypes(f) != "code,prune,publish" || makeRoom != "v1" || prune != "" {
		t.Fatalf("steps %v make room %v prune %v", stepTypes(f), makeRoom, prune)
	}
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
}

// A changed runtime is a plan error naming the function.
func TestRuntimeChange(t *testing.T) {
	w := newWorld(t)
	w.write(releaseManifest("v1"), "1")
	w.apply()
	w.write(strings.Replace(releaseManifest("v1"), "Python3.10", "Python3.9", 1), "1")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "function.yaml:3:14: functions.hello.runtime: cannot change in place") {
		t.Fatalf("err = %v", err)
	}
}

// Versions published within one timestamp are ordered by publish order,
// not by name: v10 is newer than v9.
func TestNewestVersionWithinOneTimestamp(t *testing.T) {
	clock := time.Now().UTC().Truncate(time.Second)
	w := newWorldWith(t, emulator.Options{Now: func() time.Time { return clock }})
	noAlias := strings.Replace(releaseManifest("VN"), "    aliases:\n      live: {version: $published, canary: 10}\n", "", 1)
	noAlias = strings.Replace(noAlias, "keep: 1", "keep: 0", 1)
	for i := 9; i <= 10; i++ {
		w.write(strings.Replace(noAlias, "VN", fmt.Sprintf("v%d", i), 1), fmt.Sprint(i))
		w.apply()
	}
	// The code of v9 under a new name: it differs from the newest version,
	// v10, so v11 is published. Taking v9 for the newest would publish
	// nothing ("unchanged").
	w.write(strings.Replace(noAlias, "VN", "v11", 1), "9")
	p, err := w.plan()
	if err != nil || !p.Functions[0].Has(plan.StepPublish) {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
}

// FunctionGraph allows one alias per version (FSS.1066): an alias leaving
// a version moves before one arriving on it; aliases that trade versions,
// or would end on one version, are plan errors.
func TestOneAliasPerVersion(t *testing.T) {
	w := newWorld(t)
	y := func(version, alpha, beta string) string {
		s := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" +
			"    publish: {version: " + version + "}\n    aliases:\n      alpha: {version: " + alpha + "}\n"
		if beta != "" {
			s += "      beta: {version: " + beta + "}\n"
		}
		return s
	}
	w.write(y("v1", "$published", ""), "1")
	w.apply()
	w.write(y("v2", "v1", "$published"), "2")
	w.apply()
	// alpha goes to v2, which beta leaves for v3: beta must move first.
	w.write(y("v3", "v2", "$published"), "3")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, op := range aliasWrites(p.Functions[0]) {
		order = append(order, op.Alias.Name+"->"+op.Alias.Version)
	}
	if strings.Join(order, ",") != "beta->v3,alpha->v2" {
		t.Fatalf("alias order %v\n%s", order, text(p))
	}
	if err := applier.Apply(context.Background(), w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	w.write(y("v3", "v3", "v2"), "3")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "aliases alpha, beta trade versions") {
		t.Fatalf("swap: err = %v", err)
	}
	// beta is no longer declared, but it still holds v3.
	w.write(y("v3", "$published", ""), "3")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "aliases alpha and beta would both point at version v3") {
		t.Fatalf("unmanaged holder: err = %v", err)
	}
}

// A new canary alias keeps the newest other version, as an existing one
// keeps its current version; with no other version it would start wholly
// on the target, which another alias may hold: a plan error with a hint.
func TestNewCanaryAlias(t *testing.T) {
	w := newWorld(t)
	y := func(version string, canary bool) string {
		s := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" +
			"    publish: {version: " + version + "}\n    aliases:\n      live: {version: $published}\n"
		if canary {
			s += "      canary: {version: $published, canary: 10}\n"
		}
		return s
	}
	w.write(y("v1", true), "1")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "canary is a new canary alias and there is no earlier version for it to keep") {
		t.Fatalf("err = %v", err)
	}
	w.write(y("v1", false), "1")
	w.apply()
	w.write(y("v2", true), "2")
	w.apply()
	a, err := w.client.GetAlias(context.Background(), w.client.FunctionURN("default", "hello"), "canary")
	if err != nil || a.Version != "v1" || a.AdditionalVersionWeights["v2"] != 10 {
		t.Fatalf("canary %+v %v", a, err)
	}
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
}

// Config fields fgsdeploy does not manage (dynamic memory, a heartbeat
// handler, ...) survive a config update, which is a full replace.
func TestUnmanagedFieldsSurviveConfigUpdate(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    memory_size: MEM\n    code: {path: ./src}\n"
	w.write(strings.Replace(y, "MEM", "256", 1), "1")
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	live, err := w.client.GetConfig(ctx, urn)
	if err != nil {
		t.Fatal(err)
	}
	// Someone turns on dynamic memory and a heartbeat in the console.
	req := &apiclient.UpdateConfigRequest{FuncName: live.FuncName, Runtime: live.Runtime, Timeout: live.Timeout, Handler: live.Handler,
		MemorySize: live.MemorySize, UserData: live.UserData,
		Unmanaged: map[string]json.RawMessage{"enable_dynamic_memory": json.RawMessage(`true`), "heartbeat_handler": json.RawMessage(`"index.beat"`)}}
	if _, err := w.client.UpdateConfig(ctx, urn, req); err != nil {
		t.Fatal(err)
	}
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("unmanaged fields made a diff: %v\n%s", err, text(p))
	}
	w.write(strings.Replace(y, "MEM", "512", 1), "1")
	w.apply()
	live, err = w.client.GetConfig(ctx, urn)
	if err != nil {
		t.Fatal(err)
	}
	if live.MemorySize != 512 || string(live.Unmanaged["enable_dynamic_memory"]) != "true" || string(live.Unmanaged["heartbeat_handler"]) != `"index.beat"` {
		t.Fatalf("after the update: memory %d, unmanaged %s", live.MemorySize, live.Unmanaged)
	}
}

// The KMS key that encrypts a function's code is not managed: a code
// update sends it back.
func TestCodeKMSKeyKept(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"
	w.write(y, "1")
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	res, err := codezip.Build(ctx, filepath.Join(w.dir, "src"), codezip.Options{Root: w.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if _, err := w.client.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: res.Path, CodeEncryptKmsKeyID: "kms-key-1"}); err != nil {
		t.Fatal(err)
	}
	w.write(y, "2")
	w.apply()
	live, err := w.client.GetConfig(ctx, urn)
	if err != nil || live.CodeEncryptKmsKeyID != "kms-key-1" {
		t.Fatalf("after a code update: key %q, %v", live.CodeEncryptKmsKeyID, err)
	}
}

// Where GET config does not carry depend_version_list (older API
// versions), GET code is read instead: declared dependencies plan as no
// change after an apply, and a code update keeps undeclared ones.
func TestDependenciesFromCode(t *testing.T) {
	ctx := context.Background()
	w := newWorldWith(t, emulator.Options{ConfigWithoutDependencies: true})
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"
	deps := "    dependencies: [\"urn:fss:cn-north-4:" + pid + ":dependency:default:numpy:1\"]\n"
	w.write(y+deps, "1")
	w.apply()
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
	w.write(y, "2") // dependencies no longer managed; the code changes
	w.apply()
	code, err := w.client.GetCode(ctx, w.client.FunctionURN("default", "hello"))
	if err != nil || len(code.DependVersionList) != 1 {
		t.Fatalf("after a code update: %v, %v", code.DependVersionList, err)
	}
}

// Deleting a version deletes its triggers, so pruning keeps a version that
// has one, and says so when that leaves no room under the version cap.
func TestPruneKeepsVersionsWithTriggers(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := func(v string, keep int) string {
		return fmt.Sprintf("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: %s, keep: %d}\n", v, keep)
	}
	w.write(y("v1", 0), "1")
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	if _, err := w.client.CreateTrigger(ctx, urn+":v1", &apiclient.CreateTriggerRequest{TypeCode: "TIMER",
		EventData: json.RawMessage(`{"name":"every-minute","schedule_type":"Rate","schedule":"1m"}`)}); err != nil {
		t.Fatal(err)
	}
	w.write(y("v2", 0), "2")
	w.apply()
	w.write(y("v3", 1), "3")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if _, got := deletions(p.Functions[0]); got != "v2" {
		t.Fatalf("prune %q, want v2 (v1 has a trigger)\n%s", got, text(p))
	}
	if err := applier.Apply(ctx, w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	if ts, err := w.client.ListTriggers(ctx, urn+":v1"); err != nil || len(ts) != 1 {
		t.Fatalf("v1's triggers: %v, %v", ts, err)
	}
	// With a cap of 2 (latest and one version) the next publish needs v1
	// and v3 gone; v1 cannot go.
	w.cap = 2
	w.write(y("v4", 1), "4")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "or have triggers (1 with triggers)") {
		t.Fatalf("err = %v", err)
	}
}

// A version an alias routes to by request rules (additional_version_
// strategy) is referenced like a weighted one: never pruned. A managed
// alias that has rules shows their removal in the plan.
func TestRuleRoutedVersions(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := func(v string, keep int, alias string) string {
		return fmt.Sprintf("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: %s, keep: %d}\n%s", v, keep, alias)
	}
	w.write(y("v1", 0, ""), "1")
	w.apply()
	w.write(y("v2", 0, ""), "2")
	w.apply()
	urn := w.client.FunctionURN("default", "hello")
	rules := map[string]json.RawMessage{"v2": json.RawMessage(`{"combine_type":"and","rules":[{"rule_type":"Header","param":"x-beta","op":"=","value":"1"}]}`)}
	if _, err := w.client.CreateAlias(ctx, urn, &apiclient.Alias{Name: "beta", Version: "v1", AdditionalVersionStrategy: rules}); err != nil {
		t.Fatal(err)
	}
	w.write(y("v3", 1, ""), "3")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if _, prune := deletions(p.Functions[0]); prune != "" {
		t.Fatalf("prune %v: v1 and v2 are beta's, by version and by rule\n%s", prune, text(p))
	}
	if err := applier.Apply(ctx, w.client, p, applier.Options{}).Err(); err != nil {
		t.Fatal(err)
	}
	// Managed, beta is declared without rules: the plan says they go.
	w.write(y("v3", 0, "    aliases:\n      beta: {version: v1}\n"), "3")
	p, err = w.plan()
	if err != nil {
		t.Fatal(err)
	}
	if out := text(p); !strings.Contains(out, `~ alias.beta: {"rules_to":["v2"],"version":"v1"} -> {"version":"v1"}`) {
		t.Fatalf("plan:\n%s", out)
	}
	if got := release.Describe(apiclient.Alias{Version: "v1", AdditionalVersionStrategy: rules}); got != "v1 + v2 (by rule)" {
		t.Fatalf("Describe: %q", got)
	}
}

// enterprise_project_id goes into the create, survives the config update
// that follows it, and plans as no change; another project for an
// existing function is a plan error.
func TestEnterpriseProject(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	y := func(ep string) string {
		return "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n" +
			"    func_vpc: {vpc_id: vpc-1, subnet_id: subnet-1}\n    xrole: vpc-agency\n    enterprise_project_id: " + ep + "\n"
	}
	w.write(y("ep-1234"), "1")
	p, err := w.plan()
	if err != nil || !strings.Contains(text(p), `+ enterprise_project_id: "ep-1234"`) {
		t.Fatalf("plan: %v\n%s", err, text(p))
	}
	w.apply()
	live, err := w.client.GetConfig(ctx, w.client.FunctionURN("default", "hello"))
	if err != nil || string(live.Unmanaged["enterprise_project_id"]) != `"ep-1234"` || live.FuncVpc == nil {
		t.Fatalf("live %+v, %v", live, err)
	}
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
	w.write(y("ep-9"), "1")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "function.yaml:8:28: functions.hello.enterprise_project_id: the function is in enterprise project ep-1234, not ep-9") {
		t.Fatalf("err = %v", err)
	}
}

// A Custom Image function's code is an image: the plan refuses to manage
// it rather than upload a zip over it.
func TestCustomImageRefused(t *testing.T) {
	w := newWorld(t)
	w.write("functions:\n  img:\n    runtime: Custom Image\n    handler: \"-\"\n    code: {path: ./src}\n", "1")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "function.yaml:3:14: functions.img.runtime: fgsdeploy does not manage Custom Image functions yet") {
		t.Fatalf("err = %v", err)
	}
}

// A VPC needs an agency: the plan says so before a create would go
// through and the config update after it fail.
func TestVPCNeedsXrole(t *testing.T) {
	w := newWorld(t)
	w.write("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    func_vpc: {vpc_id: v, subnet_id: s}\n", "1")
	if _, err := w.plan(); err == nil || !strings.Contains(err.Error(), "function.yaml:6:15: functions.hello.func_vpc: needs xrole") {
		t.Fatalf("err = %v", err)
	}
}

// At the version cap, room is made before the publish only from versions
// nothing references now; a version the alias step frees (a replaced
// canary) goes after it, in the same apply, so a plan right after is a
// no-op.
func TestVersionCapPrunesWhatTheAliasesFreeAfterThem(t *testing.T) {
	w := newWorld(t)
	y := func(v string, keep int, alias string) string {
		s := fmt.Sprintf("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: %s, keep: %d}\n", v, keep)
		if alias != "" {
			s += "    aliases:\n      live: " + alias + "\n"
		}
		return s
	}
	w.write(y("v0", 0, ""), "0")
	w.apply()
	w.write(y("v1", 0, "{version: v1}"), "1")
	w.apply()
	w.write(y("v2", 0, "{version: v2, canary: 10}"), "2") // live: v1 90%, v2 10%
	w.apply()
	w.write(y("v3", 0, "{version: v2, canary: 10}"), "3")
	w.apply()
	// v4 replaces v2 as the canary. The cap (latest and 4 versions) needs
	// one version gone before the publish: v0, not v2, which live still
	// routes to until the alias step; keep: 1 keeps v3; v2 goes after.
	w.cap = 5
	w.write(y("v4", 1, "{version: v4, canary: 10}"), "4")
	p, err := w.plan()
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	if makeRoom, prune := deletions(f); stepTypes(f) != "code,prune,publish,aliases,prune" || makeRoom != "v0" || prune != "v2" {
		t.Fatalf("steps %v, make room %v, prune %v\n%s", stepTypes(f), makeRoom, prune, text(p))
	}
	rep := applier.Apply(context.Background(), w.client, p, applier.Options{})
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rep.Functions[0].Pruned, ","); got != "v0,v2" {
		t.Fatalf("pruned %s", got)
	}
	if got := w.versionNames("hello"); got != "v1,v3,v4" {
		t.Fatalf("versions %s", got)
	}
	if p, err := w.plan(); err != nil || p.HasChanges() {
		t.Fatalf("re-plan: %v\n%s", err, text(p))
	}
}
