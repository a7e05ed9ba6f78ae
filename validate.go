package main

import (
	"archive/zip"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func validateCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check the manifest and code paths offline",
		Flags: commonFlags(),
		Action: func(c *cli.Context) error {
			p, err := project(c)
			if err != nil {
				return err
			}
			// What plan would find offline: the packages as they would be
			// built (.fgsignore applied), their handlers' files, runtimes
			// fgsdeploy does not deploy.
			warnings, err := p.Check(packageFiles(p))
			for _, w := range warnings {
				fmt.Fprintf(stderr, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Col, w.Detail())
				if g := githubOf(c); g != nil {
					g.Warn(stderr, w)
				}
			}
			if err != nil {
				return &exitError{code: 1, err: manifestError(err)}
			}
			fmt.Fprintf(stdout, "%s: %d function%s valid\n", p.File, len(p.Functions), plural(len(p.Functions)))
			return nil
		},
	}
}

// packageFiles lists what each function's package would hold, for
// validate: a directory as codezip would build it, a .zip's entries; a
// .jar's classes are not looked into.
func packageFiles(p *manifest.Project) manifest.Lister {
	return func(f *manifest.Function) ([]string, map[string]string, error) {
		if f.Code.IsArchive {
			if !strings.EqualFold(filepath.Ext(f.Code.Path), ".zip") {
				return nil, nil, nil
			}
			zr, err := zip.OpenReader(f.Code.Path)
			if err != nil {
				return nil, nil, fmt.Errorf("%s is not a zip archive FunctionGraph can read: %w", shownPath(p, f.Code.Path), err)
			}
			defer zr.Close()
			var names []string
			for _, e := range zr.File {
				if !e.FileInfo().IsDir() {
					names = append(names, strings.TrimPrefix(e.Name, "./"))
				}
			}
			if len(names) == 0 {
				return nil, nil, fmt.Errorf("%s holds no files: uploading it would wipe the function's code", shownPath(p, f.Code.Path))
			}
			return names, nil, nil
		}
		l, err := codezip.List(f.Code.Path, planner.PackageOptions(p))
		if err != nil {
			return nil, nil, err
		}
		if len(l.Files) == 0 {
			return nil, nil, &codezip.EmptyError{Dir: f.Code.Path, Excluded: l.Excluded}
		}
		excluded := map[string]string{}
		for _, x := range l.Excluded {
			excluded[x.Path] = x.Rule
		}
		return l.Files, excluded, nil
	}
}
