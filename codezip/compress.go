package codezip

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/flate"
)

// compressed is one entry ready to be written raw.
type compressed struct {
	plan  bool // a saved plan: not packaged
	hdr   zip.FileHeader
	buf   *bytes.Buffer // small entries, from bufPool
	spill *os.File      // big entries, compressed into a temporary file
	err   error
}

// bufPool recycles the buffers of small compressed entries, so packaging
// thousands of files does not churn the heap.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (c *compressed) release() {
	if c == nil {
		return
	}
	if c.spill != nil {
		c.spill.Close()
		os.Remove(c.spill.Name())
		c.spill = nil
	}
	if c.buf != nil {
		c.buf.Reset()
		bufPool.Put(c.buf)
		c.buf = nil
	}
}

// ctxReader reads r until ctx is done, so that a cancelled build does not
// wait for a big file to be compressed to its end.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// compressFile deflates one file and fills its header. Everything in the
// header is fixed except name, sizes, CRC and the exec bit. It stops at
// its next read once ctx is done.
func compressFile(ctx context.Context, f file, zw *flate.Writer, copyBuf []byte, tempDir string, progress io.Writer) *compressed {
	c := &compressed{}
	in, err := os.Open(f.abs)
	if err != nil {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	defer in.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(in, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	if planPrefixRe.Match(head[:n]) && isSavedPlan(f.abs, f.size) {
		c.plan = true
		return c
	}
	st, err := in.Stat()
	if err != nil {
		c.err = err
		return c
	}
	var sink io.Writer
	if st.Size() > spillThreshold {
		c.spill, err = os.CreateTemp(tempDir, ".fgsdeploy-entry-*")
		if err != nil {
			c.err = err
			return c
		}
		sink = c.spill
	} else {
		c.buf = bufPool.Get().(*bytes.Buffer)
		sink = c.buf
	}
	cw := &countWriter{}
	zw.Reset(io.MultiWriter(sink, cw))
	crc := crc32.NewIEEE()
	var sum io.Writer = crc
	if progress != nil {
		sum = io.MultiWriter(crc, progress)
	}
	n64, err := io.CopyBuffer(zw, io.TeeReader(io.MultiReader(bytes.NewReader(head[:n]), ctxReader{ctx, in}), sum), copyBuf)
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		c.release()
		c.err = fmt.Errorf("compress %s: %w", f.name, err)
		return c
	}
	c.hdr = zip.FileHeader{
		Name:               f.name,
		Method:             zip.Deflate,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(cw.n),
		UncompressedSize64: uint64(n64),
		// The MS-DOS fields, not Modified: Modified would also write an
		// extended-timestamp extra field, and the package has none.
		//lint:ignore SA1019 deliberate, see above
		ModifiedDate: dosDate,
		//lint:ignore SA1019 deliberate, see above
		ModifiedTime: dosTime,
	}
	for _, r := range f.name {
		if r >= 0x80 {
			c.hdr.Flags |= 0x800 // names are UTF-8
			break
		}
	}
	mode := os.FileMode(0o644)
	if f.exec {
		mode = 0o755
	}
	c.hdr.SetMode(mode)
	c.hdr.CreatorVersion = 3<<8 | 20 // Unix, zip 2.0
	c.hdr.ReaderVersion = 20         // deflate needs zip 2.0
	return c
}
