package planfile

import (
	"errors"
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/plan"
)

// ErrStale marks a saved plan's function whose live state, manifest or
// code moved since planning: errors.Is(err, ErrStale) for every refusal
// Check returns.
var ErrStale = errors.New("stale")

// StaleError says why a saved plan's function cannot be applied.
type StaleError struct {
	Name   string
	Reason string
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s: saved plan is stale: %s; run plan again", e.Name, e.Reason)
}

// Is makes every StaleError match ErrStale.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// SameTarget refuses a saved plan made for another region, project or
// package than this run targets (urnOf gives a function's URN now, "" if
// it is not in the manifest). Checked before anything is read: the
// preconditions would otherwise read as "created since" or "deleted
// since", which is not what happened. The URN holds the region and the
// project, so the file keeps no separate record of either.
func (s *Saved) SameTarget(urnOf func(name string) string) error {
	for _, sf := range s.Functions {
		if now := urnOf(sf.Name); sf.URN != "" && now != "" && now != sf.URN {
			return fmt.Errorf("the plan was made for %s, and this run targets %s: check the region, the project and the package", sf.URN, now)
		}
	}
	return nil
}

// Check compares a plan made now, with the saved plan's salt, against the
// saved plan. It returns the plan restricted to the functions that may be
// applied (with the fresh plan's failures) and a refusal for each that may
// not, wrapping a *StaleError (nothing of those is to be changed). The
// restricted plan owns no files: fresh keeps them, and its caller closes
// fresh.
func (s *Saved) Check(fresh *plan.Plan) (*plan.Plan, []*plan.FunctionError) {
	byName := map[string]*plan.FunctionPlan{}
	for _, f := range fresh.Functions {
		byName[f.Name] = f
	}
	// A function that could not be planned now stays a failure of its own.
	// Dependencies are planned afresh: content-addressed, and what they
	// give the functions is in the functions' desired fingerprints.
	ok := &plan.Plan{Manifest: fresh.Manifest, Env: fresh.Env, Local: fresh.Local, Salt: fresh.Salt, Failures: fresh.Failures, Dependencies: fresh.Dependencies}
	failed := map[string]bool{}
	for _, fe := range fresh.Failures {
		failed[fe.Name] = true
	}
	var refused []*plan.FunctionError
	for _, sf := range s.Functions {
		f := byName[sf.Name]
		if failed[sf.Name] {
			continue
		}
		if reason := staleReason(sf, f); reason != "" {
			refused = append(refused, &plan.FunctionError{Name: sf.Name, URN: sf.URN, Err: &StaleError{sf.Name, reason}})
			continue
		}
		ok.Functions = append(ok.Functions, f)
	}
	return ok, refused
}

// staleReason says why saved no longer holds for f, the function planned
// now (nil when it is no longer in the manifest), or returns "".
func staleReason(saved Function, f *plan.FunctionPlan) string {
	switch {
	case saved.Deletion && f == nil:
		return "the plan deletes it, and it is no longer a function the project owns (deleted, or its tag changed, since the plan was made)"
	case saved.Deletion && f.Action != plan.Delete:
		return "the plan deletes it, and the manifest declares it again"
	case !saved.Deletion && f != nil && f.Action == plan.Delete:
		return "the function is no longer in the manifest"
	case f == nil:
		return "the function is no longer in the manifest"
	case f.Pre.Exists != saved.Pre.Exists && saved.Pre.Exists:
		return "the function was deleted since the plan was made"
	case f.Pre.Exists != saved.Pre.Exists:
		return "the function was created since the plan was made (was this plan applied already?)"
	case f.Pre.Digest != saved.Pre.Digest:
		return "its code changed remotely since the plan was made"
	case f.Pre.LastModified != saved.Pre.LastModified || f.Pre.ConfigFingerprint != saved.Pre.ConfigFingerprint:
		return "its config changed remotely since the plan was made"
	case f.Pre.Release != saved.Pre.Release:
		return "its versions, aliases or triggers changed remotely since the plan was made"
	case f.Pre.Production != saved.Pre.Production:
		return "its reserved instances or asynchronous invocation changed remotely since the plan was made"
	case f.DesiredFingerprint != saved.DesiredFingerprint:
		return "the manifest, the environment or the code changed since the plan was made"
	}
	return ""
}
