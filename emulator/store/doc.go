// Package store owns the emulator's state: a transactional store of named
// buckets, one per resource, each a sorted map of keys to JSON records; the
// code packages (blobs, by SHA-512) and the bytes of OBS objects beside it;
// and the lock that makes a state directory one process's at a time.
//
// A request is one transaction: reads in View, writes in Update, so a
// request reads and writes only the records it names and its cost does not
// grow with the number of functions. With a state directory the store is a
// bbolt file, state.db (boltKV), opened with an exclusive lock; in memory
// it is a map (memKV) with the same semantics. Each service declares its
// own buckets and passes them to Open; the store knows nothing of what the
// records hold.
//
// # State
//
// State lives in a transactional store (this package): with Options.StateDir,
// a bbolt file, state.db, opened with an exclusive lock for as long as the
// Server runs (another process on the same directory waits up to
// Options.LockTimeout, calling Options.OnLockWait once, then gets
// ErrStateLocked); without it, maps with the same transaction semantics.
// Each resource has a bucket of its own (functions, versions, aliases,
// triggers, OBS objects, dependencies, LTS log lines, invocation
// statistics), one
// JSON record per key, so a request reads and writes only the records it
// names. Every request is one transaction: reads in a read-only view,
// writes in an update that commits (fsync) before the answer, or rolls
// back entirely when the request fails. Code packages are files under
// blobs/, named by their SHA-512 and written atomically before the
// transaction that refers to them. A state.json of an earlier emulator is
// imported once and renamed state.json.imported. Packages no version
// refers to any more are not removed.
package store
