package manifest

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Dependency packages (top-level dependencies) and uploads through OBS
// (code.obs): their decoding and rules.

var dependencySchema = shape{
	"path": nil, "runtime": nil, "description": nil, "keep": nil,
	"obs": obsSchema,
}

var obsSchema = shape{"bucket": nil, "prefix": nil, "endpoint": nil}

var (
	// dependencyNameRe is the CreateDependencyVersion name rule (SDK): a
	// letter first, a letter or digit last, letters, digits, _ . and -,
	// at most 96 characters.
	dependencyNameRe = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_.-]{0,94}[A-Za-z0-9])?$`)
	// versionIDRe is a dependency version id as depend_version_list
	// holds them (the SDK: "依赖版本id列表", version ids; the API
	// examples show UUIDs).
	versionIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// bucketNameRe is OBS's bucket name rule: 3 to 63 lowercase letters,
	// digits, hyphens and periods, starting and ending with a letter or
	// digit.
	bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	hostRe       = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+(:[0-9]+)?$`)
)

// descriptionMax is the longest dependency description (SDK: at most 512
// characters).
const descriptionMax = 512

// isDependencyVersion reports whether s names a dependency version as
// FunctionGraph does: a version id, or a URN as older manifests give.
func isDependencyVersion(s string) bool {
	return versionIDRe.MatchString(s) || (strings.HasPrefix(s, "urn:fss:") && len(s) > len("urn:fss:"))
}

func declaredList(deps map[string]bool) string {
	if len(deps) == 0 {
		return "it declares none"
	}
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	return "declared: " + strings.Join(names, ", ")
}

// obsUpload decodes code.obs (or a dependency's obs).
func (d *decoder) obsUpload(n *yaml.Node, path string) *OBSUpload {
	o := &OBSUpload{}
	var bucketNode *yaml.Node
	d.mapping(n, path, obsSchema, func(k, x *yaml.Node) {
		p := join(path, k.Value)
		switch k.Value {
		case "bucket":
			o.Bucket, bucketNode = d.str(x, p), x
			if !bucketNameRe.MatchString(o.Bucket) || strings.Contains(o.Bucket, "..") {
				d.errAt(x, p, "%s is not an OBS bucket name: 3 to 63 lowercase letters, digits, '-' and '.', a letter or digit at both ends", quote(x, o.Bucket, 70))
			}
		case "prefix":
			o.Prefix = d.str(x, p)
			if strings.HasPrefix(o.Prefix, "/") || strings.Contains(o.Prefix, "//") || len(o.Prefix) > 512 {
				d.errAt(x, p, "%s is not a key prefix: no leading '/', no '//', at most 512 characters", quote(x, o.Prefix, 70))
			}
		case "endpoint":
			o.Endpoint = strings.TrimRight(strings.TrimPrefix(d.str(x, p), "https://"), "/")
			if !hostRe.MatchString(o.Endpoint) {
				d.errAt(x, p, "%s is not an OBS endpoint host (e.g. obs.cn-north-4.myhuaweicloud.com)", quote(x, o.Endpoint, 70))
			}
		default:
			d.unknown(k, path, obsSchema)
		}
	})
	if bucketNode == nil {
		d.errAt(n, join(path, "bucket"), "is required: the OBS bucket packages are uploaded to")
	}
	return o
}

// decodeDependencies decodes the top-level dependencies; the names of
// those it could read are returned for the functions to refer to.
func decodeDependencies(el *errorList, in *interp, n *yaml.Node, dir string, defaultOBS *OBSUpload) ([]*Dependency, map[string]bool) {
	names := map[string]bool{}
	if n == nil {
		return nil, names
	}
	var out []*Dependency
	d := &decoder{el: el, in: in, path: "dependencies"}
	d.mapping(n, "dependencies", shape{"*": dependencySchema}, func(k, v *yaml.Node) {
		path := join("dependencies", k.Value)
		names[k.Value] = true
		if !dependencyNameRe.MatchString(k.Value) {
			d.errAt(k, path, "%q is not a valid dependency name: a letter first, a letter or digit last, letters, digits, '_', '.' and '-', at most 96 characters", truncate(k.Value, 100))
		}
		dep := &Dependency{Name: k.Value, Line: k.Line}
		var pathNode, runtimeNode *yaml.Node
		d.mapping(v, path, dependencySchema, func(k2, x *yaml.Node) {
			p := join(path, k2.Value)
			switch k2.Value {
			case "path":
				dep.Path, pathNode = d.str(x, p), x
			case "runtime":
				dep.Runtime, runtimeNode = d.str(x, p), x
				if !fgsspec.IsRuntime(dep.Runtime) {
					d.errAt(x, p, "%s is not a FunctionGraph runtime%s (%s)", quote(x, dep.Runtime, 40), didYouMean(dep.Runtime, fgsspec.Runtimes), strings.Join(fgsspec.Runtimes, ", "))
				}
			case "description":
				dep.Description = d.str(x, p)
				if c := utf8.RuneCountInString(dep.Description); c > descriptionMax {
					d.errAt(x, p, "is %d characters long; FunctionGraph allows %d", c, descriptionMax)
				}
			case "keep":
				if kv := d.intPtr(x, p, fgsspec.Range{Min: 0, Max: 1000}); kv != nil {
					dep.Keep = *kv
				}
			case "obs":
				dep.OBS = d.obsUpload(x, p)
			default:
				d.unknown(k2, path, dependencySchema)
			}
		})
		if pathNode == nil {
			d.errAt(k, join(path, "path"), "is required: the directory (or .zip) of the dependency's files")
		} else {
			dep.Path, dep.IsArchive = d.packagePath(pathNode, dep.Path, join(path, "path"), dir, ".zip")
		}
		if runtimeNode == nil {
			d.errAt(k, join(path, "runtime"), "is required: the runtime of the functions that use it (e.g. Python3.9)")
		}
		if dep.OBS == nil {
			dep.OBS = defaultOBS
		}
		out = append(out, dep)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, names
}

// defaultsOBS decodes defaults.code.obs, the upload place of dependencies
// without an obs of their own; nil when there is none.
func defaultsOBS(el *errorList, in *interp, defaults *yaml.Node) *OBSUpload {
	if defaults == nil || defaults.Kind != yaml.MappingNode {
		return nil
	}
	i := mapIndex(defaults, "code")
	if i < 0 {
		return nil
	}
	code := resolveAlias(defaults.Content[i+1])
	if code.Kind != yaml.MappingNode {
		return nil
	}
	j := mapIndex(code, "obs")
	if j < 0 || isNull(code.Content[j+1]) {
		return nil
	}
	d := &decoder{el: el, in: in, path: "defaults"}
	return d.obsUpload(code.Content[j+1], "defaults.code.obs")
}

// mergeCode merges code settings over base: path and obs_url are one
// choice, so over's choice replaces base's; obs (where uploads go) merges
// key by key, so defaults.code.obs applies to every function whose code
// is a path.
func mergeCode(base, over *yaml.Node) *yaml.Node {
	base, over = resolveAlias(base), resolveAlias(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := cloneNode(base)
	if mapIndex(over, "path") >= 0 || mapIndex(over, "obs_url") >= 0 {
		kept := out.Content[:0:0]
		for i := 0; i+1 < len(out.Content); i += 2 {
			if k := out.Content[i].Value; k != "path" && k != "obs_url" {
				kept = append(kept, out.Content[i], out.Content[i+1])
			}
		}
		out.Content = kept
	}
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		if idx := mapIndex(out, k.Value); idx >= 0 {
			out.Content[idx+1] = mergeNodes(cloneNode(out.Content[idx+1]), v)
		} else {
			out.Content = append(out.Content, k, v)
		}
	}
	return out
}
