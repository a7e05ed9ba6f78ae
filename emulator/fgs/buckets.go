package fgs

import "github.com/fgsdeploy/fgsdeploy/emulator/store"

// bucketMeta is the store's own bucket: the import marker.
const bucketMeta = store.Meta

// Buckets. Keys of per-function resources start with the function's key
// (package "/" name) and a NUL, so that a prefix scan finds exactly one
// function's records.
const (
	bucketFunctions = "functions" // fnKey -> function
	bucketVersions  = "versions"  // fnKey NUL version -> snapshot
	bucketAliases   = "aliases"   // fnKey NUL alias -> alias
	bucketTriggers  = "triggers"  // fnKey NUL qualifier NUL id -> trigger
)

// Buckets are the control plane's buckets of the store, for store.Open.
var Buckets = []string{bucketFunctions, bucketVersions, bucketAliases, bucketTriggers, bucketDeps, bucketProduction}
