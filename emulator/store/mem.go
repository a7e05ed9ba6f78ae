package store

import (
	"sort"
	"strings"
	"sync"

	berrors "go.etcd.io/bbolt/errors"
)

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

func newMemKV(buckets []string) *memKV {
	m := &memKV{buckets: map[string]*memBucket{}}
	for _, b := range buckets {
		m.buckets[b] = &memBucket{vals: map[string][]byte{}}
	}
	return m
}

func (m *memKV) View(fn func(KVTx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{kv: m})
}

func (m *memKV) Update(fn func(KVTx) error) error {
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
			if err == ErrStopScan {
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
