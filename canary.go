package main

// promote --steps: a canary that promotes itself only while it is healthy.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/release"
)

// canaryFlags are promote's flags for a promote in steps.
func canaryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "steps", Usage: "shift the canary in steps of `PERCENTS` (e.g. 10,50,100), checking it at each"},
		&cli.DurationFlag{Name: "interval", Usage: "watch each step for `DURATION` before the next (with --steps)"},
		&cli.StringFlag{Name: "check-payload", Usage: "invoke the canary version with the event in `FILE` at each step"},
		&cli.Float64Flag{Name: "max-error-rate", Value: 0.01, Usage: "the largest share of the canary's invocations that may fail during a step (0 to 1)"},
	}
}

// promoteAction is promote: plain (wholly to the canary) without --steps,
// in checked steps with it.
func promoteAction(stdout, stderr io.Writer, plain cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if !c.IsSet("steps") {
			for _, f := range []string{"interval", "check-payload", "max-error-rate"} {
				if c.IsSet(f) {
					return withHint(fmt.Errorf("--%s needs --steps", f), "promote --steps 10,50,100 --interval 2m shifts the canary in checked steps")
				}
			}
			return plain(c)
		}
		canary, err := canaryArgs(c)
		if err != nil {
			return err
		}
		s, fn, urn, err := functionArg(c, stderr)
		if err != nil {
			return err
		}
		defer s.Close()
		alias, err := aliasArg(c, fn)
		if err != nil {
			return err
		}
		p := &stepProgress{w: stderr, name: fn.Name, of: len(canary.Steps), live: isTerminal(stderr)}
		canary.Sleep = p.sleep
		canary.Step = func(r release.StepReport) {
			p.clear()
			p.done(r.Step)
			fmt.Fprintf(stdout, "%s: step %d/%d: alias %s -> %s: %s\n", fn.Name, r.Step, r.Of, alias, release.Describe(r.Alias), stepSummary(r))
		}
		res, err := release.Shift(c.Context, s.client, urn, alias, canary)
		p.clear()
		if res != nil && res.RolledBack {
			if last := res.Steps[len(res.Steps)-1]; last.Check != nil && last.Check.Log != "" {
				fmt.Fprintf(stderr, "fgsdeploy: the log of the check invocation %s:\n%s\n", last.Check.RequestID, strings.TrimRight(last.Check.Log, "\n"))
			}
		}
		switch {
		case err != nil && res != nil && res.Interrupted:
			return withHint(fmt.Errorf("promote %s: %w", fn.Name, err), "promote again to go on, or rollback %s --alias %s to call the canary off", fn.Name, alias)
		case err != nil:
			return fmt.Errorf("promote %s: %w", fn.Name, err)
		case res.Unchanged:
			fmt.Fprintf(stdout, "%s: alias %s is already wholly on %s, the newest version: nothing to promote\n", fn.Name, alias, res.Before.Version)
			return nil
		}
		fmt.Fprintf(stdout, "%s: alias %s: %s -> %s, in %d steps\n", fn.Name, alias, release.Describe(res.Before), release.Describe(res.After), len(res.Steps))
		return nil
	}
}

// canaryArgs reads --steps, --interval, --check-payload and
// --max-error-rate.
func canaryArgs(c *cli.Context) (release.Canary, error) {
	var steps []int
	for _, f := range strings.Split(c.String("steps"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "%")))
		if err != nil {
			return release.Canary{}, withHint(fmt.Errorf("--steps %q: %q is not a whole number", c.String("steps"), f), "steps are percents of traffic for the canary, e.g. --steps 10,50,100")
		}
		steps = append(steps, n)
	}
	if err := release.CheckSteps(steps); err != nil {
		return release.Canary{}, fmt.Errorf("--steps %q: %w", c.String("steps"), err)
	}
	if !c.IsSet("interval") || c.Duration("interval") <= 0 {
		return release.Canary{}, withHint(errors.New("--steps needs --interval, a positive duration"), "each step is watched for the interval before the next, e.g. --interval 2m")
	}
	rate := c.Float64("max-error-rate")
	if rate < 0 || rate > 1 {
		return release.Canary{}, fmt.Errorf("--max-error-rate %v: want a fraction from 0 to 1", rate)
	}
	canary := release.Canary{Steps: steps, Interval: c.Duration("interval"), MaxErrorRate: rate}
	if file := c.String("check-payload"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return release.Canary{}, fmt.Errorf("--check-payload: %w", err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return release.Canary{}, fmt.Errorf("--check-payload %s is not JSON", file)
		}
		if _, isObject := v.(map[string]any); !isObject {
			return release.Canary{}, fmt.Errorf("--check-payload %s is a JSON %s, not an object: the event FunctionGraph takes is a JSON object", file, jsonKind(v))
		}
		canary.Payload = b
	}
	return canary, nil
}

// stepSummary is what a step's check saw.
func stepSummary(r release.StepReport) string {
	s := fmt.Sprintf("%d invocation%s, %d failed", r.Invocations, plural(r.Invocations), r.Errors)
	if r.Check != nil {
		s = "check " + map[bool]string{true: "ok", false: "failed"}[!r.Check.Failed()] + ", " + s
	}
	if !r.Healthy {
		return s + ": unhealthy"
	}
	return s + ": healthy"
}

// stepProgress shows, on a terminal, the step being watched and the time
// left; elsewhere nothing (each step's line is printed when it ends).
type stepProgress struct {
	w    io.Writer
	name string
	of   int
	live bool

	mu    sync.Mutex
	step  int // the steps done
	shown bool
}

func (p *stepProgress) done(step int) {
	p.mu.Lock()
	p.step = step
	p.mu.Unlock()
}

func (p *stepProgress) sleep(ctx context.Context, d time.Duration) error {
	end := time.Now().Add(d)
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	p.show(end)
	for {
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			p.show(end)
		}
	}
}

func (p *stepProgress) show(end time.Time) {
	if !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	left := time.Until(end).Round(time.Second)
	fmt.Fprintf(p.w, "\r\033[K%s: step %d/%d: watching the canary, %v left", p.name, p.step+1, p.of, left)
	p.shown = true
}

func (p *stepProgress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
