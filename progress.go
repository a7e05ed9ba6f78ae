package main

// Progress bars, on a terminal only: packaging and uploads of more than a
// few MB.

import (
	"io"
	"os"
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
func uploadBar(stderr io.Writer, pl *plan.Plan) *progressbar.ProgressBar {
	if !isTerminal(stderr) {
		return nil
	}
	var total int64
	for _, d := range pl.Dependencies {
		for _, s := range d.Steps {
			switch r := s.Request.(type) {
			case *plan.UploadObject:
				total += r.Size
			case *plan.PublishDependency:
				if r.Body.DependType == "zip" {
					total += size(r.Code)
				}
			}
		}
	}
	for _, f := range pl.Functions {
		for _, s := range f.Steps {
			switch r := s.Request.(type) {
			case *plan.UploadObject:
				total += r.Size
			case *plan.CreateFunction:
				if r.Body.CodeFile != "" { // obs code is not in the request
					total += size(r.Code)
				}
			case *plan.UpdateCode:
				if r.Body.CodeFile != "" {
					total += size(r.Code)
				}
			}
		}
	}
	if total < progressThreshold {
		return nil
	}
	return newBar(stderr, total, "uploading code")
}

// size is the size of an upload, 0 for none (obs code).
func size(c *plan.CodeFile) int64 {
	if c == nil {
		return 0
	}
	return c.Size
}

// newBar is the byte-counting progress bar of uploads and packaging.
func newBar(stderr io.Writer, total int64, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

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
