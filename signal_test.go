package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the signal goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The first interrupt cancels (steps in flight finish); the second exits
// at once with status 130.
func TestInterruptTwice(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	exited := make(chan int, 1)
	stop := interrupts(cancel, &out, func(code int) { exited <- code }, false)
	defer stop()

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the first interrupt did not cancel")
	}
	// Wait for the message, so the second signal is not merged with the
	// first one still pending.
	for !strings.Contains(out.String(), "interrupt again to stop at once") {
		time.Sleep(time.Millisecond)
	}
	select {
	case code := <-exited:
		t.Fatalf("exited (%d) after one interrupt", code)
	default:
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 130 {
			t.Fatalf("exit status %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second interrupt did not exit")
	}
	if !strings.Contains(out.String(), "interrupted twice: stopping now") {
		t.Fatalf("stderr: %q", out.String())
	}
}

// While a plan is computed nothing is in flight that a user must wait
// for: the first interrupt prints nothing (the plan reports it in one
// line), the second exits at once with status 130.
func TestInterruptTwiceWhilePlanning(t *testing.T) {
	planning.Store(true)
	defer planning.Store(false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	exited := make(chan int, 1)
	stop := interrupts(cancel, &out, func(code int) { exited <- code }, false)
	defer stop()

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the first interrupt did not cancel")
	}
	// The handler has taken the first signal (it cancelled), so the
	// second is not merged with it; whatever the first printed is in out
	// before the second is read, and out is compared whole below.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 130 {
			t.Fatalf("exit status %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second interrupt did not exit")
	}
	if got := out.String(); got != "fgsdeploy: interrupted twice: stopping now; nothing was changed\n" {
		t.Fatalf("stderr: %q", got)
	}
}
