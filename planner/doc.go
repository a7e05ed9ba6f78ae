// Package planner computes plans. For each function of a manifest.Project
// it builds the code package, reads the live state (never writing to the
// API) and returns the steps that make the function as declared, each a
// plan.Request with the body apply will send: create, code, config, max
// instances, then the release's publish, aliases and pruning. One file per
// concern: function.go runs them in order for one function, create.go,
// code.go, config.go, release.go (with publish.go, aliases.go, prune.go)
// decide each; live.go reads live state as the manifest would say it,
// diff.go shows what differs, secrets.go and fingerprint.go make what a
// saved plan compares. The plan's vocabulary and views are package plan's,
// the saved-plan file package planfile's.
package planner
