package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/codebuild"
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
			&cli.BoolFlag{Name: "list", Usage: "list each function's files and what the default and .fgsignore rules leave out; write no package"},
			formatFlag(),
		}),
		Action: func(c *cli.Context) error {
			format, err := formatOf(c)
			if err != nil {
				return err
			}
			p, err := project(c) // after -C: --out is relative to DIR, as plan --out is
			if err != nil {
				return err
			}
			b, err := builderFor(p)
			if err != nil {
				return err
			}
			if c.Bool("list") {
				if format == "json" {
					return listPackagesJSON(c.Context, stdout, stderr, p, b)
				}
				return listPackages(c.Context, stdout, stderr, p, b)
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
			doc := packagesJSON{FormatVersion: "1", Packages: []packageJSON{}}
			for _, f := range p.Functions {
				pj := packageJSON{Name: f.Name}
				if f.Code.Path == "" {
					if format == "text" {
						fmt.Fprintf(stdout, "%s  -  -  (code from obs_url)\n", f.Name)
					}
					pj.ObsURL = f.Code.ObsURL
					doc.Packages = append(doc.Packages, pj)
					continue
				}
				dir, opts, err := codeDir(c.Context, stderr, p, f, b)
				var res *codezip.Result
				if err == nil {
					opts.TempDir, opts.Progress = out, packageBar(stderr)
					res, err = codezip.Build(c.Context, dir, opts)
				}
				if err != nil {
					errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
					pj.Error = errs[len(errs)-1].Error()
					doc.Packages = append(doc.Packages, pj)
					continue
				}
				pj.SHA512, pj.Bytes = res.Digest, res.Size
				if format == "text" {
					fmt.Fprintf(stdout, "%s  %s  %d\n", f.Name, res.Digest, res.Size)
				}
				if lerr := planner.CheckPackageSize(f, res.Size); lerr != nil {
					errs = append(errs, lerr)
					pj.Error = lerr.Error()
				}
				if out != "" {
					if err := keepPackage(res, filepath.Join(out, f.Name+packageExt(f))); err != nil {
						errs = append(errs, err)
						pj.Error = err.Error()
					} else {
						pj.File = res.Path
					}
				}
				res.Close()
				doc.Packages = append(doc.Packages, pj)
			}
			if format == "json" {
				if err := writeJSON(stdout, doc); err != nil {
					return err
				}
			}
			return errors.Join(errs...) // one line per problem
		},
	}
}

// packagesJSON is package --format json: per function its package's
// digest and size, the file --out wrote, or the obs_url its code is at,
// and the problem with it.
type packagesJSON struct {
	FormatVersion string        `json:"format_version"`
	Packages      []packageJSON `json:"packages"`
}

type packageJSON struct {
	Name   string `json:"name"`
	SHA512 string `json:"sha512,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	File   string `json:"file,omitempty"`
	ObsURL string `json:"obs_url,omitempty"`
	Error  string `json:"error,omitempty"`
}

// writeJSON prints one indented JSON document.
func writeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// listPackagesJSON prints package --list --format json: per function
// what its package holds and leaves out, and by which rule (with
// code.build, of what its build left).
func listPackagesJSON(ctx context.Context, stdout, stderr io.Writer, p *manifest.Project, b *codebuild.Builder) error {
	type excludedJSON struct {
		Path string `json:"path"`
		Rule string `json:"rule"`
	}
	type listing struct {
		Name     string         `json:"name"`
		Code     string         `json:"code"`
		Files    []string       `json:"files"`
		Bytes    int64          `json:"bytes_before_compression"`
		Excluded []excludedJSON `json:"excluded"`
		Error    string         `json:"error,omitempty"`
	}
	doc := struct {
		FormatVersion string    `json:"format_version"`
		Functions     []listing `json:"functions"`
	}{FormatVersion: "1", Functions: []listing{}}
	var errs []error
	for _, f := range p.Functions {
		l := listing{Name: f.Name, Files: []string{}, Excluded: []excludedJSON{}}
		switch {
		case f.Code.Path == "":
			l.Code = f.Code.ObsURL
		case f.Code.IsArchive:
			l.Code = shownPath(p, f.Code.Path)
		default:
			l.Code = shownPath(p, f.Code.Path)
			var cl *codezip.Listing
			dir, opts, err := codeDir(ctx, stderr, p, f, b)
			if err == nil {
				cl, err = codezip.List(dir, opts)
			}
			if err == nil && len(cl.Files) == 0 {
				err = &codezip.EmptyError{Dir: dir, Excluded: cl.Excluded}
			}
			if cl != nil {
				l.Files, l.Bytes = append(l.Files, cl.Files...), cl.Size
				for _, x := range cl.Excluded {
					l.Excluded = append(l.Excluded, excludedJSON{x.Path, x.Rule})
				}
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
				l.Error = errs[len(errs)-1].Error()
			}
		}
		doc.Functions = append(doc.Functions, l)
	}
	if err := writeJSON(stdout, doc); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// pathWithin reports whether p is dir or inside it.
func pathWithin(dir, p string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// listPackages prints package --list: the default exclusions, then each
// function's packaged files and what was left out by which rule (with
// code.build, of what its build left).
func listPackages(ctx context.Context, stdout, stderr io.Writer, p *manifest.Project, b *codebuild.Builder) error {
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
		dir, opts, err := codeDir(ctx, stderr, p, f, b)
		if err != nil {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
			continue
		}
		l, err := codezip.List(dir, opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
			continue
		}
		from := shownPath(p, f.Code.Path)
		if f.Code.Build != "" {
			from += " built by code.build"
		}
		fmt.Fprintf(stdout, "%s: %s, %d file%s, %d bytes before compression\n", f.Name, from, len(l.Files), plural(len(l.Files)), l.Size)
		for _, name := range l.Files {
			fmt.Fprintf(stdout, "  %s\n", name)
		}
		for _, x := range l.Excluded {
			fmt.Fprintf(stdout, "  excluded %s  (%s)\n", x.Path, x.Rule)
		}
		if len(l.Files) == 0 {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, &codezip.EmptyError{Dir: dir, Excluded: l.Excluded}))
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
