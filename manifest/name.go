package manifest

import (
	"fmt"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// FunctionVar is the variable a function's name: may use for the
// function's key, whatever the process environment holds:
// environments.dev.defaults.name: "${FUNCTION}-dev" deploys every function
// KEY as KEY-dev. Only name: has it.
const FunctionVar = "FUNCTION"

// funcName decodes name:, the function's FunctionGraph name, interpolated
// with FunctionVar set to the function's key.
func (d *decoder) funcName(f *Function, v *yaml.Node, p string) {
	n := resolveAlias(v)
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float", "!!bool":
			d.typeErr(n, p, "must be a string, got %s (quote it)", kindName(n))
			return
		}
	}
	key := f.Name
	lookup := func(name string) (string, bool) {
		if name == FunctionVar {
			return key, true
		}
		if d.in.lookup == nil {
			return "", false
		}
		return d.in.lookup(name)
	}
	in := &interp{lookup: lookup, el: d.el}
	f.FuncName = in.scalar(n, p)
	switch err := fgsspec.CheckFunctionName(f.FuncName); {
	case f.FuncName == "" && !templated(n):
		d.errAt(n, p, "is empty; remove the key to deploy the function as %s", key)
	case err != nil:
		d.errAt(n, p, "%s is not a valid function name: %v", quote(n, f.FuncName, 70), err)
	}
}

// checkNames reports two functions that would be one FunctionGraph
// function: the same package and name. The name itself is not shown (it
// may come from ${VAR}).
func checkNames(el *errorList, fns []*Function) {
	type id struct{ pkg, name string }
	first := map[id]*Function{}
	for _, f := range fns {
		k := id{f.Package, f.FuncName}
		g, dup := first[k]
		if !dup {
			first[k] = f
			continue
		}
		line, col := f.position("name")
		el.add(line, col, "functions."+f.Name+".name", "deploys to the same FunctionGraph function as functions.%s (same package and name): give one of them another name", g.Name)
	}
}

// secretVars lists the variables the secret values of a function's
// merged settings use: encrypted_environment's values and the secret
// fields of its triggers' event_data, read from the text as written (not
// interpolated: a function the command does not use is not).
func secretVars(n *yaml.Node, into map[string]bool) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	note := func(v *yaml.Node) {
		v = resolveAlias(v)
		if v == nil || v.Kind != yaml.ScalarNode {
			return
		}
		Interpolate(v.Value, func(name string) (string, bool) {
			into[name] = true
			return "", true
		})
	}
	if i := mapIndex(n, "encrypted_environment"); i >= 0 {
		if env := resolveAlias(n.Content[i+1]); env.Kind == yaml.MappingNode {
			for j := 1; j < len(env.Content); j += 2 {
				note(env.Content[j])
			}
		}
	}
	i := mapIndex(n, "triggers")
	if i < 0 {
		return
	}
	list := resolveAlias(n.Content[i+1])
	if list.Kind != yaml.SequenceNode {
		return
	}
	for _, t := range list.Content {
		t = resolveAlias(t)
		if t.Kind != yaml.MappingNode {
			continue
		}
		ti, di := mapIndex(t, "type"), mapIndex(t, "event_data")
		if ti < 0 || di < 0 {
			continue
		}
		tt := fgsspec.TriggerTypeOf(resolveAlias(t.Content[ti+1]).Value)
		data := resolveAlias(t.Content[di+1])
		if tt == nil || data.Kind != yaml.MappingNode {
			continue
		}
		for _, field := range tt.SecretFields() {
			if j := mapIndex(data, field); j >= 0 {
				note(data.Content[j+1])
			}
		}
	}
}

// sortedNames is the set's names, sorted.
func sortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Clip(out)
}

// checkBuild reports a code.build that has no directory to run in: code
// from obs_url, or a .zip or .jar used as is.
func (d *decoder) checkBuild(c Code, n *yaml.Node, path string) {
	if c.Build == "" {
		return
	}
	why := ""
	switch {
	case c.ObsURL != "":
		why = "the code is obs_url"
	case c.IsArchive:
		why = "code.path is an archive, used as it is"
	default:
		return
	}
	d.errAt(n, join(path, "build"), "runs in a copy of a code directory, and %s (build: ~ turns off a build set in defaults)", why)
}

// String names the function for people: its key, and its FunctionGraph
// name when that differs: "api (api-dev)".
func (f *Function) String() string {
	if f.FuncName == "" || f.FuncName == f.Name {
		return f.Name
	}
	return fmt.Sprintf("%s (%s)", f.Name, f.FuncName)
}

// projectSecretVars are the variables the secrets of every function use,
// selected or not (Project.SecretVars).
func projectSecretVars(top topNodes) []string {
	set := map[string]bool{}
	secretVars(top.defaults, set)
	if top.functions != nil && top.functions.Kind == yaml.MappingNode {
		for i := 1; i < len(top.functions.Content); i += 2 {
			secretVars(top.functions.Content[i], set)
		}
	}
	return sortedNames(set)
}
