package store

import (
	"crypto/sha512"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Blobs keeps code packages by their SHA-512 digest. With a state
// directory they are files under blobs/ beside state.db, written
// atomically, rather than values inside the database: a package is
// written once and never changes (content-addressed), the OBS objects of
// up to 300 MB that come later can then be streamed to and from disk
// instead of passing whole through bbolt's memory map, and a deleted
// package gives its disk back at once, which a bbolt file never does
// without compaction. A package is written before the transaction that
// refers to it commits, so a crash can leave an unreferenced file, never a
// reference without its file.
type Blobs interface {
	Put(digest string, data []byte) error
	Get(digest string) ([]byte, error)
	// putFrom stores what r reads, hashed as it is written: an OBS
	// object of any size becomes a package without being held whole.
	PutFrom(r io.Reader) (digest string, size int64, err error)
}

type dirBlobs struct{ dir string }

func (d dirBlobs) Put(digest string, data []byte) error {
	if _, err := os.Stat(filepath.Join(d.dir, digest)); err == nil {
		return nil
	}
	return atomicWrite(d.dir, digest, data)
}

func (d dirBlobs) Get(digest string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.dir, digest))
}

func (d dirBlobs) PutFrom(r io.Reader) (string, int64, error) {
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

func (b *memBlobs) Put(digest string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[digest]; !ok {
		b.m[digest] = data
	}
	return nil
}

func (b *memBlobs) PutFrom(r io.Reader) (string, int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", 0, err
	}
	sum := sha512.Sum512(data)
	digest := hex.EncodeToString(sum[:])
	return digest, int64(len(data)), b.Put(digest, data)
}

func (b *memBlobs) Get(digest string) ([]byte, error) {
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
