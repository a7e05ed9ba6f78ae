package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// optionsManifest has two functions: aa needs A_TOKEN, bb needs
// DB_PASSWORD and has value errors only validation would see.
const optionsManifest = `region: ${REGION:-cn-north-4}
defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
functions:
  aa:
    package: ${PKG:-default}
    encrypted_environment: {TOKEN: "${A_TOKEN}"}
    publish: {version: "v${GIT_SHA}"}
    aliases:
      live: {version: $published}
  bb:
    memory_size: 100
    encrypted_environment: {PASSWORD: "${DB_PASSWORD}"}
    code: {path: ./nowhere}
`

func TestLoadOnlySomeFunctions(t *testing.T) {
	env := map[string]string{"A_TOKEN": "t", "GIT_SHA": "abc"}
	// All functions: bb's unset variable and bad values are errors.
	_, errs, _ := load(t, optionsManifest, manifest.Options{Lookup: lookupIn(env)})
	if !hasErr(errs, "functions.bb.encrypted_environment.PASSWORD", "variable DB_PASSWORD is not set") || !hasErr(errs, "functions.bb.memory_size", "not a valid size") {
		t.Fatalf("full load:%s", list(errs))
	}
	// Only aa: bb's variable and values are not its business.
	pr, errs, _ := load(t, optionsManifest, manifest.Options{Lookup: lookupIn(env), Functions: []string{"aa"}})
	if errs != nil {
		t.Fatalf("--target aa:%s", list(errs))
	}
	if len(pr.Functions) != 1 || pr.Functions[0].Name != "aa" || pr.Functions[0].EncryptedEnvironment["TOKEN"] != "t" || pr.Functions[0].Publish.Version != "vabc" {
		t.Fatalf("functions %+v", pr.Functions)
	}
	// aa is still validated in full.
	_, errs, _ = load(t, optionsManifest, manifest.Options{Functions: []string{"aa"}})
	if !hasErr(errs, "functions.aa.encrypted_environment.TOKEN", "variable A_TOKEN is not set") {
		t.Fatalf("aa without its variable:%s", list(errs))
	}
	// Structure and syntax are checked everywhere.
	for _, bad := range []struct{ text, path, msg string }{
		{"    colour: blue\n", "functions.bb.colour", "unknown key"},
		{"    func_vpc: [a]\n", "functions.bb.func_vpc", "must be a map, got a list"},
		{"    description: \"${NOT A NAME}\"\n", "functions.bb.description", "is not ${VAR} or ${VAR:-default}"},
	} {
		_, errs, _ = load(t, optionsManifest+bad.text, manifest.Options{Lookup: lookupIn(env), Functions: []string{"aa"}})
		if len(errs) != 1 || !hasErr(errs, bad.path, bad.msg) {
			t.Errorf("%q:%s", bad.text, list(errs))
		}
	}
	_, errs, _ = load(t, optionsManifest+"  \"9x\": {}\n", manifest.Options{Lookup: lookupIn(env), Functions: []string{"aa"}})
	if !hasErr(errs, "functions.9x", "is not a valid function name") {
		t.Errorf("bad name elsewhere:%s", list(errs))
	}
	_, errs, _ = load(t, optionsManifest+"    timeout: [\n", manifest.Options{Lookup: lookupIn(env), Functions: []string{"aa"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "never closed") {
		t.Errorf("syntax error elsewhere:%s", list(errs))
	}
}

func TestLoadUndeclaredFunction(t *testing.T) {
	path := project(t, optionsManifest)
	_, err := manifest.Load(path, manifest.Options{Functions: []string{"aa", "nope", "zz"}, Lookup: lookupIn(map[string]string{"A_TOKEN": "t", "GIT_SHA": "abc"})})
	var ue *manifest.UndeclaredError
	if !errors.As(err, &ue) || !reflect.DeepEqual(ue.Names, []string{"nope", "zz"}) || !reflect.DeepEqual(ue.Declared, []string{"aa", "bb"}) {
		t.Fatalf("err = %#v", err)
	}
	if want := `"nope", "zz" are not a function of ` + path + ` (functions: aa, bb)`; err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
}

// Locating a function (rollback, promote, versions) needs no variable but
// those of its package, region and project_id.
func TestLoadLocateOnly(t *testing.T) {
	pr, errs, _ := load(t, optionsManifest, manifest.Options{Functions: []string{"aa"}, LocateOnly: true})
	if errs != nil {
		t.Fatalf("locate aa:%s", list(errs))
	}
	f := pr.Functions[0]
	if f.Name != "aa" || f.Package != "default" || pr.Region != "cn-north-4" || len(f.Aliases) != 1 || f.EncryptedEnvironment != nil || f.Publish != nil {
		t.Fatalf("located %+v in %s", f, pr.Region)
	}
	// bb's bad values do not matter either, even when bb is the one located.
	pr, errs, _ = load(t, optionsManifest, manifest.Options{Functions: []string{"bb"}, LocateOnly: true, Lookup: lookupIn(map[string]string{"PKG": "pay"})})
	if errs != nil || pr.Functions[0].Name != "bb" {
		t.Fatalf("locate bb:%s", list(errs))
	}
	// What locates a function is interpolated and checked.
	_, errs, _ = load(t, strings.Replace(optionsManifest, "${PKG:-default}", "${PKG}", 1), manifest.Options{Functions: []string{"aa"}, LocateOnly: true})
	if !hasErr(errs, "functions.aa.package", "variable PKG is not set") {
		t.Fatalf("package variable:%s", list(errs))
	}
	_, errs, _ = load(t, strings.Replace(optionsManifest, "${REGION:-cn-north-4}", "${REGION}", 1), manifest.Options{Functions: []string{"aa"}, LocateOnly: true})
	if !hasErr(errs, "region", "variable REGION is not set") {
		t.Fatalf("region variable:%s", list(errs))
	}
	_, errs, _ = load(t, optionsManifest+"    memory: 1\n", manifest.Options{Functions: []string{"aa"}, LocateOnly: true})
	if !hasErr(errs, "functions.bb.memory", "unknown key") {
		t.Fatalf("structure:%s", list(errs))
	}
}

// Whatever the text, loading some functions, or only what locates them,
// succeeds whenever loading them all does, and agrees on what both read.
func FuzzLoadOptions(f *testing.F) {
	f.Add([]byte(optionsManifest), "aa")
	f.Add([]byte(fn), "hello")
	f.Add([]byte("defaults: {runtime: Python3.10, handler: a.b, code: {path: .}}\nfunctions: {ab: {package: p1}, cd: {aliases: {live: {version: latest}}}}\nenvironments: {p: {functions: {ab: {package: p2}}}}\n"), "cd")
	dir := f.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, "function.yaml")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lookup := lookupIn(map[string]string{"A_TOKEN": "t", "GIT_SHA": "abc"})
		full, fullErr := manifest.Load(path, manifest.Options{Lookup: lookup, Env: "p"})
		some, someErr := manifest.Load(path, manifest.Options{Lookup: lookup, Env: "p", Functions: []string{name}})
		loc, locErr := manifest.Load(path, manifest.Options{Lookup: lookup, Env: "p", Functions: []string{name}, LocateOnly: true})
		if fullErr != nil {
			return
		}
		var want *manifest.Function
		for _, fn := range full.Functions {
			if fn.Name == name {
				want = fn
			}
		}
		if want == nil {
			var ue *manifest.UndeclaredError
			if !errors.As(someErr, &ue) || !errors.As(locErr, &ue) {
				t.Fatalf("undeclared %q: %v / %v", name, someErr, locErr)
			}
			return
		}
		if someErr != nil || locErr != nil {
			t.Fatalf("full load passes, %q alone fails: %v / %v", name, someErr, locErr)
		}
		if len(some.Functions) != 1 || !reflect.DeepEqual(some.Functions[0], want) {
			t.Fatalf("%q alone: %+v, all: %+v", name, some.Functions, want)
		}
		got := loc.Functions[0]
		if got.Name != want.Name || got.Package != want.Package || len(got.Aliases) != len(want.Aliases) || loc.Region != full.Region || loc.ProjectID != full.ProjectID {
			t.Fatalf("located %+v, all: %+v", got, want)
		}
	})
}
