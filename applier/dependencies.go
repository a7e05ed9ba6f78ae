package applier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// Dependency packages: their uploads and publishes run before the
// functions, which get the version ids the publishes returned in place
// of plan.PendingDependency; their prunes run after the functions.

// DependencyAPI is what apply calls of dependency packages.
type DependencyAPI interface {
	CreateDependencyVersion(ctx context.Context, req *apiclient.CreateDependencyRequest, etag string) (*apiclient.DependencyVersion, error)
	DeleteDependencyVersion(ctx context.Context, depID string, version int64) error
}

var _ DependencyAPI = (*apiclient.Client)(nil)

// DependencyReport is what happened to one dependency.
type DependencyReport struct {
	Name    string
	Outcome Outcome
	// Published is the version this apply published (nil for none).
	Published *apiclient.DependencyVersion
	Uploaded  int64   // bytes sent to OBS
	Pruned    []int64 // versions deleted
	// Kept are versions keep would have deleted that FunctionGraph
	// refused to delete because something uses them (FSS.1033).
	Kept   []int64
	Failed plan.StepType
	Err    error
}

// depRun is what the functions' apply needs of the dependencies': the
// ids published, by dependency name, and the dependencies that failed.
type depRun struct {
	ids    map[string]string
	failed map[string]error
}

// resolve returns list with each plan.PendingDependency replaced by the
// id its publish got; a dependency that was not published is an error.
func (d *depRun) resolve(list []string) ([]string, error) {
	if d == nil {
		d = &depRun{}
	}
	out := make([]string, len(list))
	for i, id := range list {
		name, pending := plan.IsPendingDependency(id)
		if !pending {
			out[i] = id
			continue
		}
		got, ok := d.ids[name]
		if !ok {
			if err := d.failed[name]; err != nil {
				return nil, fmt.Errorf("dependency %s was not published: %w", name, err)
			}
			return nil, fmt.Errorf("dependency %s was not published", name)
		}
		out[i] = got
	}
	return out, nil
}

// applyDependencies runs the uploads and publishes of the dependencies,
// one after the other (they are few, and each is one request).
func applyDependencies(ctx context.Context, api API, p *plan.Plan, opts Options, stepTimeout time.Duration) (*depRun, []DependencyReport) {
	dr := &depRun{ids: map[string]string{}, failed: map[string]error{}}
	var reps []DependencyReport
	dapi, _ := api.(DependencyAPI)
	for _, d := range p.Dependencies {
		rep := DependencyReport{Name: d.Name}
		if d.Action == plan.NoOp {
			reps = append(reps, rep)
			continue
		}
		for _, st := range d.Steps {
			if st.Type() == plan.StepDependencyPrune {
				continue // after the functions
			}
			if ctx.Err() != nil {
				rep.Outcome, rep.Err = Interrupted, fmt.Errorf("dependency %s: interrupted before %s", d.Name, st.Type())
				break
			}
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
			var err error
			switch q := st.Request.(type) {
			case *plan.UploadObject:
				if opts.Objects == nil {
					err = fmt.Errorf("cannot upload %s: no OBS client", q.Object)
					break
				}
				var sent int64
				sent, err = opts.Objects.Put(sctx, q.Object, apiclient.Upload{File: q.Code.Path, Size: q.Size, Digest: q.Digest, Progress: opts.UploadProgress})
				rep.Uploaded += sent
			case *plan.PublishDependency:
				if dapi == nil {
					err = errors.New("this client cannot publish dependencies")
					break
				}
				var v *apiclient.DependencyVersion
				if v, err = dapi.CreateDependencyVersion(sctx, q.Body, q.Etag); err == nil {
					rep.Published = v
					dr.ids[d.Name] = v.ID
				}
			default:
				panic(fmt.Sprintf("applier: impossible dependency request %T", q))
			}
			cancel()
			if err != nil {
				rep.Outcome, rep.Failed, rep.Err = Failed, st.Type(), fmt.Errorf("dependency %s: %s: %w", d.Name, st.Type(), err)
				break
			}
		}
		if rep.Err != nil {
			dr.failed[d.Name] = rep.Err
		} else if rep.Published != nil {
			rep.Outcome = Applied
		}
		reps = append(reps, rep)
	}
	return dr, reps
}

// pruneDependencies deletes the versions keep lets go, once the functions
// moved. A version FunctionGraph refuses to delete because something
// uses it (412 FSS.1033: a function outside the manifest) is kept.
func pruneDependencies(ctx context.Context, api API, p *plan.Plan, reps []DependencyReport, stepTimeout time.Duration, functionsFailed bool) {
	dapi, _ := api.(DependencyAPI)
	for i, d := range p.Dependencies {
		rep := &reps[i]
		for _, st := range d.Steps {
			q, ok := st.Request.(*plan.DeleteDependencyVersion)
			if !ok {
				continue
			}
			if rep.Err != nil || functionsFailed || ctx.Err() != nil || dapi == nil {
				break // a function that did not move may still use what keep lets go
			}
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
			err := dapi.DeleteDependencyVersion(sctx, q.DepID, q.Version)
			cancel()
			var ae *apiclient.APIError
			switch {
			case err == nil:
				rep.Pruned = append(rep.Pruned, q.Version)
			case errors.As(err, &ae) && ae.Code == "FSS.1033":
				rep.Kept = append(rep.Kept, q.Version)
			default:
				rep.Outcome, rep.Failed, rep.Err = Failed, plan.StepDependencyPrune, fmt.Errorf("dependency %s: delete version %d: %w", d.Name, q.Version, err)
			}
			if rep.Outcome == Unchanged && err == nil {
				rep.Outcome = Applied
			}
		}
	}
}

// writeDependencies prints a line per dependency that changed.
func writeDependencies(b *strings.Builder, reps []DependencyReport) {
	for _, d := range reps {
		var done []string
		if d.Published != nil {
			s := "published version " + strconv.FormatInt(d.Published.Version, 10) + " (" + d.Published.ID + ")"
			if d.Uploaded > 0 {
				s = "uploaded " + sizeText(d.Uploaded) + ", " + s
			}
			done = append(done, s)
		}
		if len(d.Pruned) > 0 {
			done = append(done, "pruned "+int64List(d.Pruned))
		}
		if len(d.Kept) > 0 {
			done = append(done, "kept "+int64List(d.Kept)+" (in use, FSS.1033)")
		}
		switch {
		case d.Err != nil:
			fmt.Fprintf(b, "dependency %s: failed at %s: %v\n", d.Name, d.Failed, errors.Unwrap(d.Err))
		case len(done) > 0:
			fmt.Fprintf(b, "dependency %s: %s\n", d.Name, strings.Join(done, ", "))
		}
	}
}

func int64List(xs []int64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(s, " ")
}
