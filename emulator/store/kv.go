package store

import (
	"errors"
	"strings"
)

// Meta is the bucket every store has: schema version, import marker.
const Meta = "meta"

// SubKey is the key of a record that belongs to the record with key fk:
// fk, a NUL and parts joined by NUL, so that a prefix scan of SubKey(fk)
// finds exactly fk's records.
func SubKey(fk string, parts ...string) string { return fk + "\x00" + strings.Join(parts, "\x00") }

// KV is the store behind the emulator: buckets of records.
type KV interface {
	// View runs fn in a read-only transaction; views may run together.
	View(fn func(KVTx) error) error
	// Update runs fn in a read-write transaction, one at a time; when fn
	// returns an error (or panics) nothing it wrote is kept.
	Update(fn func(KVTx) error) error
	Close() error
}

// KVTx is one transaction. Values returned by Get and passed to Scan are
// valid only inside the transaction, and fn in Scan must not write to the
// bucket it scans.
type KVTx interface {
	Get(bucket, key string) []byte
	Put(bucket, key string, value []byte) error
	Delete(bucket, key string) error
	// Scan calls fn for each key with the prefix, in ascending order,
	// until fn returns an error (which Scan returns).
	Scan(bucket, prefix string, fn func(key string, value []byte) error) error
	// NextSeq returns the bucket's next sequence number, from 1.
	NextSeq(bucket string) (uint64, error)
}

// ErrStopScan ends a Scan early without an error.
var ErrStopScan = errors.New("stop scan")

// DeletePrefix deletes every key of bucket that starts with prefix.
func DeletePrefix(tx KVTx, bucket, prefix string) error {
	var keys []string
	tx.Scan(bucket, prefix, func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	for _, k := range keys {
		if err := tx.Delete(bucket, k); err != nil {
			return err
		}
	}
	return nil
}
