package applier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// Credentials refused while applying (a key rotated, a token expired after
// planning) stop the run: the function that met the refusal fails, the
// others are not started, and the report's error is that one refusal, not
// one per function (issue 24, item 7).
func TestAuthFailureStopsTheApply(t *testing.T) {
	r := newRig(t, 4, emulator.Options{})
	p := r.plan(t)
	defer p.Close()
	bad, err := apiclient.New(apiclient.Config{Endpoint: r.url, Region: "cn-north-4", ProjectID: pid, AccessKey: "AK", SecretKey: "rotated",
		Retry: apiclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	rep := applier.Apply(context.Background(), bad, p, applier.Options{Parallelism: 1})
	err = rep.Err()
	if err == nil || !strings.HasPrefix(err.Error(), "authentication failed: APIG") || strings.Contains(err.Error(), "\n") || !apiclient.IsUnauthenticated(err) {
		t.Fatalf("Err() = %v, want the one authentication failure", err)
	}
	for i, f := range rep.Functions {
		want := applier.Interrupted
		if i == 0 {
			want = applier.Failed
		}
		if f.Outcome != want {
			t.Errorf("%s: %v, want %v (%v)", f.Name, f.Outcome, want, f.Err)
		}
		if i > 0 && !strings.Contains(f.Err.Error(), "the credentials were refused") {
			t.Errorf("%s: %v", f.Name, f.Err)
		}
		if _, err := r.client.GetConfig(context.Background(), "urn:fss:cn-north-4:"+pid+":function:default:"+f.Name); !apiclient.IsNotFound(err) {
			t.Errorf("%s exists after the refused apply: %v", f.Name, err)
		}
	}
}
