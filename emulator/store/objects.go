package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Objects keeps the bytes of objects and parts, each under an id of
// its own, written once.
type Objects interface {
	Create() (ObjectWriter, error)
	Open(id string) (io.ReadCloser, error)
	Remove(id string)
}

// ObjectWriter receives the bytes of one object or part.
type ObjectWriter interface {
	io.Writer
	Commit() (id string, err error) // durable once it returns
	Abort()
}

// NewID is a random id of 32 hex digits: object data, OBS uploads and
// dependency ids are named with it.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type dirObjects struct{ dir string }

type dirWriter struct {
	f  *os.File
	id string
	d  dirObjects
}

func (d dirObjects) Create() (ObjectWriter, error) {
	id := NewID()
	f, err := os.OpenFile(filepath.Join(d.dir, "."+id+".tmp"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &dirWriter{f: f, id: id, d: d}, nil
}

func (w *dirWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *dirWriter) Commit() (string, error) {
	if err := w.f.Sync(); err != nil {
		w.Abort()
		return "", err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.f.Name())
		return "", err
	}
	if err := os.Rename(w.f.Name(), filepath.Join(w.d.dir, w.id)); err != nil {
		os.Remove(w.f.Name())
		return "", err
	}
	return w.id, nil
}

func (w *dirWriter) Abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

func (d dirObjects) Open(id string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(d.dir, id))
}

func (d dirObjects) Remove(id string) { os.Remove(filepath.Join(d.dir, id)) }

type memObjects struct {
	mu sync.RWMutex
	m  map[string][]byte
}

type memWriter struct {
	buf bytes.Buffer
	o   *memObjects
}

func (o *memObjects) Create() (ObjectWriter, error) { return &memWriter{o: o}, nil }

func (w *memWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *memWriter) Commit() (string, error) {
	id := NewID()
	w.o.mu.Lock()
	w.o.m[id] = w.buf.Bytes()
	w.o.mu.Unlock()
	return id, nil
}

func (w *memWriter) Abort() {}

func (o *memObjects) Open(id string) (io.ReadCloser, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	b, ok := o.m[id]
	if !ok {
		return nil, os.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (o *memObjects) Remove(id string) {
	o.mu.Lock()
	delete(o.m, id)
	o.mu.Unlock()
}

// OpenObjects is where objects' bytes are kept: objects/ beside state.db,
// or memory.
func OpenObjects(stateDir string) (Objects, error) {
	if stateDir == "" {
		return &memObjects{m: map[string][]byte{}}, nil
	}
	dir := filepath.Join(stateDir, "objects")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// What a crash while receiving an object leaves; the lock on the
	// state is held, so nobody is writing them now.
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	for _, f := range left {
		os.Remove(f)
	}
	return dirObjects{dir: dir}, nil
}

// NewReader reads the data of ids one after the other, opening each when
// reached: an object made of parts is read as one.
func NewReader(data Objects, ids []string) io.ReadCloser {
	return &blobReader{data: data, ids: ids}
}

// blobReader reads blobs one after the other, opening each when reached.
type blobReader struct {
	data Objects
	ids  []string
	cur  io.ReadCloser
}

func (b *blobReader) Read(p []byte) (int, error) {
	for {
		if b.cur == nil {
			if len(b.ids) == 0 {
				return 0, io.EOF
			}
			rc, err := b.data.Open(b.ids[0])
			if err != nil {
				return 0, err
			}
			b.cur, b.ids = rc, b.ids[1:]
		}
		n, err := b.cur.Read(p)
		if err == io.EOF {
			b.cur.Close()
			b.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

func (b *blobReader) Close() error {
	if b.cur != nil {
		return b.cur.Close()
	}
	return nil
}
