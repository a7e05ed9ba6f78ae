package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func destroyCmd(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "destroy",
		Usage: "delete every function of the project (project: in the manifest), after showing them and asking",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.BoolFlag{Name: "auto-approve", Usage: "destroy without asking"},
			&cli.StringSliceFlag{Name: "target", Usage: "destroy only function `NAME` (repeatable)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "report as text or json (json: the list and the prompt go to stderr)"},
			&cli.BoolFlag{Name: "force-unowned", Usage: "also delete declared functions that do not carry the project's ownership tag"},
		}),
		Action: func(c *cli.Context) error { return destroy(c, stdin, stdout, stderr) },
	}
}

// destroy deletes the project's functions (and the dependency versions
// only they used): it shows what it will delete, asks unless
// --auto-approve, and reports like apply. With nothing to delete it says
// so and exits 0, so a second destroy succeeds.
func destroy(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	format := c.String("format")
	if format != "text" && format != "json" {
		return fmt.Errorf("--format %q: want text or json", format)
	}
	human := stdout
	if format == "json" {
		human = stderr
	}
	p, err := loadProject(c, manifest.Options{Functions: targets(c.StringSlice("target")), Owned: true, LocateOnly: true})
	if err != nil {
		return targetError(err)
	}
	if p.Project == "" {
		return withHint(planner.ErrNoProject, "add project: NAME at the top of %s: the functions fgsdeploy then creates or updates carry its tag, and destroy deletes those", p.File)
	}
	s, err := connect(c.Context, c, p, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	planning.Store(true)
	pl, err := planner.Destroy(c.Context, s.client, p, planner.DestroyOptions{Parallelism: integer(c, "parallelism"),
		Targets: c.StringSlice("target"), ForceUnowned: c.Bool("force-unowned")})
	planning.Store(false)
	if err != nil {
		return err
	}
	view := plan.View{Color: useColor(c, human)}
	refused := pl.Failures
	pl.Failures = nil // refused, not attempted: reported as such
	if !pl.HasChanges() && len(refused) == 0 {
		if format == "json" {
			return applier.Apply(c.Context, s.client, pl, applier.Options{}).WriteJSON(stdout)
		}
		fmt.Fprintf(stdout, "Nothing to destroy: project %s has no function%s to delete.\n", p.Project, targetPhrase(c.StringSlice("target")))
		return nil
	}
	shown := *pl
	shown.Failures = refused
	if err := view.DestroyText(human, &shown); err != nil {
		return err
	}
	switch {
	case !pl.HasChanges():
		fmt.Fprintln(human)
	case !c.Bool("auto-approve"):
		if err := confirmAction(c.Context, stdin, human, "Do you want to delete these functions? Only 'yes' will be accepted: ",
			errors.New("destroy needs approval and stdin is not a terminal"), "pass --auto-approve to destroy without asking", "destroy cancelled"); err != nil {
			return err
		}
	default:
		fmt.Fprintln(human)
	}
	rep := applier.Apply(c.Context, s.client, pl, applier.Options{Parallelism: integer(c, "parallelism")})
	rep.Refuse(refused)
	rep.Command = "destroy"
	return reportRun(c, stdout, format, rep, "destroy", nil)
}

// targetPhrase names the targets in "nothing to destroy".
func targetPhrase(names []string) string {
	switch len(names) {
	case 0:
		return "s"
	case 1:
		return " named " + names[0]
	}
	return "s of those named"
}
