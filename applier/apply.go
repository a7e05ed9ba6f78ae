package applier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// API is what apply calls on FunctionGraph.
type API interface {
	CreateFunction(ctx context.Context, req *apiclient.CreateRequest) (*apiclient.Function, error)
	UpdateCode(ctx context.Context, urn string, req *apiclient.UpdateCodeRequest) (*apiclient.Code, error)
	UpdateConfig(ctx context.Context, urn string, req *apiclient.UpdateConfigRequest) (*apiclient.Function, error)
	UpdateMaxInstances(ctx context.Context, urn string, n int) error
	GetConfig(ctx context.Context, urn string) (*apiclient.Function, error)
	PublishVersion(ctx context.Context, urn string, req *apiclient.PublishRequest) (*apiclient.Function, error)
	DeleteVersion(ctx context.Context, urn, version string) error
	CreateAlias(ctx context.Context, urn string, a *apiclient.Alias) (*apiclient.Alias, error)
	UpdateAlias(ctx context.Context, urn string, a *apiclient.Alias) (*apiclient.Alias, error)
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
}

var _ API = (*apiclient.Client)(nil)

// Options tune Apply.
type Options struct {
	// Parallelism bounds how many functions are applied at once; 0 means 8.
	Parallelism int
	// StepTimeout bounds one step once started. A started step is not
	// cancelled by an interrupt (a half-sent update is worse than a
	// finished one); it is cut off only by this timeout. 0 means 10 minutes.
	StepTimeout time.Duration
}

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
	Name    string
	Action  plan.Action
	Outcome Outcome
	Done    []plan.StepType // steps that completed
	NotDone []plan.StepType // steps not run (after a failure or an interrupt)
	Failed  plan.StepType   // the step that failed, if Outcome is Failed; StepNone: planning failed
	// Published is the version the publish step made, by the name
	// FunctionGraph gave it ("" when nothing was published).
	Published string
	// Aliases are the aliases the aliases step wrote, as written.
	Aliases []apiclient.Alias
	// Pruned are the versions the prune step deleted.
	Pruned []string
	Err    error
}

// Report is the result of Apply, one entry per function, sorted by name.
type Report struct {
	Functions []FunctionReport
}

// Refuse adds functions that were not attempted, with the reason (a
// saved plan's stale functions, and those it could not plan).
func (r *Report) Refuse(errs []*plan.FunctionError) {
	for _, fe := range errs {
		r.Functions = append(r.Functions, FunctionReport{Name: fe.Name, Outcome: Refused, Err: fe})
	}
	sort.SliceStable(r.Functions, func(i, j int) bool { return r.Functions[i].Name < r.Functions[j].Name })
}

// Err returns every failure, refusal and interruption, or nil.
func (r *Report) Err() error {
	var errs *multierror.Error
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
	Unchanged  int `json:"unchanged"`
	Failed     int `json:"failed"`
	NotApplied int `json:"not_applied"` // interrupted or refused
}

// Summary counts the report's outcomes.
func (r *Report) Summary() Summary {
	var s Summary
	for _, f := range r.Functions {
		switch f.Outcome {
		case Unchanged:
			s.Unchanged++
		case Applied:
			if f.Action == plan.Create {
				s.Created++
			} else {
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
		Action     string            `json:"action"`
		Outcome    string            `json:"outcome"`
		Done       []string          `json:"done"`
		NotDone    []string          `json:"not_done"`
		FailedStep string            `json:"failed_step,omitempty"`
		Published  string            `json:"published,omitempty"`
		Aliases    []apiclient.Alias `json:"aliases,omitempty"`
		Pruned     []string          `json:"pruned,omitempty"`
		Error      string            `json:"error,omitempty"`
	}
	names := func(ts []plan.StepType) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = t.String()
		}
		return out
	}
	out := struct {
		FormatVersion string         `json:"format_version"`
		Functions     []jsonFunction `json:"functions"`
		Summary       Summary        `json:"summary"`
	}{FormatVersion: "1", Functions: []jsonFunction{}, Summary: r.Summary()}
	for _, f := range r.Functions {
		jf := jsonFunction{Name: f.Name, Action: f.Action.String(), Outcome: f.Outcome.String(),
			Done: names(f.Done), NotDone: names(f.NotDone), Published: f.Published, Aliases: f.Aliases, Pruned: f.Pruned}
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
	for _, f := range r.Functions {
		switch f.Outcome {
		case Applied:
			if f.Action == plan.Create {
				fmt.Fprintf(&b, "%s: created (%s)\n", f.Name, f.doneList())
			} else {
				fmt.Fprintf(&b, "%s: updated %s\n", f.Name, f.doneList())
			}
		case Failed:
			if f.Failed == plan.StepNone {
				fmt.Fprintf(&b, "%s: failed while planning: %v\n", f.Name, strings.TrimPrefix(f.Err.Error(), f.Name+": "))
				continue
			}
			cause := f.Err
			if u := errors.Unwrap(cause); u != nil {
				cause = u // f.Err repeats the name and step for Err()
			}
			fmt.Fprintf(&b, "%s: failed at %s: %v\n", f.Name, f.Failed, cause)
			writeDoneNotDone(&b, f)
		case Interrupted:
			fmt.Fprintf(&b, "%s: interrupted\n", f.Name)
			writeDoneNotDone(&b, f)
		case Refused:
			fmt.Fprintf(&b, "%s: refused: %s\n", f.Name, strings.TrimPrefix(f.Err.Error(), f.Name+": "))
		}
	}
	sum := r.Summary()
	fmt.Fprintf(&b, "Apply: %d created, %d updated, %d unchanged, %d failed", sum.Created, sum.Updated, sum.Unchanged, sum.Failed)
	if sum.NotApplied > 0 {
		fmt.Fprintf(&b, ", %d not applied", sum.NotApplied)
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
		case t == plan.StepPrune && len(f.Pruned) > 0:
			names[i] += " " + strings.Join(f.Pruned, " ")
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

// Apply runs the plan: each function's steps in order, functions in
// parallel. When ctx is cancelled no new step starts; steps in flight
// finish (bounded by Options.StepTimeout) and the report says where each
// function stopped. A re-run plans from the live state and converges.
func Apply(ctx context.Context, api API, p *plan.Plan, opts Options) *Report {
	par := opts.Parallelism
	if par <= 0 {
		par = 8
	}
	stepTimeout := opts.StepTimeout
	if stepTimeout <= 0 {
		stepTimeout = 10 * time.Minute
	}
	rep := &Report{Functions: make([]FunctionReport, len(p.Functions))}
	for i, f := range p.Functions {
		rep.Functions[i] = FunctionReport{Name: f.Name, Action: f.Action}
	}
	// par workers take the functions in the plan's (name) order, so that
	// with --parallelism 1 a run is the same sequence of requests every
	// time. Once ctx is done, each remaining function is reported as
	// interrupted without a request.
	queue := make(chan int)
	go func() {
		defer close(queue)
		for i, f := range p.Functions {
			if f.Action != plan.NoOp {
				queue <- i
			}
		}
	}()
	var wg sync.WaitGroup
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				applyFunction(ctx, api, p.Functions[i], stepTimeout, &rep.Functions[i])
			}
		}()
	}
	wg.Wait()
	for _, fe := range p.Failures {
		rep.Functions = append(rep.Functions, FunctionReport{Name: fe.Name, Outcome: Failed, Err: fe})
	}
	sort.SliceStable(rep.Functions, func(i, j int) bool { return rep.Functions[i].Name < rep.Functions[j].Name })
	return rep
}

// progress is what apply learns about one function as its steps run. The
// plan itself is never written to.
type progress struct {
	published string // the name the publish got, confirmed from the version list
	prunes    int    // prune steps done: the first is MakeRoom when the plan has one
}

func applyFunction(ctx context.Context, api API, f *plan.FunctionPlan, stepTimeout time.Duration, fr *FunctionReport) {
	pr := &progress{published: f.Published}
	for i, st := range f.Steps {
		if ctx.Err() != nil {
			fr.Outcome = Interrupted
			fr.Err = fmt.Errorf("%s: interrupted before %s", f.Name, st.Type)
			for _, rest := range f.Steps[i:] {
				fr.NotDone = append(fr.NotDone, rest.Type)
			}
			return
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
		err := runStep(sctx, api, f, st.Type, pr, fr)
		cancel()
		if err != nil {
			fr.Outcome = Failed
			fr.Failed = st.Type
			fr.Err = fmt.Errorf("%s: %s: %w", f.Name, st.Type, err)
			for _, rest := range f.Steps[i+1:] {
				fr.NotDone = append(fr.NotDone, rest.Type)
			}
			return
		}
		fr.Done = append(fr.Done, st.Type)
	}
	fr.Outcome = Applied
}

func runStep(ctx context.Context, api API, f *plan.FunctionPlan, t plan.StepType, pr *progress, fr *FunctionReport) error {
	switch t {
	case plan.StepCreate:
		created, err := api.CreateFunction(ctx, f.CreateReq)
		if err != nil {
			return err
		}
		return checkDigest(f, created.Digest)
	case plan.StepCode:
		code, err := api.UpdateCode(ctx, f.URN, f.CodeReq)
		if err != nil {
			return err
		}
		return checkDigest(f, code.Digest)
	case plan.StepConfig:
		_, err := api.UpdateConfig(ctx, f.URN, f.ConfigReq)
		return err
	case plan.StepMaxInstances:
		return api.UpdateMaxInstances(ctx, f.URN, *f.MaxInstances)
	case plan.StepPublish:
		name, err := publish(ctx, api, f)
		if err != nil {
			return err
		}
		pr.published, fr.Published = name, name
		return nil
	case plan.StepAliases:
		for _, op := range f.AliasOps {
			a := resolve(op.Alias, f.Published, pr.published)
			var err error
			if op.Create {
				_, err = api.CreateAlias(ctx, f.URN, &a)
			} else {
				_, err = api.UpdateAlias(ctx, f.URN, &a)
			}
			if err != nil {
				return fmt.Errorf("alias %s: %w", a.Name, err)
			}
			fr.Aliases = append(fr.Aliases, a)
		}
		return nil
	case plan.StepPrune:
		versions := f.Prune
		if pr.prunes == 0 && len(f.MakeRoom) > 0 {
			versions = f.MakeRoom
		}
		pr.prunes++
		for _, v := range versions {
			if v == pr.published {
				continue // an unnamed publish got the name of a version planned to go: never delete what was just published
			}
			if err := api.DeleteVersion(ctx, f.URN, v); err != nil && !apiclient.IsNotFound(err) {
				return fmt.Errorf("delete version %s: %w", v, err)
			}
			fr.Pruned = append(fr.Pruned, v)
		}
		return nil
	case plan.StepNone:
	}
	panic(fmt.Sprintf("applier: impossible step %d", int(t)))
}

// publish publishes f's version and returns its name, confirmed by name
// from the version list: one reference documents the publish response
// with "version": "latest" and an unqualified URN, so the response alone
// never says which version $published is.
func publish(ctx context.Context, api API, f *plan.FunctionPlan) (string, error) {
	// Pin the publish to the planned code: latest must hold exactly the
	// planned package right before it is snapshotted.
	if f.Digest != "" {
		live, err := api.GetConfig(ctx, f.URN)
		if err != nil {
			return "", fmt.Errorf("check code before publishing: %w", err)
		}
		if live.Digest != f.Digest {
			return "", fmt.Errorf("latest changed before publishing: FunctionGraph reports digest %s, planned %s; nothing was published", live.Digest, f.Digest)
		}
	}
	resp, err := api.PublishVersion(ctx, f.URN, f.PublishReq)
	if err != nil {
		return "", err
	}
	all, err := api.ListVersions(ctx, f.URN)
	if err != nil {
		return "", fmt.Errorf("confirm the published version: %w", err)
	}
	vs := release.NewestFirst(all)
	find := func(name string) *apiclient.Version {
		for i := range vs {
			if vs[i].Version == name {
				return &vs[i]
			}
		}
		return nil
	}
	var v *apiclient.Version
	switch {
	case f.PublishReq.Version != "":
		if v = find(f.PublishReq.Version); v == nil {
			return "", fmt.Errorf("FunctionGraph accepted the publish of %s but does not list that version", f.PublishReq.Version)
		}
	case resp.Version != "" && resp.Version != release.Latest && find(resp.Version) != nil:
		v = find(resp.Version)
	default:
		// The response names no version: the newest one with the planned code.
		for i := range vs {
			if f.Digest == "" || vs[i].Digest == f.Digest {
				v = &vs[i]
				break
			}
		}
		if v == nil {
			return "", errors.New("FunctionGraph accepted the publish, but no listed version has the planned code")
		}
	}
	if f.Digest != "" && v.Digest != "" && v.Digest != f.Digest {
		return "", fmt.Errorf("version %s has digest %s, planned %s", v.Version, v.Digest, f.Digest)
	}
	return v.Version, nil
}

// resolve points an alias that waits for the publish (planned is what the
// plan called it, PendingVersion for an unnamed publish) at the name the
// publish got.
func resolve(a apiclient.Alias, planned, got string) apiclient.Alias {
	if planned == got || planned == "" || got == "" {
		return a
	}
	if a.Version == planned {
		a.Version = got
	}
	if w, ok := a.AdditionalVersionWeights[planned]; ok {
		a.AdditionalVersionWeights = maps.Clone(a.AdditionalVersionWeights)
		delete(a.AdditionalVersionWeights, planned)
		a.AdditionalVersionWeights[got] = w
	}
	return a
}

// checkDigest verifies that FunctionGraph stored exactly the planned package.
func checkDigest(f *plan.FunctionPlan, got string) error {
	if f.Digest == "" || got == f.Digest {
		return nil
	}
	return fmt.Errorf("digest mismatch after upload: FunctionGraph reports %s, planned %s", got, f.Digest)
}
