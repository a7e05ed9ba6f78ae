package applier

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Outcome is how one function's apply ended.
type Outcome int

// The outcomes. Unchanged is the zero value: nothing to do.
const (
	Unchanged Outcome = iota
	Applied
	Failed
	Interrupted // stopped by an interrupt before all its steps ran
	Refused     // not attempted: a saved plan's precondition did not hold
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Unchanged:
		return "unchanged"
	case Applied:
		return "applied"
	case Failed:
		return "failed"
	case Interrupted:
		return "interrupted"
	case Refused:
		return "refused"
	}
	panic(fmt.Sprintf("applier: impossible outcome %d", int(o)))
}

// FunctionReport is what happened to one function.
type FunctionReport struct {
	Name     string // the manifest's key
	FuncName string // the FunctionGraph name ("" when not known)
	Action   plan.Action
	Outcome  Outcome
	// Done are the steps that completed, NotDone those not run (after a
	// failure or an interrupt), by type as plans show them (plan.Types):
	// a step of several requests is done when all of them are.
	Done    []plan.StepType
	NotDone []plan.StepType
	Failed  plan.StepType // the step that failed, if Outcome is Failed; StepNone: planning failed
	// Published is the version the publish step made, by the name
	// FunctionGraph gave it ("" when nothing was published).
	Published string
	// Aliases are the aliases the aliases step wrote, as written.
	Aliases []apiclient.Alias
	// Pruned are the versions the prune step deleted.
	Pruned []string
	// Uploaded is how many bytes the upload step sent to OBS (0 when the
	// package was there already).
	Uploaded int64
	// Triggers are the triggers the triggers step changed, in order.
	Triggers []TriggerChange
	// Reserved are the reservations the reserved instances step set.
	Reserved []ReservedReport
	Err      error
}

// Report is the result of Apply, one entry per function, sorted by name,
// and one per dependency the plan builds.
type Report struct {
	Functions    []FunctionReport
	Dependencies []DependencyReport
	// Command names the run in the summary line ("Apply: ...", the
	// default, or "Destroy: ...").
	Command string
	// Auth is the authentication failure that stopped the run
	// (apiclient.IsUnauthenticated), or nil. The functions after it are
	// reported interrupted.
	Auth error
	// Outputs are what the functions that were applied or unchanged
	// give the next step of a pipeline, read from the live state after
	// apply (release.ReadOutputs; the CLI reads them): the JSON report's
	// "outputs" (a destroy's report has none).
	Outputs []*release.Outputs
}

// Refuse adds functions that were not attempted, with the reason (a
// saved plan's stale functions, and those it could not plan).
func (r *Report) Refuse(errs []*plan.FunctionError) {
	for _, fe := range errs {
		r.Functions = append(r.Functions, FunctionReport{Name: fe.Name, FuncName: fe.FuncName, Outcome: Refused, Err: fe})
	}
	sort.SliceStable(r.Functions, func(i, j int) bool { return r.Functions[i].Name < r.Functions[j].Name })
}

// Err returns every failure, refusal and interruption, or nil; after an
// authentication failure, only that one: the rest is its consequence.
func (r *Report) Err() error {
	if r.Auth != nil {
		return r.Auth
	}
	var errs *multierror.Error
	for _, d := range r.Dependencies {
		if d.Err != nil {
			errs = multierror.Append(errs, d.Err)
		}
	}
	for _, f := range r.Functions {
		if f.Err != nil {
			errs = multierror.Append(errs, f.Err)
		}
	}
	if errs == nil {
		return nil
	}
	errs.ErrorFormat = func(es []error) string {
		s := make([]string, len(es))
		for i, e := range es {
			s[i] = e.Error()
		}
		if len(s) == 1 {
			return s[0]
		}
		return fmt.Sprintf("%d functions did not apply:\n  %s", len(s), strings.Join(s, "\n  "))
	}
	return errs
}

// Summary counts the outcomes of a report.
type Summary struct {
	Created    int `json:"created"`
	Updated    int `json:"updated"`
	Deleted    int `json:"deleted,omitempty"`
	Unchanged  int `json:"unchanged"`
	Failed     int `json:"failed"`
	NotApplied int `json:"not_applied"` // interrupted or refused before any step
	// Partial counts the functions, among Created and Updated, that an
	// interrupt stopped before all their steps ran (a created function
	// whose release did not run yet).
	Partial int `json:"partial"`
}

// Summary counts the report's outcomes. An interrupted function is
// created or updated (and Partial) when its create, or for an update any
// step, was done; otherwise it is not applied.
func (r *Report) Summary() Summary {
	var s Summary
	for _, f := range r.Functions {
		switch {
		case f.Outcome == Interrupted && f.Action == plan.Create && slices.Contains(f.Done, plan.StepCreate):
			s.Created++
			s.Partial++
			continue
		case f.Outcome == Interrupted && f.Action != plan.Create && len(f.Done) > 0:
			s.Updated++
			s.Partial++
			continue
		}
		switch f.Outcome {
		case Unchanged:
			s.Unchanged++
		case Applied:
			switch f.Action {
			case plan.Create:
				s.Created++
			case plan.Delete:
				s.Deleted++
			default:
				s.Updated++
			}
		case Failed:
			s.Failed++
		case Interrupted, Refused:
			s.NotApplied++
		}
	}
	return s
}

// WriteJSON prints the report as JSON (format_version "1"), for scripts:
// per function its outcome, the steps done and not done, the version
// published and the aliases written, and the error.
func (r *Report) WriteJSON(w io.Writer) error {
	type jsonFunction struct {
		Name       string            `json:"name"`
		FuncName   string            `json:"func_name,omitempty"`
		Action     string            `json:"action"`
		Outcome    string            `json:"outcome"`
		Done       []string          `json:"done"`
		NotDone    []string          `json:"not_done"`
		FailedStep string            `json:"failed_step,omitempty"`
		Published  string            `json:"published,omitempty"`
		Aliases    []apiclient.Alias `json:"aliases,omitempty"`
		Pruned     []string          `json:"pruned,omitempty"`
		Uploaded   *int64            `json:"uploaded_bytes,omitempty"`
		Triggers   []TriggerChange   `json:"triggers,omitempty"`
		Reserved   []ReservedReport  `json:"reserved_instances,omitempty"`
		Error      string            `json:"error,omitempty"`
	}
	names := func(ts []plan.StepType) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = t.String()
		}
		return out
	}
	type jsonDependency struct {
		Name      string  `json:"name"`
		Outcome   string  `json:"outcome"`
		Published string  `json:"published_version_id,omitempty"`
		Version   int64   `json:"published_version,omitempty"`
		Uploaded  int64   `json:"uploaded_bytes,omitempty"`
		Pruned    []int64 `json:"pruned,omitempty"`
		Kept      []int64 `json:"kept,omitempty"`
		Error     string  `json:"error,omitempty"`
	}
	out := struct {
		FormatVersion string              `json:"format_version"`
		Functions     []jsonFunction      `json:"functions"`
		Dependencies  []jsonDependency    `json:"dependencies,omitempty"`
		Summary       Summary             `json:"summary"`
		Outputs       *[]*release.Outputs `json:"outputs,omitempty"`
	}{FormatVersion: "1", Functions: []jsonFunction{}, Summary: r.Summary()}
	if r.Command != "destroy" {
		outs := r.Outputs
		if outs == nil {
			outs = []*release.Outputs{}
		}
		out.Outputs = &outs
	}
	for _, d := range r.Dependencies {
		jd := jsonDependency{Name: d.Name, Outcome: d.Outcome.String(), Uploaded: d.Uploaded, Pruned: d.Pruned, Kept: d.Kept}
		if d.Published != nil {
			jd.Published, jd.Version = d.Published.ID, d.Published.Version
		}
		if d.Err != nil {
			jd.Error = d.Err.Error()
		}
		out.Dependencies = append(out.Dependencies, jd)
	}
	for _, f := range r.Functions {
		jf := jsonFunction{Name: f.Name, FuncName: f.FuncName, Action: f.Action.String(), Outcome: f.Outcome.String(),
			Done: names(f.Done), NotDone: names(f.NotDone), Published: f.Published, Aliases: f.Aliases, Pruned: f.Pruned, Triggers: f.Triggers, Reserved: f.Reserved}
		if slices.Contains(f.Done, plan.StepUpload) {
			jf.Uploaded = &f.Uploaded
		}
		if f.Outcome == Failed {
			jf.FailedStep = f.Failed.String()
			if f.Failed == plan.StepNone {
				jf.FailedStep = "plan" // it could not be planned: nothing of it was applied
			}
		}
		if f.Err != nil {
			jf.Error = f.Err.Error()
		}
		out.Functions = append(out.Functions, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Write prints the report: a line per function that was to change, then
// a summary line.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	writeDependencies(&b, r.Dependencies)
	for _, f := range r.Functions {
		title := plan.Title(f.Name, f.FuncName)
		switch f.Outcome {
		case Applied:
			switch f.Action {
			case plan.Create:
				fmt.Fprintf(&b, "%s: created (%s)\n", title, f.doneList())
			case plan.Delete:
				fmt.Fprintf(&b, "%s: deleted (%s)\n", title, f.doneList())
			default:
				fmt.Fprintf(&b, "%s: updated %s\n", title, f.doneList())
			}
		case Failed:
			if f.Failed == plan.StepNone {
				fmt.Fprintf(&b, "%s: failed while planning: %v\n", title, strings.TrimPrefix(f.Err.Error(), f.Name+": "))
				continue
			}
			cause := f.Err
			if u := errors.Unwrap(cause); u != nil {
				cause = u // f.Err repeats the name and step for Err()
			}
			fmt.Fprintf(&b, "%s: failed at %s: %v\n", title, f.Failed, cause)
			writeDoneNotDone(&b, f)
		case Interrupted:
			fmt.Fprintf(&b, "%s: interrupted\n", title)
			writeDoneNotDone(&b, f)
		case Refused:
			fmt.Fprintf(&b, "%s: refused: %s\n", title, strings.TrimPrefix(f.Err.Error(), f.Name+": "))
		}
	}
	sum := r.Summary()
	deleted := ""
	if sum.Deleted > 0 {
		deleted = fmt.Sprintf(", %d deleted", sum.Deleted)
	}
	if r.Command == "destroy" {
		fmt.Fprintf(&b, "Destroy: %d deleted, %d failed", sum.Deleted, sum.Failed)
	} else {
		fmt.Fprintf(&b, "Apply: %d created, %d updated%s, %d unchanged, %d failed", sum.Created, sum.Updated, deleted, sum.Unchanged, sum.Failed)
	}
	if sum.NotApplied > 0 {
		fmt.Fprintf(&b, ", %d not applied", sum.NotApplied)
	}
	if sum.Partial > 0 {
		fmt.Fprintf(&b, "; %d interrupted part-way", sum.Partial)
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDoneNotDone(b *strings.Builder, f FunctionReport) {
	if len(f.Done) > 0 {
		fmt.Fprintf(b, "    done: %s\n", f.doneList())
	}
	if len(f.NotDone) > 0 {
		fmt.Fprintf(b, "    not done: %s\n", stepList(f.NotDone))
	}
}

// doneList names the steps done, the publish with its version: a
// release pipeline's log then says which version it made.
func (f FunctionReport) doneList() string {
	names := make([]string, len(f.Done))
	for i, t := range f.Done {
		names[i] = t.String()
		switch {
		case t == plan.StepPublish && f.Published != "":
			names[i] += " " + f.Published
		case t == plan.StepUpload && f.Uploaded == 0:
			names[i] += " (already in OBS)"
		case t == plan.StepUpload:
			names[i] += " " + sizeText(f.Uploaded)
		case t == plan.StepPrune && len(f.Pruned) > 0:
			names[i] += " " + strings.Join(f.Pruned, " ")
		case t == plan.StepTriggers && len(f.Triggers) > 0:
			names[i] += " (" + triggerCounts(f.Triggers) + ")"
		case t == plan.StepReserved && len(f.Reserved) > 0:
			names[i] += " (" + reservedList(f.Reserved) + ")"
		case t == plan.StepAliases && len(f.Aliases) > 0:
			moves := make([]string, len(f.Aliases))
			for j, a := range f.Aliases {
				moves[j] = "alias " + a.Name + " -> " + release.Describe(a)
			}
			names[i] = strings.Join(moves, ", ")
		}
	}
	return strings.Join(names, ", ")
}

func stepList(s []plan.StepType) string {
	names := make([]string, len(s))
	for i, t := range s {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// sizeText is a byte count as people read it: 512 B, 1.5 MB.
func sizeText(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
