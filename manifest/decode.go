package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// decoder reads one function's merged node, recording every problem.
type decoder struct {
	el   *errorList
	in   *interp
	path string
	deps map[string]bool // the names of the top-level dependencies
}

func (d *decoder) errAt(n *yaml.Node, path, format string, args ...any) {
	d.el.add(n.Line, n.Column, path, format, args...)
}

// typeErr records that a value could not be read at all (wrong type,
// failed interpolation); later complaints about the same value are noise
// and are dropped (see errorList.addPrimary).
func (d *decoder) typeErr(n *yaml.Node, path, format string, args ...any) {
	d.el.addPrimary(n.Line, n.Column, path, format, args...)
}

// nullKey is the key node of name in map n when its value is null.
func nullKey(n *yaml.Node, name string) *yaml.Node {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name && isNull(n.Content[i+1]) {
			return n.Content[i+1]
		}
	}
	return nil
}

// isNull reports whether n is an explicit null (~, null or nothing).
func isNull(n *yaml.Node) bool {
	n = resolveAlias(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// templated reports whether a scalar node's text uses ${VAR}.
func templated(n *yaml.Node) bool {
	n = resolveAlias(n)
	return n != nil && n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${")
}

// quote shows a value in a message. A value that came out of ${VAR} is
// shown as the manifest's text instead, never as the variable's value,
// which may be a secret.
func quote(n *yaml.Node, v string, max int) string {
	if templated(n) {
		return fmt.Sprintf("the value of %q", truncate(resolveAlias(n).Value, max))
	}
	return fmt.Sprintf("%q", truncate(v, max))
}

func (d *decoder) str(n *yaml.Node, path string) string {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float", "!!bool":
			d.typeErr(n, path, "must be a string, got %s (quote it)", kindName(n))
			return ""
		}
	}
	return d.in.scalar(n, path)
}

func (d *decoder) strPtr(n *yaml.Node, path string) *string {
	s := d.str(n, path)
	return &s
}

// integer reads an int; interpolated strings that hold an int are accepted.
func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		d.typeErr(n, path, "must be a whole number, got %s", kindName(n))
		return 0, false
	}
	raw := n.Value
	if n.ShortTag() == "!!str" {
		if !strings.Contains(raw, "${") {
			if _, err := strconv.Atoi(strings.TrimSpace(raw)); err == nil {
				d.typeErr(n, path, "must be a whole number, got the string %q (remove the quotes)", truncate(raw, 40))
			} else {
				d.typeErr(n, path, "must be a whole number, got %q", truncate(raw, 40))
			}
			return 0, false
		}
		v, err := Interpolate(raw, d.in.lookup)
		if err != nil {
			d.typeErr(n, path, "%v", err)
			return 0, false
		}
		raw = v
	} else if n.ShortTag() != "!!int" {
		// The text as written: it holds no ${VAR}, so no secret.
		given := truncate(n.Value, 40)
		if n.ShortTag() == "!!bool" {
			given = "the boolean " + given
		}
		d.typeErr(n, path, "must be a whole number, got %s", given)
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		d.typeErr(n, path, "must be a whole number, got %s", quote(n, raw, 40))
		return 0, false
	}
	return v, true
}

func (d *decoder) intPtr(n *yaml.Node, path string, r fgsspec.Range) *int {
	v, ok := d.integer(n, path)
	if !ok {
		return nil
	}
	if !r.Contains(v) {
		d.errAt(n, path, "%d is out of range (%s)", v, r)
	}
	return &v
}

// joinInts lists numbers: 512 or 10240.
func joinInts(xs []int, last string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + last + s[len(s)-1]
}

// mapping iterates the pairs of a map of settings whose keys are allowed.
// A key whose value is null is not set: fn does not see it, though it is
// still an error when allowed does not have it (allowed "*" takes any).
func (d *decoder) mapping(n *yaml.Node, path string, allowed shape, fn func(k, v *yaml.Node)) bool {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		d.typeErr(n, path, "must be a map, got %s", kindName(n))
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if isNull(v) {
			_, known := allowed[k.Value]
			_, anyKey := allowed["*"]
			if !known && !anyKey {
				d.unknown(k, path, allowed)
			}
			continue
		}
		fn(k, v)
	}
	return true
}

func (d *decoder) list(n *yaml.Node, path string) []string {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		d.typeErr(n, path, "must be a list, got %s", kindName(n))
		return nil
	}
	out := []string{}
	for i, c := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		if isNull(c) {
			d.typeErr(c, ip, "is empty: remove the item or give it a value")
		}
		out = append(out, d.str(c, ip))
	}
	return out
}

func (d *decoder) unknown(k *yaml.Node, path string, allowed shape) {
	d.errAt(k, join(path, k.Value), "unknown key%s (allowed: %s)", didYouMean(k.Value, keysOf(allowed)), strings.Join(keysOf(allowed), ", "))
}

var (
	packageRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	envKeyRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)
	projectIDRe = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	dottedRe    = regexp.MustCompile(`^[A-Za-z0-9_\-/.]*[A-Za-z0-9_\-]\.[A-Za-z_$][A-Za-z0-9_$]*$`)
)

// maxAliasDescLength leaves room in an alias description for "
// (fgsdeploy:previous=" + a version name of up to 42 characters + ")".
const maxAliasDescLength = fgsspec.DescriptionMaxLength - len(" (fgsdeploy:previous=)") - 42

// SecretsFingerprintKey is the environment key the planner writes next to
// encrypted_environment (a salted fingerprint of the secrets). It is
// reserved, and it counts toward the 20 keys of environment.
const SecretsFingerprintKey = "FGSDEPLOY_SECRETS_FP"

// validateHandler applies the handler format of the runtime's family.
//
// shown is how the handler appears in messages (see quote).
func validateHandler(runtime, h, shown string) string {
	if h == "" {
		return "is required"
	}
	if strings.TrimSpace(h) != h {
		return "must not start or end with spaces"
	}
	switch {
	case strings.HasPrefix(runtime, "Python"), strings.HasPrefix(runtime, "Node.js"), strings.HasPrefix(runtime, "PHP"):
		if !dottedRe.MatchString(h) {
			return fmt.Sprintf("%s is not a valid handler for %s: want FILE.FUNCTION, e.g. index.handler", shown, runtime)
		}
	case strings.HasPrefix(runtime, "Java"):
		if !strings.Contains(h, ".") {
			return fmt.Sprintf("%s is not a valid handler for %s: want package.Class.method (or package.Class::method)", shown, runtime)
		}
	case strings.HasPrefix(runtime, "C#"):
		if strings.Count(h, "::") != 2 {
			return fmt.Sprintf("%s is not a valid handler for %s: want Assembly::Namespace.Class::Method", shown, runtime)
		}
	case runtime == "Custom Image":
		if h != "-" {
			return "must be \"-\" for Custom Image functions"
		}
	}
	if strings.ContainsAny(h, " \t\n") {
		return "must not contain spaces"
	}
	if len(h) > fgsspec.HandlerMaxLength {
		return fmt.Sprintf("is longer than %d characters", fgsspec.HandlerMaxLength)
	}
	return ""
}

func validateRegion(el *errorList, n *yaml.Node, v string) {
	if v != "" && !regionRe.MatchString(v) {
		el.add(n.Line, n.Column, "region", "%s is not a region name (e.g. cn-north-4)", quote(n, v, 40))
	}
}

func validateProjectID(el *errorList, n *yaml.Node, v string) {
	if v != "" && !projectIDRe.MatchString(v) {
		el.add(n.Line, n.Column, "project_id", "must be 32 hexadecimal characters")
	}
}

func memoryList() string {
	m := fgsspec.MemorySizes
	return fmt.Sprintf("%d, %d, ... %d", m[0], m[1], m[len(m)-1])
}

// locateFunction reads only what locates a function (Options.LocateOnly):
// its name, FunctionGraph name, package, the names of its aliases and
// its log_config; nil when they are wrong.
func locateFunction(el *errorList, in *interp, key, n *yaml.Node, path string) *Function {
	before := len(el.errs)
	d := &decoder{el: el, in: in, path: path}
	f := &Function{Name: key.Value, Line: key.Line, Package: "default"}
	if err := fgsspec.CheckFunctionName(f.Name); err != nil {
		d.errAt(key, path, "%q is not a valid function name: %v", truncate(f.Name, 70), err)
	}
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		return nil // reported by checkStructure
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if isNull(v) {
			continue
		}
		switch k.Value {
		case "package":
			p := join(path, "package")
			f.Package = d.str(v, p)
			if !packageRe.MatchString(f.Package) {
				d.errAt(v, p, "%s is not a valid package name: 1 to 64 letters, digits, _ or -", quote(v, f.Package, 70))
			}
		case "name":
			d.funcName(f, v, join(path, "name"))
		case "aliases":
			if v.Kind == yaml.MappingNode {
				f.Aliases = map[string]Alias{}
				for j := 0; j+1 < len(v.Content); j += 2 {
					if !isNull(v.Content[j+1]) {
						f.Aliases[v.Content[j].Value] = Alias{}
					}
				}
			}
		case "log_config":
			// Where it logs: logs reads it when the service names none.
			f.LogConfig = d.logConfig(v, join(path, "log_config"))
		}
	}
	if len(el.errs) > before {
		return nil
	}
	if f.FuncName == "" {
		f.FuncName = f.Name
	}
	return f
}

// decodeFunction decodes and validates one function. It returns what it
// read even when the function has problems (ok is false then): the rules
// across functions and the checks of its code still apply to the parts
// that could be read, so that every problem is reported in one run.
func decodeFunction(el *errorList, in *interp, key, n *yaml.Node, path, dir string, deps map[string]bool) (f *Function, ok bool) {
	before := len(el.errs)
	d := &decoder{el: el, in: in, path: path, deps: deps}
	f = &Function{Name: key.Value, Line: key.Line, Package: "default"}
	if err := fgsspec.CheckFunctionName(f.Name); err != nil {
		d.errAt(key, path, "%q is not a valid function name: %v", truncate(f.Name, 70), err)
	}
	nodes := map[string]*yaml.Node{}
	d.mapping(n, path, functionSchema, func(k, v *yaml.Node) {
		nodes[k.Value] = v
		p := join(path, k.Value)
		if !d.runtimeKey(f, k.Value, v, p) && !d.configKey(f, k.Value, v, p) && !d.codeKey(f, k, v, p, dir) && !d.releaseKey(f, k.Value, v, p) && !d.triggersKey(f, k.Value, v, p) &&
			!d.tagsKey(f, k.Value, v, p) && !d.productionKey(f, k.Value, v, p) {
			d.unknown(k, path, functionSchema)
		}
	})
	if nullKey(n, "async_invoke") != nil {
		f.AsyncInvoke = &AsyncInvoke{Delete: true} // null deletes the config (production.go)
	}
	d.required(f, key, n, nodes, path)
	d.runtimeRules(f, nodes, path)
	f.pos = positions(key, n)
	d.crossChecks(f, nodes, path)
	if f.FuncName == "" {
		f.FuncName = f.Name
	}
	return f, len(el.errs) == before
}

// runtimeKey decodes the keys that say what the function is and runs:
// its package, runtime and handlers. It reports whether name is one.
func (d *decoder) runtimeKey(f *Function, name string, v *yaml.Node, p string) bool {
	switch name {
	case "name":
		d.funcName(f, v, p)
	case "package":
		f.Package = d.str(v, p)
		if !packageRe.MatchString(f.Package) {
			d.errAt(v, p, "%s is not a valid package name: 1 to 64 letters, digits, _ or -", quote(v, f.Package, 70))
		}
	case "runtime":
		f.Runtime = d.str(v, p)
		if !fgsspec.IsRuntime(f.Runtime) {
			d.errAt(v, p, "%s is not a FunctionGraph runtime%s (%s)", quote(v, f.Runtime, 40), didYouMean(f.Runtime, fgsspec.Runtimes), strings.Join(fgsspec.Runtimes, ", "))
		}
	case "handler":
		f.Handler = d.str(v, p)
	case "initializer_handler":
		f.InitializerHandler = d.strPtr(v, p)
	case "initializer_timeout":
		f.InitializerTimeout = d.intPtr(v, p, fgsspec.InitializerTimeout)
	case "pre_stop_handler":
		f.PreStopHandler = d.strPtr(v, p)
	case "pre_stop_timeout":
		f.PreStopTimeout = d.intPtr(v, p, fgsspec.PreStopTimeout)
	case "enterprise_project_id":
		f.EnterpriseProjectID = d.strPtr(v, p)
		if f.EnterpriseProjectID != nil && *f.EnterpriseProjectID == "" {
			d.errAt(v, p, "is empty; remove the key for the default enterprise project")
		}
	default:
		return false
	}
	return true
}

// configKey decodes the keys of the function's config: resources,
// environment, agencies, networking, mounts, logging, scaling. It reports
// whether name is one.
func (d *decoder) configKey(f *Function, name string, v *yaml.Node, p string) bool {
	switch name {
	case "memory_size":
		if m, ok := d.integer(v, p); ok {
			f.MemorySize = &m
			if !fgsspec.IsMemorySize(m) {
				d.errAt(v, p, "%d is not a valid size (%s)", m, memoryList())
			}
		}
	case "timeout":
		f.Timeout = d.intPtr(v, p, fgsspec.Timeout)
	case "description":
		f.Description = d.strPtr(v, p)
		d.maxLen(v, p, *f.Description)
	case "environment":
		f.Environment = d.env(v, p, false)
	case "encrypted_environment":
		f.EncryptedEnvironment = d.env(v, p, true)
	case "xrole":
		f.Xrole = d.strPtr(v, p)
	case "app_xrole":
		f.AppXrole = d.strPtr(v, p)
	case "func_vpc":
		f.FuncVpc = d.vpc(v, p)
	case "mount_config":
		f.MountConfig = d.mounts(v, p)
	case "log_config":
		f.LogConfig = d.logConfig(v, p)
	case "concurrent_num":
		f.ConcurrentNum = d.intPtr(v, p, fgsspec.ConcurrentNum)
	case "ephemeral_storage":
		if m, ok := d.integer(v, p); ok {
			f.EphemeralStorage = &m
			if !fgsspec.IsEphemeralStorageSize(m) {
				d.errAt(v, p, "%d is not a valid size (%s MB)", m, joinInts(fgsspec.EphemeralStorageSizes, " or "))
			}
		}
	case "max_instances":
		f.MaxInstances = d.intPtr(v, p, fgsspec.MaxInstances)
	default:
		return false
	}
	return true
}

// codeKey decodes the function's code and its dependencies. It reports
// whether k is one of them.
func (d *decoder) codeKey(f *Function, k, v *yaml.Node, p, dir string) bool {
	switch k.Value {
	case "code":
		f.Code = d.code(k, v, p, dir)
	case "dependencies":
		f.Dependencies = d.list(v, p)
		for i, u := range f.Dependencies {
			if !d.deps[u] && !isDependencyVersion(u) {
				item := resolveAlias(v).Content[i]
				d.errAt(item, fmt.Sprintf("%s[%d]", p, i), "%s is neither a dependency this manifest declares (%s) nor a dependency version id or URN", quote(item, u, 60), declaredList(d.deps))
			}
		}
	default:
		return false
	}
	return true
}

// releaseKey decodes the function's release: what it publishes and where
// its aliases go. It reports whether name is one of them.
func (d *decoder) releaseKey(f *Function, name string, v *yaml.Node, p string) bool {
	switch name {
	case "publish":
		f.Publish = d.publish(v, p)
	case "aliases":
		f.Aliases = d.aliases(v, p)
	default:
		return false
	}
	return true
}

// triggersKey decodes the function's triggers (triggers.go). It reports
// whether name is that key.
func (d *decoder) triggersKey(f *Function, name string, v *yaml.Node, p string) bool {
	if name != "triggers" {
		return false
	}
	f.Triggers = d.triggers(v, p)
	return true
}

// required reports the required keys left out: at the function's key, or
// at the null for a key set to null (not set).
func (d *decoder) required(f *Function, key, n *yaml.Node, nodes map[string]*yaml.Node, path string) {
	missing := func(name string) *yaml.Node {
		if k := nullKey(n, name); k != nil {
			return k
		}
		return key
	}
	if _, ok := nodes["runtime"]; !ok {
		d.errAt(missing("runtime"), join(path, "runtime"), "is required (e.g. Python3.10, Node.js18.15)")
	}
	if hn, ok := nodes["handler"]; !ok {
		d.errAt(missing("handler"), join(path, "handler"), "is required (e.g. index.handler)")
	} else if f.Runtime != "" && fgsspec.IsRuntime(f.Runtime) {
		if msg := validateHandler(f.Runtime, f.Handler, quote(hn, f.Handler, 60)); msg != "" {
			d.errAt(hn, join(path, "handler"), "%s", msg)
		}
	}
	if _, ok := nodes["code"]; !ok {
		d.errAt(missing("code"), join(path, "code"), "is required: code: {path: ./src} or code: {obs_url: https://...}")
	}
}

// positions records where the function's key and each of its values are
// written, by path below the function ("runtime", "code.path",
// "triggers[0].qualifier"), for Check and for the planner's errors
// (Function.Errorf). A value from defaults or an overlay is where it is
// written there.
func positions(key, n *yaml.Node) map[string][2]int {
	pos := map[string][2]int{"key": {key.Line, key.Column}}
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		n = resolveAlias(n)
		if n == nil {
			return
		}
		if p != "" {
			pos[p] = [2]int{n.Line, n.Column}
		}
		switch n.Kind {
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
	walk(n, "")
	return pos
}

// crossChecks reports what is wrong with keys together: a timeout without
// its handler, too many environment keys with secrets, empty or invalid
// lifecycle handlers, $published without publish.
func (d *decoder) crossChecks(f *Function, nodes map[string]*yaml.Node, path string) {
	if f.InitializerTimeout != nil && (f.InitializerHandler == nil || *f.InitializerHandler == "") {
		d.errAt(nodes["initializer_timeout"], join(path, "initializer_timeout"), "needs initializer_handler")
	}
	if f.InitializerHandler != nil && *f.InitializerHandler != "" && f.InitializerTimeout == nil {
		// The SDK's create and update bodies: initializer_timeout is
		// required when initializer_handler is set.
		d.errAt(nodes["initializer_handler"], join(path, "initializer_handler"), "needs initializer_timeout (1 to 300 seconds)")
	}
	if f.PreStopTimeout != nil && (f.PreStopHandler == nil || *f.PreStopHandler == "") {
		d.errAt(nodes["pre_stop_timeout"], join(path, "pre_stop_timeout"), "needs pre_stop_handler")
	}
	if f.EncryptedEnvironment != nil && len(f.Environment) >= fgsspec.MaxUserDataKeys {
		d.errAt(nodes["environment"], join(path, "environment"), "has %d keys; with encrypted_environment fgsdeploy adds %s, and FunctionGraph allows %d in all", len(f.Environment), SecretsFingerprintKey, fgsspec.MaxUserDataKeys)
	}
	for _, h := range []struct {
		key string
		val *string
	}{{"initializer_handler", f.InitializerHandler}, {"pre_stop_handler", f.PreStopHandler}} {
		if h.val == nil || f.Runtime == "" || !fgsspec.IsRuntime(f.Runtime) {
			continue
		}
		if *h.val == "" {
			d.errAt(nodes[h.key], join(path, h.key), "is empty; remove the key instead")
		} else if msg := validateHandler(f.Runtime, *h.val, quote(nodes[h.key], *h.val, 60)); msg != "" {
			d.errAt(nodes[h.key], join(path, h.key), "%s", msg)
		}
	}
	d.crossTriggers(f, nodes, path)
	d.crossProduction(f, nodes, path)
	for name, a := range f.Aliases {
		if a.Version == "$published" && f.Publish == nil {
			an := nodes["aliases"]
			if i := mapIndex(an, name); i >= 0 {
				an = an.Content[i]
			}
			d.errAt(an, join(path, "aliases."+name+".version"), "$published needs a publish: section")
		}
	}
}

// runtimeRules applies the value rules that depend on the runtime.
func (d *decoder) runtimeRules(f *Function, nodes map[string]*yaml.Node, path string) {
	if !fgsspec.IsRuntime(f.Runtime) {
		return
	}
	if c := f.ConcurrentNum; c != nil && fgsspec.ConcurrentNum.Contains(*c) && !fgsspec.AllowsConcurrentNum(f.Runtime) {
		d.errAt(nodes["concurrent_num"], join(path, "concurrent_num"), "is only for http and Custom Image functions; a %s instance takes one request at a time", f.Runtime)
	}
	// 512 is every function's size, so writing it out is harmless.
	if e := f.EphemeralStorage; e != nil && fgsspec.IsEphemeralStorageSize(*e) && *e != fgsspec.EphemeralStorageSizes[0] && !fgsspec.AllowsEphemeralStorage(f.Runtime) {
		d.errAt(nodes["ephemeral_storage"], join(path, "ephemeral_storage"), "%d MB is only for http and Custom Image functions; %s functions have %d MB", *f.EphemeralStorage, f.Runtime, fgsspec.EphemeralStorageSizes[0])
	}
}

// env decodes an environment map. No value is ever formatted into a
// message, so secrets (encrypted_environment) cannot leak through errors.
func (d *decoder) env(n *yaml.Node, path string, secret bool) map[string]string {
	out := map[string]string{}
	ok := d.mapping(n, path, anyKey, func(k, v *yaml.Node) {
		p := join(path, k.Value)
		if !envKeyRe.MatchString(k.Value) {
			d.errAt(k, p, "%q is not a valid variable name: letters, digits and _, starting with a letter", truncate(k.Value, 60))
		}
		if k.Value == SecretsFingerprintKey {
			d.errAt(k, p, "is reserved: fgsdeploy keeps the fingerprint of encrypted_environment there")
		}
		if k.Value == TriggerSecretsFingerprintKey {
			d.errAt(k, p, "is reserved: fgsdeploy keeps the fingerprint of the triggers' secrets there")
		}
		if v.Kind != yaml.ScalarNode {
			d.typeErr(v, p, "must be a single value, got %s", kindName(v))
			return
		}
		val, err := Interpolate(v.Value, d.in.lookup)
		if err != nil {
			d.typeErr(v, p, "%v", err)
			return
		}
		out[k.Value] = val
	})
	if !ok {
		return nil
	}
	if len(out) > fgsspec.MaxUserDataKeys {
		d.errAt(n, path, "has %d keys; FunctionGraph allows %d", len(out), fgsspec.MaxUserDataKeys)
	}
	if b, _ := json.Marshal(out); len(b) > fgsspec.MaxUserDataBytes {
		if secret {
			// The exact size would tell how long the secrets are.
			d.errAt(n, path, "is more than %d bytes as JSON, which FunctionGraph does not allow", fgsspec.MaxUserDataBytes)
		} else {
			d.errAt(n, path, "is %d bytes as JSON; FunctionGraph allows %d", len(b), fgsspec.MaxUserDataBytes)
		}
	}
	return out
}

// maxLen reports a description longer than FunctionGraph allows.
func (d *decoder) maxLen(n *yaml.Node, path, s string) {
	if c := utf8.RuneCountInString(s); c > fgsspec.DescriptionMaxLength {
		d.errAt(n, path, "is %d characters long; at most %d", c, fgsspec.DescriptionMaxLength)
	}
}

var vpcShape = functionSchema["func_vpc"]

// anyKey is the shape of maps whose keys are names (environment variables).
var anyKey = shape{"*": nil}

func (d *decoder) vpc(n *yaml.Node, path string) *FuncVpc {
	v := &FuncVpc{}
	seen := map[string]*yaml.Node{}
	d.mapping(n, path, vpcShape, func(k, x *yaml.Node) {
		p := join(path, k.Value)
		seen[k.Value] = x
		switch k.Value {
		case "vpc_id":
			v.VpcID = d.str(x, p)
		case "subnet_id":
			v.SubnetID = d.str(x, p)
		case "security_groups":
			v.SecurityGroups = d.list(x, p)
		default:
			d.unknown(k, path, vpcShape)
		}
	})
	for _, req := range []struct {
		key, val string
	}{{"vpc_id", v.VpcID}, {"subnet_id", v.SubnetID}} {
		switch x := seen[req.key]; {
		case x == nil:
			d.errAt(n, join(path, req.key), "is required")
		case req.val == "":
			d.errAt(x, join(path, req.key), "is empty")
		}
	}
	return v
}

func (d *decoder) mounts(n *yaml.Node, path string) *MountConfig {
	m := &MountConfig{}
	d.mapping(n, path, functionSchema["mount_config"], func(k, x *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "mount_user":
			m.MountUser = d.mountUser(x, p)
		case "func_mounts":
			x = resolveAlias(x)
			if x.Kind != yaml.SequenceNode {
				d.typeErr(x, p, "must be a list, got %s", kindName(x))
				return
			}
			if len(x.Content) > fgsspec.MaxMounts {
				d.errAt(x, p, "has %d mounts; FunctionGraph allows %d per function", len(x.Content), fgsspec.MaxMounts)
			}
			for i, item := range x.Content {
				m.FuncMounts = append(m.FuncMounts, d.funcMount(item, fmt.Sprintf("%s[%d]", p, i)))
			}
		default:
			d.unknown(k, path, functionSchema["mount_config"])
		}
	})
	return m
}

// mountUser decodes mount_user: both ids are required, and neither may be
// one FunctionGraph reserves.
func (d *decoder) mountUser(n *yaml.Node, path string) *MountUser {
	u := &MountUser{}
	seen := map[string]bool{}
	d.mapping(n, path, functionSchema["mount_config"]["mount_user"], func(k, y *yaml.Node) {
		p := join(path, k.Value)
		var dst *int
		switch k.Value {
		case "user_id":
			dst = &u.UserID
		case "user_group_id":
			dst = &u.UserGroupID
		default:
			d.unknown(k, path, functionSchema["mount_config"]["mount_user"])
			return
		}
		seen[k.Value] = true
		if v, ok := d.integer(y, p); ok {
			*dst = v
			if err := fgsspec.CheckMountID(v); err != nil {
				d.errAt(y, p, "%v", err)
			}
		}
	})
	for _, key := range []string{"user_id", "user_group_id"} {
		if !seen[key] && resolveAlias(n).Kind == yaml.MappingNode {
			d.errAt(n, join(path, key), "is required (-1 for FunctionGraph's default user)")
		}
	}
	return u
}

var funcMountShape = shape{"mount_type": nil, "mount_resource": nil, "mount_share_path": nil, "local_mount_path": nil}

func (d *decoder) funcMount(item *yaml.Node, path string) FuncMount {
	fm := FuncMount{}
	nodes := map[string]*yaml.Node{}
	d.mapping(item, path, funcMountShape, func(k, y *yaml.Node) {
		p := join(path, k.Value)
		nodes[k.Value] = y
		switch k.Value {
		case "mount_type":
			fm.MountType = d.str(y, p)
			if fm.MountType != "" && !fgsspec.IsMountType(fm.MountType) {
				d.errAt(y, p, "%s is not a mount type (%s)", quote(y, fm.MountType, 40), strings.Join(fgsspec.MountTypes, ", "))
			}
		case "mount_resource":
			fm.MountResource = d.str(y, p)
		case "mount_share_path":
			fm.MountSharePath = d.str(y, p)
		case "local_mount_path":
			fm.LocalMountPath = d.str(y, p)
			if !strings.HasPrefix(fm.LocalMountPath, "/") {
				d.errAt(y, p, "must be an absolute path")
			}
		default:
			d.unknown(k, path, funcMountShape)
		}
	})
	if fm.MountType == "" || fm.MountResource == "" || fm.LocalMountPath == "" {
		d.errAt(item, path, "needs mount_type, mount_resource and local_mount_path")
	}
	if fgsspec.MountSharePathRequired(fm.MountType) && fm.MountSharePath == "" {
		d.errAt(item, path, "needs mount_share_path (e.g. 192.168.0.12:/data) for mount_type %s", fm.MountType)
	}
	return fm
}

// logConfigAuto is the scalar log_config takes besides a map: the
// function logs where FunctionGraph's default puts it.
const logConfigAuto = "auto"

func (d *decoder) logConfig(n *yaml.Node, path string) *LogConfig {
	if n = resolveAlias(n); n.Kind == yaml.ScalarNode {
		const want = "must be auto (FunctionGraph's default logging) or a map {group_id, stream_id}"
		if n.ShortTag() != "!!str" {
			d.typeErr(n, path, want+", got %s", kindName(n))
		} else if v := d.in.scalar(n, path); v != logConfigAuto {
			d.errAt(n, path, want+", got %s", quote(n, v, 40))
		}
		return &LogConfig{Auto: true}
	}
	l := &LogConfig{}
	d.mapping(n, path, functionSchema["log_config"], func(k, x *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "group_id":
			l.GroupID = d.str(x, p)
		case "stream_id":
			l.StreamID = d.str(x, p)
		default:
			d.unknown(k, path, functionSchema["log_config"])
		}
	})
	if l.GroupID == "" || l.StreamID == "" {
		d.errAt(n, path, "needs group_id and stream_id")
	}
	return l
}

func (d *decoder) code(key, n *yaml.Node, path, dir string) Code {
	var c Code
	var pathNode, urlNode, buildNode *yaml.Node
	d.mapping(n, path, functionSchema["code"], func(k, x *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "path":
			c.Path, pathNode = d.str(x, p), x
		case "obs_url":
			c.ObsURL, urlNode = d.str(x, p), x
		case "obs":
			c.OBS = d.obsUpload(x, p)
		case "build":
			buildNode = x
			if c.Build = d.str(x, p); c.Build == "" {
				d.errAt(x, p, "is empty; build: ~ for no build")
			}
		default:
			d.unknown(k, path, functionSchema["code"])
		}
	})
	// Once the kind of code is known: a build needs a directory.
	defer func() { d.checkBuild(c, buildNode, path) }()
	switch {
	case pathNode != nil && urlNode != nil:
		d.errAt(urlNode, path, "give exactly one of path and obs_url, not both")
		return c
	case pathNode == nil && urlNode == nil:
		d.errAt(n, path, "needs path (a directory, .zip or .jar) or obs_url")
		return c
	case urlNode != nil:
		if !strings.HasPrefix(c.ObsURL, "https://") || len(c.ObsURL) <= len("https://") {
			d.errAt(urlNode, join(path, "obs_url"), "must be an https:// URL of the package in OBS")
		}
		return c
	}
	c.Path, c.IsArchive = d.packagePath(pathNode, c.Path, join(path, "path"), dir, ".zip", ".jar")
	return c
}

// packagePath checks a package path as written (a directory, or a file
// with one of exts, inside the project) and returns it absolute and
// clean, and whether it is such a file.
func (d *decoder) packagePath(pathNode *yaml.Node, written, p, dir string, exts ...string) (string, bool) {
	if written == "" {
		d.errAt(pathNode, p, "is empty")
		return "", false
	}
	full := written
	if !filepath.IsAbs(full) {
		full = filepath.Join(dir, full)
	}
	full = filepath.Clean(full)
	shown := written // as written: the same text wherever the project sits
	if templated(pathNode) {
		shown = quote(pathNode, "", 60)
	}
	fi, err := os.Stat(full)
	if err != nil {
		d.errAt(pathNode, p, "%s", pathProblem(shown, full, err))
		return full, false
	}
	realPath, err := filepath.EvalSymlinks(full)
	if err != nil {
		d.errAt(pathNode, p, "%s", pathProblem(shown, full, err))
		return full, false
	}
	if realDir, err := filepath.EvalSymlinks(dir); err != nil || !inside(realDir, realPath) {
		d.errAt(pathNode, p, "%s is outside the project directory", shown)
		return full, false
	}
	switch {
	case fi.IsDir():
		return full, false
	case fi.Mode().IsRegular():
		if !slices.Contains(exts, strings.ToLower(filepath.Ext(full))) {
			want := "a directory"
			for i, e := range exts {
				sep := ", a "
				if i == len(exts)-1 {
					sep = " or a "
				}
				want += sep + e
			}
			d.errAt(pathNode, p, "%s is a file; want %s", shown, want)
		}
		return full, true
	}
	d.errAt(pathNode, p, "%s is not a directory or a file", shown)
	return full, false
}

// pathProblem says why the code path shown (full on disk) cannot be used.
func pathProblem(shown, full string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(full); lerr == nil {
			return shown + " is a symlink to something that does not exist"
		}
		return shown + " does not exist"
	case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
		return shown + " is a loop of symlinks: following them never reaches a file or directory"
	case errors.Is(err, fs.ErrPermission):
		return shown + " cannot be read: permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("%s cannot be read: %v", shown, err)
}

func inside(dir, p string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func (d *decoder) publish(n *yaml.Node, path string) *Publish {
	p := &Publish{}
	d.mapping(n, path, functionSchema["publish"], func(k, x *yaml.Node) {
		kp := join(path, k.Value)
		switch k.Value {
		case "version":
			p.Version = d.str(x, kp)
			if p.Version != "" {
				if err := fgsspec.CheckVersionName(p.Version); err != nil {
					d.errAt(x, kp, "%s is not a valid version name: %v", quote(x, p.Version, 60), err)
				}
			}
			if p.Version == "latest" {
				d.errAt(x, kp, "latest is FunctionGraph's unpublished version and cannot be published")
			}
		case "description":
			p.Description = d.str(x, kp)
			d.maxLen(x, kp, p.Description)
		case "keep":
			if v := d.intPtr(x, kp, fgsspec.Range{Min: 0, Max: 1000}); v != nil {
				p.Keep = *v
			}
		case "config_changes":
			switch v := d.str(x, kp); v {
			case "", ConfigChangesRelease, ConfigChangesLatest:
				p.ConfigChanges = v
			default:
				d.errAt(x, kp, "%s is not release (publish a change of config alone, the default) or latest (apply it to latest only)", quote(x, v, 30))
			}
		default:
			d.unknown(k, path, functionSchema["publish"])
		}
	})
	return p
}

func (d *decoder) aliases(n *yaml.Node, path string) map[string]Alias {
	out := map[string]Alias{}
	byVersion := map[string]string{} // version as written -> first alias on it
	d.mapping(n, path, functionSchema["aliases"], func(k, x *yaml.Node) {
		ap := join(path, k.Value)
		if err := fgsspec.CheckAliasName(k.Value); err != nil {
			d.errAt(k, ap, "%q is not a valid alias name: %v", truncate(k.Value, 70), err)
		}
		a := Alias{}
		var versionNode, canaryNode *yaml.Node
		d.mapping(x, ap, functionSchema["aliases"]["*"], func(k2, y *yaml.Node) {
			p2 := join(ap, k2.Value)
			switch k2.Value {
			case "version":
				a.Version, versionNode = d.str(y, p2), y
			case "canary":
				canaryNode = y
				if v := d.intPtr(y, p2, fgsspec.Range{Min: 1, Max: 99}); v != nil {
					a.Canary = *v
				}
			case "description":
				a.Description = d.str(y, p2)
				// fgsdeploy appends " (fgsdeploy:previous=VERSION)" when it
				// moves the alias; the whole must fit FunctionGraph's 512.
				if c := utf8.RuneCountInString(a.Description); c > maxAliasDescLength {
					d.errAt(y, p2, "is %d characters long; at most %d (fgsdeploy appends the previous version to it, and FunctionGraph allows %d)", c, maxAliasDescLength, fgsspec.DescriptionMaxLength)
				}
			default:
				d.unknown(k2, ap, functionSchema["aliases"]["*"])
			}
		})
		switch {
		case versionNode == nil:
			d.errAt(x, join(ap, "version"), "is required ($published, latest or a version name)")
		case a.Version == "$published", a.Version == "latest":
		case fgsspec.CheckVersionName(a.Version) != nil:
			d.errAt(versionNode, join(ap, "version"), "%s is not $published, latest or a valid version name", quote(versionNode, a.Version, 60))
		}
		if canaryNode != nil && a.Version == "latest" {
			d.errAt(canaryNode, join(ap, "canary"), "a canary needs a published version, not latest")
		}
		// FunctionGraph gives a version at most one alias (FSS.1066). A
		// canary alias keeps its current version as its main one, so
		// whether it clashes depends on the live state: the plan checks.
		if versionNode != nil && a.Version != "" && canaryNode == nil {
			if first, ok := byVersion[a.Version]; ok && first != k.Value {
				d.errAt(versionNode, join(ap, "version"), "alias %s already points at %s; FunctionGraph allows one alias per version (FSS.1066)", first, quote(versionNode, a.Version, 60))
			} else {
				byVersion[a.Version] = k.Value
			}
		}
		out[k.Value] = a
	})
	if len(out) > fgsspec.MaxAliases {
		d.errAt(n, path, "has %d aliases; FunctionGraph allows %d per function", len(out), fgsspec.MaxAliases)
	}
	return out
}
