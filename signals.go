package main

// Interrupts: the first one stops what has not started, the second stops
// at once.

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// planning is true while plan or apply computes the plan: nothing is
// written then, so an interrupt needs no "finishing what is in flight".
var planning atomic.Bool

// reading is true while a command that only reads runs (logs): the first
// interrupt is how it is ended, and it says nothing.
var reading atomic.Bool

// interrupts turns the first SIGINT or SIGTERM into a cancelled context:
// nothing new starts and the steps in flight finish, which can take a
// while (an upload). A second one exits at once, as in Terraform, for
// whoever would rather lose the steps in flight than wait. The emulator
// has nothing in flight to wait for: it says it is shutting down.
func interrupts(cancel context.CancelFunc, stderr io.Writer, exit func(int), server bool) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	first, second := "fgsdeploy: interrupted: finishing what is in flight; interrupt again to stop at once",
		"fgsdeploy: interrupted twice: stopping now; steps in flight may be half done, so run plan to see where things are"
	if server {
		first, second = "fgsdeploy: emulator: shutting down", "fgsdeploy: emulator: interrupted twice: stopping now"
	}
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		cancel()
		// An interrupted plan says so itself, in one line; a read ends.
		if !planning.Load() && !reading.Load() || server {
			fmt.Fprintln(stderr, first)
		}
		select {
		case <-ch:
		case <-done:
			return
		}
		if (planning.Load() || reading.Load()) && !server {
			second = "fgsdeploy: interrupted twice: stopping now; nothing was changed"
		}
		fmt.Fprintln(stderr, second)
		exit(130)
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
