package codezip

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// file is one entry of the package.
type file struct {
	name string // slash-separated, relative to the code directory
	abs  string // where its bytes are read from (a symlink's target)
	exec bool
	size int64
}

// List returns what Build would package from the directory src and what
// it leaves out, without writing anything. Its errors are Build's (a
// symlink out of the project, an unreadable directory), but an empty
// package is not an error here: the listing says what emptied it.
func List(src string, opts Options) (*Listing, error) {
	c, err := collect(src, opts, &collector{sniff: true})
	if err != nil {
		return nil, err
	}
	return c.listing(), nil
}

func (c *collector) listing() *Listing {
	l := &Listing{Files: make([]string, len(c.files)), Excluded: c.excluded}
	for i, f := range c.files {
		l.Files[i] = f.name
		l.Size += f.size
	}
	sort.Slice(l.Excluded, func(i, j int) bool { return l.Excluded[i].Path < l.Excluded[j].Path })
	return l
}

// collect lists the files under src into c, sorted by name, applying the
// ignore rules (unless c.all) and resolving symlinks.
func collect(src string, opts Options, c *collector) (*collector, error) {
	root := opts.Root
	if root == "" {
		root = src
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
	}
	exclude := map[string]bool{}
	for _, e := range opts.Exclude {
		if r, err := filepath.EvalSymlinks(e); err == nil {
			exclude[r] = true
		}
		exclude[filepath.Clean(e)] = true
	}
	realSrc, err := filepath.EvalSymlinks(src)
	if err != nil {
		return nil, fmt.Errorf("code directory: %w", err)
	}
	c.root, c.exclude = realRoot, exclude
	if err := c.dir(realSrc, nil, nil, map[string]bool{realSrc: true}); err != nil {
		return nil, err
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].name < c.files[j].name })
	for i := 1; i < len(c.files); i++ {
		if c.files[i].name == c.files[i-1].name {
			return nil, fmt.Errorf("%s appears twice in the package", c.files[i].name)
		}
	}
	return c, nil
}

type collector struct {
	root    string
	exclude map[string]bool
	// sniff recognises saved plans while walking (List). Build leaves it
	// to the compressors, which open every file anyway, in parallel.
	sniff bool
	// all keeps what the .fgsignore files leave out, and those files
	// (Sources).
	all      bool
	files    []file
	excluded []Excluded
}

// displayName is a directory's path inside the package, or "the code
// directory" for its top.
func displayName(rel []string) string {
	if len(rel) == 0 {
		return "the code directory"
	}
	return strings.Join(rel, "/")
}

// dir walks one directory. rel is its path inside the package; rules are
// the ignore rules in force; chain holds the real directories being
// walked, to detect symlink cycles.
func (c *collector) dir(real string, rel []string, rules []ignoreRule, chain map[string]bool) error {
	entries, err := os.ReadDir(real)
	if err != nil {
		return fmt.Errorf("cannot read directory %s: %w", displayName(rel), cause(err))
	}
	for _, e := range entries {
		if e.Name() == OutputMarker && len(rel) > 0 {
			c.excluded = append(c.excluded, Excluded{strings.Join(rel, "/") + "/", "default: package --out"})
			return nil
		}
	}
	for _, e := range entries {
		if e.Name() != ".fgsignore" || c.all {
			continue
		}
		where := strings.Join(append(append([]string(nil), rel...), ".fgsignore"), "/")
		b, err := os.ReadFile(filepath.Join(real, ".fgsignore"))
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", where, cause(err))
		}
		rules = append(append([]ignoreRule(nil), rules...), parseRules(string(b), rel, where)...)
	}
	for _, e := range entries {
		name := e.Name()
		childRel := append(append([]string(nil), rel...), name)
		relName := strings.Join(childRel, "/")
		p := filepath.Join(real, name)
		info, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", relName, cause(err))
		}
		shown := relName
		if info.IsDir() {
			shown += "/"
		}
		if rule, ok := defaultByName[name]; ok && !(c.all && name == ".fgsignore") {
			c.excluded = append(c.excluded, Excluded{shown, rule})
			continue
		}
		if name == OutputMarker {
			continue // in the code directory itself: a stray marker, never packaged
		}
		if c.exclude[p] {
			c.excluded = append(c.excluded, Excluded{shown, "excluded by fgsdeploy"})
			continue
		}
		target := p
		if info.Mode()&os.ModeSymlink != 0 {
			t, err := filepath.EvalSymlinks(p)
			if err != nil {
				return symlinkError(relName, p, err)
			}
			if !within(c.root, t) {
				return fmt.Errorf("symlink %s points outside the project (%s)", relName, t)
			}
			if c.exclude[t] {
				c.excluded = append(c.excluded, Excluded{relName, "excluded by fgsdeploy"})
				continue
			}
			target = t
			if info, err = os.Stat(t); err != nil {
				return symlinkError(relName, p, err)
			}
			shown = relName
			if info.IsDir() {
				shown += "/"
			}
		}
		isDir := info.IsDir()
		if where, ok := match(rules, childRel, isDir); ok {
			c.excluded = append(c.excluded, Excluded{shown, where})
			continue
		}
		switch {
		case isDir:
			if chain[target] {
				return fmt.Errorf("symlink cycle at %s: it leads back to a directory it is in", relName)
			}
			chain[target] = true
			err := c.dir(target, childRel, rules, chain)
			delete(chain, target)
			if err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if c.sniff && isSavedPlan(target, info.Size()) {
				c.excluded = append(c.excluded, Excluded{relName, "default: saved plan"})
				continue
			}
			c.files = append(c.files, file{name: relName, abs: target, exec: info.Mode()&0o111 != 0, size: info.Size()})
		default:
			return fmt.Errorf("%s is not a regular file, directory or symlink (%s)", relName, info.Mode().Type())
		}
	}
	return nil
}

// cause is the reason of a file system error, without the absolute path
// the caller replaces with one relative to the code directory.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// symlinkError says why the symlink at relName cannot be followed.
func symlinkError(relName, p string, err error) error {
	switch {
	case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
		return fmt.Errorf("symlink %s is a loop: following it never reaches a file or directory", relName)
	case errors.Is(err, fs.ErrNotExist):
		t, _ := os.Readlink(p)
		return fmt.Errorf("symlink %s points to %s, which does not exist", relName, t)
	}
	return fmt.Errorf("symlink %s: %w", relName, cause(err))
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}
