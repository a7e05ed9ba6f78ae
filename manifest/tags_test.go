package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// Tags merge key by key through defaults, the function and an overlay; a
// null value is kept as a removal; project is read at the top level.
func TestTagsMerge(t *testing.T) {
	text := `project: shop
defaults:
  tags: {team: payments, tier: web, old: x}
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    tags: {tier: api, old: null}
  world:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
environments:
  prod:
    defaults:
      tags: {env: prod}
    functions:
      world: {tags: {team: null}}
`
	for _, tc := range []struct {
		env, fn, want string
	}{
		{"", "hello", "old=<remove> team=payments tier=api"},
		{"", "world", "old=x team=payments tier=web"},
		{"prod", "hello", "env=prod old=<remove> team=payments tier=api"},
		{"prod", "world", "env=prod old=x team=<remove> tier=web"},
	} {
		p, errs, _ := load(t, text, manifest.Options{Env: tc.env})
		if len(errs) > 0 {
			t.Fatalf("errors:%s", list(errs))
		}
		if p.Project != "shop" {
			t.Fatalf("project %q", p.Project)
		}
		var f *manifest.Function
		for _, x := range p.Functions {
			if x.Name == tc.fn {
				f = x
			}
		}
		var got []string
		for _, k := range f.TagKeys() {
			v := "<remove>"
			if f.Tags[k] != nil {
				v = *f.Tags[k]
			}
			got = append(got, k+"="+v)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("env %q %s: tags %s, want %s", tc.env, tc.fn, s, tc.want)
		}
	}
	// No tags key: not managed.
	p, errs, _ := load(t, fn, manifest.Options{})
	if len(errs) > 0 || p.Functions[0].Tags != nil || p.Project != "" {
		t.Fatalf("a manifest without tags: %v %v %q", list(errs), p.Functions[0].Tags, p.Project)
	}
}

// Bad tags and project names are refused at their line and column, all
// at once.
func TestTagRules(t *testing.T) {
	tags := func(s string) string { return fn + "    tags: " + s + "\n" }
	long := strings.Repeat("k", 37)
	many := "{"
	for i := range 20 {
		many += "k" + string(rune('a'+i)) + ": v, "
	}
	many += "}"
	for _, tt := range []struct {
		name, yaml string
		line, col  int
		path, msg  string
	}{
		{"key with a space", tags("{'bad key': v}"), 6, 12, "functions.hello.tags.bad key", `"bad key" is not a valid tag key: has ' '`},
		{"key with a dot", tags("{a.b: v}"), 6, 12, "functions.hello.tags.a.b", `has '.'`},
		{"key too long", tags("{" + long + ": v}"), 6, 12, "functions.hello.tags." + long, "is 37 characters long; at most 36"},
		{"system key", tags("{_sys_x: v}"), 6, 12, "functions.hello.tags._sys_x", "starts with _sys_"},
		{"ownership key", tags("{fgsdeploy-project: shop}"), 6, 12, "functions.hello.tags.fgsdeploy-project", "set project: at the top of the manifest instead"},
		{"keys differing in case", tags("{Team: a, team: b}"), 6, 21, "functions.hello.tags.team", `differs from the key "Team" (line 6) only in case`},
		{"value with a slash", tags("{k: a/b}"), 6, 15, "functions.hello.tags.k", `"a/b" is not a valid tag value: has '/'`},
		{"value too long", tags("{k: " + strings.Repeat("v", 37) + "}"), 6, 15, "functions.hello.tags.k", "is 37 characters long; at most 36"},
		{"value a map", tags("{k: {a: 1}}"), 6, 15, "functions.hello.tags.k", "must be a single value, got a map"},
		{"tags a list", tags("[a]"), 6, 11, "functions.hello.tags", "must be a map of tag key to value, got a list"},
		{"too many with project", "project: shop\n" + tags(many), 7, 11, "functions.hello.tags", "declares 20 tags; FunctionGraph allows 20 per function, and project: adds the fgsdeploy-project tag"},
		{"project with a space", "project: 'my shop'\n" + fn, 1, 10, "project", `"my shop" is not a valid project name`},
		{"project empty", "project: ''\n" + fn, 1, 10, "project", "is empty"},
		{"project unset variable", "project: ${NOPE}\n" + fn, 1, 10, "project", "variable NOPE is not set"},
		{"project in an overlay", fn + "environments:\n  prod: {project: x}\n", 7, 10, "environments.prod.project", "unknown key"},
		{"secret-looking value from a variable", tags("{k: '${V}'}"), 6, 15, "functions.hello.tags.k", `the value of "${V}" is not a valid tag value`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, text := load(t, tt.yaml, manifest.Options{Lookup: lookupOf(map[string]string{"V": "a b"})})
			if strings.Contains(text, "a b") {
				t.Errorf("a variable's value in the errors: %s", text)
			}
			for _, e := range errs {
				if e.Path == tt.path && strings.Contains(e.Msg, tt.msg) {
					if e.Line != tt.line || e.Col != tt.col {
						t.Errorf("at %d:%d, want %d:%d: %s", e.Line, e.Col, tt.line, tt.col, e.Msg)
					}
					return
				}
			}
			t.Fatalf("want %d:%d: %s: %s, got%s", tt.line, tt.col, tt.path, tt.msg, list(errs))
		})
	}
	for _, good := range []string{
		tags("{team: payments, 成本中心: 研发-1, empty: ''}"),
		"project: shop-2.prod_x\n" + tags(strings.Replace(many, "kt: v, ", "", 1)),
		tags(many),
	} {
		if _, errs, _ := load(t, good, manifest.Options{}); len(errs) > 0 {
			t.Errorf("%q: %s", good, list(errs))
		}
	}
}

// Options.Owned: targets the manifest does not declare are no error
// under project:, and are listed; without project: they still are.
func TestOwnedTargets(t *testing.T) {
	p, errs, _ := load(t, "project: shop\n"+fn, manifest.Options{Functions: []string{"hello", "gone"}, Owned: true})
	if len(errs) > 0 || p == nil || len(p.Undeclared) != 1 || p.Undeclared[0] != "gone" || len(p.Functions) != 1 {
		t.Fatalf("%v %+v", list(errs), p)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	path := filepath.Join(dir, "function.yaml")
	os.WriteFile(path, []byte(fn), 0o644)
	_, err := manifest.Load(path, manifest.Options{Functions: []string{"gone"}, Owned: true})
	var ue *manifest.UndeclaredError
	if !errors.As(err, &ue) {
		t.Fatalf("without project: %v, want an UndeclaredError", err)
	}
}

// FuzzTags decodes arbitrary tags maps and project names: no panic; an
// error is a list of positioned errors; what loads passes the tag rules.
func FuzzTags(f *testing.F) {
	for _, s := range [][2]string{
		{"{team: payments}", "shop"}, {"{a: ~, b: ''}", ""}, {"{'x y': 1}", "a b"}, {"[1]", "${V}"},
		{"{k: {a: b}}", "'"}, {"{Team: a, team: b}", "_sys_"}, {"{fgsdeploy-project: x}", "x"}, {"~", "~"},
	} {
		f.Add(s[0], s[1])
	}
	dir := f.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	p := filepath.Join(dir, "function.yaml")
	f.Fuzz(func(t *testing.T, tags, project string) {
		data := "project: " + strings.ReplaceAll(project, "\n", " ") + "\n" + fn + "    tags: " + strings.ReplaceAll(tags, "\n", " ") + "\n"
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		proj, err := manifest.Load(p, manifest.Options{Lookup: lookupOf(map[string]string{"V": "v"})})
		if err == nil {
			if proj == nil || len(proj.Functions) != 1 {
				t.Fatalf("no error and no function")
			}
			for k := range proj.Functions[0].Tags {
				if k == manifest.OwnershipTagKey || strings.ContainsAny(k, " ./:") {
					t.Fatalf("tag key %q loaded", k)
				}
			}
			if strings.ContainsAny(proj.Project, " /:") {
				t.Fatalf("project %q loaded", proj.Project)
			}
			return
		}
		var me *multierror.Error
		if !errors.As(err, &me) || len(me.Errors) == 0 {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, e := range me.Errors {
			var pe *manifest.Error
			if !errors.As(e, &pe) || pe.Line < 1 || pe.Col < 1 {
				t.Fatalf("unpositioned error %v", e)
			}
		}
	})
}
