package release

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// CanaryAPI is what a promote in steps calls.
type CanaryAPI interface {
	AliasAPI
	Invoke(ctx context.Context, urn string, payload []byte, tail bool) (*apiclient.Invocation, error)
	FunctionStatistics(ctx context.Context, urn string, period int) (*apiclient.Statistics, error)
}

var _ CanaryAPI = (*apiclient.Client)(nil)

// Canary says how to promote a canary in steps.
type Canary struct {
	// Steps are the canary version's weights, in percent, increasing,
	// each 1 to 100; 100 moves the alias wholly to it.
	Steps []int
	// Interval is how long each step is watched before the next.
	Interval time.Duration
	// Payload, when set, is invoked on the canary version at each step; a
	// failed invocation fails the step.
	Payload []byte
	// MaxErrorRate is the largest share of the canary version's
	// invocations during a step that may fail (0 to 1).
	MaxErrorRate float64
	// Sleep waits between a step's start and its check; nil waits on a
	// timer. It returns ctx's error when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Step, when set, is called after each step's check.
	Step func(StepReport)
	Now  func() time.Time // nil = time.Now
}

// StepReport is one step: the routing it wrote and what its check saw.
type StepReport struct {
	Step, Of    int
	Weight      int
	Alias       apiclient.Alias
	Invocations int // of the canary version, during the step
	Errors      int
	// Check is the step's invocation of the canary with Canary.Payload.
	Check   *apiclient.Invocation
	Healthy bool
	Reason  string // why the step failed
}

// CanaryResult is what a promote in steps did.
type CanaryResult struct {
	Stable, Canary string
	Before, After  apiclient.Alias
	Steps          []StepReport
	// Unchanged: the alias is wholly on the newest version already.
	Unchanged bool
	// RolledBack: a step failed its check and the alias went back wholly
	// to the stable version.
	RolledBack bool
	// Interrupted: ctx ended during a step; the alias was put back to the
	// last step that passed its check (or as it was found).
	Interrupted bool
}

// ErrRolledBack is matched by the error of a promote whose canary failed.
var ErrRolledBack = errors.New("rolled back")

// CheckSteps validates a list of steps.
func CheckSteps(steps []int) error {
	if len(steps) == 0 {
		return errors.New("no steps")
	}
	for i, w := range steps {
		switch {
		case w < 1 || w > 100:
			return fmt.Errorf("step %d is %d%%: want 1 to 100", i+1, w)
		case i > 0 && w <= steps[i-1]:
			return fmt.Errorf("step %d (%d%%) is not above step %d (%d%%): steps increase", i+1, w, i, steps[i-1])
		}
	}
	return nil
}

// Shift promotes the canary version of an alias in steps: at each step it
// sends the step's share of traffic to the canary, invokes it with the
// payload (when there is one), waits the interval, and reads the canary
// version's error rate during the step from FunctionGraph's metrics. A
// failed invocation or an error rate above the limit rolls the alias back
// wholly to its stable version, records the canary as reverted (its
// previous version stays as it was), and returns an error matching
// ErrRolledBack with the evidence. The last step, 100,
// moves the alias wholly to the canary as Promote does (recording the
// stable version for rollback) and is checked like the others. When ctx
// ends during a step, the alias is put back to the routing of the last
// step that passed (or as it was), and the error wraps ctx's.
func Shift(ctx context.Context, api CanaryAPI, urn, alias string, c Canary) (*CanaryResult, error) {
	if err := CheckSteps(c.Steps); err != nil {
		return nil, err
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	cur, err := api.GetAlias(ctx, urn, alias)
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", alias, err)
	}
	if len(cur.AdditionalVersionStrategy) > 0 {
		return nil, fmt.Errorf("alias %s routes by rules (additional_version_strategy): promote in steps moves weights only", alias)
	}
	var canaries []string
	for v := range Weights(*cur) {
		canaries = append(canaries, v)
	}
	sort.Strings(canaries)
	switch len(canaries) {
	case 0:
		m, err := Promote(ctx, api, urn, alias) // nothing to promote, or why not
		if err != nil {
			return nil, err
		}
		return &CanaryResult{Stable: cur.Version, Before: m.Before, After: m.After, Unchanged: true}, nil
	case 1:
	default:
		return nil, fmt.Errorf("alias %s sends traffic to several extra versions (%v): promote in steps moves one canary", alias, canaries)
	}
	res := &CanaryResult{Stable: cur.Version, Canary: canaries[0], Before: *cur, After: *cur}
	canaryURN := urn + ":" + res.Canary
	last := *cur // the routing of the last step that passed
	written := *cur
	for i, w := range c.Steps {
		next := apiclient.Alias{Name: alias, Version: res.Stable, Description: cur.Description,
			AdditionalVersionWeights: map[string]int{res.Canary: w}}
		if w == 100 {
			user, _ := SplitAliasDescription(cur.Description)
			next = apiclient.Alias{Name: alias, Version: res.Canary, Description: AliasDescription(user, Record{Previous: res.Stable})}
		}
		r := StepReport{Step: i + 1, Of: len(c.Steps), Weight: w, Alias: next}
		t0 := now()
		before, err := canaryCounts(ctx, api, canaryURN, t0.Truncate(time.Minute), t0)
		if err == nil {
			_, err = move(ctx, api, urn, &written, next)
		}
		if err == nil {
			written = next
			err = c.check(ctx, api, canaryURN, before, &r, now)
		}
		switch {
		case ctx.Err() != nil:
			res.Interrupted = true
			res.After = restore(ctx, api, urn, &written, last)
			return res, fmt.Errorf("interrupted at step %d of %d: alias %s left at %s: %w", r.Step, r.Of, alias, Describe(res.After), ctx.Err())
		case err != nil:
			res.After = written
			return res, fmt.Errorf("step %d of %d: %w; alias %s left at %s", r.Step, r.Of, err, alias, Describe(written))
		}
		res.Steps = append(res.Steps, r)
		if c.Step != nil {
			c.Step(r)
		}
		if !r.Healthy {
			// Back wholly on the stable version, the canary recorded as
			// reverted: a re-run of its release does not route to it again.
			user, rec := SplitAliasDescription(cur.Description)
			rec.Reverted = res.Canary
			back := apiclient.Alias{Name: alias, Version: res.Stable, Description: AliasDescription(user, rec)}
			if _, err := move(context.WithoutCancel(ctx), api, urn, &written, back); err != nil {
				return res, fmt.Errorf("step %d of %d: %s; rolling back alias %s to %s: %w", r.Step, r.Of, r.Reason, alias, res.Stable, err)
			}
			res.RolledBack, res.After = true, back
			return res, fmt.Errorf("canary %s failed step %d of %d (%d%%): %s; alias %s rolled back to %s: %w", res.Canary, r.Step, r.Of, w, r.Reason, alias, res.Stable, ErrRolledBack)
		}
		last = next
	}
	res.After = last
	return res, nil
}

// check watches one step: the payload invoked on the canary, the
// interval, then the canary's failures during the step.
func (c Canary) check(ctx context.Context, api CanaryAPI, canaryURN string, before counts, r *StepReport, now func() time.Time) error {
	r.Healthy = true
	if c.Payload != nil {
		inv, err := api.Invoke(ctx, canaryURN, c.Payload, true)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			r.Healthy, r.Reason = false, fmt.Sprintf("the check invocation could not be made: %v", err)
			return nil
		}
		r.Check = inv
		if inv.Failed() {
			r.Healthy, r.Reason = false, "the check invocation "+failure(inv)
		}
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = timerSleep
	}
	if err := sleep(ctx, c.Interval); err != nil {
		return err
	}
	after, err := canaryCounts(ctx, api, canaryURN, before.from, now())
	if err != nil {
		return fmt.Errorf("read the metrics of the canary: %w", err)
	}
	r.Invocations, r.Errors = max(0, after.count-before.count), max(0, after.fail-before.fail)
	if r.Healthy && r.Invocations > 0 {
		if rate := float64(r.Errors) / float64(r.Invocations); rate > c.MaxErrorRate {
			r.Healthy = false
			r.Reason = fmt.Sprintf("%d of %d invocations failed (%.1f%%), above the limit of %.1f%%", r.Errors, r.Invocations, 100*rate, 100*c.MaxErrorRate)
		}
	}
	return nil
}

// failure words a failed invocation: its status and error.
func failure(inv *apiclient.Invocation) string {
	what := "failed"
	if inv.TimedOut() {
		what = "timed out"
	}
	s := fmt.Sprintf("%s (status %d)", what, inv.Status)
	if typ, msg := inv.FunctionError(); typ != "" || msg != "" {
		s += ": " + typ + ": " + msg
	}
	return s + " (request id " + inv.RequestID + ")"
}

// counts are a version's invocations and failures from a minute on: the
// metrics come in whole minutes, so a step's share is the difference
// between two reads over the same minutes.
type counts struct {
	from        time.Time
	count, fail int
}

func canaryCounts(ctx context.Context, api CanaryAPI, urn string, from, now time.Time) (counts, error) {
	period := int(now.Sub(from)/time.Minute) + 1
	st, err := api.FunctionStatistics(ctx, urn, period)
	if err != nil {
		return counts{}, err
	}
	since := from.UnixMilli()
	return counts{from: from, count: int(apiclient.Sum(st.Count, since)), fail: int(apiclient.Sum(st.FailCount, since))}, nil
}

// restore puts an interrupted promote's alias back to want, with a
// context of its own (ctx has ended), and returns where the alias is.
func restore(ctx context.Context, api CanaryAPI, urn string, written *apiclient.Alias, want apiclient.Alias) apiclient.Alias {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if cur, err := api.GetAlias(rctx, urn, want.Name); err == nil {
		written = cur
	}
	if sameRouting(*written, want) {
		return *written
	}
	if _, err := move(rctx, api, urn, written, want); err != nil {
		return *written
	}
	return want
}

func sameRouting(a, b apiclient.Alias) bool {
	wa, wb := Weights(a), Weights(b)
	if a.Version != b.Version || len(wa) != len(wb) {
		return false
	}
	for v, w := range wa {
		if wb[v] != w {
			return false
		}
	}
	return true
}

func timerSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
