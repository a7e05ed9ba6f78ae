package main

import (
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdTimers makes the script's emulator run a pass of its TIMER
// scheduler at a time the script gives (RFC 3339), as if its clock said
// so, and waits for the invocations it started: timers TIME
func cmdTimers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: timers TIME")
	}
	at, err := time.Parse(time.RFC3339, args[0])
	ts.Check(err)
	scriptEmulatorOf(ts, "timers").server.RunTimers(at)
}
