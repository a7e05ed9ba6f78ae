package main

// GitHub Actions output: error annotations and the step summary. This file
// depends on nothing of the CLI but the error values it is given, so that it
// can become a package of its own; the process environment is read once, by
// githubFromEnv, and passed in as values.
//
// Annotations are written to stderr. The runner reads workflow commands from
// both of a step's streams (actions/runner: ScriptHandler gives stdout and
// stderr each an OutputManager that hands "::" lines to the command
// manager), so stdout stays free for machine output: with --format json it
// is one JSON document whatever happens.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// githubActions is what a GitHub Actions step learns from its environment.
type githubActions struct {
	// Workspace is the directory annotation paths are relative to:
	// GITHUB_WORKSPACE, else the directory fgsdeploy was started in (before
	// any -C), which is where GitHub runs a step unless told otherwise.
	Workspace string
	// StepSummary is the file a step appends Markdown to ("" = none).
	StepSummary string
}

// githubFromEnv returns the GitHub Actions settings, or nil when not running
// under GitHub Actions (GITHUB_ACTIONS=true).
func githubFromEnv(getenv func(string) string, startDir string) *githubActions {
	if getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	ws := getenv("GITHUB_WORKSPACE")
	if ws == "" {
		ws = startDir
	}
	return &githubActions{Workspace: ws, StepSummary: getenv("GITHUB_STEP_SUMMARY")}
}

// Annotate writes one ::error workflow command for each error err holds:
// manifest errors with their file (relative to the workspace), line and
// column, so that GitHub shows them on the pull request's diff; any other
// error with the title fgsdeploy.
func (g *githubActions) Annotate(w io.Writer, err error) {
	for _, e := range errorList(err) {
		var m *manifest.Error
		if errors.As(e, &m) {
			fmt.Fprintf(w, "::error %s::%s\n", g.position(m), ghMessage(manifestMessage(m)))
			continue
		}
		fmt.Fprintf(w, "::error title=fgsdeploy::%s\n", ghMessage(e.Error()))
	}
}

// Warn writes a ::warning workflow command for a manifest warning, placed
// like an error annotation.
func (g *githubActions) Warn(w io.Writer, m *manifest.Error) {
	fmt.Fprintf(w, "::warning %s::%s\n", g.position(m), ghMessage(manifestMessage(m)))
}

// position is the file, line and col properties of a manifest problem.
func (g *githubActions) position(m *manifest.Error) string {
	props := []string{"file=" + ghProperty(g.relPath(m.File))}
	if m.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", m.Line))
		if m.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", m.Col))
		}
	}
	return strings.Join(props, ",")
}

// manifestMessage is a manifest error without its position, which the
// annotation carries in its properties.
func manifestMessage(m *manifest.Error) string {
	return m.Detail()
}

// relPath is path (relative to the current directory, which -C changed)
// relative to the workspace, with forward slashes; GitHub cannot place an
// annotation whose path is relative to anything else.
func (g *githubActions) relPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil || g.Workspace == "" {
		return filepath.ToSlash(path)
	}
	ws, err := filepath.Abs(g.Workspace)
	if err != nil {
		return filepath.ToSlash(path)
	}
	if rel, err := filepath.Rel(ws, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// AppendSummary appends what write writes to the step summary, if there
// is one.
func (g *githubActions) AppendSummary(write func(io.Writer) error) error {
	if g == nil || g.StepSummary == "" {
		return nil
	}
	f, err := os.OpenFile(g.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write step summary: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write step summary: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write step summary: %w", err)
	}
	return nil
}

// SummarizeFailure appends a section naming every error err holds to the
// step summary, under the heading "fgsdeploy COMMAND failed"; manifest
// errors are placed relative to the workspace, like annotations.
func (g *githubActions) SummarizeFailure(command string, err error) error {
	return g.AppendSummary(func(w io.Writer) error {
		errs := errorList(err)
		var b strings.Builder
		fmt.Fprintf(&b, "### %s failed\n\n", strings.TrimSpace("fgsdeploy "+command))
		if len(errs) > 1 {
			fmt.Fprintf(&b, "%d errors:\n\n", len(errs))
		}
		b.WriteString("```text\n")
		for _, e := range errs {
			var m *manifest.Error
			if errors.As(e, &m) {
				fmt.Fprintf(&b, "%s:%d:%d: %s\n", g.relPath(m.File), m.Line, m.Col, manifestMessage(m))
				continue
			}
			b.WriteString(strings.TrimRight(e.Error(), "\n"))
			b.WriteString("\n")
		}
		b.WriteString("```\n\n")
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// summarized marks an error whose failures the step summary names already
// (the apply report), so that SummarizeFailure is not called for it again.
type summarized struct{ err error }

func (s *summarized) Error() string { return s.err.Error() }
func (s *summarized) Unwrap() error { return s.err }

// errorList returns the errors err holds, each to be reported once: the
// members of a *multierror.Error, of errors.Join or of any error with
// Unwrap() []error. Wrappers that add nothing to the message (a hint, an
// exit status) are looked through; one that adds context keeps err whole.
func errorList(err error) []error {
	for e := err; e != nil; {
		if me, ok := e.(*multierror.Error); ok {
			return nonNil(me.Errors, err)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return nonNil(j.Unwrap(), err)
		}
		u := errors.Unwrap(e)
		if u == nil || u.Error() != e.Error() {
			break
		}
		e = u
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func nonNil(errs []error, whole error) []error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return []error{whole}
	}
	return out
}

// ghMessage and ghProperty escape a workflow command's message and
// property values, as the runner's toolkit does.
func ghMessage(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
