package main

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
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
			b, err := builderFor(p)
			if err != nil {
				return err
			}
			warnings, err := p.Check(packageFiles(c.Context, stderr, p, b))
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
// validate: a directory as codezip would build it (after its code.build,
// which runs unless its result is cached), a .zip's entries; a .jar's
// classes are not looked into.
func packageFiles(ctx context.Context, stderr io.Writer, p *manifest.Project, b *codebuild.Builder) manifest.Lister {
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
		dir, opts, err := codeDir(ctx, stderr, p, f, b)
		if err != nil {
			return nil, nil, err
		}
		l, err := codezip.List(dir, opts)
		if err != nil {
			return nil, nil, err
		}
		if len(l.Files) == 0 {
			return nil, nil, &codezip.EmptyError{Dir: dir, Excluded: l.Excluded}
		}
		excluded := map[string]string{}
		for _, x := range l.Excluded {
			excluded[x.Path] = x.Rule
		}
		return l.Files, excluded, nil
	}
}
