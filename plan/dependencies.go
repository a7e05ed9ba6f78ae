package plan

import (
	"fmt"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// The plan of a dependency package the project builds: shared by
// functions, so planned once per project; its upload and publish run
// before the functions, its prune after them.

// DependencyPlan is one dependency's plan.
type DependencyPlan struct {
	Name string
	// Action is Create when this apply publishes the dependency's first
	// version (which makes the dependency), Update when it publishes a
	// new version of one that exists or only prunes, NoOp otherwise.
	Action Action
	Steps  []Step // [upload,] publish; prune steps last
	Notes  []string
	// Version is the version id the functions get: the newest's, or
	// PendingDependency(Name) when this apply publishes.
	Version string
}

// PendingDependency stands for the id of the version a dependency
// publish of this apply gets. A function's code step names it in
// depend_version_list; the applier puts the id the publish got in its
// place.
func PendingDependency(name string) string { return "(new version of " + name + ")" }

// IsPendingDependency reports whether a depend_version_list entry is a
// PendingDependency, and of which dependency.
func IsPendingDependency(s string) (name string, ok bool) {
	if n, found := strings.CutPrefix(s, "(new version of "); found && strings.HasSuffix(n, ")") {
		return strings.TrimSuffix(n, ")"), true
	}
	return "", false
}

// PublishDependency publishes a version of a dependency
// (CreateDependencyVersion): the package in the request (Body.DependFile
// is Code.Path) or from OBS (Body.DependLink, after an upload step). Etag
// is the package's MD5, which FunctionGraph reports for the version.
type PublishDependency struct {
	Body *apiclient.CreateDependencyRequest
	Code *CodeFile `json:"-"`
	Etag string
}

// Type implements Request.
func (*PublishDependency) Type() StepType { return StepDependency }

// DeleteDependencyVersion deletes a version of a dependency that keep
// lets go (after the functions moved off it).
type DeleteDependencyVersion struct {
	DepID   string
	Version int64
	ID      string
}

// Type implements Request.
func (*DeleteDependencyVersion) Type() StepType { return StepDependencyPrune }

// dependencyText writes the dependencies that change, as functions are
// written: a block each, a line per change.
func (v View) dependencyText(b *strings.Builder, p *Plan) {
	for _, d := range p.Dependencies {
		if d.Action == NoOp {
			continue
		}
		fmt.Fprintf(b, "%s dependency %s (%s)\n", v.paint(d.Action, d.Action.Symbol()), d.Name, d.Action)
		for i, s := range d.Steps {
			if i == 0 || d.Steps[i-1].Type() != s.Type() {
				fmt.Fprintf(b, "    %s:\n", s.Type().Title())
			}
			for _, c := range s.Changes {
				v.writeChange(b, c)
			}
		}
		for _, n := range d.Notes {
			fmt.Fprintf(b, "    note: %s\n", n)
		}
		b.WriteString("\n")
	}
	for _, d := range p.Dependencies {
		if d.Action == NoOp {
			for _, n := range d.Notes {
				fmt.Fprintf(b, "  dependency %s: %s\n", d.Name, n)
			}
		}
	}
}

// JSONDependency is one dependency of a JSON plan.
type JSONDependency struct {
	Name    string     `json:"name"`
	Action  string     `json:"action"`
	Version string     `json:"version"`
	Steps   []JSONStep `json:"steps"`
	Notes   []string   `json:"notes,omitempty"`
}

func jsonDependencies(p *Plan) []JSONDependency {
	var out []JSONDependency
	for _, d := range p.Dependencies {
		f := jsonFunction(&FunctionPlan{Name: d.Name, Action: d.Action, Steps: d.Steps, Notes: d.Notes})
		out = append(out, JSONDependency{Name: d.Name, Action: f.Action, Version: d.Version, Steps: f.Steps, Notes: f.Notes})
	}
	return out
}

// dependencyMarkdown writes the dependencies that change, a table each.
func dependencyMarkdown(b *strings.Builder, p *Plan) {
	for _, d := range p.Dependencies {
		if d.Action == NoOp {
			continue
		}
		fmt.Fprintf(b, "\n<details><summary><code>%s dependency %s</code> (%s)</summary>\n\n| step | field | before | after |\n|---|---|---|---|\n", d.Action.Symbol(), d.Name, d.Action)
		for _, st := range d.Steps {
			for _, c := range st.Changes {
				before, after := "", display(c.Field, c.After, c.Sensitive)
				if c.Action != Create {
					before = display(c.Field, c.Before, c.Sensitive)
				}
				if c.Action == Delete {
					after = ""
				}
				fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", st.Type(), c.Field, mdCell(before), mdCell(after))
			}
		}
		for _, n := range d.Notes {
			fmt.Fprintf(b, "\nNote: %s\n", mdText(n))
		}
		b.WriteString("\n</details>\n")
	}
}

// dependencySummary counts the dependency versions the plan publishes and
// the dependencies it prunes, for the summary line ("" for none).
func dependencySummary(p *Plan) string {
	publish, prune := 0, 0
	for _, d := range p.Dependencies {
		for i, s := range d.Steps {
			switch {
			case s.Type() == StepDependency:
				publish++
			case s.Type() == StepDependencyPrune && (i == 0 || d.Steps[i-1].Type() != StepDependencyPrune):
				prune++
			}
		}
	}
	out := ""
	if publish > 0 {
		out += fmt.Sprintf(", %d dependency version%s to publish", publish, plural(publish))
	}
	if prune > 0 {
		out += fmt.Sprintf(", %d dependenc%s to prune", prune, map[bool]string{true: "y", false: "ies"}[prune == 1])
	}
	return out
}
