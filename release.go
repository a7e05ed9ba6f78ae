package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// functionArg connects and returns the URN of the function named by the
// first argument, its key in the manifest (its package and FunctionGraph
// name, name:, come from the manifest and the --env overlay).
func functionArg(c *cli.Context, stderr io.Writer) (*session, *manifest.Function, string, error) {
	if c.NArg() != 1 {
		return nil, nil, "", fmt.Errorf("%s takes one function name, got %d arguments", c.Command.Name, c.NArg())
	}
	name := c.Args().First()
	// Only what locates the function: a rollback during an incident must
	// not need the secrets of every function in the manifest.
	p, err := loadProject(c, manifest.Options{Functions: []string{name}, LocateOnly: true})
	if err != nil {
		return nil, nil, "", err
	}
	var fn *manifest.Function
	for _, f := range p.Functions {
		if f.Name == name {
			fn = f
		}
	}
	if fn == nil {
		return nil, nil, "", fmt.Errorf("function %s is not in %s", name, p.File)
	}
	s, err := connect(c.Context, c, p, stderr)
	if err != nil {
		return nil, nil, "", err
	}
	return s, fn, s.client.FunctionURN(fn.Package, fn.FuncName), nil
}

// aliasArg picks the alias: --alias, or the function's only declared alias.
func aliasArg(c *cli.Context, fn *manifest.Function) (string, error) {
	if a := c.String("alias"); a != "" {
		return a, nil
	}
	if len(fn.Aliases) == 1 {
		for name := range fn.Aliases {
			return name, nil
		}
	}
	return "", fmt.Errorf("%s declares %d aliases: name one with --alias", fn.Name, len(fn.Aliases))
}

func versionsCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "versions",
		Usage:     "list a function's versions and where its aliases point",
		ArgsUsage: "NAME",
		Flags:     flags(commonFlags(), remoteFlags(), []cli.Flag{&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			s, fn, urn, err := functionArg(c, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			vs, err := s.client.ListVersions(c.Context, urn)
			if err != nil {
				return fmt.Errorf("list versions of %s: %w", fn.Name, err)
			}
			as, err := s.client.ListAliases(c.Context, urn)
			if err != nil {
				return fmt.Errorf("list aliases of %s: %w", fn.Name, err)
			}
			l := release.List(vs, as)
			if err := l.ReadTriggers(c.Context, s.client, urn); err != nil {
				return fmt.Errorf("list triggers of %s: %w", fn.Name, err)
			}
			prod, err := readProduction(c.Context, s.client, urn) // production.go
			if err != nil {
				return fmt.Errorf("%s: %w", fn.Name, err)
			}
			if format == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				doc := map[string]any{"function": fn.Name, "urn": urn, "versions": versionsJSON(l), "aliases": aliasesJSON(l.Aliases, l.AliasTriggers)}
				maps.Copy(doc, productionJSON(prod))
				return enc.Encode(doc)
			}
			if err := writeVersions(stdout, l); err != nil {
				return err
			}
			return writeProduction(stdout, prod)
		},
	}
}

// writeVersions prints the versions table and, when there are aliases,
// where each one routes and where rollback would send it.
func writeVersions(w io.Writer, l release.Listing) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tDIGEST\tSIZE\tLAST MODIFIED\tALIASES")
	for _, v := range l.Versions {
		var names []string
		for _, r := range v.Routes {
			switch {
			case r.ByRule:
				names = append(names, r.Alias+" (by rule)")
			case r.Weight == 100:
				names = append(names, r.Alias)
			default:
				names = append(names, fmt.Sprintf("%s (%d%%)", r.Alias, r.Weight))
			}
		}
		d := v.Digest
		if len(d) > 16 {
			d = d[:16]
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", v.Version.Version, d, v.CodeSize, shownTime(v.LastModified), strings.Join(names, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(l.Aliases) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ALIAS\tROUTES\tROLLBACK TO")
	for _, a := range l.Aliases {
		back := "(none recorded: name one with rollback --to)"
		switch to, callsOff := release.RollbackTarget(a); {
		case callsOff:
			back = to + " (calls off the canary)"
		case to != "":
			back = to
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, release.Describe(a), back)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeTriggers(w, l)
}

// writeTriggers prints, when there are any, the triggers of each version
// and alias: what a release moves events to (an alias's triggers follow
// its routing) and what pruning keeps.
func writeTriggers(w io.Writer, l release.Listing) error {
	type row struct{ qualifier, trigger string }
	var rows []row
	for _, a := range l.Aliases {
		for _, t := range l.AliasTriggers[a.Name] {
			rows = append(rows, row{a.Name + " (alias)", release.DescribeTrigger(t)})
		}
	}
	for _, v := range l.Versions {
		for _, t := range v.Triggers {
			rows = append(rows, row{v.Version.Version, release.DescribeTrigger(t)})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BOUND TO\tTRIGGER")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r.qualifier, r.trigger)
	}
	return tw.Flush()
}

// triggerJSON is a trigger in the versions listing's JSON: no event_data,
// which may hold passwords.
type triggerJSON struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Status string `json:"status"`
	Name   string `json:"name"` // release.DescribeTrigger without the status
}

func triggersJSON(ts []apiclient.Trigger) []triggerJSON {
	out := []triggerJSON{}
	for _, t := range ts {
		name := release.DescribeTrigger(apiclient.Trigger{ID: t.ID, TypeCode: t.TypeCode, EventData: t.EventData})
		out = append(out, triggerJSON{t.ID, t.TypeCode, t.Status, name})
	}
	return out
}

type versionJSON struct {
	Version      string        `json:"version"`
	Description  string        `json:"description,omitempty"`
	Digest       string        `json:"digest"`
	CodeSize     int64         `json:"code_size"`
	LastModified string        `json:"last_modified"`
	Aliases      []aliasWeight `json:"aliases"`
	Triggers     []triggerJSON `json:"triggers"`
}

type aliasWeight struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`            // percent; 0 with ByRule
	ByRule bool   `json:"by_rule,omitempty"` // routed by request rules, not by weight
}

func versionsJSON(l release.Listing) []versionJSON {
	out := make([]versionJSON, 0, len(l.Versions))
	for _, v := range l.Versions {
		ws := []aliasWeight{}
		for _, r := range v.Routes {
			ws = append(ws, aliasWeight{r.Alias, r.Weight, r.ByRule})
		}
		out = append(out, versionJSON{v.Version.Version, v.Description, v.Digest, v.CodeSize, jsonTime(v.LastModified), ws, triggersJSON(v.Triggers)})
	}
	return out
}

func aliasesJSON(as []apiclient.Alias, triggers map[string][]apiclient.Trigger) []map[string]any {
	out := []map[string]any{}
	for _, a := range as {
		m := map[string]any{"name": a.Name, "version": a.Version, "triggers": triggersJSON(triggers[a.Name])}
		if len(a.AdditionalVersionWeights) > 0 {
			m["additional_version_weights"] = a.AdditionalVersionWeights
		}
		if len(a.AdditionalVersionStrategy) > 0 {
			m["additional_version_strategy"] = a.AdditionalVersionStrategy
		}
		// Where rollback (without --to) would send the alias: its main
		// version when that calls off a canary, else the recorded
		// previous version.
		_, rec := release.SplitAliasDescription(a.Description)
		if rec.Previous != "" {
			m["previous"] = rec.Previous
		}
		// A version a rollback took the alias off: a re-run of its
		// release does not route to it again.
		if rec.Reverted != "" {
			m["reverted"] = rec.Reverted
		}
		if to, callsOff := release.RollbackTarget(a); to != "" {
			m["rollback_to"] = to
			m["rollback_calls_off_canary"] = callsOff
		}
		out = append(out, m)
	}
	return out
}

// aliasAction connects, picks the alias and runs move, printing the alias's
// routing before and after: the body of promote and rollback.
func aliasAction(stdout, stderr io.Writer, verb string, move func(c *cli.Context, api *apiclient.Client, urn, alias string) (*release.AliasMove, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		s, fn, urn, err := functionArg(c, stderr)
		if err != nil {
			return err
		}
		defer s.Close()
		alias, err := aliasArg(c, fn)
		if err != nil {
			return err
		}
		m, err := move(c, s.client, urn, alias)
		if errors.Is(err, release.ErrNoPrevious) {
			return withHint(fmt.Errorf("%s %s: alias %s: %w", verb, fn.Name, alias, err), "name the version with --to (see: fgsdeploy versions %s)", fn.Name)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", verb, fn.Name, err)
		}
		if m.Unchanged {
			fmt.Fprintf(stdout, "%s: alias %s is already wholly on %s, the newest version: nothing to %s\n", fn.Name, alias, m.Before.Version, verb)
			return nil
		}
		fmt.Fprintf(stdout, "%s: alias %s: %s -> %s\n", fn.Name, alias, release.Describe(m.Before), release.Describe(m.After))
		return nil
	}
}

func promoteCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "promote",
		Usage:     "move a canary alias wholly to its canary version",
		ArgsUsage: "NAME",
		Flags:     flags(commonFlags(), remoteFlags(), []cli.Flag{&cli.StringFlag{Name: "alias", Usage: "the alias `A` (default: the function's only alias)"}}, canaryFlags()),
		Action: promoteAction(stdout, stderr, aliasAction(stdout, stderr, "promote", func(c *cli.Context, api *apiclient.Client, urn, alias string) (*release.AliasMove, error) {
			return release.Promote(c.Context, api, urn, alias)
		})),
	}
}

func rollbackCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "rollback",
		Usage:     "point an alias back (default: the version it pointed at before)",
		ArgsUsage: "NAME",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "alias", Usage: "the alias `A` (default: the function's only alias)"},
			&cli.StringFlag{Name: "to", Usage: "point the alias at `VERSION`"},
		}),
		Action: aliasAction(stdout, stderr, "rollback", func(c *cli.Context, api *apiclient.Client, urn, alias string) (*release.AliasMove, error) {
			return release.Rollback(c.Context, api, urn, alias, c.String("to"))
		}),
	}
}
