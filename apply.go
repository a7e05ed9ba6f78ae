package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
)

func applyCmd(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "make the functions as declared (from a fresh plan or a saved one)",
		ArgsUsage: "[PLANFILE]",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking"},
			&cli.StringSliceFlag{Name: "target", Usage: "apply only function `NAME` (repeatable)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "report as text or json (json: the plan and the prompt go to stderr)"},
		}),
		Action: func(c *cli.Context) error { return apply(c, stdin, stdout, stderr) },
	}
}

func apply(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	format := c.String("format")
	if format != "text" && format != "json" {
		return fmt.Errorf("--format %q: want text or json", format)
	}
	// What people read goes to stdout, unless stdout is for JSON.
	human := stdout
	if format == "json" {
		human = stderr
	}
	if c.NArg() > 1 {
		return fmt.Errorf("apply takes at most one plan file, got %d arguments", c.NArg())
	}
	if err := chdir(c); err != nil { // the plan file is in DIR too
		return err
	}
	saved, err := savedPlan(c)
	if err != nil {
		return err
	}
	s, pl, err := planFromFlags(c, stderr, saved)
	if err != nil {
		return err
	}
	defer s.Close()
	defer pl.Close()
	var refused []*plan.FunctionError
	if saved != nil {
		var stale []*plan.FunctionError
		pl, stale = saved.Check(pl)
		refused = append(append(refused, saved.Failures()...), stale...)
	}
	view := plan.View{Color: useColor(c, human)}
	if !pl.HasChanges() && len(refused) == 0 && len(pl.Failures) == 0 {
		rep := applier.Apply(c.Context, s.client, pl, applier.Options{})
		if format == "text" {
			if err := view.Text(stdout, pl); err != nil {
				return err
			}
		}
		return reportApply(c, s, stdout, format, pl, rep, false)
	}
	if saved == nil { // applying a saved plan is its approval
		if err := approve(c, stdin, human, view, pl); err != nil {
			return err
		}
	}
	opts := applier.Options{Parallelism: integer(c, "parallelism"), Objects: s.obs}
	if bar := uploadBar(stderr, pl); bar != nil {
		s.client.SetUploadProgress(bar)
		opts.UploadProgress = bar
		defer bar.Finish()
	}
	rep := applier.Apply(c.Context, s.client, pl, opts)
	rep.Refuse(refused)
	return reportApply(c, s, stdout, format, pl, rep, true)
}

// savedPlan loads the plan file apply was given, or returns nil without
// one. The plan's environment and manifest become the run's; -e and -f,
// when given, must name the same. That is checked before the manifest is
// loaded: the plan's functions may not be in another manifest at all.
func savedPlan(c *cli.Context) (*planfile.Saved, error) {
	if c.NArg() == 0 {
		return nil, nil
	}
	saved, err := planfile.Load(c.Args().First())
	if err != nil {
		return nil, err
	}
	if !c.IsSet("env") && saved.Env != "" {
		c.Set("env", saved.Env)
	}
	if !c.IsSet("file") && saved.Manifest != "" && filepath.Clean(saved.Manifest) != filepath.Clean(str(c, "file")) {
		c.Set("file", saved.Manifest) // set only when it is not the default, so hints need not repeat it
	}
	if saved.Local && !boolean(c, "local") {
		c.Set("local", "true") // made under --local: applied there again
	}
	if env := str(c, "env"); saved.Env != env {
		return nil, withHint(fmt.Errorf("the plan was made %s, not %s", envPhrase(saved.Env), envPhrase(env)),
			"apply a saved plan without --env (it knows its environment), or make a new plan %s", envPhrase(env))
	}
	if file := str(c, "file"); saved.Manifest != "" && filepath.Clean(saved.Manifest) != filepath.Clean(file) {
		return nil, fmt.Errorf("the plan was made from %s, not %s", saved.Manifest, file)
	}
	if err := sameTargets(c, saved); err != nil {
		return nil, err
	}
	return saved, nil
}

// sameTargets refuses a --target that would narrow a saved plan: the plan
// is applied as it was approved, or not at all (a dependency it publishes
// may be there for functions --target would leave out). --target naming
// exactly the plan's functions, as a pipeline passing plan's flags to apply
// does, is accepted.
func sameTargets(c *cli.Context, saved *planfile.Saved) error {
	targets := c.StringSlice("target")
	if len(targets) == 0 {
		return nil
	}
	planned := saved.Targets()
	for _, f := range saved.Failures() {
		planned = append(planned, f.Name)
	}
	want, have := slices.Sorted(slices.Values(planned)), slices.Compact(slices.Sorted(slices.Values(targets)))
	if slices.Equal(want, have) {
		return nil
	}
	args := []string{"plan"}
	for _, t := range have {
		args = append(args, "--target", t)
	}
	return withHint(fmt.Errorf("--target cannot narrow a saved plan: it applies as planned, %s", strings.Join(want, ", ")),
		"apply it without --target, or make a plan of those functions: %s", hintCommand(c, append(args, "--out", "plan.json")...))
}

// approve shows what is about to happen, with or without a prompt (a
// pipeline's log then says what each apply did), and asks for "yes"
// unless --auto-approve.
func approve(c *cli.Context, stdin io.Reader, human io.Writer, view plan.View, pl *plan.Plan) error {
	if err := view.Text(human, pl); err != nil {
		return err
	}
	switch {
	case !pl.HasChanges():
		fmt.Fprintln(human) // nothing to approve: only what could not be planned to report
	case !c.Bool("auto-approve"):
		return confirm(c, stdin, human)
	default:
		fmt.Fprintln(human)
	}
	return nil
}

// reportApply reads the outputs of what was applied (outputs.go), prints
// the apply report in format (with changed; without, the plan said "No
// changes" and only the outputs follow), with the outputs after it in
// text, appends it to the step summary, writes the outputs to the step's,
// and returns what failed, then what kept the outputs from being read.
func reportApply(c *cli.Context, s *session, stdout io.Writer, format string, pl *plan.Plan, rep *applier.Report, changed bool) error {
	outErr := applyOutputs(c, s, pl, rep)
	if err := setStepOutputs(githubOf(c), rep.Outputs); err != nil && outErr == nil {
		outErr = err
	}
	outputs := func(w io.Writer) error { return writeOutputsText(w, rep.Outputs) }
	if !changed {
		write := outputs
		if format == "json" {
			write = rep.WriteJSON
		}
		if err := write(stdout); err != nil {
			return err
		}
		return outErr
	}
	if err := reportRun(c, stdout, format, rep, "apply", outputs); err != nil {
		return err
	}
	return outErr
}

// reportRun prints the report of the command named cmd (apply, destroy)
// in format, then, in text, what after writes (nil: nothing); appends the
// report to the step summary and returns what failed.
func reportRun(c *cli.Context, stdout io.Writer, format string, rep *applier.Report, cmd string, after func(io.Writer) error) error {
	write := rep.Write
	if format == "json" {
		write = rep.WriteJSON
	} else if after != nil {
		write = func(w io.Writer) error {
			if err := rep.Write(w); err != nil {
				return err
			}
			return after(w)
		}
	}
	if err := write(stdout); err != nil {
		return err
	}
	summaryErr := applySummary(c, rep, cmd)
	if err := rep.Err(); err != nil {
		if githubOf(c) != nil && summaryErr == nil {
			err = &summarized{err} // the report names every failure
		}
		if c.Context.Err() != nil {
			return withHint(err, "interrupted: run %s again to finish; it plans from the live state", cmd)
		}
		return err
	}
	return summaryErr
}

// applySummary appends the apply report to the GitHub Actions step
// summary, so a release job's summary says what it did and what failed.
func applySummary(c *cli.Context, rep *applier.Report, cmd string) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error {
		if _, err := io.WriteString(w, "### fgsdeploy "+cmd+"\n\n```\n"); err != nil {
			return err
		}
		if err := rep.Write(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "```\n")
		return err
	})
}

// envPhrase says which --env a run has, for messages.
func envPhrase(env string) string {
	if env == "" {
		return "without --env"
	}
	return "with --env " + env
}

// confirm asks for "yes" on a terminal and refuses elsewhere.
func confirm(c *cli.Context, stdin io.Reader, stdout io.Writer) error {
	return confirmAction(c.Context, stdin, stdout, "Do you want to apply these changes? Only 'yes' will be accepted: ",
		errors.New("apply needs approval and stdin is not a terminal"),
		fmt.Sprintf("pass --auto-approve, or apply a saved plan: %s && %s", hintCommand(c, "plan", "--out", "plan.json"), savedPlanCommand(c, "plan.json")), "apply cancelled")
}

// confirmAction asks question on a terminal and wants "yes"; elsewhere it
// refuses with notTerminal and hint. Any other answer is cancelled.
func confirmAction(ctx context.Context, stdin io.Reader, stdout io.Writer, question string, notTerminal error, hint, cancelled string) error {
	if !isTerminal(stdin) {
		return withHint(notTerminal, "%s", hint)
	}
	fmt.Fprint(stdout, "\n"+question)
	answered := make(chan string, 1)
	go func() { // a read of a terminal cannot be cancelled: Ctrl-C leaves it behind
		var answer string
		fmt.Fscanln(stdin, &answer)
		answered <- answer
	}()
	var answer string
	select {
	case answer = <-answered:
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout)
	if strings.TrimSpace(answer) != "yes" {
		return &exitError{code: 1, err: errors.New(cancelled)}
	}
	return nil
}
