package main

// Progress bars, on a terminal only: packaging and uploads of more than a
// few MB.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/fgsdeploy/fgsdeploy/plan"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	if cw, ok := w.(*countingWriter); ok {
		w = cw.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressThreshold is the upload size from which a progress bar is shown.
const progressThreshold = 4 << 20

// uploadBar returns a progress bar for the plan's code uploads when stderr
// is a terminal and there is more than a few MB to send; nil otherwise.
func uploadBar(stderr io.Writer, pl *plan.Plan) *steadyBar {
	if !isTerminal(stderr) {
		return nil
	}
	total, names := uploads(pl)
	if total < progressThreshold {
		return nil
	}
	return newBar(stderr, total, uploadDescription(names))
}

// uploads is how many bytes the plan's requests upload, and the names of
// the functions and dependencies whose packages they are.
func uploads(pl *plan.Plan) (total int64, names []string) {
	add := func(name string, n int64) {
		if n > 0 {
			total += n
			if len(names) == 0 || names[len(names)-1] != name {
				names = append(names, name)
			}
		}
	}
	for _, d := range pl.Dependencies {
		for _, s := range d.Steps {
			switch r := s.Request.(type) {
			case *plan.UploadObject:
				add(d.Name, r.Size)
			case *plan.PublishDependency:
				if r.Body.DependType == "zip" {
					add(d.Name, size(r.Code))
				}
			}
		}
	}
	for _, f := range pl.Functions {
		for _, s := range f.Steps {
			switch r := s.Request.(type) {
			case *plan.UploadObject:
				add(f.Name, r.Size)
			case *plan.CreateFunction:
				if r.Body.CodeFile != "" { // obs code is not in the request
					add(f.Name, size(r.Code))
				}
			case *plan.UpdateCode:
				if r.Body.CodeFile != "" {
					add(f.Name, size(r.Code))
				}
			}
		}
	}
	return total, names
}

// uploadDescription names what a bar uploads: "uploading big", "uploading
// api, jobs and 3 more".
func uploadDescription(names []string) string {
	switch {
	case len(names) == 0:
		return "uploading code"
	case len(names) <= 3:
		return "uploading " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("uploading %s and %d more", strings.Join(names[:2], ", "), len(names)-2)
}

// size is the size of an upload, 0 for none (obs code).
func size(c *plan.CodeFile) int64 {
	if c == nil {
		return 0
	}
	return c.Size
}

// newBar is the byte-counting progress bar of uploads and packaging.
func newBar(stderr io.Writer, total int64, what string) *steadyBar {
	return &steadyBar{total: total, start: time.Now(), now: time.Now, bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// barWarmup is how long a bar holds back the bytes written to it before it
// first shows them.
const barWarmup = 500 * time.Millisecond

// steadyBar feeds a progress bar, holding back what is written in its
// first barWarmup: the bar's rate is bytes over the time since it started,
// and the first chunk, read at once from disk, would show as 1% at 256
// GB/s. The last byte is always shown.
type steadyBar struct {
	bar   *progressbar.ProgressBar
	total int64
	start time.Time
	now   func() time.Time

	mu          sync.Mutex
	held, shown int64
}

func (s *steadyBar) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held += int64(len(p))
	if s.now().Sub(s.start) < barWarmup && s.shown+s.held < s.total {
		return len(p), nil
	}
	s.shown += s.held
	err := s.bar.Add64(s.held)
	s.held = 0
	return len(p), err
}

// Finish ends the bar (and clears it).
func (s *steadyBar) Finish() error { return s.bar.Finish() }

// packageBar returns what shows a progress bar while a package of more
// than a few MB is built, when stderr is a terminal; nil otherwise.
func packageBar(stderr io.Writer) func(total int64) io.Writer {
	if !isTerminal(stderr) {
		return nil
	}
	return func(total int64) io.Writer {
		if total < progressThreshold {
			return nil
		}
		return newBar(stderr, total, "packaging")
	}
}
