package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"
	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func validateCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check the manifest and code paths offline",
		Flags: flags(commonFlags(), []cli.Flag{formatFlag()}),
		Action: func(c *cli.Context) error {
			format, err := formatOf(c)
			if err != nil {
				return err
			}
			if err := chdir(c); err != nil {
				return err
			}
			// What plan would find offline, with the manifest's own
			// problems: the packages as they would be built (.fgsignore
			// applied), their size, their handlers' files, runtimes
			// fgsdeploy does not deploy.
			opts := manifest.Options{Env: str(c, "env"), Lookup: os.LookupEnv}
			p, warnings, err := manifest.Validate(str(c, "file"), opts, func(p *manifest.Project) manifest.Lister {
				b, err := builderFor(p)
				return packageFiles(c.Context, stderr, p, b, err)
			})
			for _, w := range warnings {
				fmt.Fprintf(stderr, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Col, w.Detail())
				if g := githubOf(c); g != nil {
					g.Warn(stderr, w)
				}
			}
			var problems *multierror.Error
			if format == "json" && (err == nil || errors.As(err, &problems)) {
				if werr := writeValidation(stdout, startDirOf(c), p, warnings, problems); werr != nil {
					return werr
				}
			}
			if err != nil {
				return loadError(err)
			}
			if format == "text" {
				fmt.Fprintf(stdout, "%s: %d function%s valid\n", p.File, len(p.Functions), plural(len(p.Functions)))
			}
			return nil
		},
	}
}

// writeValidation prints validate --format json:
//
//	{"format_version": "1", "valid", "functions": [NAME], "errors": [...], "warnings": [...]}
//
// errors and warnings as in the errors document of a failed run (file,
// line, col, path, message); functions are those found valid.
func writeValidation(w io.Writer, startDir string, p *manifest.Project, warnings []*manifest.Error, problems *multierror.Error) error {
	doc := struct {
		FormatVersion string      `json:"format_version"`
		Valid         bool        `json:"valid"`
		Functions     []string    `json:"functions"`
		Errors        []jsonError `json:"errors"`
		Warnings      []jsonError `json:"warnings"`
	}{FormatVersion: "1", Valid: problems == nil, Functions: []string{}, Errors: []jsonError{}, Warnings: []jsonError{}}
	if p != nil {
		for _, f := range p.Functions {
			doc.Functions = append(doc.Functions, f.Name)
		}
	}
	if problems != nil {
		for _, e := range problems.Errors {
			doc.Errors = append(doc.Errors, jsonErrorOf(e, startDir))
		}
	}
	for _, e := range warnings {
		doc.Warnings = append(doc.Warnings, jsonErrorOf(e, startDir))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// packageFiles lists what each function's package would hold, for
// validate: a directory as codezip would build it (after its code.build,
// which runs unless its result is cached: b, or berr when there is no
// builder), a .zip's entries; a .jar's classes are not looked into. A
// package that may be over FunctionGraph's size limits is built, and its
// size checked as the plan checks it.
func packageFiles(ctx context.Context, stderr io.Writer, p *manifest.Project, b *codebuild.Builder, berr error) manifest.Lister {
	return func(f *manifest.Function) ([]string, map[string]string, error) {
		if f.Code.IsArchive {
			var sizeErr error
			if fi, err := os.Stat(f.Code.Path); err == nil {
				sizeErr = sizeError(planner.CheckPackageSize(f, fi.Size()))
			}
			if !strings.EqualFold(filepath.Ext(f.Code.Path), ".zip") {
				return nil, nil, sizeErr
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
			return names, nil, sizeErr
		}
		if f.Code.Build != "" && berr != nil {
			return nil, nil, berr
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
		return l.Files, excluded, checkBuiltSize(ctx, dir, opts, f, l)
	}
}

// checkBuiltSize applies the package size limits to the package of f that
// l lists, built from dir with opts (planner.CodeDir). A zip is never much bigger than its files (headers, and
// deflate's stored blocks for what does not compress), so only a package
// whose files come near a limit is built to learn its size.
func checkBuiltSize(ctx context.Context, dir string, opts codezip.Options, f *manifest.Function, l *codezip.Listing) error {
	bound := l.Size + l.Size/1000 + 1024
	for _, name := range l.Files {
		bound += 256 + 2*int64(len(name))
	}
	limit := int64(codezip.MaxDirectUpload)
	if f.Code.OBS != nil {
		limit = planner.MaxOBSPackage
	}
	if bound <= limit {
		return nil
	}
	res, err := codezip.Build(ctx, dir, opts)
	if err != nil {
		return err
	}
	defer res.Close()
	return sizeError(planner.CheckPackageSize(f, res.Size))
}

// sizeError is CheckPackageSize's error as a Lister returns it: Check
// places it at code.path itself.
func sizeError(err error) error {
	var me *manifest.Error
	if errors.As(err, &me) {
		return errors.New(me.Msg)
	}
	return err
}
