package planner

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

func ptr[T any](v T) *T { return &v }

func TestFingerprint(t *testing.T) {
	secrets := map[string]string{"A": "1", "B": "two"}
	salt := functionSalt([]byte("plan-salt"), "fn")
	fp := fingerprintWithSalt(secrets, salt)
	if !strings.HasPrefix(fp, "v1$") || strings.Contains(fp, "two") {
		t.Fatalf("fingerprint %q: want v1$ and no plain value", fp)
	}
	if !fingerprintMatches(fp, secrets) {
		t.Fatal("fingerprint does not match its own secrets")
	}
	if fingerprintMatches(fp, map[string]string{"A": "1", "B": "three"}) {
		t.Fatal("fingerprint matches other secrets")
	}
	if fingerprintMatches(fp, map[string]string{"A": "1"}) {
		t.Fatal("fingerprint matches a subset")
	}
	for _, bad := range []string{"", "v1", "v2$abc$def", "v1$!!$x", "v1$" + "YWJj" + "$x"} {
		if fingerprintMatches(bad, secrets) {
			t.Errorf("malformed fingerprint %q matched", bad)
		}
	}
	// Same plan salt, same function: the same fingerprint (saved plans rely on it).
	if fingerprintWithSalt(secrets, functionSalt([]byte("plan-salt"), "fn")) != fp {
		t.Fatal("fingerprint is not deterministic for a salt")
	}
	if fingerprintWithSalt(secrets, functionSalt([]byte("plan-salt"), "other")) == fp {
		t.Fatal("two functions share a salt")
	}
}

// A function read back right after it was written with the declared values
// must plan as no change, whatever defaults the server filled in.
func TestLiveEqualsDesiredIsNoChange(t *testing.T) {
	f := &manifest.Function{
		Name: "hello", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
		MemorySize: ptr(256), Timeout: ptr(30), Description: ptr("d"),
		Environment:   map[string]string{"B": "2", "A": "1"},
		FuncVpc:       &manifest.FuncVpc{VpcID: "vpc", SubnetID: "sub", SecurityGroups: []string{"sg2", "sg1"}},
		ConcurrentNum: ptr(1),
	}
	live := &apiclient.Function{
		FuncName: "hello", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
		MemorySize: 256, Timeout: 30, Description: "d", UserData: `{"A":"1","B":"2"}`,
		FuncVpc:          &apiclient.FuncVpc{VpcID: "vpc", SubnetID: "sub", SecurityGroups: []string{"sg1", "sg2"}, VpcName: "n", Cidr: "10.0.0.0/8"},
		StrategyConfig:   &apiclient.StrategyConfig{ConcurrentNum: ptr(-1)},
		EphemeralStorage: 512, InitializerTimeout: 10, // no initializer handler: timeout is meaningless
		EnableLtsLog: ptr(false),
	}
	base := liveConfig(live)
	want := wantConfig(base, f, "")
	if !sameConfig(base, want) {
		t.Fatalf("spurious diff: %+v", configChanges(base, want, false))
	}
}

func TestConfigChanges(t *testing.T) {
	live := &apiclient.Function{FuncName: "f", Runtime: "Python3.10", Handler: "a.b", MemorySize: 128, Timeout: 3,
		UserData:  `{"KEEP":"1","CHANGE":"old","DROP":"x","FGSDEPLOY_SECRETS_FP":"v1$x$y"}`,
		LogConfig: &apiclient.LogConfig{GroupID: "g", StreamID: "s"}}
	f := &manifest.Function{Name: "f", Runtime: "Python3.10", Handler: "a.b", MemorySize: ptr(512),
		Environment: map[string]string{"KEEP": "1", "CHANGE": "new", "ADD": "y"}}
	base := liveConfig(live)
	want := wantConfig(base, f, "")
	got := configChanges(base, want, false)
	var lines []string
	for _, c := range got {
		lines = append(lines, string(c.Action.Symbol())+" "+c.Field)
	}
	wantLines := "~ memory_size|+ environment.ADD|~ environment.CHANGE|- environment.DROP"
	if s := strings.Join(lines, "|"); s != wantLines {
		t.Fatalf("changes\n got %s\nwant %s", s, wantLines)
	}
	// The secrets fingerprint survives an environment change.
	if !strings.Contains(want.UserData, FingerprintKey) {
		t.Fatalf("fingerprint key dropped: %s", want.UserData)
	}
	// log_config is not declared: logging is not managed, and the full
	// replace carries the live target (docs/api-notes.md rule 5).
	if want.EnableLtsLog == nil || !*want.EnableLtsLog || want.LogConfig == nil || want.LogConfig.GroupID != "g" {
		t.Fatalf("an undeclared log_config must keep the live logging: enable %v, config %+v", want.EnableLtsLog, want.LogConfig)
	}
}

func FuzzParseEnv(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"A":"1","B":"2"}`, `{"A":1,"B":true,"C":null,"D":{"x":1}}`, `[1]`, `"x"`, `{"A":"1"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := parseEnv(s)
		// Round trip: what canonicalEnv writes parses back to the same map.
		again := parseEnv(canonicalEnv(m))
		if len(again) != len(m) {
			t.Fatalf("%q: %v then %v", s, m, again)
		}
		for k, v := range m {
			if again[k] != v {
				t.Fatalf("%q: key %q %q then %q", s, k, v, again[k])
			}
		}
	})
}

// BenchmarkFingerprint measures the PBKDF2 work a plan spends per function
// that declares encrypted_environment.
func BenchmarkFingerprint(b *testing.B) {
	s := map[string]string{"API_KEY": "secret-value", "DB_PASSWORD": "other"}
	for i := 0; i < b.N; i++ {
		fingerprintWithSalt(s, []byte("0123456789abcdef"))
	}
}

// Rule 1: the secrets GET config may return are sent back, but never
// hashed into what a saved plan holds: two functions that differ only in
// encrypted_user_data have the same config fingerprint, and the desired
// fingerprint does not depend on it either.
func TestRule01FingerprintsHoldNoSecret(t *testing.T) {
	a := &apiclient.Function{FuncName: "f", Runtime: "Python3.10", Handler: "a.b", MemorySize: 128, Timeout: 3, EncryptedUserData: `{"K":"one"}`}
	b := *a
	b.EncryptedUserData = `{"K":"two"}`
	if configFingerprint(a) != configFingerprint(&b) {
		t.Fatal("the config fingerprint depends on encrypted_user_data")
	}
	pa := &plan.UpdateConfig{Body: liveConfig(a)}
	pb := &plan.UpdateConfig{Body: liveConfig(&b)}
	if pa.Body.EncryptedUserData != a.EncryptedUserData {
		t.Fatal("a config update does not send back the secrets as read")
	}
	if desiredFingerprint([]plan.Step{{Request: pa}}, "") != desiredFingerprint([]plan.Step{{Request: pb}}, "") {
		t.Fatal("the desired fingerprint depends on encrypted_user_data")
	}
}

// A version an alias lists with a weight of 0 gets no traffic, but
// FunctionGraph refuses to delete it (FSS.1094): pruning keeps it, as it
// keeps every version an alias names (release.Referenced).
func TestPruneKeepsVersionsListedAtWeightZero(t *testing.T) {
	st := &versionState{versions: []apiclient.Version{{Version: "v4"}, {Version: "v3"}, {Version: "v2"}, {Version: "v1"}}}
	live := map[string]apiclient.Alias{"live": {Name: "live", Version: "v4", AdditionalVersionWeights: map[string]int{"v1": 0}}}
	f := &manifest.Function{Name: "f", Publish: &manifest.Publish{Keep: 1}}
	noTriggers := func(string) (int, int, error) { return 0, 0, nil }
	makeRoom, prune, err := planPrune(f, st, pruneInputs{now: live, after: live}, noTriggers, DefaultVersionCap)
	if err != nil || len(makeRoom) != 0 || strings.Join(prune, ",") != "v2" {
		t.Fatalf("make room %v, prune %v, %v; want v2 pruned, v1 kept", makeRoom, prune, err)
	}
}

// A declared alias that lists a version at weight 0 (left by the console
// or another tool) is written without it, so that the version stops being
// protected and is pruned after the alias step; an alias staying where it
// is keeps its real canary.
func TestWeightZeroIsRemovedFromDeclaredAliases(t *testing.T) {
	st := &versionState{versions: []apiclient.Version{{Version: "v5"}, {Version: "v4"}, {Version: "vx"}, {Version: "v3"}, {Version: "v2"}, {Version: "v1"}},
		aliases: map[string]apiclient.Alias{
			"live":  {Name: "live", Version: "v4", Description: "fgsdeploy:previous=v3", AdditionalVersionWeights: map[string]int{"v1": 0}},
			"other": {Name: "other", Version: "v2", AdditionalVersionWeights: map[string]int{"v5": 20, "v1": 0}},
		}}
	f := &manifest.Function{Name: "f", Publish: &manifest.Publish{Keep: 1}, Aliases: map[string]manifest.Alias{"live": {Version: "$published"}, "other": {Version: "$published", Canary: 20}}}
	ops, after, _, err := planAliases(f, st, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 2 || len(after["live"].AdditionalVersionWeights) != 0 || !maps.Equal(after["other"].AdditionalVersionWeights, map[string]int{"v5": 20}) {
		t.Fatalf("writes %+v, after %+v", ops, after)
	}
	if c := aliasSteps(ops, st.aliases)[0].Changes[0]; fmt.Sprint(c.Before) != "map[version:v4 weights:map[v1:0]]" || fmt.Sprint(c.After) != "map[version:v4]" {
		t.Errorf("the plan shows %v -> %v", c.Before, c.After)
	}
	noTriggers := func(string) (int, int, error) { return 0, 0, nil }
	makeRoom, prune, err := planPrune(f, st, pruneInputs{now: st.aliases, after: after}, noTriggers, DefaultVersionCap)
	if err != nil || len(makeRoom) != 0 || strings.Join(prune, ",") != "v1" {
		t.Fatalf("make room %v, prune %v, %v; want v1 pruned (keep: 1 keeps vx, the newest nothing protects; v5, v4, v3 and v2 are routed to or rolled back to)", makeRoom, prune, err)
	}
}

// The desired fingerprint tells a code step that uploads the package
// from one that uploads it with a release marker (the bodies are the same
// but for the temporary path): a saved plan is refused when the re-plan
// would mark the package otherwise.
func TestDesiredFingerprintCoversTheReleaseMarker(t *testing.T) {
	step := func(c *plan.CodeFile) []plan.Step {
		return []plan.Step{{Request: &plan.UpdateCode{Body: &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "f.zip", CodeFile: c.Path}, Code: c}}}
	}
	plain := &plan.CodeFile{Path: "/tmp/a.zip", Digest: "aaa"}
	marked := &plan.CodeFile{Path: "/tmp/b.zip", Digest: "bbb"}
	other := &plan.CodeFile{Path: "/tmp/c.zip", Digest: "ccc"}
	a, b, c := desiredFingerprint(step(plain), "aaa"), desiredFingerprint(step(marked), "aaa"), desiredFingerprint(step(other), "aaa")
	if a == b || b == c || a == c {
		t.Errorf("fingerprints %s, %s, %s: want three", a, b, c)
	}
}

// testRequest is a kind of request desiredFingerprint has no case for.
type testRequest struct{ N int }

func (*testRequest) Type() plan.StepType { return plan.StepConfig }

// The desired fingerprint keeps the layout saved plans of format 1 were
// made with (the hashes below are what fgsdeploy computed before steps
// were requests), so a plan saved by it still applies; a request of a
// kind it does not know is hashed too, never left out.
func TestDesiredFingerprint(t *testing.T) {
	create := &plan.CreateFunction{Body: &apiclient.CreateRequest{FuncName: "f", Runtime: "Python3.10", Handler: "index.handler", MemorySize: 256,
		CodeType: "zip", CodeFilename: "f.zip", CodeFile: "/tmp/x.zip", EncryptedUserData: `{"K":"v"}`, UserData: `{"FGSDEPLOY_SECRETS_FP":"v1$a$b"}`}}
	steps := []plan.Step{
		{Request: create},
		{Request: &plan.UpdateConfig{Body: &apiclient.UpdateConfigRequest{FuncName: "f", Runtime: "Python3.10", Handler: "index.handler", MemorySize: 256, EncryptedUserData: `{"K":"v"}`}}},
		{Request: &plan.SetMaxInstances{N: 5}},
		{Request: &plan.DeleteVersion{Version: "v0"}},
		{Request: &plan.PublishVersion{Body: &apiclient.PublishRequest{Description: "d"}, Digest: "abc"}},
		{Request: &plan.WriteAlias{Create: true, Alias: apiclient.Alias{Name: "live", Version: "v1", AdditionalVersionWeights: map[string]int{plan.PendingVersion: 10}}}},
		{Request: &plan.DeleteVersion{Version: "v2"}},
		{Request: &plan.DeleteVersion{Version: "v3"}},
	}
	if got := desiredFingerprint(steps, "abc"); got != "963d0c13a8007719090bc1e1022c43ed62f2946616aad16331a48beb91e0564a" {
		t.Errorf("release plan: fingerprint %s, not format 1's", got)
	}
	code := []plan.Step{
		{Request: &plan.UpdateCode{Body: &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFile: "/tmp/y.zip", DependVersionList: []string{"a"}}}},
		{Request: &plan.DeleteVersion{Version: "v1"}},
	}
	if got := desiredFingerprint(code, "d"); got != "68e43f225b5b974f4f9549cf5c8d898742f4bb30a2df3f3335cae735c4f665ae" {
		t.Errorf("code plan: fingerprint %s, not format 1's", got)
	}
	// Neither secrets nor temporary paths count.
	create.Body.EncryptedUserData, create.Body.CodeFile = `{"K":"other"}`, "/tmp/other.zip"
	if got := desiredFingerprint(steps, "abc"); got != "963d0c13a8007719090bc1e1022c43ed62f2946616aad16331a48beb91e0564a" {
		t.Errorf("the fingerprint depends on a secret or a temporary path")
	}
	one := desiredFingerprint([]plan.Step{{Request: &testRequest{1}}}, "")
	if one == desiredFingerprint([]plan.Step{{Request: &testRequest{2}}}, "") || one == desiredFingerprint(nil, "") {
		t.Error("a request of a kind the fingerprint does not know is left out of it")
	}
}
