package planfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/plan"
)

func saved(t *testing.T) (string, *plan.Plan) {
	t.Helper()
	p := &plan.Plan{Manifest: "function.yaml", Env: "prod", Local: true, Salt: []byte("0123456789abcdef"),
		Functions: []*plan.FunctionPlan{{Name: "a", Package: "default", URN: "urn:fss:r:p:function:default:a", Action: plan.Update,
			Steps: []plan.Step{{Request: &plan.UpdateConfig{}, Changes: []plan.Change{{Action: plan.Update, Field: "encrypted_environment", Before: plan.Sensitive, After: plan.Sensitive, Sensitive: true}}}},
			Pre:   plan.Precondition{Exists: true, Digest: "d", LastModified: "m", ConfigFingerprint: "c", Release: "r"}, DesiredFingerprint: "x"}},
		Failures: []*plan.FunctionError{{Name: "b", URN: "urn:b", Err: errors.New("b: read b: boom")}},
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := Save(path, p); err != nil {
		t.Fatal(err)
	}
	return path, p
}

// What Save writes, Load reads back: the preconditions, the fingerprint,
// the salt, the manifest and environment, --local, and the failures as
// refusals.
// The file is private, starts with format_version and has a salt and a
// functions list (what codezip recognises saved plans by).
func TestSaveLoad(t *testing.T) {
	path, p := saved(t)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("{\n  \"format_version\": \"1\",")) {
		t.Fatalf("the file does not start with format_version:\n%s", b)
	}
	var shape struct {
		Salt      []byte            `json:"salt"`
		Functions []json.RawMessage `json:"functions"`
	}
	if err := json.Unmarshal(b, &shape); err != nil || len(shape.Salt) == 0 || len(shape.Functions) != 1 {
		t.Fatalf("salt %q, functions %d, %v", shape.Salt, len(shape.Functions), err)
	}
	if !strings.Contains(string(b), `"after": "(sensitive)"`) || !strings.Contains(string(b), `"type": "config"`) {
		t.Fatalf("the file does not show the planned steps:\n%s", b)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Function{{Name: "a", URN: p.Functions[0].URN, Pre: p.Functions[0].Pre, DesiredFingerprint: "x"}}
	if !reflect.DeepEqual(s.Functions, want) || string(s.Salt) != string(p.Salt) || s.Manifest != "function.yaml" || s.Env != "prod" || !s.Local {
		t.Fatalf("loaded %+v", s)
	}
	if fs := s.Failures(); len(fs) != 1 || fs[0].Name != "b" || fs[0].Error() != "b: not in the saved plan, which could not plan it (read b: boom): run plan again" {
		t.Fatalf("failures %v", fs)
	}
}

// Every refusal of Check is a stale error naming the function, and the
// functions that still hold are kept.
func TestCheck(t *testing.T) {
	path, p := saved(t)
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	fresh := *p.Functions[0]
	ok, refused := s.Check(&plan.Plan{Functions: []*plan.FunctionPlan{&fresh}})
	if len(refused) != 0 || len(ok.Functions) != 1 {
		t.Fatalf("ok %v, refused %v", ok.Functions, refused)
	}
	fresh.Pre.Digest = "moved"
	ok, refused = s.Check(&plan.Plan{Functions: []*plan.FunctionPlan{&fresh}})
	if len(ok.Functions) != 0 || len(refused) != 1 || !errors.Is(refused[0], ErrStale) || refused[0].Name != "a" ||
		refused[0].Error() != "a: saved plan is stale: its code changed remotely since the plan was made; run plan again" {
		t.Fatalf("ok %v, refused %v", ok.Functions, refused)
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{`{"format_version":"2","salt":"AA==","functions":[]}`, `format_version "2" is not supported (want "1")`},
		{`{"format_version":"1","functions":[]}`, "not a saved plan (no salt)"},
		{`{"format_version":"1","salt":"AA==","functions":[{"name":"a"}]}`, "function a has no preconditions"},
		{"{\n  \"format_version\": 1}", "plan.json:2:22: format_version: not a plan file"},
		{"{\n  \"format_version\": ", "plan.json:2:21: not a plan file"},
	} {
		path := filepath.Join(dir, "plan.json")
		os.WriteFile(path, []byte(tc.file), 0o600)
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.file, err, tc.want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"format_version":"1","salt":"AAAAAAAAAAAAAAAAAAAAAA==","functions":[{"name":"a","action":"update","steps":[{"type":"code","changes":[]}],"preconditions":{"exists":true},"desired_fingerprint":"x"}]}`))
	f.Add([]byte(`{"format_version":"2"}`))
	f.Add([]byte(`{"format_version":"1","salt":"AA==","functions":[{"name":"a","steps":[{"type":"nope"}]}]}`))
	f.Add([]byte(`{"format_version":"1","salt":"AA==","functions":[],"failures":[{"name":"b","error":"b: x"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Skip()
		}
		s, err := Load(p)
		if err != nil {
			return
		}
		if len(s.Salt) == 0 {
			t.Fatal("a saved plan without salt was accepted")
		}
		for _, f := range s.Functions {
			if f.DesiredFingerprint == "" {
				t.Fatalf("function %q without a desired fingerprint was accepted", f.Name)
			}
		}
		for _, fe := range s.Failures() {
			if fe.Err == nil {
				t.Fatal("a failure without an error")
			}
		}
	})
}
