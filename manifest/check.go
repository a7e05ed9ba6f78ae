package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Lister returns the paths (slash-separated, relative to the package's
// root) that the package of f would hold and those left out with the rule
// that left each out, or why it cannot be built. Check calls it for
// functions whose code is a path.
type Lister func(f *Function) (files []string, excluded map[string]string, err error)

// Check applies what validate knows offline beyond Load, from the code
// itself (with code.build, what the build leaves: list runs it): a runtime fgsdeploy does not deploy yet (Custom Image), a
// package that cannot be built (a symlink out of the project, an empty
// package: whatever list says), and a handler whose file is missing from
// the package where the runtime loads handlers from files (Python,
// Node.js, PHP). Problems come back as Load's do (a *multierror.Error of
// *Error); warnings are the checks that cannot be certain (an http or
// Custom package without bootstrap, runtimes that load handlers from
// classes or binaries), at the position of what they are about.
func (p *Project) Check(list Lister) (warnings []*Error, err error) {
	el := &errorList{file: p.File}
	warn := func(line, col int, path, format string, args ...any) {
		warnings = append(warnings, &Error{File: p.File, Line: line, Col: col, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	for _, f := range p.Functions {
		path := "functions." + f.Name
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
			continue
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
	return warnings, el.err()
}

// orList quotes names: a, b or c.
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
