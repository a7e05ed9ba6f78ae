// Package applier executes a planner.Plan: each function's steps in order,
// functions in parallel, a failing function stopping only its own remaining
// steps. It reports what was applied, skipped and failed. Retries belong to
// apiclient, not here.
package applier
