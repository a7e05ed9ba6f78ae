package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
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
		Action: func(c *cli.Context) error {
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
			var saved *planner.Saved
			if c.NArg() == 1 {
				var err error
				if saved, err = planner.LoadSaved(c.Args().First()); err != nil {
					return err
				}
				if !c.IsSet("env") && saved.Env != "" {
					c.Set("env", saved.Env)
				}
				if !c.IsSet("file") && saved.Manifest != "" {
					c.Set("file", saved.Manifest)
				}
			}
			only := targets(c.StringSlice("target"))
			if saved != nil {
				// Checked before loading: the plan's functions may not
				// be in another manifest at all.
				if env := str(c, "env"); saved.Env != env {
					return withHint(fmt.Errorf("the plan was made %s, not %s", envPhrase(saved.Env), envPhrase(env)),
						"apply a saved plan without --env (it knows its environment), or make a new plan %s", envPhrase(env))
				}
				if file := str(c, "file"); saved.Manifest != "" && filepath.Clean(saved.Manifest) != filepath.Clean(file) {
					return fmt.Errorf("the plan was made from %s, not %s", saved.Manifest, file)
				}
				only = saved.Targets()
			}
			p, err := loadProject(c, manifest.Options{Functions: only})
			var ue *manifest.UndeclaredError
			if saved != nil && errors.As(err, &ue) {
				return fmt.Errorf("the saved plan's %w", err)
			}
			if err != nil {
				return targetError(err)
			}
			s, err := connect(c.Context, c, p, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			vc, err := versionCap(c)
			if err != nil {
				return err
			}
			opts := planner.Options{Parallelism: integer(c, "parallelism"), Targets: c.StringSlice("target"), VersionCap: vc, PackageProgress: packageBar(stderr)}
			if saved != nil {
				opts.Salt, opts.Targets = saved.Salt, saved.Targets()
				err := saved.SameTarget(func(name string) string {
					for _, f := range p.Functions {
						if f.Name == name {
							return s.client.FunctionURN(f.Package, f.Name)
						}
					}
					return ""
				})
				if err != nil {
					return err
				}
			}
			pl, err := computePlan(c, s, p, opts)
			if err != nil {
				return err
			}
			defer pl.Close()
			var refused []error
			if saved != nil {
				refused = saved.Failures()
				var stale []error
				pl, stale = saved.Check(pl)
				refused = append(refused, stale...)
			}
			view := planner.View{Color: useColor(c, human)}
			if !pl.HasChanges() && len(refused) == 0 && len(pl.Failures) == 0 {
				if format == "json" {
					return applier.Apply(c.Context, s.client, pl, applier.Options{}).WriteJSON(stdout)
				}
				return view.Text(stdout, pl)
			}
			if saved == nil {
				// Show what is about to happen, with or without a prompt:
				// a pipeline's log then says what each apply did.
				if err := view.Text(human, pl); err != nil {
					return err
				}
				if !pl.HasChanges() {
					fmt.Fprintln(human) // nothing to approve: only what could not be planned to report
				} else if !c.Bool("auto-approve") {
					if err := confirm(c.Context, stdin, human); err != nil {
						return err
					}
				} else {
					fmt.Fprintln(human)
				}
			}
			if bar := uploadBar(stderr, pl); bar != nil {
				s.client.SetUploadProgress(bar)
				defer bar.Finish()
			}
			rep := applier.Apply(c.Context, s.client, pl, applier.Options{Parallelism: integer(c, "parallelism")})
			rep.Refuse(refused)
			write := rep.Write
			if format == "json" {
				write = rep.WriteJSON
			}
			if err := write(stdout); err != nil {
				return err
			}
			summaryErr := applySummary(c, rep)
			if err := rep.Err(); err != nil {
				if githubOf(c) != nil && summaryErr == nil {
					err = &summarized{err} // the report names every failure
				}
				if c.Context.Err() != nil {
					return withHint(err, "interrupted: run apply again to finish; it plans from the live state")
				}
				return err
			}
			if summaryErr != nil {
				return summaryErr
			}
			return nil
		},
	}
}

// applySummary appends the apply report to the GitHub Actions step
// summary, so a release job's summary says what it did and what failed.
func applySummary(c *cli.Context, rep *applier.Report) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error {
		if _, err := io.WriteString(w, "### fgsdeploy apply\n\n```\n"); err != nil {
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
func confirm(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	if !isTerminal(stdin) {
		return withHint(errors.New("apply needs approval and stdin is not a terminal"), "pass --auto-approve, or apply a saved plan: fgsdeploy plan --out plan.json && fgsdeploy apply plan.json")
	}
	fmt.Fprint(stdout, "\nDo you want to apply these changes? Only 'yes' will be accepted: ")
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
		return &exitError{code: 1, err: errors.New("apply cancelled")}
	}
	return nil
}
