package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
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
			p, err := loadProject(c, manifest.Options{Functions: targets(c.StringSlice("target"))})
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
			pl, err := computePlan(c, s, p, planner.Options{Parallelism: integer(c, "parallelism"), Targets: c.StringSlice("target"), VersionCap: vc, PackageProgress: packageBar(stderr)})
			if err != nil {
				return err
			}
			defer pl.Close()
			view := planner.View{Color: useColor(c, stdout)}
			switch format {
			case "json":
				err = view.JSON(stdout, pl)
			case "markdown":
				err = view.Markdown(stdout, pl)
			default:
				err = view.Text(stdout, pl)
			}
			if err != nil {
				return err
			}
			if err := planSummary(c, pl); err != nil {
				return err
			}
			if out := c.String("out"); out != "" {
				if err := planner.Save(out, pl); err != nil {
					return err
				}
				if format == "text" {
					without := ""
					if n := len(pl.Failures); n > 0 {
						without = fmt.Sprintf(", without the %d function%s it could not plan", n, plural(n))
					}
					fmt.Fprintf(stdout, "Saved the plan to %s%s; apply it with: fgsdeploy apply %s\n", out, without, out)
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

// planSummary appends the Markdown plan to the GitHub Actions step summary.
func planSummary(c *cli.Context, pl *planner.Plan) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error { return (planner.View{}).Markdown(w, pl) })
}

// computePlan runs the planner, with the first interrupt silent while it
// reads (planning changes nothing, so there is nothing to wait for): an
// interrupted plan is one line, planner.ErrInterrupted.
func computePlan(c *cli.Context, s *session, p *manifest.Project, opts planner.Options) (*planner.Plan, error) {
	planning.Store(true)
	defer planning.Store(false)
	return planner.Compute(c.Context, s.client, p, opts)
}
