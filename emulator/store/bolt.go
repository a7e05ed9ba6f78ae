package store

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DBFile is the store's file in the state directory.
const DBFile = "state.db"

// DefaultLockTimeout is how long New waits for another process to release
// the state directory before it refuses.
const DefaultLockTimeout = 60 * time.Second

// ErrStateLocked is returned by New when another process kept the state
// directory locked for longer than Options.LockTimeout.
var ErrStateLocked = errors.New("emulator state is locked by another process")

type boltKV struct{ db *bolt.DB }

// openBolt opens (or creates) dir/state.db with an exclusive lock. When
// another process holds it, onWait is called once and the open waits up
// to timeout.
func openBolt(dir string, buckets []string, timeout time.Duration, onWait func(path string, timeout time.Duration)) (*boltKV, error) {
	path := filepath.Join(dir, DBFile)
	// A short first try tells whether someone else holds the lock, so
	// the message is printed only when there is something to wait for.
	first := 50 * time.Millisecond
	if timeout < first {
		first = timeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: first})
	if errors.Is(err, berrors.ErrTimeout) && timeout > first {
		if onWait != nil {
			onWait(path, timeout)
		}
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout - first})
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (waited %v); stop the other fgsdeploy using it, or use another state directory", ErrStateLocked, path, timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open emulator state %s: %w", path, err)
	}
	if err := createBuckets(db, buckets); err != nil {
		db.Close()
		return nil, fmt.Errorf("open emulator state %s: %w", path, err)
	}
	return &boltKV{db: db}, nil
}

// createBuckets makes the buckets db lacks. It writes only when one is
// missing: a commit syncs the file to disk, which every start of a
// --local command would otherwise pay for nothing.
func createBuckets(db *bolt.DB, buckets []string) error {
	missing := false
	db.View(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if tx.Bucket([]byte(b)) == nil {
				missing = true
			}
		}
		return nil
	})
	if !missing {
		return nil
	}
	return db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *boltKV) View(fn func(KVTx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *boltKV) Update(fn func(KVTx) error) error {
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *boltKV) Close() error { return b.db.Close() }

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) bucket(name string) *bolt.Bucket {
	bk := t.tx.Bucket([]byte(name))
	if bk == nil {
		panic("emulator: no bucket " + name) // every bucket is created at open
	}
	return bk
}

func (t boltTx) Get(bucket, key string) []byte { return t.bucket(bucket).Get([]byte(key)) }

func (t boltTx) Put(bucket, key string, value []byte) error {
	return t.bucket(bucket).Put([]byte(key), value)
}

func (t boltTx) Delete(bucket, key string) error { return t.bucket(bucket).Delete([]byte(key)) }

func (t boltTx) Scan(bucket, prefix string, fn func(string, []byte) error) error {
	c := t.bucket(bucket).Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(string(k), v); err != nil {
			if err == ErrStopScan {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t boltTx) NextSeq(bucket string) (uint64, error) { return t.bucket(bucket).NextSequence() }
