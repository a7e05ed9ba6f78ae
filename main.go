// Command fgsdeploy deploys Huawei Cloud FunctionGraph functions from a
// declarative function.yaml: validate, package, plan, apply.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopSignals := interrupts(cancel, stderr, exit)
	defer stopSignals()
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, flagsFirst(app, args))
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
	if os.Getenv("GITHUB_ACTIONS") == "true" && len(manifestErrors(err)) == 0 {
		// Manifest errors are annotated with their file and line already.
		fmt.Fprintf(stdout, "::error title=fgsdeploy::%s\n", ghMessage(err.Error()))
	}
	return code
}

// planning is true while plan or apply computes the plan: nothing is
// written then, so an interrupt needs no "finishing what is in flight".
var planning atomic.Bool

// interrupts turns the first SIGINT or SIGTERM into a cancelled context:
// nothing new starts and the steps in flight finish, which can take a
// while (an upload). A second one exits at once, as in Terraform, for
// whoever would rather lose the steps in flight than wait.
func interrupts(cancel context.CancelFunc, stderr io.Writer, exit func(int)) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		cancel()
		if !planning.Load() { // an interrupted plan says so itself, in one line
			fmt.Fprintln(stderr, "fgsdeploy: interrupted: finishing what is in flight; interrupt again to stop at once")
		}
		select {
		case <-ch:
		case <-done:
			return
		}
		if planning.Load() {
			fmt.Fprintln(stderr, "fgsdeploy: interrupted twice: stopping now; nothing was changed")
		} else {
			fmt.Fprintln(stderr, "fgsdeploy: interrupted twice: stopping now; steps in flight may be half done, so run plan to see where things are")
		}
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
	var h *hinted
	var ae *apiclient.APIError
	switch {
	case errors.As(err, &h) && h.hint != "":
		fmt.Fprintf(w, "fgsdeploy: hint: %s\n", h.hint)
	case errors.As(err, &ae):
		if hint := apiHint(ae); hint != "" {
			fmt.Fprintf(w, "fgsdeploy: hint: %s\n", hint)
		}
	}
}

// apiHint says what to do about the API errors people meet first;
// docs/troubleshooting.md has the rest. The gateway writes its codes
// APIG.* in one reference and APIGW.* in another, for the same failures
// (docs/api-notes.md rule 12), so both are matched, by number.
func apiHint(e *apiclient.APIError) string {
	gw, isGateway := gatewayCode(e.Code)
	switch {
	case gw == "0307":
		return "the token expired (tokens last 24 hours): get a new HW_AUTH_TOKEN, or new temporary keys and HUAWEICLOUD_SDK_SECURITY_TOKEN"
	case gw == "0301" || gw == "0303" || (e.StatusCode == 401 && e.Code != "FSS.0401"):
		return "the credentials were refused: check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (temporary keys also need HUAWEICLOUD_SDK_SECURITY_TOKEN), and that this machine's clock is right"
	case e.Code == "FSS.0403" || gw == "0302" || gw == "0304" || (e.StatusCode == 403 && isGateway):
		return "these credentials may not do this in this project: check --project-id and the IAM user's FunctionGraph permissions"
	case e.Code == "FSS.1309":
		return "the URN does not match the region or project of the endpoint: check --region, --project-id and --endpoint"
	case e.Throttled():
		return "still throttled after the retries: lower --parallelism, or try again later"
	}
	return ""
}

// gatewayCode returns the number of an API Gateway error code, written
// APIG.NNNN or APIGW.NNNN, and whether code is one.
func gatewayCode(code string) (string, bool) {
	for _, p := range []string{"APIGW.", "APIG."} {
		if n, ok := strings.CutPrefix(code, p); ok {
			return n, true
		}
	}
	return "", false
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "fgsdeploy",
		Usage:                "declarative deployments for Huawei Cloud FunctionGraph",
		Version:              versionString(),
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		ExitErrHandler:       func(*cli.Context, error) {},
		Flags:                flags(commonFlags(), remoteFlags()),
		Commands: []*cli.Command{
			validateCmd(stdout),
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
	return withHint(err, "%s --help lists the flags", name)
}

// flagsFirst moves a command's flags before its positional arguments, so
// that "versions hello --format json" works: urfave/cli v2 stops parsing
// flags at the first argument.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	takesValue := func(flags []cli.Flag, name string) (known, value bool) {
		name = strings.TrimLeft(name, "-")
		if i := strings.IndexByte(name, '='); i >= 0 {
			return true, false
		}
		for _, f := range flags {
			for _, n := range f.Names() {
				if n == name {
					_, isBool := f.(*cli.BoolFlag)
					return true, !isBool
				}
			}
		}
		return false, false
	}
	// Find the command, skipping global flags and their values.
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		if _, v := takesValue(app.Flags, args[i]); v {
			i++
		}
		i++
	}
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
