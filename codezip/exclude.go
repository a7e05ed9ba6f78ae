package codezip

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// OutputMarker is the file that marks a directory fgsdeploy package --out
// wrote: such a directory is never packaged, wherever it is.
const OutputMarker = ".fgsdeploy-package"

// MarkOutputDir writes OutputMarker into dir, a package --out directory.
func MarkOutputDir(dir string) error {
	text := "This directory holds packages written by fgsdeploy package --out.\nfgsdeploy never packages a directory that holds this file.\n"
	if err := os.WriteFile(filepath.Join(dir, OutputMarker), []byte(text), 0o644); err != nil {
		return fmt.Errorf("mark %s as package output: %w", dir, err)
	}
	return nil
}

// DefaultRule is an exclusion no .fgsignore can undo.
type DefaultRule struct {
	Rule string // as Excluded.Rule names it
	What string // what it leaves out, for people
}

// DefaultRules are the exclusions of every package, in the order they
// are checked. They apply at every depth of the code directory.
var DefaultRules = []DefaultRule{
	{"default: .git/", "Git's repository folder (also .hg/ and .svn/)"},
	{"default: .fgsdeploy/", "fgsdeploy's local state (the --local emulator's store)"},
	{"default: .fgsignore", "the ignore files themselves"},
	{"default: .DS_Store", "macOS folder metadata"},
	{"default: package --out", "folders fgsdeploy package --out wrote (they hold " + OutputMarker + ")"},
	{"default: saved plan", "plans fgsdeploy plan --out wrote, recognised by their content"},
	{"default: release marker", ReleaseFile + ", the marker fgsdeploy adds to a release's package itself"},
}

// defaultByName maps the names excluded at any depth to their rule.
var defaultByName = map[string]string{
	".git": "default: .git/", ".hg": "default: .git/", ".svn": "default: .git/",
	".fgsdeploy": "default: .fgsdeploy/", ".fgsignore": "default: .fgsignore", ".DS_Store": "default: .DS_Store",
	ReleaseFile: "default: release marker",
}

// Listing is what a package holds and what it leaves out.
type Listing struct {
	Files    []string   // packaged, slash-separated, sorted
	Size     int64      // their bytes before compression
	Excluded []Excluded // left out, sorted by path
}

// Excluded is a file or directory left out of a package, and why.
type Excluded struct {
	Path string // slash-separated, relative to the code directory; a directory ends in /
	// Rule is one of DefaultRules' Rule, ".fgsignore:LINE: PATTERN" (the
	// file's path relative to the code directory), or "excluded by fgsdeploy"
	// for Options.Exclude (the manifest and the project's state).
	Rule string
}

// ErrEmpty marks a package that would have no files.
var ErrEmpty = errors.New("the package would be empty")

// EmptyError is Build's error for a directory with nothing to package:
// FunctionGraph would get a zip without files, and the function's code
// would be wiped.
type EmptyError struct {
	Dir      string     // the code directory as given
	Excluded []Excluded // what the rules left out
}

func (e *EmptyError) Error() string {
	if len(e.Excluded) == 0 {
		return ErrEmpty.Error() + ": the code directory has no files"
	}
	counts := map[string]int{}
	var rules []string
	for _, x := range e.Excluded {
		if counts[x.Rule] == 0 {
			rules = append(rules, x.Rule)
		}
		counts[x.Rule]++
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf("%s (%d %s)", r, counts[r], plural(counts[r], "entry", "entries"))
	}
	return fmt.Sprintf("%s: every file is excluded, by %s", ErrEmpty, strings.Join(parts, ", "))
}

func (e *EmptyError) Unwrap() error { return ErrEmpty }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
