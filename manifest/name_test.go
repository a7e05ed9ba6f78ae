package manifest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// stages is a manifest whose environments name every function after its
// stage, and one function after itself.
const stages = `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
functions:
  api: {}
  worker: {}
environments:
  dev:
    defaults: {name: "${FUNCTION}-dev"}
  prod:
    defaults: {name: "${FUNCTION}-${STAGE:-prod}"}
    functions:
      api: {name: public-api}
`

func funcNames(p *manifest.Project) string {
	var out []string
	for _, f := range p.Functions {
		out = append(out, f.Name+"="+f.FuncName)
	}
	return strings.Join(out, " ")
}

// name: is the FunctionGraph name, the key by default; ${FUNCTION} is the
// key whatever the process environment says, other variables come from it;
// a function's own name wins over defaults.
func TestStageNames(t *testing.T) {
	env := map[string]string{"FUNCTION": "not-this", "STAGE": "live"}
	for _, tc := range []struct{ env, want string }{
		{"", "api=api worker=worker"},
		{"dev", "api=api-dev worker=worker-dev"},
		{"prod", "api=public-api worker=worker-live"},
	} {
		pr, errs, _ := load(t, stages, manifest.Options{Env: tc.env, Lookup: lookupOf(env)})
		if errs != nil {
			t.Fatalf("--env %q: %v", tc.env, errs)
		}
		if got := funcNames(pr); got != tc.want {
			t.Errorf("--env %q: %s, want %s", tc.env, got, tc.want)
		}
	}
	// What locates a function (versions, invoke) knows its name too.
	pr, errs, _ := load(t, stages, manifest.Options{Env: "dev", Functions: []string{"api"}, LocateOnly: true})
	if errs != nil || funcNames(pr) != "api=api-dev" {
		t.Fatalf("locate: %v %v", pr, errs)
	}
}

// Bad names are errors at the name, and two functions deploying to one
// FunctionGraph function are an error at the second, without the name
// (it may come from a variable).
func TestStageNameErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, path, msg string }{
		{"invalid", fn + "    name: \"${FUNCTION}_\"\n", "functions.hello.name", "the value of \"${FUNCTION}_\" is not a valid function name"},
		{"empty", fn + "    name: \"\"\n", "functions.hello.name", "is empty; remove the key to deploy the function as hello"},
		{"number", fn + "    name: 42\n", "functions.hello.name", "must be a string"},
		{"unset variable", fn + "    name: \"${NOPE}\"\n", "functions.hello.name", "variable NOPE is not set"},
		{"same name", fn + "    name: other\n  other:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n", "functions.other.name", "deploys to the same FunctionGraph function as functions.hello"},
		{"same default", "defaults: {name: shared}\n" + fn + "  bb:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n", "functions.bb.name", "deploys to the same FunctionGraph function as functions.hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, text := load(t, tc.yaml, manifest.Options{})
			if !hasErr(errs, tc.path, tc.msg) {
				t.Fatalf("want %s: %s, got\n%s", tc.path, tc.msg, text)
			}
		})
	}
	// Another package is another function.
	y := fn + "    name: other\n  other:\n    package: p2\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"
	if _, errs, text := load(t, y, manifest.Options{}); errs != nil {
		t.Fatalf("two packages: %s", text)
	}
}

// code.build is decoded, merged key by key from defaults, turned off with
// a null, and refused where there is no directory to build in.
func TestCodeBuild(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {build: "pip install -r requirements.txt -t ."}
functions:
  aa: {code: {path: ./src}}
  bb: {code: {path: ./src, build: ~}}
  cc: {code: {path: ./src, build: make}}
`
	pr, errs, text := load(t, y, manifest.Options{})
	if errs != nil {
		t.Fatal(text)
	}
	var got []string
	for _, f := range pr.Functions {
		got = append(got, f.Name+"="+f.Code.Build)
	}
	if want := "aa=pip install -r requirements.txt -t . bb= cc=make"; strings.Join(got, " ") != want {
		t.Fatalf("builds %q, want %q", got, want)
	}
	for _, tc := range []struct{ name, code, msg string }{
		{"obs_url", "{obs_url: 'https://b.obs.cn-north-4.myhuaweicloud.com/k.zip', build: make}", "runs in a copy of a code directory, and the code is obs_url"},
		{"archive", "{path: ./pkg.zip, build: make}", "runs in a copy of a code directory, and code.path is an archive"},
		{"empty", "{path: ./src, build: ''}", "is empty; build: ~ for no build"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: " + tc.code + "\n"
			_, errs, text := load(t, y, manifest.Options{}, "pkg.zip")
			if !hasErr(errs, "functions.hello.code.build", tc.msg) {
				t.Fatalf("want code.build: %s, got\n%s", tc.msg, text)
			}
		})
	}
}

// SecretVars names the variables of every function's secrets, selected
// or not, so that a build's environment can leave them out.
func TestSecretVars(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
  encrypted_environment: {SHARED: "${SHARED_KEY}"}
functions:
  aa:
    encrypted_environment: {TOKEN: "t-${A_TOKEN}-${A_SUFFIX:-x}"}
    environment: {PLAIN: "${NOT_SECRET}"}
  bb:
    triggers:
      - type: KAFKA
        event_data: {instance_id: i, topic_ids: [t], kafka_user: "${KAFKA_USER}", kafka_password: "${KAFKA_PW}"}
`
	env := lookupOf(map[string]string{"SHARED_KEY": "s", "A_TOKEN": "t", "NOT_SECRET": "n", "KAFKA_USER": "u", "KAFKA_PW": "p"})
	pr, errs, text := load(t, y, manifest.Options{Lookup: env, Functions: []string{"bb"}})
	if errs != nil {
		t.Fatal(text)
	}
	if want := []string{"A_SUFFIX", "A_TOKEN", "KAFKA_PW", "SHARED_KEY"}; !slices.Equal(pr.SecretVars, want) {
		t.Fatalf("SecretVars %v, want %v", pr.SecretVars, want)
	}
}

// Under project:, an environment's name is the value of its functions'
// fgsdeploy-env tag: one no tag can hold is an error at project.
func TestEnvironmentTagName(t *testing.T) {
	y := "project: shop\n" + fn + "environments:\n  \"prod eu\": {}\n  dev: {}\n"
	if _, errs, text := load(t, y, manifest.Options{Env: "dev"}); errs != nil {
		t.Fatalf("dev: %s", text)
	}
	_, errs, text := load(t, y, manifest.Options{Env: "prod eu"})
	if !hasErr(errs, "project", `the environment's name is the value of the fgsdeploy-env tag, and "prod eu" is not a valid one`) {
		t.Fatalf("prod eu: %s", text)
	}
}
