package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/plan/planfile"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func planCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show what apply would change",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "save the plan to `FILE` for apply"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or markdown"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 0 with no changes, 2 with changes, 1 on error"},
			&cli.StringSliceFlag{Name: "target", Usage: "plan only function `NAME` (repeatable)"},
		}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" && format != "markdown" {
				return fmt.Errorf("--format %q: want text, json or markdown", format)
			}
			s, pl, err := planFromFlags(c, stderr, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			defer pl.Close()
			if err := writePlan(stdout, format, plan.View{Color: useColor(c, stdout)}, pl); err != nil {
				return err
			}
			if err := planSummary(c, pl); err != nil {
				return err
			}
			if out := c.String("out"); out != "" {
				if err := savePlan(c, stdout, out, format, pl); err != nil {
					return err
				}
			}
			if err := pl.Err(); err != nil {
				return err // one function's failure: the others were planned, and shown
			}
			if c.Bool("detailed-exitcode") && pl.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
}

// planFromFlags is what plan and apply share: it loads the functions the
// run is for (--target, or those of saved), connects and computes their
// plan. saved is the plan file apply was given, or nil: its functions are
// planned again, with its salt, and must be the ones it was made for.
// The caller closes the session and the plan.
func planFromFlags(c *cli.Context, stderr io.Writer, saved *planfile.Saved) (*session, *plan.Plan, error) {
	only := targets(c.StringSlice("target"))
	if saved != nil {
		only = saved.Targets()
	}
	// Owned: a target may name a function the project owns and the
	// manifest no longer declares (a deletion).
	p, err := loadProject(c, manifest.Options{Functions: only, Owned: true})
	var ue *manifest.UndeclaredError
	if saved != nil && errors.As(err, &ue) {
		return nil, nil, fmt.Errorf("the saved plan's %w", err)
	}
	if err != nil {
		return nil, nil, targetError(err)
	}
	s, err := connect(c.Context, c, p, stderr)
	if err != nil {
		return nil, nil, err
	}
	vc, err := versionCap(c)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	b, err := builderFor(p)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	opts := planner.Options{Parallelism: integer(c, "parallelism"), Targets: c.StringSlice("target"), VersionCap: vc, PackageProgress: packageBar(stderr),
		Region: s.client.Region(), Objects: s.obs, Builder: b}
	if saved != nil {
		opts.Salt, opts.Targets, opts.SavedTargets = saved.Salt, saved.Targets(), true
		err := saved.SameTarget(func(name string) string {
			for _, f := range p.Functions {
				if f.Name == name {
					return s.client.FunctionURN(f.Package, f.FuncName)
				}
			}
			return ""
		})
		if err != nil {
			s.Close()
			return nil, nil, err
		}
	}
	// The first interrupt is silent while the planner reads (planning
	// changes nothing, so there is nothing to wait for): an interrupted
	// plan is one line, planner.ErrInterrupted.
	planning.Store(true)
	defer planning.Store(false)
	pl, err := planner.Compute(c.Context, s.client, p, opts)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	pl.Local = s.local != nil
	return s, pl, nil
}

// writePlan prints the plan in format: text, json or markdown.
func writePlan(w io.Writer, format string, view plan.View, pl *plan.Plan) error {
	switch format {
	case "json":
		return view.JSON(w, pl)
	case "markdown":
		return view.Markdown(w, pl)
	default:
		return view.Text(w, pl)
	}
}

// savePlan writes plan --out FILE and, under --format text, says how to
// apply it.
func savePlan(c *cli.Context, stdout io.Writer, out, format string, pl *plan.Plan) error {
	if err := planfile.Save(out, pl); err != nil {
		return err
	}
	if format == "text" {
		without := ""
		if n := len(pl.Failures); n > 0 {
			without = fmt.Sprintf(", without the %d function%s it could not plan", n, plural(n))
		}
		fmt.Fprintf(stdout, "Saved the plan to %s%s; apply it with: %s\n", out, without, savedPlanCommand(c, out))
	}
	return nil
}

// planSummary appends the Markdown plan to the GitHub Actions step summary.
func planSummary(c *cli.Context, pl *plan.Plan) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error { return (plan.View{}).Markdown(w, pl) })
}
