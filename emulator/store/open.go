package store

import (
	"os"
	"path/filepath"
	"time"
)

// Options say where the state lives and which buckets it has.
type Options struct {
	// Dir holds state.db and the code packages under blobs/; "" keeps
	// the state in memory.
	Dir string
	// Buckets are the buckets every service declares; Meta is always
	// one of them.
	Buckets []string
	// LockTimeout bounds the wait for another process holding Dir; 0
	// means DefaultLockTimeout. OnLockWait, when set, is called once
	// when the wait starts.
	LockTimeout time.Duration
	OnLockWait  func(path string, timeout time.Duration)
}

// Open opens the store of Options.Dir, or a memory store.
func Open(o Options) (KV, Blobs, error) {
	buckets := append([]string{Meta}, o.Buckets...)
	if o.Dir == "" {
		return newMemKV(buckets), &memBlobs{m: map[string][]byte{}}, nil
	}
	blobDir := filepath.Join(o.Dir, "blobs")
	if err := os.MkdirAll(blobDir, 0o700); err != nil {
		return nil, nil, err
	}
	timeout := o.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	db, err := openBolt(o.Dir, buckets, timeout, o.OnLockWait)
	if err != nil {
		return nil, nil, err
	}
	// Temporary files are what a crash while writing a package leaves; the
	// rename that would have published them never happened. The lock is
	// held, so no other emulator is writing them now.
	left, _ := filepath.Glob(filepath.Join(blobDir, ".*.tmp-*"))
	for _, f := range left {
		os.Remove(f)
	}
	return db, dirBlobs{dir: blobDir}, nil
}
