package manifest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestInterpolate(t *testing.T) {
	env := lookup(map[string]string{"SHA": "abc123", "EMPTY": "", "SECRET": "p4ss"})
	tests := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"v${SHA}", "vabc123", ""},
		{"${MISSING:-dflt}", "dflt", ""},
		{"${EMPTY:-dflt}", "dflt", ""},
		{"${SHA:-dflt}", "abc123", ""},
		{"${EMPTY}", "", ""},
		{"$$HOME", "$HOME", ""},
		{"$published", "$published", ""},
		{"cost: 5$", "cost: 5$", ""},
		{"${MISSING}", "", "variable MISSING is not set"},
		{"${SHA", "", "unclosed ${"},
		{"${1BAD}", "", "does not start with a variable name"},
		{"${}", "", "does not start with a variable name"},
		{"${A B}", "", "is not ${VAR} or ${VAR:-default}"},
		{"x${p4ss word}", "", "at character 2"},
	}
	for _, tt := range tests {
		got, err := Interpolate(tt.in, env)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Interpolate(%q) error %v, want %q", tt.in, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "p4ss") {
				t.Errorf("error leaks a value: %v", err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Interpolate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// load writes files into a temporary project and loads function.yaml.
func load(t *testing.T, files map[string]string, opts Options) (*Project, []*Error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	p, err := Load(filepath.Join(dir, "function.yaml"), opts)
	if err == nil {
		return p, nil
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("error is not a *multierror.Error: %v", err)
	}
	var out []*Error
	for _, e := range me.Errors {
		var pe *Error
		if !errors.As(e, &pe) || pe.Line < 1 || pe.Col < 1 {
			t.Fatalf("bad error element %#v", e)
		}
		out = append(out, pe)
	}
	return nil, out
}

// envKeys is n flow-map entries K0: v, K1: v, ...
func envKeys(n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf("K%d: v", i))
	}
	return strings.Join(s, ", ")
}

const base = "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"

// TestRules checks each rule with one extra line under the hello function.
func TestRules(t *testing.T) {
	tests := []struct {
		line string // appended to the function; "" = valid as is
		path string // the error's PATH; "" = valid
		msg  string
	}{
		{"", "", ""},
		{"memory_size: 256", "", ""},
		{"memory_size: 100", "functions.hello.memory_size", "100 is not a valid size (128, 256, ... 4096)"},
		{"memory_size: lots", "functions.hello.memory_size", "must be a whole number"},
		{"timeout: 3", "", ""},
		{"timeout: 2", "functions.hello.timeout", "out of range (3 to 259200)"},
		{"timeout: 259201", "functions.hello.timeout", "out of range"},
		{"description: " + strings.Repeat("x", 513), "functions.hello.description", "at most 512"},
		{"initializer_timeout: 10", "functions.hello.initializer_timeout", "needs initializer_handler"},
		{"initializer_handler: index.init\n    initializer_timeout: 301", "functions.hello.initializer_timeout", "out of range"},
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: 90", "", ""},
		{"pre_stop_timeout: 5", "functions.hello.pre_stop_timeout", "needs pre_stop_handler"},
		{"environment: {A: b, NUM: 1}", "", ""},
		{"environment: {\"1A\": b}", "functions.hello.environment.1A", "not a valid variable name"},
		{"environment: [a]", "functions.hello.environment", "must be a map"},
		{"environment: {A: " + strings.Repeat("x", 4100) + "}", "functions.hello.environment", "bytes as JSON"},
		{"concurrent_num: 0", "functions.hello.concurrent_num", "out of range (1 to 1000)"},
		{"ephemeral_storage: 100", "functions.hello.ephemeral_storage", "100 is not a valid size (512 or 10240 MB)"},
		{"max_instances: -1", "", ""},
		{"max_instances: -2", "functions.hello.max_instances", "out of range"},
		{"dependencies: [\"urn:fss:r:p:dependency:d:1\"]", "", ""},
		{"dependencies: [\"nope\"]", "functions.hello.dependencies[0]", "nor a dependency version id or URN"},
		{"func_vpc: {vpc_id: v}", "functions.hello.func_vpc.subnet_id", "is required"},
		{"log_config: {group_id: g}", "functions.hello.log_config", "needs group_id and stream_id"},
		{"mount_config: {func_mounts: [{mount_type: sfs, mount_resource: r, local_mount_path: rel}]}", "functions.hello.mount_config.func_mounts[0].local_mount_path", "absolute"},
		{"package: bad/pkg", "functions.hello.package", "not a valid package name"},
		{"publish: {version: v1.2-rc}", "", ""},
		{"publish: {version: -bad}", "functions.hello.publish.version", "not a valid version name"},
		{"publish: {version: latest}", "functions.hello.publish.version", "cannot be published"},
		{"publish: {keep: -1}", "functions.hello.publish.keep", "out of range"},
		{"aliases: {live: {version: latest}}", "", ""},
		{"aliases: {live: {version: $published}}", "functions.hello.aliases.live.version", "needs a publish: section"},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 10}}", "", ""},
		{"aliases: {live: {version: latest, canary: 10}}", "functions.hello.aliases.live.canary", "not latest"},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 100}}", "functions.hello.aliases.live.canary", "out of range (1 to 99)"},
		{"aliases: {1live: {version: latest}}", "functions.hello.aliases.1live", "not a valid alias name"},
		{"aliases: {live: {}}", "functions.hello.aliases.live.version", "is required"},
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: 0", "functions.hello.pre_stop_timeout", "out of range (1 to 90)"},
		{"pre_stop_handler: stop\n    pre_stop_timeout: 5", "functions.hello.pre_stop_handler", "not a valid handler"},
		{"initializer_handler: index.init\n    initializer_timeout: 300", "", ""},
		{"initializer_handler: init", "functions.hello.initializer_handler", "want FILE.FUNCTION"},
		{"initializer_handler: \"\"", "functions.hello.initializer_handler", "is empty"},
		{"handler: \"index.handler \"", "functions.hello.handler", "duplicate key"},
		{"environment: {_A: b}", "functions.hello.environment._A", "starting with a letter"},
		{"environment: {a.b: c}", "functions.hello.environment.a.b", "not a valid variable name"},
		{"environment: {FGSDEPLOY_SECRETS_FP: x}", "functions.hello.environment.FGSDEPLOY_SECRETS_FP", "is reserved"},
		{"environment: {" + envKeys(20) + "}", "", ""},
		{"environment: {" + envKeys(21) + "}", "functions.hello.environment", "has 21 keys; FunctionGraph allows 20"},
		{"environment: {" + envKeys(19) + "}\n    encrypted_environment: {" + envKeys(20) + "}", "", ""},
		{"environment: {" + envKeys(20) + "}\n    encrypted_environment: {S: x}", "functions.hello.environment", "fgsdeploy adds FGSDEPLOY_SECRETS_FP"},
		{"encrypted_environment: {A: " + strings.Repeat("x", 4100) + "}", "functions.hello.encrypted_environment", "more than 4096 bytes"},
		{"description: " + strings.Repeat("é", 512), "", ""},
		{"description: " + strings.Repeat("é", 513), "functions.hello.description", "513 characters long; at most 512"},
		{"publish: {description: " + strings.Repeat("x", 513) + "}", "functions.hello.publish.description", "at most 512"},
		{"aliases: {live: {version: latest, description: " + strings.Repeat("x", 513) + "}}", "functions.hello.aliases.live.description", "at most 448"},
		{"runtime: PHP8.3", "functions.hello.runtime", "duplicate key"},
		{"publish: ~\n    aliases: {live: {version: $published}}", "functions.hello.aliases.live.version", "needs a publish: section"},
		{"func_vpc: ~\n    mount_config: ~\n    log_config: ~\n    environment: {}", "", ""},
		{"handler: \"index.hand ler\"", "functions.hello.handler", "duplicate key"},
		{"colour: blue", "functions.hello.colour", "unknown key"},
		{"handler: other", "functions.hello.handler", "duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			y := base
			if tt.line != "" {
				y += "    " + tt.line + "\n"
			}
			_, errs := load(t, map[string]string{"function.yaml": y}, Options{})
			if tt.path == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				return
			}
			for _, e := range errs {
				if e.Path == tt.path && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Fatalf("want %s: %s, got %v", tt.path, tt.msg, errs)
		})
	}
}

func TestHandlersByRuntime(t *testing.T) {
	tests := []struct {
		runtime, handler string
		ok               bool
	}{
		{"Python3.10", "index.handler", true},
		{"Python3.10", "pkg/mod.handler", true},
		{"Python3.10", "handler", false},
		{"Node.js18.15", "index.main", true},
		{"Java17", "com.example.App.handle", true},
		{"Java17", "handle", false},
		{"C#(.NET Core 6.0)", "Asm::Ns.Class::Method", true},
		{"C#(.NET Core 6.0)", "Ns.Class.Method", false},
		{"Go1.x", "handler", true},
		{"Custom", "bootstrap", true},
		{"Custom Image", "-", true},
		{"Custom Image", "x", false},
		{"Java21", "com.example.App::handle", true},
		{"Go1.x", "my handler", false},
		{"Python3.12", " index.handler", false},
		{"Cangjie1.0", "main", true},
		{"http", strings.Repeat("b", 129), false},
	}
	for _, tt := range tests {
		if msg := validateHandler(tt.runtime, tt.handler, tt.handler); (msg == "") != tt.ok {
			t.Errorf("%s %q: %q", tt.runtime, tt.handler, msg)
		}
	}
}

func TestCodePaths(t *testing.T) {
	_, errs := load(t, map[string]string{"function.yaml": strings.Replace(base, "./src", "./app.zip", 1), "app.zip": "PK"}, Options{})
	if len(errs) != 0 {
		t.Fatalf("zip: %v", errs)
	}
	for _, tc := range []struct{ code, msg string }{
		{"{path: ./missing}", "does not exist"},
		{"{path: ./notes.txt}", "want a directory, a .zip or a .jar"},
		{"{path: ..}", "outside the project"},
		{"{path: ./link}", "outside the project"},
		{"{path: ./src, obs_url: \"https://b.obs.example.com/x.zip\"}", "exactly one"},
		{"{obs_url: \"http://b/x.zip\"}", "https://"},
		{"{}", "needs path"},
	} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "src"), 0o755)
		os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
		os.Symlink(t.TempDir(), filepath.Join(dir, "link"))
		y := strings.Replace(base, "{path: ./src}", tc.code, 1)
		os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(y), 0o644)
		_, err := Load(filepath.Join(dir, "function.yaml"), Options{})
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("code %s: %v, want %q", tc.code, err, tc.msg)
		}
	}
}

func TestOverlaysAndDefaults(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  memory_size: 256
  environment: {A: base, B: base}
functions:
  hello:
    handler: index.handler
    code: {path: ./src}
    environment: {B: fn}
environments:
  prod:
    region: cn-south-1
    functions:
      hello:
        memory_size: 1024
        environment: {A: prod}
  staging:
    functions:
      hello:
        timeout: ${UNSET_BUT_NOT_SELECTED}
`
	p, errs := load(t, map[string]string{"function.yaml": y}, Options{Env: "prod"})
	if errs != nil {
		t.Fatal(errs)
	}
	f := p.Functions[0]
	if p.Region != "cn-south-1" || *f.MemorySize != 1024 || f.Environment["A"] != "prod" || f.Environment["B"] != "fn" || f.Runtime != "Python3.10" {
		t.Fatalf("merged: region %q %+v %v", p.Region, *f.MemorySize, f.Environment)
	}
	_, errs = load(t, map[string]string{"function.yaml": y}, Options{Env: "qa"})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "declared: prod, staging") {
		t.Fatalf("unknown env: %v", errs)
	}
	bad := y + "  typo:\n    functions:\n      helo: {timeout: 5}\n    colour: red\n"
	_, errs = load(t, map[string]string{"function.yaml": bad}, Options{Env: "typo"})
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, ":23:7: environments.typo.functions.helo: function \"helo\" is not declared") || !strings.Contains(all, ":24:5: environments.typo.colour: unknown key") {
		t.Fatalf("overlay errors:\n%s", all)
	}
}

func TestDocumentShape(t *testing.T) {
	for y, msg := range map[string]string{
		"":                       "empty",
		"- a\n- b\n":             "must be a map",
		base + "---\n" + base:    "only one YAML document",
		"region: cn-north-4\n":   "functions: is required",
		"functions: {}\n":        "is empty",
		"functions:\n  a: [1]\n": "must be a map of settings",
		"functions: {a: {]\n":    "1:17: this ] closes the {",
		base + "colour: blue\n":  "unknown key (allowed: region, project_id, project, defaults, functions, environments, dependencies)",
		base + "region: Mars\n":  "not a region name",
		base + "project_id: x\n": "32 hexadecimal",
		"functions:\n  hello:\n    handler: a.b\n    code: {path: ./src}\n": "runtime: is required",
	} {
		_, errs := load(t, map[string]string{"function.yaml": y}, Options{})
		var all []string
		for _, e := range errs {
			all = append(all, e.Error())
		}
		if !strings.Contains(strings.Join(all, "\n"), msg) {
			t.Errorf("%q: %v, want %q", y, all, msg)
		}
	}
}

// Golden files: every error of a bad manifest, all at once.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no golden manifests")
	}
	lineRe := regexp.MustCompile(`^[^:]+:\d+:\d+: `)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// A line "# env: NAME" selects an environment.
			env := ""
			if m := regexp.MustCompile(`(?m)^# env: (\S+)$`).FindSubmatch(data); m != nil {
				env = string(m[1])
			}
			_, err = Load(f, Options{Env: env, Lookup: lookup(map[string]string{"SECRET": "hunter2", "EMPTY": ""})})
			if err == nil {
				t.Fatal("want errors")
			}
			got := err.Error() + "\n"
			for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
				if !lineRe.MatchString(l) {
					t.Errorf("line without FILE:LINE:COL: %q", l)
				}
			}
			if strings.Contains(got, "hunter2") {
				t.Error("a secret value leaked into an error")
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("defaults: {runtime: Python3.10}\nfunctions: {a: {handler: a.b, code: {path: .}}}\nenvironments: {p: {functions: {a: {timeout: 9}}}}"))
	f.Add([]byte("functions:\n  a: &x {handler: ${X:-a.b}}\n  b: *x\n"))
	f.Add([]byte("functions: [1, 2]"))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte("a: &a [1, 1, 1, 1]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nfunctions: {f: {dependencies: *c}}\n"))
	f.Add([]byte("defaults: &d {runtime: Python3.10, aliases: {x: {version: latest}}}\nfunctions: {f: *d, g: {<<: *d, handler: a.b}}\n"))
	f.Add([]byte("functions: {f: {runtime: Java17, handler: a.B::c, code: {obs_url: 'https://x'}, publish: {version: '${X}', keep: 3}, aliases: {live: {version: $published, canary: 5}}}}\nenvironments: {p: {region: cn-north-4, project_id: 0123456789abcdef0123456789abcdef, defaults: {timeout: 5}, functions: {f: {memory_size: 256}}}, q: {functions: {g: {}}, region: '${Y'}}\n"))
	f.Add([]byte("functions:\n  f:\n    runtime: Python3.10\n    runtime: Python3.10\n---\nx: 1\n"))
	f.Add([]byte("functions: {f: {environment: {A: 1, B: true, C: ~, D: [x]}, encrypted_environment: {K: '${X}'}, func_vpc: {vpc_id: v, subnet_id: s, security_groups: [g]}, mount_config: {mount_user: {user_id: 1, user_group_id: 1}, func_mounts: [{mount_type: sfs, mount_resource: r, local_mount_path: /m}]}, log_config: {group_id: g, stream_id: s}}}\n"))
	f.Add([]byte("defaults: {runtime: Python3.10, handler: a.b, code: {path: ., build: 'make'}}\nfunctions: {fa: {name: '${FUNCTION}-x'}, fb: {code: {build: ~}}}\nenvironments: {p: {defaults: {name: '${FUNCTION}-${X}'}}}\n"))
	f.Add([]byte("functions: {fa: {runtime: Python3.10, handler: a.b, code: {path: .}, name: fb}, fb: {runtime: Python3.10, handler: a.b, code: {path: .}}}\n"))
	// One directory per worker: the target is Load on a real file, and a
	// fresh temporary directory per input would make the fuzzer crawl.
	dir := f.TempDir()
	p := filepath.Join(dir, "function.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		proj, err := Load(p, Options{Env: "p", Lookup: lookup(map[string]string{"X": "i.h"})})
		if err == nil {
			if proj == nil || len(proj.Functions) == 0 {
				t.Fatalf("no error and no functions: %+v", proj)
			}
			// Every function has a FunctionGraph name of its own.
			seen := map[[2]string]bool{}
			for _, fn := range proj.Functions {
				if err := fgsspec.CheckFunctionName(fn.FuncName); err != nil {
					t.Fatalf("%s: name %q: %v", fn.Name, fn.FuncName, err)
				}
				k := [2]string{fn.Package, fn.FuncName}
				if seen[k] {
					t.Fatalf("two functions deploy to %v", k)
				}
				seen[k] = true
			}
			return
		}
		if proj != nil {
			t.Fatalf("a project and an error: %v", err)
		}
		var me *multierror.Error
		if !errors.As(err, &me) || len(me.Errors) == 0 {
			t.Fatalf("not a multierror: %v", err)
		}
		for _, e := range me.Errors {
			var pe *Error
			if !errors.As(e, &pe) || pe.Line < 1 || pe.Col < 1 {
				t.Fatalf("bad element %#v", e)
			}
		}
	})
}

func FuzzInterpolate(f *testing.F) {
	for _, s := range []string{"", "plain", "${A}", "${A:-b}", "$$", "$x", "${", "${A:-${B}}", "x$", "${S}", "${1x:-s3cr-3t}", "p${s3cr-3t", "${s3cr-3t}", "${S}${", "${É}", "$$${A}$"} {
		f.Add(s)
	}
	// The secret holds a "-", which no variable name can, so finding it in
	// an error means a value or a piece of the input leaked (names may be
	// echoed; they are not secret).
	vars := map[string]string{"A": "1", "S": "s3cr-3t"}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Interpolate(s, lookup(vars))
		if err == nil && !strings.Contains(s, "$") && out != s {
			t.Fatalf("%q changed to %q without any $", s, out)
		}
		if err != nil {
			if out != "" {
				t.Fatalf("%q: output %q with error %v", s, out, err)
			}
			// Errors hold neither values nor the text of the input.
			if strings.Contains(err.Error(), "s3cr-3t") {
				t.Fatalf("%q: error leaks: %v", s, err)
			}
			return
		}
		// Escaping every $ round-trips any text.
		if back, err := Interpolate(strings.ReplaceAll(s, "$", "$$"), nil); err != nil || back != s {
			t.Fatalf("escaped %q gave %q, %v", s, back, err)
		}
	})
}

func TestNamesAndRuntimes(t *testing.T) {
	for _, tt := range []struct {
		name, msg string
	}{
		{"ab", ""},
		{"a", "it is 1 character long; 2 to 60 allowed"},
		{"hello-world_2", ""},
		{"A" + strings.Repeat("b", 59), ""},
		{"A" + strings.Repeat("b", 60), "it is 61 characters long; 2 to 60 allowed"},
		{"hello-", "it must end with a letter or digit"},
		{"hello_", "it must end with a letter or digit"},
		{"9lives", "it must start with a letter"},
		{"he.llo", `'.' is not allowed`},
	} {
		y := strings.Replace(base, "hello:", tt.name+":", 1)
		_, errs := load(t, map[string]string{"function.yaml": y}, Options{})
		if tt.msg == "" {
			if errs != nil {
				t.Errorf("%s: %v", tt.name, errs)
			}
		} else if len(errs) != 1 || !strings.Contains(errs[0].Msg, tt.msg) {
			t.Errorf("%s: %v, want %q", tt.name, errs, tt.msg)
		}
	}
	for _, r := range append(slices.Clone(fgsspec.Runtimes), "python3.10", "Python3.11", "Python3.12", "Java21", "Go", "") {
		handler := "index.handler"
		switch {
		case strings.HasPrefix(r, "C#"):
			handler = "Asm::Ns.Class::Method"
		case r == "Custom Image":
			handler = `"-"`
		}
		y := strings.NewReplacer("Python3.10", r, "index.handler", handler).Replace(base)
		_, errs := load(t, map[string]string{"function.yaml": y}, Options{})
		if fgsspec.IsRuntime(r) != (errs == nil) {
			t.Errorf("runtime %q: %v", r, errs)
		}
	}
}
