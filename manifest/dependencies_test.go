package manifest

import (
	"strings"
	"testing"
)

// defaults.code.obs goes under every function whose code is a path, and
// an overlay's code keeps it: path and obs_url are one choice, obs merges.
func TestCodeOBS(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
  code:
    obs: {bucket: my-deploy-bucket, prefix: fgsdeploy/}
functions:
  big:
    code: {path: ./src}
  own:
    code: {path: ./src, obs: {bucket: other.bucket, endpoint: "https://obs.cn-south-1.myhuaweicloud.com/"}}
  built:
    code: {obs_url: "https://b.obs.cn-north-4.myhuaweicloud.com/x.zip"}
environments:
  prod:
    functions:
      big: {code: {path: ./src/../src}}
      own: {code: {obs: {prefix: p/}}}
`
	for _, env := range []string{"", "prod"} {
		p, errs := load(t, map[string]string{"function.yaml": y}, Options{Env: env})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", env, errs)
		}
		fs := map[string]*Function{}
		for _, f := range p.Functions {
			fs[f.Name] = f
		}
		if o := fs["big"].Code.OBS; o == nil || *o != (OBSUpload{Bucket: "my-deploy-bucket", Prefix: "fgsdeploy/"}) || fs["big"].Code.Path == "" {
			t.Errorf("%s: big: %+v", env, fs["big"].Code)
		}
		want := OBSUpload{Bucket: "other.bucket", Prefix: "fgsdeploy/", Endpoint: "obs.cn-south-1.myhuaweicloud.com"}
		if env == "prod" {
			want.Prefix = "p/"
		}
		if o := fs["own"].Code.OBS; o == nil || *o != want {
			t.Errorf("%s: own: %+v, want %+v", env, o, want)
		}
		if fs["built"].Code.ObsURL == "" || fs["built"].Code.Path != "" {
			t.Errorf("%s: built: %+v", env, fs["built"].Code)
		}
	}
}

func TestCodeOBSRules(t *testing.T) {
	for _, tc := range []struct{ code, path, msg string }{
		{"{path: ./src, obs: {prefix: x/}}", "functions.hello.code.obs.bucket", "is required"},
		{"{path: ./src, obs: {bucket: My_Bucket}}", "functions.hello.code.obs.bucket", "is not an OBS bucket name"},
		{"{path: ./src, obs: {bucket: ab}}", "functions.hello.code.obs.bucket", "is not an OBS bucket name"},
		{"{path: ./src, obs: {bucket: abc, prefix: /x}}", "functions.hello.code.obs.prefix", "no leading '/'"},
		{"{path: ./src, obs: {bucket: abc, endpoint: 'http://x'}}", "functions.hello.code.obs.endpoint", "not an OBS endpoint host"},
		{"{path: ./src, obs: {bucket: abc, region: x}}", "functions.hello.code.obs.region", "unknown key (allowed: bucket, endpoint, prefix)"},
	} {
		_, errs := load(t, map[string]string{"function.yaml": strings.Replace(base, "{path: ./src}", tc.code, 1)}, Options{})
		if len(errs) != 1 || errs[0].Path != tc.path || !strings.Contains(errs[0].Msg, tc.msg) {
			t.Errorf("%s: %v, want %s: %s", tc.code, errs, tc.path, tc.msg)
		}
	}
}

func TestDependencies(t *testing.T) {
	y := `defaults:
  code: {obs: {bucket: deploy-bucket}}
dependencies:
  pandas:
    path: ./layers/pandas
    runtime: Python3.9
    description: pandas 2.2
    keep: 3
  tiny: {path: ./tiny.zip, runtime: Python3.9, obs: {bucket: layers}}
functions:
  report:
    runtime: Python3.9
    handler: index.handler
    code: {path: ./src}
    dependencies: [pandas, tiny, "0a1b2c3d-0000-4000-8000-00000000abcd", "urn:fss:cn-north-4:p:dependency:d:1"]
`
	p, errs := load(t, map[string]string{"function.yaml": y, "layers/pandas/python/x.py": "x", "tiny.zip": "PK"}, Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(p.Dependencies) != 2 {
		t.Fatalf("dependencies: %+v", p.Dependencies)
	}
	pd, tiny := p.Dependencies[0], p.Dependencies[1]
	if pd.Name != "pandas" || !strings.HasSuffix(pd.Path, "layers/pandas") || pd.IsArchive || pd.Runtime != "Python3.9" || pd.Description != "pandas 2.2" || pd.Keep != 3 ||
		pd.OBS == nil || pd.OBS.Bucket != "deploy-bucket" {
		t.Errorf("pandas: %+v", pd)
	}
	if !tiny.IsArchive || tiny.OBS == nil || tiny.OBS.Bucket != "layers" {
		t.Errorf("tiny: %+v %+v", tiny, tiny.OBS)
	}
	if got := p.Functions[0].Dependencies; len(got) != 4 || got[0] != "pandas" {
		t.Errorf("report's dependencies: %v", got)
	}

	for _, tc := range []struct{ deps, fn, path, msg string }{
		{"  x: {runtime: Python3.9}\n", "", "dependencies.x.path", "is required"},
		{"  x: {path: ./src}\n", "", "dependencies.x.runtime", "is required"},
		{"  x: {path: ./src, runtime: Python3.12}\n", "", "dependencies.x.runtime", "is not a FunctionGraph runtime"},
		{"  9x: {path: ./src, runtime: Python3.9}\n", "", "dependencies.9x", "is not a valid dependency name"},
		{"  x: {path: ./notes.txt, runtime: Python3.9}\n", "", "dependencies.x.path", "want a directory or a .zip"},
		{"  x: {path: ./src, runtime: Python3.9, colour: red}\n", "", "dependencies.x.colour", "unknown key"},
		{"  x: {path: ./src, runtime: Python3.9, description: " + strings.Repeat("d", 513) + "}\n", "", "dependencies.x.description", "FunctionGraph allows 512"},
		{"  x: {path: ./src, runtime: Python3.9}\n", "    dependencies: [y]\n", "functions.hello.dependencies[0]", `"y" is neither a dependency this manifest declares (declared: x)`},
	} {
		y := "dependencies:\n" + tc.deps + base + tc.fn
		_, errs := load(t, map[string]string{"function.yaml": y, "notes.txt": ""}, Options{})
		if len(errs) != 1 || errs[0].Path != tc.path || !strings.Contains(errs[0].Msg, tc.msg) {
			t.Errorf("%q: %v, want %s: %s", tc.deps+tc.fn, errs, tc.path, tc.msg)
		}
	}
	_, errs = load(t, map[string]string{"function.yaml": "dependencies: [a]\n" + base}, Options{})
	if len(errs) != 1 || errs[0].Path != "dependencies" {
		t.Errorf("a list of dependencies: %v", errs)
	}
}
