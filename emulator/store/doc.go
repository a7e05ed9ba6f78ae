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
package store
