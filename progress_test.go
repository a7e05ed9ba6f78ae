package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The upload bar shows nothing in its first half second, so that its
// first frame is not the first chunk read from disk at a rate of
// gigabytes a second; then all that was held back, and always the last
// byte (issue 24, item 9).
func TestSteadyBarHoldsBackItsFirstBytes(t *testing.T) {
	var out bytes.Buffer
	b := newBar(&out, 10<<20, "uploading big")
	clock := b.start
	b.now = func() time.Time { return clock }
	b.Write(make([]byte, 256<<10))
	clock = clock.Add(barWarmup - time.Millisecond)
	b.Write(make([]byte, 256<<10))
	if out.Len() != 0 || b.shown != 0 {
		t.Fatalf("shown %d bytes in the warm-up:\n%q", b.shown, out.String())
	}
	clock = clock.Add(time.Millisecond)
	b.Write(make([]byte, 1<<20))
	if b.shown != 1536<<10 || !strings.Contains(out.String(), "uploading big") {
		t.Fatalf("after the warm-up: shown %d, output %q", b.shown, out.String())
	}
	// A package smaller than what the warm-up would hold shows at its end.
	var small bytes.Buffer
	s := newBar(&small, 1<<20, "uploading tiny")
	s.now = func() time.Time { return s.start }
	s.Write(make([]byte, 1<<20))
	if s.shown != 1<<20 {
		t.Fatalf("the last byte was held back: shown %d", s.shown)
	}
}

// The bar names what it uploads.
func TestUploadDescription(t *testing.T) {
	code := &plan.CodeFile{Size: 5 << 20}
	step := func() plan.Step { return plan.Step{Request: &plan.UploadObject{Size: 5 << 20, Code: code}} }
	pl := &plan.Plan{Functions: []*plan.FunctionPlan{{Name: "api", Steps: []plan.Step{step()}}, {Name: "idle"}, {Name: "jobs", Steps: []plan.Step{step()}}}}
	total, names := uploads(pl)
	if total != 10<<20 || strings.Join(names, " ") != "api jobs" {
		t.Fatalf("uploads = %d, %v", total, names)
	}
	for _, c := range []struct {
		names []string
		want  string
	}{
		{[]string{"big"}, "uploading big"},
		{[]string{"a", "b", "c"}, "uploading a, b, c"},
		{[]string{"a", "b", "c", "d", "e"}, "uploading a, b and 3 more"},
		{nil, "uploading code"},
	} {
		if got := uploadDescription(c.names); got != c.want {
			t.Errorf("uploadDescription(%v) = %q, want %q", c.names, got, c.want)
		}
	}
}
