package codezip

import (
	"archive/zip"
	"bufio"
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

// spillBuffer is the write buffer of a big entry's temporary file.
const spillBuffer = 256 << 10

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
// its next read once ctx is done. buf is the worker's read buffer.
func compressFile(ctx context.Context, f file, zw *flate.Writer, buf []byte, tempDir string, progress io.Writer) *compressed {
	c := &compressed{}
	in, err := openFile(f.abs)
	if err != nil {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	defer in.Close()
	// The first read fills buf (most files are smaller): its first bytes
	// tell a saved plan, and it is compressed as is.
	n, err := io.ReadAtLeast(in, buf, planHead)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	if planPrefixRe.Match(buf[:min(n, planHead)]) && isSavedPlan(f.abs, f.size) {
		c.plan = true
		return c
	}
	var sink io.Writer
	var spill *bufio.Writer
	if f.size > spillThreshold {
		c.spill, err = os.CreateTemp(tempDir, ".fgsdeploy-entry-*")
		if err != nil {
			c.err = err
			return c
		}
		// flate writes a few hundred bytes at a time: without a buffer,
		// each would be a system call.
		spill = bufio.NewWriterSize(c.spill, spillBuffer)
		sink = spill
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
	sum.Write(buf[:n])
	_, err = zw.Write(buf[:n])
	n64 := int64(n)
	if err == nil {
		var rest int64
		rest, err = io.CopyBuffer(zw, io.TeeReader(ctxReader{ctx, in}, sum), buf)
		n64 += rest
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil && spill != nil {
		err = spill.Flush()
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
