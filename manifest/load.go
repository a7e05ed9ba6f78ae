package manifest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Options tune Load.
type Options struct {
	// Env selects an environments overlay ("" = none).
	Env string
	// Lookup resolves ${VAR}; nil means no variable is set. The package
	// never reads the process environment itself.
	Lookup func(string) (string, bool)
	// Functions, when not nil, names the only functions the caller uses
	// (plan --target): only they are interpolated and validated, and
	// Project.Functions holds only them. Every other function is checked
	// for syntax and structure alone (unknown keys, maps where maps
	// belong, malformed ${), so a variable that only they use may be
	// unset. A name the manifest does not declare is an error.
	Functions []string
	// LocateOnly asks only for what locates the functions: their name,
	// package, FunctionGraph name (name:), alias names and log_config, and
	// the manifest's region, project_id and project (versions, promote,
	// rollback, destroy, invoke, logs). Nothing else of a function is
	// interpolated or validated beyond syntax and structure; the returned
	// functions hold Name, FuncName, Line, Package, the keys of Aliases
	// and LogConfig only, and Dependencies hold only names.
	LocateOnly bool
	// Owned: see ownedTargets (tags.go).
	Owned bool
}

// Load reads the manifest at path, interpolates ${VAR}, applies the
// selected overlay and defaults, decodes strictly and validates every
// field. Manifest problems come back all at once as a *multierror.Error
// whose errors are *Error, sorted by position.
func Load(path string, opts Options) (*Project, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return parse(path, filepath.Dir(abs), data, opts)
}

// parse does Load's work on bytes; dir is where relative code paths start.
func parse(file, dir string, data []byte, opts Options) (*Project, error) {
	p, _, err := parseChecked(file, dir, data, opts, nil)
	return p, err
}

// parseChecked is parse, then Check with the Lister list makes, when list
// is not nil (Validate).
func parseChecked(file, dir string, data []byte, opts Options, list func(*Project) Lister) (*Project, []*Error, error) {
	el := &errorList{file: file}
	root, ok := readDocument(el, data)
	if !ok {
		return nil, nil, el.err()
	}
	top := topLevel(el, root)
	if top.functions == nil {
		if len(el.errs) == 0 {
			el.add(root.Line, root.Column, "functions", "is required: declare at least one function")
		}
		return nil, nil, el.err()
	}

	// Environments: every one is checked for structure; the selected one is
	// merged over the base.
	envNames := []string{}
	var selected *yaml.Node
	if top.environments != nil {
		for i := 0; i+1 < len(top.environments.Content); i += 2 {
			k, v := top.environments.Content[i], top.environments.Content[i+1]
			envNames = append(envNames, k.Value)
			checkShape(el, v, "environments."+k.Value, overlaySchema)
			if k.Value == opts.Env {
				selected = resolveAlias(v)
			}
		}
	}
	if opts.Env != "" && selected == nil {
		sort.Strings(envNames)
		msg := "no environments are declared"
		if len(envNames) > 0 {
			msg = "declared: " + strings.Join(envNames, ", ")
		}
		line, col := 1, 1
		if top.environments != nil {
			line, col = top.environmentsKey.Line, top.environmentsKey.Column
		}
		el.add(line, col, "environments", "environment %q is not declared (%s)", opts.Env, msg)
		return nil, nil, el.err()
	}
	if top.environments != nil {
		for i := 0; i+1 < len(top.environments.Content); i += 2 {
			k, v := top.environments.Content[i], resolveAlias(top.environments.Content[i+1])
			if k.Value != opts.Env && v.Kind == yaml.MappingNode {
				checkOverlay(el, top, v, "environments."+k.Value, dir, opts)
			}
		}
	}
	if selected != nil && selected.Kind == yaml.MappingNode {
		applyOverlay(el, &top, selected, "environments."+opts.Env)
	}

	p := build(el, &interp{lookup: opts.Lookup, el: el}, top, dir, opts)
	if p == nil {
		return nil, nil, el.err()
	}
	p.File, p.Dir, p.Env = file, dir, opts.Env
	for _, f := range append(slices.Clone(p.Functions), p.flawed...) {
		f.file = file
	}
	sort.Slice(p.Functions, func(i, j int) bool { return p.Functions[i].Name < p.Functions[j].Name })
	var warnings []*Error
	if list != nil {
		warnings = p.check(el, list(p))
	}
	if err := el.err(); err != nil {
		return nil, warnings, err
	}
	if err := ownedTargets(p, opts, undeclared(file, top.functions, opts.Functions)); err != nil {
		return nil, nil, err
	}
	return p, warnings, nil
}

// build interpolates, decodes and validates the merged top-level nodes,
// recording every problem in el. It returns nil when functions is not a map.
// Functions that opts does not ask for are only checked for structure.
func build(el *errorList, in *interp, top topNodes, dir string, opts Options) *Project {
	wanted := func(name string) bool { return opts.Functions == nil || slices.Contains(opts.Functions, name) }
	p := &Project{}
	if top.region != nil {
		p.Region = in.scalar(top.region, "region")
		validateRegion(el, top.region, p.Region)
	}
	if top.projectID != nil {
		p.ProjectID = in.scalar(top.projectID, "project_id")
		validateProjectID(el, top.projectID, p.ProjectID)
	}
	p.Project = readProject(in, top.project)
	p.Env = opts.Env // the ownership rules read it (tags.go)
	if top.defaults != nil {
		checkShape(el, top.defaults, "defaults", functionSchema)
	}
	if top.functions.Kind != yaml.MappingNode {
		el.add(top.functions.Line, top.functions.Column, "functions", "must be a map of function name to function, got %s", kindName(top.functions))
		return nil
	}
	if len(top.functions.Content) == 0 {
		el.add(top.functions.Line, top.functions.Column, "functions", "is empty: declare at least one function")
	}
	var deps map[string]bool
	var read []*Function // decoded, in the manifest's order
	if !opts.LocateOnly {
		p.Dependencies, deps = decodeDependencies(el, in, top.dependencies, dir, defaultsOBS(el, in, top.defaults))
	} else {
		p.Dependencies = dependencyNames(top.dependencies)
	}
	for i := 0; i+1 < len(top.functions.Content); i += 2 {
		k, v := top.functions.Content[i], resolveAlias(top.functions.Content[i+1])
		path := "functions." + k.Value
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: v.Line, Column: v.Column}
		}
		if v.Kind != yaml.MappingNode {
			el.add(v.Line, v.Column, path, "must be a map of settings, got %s", kindName(v))
			continue
		}
		merged := v
		if top.defaults != nil && top.defaults.Kind == yaml.MappingNode {
			merged = mergeFunction(top.defaults, v)
		}
		switch {
		case !wanted(k.Value):
			if err := fgsspec.CheckFunctionName(k.Value); err != nil {
				el.add(k.Line, k.Column, path, "%q is not a valid function name: %v", truncate(k.Value, 70), err)
			}
			checkStructure(el, merged, path, functionSchema)
		case opts.LocateOnly:
			checkStructure(el, merged, path, functionSchema)
			if f := locateFunction(el, in, k, merged, path); f != nil {
				p.Functions = append(p.Functions, f)
			}
		default:
			f, ok := decodeFunction(el, in, k, merged, path, dir, deps)
			if ok {
				p.Functions = append(p.Functions, f)
			} else {
				p.flawed = append(p.flawed, f)
			}
			read = append(read, f)
		}
	}
	// The rules across functions see every function that was read, those
	// with problems of their own too: all the problems come in one run.
	checkProjectTriggers(el, read)
	checkProjectTags(el, top.project, p)
	checkNames(el, read)
	p.SecretVars = projectSecretVars(top)
	return p
}

// checkOverlay validates an environment that is not selected, without
// interpolating it (its variables may only be set where it is used). The
// overlay is merged over the base and decoded as if selected; the problems
// found at the overlay's own nodes are kept, except value problems at nodes
// that use ${VAR}, whose value is unknown here. Malformed ${ are reported.
func checkOverlay(el *errorList, base topNodes, ov *yaml.Node, path, dir string, opts Options) {
	reported := map[[2]int]bool{}
	for _, e := range el.errs {
		reported[[2]int{e.Line, e.Col}] = true
	}
	own := map[[2]int]bool{}
	templated := map[[2]int]bool{}
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		pos := [2]int{n.Line, n.Column}
		own[pos] = true
		switch n.Kind {
		case yaml.ScalarNode:
			if strings.Contains(n.Value, "${") {
				templated[pos] = true
				if _, err := Interpolate(n.Value, anyValue); err != nil {
					el.add(n.Line, n.Column, p, "%v", err)
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i], join(p, n.Content[i].Value))
				walk(n.Content[i+1], join(p, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", p, i))
			}
		}
	}
	walk(ov, path)
	trial := &errorList{file: el.file, aliasAt: el.aliasAt}
	applyOverlay(trial, &base, ov, path)
	build(trial, &interp{lookup: anyValue, el: trial}, base, dir, opts)
	for _, e := range trial.errs {
		pos := [2]int{e.Line, e.Col}
		if !own[pos] || templated[pos] || reported[pos] {
			continue
		}
		if !strings.HasPrefix(e.Path, "environments.") {
			e.Path = join(path, e.Path)
		}
		el.errs = append(el.errs, e)
	}
}

// checkStructure checks a function the caller does not use: unknown keys,
// maps where maps belong, and malformed ${ (interpolation syntax); no
// value is interpolated or validated.
func checkStructure(el *errorList, n *yaml.Node, path string, s shape) {
	checkShape(el, n, path, s)
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		switch n.Kind {
		case yaml.ScalarNode:
			if strings.Contains(n.Value, "${") {
				if _, err := Interpolate(n.Value, anyValue); err != nil {
					el.add(n.Line, n.Column, p, "%v", err)
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], join(p, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", p, i))
			}
		}
	}
	walk(n, path)
}

// undeclared reports the names of want that functions does not declare.
func undeclared(file string, functions *yaml.Node, want []string) error {
	var declared, missing []string
	for i := 0; i+1 < len(functions.Content); i += 2 {
		declared = append(declared, functions.Content[i].Value)
	}
	for _, w := range want {
		if !slices.Contains(declared, w) && !slices.Contains(missing, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(declared)
	return &UndeclaredError{File: file, Names: missing, Declared: declared}
}

// UndeclaredError is Load's error when Options.Functions names functions
// the manifest does not declare.
type UndeclaredError struct {
	File     string
	Names    []string // not declared, in the order asked
	Declared []string // sorted
}

func (e *UndeclaredError) Error() string {
	q := make([]string, len(e.Names))
	for i, n := range e.Names {
		q[i] = strconv.Quote(n)
	}
	return fmt.Sprintf("%s %s not a function of %s (functions: %s)", strings.Join(q, ", "), plural(len(q), "is", "are"), e.File, strings.Join(e.Declared, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// anyValue is the lookup of environments that are checked but not used:
// every variable is set and empty, so only malformed ${ are errors.
func anyValue(string) (string, bool) { return "", true }

// readDocument parses exactly one YAML document whose root is a map. A
// syntax error is reported at its cause (see syntax.go).
func readDocument(el *errorList, data []byte) (*yaml.Node, bool) {
	if p, msg, bad := checkText(data); bad {
		el.add(p.line, p.col, "", "%s", msg)
		return nil, false
	}
	var doc yaml.Node
	extra, err := decodeDocuments(data, &doc)
	switch {
	case errors.Is(err, io.EOF):
		el.add(1, 1, "", "the manifest is empty: declare functions")
		return nil, false
	case err != nil:
		p, msg := locateSyntax(data, err)
		el.add(p.line, p.col, "", "%s", msg)
		return nil, false
	case extra != nil:
		el.add(extra.Line, extra.Column, "", "only one YAML document is allowed (found a second after ---)")
		return nil, false
	}
	if len(doc.Content) == 0 {
		el.add(1, 1, "", "the manifest is empty: declare functions")
		return nil, false
	}
	root := doc.Content[0]
	if expandedSize(root, maxExpandedNodes, map[*yaml.Node]int{}) > maxExpandedNodes {
		el.add(root.Line, root.Column, "", "the manifest expands to more than %d values through aliases (*name); write it out or use fewer aliases", maxExpandedNodes)
		return nil, false
	}
	if root.Kind != yaml.MappingNode {
		el.add(root.Line, root.Column, "", "the manifest must be a map with a functions key, got %s", kindName(root))
		return nil, false
	}
	checkDuplicates(el, root, "")
	return expandAliases(el, root), true
}

// expandAliases replaces every alias (*name) by a copy of the value its
// anchor names, placed at the alias: a problem in an aliased value is then
// reported at each use, each with the anchor's line (errorList.add). The
// size was checked before (expandedSize), so the copies are bounded.
func expandAliases(el *errorList, n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		target := n.Alias
		el.noteAlias(n.Line, n.Column, n.Value, target.Line)
		return placeAt(expandAliases(el, target), n.Line, n.Column)
	}
	if len(n.Content) == 0 {
		return n
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, child := range n.Content {
		c.Content[i] = expandAliases(el, child)
	}
	return &c
}

// placeAt copies a tree with every node at one position.
func placeAt(n *yaml.Node, line, col int) *yaml.Node {
	c := *n
	c.Line, c.Column = line, col
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = placeAt(child, line, col)
		}
	}
	return &c
}

// checkDuplicates reports a key that appears twice in one map, anywhere,
// and drops the second pair, so that what follows decodes only the first
// (one error for the duplicate, not more for the second's missing keys).
func checkDuplicates(el *errorList, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]*yaml.Node{}
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if first, dup := seen[k.Value]; dup {
				el.add(k.Line, k.Column, join(path, k.Value), "duplicate key (first at line %d)", first.Line)
				continue
			}
			seen[k.Value] = k
			checkDuplicates(el, v, join(path, k.Value))
			kept = append(kept, k, v)
		}
		n.Content = kept
	case yaml.SequenceNode:
		for i, c := range n.Content {
			checkDuplicates(el, c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int":
			return "a number"
		case "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return "a string"
	}
	return "something else"
}

type topNodes struct {
	region, projectID, defaults, functions, environments *yaml.Node
	environmentsKey                                      *yaml.Node
	dependencies                                         *yaml.Node
	project                                              *yaml.Node // top level only: not in overlays
}

func topLevel(el *errorList, root *yaml.Node) topNodes {
	var t topNodes
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		v = resolveAlias(v)
		if isNull(v) {
			// Not set (region, project_id); an empty map (defaults,
			// functions, environments).
			switch k.Value {
			case "region", "project_id", "defaults", "functions", "environments", "dependencies", "project":
				continue
			}
		}
		switch k.Value {
		case "region":
			t.region = v
		case "project_id":
			t.projectID = v
		case "defaults":
			if v.Kind != yaml.MappingNode {
				el.add(v.Line, v.Column, "defaults", "must be a map of function settings, got %s", kindName(v))
				continue
			}
			t.defaults = v
		case "functions":
			t.functions = v
		case "environments":
			if v.Kind != yaml.MappingNode {
				el.add(v.Line, v.Column, "environments", "must be a map of environment name to overlay, got %s", kindName(v))
				continue
			}
			t.environments, t.environmentsKey = v, k
		case "dependencies":
			if v.Kind != yaml.MappingNode {
				el.add(v.Line, v.Column, "dependencies", "must be a map of dependency name to package, got %s", kindName(v))
				continue
			}
			t.dependencies = v
		case "project":
			t.project = v
		default:
			top := []string{"region", "project_id", "project", "defaults", "functions", "environments", "dependencies"}
			el.add(k.Line, k.Column, k.Value, "unknown key%s (allowed: %s)", didYouMean(k.Value, top), strings.Join(top, ", "))
		}
	}
	return t
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// applyOverlay merges an environment over the base nodes. A function the
// base does not declare is an error: a typo would otherwise deploy a new
// function in one environment only.
func applyOverlay(el *errorList, t *topNodes, ov *yaml.Node, path string) {
	for i := 0; i+1 < len(ov.Content); i += 2 {
		k, v := ov.Content[i], resolveAlias(ov.Content[i+1])
		switch k.Value {
		case "region":
			t.region = v
		case "project_id":
			t.projectID = v
		case "defaults":
			if v.Kind != yaml.MappingNode {
				continue // reported by checkShape
			}
			if t.defaults == nil {
				t.defaults = v
			} else {
				t.defaults = mergeFunction(t.defaults, v)
			}
		case "functions":
			if v.Kind != yaml.MappingNode || t.functions == nil || t.functions.Kind != yaml.MappingNode {
				continue
			}
			base := cloneNode(t.functions)
			for j := 0; j+1 < len(v.Content); j += 2 {
				fk, fv := v.Content[j], v.Content[j+1]
				idx := mapIndex(base, fk.Value)
				if idx < 0 {
					el.add(fk.Line, fk.Column, path+".functions."+fk.Value, "function %q is not declared in the base functions", fk.Value)
					continue
				}
				base.Content[idx+1] = mergeFunction(base.Content[idx+1], fv)
			}
			t.functions = base
		}
	}
}

func mapIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// mergeFunction merges the settings of a function (or defaults) over base
// and returns the result; neither argument is modified. It is mergeNodes
// with two exceptions at the function's own level: an overlay with no
// settings (hello: with nothing after it) changes nothing, and code
// merges as mergeCode says (path and obs_url are one choice).
func mergeFunction(base, over *yaml.Node) *yaml.Node {
	base, over = resolveAlias(base), resolveAlias(over)
	if over.Kind == yaml.ScalarNode && over.ShortTag() == "!!null" {
		return base
	}
	if base.Kind == yaml.ScalarNode && base.ShortTag() == "!!null" {
		return over
	}
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := cloneNode(base)
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		idx := mapIndex(out, k.Value)
		switch {
		case idx < 0:
			out.Content = append(out.Content, k, v)
		case k.Value == "code":
			out.Content[idx], out.Content[idx+1] = k, mergeCode(out.Content[idx+1], v)
		default:
			out.Content[idx+1] = mergeNodes(cloneNode(out.Content[idx+1]), v)
		}
	}
	return out
}

// mergeNodes deep-merges over into base (modified and returned): maps merge
// key by key, anything else is replaced by over's node (so positions point
// at the overlay).
func mergeNodes(base, over *yaml.Node) *yaml.Node {
	base, over = resolveAlias(base), resolveAlias(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		if idx := mapIndex(base, k.Value); idx >= 0 {
			base.Content[idx+1] = mergeNodes(cloneNode(base.Content[idx+1]), v)
		} else {
			base.Content = append(base.Content, k, v)
		}
	}
	return base
}

// cloneNode copies a node and its list of children, not the children
// themselves: mergeNodes clones each child before it changes it, so shared
// nodes (YAML anchors, defaults) are never altered, and a document full of
// aliases is never expanded.
func cloneNode(n *yaml.Node) *yaml.Node {
	n = resolveAlias(n)
	if n == nil {
		return nil
	}
	c := *n
	if len(n.Content) > 0 {
		c.Content = append([]*yaml.Node(nil), n.Content...)
	}
	return &c
}

// maxExpandedNodes bounds the size of a document once its aliases are
// expanded. A manifest of a few hundred functions is far below it; a
// "billion laughs" document is far above it.
const maxExpandedNodes = 1_000_000

// expandedSize counts the nodes of n with every alias expanded, stopping
// once the count passes limit. Sizes are memoized per node, so the cost is
// linear in the document, not in its expansion.
func expandedSize(n *yaml.Node, limit int, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = limit + 1 // a node that contains itself is over any limit
	size := 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, limit, memo)
	}
	for _, c := range n.Content {
		if size > limit {
			break
		}
		size += expandedSize(c, limit, memo)
	}
	if size > limit {
		size = limit + 1
	}
	memo[n] = size
	return size
}

// shape describes the keys allowed at each level, for overlays and
// defaults that are checked without being decoded.
type shape map[string]shape

var functionSchema = shape{
	"name": nil, "package": nil, "runtime": nil, "handler": nil, "memory_size": nil, "timeout": nil, "description": nil,
	"initializer_handler": nil, "initializer_timeout": nil, "pre_stop_handler": nil, "pre_stop_timeout": nil,
	"environment": {"*": nil}, "encrypted_environment": {"*": nil}, "xrole": nil, "app_xrole": nil, "enterprise_project_id": nil,
	"func_vpc":       {"vpc_id": nil, "subnet_id": nil, "security_groups": nil},
	"mount_config":   {"mount_user": {"user_id": nil, "user_group_id": nil}, "func_mounts": nil},
	"log_config":     {"group_id": nil, "stream_id": nil, scalarToo: nil},
	"concurrent_num": nil, "ephemeral_storage": nil, "max_instances": nil, "dependencies": nil,
	"code":     {"path": nil, "obs_url": nil, "obs": obsSchema, "build": nil},
	"publish":  {"version": nil, "description": nil, "keep": nil, "config_changes": nil},
	"aliases":  {"*": {"version": nil, "canary": nil, "description": nil}},
	"triggers": nil, // a list: triggers.go checks its items
	"tags":     {"*": nil},
}

var overlaySchema = shape{
	"region": nil, "project_id": nil, "defaults": functionSchema,
	"functions": {"*": functionSchema},
}

// scalarToo in a shape lets the value be a scalar instead of a map (its
// decoder checks it): log_config: auto.
const scalarToo = "="

// checkShape reports unknown keys and maps where scalars belong.
func checkShape(el *errorList, n *yaml.Node, path string, s shape) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if _, ok := s[scalarToo]; ok && n.Kind == yaml.ScalarNode {
		return
	}
	if n.Kind != yaml.MappingNode {
		el.add(n.Line, n.Column, path, "must be a map, got %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub, ok := s[k.Value]
		if !ok {
			sub, ok = s["*"]
		}
		if !ok {
			el.add(k.Line, k.Column, join(path, k.Value), "unknown key%s (allowed: %s)", didYouMean(k.Value, keysOf(s)), strings.Join(keysOf(s), ", "))
			continue
		}
		if sub != nil {
			checkShape(el, v, join(path, k.Value), sub)
		}
	}
}

func keysOf(s shape) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		if k != scalarToo {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
