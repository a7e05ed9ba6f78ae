package manifest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(manifest.Schema)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("function.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("function.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlToJSON turns a manifest into the JSON value the schema validates.
func yamlToJSON(t *testing.T, name string, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every example manifest and every valid manifest of the CLI scenarios
// passes the schema editors use.
func TestSchemaAcceptsExamplesAndScenarios(t *testing.T) {
	s := compileSchema(t)
	var checked int
	examples, _ := filepath.Glob("../examples/*/function.yaml")
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlToJSON(t, p, b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		checked++
	}
	scripts, _ := filepath.Glob("../testdata/script/*.txt")
	for _, p := range scripts {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			// function*.yaml and config*.yaml are the valid manifests of the
			// scenarios; the others are deliberately broken.
			if !regexp.MustCompile(`^(function\d*|config\d*|other)\.yaml$`).MatchString(f.Name) {
				continue
			}
			if err := s.Validate(yamlToJSON(t, p+":"+f.Name, f.Data)); err != nil {
				t.Errorf("%s %s: %v", p, f.Name, err)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d manifests checked", checked)
	}
}

func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	for _, bad := range []string{
		"functions: {hello: {colour: blue}}",
		"functions: {}",
		"region: cn-north-4",
		"functions: {hello: {aliases: {live: {canary: 10}}}}",
		"functions: {9bad: {runtime: Python3.10}}",
	} {
		if err := s.Validate(yamlToJSON(t, bad, []byte(bad))); err == nil {
			t.Errorf("schema accepts %q", bad)
		}
	}
}

// docs/manifest.md documents every key the schema knows.
func TestManifestDocCoversSchema(t *testing.T) {
	doc, err := os.ReadFile("../docs/manifest.md")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(manifest.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					keys[k] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(schema)
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/manifest.md does not document `%s`", k)
		}
	}
	if len(keys) < 30 {
		t.Fatalf("only %d keys found in the schema", len(keys))
	}
}

// The schema's runtime list is fgsspec's, so editors and validate agree.
func TestSchemaRuntimes(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(manifest.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	runtime := schema["$defs"].(map[string]any)["function"].(map[string]any)["properties"].(map[string]any)["runtime"]
	var enum []string
	var find func(v any)
	find = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if e, ok := x["enum"].([]any); ok {
				for _, r := range e {
					enum = append(enum, r.(string))
				}
			}
			for _, c := range x {
				find(c)
			}
		case []any:
			for _, c := range x {
				find(c)
			}
		}
	}
	find(runtime)
	if !slices.Equal(enum, fgsspec.Runtimes) {
		t.Fatalf("schema runtimes %v, fgsspec %v", enum, fgsspec.Runtimes)
	}
	doc, err := os.ReadFile("../docs/manifest.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)
	if i := strings.Index(section, "### Runtimes"); i >= 0 {
		section = section[i:]
	}
	if i := strings.Index(section, "### Handlers"); i >= 0 {
		section = section[:i]
	}
	var listed []string
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(section, -1) {
		if fgsspec.IsRuntime(m[1]) && !slices.Contains(listed, m[1]) {
			listed = append(listed, m[1])
		}
	}
	if len(listed) != len(fgsspec.Runtimes) {
		t.Errorf("docs/manifest.md names %d of the %d runtimes", len(listed), len(fgsspec.Runtimes))
	}
}

// The schema takes a null wherever the manifest does (not set, or an
// empty container), and fgsspec's name rules.
func TestSchemaNulls(t *testing.T) {
	s := compileSchema(t)
	for _, good := range []string{
		"functions: {hello: {runtime: Python3.10, environment: {A: ~}, memory_size: ~, func_vpc: ~, publish: ~, aliases: {live: ~}}}",
		"functions:\n  hello:\n",
		"region: ~\ndefaults:\nfunctions: {hello: {}}\nenvironments:\n  prod:\n    functions:\n      hello:\n",
	} {
		if err := s.Validate(yamlToJSON(t, good, []byte(good))); err != nil {
			t.Errorf("schema refuses %q: %v", good, err)
		}
	}
	for _, bad := range []string{
		"functions: {hello: {aliases: {live-: {version: latest}}}}",
		"functions: {a: {}}",
		"functions: {hello: {runtime: Python3.12}}",
		"functions: {hello: {mount_config: {mount_user: {user_id: 1000, user_group_id: 1}}}}",
	} {
		if err := s.Validate(yamlToJSON(t, bad, []byte(bad))); err == nil {
			t.Errorf("schema accepts %q", bad)
		}
	}
}
