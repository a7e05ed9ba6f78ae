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
	"math/bits"
	"os"
	"sync"

	"github.com/klauspost/compress/flate"
)

// compressed is one entry ready to be written raw.
type compressed struct {
	plan  bool // a saved plan: not packaged
	hdr   zip.FileHeader
	data  []byte   // small entries: exactly their compressed bytes
	spill *os.File // big entries, compressed into a temporary file
	err   error
}

// Small entries wait in buffers recycled by size class, powers of two
// from 512 bytes: a class at most twice the compressed entry (so what
// waits stays within about twice aheadBytes, whatever buffers it had
// before), and no fresh pages faulted in for every file.
const (
	minEntryClass = 9  // 512 bytes
	maxEntryClass = 22 // 4 MiB, above any entry of up to spillThreshold
)

var entryPools [maxEntryClass + 1]sync.Pool

// getEntry returns a buffer of n bytes from its size class.
func getEntry(n int) []byte {
	class := max(bits.Len(uint(n-1)), minEntryClass)
	if n == 0 || class > maxEntryClass {
		return make([]byte, n)
	}
	if p, ok := entryPools[class].Get().(*[]byte); ok {
		return (*p)[:n]
	}
	return make([]byte, n, 1<<class)
}

// putEntry gives back a buffer getEntry returned.
func putEntry(b []byte) {
	class := bits.Len(uint(cap(b) - 1))
	if cap(b) != 1<<class || class < minEntryClass || class > maxEntryClass {
		return
	}
	entryPools[class].Put(&b)
}

// spillBuffer is the write buffer of a big entry's temporary file.
const spillBuffer = 256 << 10

func (c *compressed) release() {
	if c == nil {
		return
	}
	if c.spill != nil {
		c.spill.Close()
		os.Remove(c.spill.Name())
		c.spill = nil
	}
	if c.data != nil {
		putEntry(c.data)
		c.data = nil
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

// compressor is one worker's: its deflater, read buffer and output
// buffer are reused from file to file, so packaging thousands of files
// does not churn the heap. A small entry waits for the writer in a copy
// of its compressed bytes (getEntry).
type compressor struct {
	zw       *flate.Writer
	read     []byte
	out      bytes.Buffer
	tempDir  string
	progress io.Writer // nil for none
}

func newCompressor(tempDir string, progress io.Writer) *compressor {
	zw, _ := flate.NewWriter(nil, compressionLevel)
	return &compressor{zw: zw, read: make([]byte, 64<<10), tempDir: tempDir, progress: progress}
}

// compress deflates one file and fills its header. Everything in the
// header is fixed except name, sizes, CRC and the exec bit. It stops at
// its next read once ctx is done.
func (w *compressor) compress(ctx context.Context, f file) *compressed {
	c := &compressed{}
	in, err := openFile(f.abs)
	if err != nil {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	defer in.Close()
	// The first read fills the read buffer (most files are smaller): its
	// first bytes tell a saved plan, and it is compressed as is.
	n, err := io.ReadAtLeast(in, w.read, planHead)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		c.err = fmt.Errorf("cannot read %s: %w", f.name, cause(err))
		return c
	}
	if planPrefixRe.Match(w.read[:min(n, planHead)]) && isSavedPlan(f.abs, f.size) {
		c.plan = true
		return c
	}
	var spill *bufio.Writer
	w.out.Reset()
	if f.size > spillThreshold {
		c.spill, err = os.CreateTemp(w.tempDir, ".fgsdeploy-entry-*")
		if err != nil {
			c.err = err
			return c
		}
		// flate writes a few hundred bytes at a time: without a buffer,
		// each would be a system call.
		spill = bufio.NewWriterSize(c.spill, spillBuffer)
	}
	size, compressedSize, crc, err := w.deflate(ctx, in, n, spill)
	if err != nil {
		c.release()
		c.err = fmt.Errorf("compress %s: %w", f.name, err)
		return c
	}
	if spill == nil {
		c.data = getEntry(w.out.Len())
		copy(c.data, w.out.Bytes())
	}
	c.hdr = header(f, crc, compressedSize, size)
	return c
}

// deflate compresses the n bytes already in the read buffer and the rest
// of in, into spill when it is not nil, else into the output buffer, and
// returns the sizes read and written and the CRC-32 of what it read.
func (w *compressor) deflate(ctx context.Context, in io.Reader, n int, spill *bufio.Writer) (size, compressedSize int64, crc32sum uint32, err error) {
	out := &countWriter{w: &w.out}
	if spill != nil {
		out.w = spill
	}
	w.zw.Reset(out)
	crc := crc32.NewIEEE()
	var sum io.Writer = crc
	if w.progress != nil {
		sum = io.MultiWriter(crc, w.progress)
	}
	sum.Write(w.read[:n])
	if _, err := w.zw.Write(w.read[:n]); err != nil {
		return 0, 0, 0, err
	}
	rest, err := io.CopyBuffer(w.zw, io.TeeReader(ctxReader{ctx, in}, sum), w.read)
	if err == nil {
		err = w.zw.Close()
	}
	if err == nil && spill != nil {
		err = spill.Flush()
	}
	return int64(n) + rest, out.n, crc.Sum32(), err
}

// header is the zip header of f compressed.
func header(f file, crc uint32, compressedSize, size int64) zip.FileHeader {
	hdr := zip.FileHeader{
		Name:               f.name,
		Method:             zip.Deflate,
		CRC32:              crc,
		CompressedSize64:   uint64(compressedSize),
		UncompressedSize64: uint64(size),
		// The MS-DOS fields, not Modified: Modified would also write an
		// extended-timestamp extra field, and the package has none.
		//lint:ignore SA1019 deliberate, see above
		ModifiedDate: dosDate,
		//lint:ignore SA1019 deliberate, see above
		ModifiedTime: dosTime,
	}
	for _, r := range f.name {
		if r >= 0x80 {
			hdr.Flags |= 0x800 // names are UTF-8
			break
		}
	}
	mode := os.FileMode(0o644)
	if f.exec {
		mode = 0o755
	}
	hdr.SetMode(mode)
	hdr.CreatorVersion = 3<<8 | 20 // Unix, zip 2.0
	hdr.ReaderVersion = 20         // deflate needs zip 2.0
	return hdr
}
