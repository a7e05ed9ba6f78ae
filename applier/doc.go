// Package applier executes a plan.Plan: functions in parallel, each
// function's steps in order, one API operation per step (apply.go runs
// them, function.go and release.go hold one method per kind of request).
// A failing function stops only its own remaining steps. What apply learns
// (the name a publish got) is kept here and never written to the plan. It
// reports what was applied, skipped and failed (report.go). Retries belong
// to apiclient, not here.
package applier
