package emulator

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The emulator's state is a transactional store of named buckets, one per
// resource, each a sorted map of keys to JSON records. A request is one
// transaction: reads in View, writes in Update, so a request reads and
// writes only the records it names and its cost does not grow with the
// number of functions. With a state directory the store is a bbolt file
// (boltKV); in memory it is a map (memKV) with the same semantics.

// Buckets. Keys of per-function resources start with the function's key
// (package "/" name) and a NUL, so that a prefix scan finds exactly one
// function's records.
const (
	bucketMeta      = "meta"      // schema version, import marker
	bucketFunctions = "functions" // fnKey -> function
	bucketVersions  = "versions"  // fnKey NUL version -> snapshot
	bucketAliases   = "aliases"   // fnKey NUL alias -> alias
	bucketTriggers  = "triggers"  // fnKey NUL qualifier NUL id -> trigger
	bucketLogs      = "logs"      // LTS group NUL stream NUL line_num -> logLine (records.go)
	bucketStats     = "stats"     // fnKey NUL minute NUL version NUL alias -> minuteStats
)

var buckets = []string{bucketMeta, bucketFunctions, bucketVersions, bucketAliases, bucketTriggers, bucketLogs, bucketStats}

// kv is the store behind the emulator.
type kv interface {
	// View runs fn in a read-only transaction; views may run together.
	View(fn func(kvTx) error) error
	// Update runs fn in a read-write transaction, one at a time; when fn
	// returns an error (or panics) nothing it wrote is kept.
	Update(fn func(kvTx) error) error
	Close() error
}

// kvTx is one transaction. Values returned by Get and passed to Scan are
// valid only inside the transaction, and fn in Scan must not write to the
// bucket it scans.
type kvTx interface {
	Get(bucket, key string) []byte
	Put(bucket, key string, value []byte) error
	Delete(bucket, key string) error
	// Scan calls fn for each key with the prefix, in ascending order,
	// until fn returns an error (which Scan returns).
	Scan(bucket, prefix string, fn func(key string, value []byte) error) error
	// NextSeq returns the bucket's next sequence number, from 1.
	NextSeq(bucket string) (uint64, error)
}

// errStopScan ends a Scan early without an error.
var errStopScan = errors.New("stop scan")

// deletePrefix deletes every key of bucket that starts with prefix.
func deletePrefix(tx kvTx, bucket, prefix string) error {
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

// ---------------------------------------------------------------------------
// bbolt

// dbFile is the store's file in the state directory.
const dbFile = "state.db"

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
func openBolt(dir string, timeout time.Duration, onWait func(path string, timeout time.Duration)) (*boltKV, error) {
	path := filepath.Join(dir, dbFile)
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
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open emulator state %s: %w", path, err)
	}
	return &boltKV{db: db}, nil
}

func (b *boltKV) View(fn func(kvTx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *boltKV) Update(fn func(kvTx) error) error {
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
			if err == errStopScan {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t boltTx) NextSeq(bucket string) (uint64, error) { return t.bucket(bucket).NextSequence() }

// ---------------------------------------------------------------------------
// memory

// memKV keeps the buckets in memory. It is used when there is no state
// directory: no file is created, so a Server that is never closed (tests
// of other packages make many) leaves nothing behind, and no request waits
// for a disk. Its transactions have bbolt's semantics: views share a read
// lock, an update holds the write lock and undoes its writes when it
// fails or panics. Each bucket keeps its keys sorted, so a prefix scan
// visits only the keys it returns, as a bbolt cursor does.
type memKV struct {
	mu      sync.RWMutex
	buckets map[string]*memBucket
}

type memBucket struct {
	vals map[string][]byte
	keys []string // sorted
	seq  uint64
}

func (b *memBucket) set(k string, v []byte) {
	if _, ok := b.vals[k]; !ok {
		i := sort.SearchStrings(b.keys, k)
		b.keys = append(b.keys, "")
		copy(b.keys[i+1:], b.keys[i:])
		b.keys[i] = k
	}
	b.vals[k] = v
}

func (b *memBucket) unset(k string) {
	if _, ok := b.vals[k]; !ok {
		return
	}
	delete(b.vals, k)
	i := sort.SearchStrings(b.keys, k)
	b.keys = append(b.keys[:i], b.keys[i+1:]...)
}

func newMemKV() *memKV {
	m := &memKV{buckets: map[string]*memBucket{}}
	for _, b := range buckets {
		m.buckets[b] = &memBucket{vals: map[string][]byte{}}
	}
	return m
}

func (m *memKV) View(fn func(kvTx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{kv: m})
}

func (m *memKV) Update(fn func(kvTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{kv: m, writable: true}
	committed := false
	defer func() {
		if !committed {
			tx.rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	committed = true
	return nil
}

func (m *memKV) Close() error { return nil }

type undo struct {
	bucket, key string
	old         []byte
	existed     bool
}

type memTx struct {
	kv       *memKV
	writable bool
	journal  []undo
	seqs     map[string]uint64 // sequence numbers before the first NextSeq
}

func (t *memTx) b(name string) *memBucket {
	bk := t.kv.buckets[name]
	if bk == nil {
		panic("emulator: no bucket " + name)
	}
	return bk
}

func (t *memTx) Get(bucket, key string) []byte { return t.b(bucket).vals[key] }

func (t *memTx) note(bucket, key string) {
	old, existed := t.b(bucket).vals[key]
	t.journal = append(t.journal, undo{bucket, key, old, existed})
}

func (t *memTx) Put(bucket, key string, value []byte) error {
	if !t.writable {
		return berrors.ErrTxNotWritable
	}
	t.note(bucket, key)
	t.b(bucket).set(key, append([]byte(nil), value...))
	return nil
}

func (t *memTx) Delete(bucket, key string) error {
	if !t.writable {
		return berrors.ErrTxNotWritable
	}
	t.note(bucket, key)
	t.b(bucket).unset(key)
	return nil
}

func (t *memTx) Scan(bucket, prefix string, fn func(string, []byte) error) error {
	bk := t.b(bucket)
	for i := sort.SearchStrings(bk.keys, prefix); i < len(bk.keys) && strings.HasPrefix(bk.keys[i], prefix); i++ {
		k := bk.keys[i]
		if err := fn(k, bk.vals[k]); err != nil {
			if err == errStopScan {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t *memTx) NextSeq(bucket string) (uint64, error) {
	if !t.writable {
		return 0, berrors.ErrTxNotWritable
	}
	bk := t.b(bucket)
	if t.seqs == nil {
		t.seqs = map[string]uint64{}
	}
	if _, noted := t.seqs[bucket]; !noted {
		t.seqs[bucket] = bk.seq
	}
	bk.seq++
	return bk.seq, nil
}

func (t *memTx) rollback() {
	for i := len(t.journal) - 1; i >= 0; i-- {
		u := t.journal[i]
		if u.existed {
			t.b(u.bucket).set(u.key, u.old)
		} else {
			t.b(u.bucket).unset(u.key)
		}
	}
	for b, v := range t.seqs {
		t.b(b).seq = v
	}
}

// ---------------------------------------------------------------------------
// code packages

// blobStore keeps code packages by their SHA-512 digest. With a state
// directory they are files under blobs/ beside state.db, written
// atomically, rather than values inside the database: a package is
// written once and never changes (content-addressed), the OBS objects of
// up to 300 MB that come later can then be streamed to and from disk
// instead of passing whole through bbolt's memory map, and a deleted
// package gives its disk back at once, which a bbolt file never does
// without compaction. A package is written before the transaction that
// refers to it commits, so a crash can leave an unreferenced file, never a
// reference without its file.
type blobStore interface {
	put(digest string, data []byte) error
	get(digest string) ([]byte, error)
	// putFrom stores what r reads, hashed as it is written: an OBS
	// object of any size becomes a package without being held whole.
	putFrom(r io.Reader) (digest string, size int64, err error)
}

type dirBlobs struct{ dir string }

func (d dirBlobs) put(digest string, data []byte) error {
	if _, err := os.Stat(filepath.Join(d.dir, digest)); err == nil {
		return nil
	}
	return atomicWrite(d.dir, digest, data)
}

func (d dirBlobs) get(digest string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.dir, digest))
}

func (d dirBlobs) putFrom(r io.Reader) (string, int64, error) {
	tmp, err := os.CreateTemp(d.dir, ".obs.tmp-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha512.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	digest := hex.EncodeToString(h.Sum(nil))
	if _, err := os.Stat(filepath.Join(d.dir, digest)); err == nil {
		return digest, n, nil
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.dir, digest)); err != nil {
		return "", 0, err
	}
	return digest, n, nil
}

type memBlobs struct {
	mu sync.RWMutex
	m  map[string][]byte
}

func (b *memBlobs) put(digest string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[digest]; !ok {
		b.m[digest] = data
	}
	return nil
}

func (b *memBlobs) putFrom(r io.Reader) (string, int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", 0, err
	}
	sum := sha512.Sum512(data)
	digest := hex.EncodeToString(sum[:])
	return digest, int64(len(data)), b.put(digest, data)
}

func (b *memBlobs) get(digest string) ([]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	d, ok := b.m[digest]
	if !ok {
		return nil, os.ErrNotExist
	}
	return d, nil
}

// atomicWrite writes dir/name through a temporary file, fsync, rename and
// fsync of the folder: a crash leaves the old file or the new one.
func atomicWrite(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
