package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Validate loads the manifest at path as Load does and checks its
// functions' code as Project.Check does with the Lister that list makes
// for the project, and reports the problems of both at once, sorted by
// position: a function with problems of its own is checked too, unless
// its runtime, handlers or code are among them. The warnings are
// Check's, sorted by function name.
func Validate(path string, opts Options, list func(*Project) Lister) (*Project, []*Error, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest: %w", err)
	}
	return parseChecked(path, filepath.Dir(abs), data, opts, list)
}

// Lister returns the paths (slash-separated, relative to the package's
// root) that the package of f would hold and those left out with the rule
// that left each out, or why it cannot be built. Check calls it for
// functions whose code is a path. Files returned with an error (a package
// too big to upload) are still checked.
type Lister func(f *Function) (files []string, excluded map[string]string, err error)

// Check applies what validate knows offline beyond Load, from the code
// itself (with code.build, what the build leaves: list runs it): a runtime fgsdeploy does not deploy yet (Custom Image), a
// package that cannot be built (a symlink out of the project, an empty
// package: whatever list says), and a handler whose file is missing from
// the package where the runtime loads handlers from files (Python,
// Node.js, PHP). Problems come back as Load's do (a *multierror.Error of
// *Error); warnings are the checks that cannot be certain (an http or
// Custom package without bootstrap, runtimes that load handlers from
// classes or binaries, a trigger bound to a qualifier the manifest does not
// make exist), at the position of what they are about.
func (p *Project) Check(list Lister) (warnings []*Error, err error) {
	el := &errorList{file: p.File}
	warnings = p.check(el, list)
	return warnings, el.err()
}

// check is Check's work, its problems added to el. Besides the project's
// functions, it checks those that have problems of their own (Validate),
// unless a problem is in what it looks at: the runtime, the handlers or
// the code.
func (p *Project) check(el *errorList, list Lister) (warnings []*Error) {
	warn := func(line, col int, path, format string, args ...any) {
		warnings = append(warnings, &Error{File: p.File, Line: line, Col: col, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	fns := slices.Clone(p.Functions)
	for _, f := range p.flawed {
		if !el.hasUnder("functions."+f.Name, "runtime", "handler", "initializer_handler", "pre_stop_handler", "code") {
			fns = append(fns, f)
		}
	}
	slices.SortStableFunc(fns, func(a, b *Function) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range fns {
		path := "functions." + f.Name
		for _, t := range f.Triggers {
			if what := qualifierKnown(f, t.Qualifier); what != "" {
				field := fmt.Sprintf("triggers[%d].qualifier", t.index)
				line, col := f.position(field)
				warn(line, col, join(path, field), "%s is not %s: the plan refuses it unless the function has a version or an alias of that name by then", t.Qualifier, what)
			}
		}
		if f.Runtime == fgsspec.CustomImage {
			line, col := f.position("runtime")
			el.add(line, col, path+".runtime", "fgsdeploy does not manage Custom Image functions yet (their code is a container image, not a package): leave it out of the manifest")
			continue
		}
		if f.Code.Path == "" {
			continue // obs_url: the package is not here to look at
		}
		files, excluded, err := list(f)
		if err != nil {
			field := "code.path"
			if f.Code.Build != "" {
				field = "code.build" // what the package is made of: the build's copy and result
			}
			line, col := f.position(field)
			el.add(line, col, path+"."+field, "%v", err)
			if files == nil {
				continue
			}
		}
		handlers := []struct {
			field, value string
		}{{"handler", f.Handler}}
		if f.InitializerHandler != nil {
			handlers = append(handlers, struct{ field, value string }{"initializer_handler", *f.InitializerHandler})
		}
		if f.PreStopHandler != nil {
			handlers = append(handlers, struct{ field, value string }{"pre_stop_handler", *f.PreStopHandler})
		}
		for _, h := range handlers {
			want, required := fgsspec.HandlerFiles(f.Runtime, h.value)
			line, col := f.position(h.field)
			hp := join(path, h.field)
			switch {
			case len(want) == 0:
				if h.field == "handler" {
					warn(line, col, hp, "not checked: %s loads %s from the package's classes or binaries, which fgsdeploy does not look into", f.Runtime, h.value)
				}
			case !slices.ContainsFunc(want, func(w string) bool { return slices.Contains(files, w) }):
				if required {
					why := "which has no such file"
					for _, w := range want {
						if rule, ok := excluded[w]; ok {
							why = fmt.Sprintf("and %s is left out by %s", w, rule)
							break
						}
					}
					el.add(line, col, hp, "%s needs %s in the package, %s", h.value, orList(want), why)
				} else if h.field == "handler" {
					warn(line, col, hp, "the package has no %s: %s functions start from it, and fail when invoked without it", fgsspec.BootstrapFile, f.Runtime)
				}
			}
		}
	}
	return warnings
}

// qualifierKnown returns "" when a trigger's qualifier is one the manifest
// itself makes exist (latest, a declared alias, the version publish.version
// names), else what it is not, for a warning: whether the function has
// such a version or alias is only known from the live state.
func qualifierKnown(f *Function, q string) string {
	if q == "latest" {
		return ""
	}
	if _, ok := f.Aliases[q]; ok {
		return ""
	}
	what := "latest or an alias this manifest declares"
	if f.Publish != nil && f.Publish.Version != "" {
		if q == f.Publish.Version {
			return ""
		}
		what = "latest, an alias this manifest declares or the version it publishes"
	}
	return what
}

// hasUnder reports whether a problem is recorded at path.field, or below
// it, for one of fields.
func (l *errorList) hasUnder(path string, fields ...string) bool {
	for _, e := range l.errs {
		for _, f := range fields {
			p := path + "." + f
			if e.Path == p || strings.HasPrefix(e.Path, p+".") || strings.HasPrefix(e.Path, p+"[") {
				return true
			}
		}
	}
	return false
}

// orList quotes names: a, b or c.
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
