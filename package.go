package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func packageCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "package",
		Usage: "build each function's deterministic zip and print NAME  SHA512  BYTES",
		Flags: flags(commonFlags(), []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "also write each package to `DIR`/NAME.zip (DIR is marked and never packaged)"},
			&cli.BoolFlag{Name: "list", Usage: "list each function's files and what the default and .fgsignore rules leave out; build nothing"},
		}),
		Action: func(c *cli.Context) error {
			p, err := project(c) // after -C: --out is relative to DIR, as plan --out is
			if err != nil {
				return err
			}
			if c.Bool("list") {
				return listPackages(stdout, p)
			}
			out := c.String("out")
			if out != "" {
				abs, err := filepath.Abs(out)
				if err != nil {
					return err
				}
				out = abs
				for _, f := range p.Functions {
					if f.Code.Path != "" && !f.Code.IsArchive && pathWithin(out, f.Code.Path) {
						return withHint(fmt.Errorf("--out %s holds the code of %s", c.String("out"), f.Name), "fgsdeploy marks the --out directory and never packages it: choose a directory outside the code, e.g. --out dist")
					}
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return fmt.Errorf("package: %w", err)
				}
				if err := codezip.MarkOutputDir(out); err != nil {
					return err
				}
			}
			var errs []error
			for _, f := range p.Functions {
				if f.Code.Path == "" {
					fmt.Fprintf(stdout, "%s  -  -  (code from obs_url)\n", f.Name)
					continue
				}
				opts := planner.PackageOptions(p)
				opts.TempDir, opts.Progress = out, packageBar(stderr)
				res, err := codezip.Build(c.Context, f.Code.Path, opts)
				if err != nil {
					errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
					continue
				}
				fmt.Fprintf(stdout, "%s  %s  %d\n", f.Name, res.Digest, res.Size)
				if lerr := planner.CheckPackageSize(f, res.Size); lerr != nil {
					errs = append(errs, lerr)
				}
				if out != "" {
					if err := keepPackage(res, filepath.Join(out, f.Name+packageExt(f))); err != nil {
						errs = append(errs, err)
					}
				}
				res.Close()
			}
			return errors.Join(errs...) // one line per problem
		},
	}
}

// pathWithin reports whether p is dir or inside it.
func pathWithin(dir, p string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// listPackages prints package --list: the default exclusions, then each
// function's packaged files and what was left out by which rule.
func listPackages(stdout io.Writer, p *manifest.Project) error {
	fmt.Fprintln(stdout, "Never packaged, at any depth:")
	for _, r := range codezip.DefaultRules {
		fmt.Fprintf(stdout, "  %-24s %s\n", r.Rule, r.What)
	}
	var errs []error
	for _, f := range p.Functions {
		fmt.Fprintln(stdout)
		switch {
		case f.Code.Path == "":
			fmt.Fprintf(stdout, "%s: code from obs_url, nothing to package\n", f.Name)
			continue
		case f.Code.IsArchive:
			fmt.Fprintf(stdout, "%s: %s, uploaded as it is\n", f.Name, shownPath(p, f.Code.Path))
			continue
		}
		l, err := codezip.List(f.Code.Path, planner.PackageOptions(p))
		if err != nil {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
			continue
		}
		fmt.Fprintf(stdout, "%s: %s, %d file%s, %d bytes before compression\n", f.Name, shownPath(p, f.Code.Path), len(l.Files), plural(len(l.Files)), l.Size)
		for _, name := range l.Files {
			fmt.Fprintf(stdout, "  %s\n", name)
		}
		for _, x := range l.Excluded {
			fmt.Fprintf(stdout, "  excluded %s  (%s)\n", x.Path, x.Rule)
		}
		if len(l.Files) == 0 {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, &codezip.EmptyError{Dir: f.Code.Path, Excluded: l.Excluded}))
		}
	}
	return errors.Join(errs...)
}

// shownPath is a code path relative to the project, as users write it.
func shownPath(p *manifest.Project, path string) string {
	if r, err := filepath.Rel(p.Dir, path); err == nil {
		if r == "." {
			return "."
		}
		return "./" + filepath.ToSlash(r)
	}
	return path
}

// keepPackage moves a built package (or copies a user's archive) to dst.
func keepPackage(res *codezip.Result, dst string) error {
	if res.Temporary {
		if err := os.Rename(res.Path, dst); err != nil {
			return fmt.Errorf("keep package: %w", err)
		}
		res.Path, res.Temporary = dst, false
		return nil
	}
	src, err := os.Open(res.Path)
	if err != nil {
		return fmt.Errorf("keep package: %w", err)
	}
	defer src.Close()
	w, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("keep package: %w", err)
	}
	if _, err := io.Copy(w, src); err != nil {
		w.Close()
		return fmt.Errorf("keep package: %w", err)
	}
	return w.Close()
}

func packageExt(f *manifest.Function) string {
	if f.Code.IsArchive {
		return strings.ToLower(filepath.Ext(f.Code.Path))
	}
	return ".zip"
}
