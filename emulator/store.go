package emulator

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

var buckets = []string{bucketFunctions, bucketVersions, bucketAliases, bucketTriggers}

// DefaultLockTimeout is how long New waits for another process to release
// the state directory before it refuses.
const DefaultLockTimeout = store.DefaultLockTimeout

// ErrStateLocked is returned by New when another process kept the state
// directory locked for longer than Options.LockTimeout.
var ErrStateLocked = store.ErrStateLocked
