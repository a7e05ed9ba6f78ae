package fgs

import (
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
	"github.com/fgsdeploy/fgsdeploy/emulator/timers"
)

// Timer triggers fire (emulator/timers decides when): Timers lists the
// ACTIVE ones, FireTimer invokes one.

// Timers returns every ACTIVE TIMER trigger of the project.
func (s *Service) Timers() ([]timers.Timer, error) {
	var out []timers.Timer
	err := s.db.View(func(tx store.KVTx) error {
		t := newStx(tx)
		store.Each(&t.Tx, bucketTriggers, "", "trigger", func(k string, tr *Trigger) {
			if tr.TypeCode != "TIMER" || tr.Status != "ACTIVE" {
				return
			}
			// fnKey NUL qualifier NUL sequence
			parts := strings.Split(k, "\x00")
			if len(parts) != 3 {
				return
			}
			d := eventData(tr)
			str := func(k string) string { v, _ := d[k].(string); return v }
			out = append(out, timers.Timer{ID: tr.ID, Function: parts[0], Qualifier: parts[1], Name: str("name"),
				Type: str("schedule_type"), Schedule: str("schedule"), UserEvent: str("user_event")})
		})
		return t.Err
	})
	return out, err
}

// FireTimer invokes the version or alias tm is bound to with event, as
// FunctionGraph's timer does (synchronously), and records it like any
// invocation. A function or qualifier gone since the timer was listed is
// no invocation.
func (s *Service) FireTimer(tm timers.Timer, event []byte) {
	pkg, name, _ := strings.Cut(tm.Function, "/")
	u := urn{region: s.opts.Region, project: s.opts.ProjectID, pkg: pkg, name: name}
	switch q := tm.Qualifier; {
	case strings.HasPrefix(q, "!"):
		u.alias = q[1:]
	default:
		u.version = q
	}
	j, resp := s.prepare(u, event)
	if resp.Failed() {
		return
	}
	j.RequestID = newRequestID()
	s.runAndRecord(j)
}
