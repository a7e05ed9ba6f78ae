package applier

import (
	"context"
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The requests of a function's tags and of its deletion. A deletion's
// alias and function deletes take "not found" as done: what a repeat
// after an uncertain failure, or a delete elsewhere, already removed is
// as the plan wants it.

func (r *run) createTags(ctx context.Context, q *plan.CreateTags) error {
	if err := r.api.CreateTags(ctx, r.f.URN, q.Tags); err != nil {
		return fmt.Errorf("add tags: %w", err)
	}
	return nil
}

func (r *run) deleteTags(ctx context.Context, q *plan.DeleteTags) error {
	if err := r.api.DeleteTags(ctx, r.f.URN, q.Tags); err != nil {
		return fmt.Errorf("delete tags: %w", err)
	}
	return nil
}

func (r *run) deleteAlias(ctx context.Context, q *plan.DeleteAlias) error {
	if err := r.api.DeleteAlias(ctx, r.f.URN, q.Name); err != nil && !apiclient.IsNotFound(err) {
		return fmt.Errorf("delete alias %s: %w", q.Name, err)
	}
	return nil
}

func (r *run) deleteFunction(ctx context.Context, _ *plan.DeleteFunction) error {
	if err := r.api.DeleteFunction(ctx, r.f.URN); err != nil && !apiclient.IsNotFound(err) {
		return err
	}
	return nil
}
