package timers

import (
	"context"
	"encoding/json"
	"sync"
	"time"
	_ "time/tzdata" // CRON_TZ zones on systems without a zone database

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Timer is one ACTIVE TIMER trigger, as the control plane lists it.
type Timer struct {
	ID        string // the trigger's id
	Function  string // the function's key, "package/name"
	Qualifier string // "latest", a version, or "!" and an alias
	Name      string
	Type      string // schedule_type: Rate or Cron
	Schedule  string
	UserEvent string
}

// Options are what a Scheduler works with.
type Options struct {
	// List returns the ACTIVE timers.
	List func() ([]Timer, error)
	// Fire invokes the timer's function with event and returns once the
	// invocation is recorded.
	Fire func(t Timer, event []byte)
	// Zone is the region's time zone, which cron fields are read in when
	// the expression has no CRON_TZ=; nil means UTC.
	Zone *time.Location
	// Logf, when set, is told of a schedule it cannot read.
	Logf func(format string, args ...any)
}

// Scheduler fires timers: see the package comment.
type Scheduler struct {
	opts Options

	mu   sync.Mutex
	due  map[string]*entry // by trigger id
	busy sync.WaitGroup    // fires in flight
}

type entry struct {
	schedule string // type and schedule, to see a changed one
	parsed   *fgsspec.Schedule
	next     time.Time
}

// New makes a scheduler.
func New(o Options) *Scheduler {
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	return &Scheduler{opts: o, due: map[string]*entry{}}
}

// Tick is one pass at time now: it fires, each in its own goroutine, the
// timers whose time is not after now, and returns a function that waits
// for the invocations this pass started.
func (s *Scheduler) Tick(now time.Time) (wait func()) {
	timers, err := s.opts.List()
	if err != nil {
		s.logf("timers: list: %v", err)
		return func() {}
	}
	var pass sync.WaitGroup
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, t := range timers {
		seen[t.ID] = true
		e := s.due[t.ID]
		if e == nil || e.schedule != t.Type+" "+t.Schedule {
			sc, err := fgsspec.ParseSchedule(t.Type, t.Schedule)
			if err != nil {
				s.logf("timers: %s (%s): %v", t.Name, t.ID, err)
				continue
			}
			s.due[t.ID] = &entry{schedule: t.Type + " " + t.Schedule, parsed: sc, next: sc.Next(now, s.opts.Zone)}
			continue
		}
		if e.next.IsZero() || e.next.After(now) {
			continue
		}
		event := s.event(t, e)
		e.next = e.parsed.Next(now, s.opts.Zone)
		pass.Add(1)
		s.busy.Add(1)
		go func() {
			defer s.busy.Done()
			defer pass.Done()
			s.opts.Fire(t, event)
		}()
	}
	for id := range s.due {
		if !seen[id] {
			delete(s.due, id) // deleted or DISABLED: seen afresh if it comes back
		}
	}
	return pass.Wait
}

// event is the event a timer fires with at its scheduled time.
func (s *Scheduler) event(t Timer, e *entry) []byte {
	b, _ := json.Marshal(struct {
		Version     string `json:"version"`
		Time        string `json:"time"`
		TriggerType string `json:"trigger_type"`
		TriggerName string `json:"trigger_name"`
		UserEvent   string `json:"user_event"`
	}{"v1.0", e.next.In(e.parsed.Zone(s.opts.Zone)).Format(time.RFC3339), "TIMER", t.Name, t.UserEvent})
	return b
}

// Run makes a pass at every time ticks delivers, until ctx is done, then
// waits for the invocations in flight.
func (s *Scheduler) Run(ctx context.Context, ticks <-chan time.Time) {
	defer s.busy.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case now, ok := <-ticks:
			if !ok {
				return
			}
			s.Tick(now)
		}
	}
}

// Wait waits for every invocation in flight.
func (s *Scheduler) Wait() { s.busy.Wait() }

func (s *Scheduler) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
