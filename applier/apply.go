package applier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
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
	AddTrigger(ctx context.Context, urn string, req *apiclient.CreateTriggerRequest, mine func(apiclient.Trigger) bool) (*apiclient.Trigger, error)
	UpdateTrigger(ctx context.Context, urn, typeCode, id string, req *apiclient.UpdateTriggerRequest) (*apiclient.Trigger, error)
	DeleteTrigger(ctx context.Context, urn, typeCode, id string) error
	// Tags and deletions (lifecycle.go).
	CreateTags(ctx context.Context, urn string, tags map[string]string) error
	DeleteTags(ctx context.Context, urn string, tags map[string]string) error
	DeleteAlias(ctx context.Context, urn, name string) error
	DeleteFunction(ctx context.Context, urn string) error
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
	// Objects uploads packages to OBS (code.obs); a plan with uploads
	// needs it.
	Objects Objects
	// UploadProgress, when set, is written every byte read to upload to
	// OBS (a progress bar).
	UploadProgress io.Writer
}

// Objects is what apply writes to OBS.
type Objects interface {
	Put(ctx context.Context, l apiclient.Location, u apiclient.Upload) (sent int64, err error)
}

var _ Objects = (*apiclient.OBS)(nil)

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
	// An authentication failure stops the run as an interrupt does: every
	// other request would be refused the same way (Report.Auth).
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	deps, dreps := applyDependencies(ctx, api, p, opts, stepTimeout)
	rep.Dependencies = dreps
	for _, d := range dreps {
		stopIfUnauthenticated(stop, d.Err)
	}
	for i, f := range p.Functions {
		rep.Functions[i] = FunctionReport{Name: f.Name, FuncName: f.FuncName, Action: f.Action}
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
				applyFunction(ctx, api, opts, deps, p.Functions[i], stepTimeout, &rep.Functions[i])
				stopIfUnauthenticated(stop, rep.Functions[i].Err)
			}
		}()
	}
	wg.Wait()
	if cause, ok := context.Cause(ctx).(*authError); ok {
		var ae *apiclient.APIError
		errors.As(cause.err, &ae)
		rep.Auth = fmt.Errorf("authentication failed: %w", ae)
	}
	moved := true
	for _, fr := range rep.Functions {
		moved = moved && (fr.Outcome == Applied || fr.Outcome == Unchanged)
	}
	pruneDependencies(ctx, api, p, rep.Dependencies, stepTimeout, !moved)
	for _, fe := range p.Failures {
		rep.Functions = append(rep.Functions, FunctionReport{Name: fe.Name, FuncName: fe.FuncName, Outcome: Failed, Err: fe})
	}
	sort.SliceStable(rep.Functions, func(i, j int) bool { return rep.Functions[i].Name < rep.Functions[j].Name })
	return rep
}

// authError is the cause of a run stopped by an authentication failure.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }

// stopIfUnauthenticated stops the run when err is an authentication
// failure; the first one stays the cause.
func stopIfUnauthenticated(stop context.CancelCauseFunc, err error) {
	if apiclient.IsUnauthenticated(err) {
		stop(&authError{err})
	}
}

// run is one function's apply: the API, the function's plan, which it
// only reads, and what apply learns as the steps run.
type run struct {
	api  API
	opts Options
	deps *depRun
	f    *plan.FunctionPlan
	fr   *FunctionReport
	// planned is what the plan calls the version it publishes (its name,
	// or plan.PendingVersion), published the name the publish got,
	// confirmed from the version list; both "" until the publish ran.
	planned, published string
}

// applyFunction runs f's steps in order. An interrupt is honoured between
// steps of different types, never within one (the aliases of a release
// move together); a failure stops f's remaining steps.
func applyFunction(ctx context.Context, api API, opts Options, deps *depRun, f *plan.FunctionPlan, stepTimeout time.Duration, fr *FunctionReport) {
	r := &run{api: api, opts: opts, deps: deps, f: f, fr: fr}
	for i, st := range f.Steps {
		first := i == 0 || f.Steps[i-1].Type() != st.Type()
		if first && ctx.Err() != nil {
			fr.Outcome = Interrupted
			fr.Err = fmt.Errorf("%s: interrupted before %s", f.Name, st.Type())
			if _, auth := context.Cause(ctx).(*authError); auth {
				fr.Err = fmt.Errorf("%s: not run from %s on: the credentials were refused", f.Name, st.Type())
			}
			fr.NotDone = plan.Types(f.Steps[i:])
			return
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
		err := r.step(sctx, st.Request)
		cancel()
		end := i + 1 // the end of this step's type in the plan
		for end < len(f.Steps) && f.Steps[end].Type() == st.Type() {
			end++
		}
		if err != nil {
			fr.Outcome = Failed
			fr.Failed = st.Type()
			fr.Err = fmt.Errorf("%s: %s: %w", f.Name, st.Type(), err)
			fr.NotDone = plan.Types(f.Steps[end:])
			return
		}
		if end == i+1 {
			fr.Done = append(fr.Done, st.Type())
		}
	}
	fr.Outcome = Applied
}

// step sends one request. Each kind of request is executed by a method of
// its own, in function.go, release.go, triggers.go and lifecycle.go.
func (r *run) step(ctx context.Context, req plan.Request) error {
	switch q := req.(type) {
	case *plan.UploadObject:
		return r.upload(ctx, q)
	case *plan.CreateFunction:
		return r.create(ctx, q)
	case *plan.UpdateCode:
		return r.updateCode(ctx, q)
	case *plan.UpdateConfig:
		return r.updateConfig(ctx, q)
	case *plan.SetMaxInstances:
		return r.setMaxInstances(ctx, q)
	case *plan.PublishVersion:
		return r.publish(ctx, q)
	case *plan.WriteAlias:
		return r.writeAlias(ctx, q)
	case *plan.DeleteVersion:
		return r.deleteVersion(ctx, q)
	case *plan.CreateTrigger:
		return r.createTrigger(ctx, q)
	case *plan.UpdateTrigger:
		return r.updateTrigger(ctx, q)
	case *plan.DeleteTrigger:
		return r.deleteTrigger(ctx, q)
	case *plan.CreateTags:
		return r.createTags(ctx, q)
	case *plan.DeleteTags:
		return r.deleteTags(ctx, q)
	case *plan.DeleteAlias:
		return r.deleteAlias(ctx, q)
	case *plan.DeleteFunction:
		return r.deleteFunction(ctx, q)
	case *plan.SetReservedInstances:
		return r.setReserved(ctx, q)
	case *plan.SetAsyncInvoke:
		return r.setAsync(ctx, q)
	case *plan.DeleteAsyncInvoke:
		return r.deleteAsync(ctx, q)
	}
	panic(fmt.Sprintf("applier: impossible request %T", req))
}
