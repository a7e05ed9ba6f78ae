package timers

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"
)

// Run makes a pass at each tick, with the tick's time: a timer fires at
// the first pass at or after its time, once however many of its times
// passed, with the timer's event; a changed schedule starts afresh; Run
// returns when its context ends, the invocations in flight done.
func TestSchedulerRun(t *testing.T) {
	var mu sync.Mutex
	list := []Timer{{ID: "t1", Function: "default/f", Qualifier: "latest", Name: "every", Type: "Rate", Schedule: "1m", UserEvent: "u"}}
	fired := make(chan map[string]string, 10)
	s := New(Options{Zone: time.UTC,
		List: func() ([]Timer, error) { mu.Lock(); defer mu.Unlock(); return append([]Timer(nil), list...), nil },
		Fire: func(tm Timer, event []byte) {
			var ev map[string]string
			json.Unmarshal(event, &ev)
			fired <- ev
		}})
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, ticks); close(done) }()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ticks <- t0                       // seen
	ticks <- t0.Add(30 * time.Second) // not yet
	ticks <- t0.Add(5 * time.Minute)  // due since 00:01: fires once
	ev := <-fired
	want := map[string]string{"version": "v1.0", "time": "2026-01-01T00:01:00Z", "trigger_type": "TIMER", "trigger_name": "every", "user_event": "u"}
	for k, v := range want {
		if ev[k] != v {
			t.Errorf("event %s = %q, want %q (%v)", k, ev[k], v, ev)
		}
	}
	mu.Lock()
	list[0].Schedule = "2m" // a changed schedule: seen afresh
	mu.Unlock()
	ticks <- t0.Add(6 * time.Minute)
	ticks <- t0.Add(7 * time.Minute)
	ticks <- t0.Add(8 * time.Minute) // 6 + 2
	if ev := <-fired; ev["time"] != "2026-01-01T00:08:00Z" {
		t.Errorf("after the change: %v", ev)
	}
	cancel()
	<-done
	select {
	case ev := <-fired:
		t.Errorf("fired %v more", ev)
	default:
	}
}
