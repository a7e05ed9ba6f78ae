package codebuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/codezip"
)

// Builder runs builds and keeps their results. Its zero value is not
// usable: CacheDir is required.
type Builder struct {
	// CacheDir holds the builds: the project's .fgsdeploy/build, which
	// is never packaged. Scratch copies are made there too, so that a
	// finished build moves into the cache in one rename.
	CacheDir string
	// Env is the environment every build starts from (the caller leaves
	// out the variables secrets come from); the FGS_ variables are added.
	Env []string
	// Redact are the values the output shown on failure must not hold:
	// the secrets of the project. Each is shown as (sensitive).
	Redact []string
	// Shell runs the command as Shell -c COMMAND; "" means sh.
	Shell string
	// Keep is how many builds of one function the cache keeps, the most
	// recently used; 0 means DefaultKeep.
	Keep int
	// Now is the clock cache entries are stamped with; nil means
	// time.Now.
	Now func() time.Time
}

// DefaultKeep is how many builds of one function the cache keeps by
// default: enough for two environments and a change in between.
const DefaultKeep = 4

// Spec is one function's build.
type Spec struct {
	Dir      string // the code directory (code.path), absolute
	Command  string // run as sh -c Command
	Runtime  string // FGS_RUNTIME
	Function string // the manifest's key: FGS_FUNCTION, and where its builds are kept
	FuncName string // the FunctionGraph name: FGS_FUNCTION_NAME
	// Sources are the options the copy is listed with
	// (codezip.Sources): the project root symlinks may not leave, and
	// what is never copied (the manifest, .fgsdeploy/).
	Sources codezip.Options
}

// Result is a finished build.
type Result struct {
	// Dir is the built tree, in the cache: what gets packaged (the
	// .fgsignore files in it still apply). It stays as long as the cache
	// keeps it; callers package it right away.
	Dir string
	Key string // the hex SHA-256 of the build's inputs
	Ran bool   // the command ran now; false: the result was cached
}

// Error is a build that failed: the command's exit status (or why it did
// not run to the end) and the end of its output, secrets redacted.
type Error struct {
	Status string // "exit status 2", "signal: killed", ...
	Tail   string // the last lines of the command's output (stdout and stderr)
	Err    error  // context.Canceled when it was interrupted
}

func (e *Error) Error() string {
	if e.Tail == "" {
		return fmt.Sprintf("code.build failed (%s), with no output", e.Status)
	}
	return fmt.Sprintf("code.build failed (%s); the end of its output:\n%s", e.Status, indent(e.Tail, "    "))
}

func (e *Error) Unwrap() error { return e.Err }

// Build returns the result of s's build: from the cache when a build of
// the same inputs is there, else by running the command in a fresh copy
// of s.Dir. A failed build leaves nothing behind.
func (b *Builder) Build(ctx context.Context, s Spec) (*Result, error) {
	if b.CacheDir == "" {
		return nil, errors.New("code.build: no build cache directory")
	}
	sources, err := codezip.Sources(s.Dir, s.Sources)
	if err != nil {
		return nil, fmt.Errorf("code.build: %w", err)
	}
	key, err := inputKey(s, sources)
	if err != nil {
		return nil, fmt.Errorf("code.build: %w", err)
	}
	home := filepath.Join(b.CacheDir, s.Function)
	entry := filepath.Join(home, key)
	if fi, err := os.Stat(entry); err == nil && fi.IsDir() {
		b.touch(entry)
		return &Result{Dir: entry, Key: key}, nil
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, fmt.Errorf("code.build: %w", err)
	}
	scratch, err := os.MkdirTemp(home, ".scratch-")
	if err != nil {
		return nil, fmt.Errorf("code.build: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(scratch)
		}
	}()
	if err := copySources(ctx, scratch, sources); err != nil {
		return nil, fmt.Errorf("code.build: copy %s: %w", s.Dir, err)
	}
	if err := b.run(ctx, s, scratch); err != nil {
		return nil, err
	}
	b.touch(scratch)
	if err := os.Rename(scratch, entry); err != nil {
		if fi, serr := os.Stat(entry); serr != nil || !fi.IsDir() {
			return nil, fmt.Errorf("code.build: keep the result: %w", err)
		}
		// Another fgsdeploy built the same inputs meanwhile: its result
		// is as good as this one, and this one is removed.
		b.touch(entry)
		return &Result{Dir: entry, Key: key, Ran: true}, nil
	}
	done = true
	b.prune(home, entry)
	return &Result{Dir: entry, Key: key, Ran: true}, nil
}

// run runs the command in dir, its output kept in a bounded tail.
func (b *Builder) run(ctx context.Context, s Spec, dir string) error {
	shell := b.Shell
	if shell == "" {
		shell = "sh"
	}
	cmd := exec.CommandContext(ctx, shell, "-c", s.Command)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), b.Env...),
		"FGS_RUNTIME="+s.Runtime,
		"FGS_FUNCTION="+s.Function,
		"FGS_FUNCTION_NAME="+s.FuncName,
		"FGS_OUTPUT_DIR="+dir,
	)
	out := &tail{max: tailBytes}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Stdin = nil // the null device: a build never waits for input
	cmd.WaitDelay = 5 * time.Second
	ownGroup(cmd)
	err := cmd.Run()
	if err == nil {
		return nil
	}
	e := &Error{Status: err.Error(), Tail: shown(out.lines(tailLines), b.Redact)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		e.Status, e.Err = "interrupted", ctx.Err()
	case errors.As(err, &ee):
		e.Status = ee.ProcessState.String()
	default:
		e.Status = "did not start: " + err.Error()
	}
	return e
}

// copySources copies the sources into dir, the executable bit kept.
func copySources(ctx context.Context, dir string, sources []codezip.Source) error {
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(src.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if src.Exec {
			mode = 0o755
		}
		if err := copyFile(src.Path, dst, mode); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
