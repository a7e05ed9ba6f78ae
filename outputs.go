package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/ghactions"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

func outputsCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "outputs",
		Usage: "print each function's URN, newest version, aliases and API URLs, from the live state",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringSliceFlag{Name: "target", Usage: "only function `NAME` (repeatable)"},
		}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			if c.NArg() > 0 {
				return fmt.Errorf("outputs takes no arguments (--target NAME picks functions), got %d", c.NArg())
			}
			// Only what locates the functions: a pipeline reading outputs
			// needs none of their secrets.
			p, err := loadProject(c, manifest.Options{Functions: targets(c.StringSlice("target")), LocateOnly: true})
			if err != nil {
				return targetError(err)
			}
			s, err := connect(c.Context, c, p, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			var fns []deployed
			for _, f := range p.Functions {
				fns = append(fns, deployed{f.Name, f.FuncName, s.client.FunctionURN(f.Package, f.FuncName)})
			}
			outs, err := readOutputs(c.Context, s, fns, integer(c, "parallelism"))
			if werr := writeOutputs(c, stdout, format, outs); werr != nil {
				return werr
			}
			return err
		},
	}
}

// deployed names a function whose outputs are read: its key, its
// FunctionGraph name and its URN.
type deployed struct {
	name, funcName, urn string
}

// readOutputs reads the outputs of fns from the live state, par at a
// time, sorted by name. A function that is not deployed, or whose reads
// failed, is left out and named in the error.
func readOutputs(ctx context.Context, s *session, fns []deployed, par int) ([]*release.Outputs, error) {
	if par <= 0 {
		par = 8
	}
	outs := make([]*release.Outputs, len(fns))
	errs := make([]error, len(fns))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outs[i], errs[i] = release.ReadOutputs(ctx, s.client, f.name, f.funcName, f.urn)
		}()
	}
	wg.Wait()
	var got []*release.Outputs
	for _, o := range outs {
		if o != nil {
			got = append(got, o)
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Name < got[j].Name })
	err := errors.Join(errs...)
	if err != nil {
		err = fmt.Errorf("outputs: %w", err)
		if slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, release.ErrNotDeployed) }) {
			err = withHint(err, "apply first: outputs reads what is deployed")
		}
	}
	return got, err
}

// writeOutputs prints outs (text, or the outputs document in json) and
// writes them to the GitHub Actions step's outputs.
func writeOutputs(c *cli.Context, w io.Writer, format string, outs []*release.Outputs) error {
	if outs == nil {
		outs = []*release.Outputs{}
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"format_version": "1", "outputs": outs}); err != nil {
			return err
		}
	} else if err := writeOutputsText(w, outs); err != nil {
		return err
	}
	return setStepOutputs(githubOf(c), outs)
}

// writeOutputsText prints outs for people, under "Outputs:".
func writeOutputsText(w io.Writer, outs []*release.Outputs) error {
	if len(outs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("Outputs:\n")
	for _, o := range outs {
		fmt.Fprintf(&b, "  %s: %s\n", plan.Title(o.Name, o.FuncName), o.URN)
		if o.Version != "" {
			fmt.Fprintf(&b, "    version: %s\n", o.Version)
		}
		for _, name := range slices.Sorted(maps.Keys(o.Aliases)) {
			a := o.Aliases[name]
			fmt.Fprintf(&b, "    alias %s: %s\n", name, release.Describe(aliasOf(name, a)))
		}
		for _, api := range o.APIs {
			what := api.Type + " on " + api.Qualifier
			if api.Name != "" {
				what = api.Type + " " + api.Name + " on " + api.Qualifier
			}
			fmt.Fprintf(&b, "    url (%s): %s\n", what, api.URL)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// aliasOf is the alias an output describes, for release.Describe.
func aliasOf(name string, a release.AliasOutput) apiclient.Alias {
	al := apiclient.Alias{Name: name, Version: a.Version, AdditionalVersionWeights: a.Weights}
	for _, v := range a.ByRule {
		if al.AdditionalVersionStrategy == nil {
			al.AdditionalVersionStrategy = map[string]json.RawMessage{}
		}
		al.AdditionalVersionStrategy[v] = json.RawMessage("{}")
	}
	return al
}

// setStepOutputs writes outs to the GitHub Actions step's outputs: json
// (the outputs document on one line) and, per function KEY, KEY_urn,
// KEY_func_name, KEY_version, KEY_alias_ALIAS (the alias's main version)
// and KEY_url (the API URLs, one per line).
func setStepOutputs(g *ghactions.Step, outs []*release.Outputs) error {
	if g == nil || g.OutputFile == "" {
		return nil
	}
	doc, err := json.Marshal(map[string]any{"format_version": "1", "outputs": outs})
	if err != nil {
		return err
	}
	list := []ghactions.Output{{Name: "json", Value: string(doc)}}
	for _, o := range outs {
		add := func(suffix, value string) {
			list = append(list, ghactions.Output{Name: o.Name + "_" + suffix, Value: value})
		}
		add("urn", o.URN)
		add("func_name", o.FuncName)
		add("version", o.Version)
		for _, name := range slices.Sorted(maps.Keys(o.Aliases)) {
			add("alias_"+name, o.Aliases[name].Version)
		}
		var urls []string
		for _, api := range o.APIs {
			urls = append(urls, api.URL)
		}
		add("url", strings.Join(urls, "\n"))
	}
	return g.SetOutputs(list, nil)
}

// applyOutputs reads, once apply is done, the outputs of the functions it
// applied (deletions aside) or found unchanged, into rep. An interrupted apply reads none.
func applyOutputs(c *cli.Context, s *session, pl *plan.Plan, rep *applier.Report) error {
	if c.Context.Err() != nil {
		return nil
	}
	byName := map[string]*plan.FunctionPlan{}
	for _, f := range pl.Functions {
		byName[f.Name] = f
	}
	var fns []deployed
	for _, fr := range rep.Functions {
		f := byName[fr.Name]
		if f != nil && f.Action != plan.Delete && (fr.Outcome == applier.Applied || fr.Outcome == applier.Unchanged) {
			fns = append(fns, deployed{f.Name, f.FuncName, f.URN})
		}
	}
	outs, err := readOutputs(c.Context, s, fns, integer(c, "parallelism"))
	rep.Outputs = outs
	return err
}
