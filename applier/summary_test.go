package applier_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// interruptAfterCreate is FunctionGraph with a user who presses Ctrl-C as
// soon as the first function is created.
type interruptAfterCreate struct {
	applier.API
	cancel context.CancelFunc
}

func (a interruptAfterCreate) CreateFunction(ctx context.Context, req *apiclient.CreateRequest) (*apiclient.Function, error) {
	f, err := a.API.CreateFunction(ctx, req)
	a.cancel()
	return f, err
}

// A function created before an interrupt stopped its release counts as
// created, and the summary says it stopped part-way: "0 created, 4 not
// applied" after creating one was wrong (issue 24, item 9).
func TestSummaryCountsWhatAnInterruptLeftDone(t *testing.T) {
	r := newRig(t, 4, emulator.Options{})
	p := r.plan(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := applier.Apply(ctx, interruptAfterCreate{r.client, cancel}, p, applier.Options{Parallelism: 1})
	if f := rep.Functions[0]; f.Outcome != applier.Interrupted || len(f.Done) != 1 {
		t.Fatalf("%s: %v, done %v", f.Name, f.Outcome, f.Done)
	}
	if s := rep.Summary(); s != (applier.Summary{Created: 1, NotApplied: 3, Partial: 1}) {
		t.Fatalf("summary %+v", s)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if want := "Apply: 1 created, 0 updated, 0 unchanged, 0 failed, 3 not applied; 1 interrupted part-way.\n"; !strings.HasSuffix(out.String(), want) {
		t.Fatalf("report:\n%s\nwant it to end with %q", out.String(), want)
	}
}
