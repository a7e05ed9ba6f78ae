package release_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Promote and rollback record where the alias was and which version was
// rolled back, and never change which versions the alias keeps from
// pruning (release.Kept): a plan right after them has nothing to prune.
func TestMovesRecordAndKeep(t *testing.T) {
	c, urn := released(t, healthy, healthy) // live on v1, 10% to v2
	ctx := context.Background()
	state := func() (apiclient.Alias, []string) {
		t.Helper()
		a, err := c.GetAlias(ctx, urn, "live")
		if err != nil {
			t.Fatal(err)
		}
		vs, err := c.ListVersions(ctx, urn)
		if err != nil {
			t.Fatal(err)
		}
		exists := func(v string) bool {
			return slices.ContainsFunc(vs, func(x apiclient.Version) bool { return x.Version == v })
		}
		kept := release.Kept(*a, exists)
		slices.Sort(kept)
		return *a, kept
	}
	_, before := state()
	for _, step := range []struct {
		what     string
		move     func() (*release.AliasMove, error)
		routing  string
		describe string
	}{
		{"call the canary off", func() (*release.AliasMove, error) { return release.Rollback(ctx, c, urn, "live", "") }, "v1", "traffic (fgsdeploy:reverted=v2)"},
		{"point it at the rolled-back version by name", func() (*release.AliasMove, error) { return release.Rollback(ctx, c, urn, "live", "v2") }, "v2", "traffic (fgsdeploy:previous=v1 reverted=v1)"},
		{"roll back to the previous version", func() (*release.AliasMove, error) { return release.Rollback(ctx, c, urn, "live", "") }, "v1", "traffic (fgsdeploy:previous=v2 reverted=v2)"},
		{"a canary again, by hand", func() (*release.AliasMove, error) {
			_, err := c.UpdateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v1", Description: "traffic (fgsdeploy:previous=v2 reverted=v2)", AdditionalVersionWeights: map[string]int{"v2": 10}})
			return nil, err
		}, "v1 (90%) + v2 (10%)", "traffic (fgsdeploy:previous=v2 reverted=v2)"},
		{"promote it", func() (*release.AliasMove, error) { return release.Promote(ctx, c, urn, "live") }, "v2", "traffic (fgsdeploy:previous=v1)"},
	} {
		if _, err := step.move(); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		a, kept := state()
		if release.Describe(a) != step.routing || a.Description != step.describe {
			t.Errorf("%s: alias %s, %q; want %s, %q", step.what, release.Describe(a), a.Description, step.routing, step.describe)
		}
		if !slices.Equal(kept, before) {
			t.Errorf("%s: keeps %v, before %v", step.what, kept, before)
		}
	}
	// A recorded previous version that was deleted is no rollback target.
	if err := c.DeleteVersion(ctx, urn, "v1"); err != nil {
		t.Fatal(err)
	}
	_, err := release.Rollback(ctx, c, urn, "live", "")
	if !errors.Is(err, release.ErrNoPrevious) || !strings.Contains(err.Error(), "the recorded previous version v1 no longer exists") {
		t.Errorf("rollback to a deleted version: %v", err)
	}
}

// A rollback after a canary was called off keeps the canary recorded:
// the release rolled back first is the one a re-run of the pipeline
// would route to again.
func TestRollbackKeepsTheReleaseRolledBackFirst(t *testing.T) {
	c, urn := released(t, healthy, healthy) // live on v1, 10% to v2
	ctx := context.Background()
	if _, err := c.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: zipped(t, healthy+"\n# v3\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v3"}); err != nil {
		t.Fatal(err)
	}
	// live on v2 after v1, with v3 as its canary.
	if _, err := c.UpdateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v2", Description: "fgsdeploy:previous=v1", AdditionalVersionWeights: map[string]int{"v3": 10}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fgsdeploy:previous=v1 reverted=v3", "fgsdeploy:previous=v2 reverted=v3", "fgsdeploy:previous=v1 reverted=v3"} {
		if _, err := release.Rollback(ctx, c, urn, "live", ""); err != nil {
			t.Fatal(err)
		}
		if a, _ := c.GetAlias(ctx, urn, "live"); a.Description != want {
			t.Fatalf("after a rollback: %q, want %q", a.Description, want)
		}
	}
	// Pointed at the recorded version by name: the version left is
	// recorded instead.
	if _, err := release.Rollback(ctx, c, urn, "live", "v3"); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.GetAlias(ctx, urn, "live"); a.Description != "fgsdeploy:previous=v2 reverted=v2" {
		t.Fatalf("after rollback --to v3: %q", a.Description)
	}
}
