// Command fgsdeploy deploys Huawei Cloud FunctionGraph functions from a
// declarative function.yaml: validate, package, plan, apply.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/ghactions"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// version is set by the Makefile through -ldflags; module build info is the fallback.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exitError carries an exit status other than 1 (or 1 with nothing to print).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// exit ends the process from inside run (a second interrupt); tests
// replace it to record the status.
var exit = os.Exit

// run is the whole program; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	startDir, _ := os.Getwd() // before any -C: where paths in reports start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &countingWriter{w: stdout}
	app := newApp(stdin, out, stderr)
	if len(args) > 1 && args[len(args)-1] == completionFlag {
		completeWords(app, args[1:len(args)-1], stdout)
		return 0
	}
	gh := ghactions.FromEnv(os.Getenv, startDir)
	app.Metadata = map[string]any{"github": gh}
	args = flagsFirst(app, args)
	cmd := commandOf(app, args)
	stopSignals := interrupts(cancel, stderr, exit, cmd != nil && cmd.Name == "emulator")
	defer stopSignals()
	err := app.RunContext(ctx, args)
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
		err = ee.err
	}
	printError(stderr, err)
	if out.n == 0 && wantsJSON(cmd, args) {
		// A script reading stdout gets one JSON document in every outcome.
		writeJSONErrors(stdout, err, startDir)
	}
	if gh != nil {
		gh.Annotate(stderr, errorList(err))
		var done *summarized
		if !errors.As(err, &done) {
			name := ""
			if cmd != nil {
				name = cmd.Name
			}
			if serr := gh.SummarizeFailure(name, errorList(err)); serr != nil {
				printError(stderr, serr)
			}
		}
	}
	return code
}

// planning is true while plan or apply computes the plan: nothing is
// written then, so an interrupt needs no "finishing what is in flight".
var planning atomic.Bool

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// interrupts turns the first SIGINT or SIGTERM into a cancelled context:
// nothing new starts and the steps in flight finish, which can take a
// while (an upload). A second one exits at once, as in Terraform, for
// whoever would rather lose the steps in flight than wait. The emulator
// has nothing in flight to wait for: it says it is shutting down.
func interrupts(cancel context.CancelFunc, stderr io.Writer, exit func(int), server bool) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	first, second := "fgsdeploy: interrupted: finishing what is in flight; interrupt again to stop at once",
		"fgsdeploy: interrupted twice: stopping now; steps in flight may be half done, so run plan to see where things are"
	if server {
		first, second = "fgsdeploy: emulator: shutting down", "fgsdeploy: emulator: interrupted twice: stopping now"
	}
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		cancel()
		if !planning.Load() || server { // an interrupted plan says so itself, in one line
			fmt.Fprintln(stderr, first)
		}
		select {
		case <-ch:
		case <-done:
			return
		}
		if planning.Load() && !server {
			second = "fgsdeploy: interrupted twice: stopping now; nothing was changed"
		}
		fmt.Fprintln(stderr, second)
		exit(130)
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// hinted is an error with a hint for the user.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, format string, args ...any) error {
	return &hinted{err: err, hint: fmt.Sprintf(format, args...)}
}

func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "fgsdeploy: error: %v\n", err)
	if hint := hintOf(err); hint != "" {
		fmt.Fprintf(w, "fgsdeploy: hint: %s\n", hint)
	}
}

// hintOf is what to do about err, or "".
func hintOf(err error) string {
	var h *hinted
	var ae *apiclient.APIError
	switch {
	case errors.As(err, &h) && h.hint != "":
		return h.hint
	case errors.As(err, &ae):
		return apiHint(ae)
	}
	return ""
}

// writeJSONErrors prints err as the JSON document of a command run with
// --format json that failed before it printed its own:
//
//	{"format_version": "1", "errors": [{"message", "file", "line", "col", "path"}], "hint"}
//
// file, line, col and path are there for manifest errors; file is relative
// to the directory fgsdeploy was started in (before -C).
func writeJSONErrors(w io.Writer, err error, startDir string) {
	type jsonError struct {
		Message string `json:"message"`
		File    string `json:"file,omitempty"`
		Line    int    `json:"line,omitempty"`
		Col     int    `json:"col,omitempty"`
		Path    string `json:"path,omitempty"`
	}
	doc := struct {
		FormatVersion string      `json:"format_version"`
		Errors        []jsonError `json:"errors"`
		Hint          string      `json:"hint,omitempty"`
	}{FormatVersion: "1", Errors: []jsonError{}, Hint: hintOf(err)}
	for _, e := range errorList(err) {
		var m *manifest.Error
		if errors.As(e, &m) {
			doc.Errors = append(doc.Errors, jsonError{Message: m.Detail(), File: ghactions.RelPath(startDir, m.File), Line: m.Line, Col: m.Col, Path: m.Path})
			continue
		}
		doc.Errors = append(doc.Errors, jsonError{Message: e.Error()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// apiHint says what to do about the API errors people meet first;
// docs/troubleshooting.md has the rest.
func apiHint(e *apiclient.APIError) string {
	switch {
	case e.Code == "APIG.0301" || e.Code == "APIG.0303" || (e.StatusCode == 401 && e.Code != "FSS.0401"):
		return "the credentials were refused: check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (temporary keys also need HUAWEICLOUD_SDK_SECURITY_TOKEN), and that this machine's clock is right"
	case e.Code == "FSS.0403" || e.StatusCode == 403 && strings.HasPrefix(e.Code, "APIG."):
		return "these credentials may not do this in this project: check --project-id and the IAM user's FunctionGraph permissions"
	case e.Code == "FSS.1309":
		return "the URN does not match the region or project of the endpoint: check --region, --project-id and --endpoint"
	case e.Throttled():
		return "still throttled after the retries: lower --parallelism, or try again later"
	}
	return ""
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:            "fgsdeploy",
		Usage:           "declarative deployments for Huawei Cloud FunctionGraph",
		Version:         versionString(),
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		Flags:           flags(commonFlags(), remoteFlags()),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return withHint(fmt.Errorf("unknown command %q", c.Args().First()), "fgsdeploy --help lists the commands")
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			validateCmd(stdout, stderr),
			packageCmd(stdout, stderr),
			planCmd(stdout, stderr),
			applyCmd(stdin, stdout, stderr),
			versionsCmd(stdout, stderr),
			promoteCmd(stdout, stderr),
			rollbackCmd(stdout, stderr),
			emulatorCmd(stdout, stderr),
			completionCmd(stdout),
			schemaCmd(stdout),
			initCmd(stdout, stderr),
		},
	}
	// A wrong flag is one error line and a pointer to the help, not the
	// whole help text.
	app.OnUsageError = usageError
	for _, cmd := range app.Commands {
		cmd.OnUsageError = usageError
		cmd.Before = checkFlags
	}
	return app
}

func usageError(c *cli.Context, err error, _ bool) error {
	name := "fgsdeploy"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != name {
		name += " " + c.Command.Name
	}
	return withHint(errors.New(longFlags(err.Error())), "%s --help lists the flags", name)
}

// flagName is a flag named in one of Go's flag package errors ("flag
// provided but not defined: -x", "invalid value "v" for flag -x: ...",
// "flag needs an argument: -x").
var flagName = regexp.MustCompile(`(defined: |for flag |for |argument: )-([A-Za-z0-9][A-Za-z0-9-]+)`)

// longFlags writes the flags a parse error names the way users type them:
// --parallelism, not -parallelism (one-letter flags keep one dash).
func longFlags(msg string) string {
	return flagName.ReplaceAllString(msg, "$1--$2")
}

// commandIndex returns the index in args of the command's name (after the
// global flags and their values), or len(args).
func commandIndex(app *cli.App, args []string) int {
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		if _, v := takesValue(app.Flags, args[i]); v {
			i++
		}
		i++
	}
	return i
}

// commandOf returns the command args run, or nil.
func commandOf(app *cli.App, args []string) *cli.Command {
	if i := commandIndex(app, args); i < len(args) {
		return app.Command(args[i])
	}
	return nil
}

// wantsJSON reports whether args ask cmd for --format json.
func wantsJSON(cmd *cli.Command, args []string) bool {
	if cmd == nil || !hasFlag(cmd.Flags, "format") {
		return false
	}
	format := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "format" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		format = value
	}
	return format == "json"
}

func hasFlag(flags []cli.Flag, name string) bool {
	known, _ := takesValue(flags, name)
	return known
}

// takesValue reports whether the flag arg (-name, --name or --name=value)
// is one of flags, and whether the next argument is its value.
func takesValue(flags []cli.Flag, arg string) (known, value bool) {
	name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return true, !isBool && !hasValue
			}
		}
	}
	return false, false
}

// completionFlag, as the last argument, asks for the candidates of the
// next word (completion.go); the name is urfave/cli's, which the completion
// scripts have always used.
const completionFlag = "--generate-bash-completion"

// flagsFirst moves a command's flags before its positional arguments, so
// that "versions hello --format json" works: urfave/cli v2 stops parsing
// flags at the first argument.
func flagsFirst(app *cli.App, args []string) []string {
	i := commandIndex(app, args)
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	var flags, pos []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		if a == "--" {
			pos = append(pos, rest[j:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			if _, v := takesValue(cmd.Flags, a); v && j+1 < len(rest) {
				flags = append(flags, rest[j+1])
				j++
			}
			continue
		}
		pos = append(pos, a)
	}
	out := append([]string(nil), args[:i+1]...)
	out = append(out, flags...)
	return append(out, pos...)
}
