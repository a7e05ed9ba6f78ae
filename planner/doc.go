// Package planner computes plans: it reads each function's live state,
// builds its code package, compares every managed field with the manifest
// and returns a plan.Plan, the ordered steps (create, code, config, max
// instances, publish, aliases, prune) with the request bodies apply will
// send. It never writes to the API. The plan's vocabulary and views are
// package plan's; the saved-plan file is package planfile's.
package planner
