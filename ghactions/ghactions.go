package ghactions

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// Step is what a GitHub Actions step learns from its environment.
type Step struct {
	// Workspace is the directory annotation paths are relative to:
	// GITHUB_WORKSPACE, else the directory fgsdeploy was started in (before
	// any -C), which is where GitHub runs a step unless told otherwise.
	Workspace string
	// SummaryFile is the file a step appends Markdown to ("" = none).
	SummaryFile string
	// OutputFile is the file a step appends its outputs to
	// (GITHUB_OUTPUT; "" = none).
	OutputFile string
}

// FromEnv returns the step's settings, or nil when not running under
// GitHub Actions (GITHUB_ACTIONS=true).
func FromEnv(getenv func(string) string, startDir string) *Step {
	if getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	ws := getenv("GITHUB_WORKSPACE")
	if ws == "" {
		ws = startDir
	}
	return &Step{Workspace: ws, SummaryFile: getenv("GITHUB_STEP_SUMMARY"), OutputFile: getenv("GITHUB_OUTPUT")}
}

// Annotate writes one ::error workflow command for each of errs: manifest
// errors with their file (relative to the workspace), line and column, so
// that GitHub shows them on the pull request's diff; any other error with
// the title fgsdeploy.
func (s *Step) Annotate(w io.Writer, errs []error) {
	for _, e := range errs {
		var m *manifest.Error
		if errors.As(e, &m) {
			fmt.Fprintf(w, "::error %s::%s\n", s.position(m), escapeMessage(m.Detail()))
			continue
		}
		fmt.Fprintf(w, "::error title=fgsdeploy::%s\n", escapeMessage(e.Error()))
	}
}

// Warn writes a ::warning workflow command for a manifest warning, placed
// like an error annotation.
func (s *Step) Warn(w io.Writer, m *manifest.Error) {
	fmt.Fprintf(w, "::warning %s::%s\n", s.position(m), escapeMessage(m.Detail()))
}

// position is the file, line and col properties of a manifest problem.
func (s *Step) position(m *manifest.Error) string {
	props := []string{"file=" + escapeProperty(RelPath(s.Workspace, m.File))}
	if m.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", m.Line))
		if m.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", m.Col))
		}
	}
	return strings.Join(props, ",")
}

// RelPath is path (relative to the current directory, which -C changed)
// relative to dir, with forward slashes; GitHub cannot place an annotation
// whose path is relative to anything but the workspace. With dir "", path
// is returned as it is.
func RelPath(dir, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil || dir == "" {
		return filepath.ToSlash(path)
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return filepath.ToSlash(path)
	}
	if rel, err := filepath.Rel(base, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// AppendSummary appends what write writes to the step summary, if there
// is one (a nil Step has none).
func (s *Step) AppendSummary(write func(io.Writer) error) error {
	if s == nil || s.SummaryFile == "" {
		return nil
	}
	f, err := os.OpenFile(s.SummaryFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
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

// SummarizeFailure appends a section naming each of errs to the step
// summary, under the heading "fgsdeploy COMMAND failed"; manifest errors
// are placed relative to the workspace, like annotations.
func (s *Step) SummarizeFailure(command string, errs []error) error {
	return s.AppendSummary(func(w io.Writer) error {
		var b strings.Builder
		fmt.Fprintf(&b, "### %s failed\n\n", strings.TrimSpace("fgsdeploy "+command))
		if len(errs) > 1 {
			fmt.Fprintf(&b, "%d errors:\n\n", len(errs))
		}
		b.WriteString("```text\n")
		for _, e := range errs {
			var m *manifest.Error
			if errors.As(e, &m) {
				fmt.Fprintf(&b, "%s:%d:%d: %s\n", RelPath(s.Workspace, m.File), m.Line, m.Col, m.Detail())
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

// escapeMessage and escapeProperty escape a workflow command's message
// and property values, as the runner's toolkit does.
func escapeMessage(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
