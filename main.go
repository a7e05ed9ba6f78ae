// Command fgsdeploy deploys Huawei Cloud FunctionGraph functions from a
// declarative function.yaml: validate, package, plan, apply.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/ghactions"
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
	app.Metadata = map[string]any{"github": gh, "startDir": startDir}
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
		name := ""
		if cmd != nil {
			name = cmd.Name
		}
		reportToGitHub(gh, stderr, name, err)
	}
	return code
}

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

// githubOf returns the GitHub Actions settings run found, or nil.
func githubOf(c *cli.Context) *ghactions.Step {
	g, _ := c.App.Metadata["github"].(*ghactions.Step)
	return g
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
				return unknownCommand(c)
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			validateCmd(stdout, stderr),
			packageCmd(stdout, stderr),
			planCmd(stdout, stderr),
			applyCmd(stdin, stdout, stderr),
			destroyCmd(stdin, stdout, stderr),
			versionsCmd(stdout, stderr),
			promoteCmd(stdout, stderr),
			rollbackCmd(stdout, stderr),
			invokeCmd(stdin, stdout, stderr),
			logsCmd(stdout, stderr),
			outputsCmd(stdout, stderr),
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
