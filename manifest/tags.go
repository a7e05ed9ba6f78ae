package manifest

import (
	"errors"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Tags and ownership. A function's tags map is merged key by key like
// every map (defaults, the function, the overlay); only the keys it
// declares are managed. A key declared with a string value is set; a key
// declared null is removed from the function (a tag of that key set
// elsewhere is deleted), which is also how an overlay or a function takes
// back a tag of the defaults; a key the manifest does not name is left
// alone, whoever set it.
//
// The top-level project: NAME makes the manifest own what it deploys:
// every function it creates or updates carries the tag OwnershipTagKey =
// NAME, which is fgsdeploy's and never part of a function's tags.

// OwnershipTagKey is the key of the tag that says which project owns a
// function. It passes FunctionGraph's tag rules (fgsspec.CheckTagKey),
// and a manifest cannot declare it among its tags.
const OwnershipTagKey = "fgsdeploy-project"

// EnvironmentTagKey is the key of the tag that says, under project:,
// which environment (--env) of the project deployed a function: a
// project's functions of one environment are those that carry it with
// that environment's name (none for the base), so that with stage names
// (name:) a run of one environment never takes another's functions for
// ones the manifest no longer declares. A manifest cannot declare it.
const EnvironmentTagKey = "fgsdeploy-env"

// tagsKey decodes the function's tags. It reports whether name is that key.
func (d *decoder) tagsKey(f *Function, name string, v *yaml.Node, p string) bool {
	if name != "tags" {
		return false
	}
	f.Tags = d.tags(v, p)
	return true
}

// tags decodes a tags map: keys and values by FunctionGraph's rules, a
// null value kept as a removal.
func (d *decoder) tags(n *yaml.Node, path string) map[string]*string {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		d.typeErr(n, path, "must be a map of tag key to value, got %s", kindName(n))
		return nil
	}
	out := map[string]*string{}
	firstKey := map[string]*yaml.Node{} // by key in lower case
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		p := join(path, k.Value)
		switch err := fgsspec.CheckTagKey(k.Value); {
		case k.Value == OwnershipTagKey:
			d.errAt(k, p, "is the tag fgsdeploy keeps the owning project in: set project: at the top of the manifest instead")
		case k.Value == EnvironmentTagKey:
			d.errAt(k, p, "is the tag fgsdeploy keeps the environment (--env) of a project's function in")
		case err != nil:
			d.errAt(k, p, "%q is not a valid tag key: %v", truncate(k.Value, 60), err)
		}
		for low, first := range firstKey {
			if fgsspec.SameTagKey(low, k.Value) && first.Value != k.Value {
				d.errAt(k, p, "differs from the key %q (line %d) only in case; FunctionGraph may take them for one tag", first.Value, first.Line)
			}
		}
		firstKey[k.Value] = k
		if isNull(v) {
			out[k.Value] = nil
			continue
		}
		if v.Kind != yaml.ScalarNode {
			d.typeErr(v, p, "must be a single value, got %s", kindName(v))
			continue
		}
		val, err := Interpolate(v.Value, d.in.lookup)
		if err != nil {
			d.typeErr(v, p, "%v", err)
			continue
		}
		if err := fgsspec.CheckTagValue(val); err != nil {
			d.errAt(v, p, "%s is not a valid tag value: %v", quote(v, val, 40), err)
		}
		out[k.Value] = &val
	}
	return out
}

// checkProjectTags applies what depends on the whole manifest: the
// project's name, which is the ownership tag's value, and the number of
// tags a function ends with, the ownership tag included.
func checkProjectTags(el *errorList, projectNode *yaml.Node, p *Project) {
	if projectNode != nil {
		if p.Project == "" {
			el.add(projectNode.Line, projectNode.Column, "project", "is empty; remove the key for a manifest that owns nothing")
		} else if err := fgsspec.CheckTagValue(p.Project); err != nil {
			el.add(projectNode.Line, projectNode.Column, "project", "%s is not a valid project name (it is the value of the %s tag): %v", quote(projectNode, p.Project, 40), OwnershipTagKey, err)
		} else if err := fgsspec.CheckTagValue(p.Env); p.Env != "" && err != nil {
			el.add(projectNode.Line, projectNode.Column, "project", "with project:, the environment's name is the value of the %s tag, and %q is not a valid one: %v", EnvironmentTagKey, truncate(p.Env, 40), err)
		}
	}
	for _, f := range p.Functions {
		set := 0
		for _, v := range f.Tags {
			if v != nil {
				set++
			}
		}
		limit := fgsspec.MaxTags
		if p.Project != "" {
			limit-- // the ownership tag
			if p.Env != "" {
				limit-- // and the environment's
			}
		}
		if set > limit {
			line, col := f.position("tags")
			extra := ""
			if p.Project != "" {
				extra = fmt.Sprintf(", and project: adds the %s tag", OwnershipTagKey)
				if p.Env != "" {
					extra += " and the " + EnvironmentTagKey + " tag"
				}
			}
			el.add(line, col, "functions."+f.Name+".tags", "declares %d tags; FunctionGraph allows %d per function%s", set, fgsspec.MaxTags, extra)
		}
	}
}

// SetTags returns the declared tags that are set (not removals), sorted
// by key.
func (f *Function) SetTags() map[string]string {
	out := map[string]string{}
	for k, v := range f.Tags {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// TagKeys returns the keys the function declares, removals included,
// sorted.
func (f *Function) TagKeys() []string {
	keys := make([]string, 0, len(f.Tags))
	for k := range f.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dependencyNames reads only the names of the top-level dependencies
// (Options.LocateOnly: destroy deletes versions by dependency name).
func dependencyNames(n *yaml.Node) []*Dependency {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []*Dependency
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isNull(n.Content[i+1]) {
			out = append(out, &Dependency{Name: n.Content[i].Value, Line: n.Content[i].Line})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// readProject reads the top-level project ("" without one).
func readProject(in *interp, n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return in.scalar(n, "project")
}

// ownedTargets applies Options.Owned to err, undeclared's answer: the
// names of Functions the manifest does not declare are no error when it
// declares project: they may name functions the project owns and no
// longer declares (plan --target, destroy --target); Project.Undeclared
// lists them.
func ownedTargets(p *Project, opts Options, err error) error {
	var ue *UndeclaredError
	if err == nil || !opts.Owned || p.Project == "" || !errors.As(err, &ue) {
		return err
	}
	p.Undeclared = ue.Names
	return nil
}
