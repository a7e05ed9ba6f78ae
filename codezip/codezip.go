package codezip

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/klauspost/compress/flate"
	"golang.org/x/sync/semaphore"
)

// MaxDirectUpload is FunctionGraph's limit on a zip or jar sent in the
// request body (FSS.1071): 50 MB of package bytes. Larger packages go
// through OBS (code.obs_url).
const MaxDirectUpload = 50 << 20

// Pinned settings: every one of them is part of every digest.
const (
	// compressionLevel is klauspost/compress/flate's level 6 (the library
	// version is pinned in go.mod): within 5% of zip -6 in size on a
	// node_modules tree, several times faster (docs/benchmarks.md).
	compressionLevel = 6
	// dosDate and dosTime are 1980-01-01 00:00:00, the DOS epoch, written
	// as the only timestamp of every entry; no extended-time extra field.
	dosDate = 1<<5 | 1
	dosTime = 0
	// Big files are compressed into temporary files, small ones in memory.
	spillThreshold = 1 << 20
	// aheadBytes bounds what compressed entries may wait in memory for
	// their turn in the zip (an entry counts its size up to
	// spillThreshold), and aheadEntries how many may wait. Workers run
	// ahead of the writer, so a big file being compressed on one core
	// does not leave the others idle; memory stays bounded whatever the
	// tree.
	aheadBytes   = 8 << 20
	aheadEntries = 64
)

// ErrTooLarge marks a package over MaxDirectUpload.
var ErrTooLarge = errors.New("package too large for a direct upload")

// Options tune Build.
type Options struct {
	Root    string   // project root: symlinks resolving outside it are errors
	Exclude []string // absolute paths never packaged (the manifest, .fgsdeploy)
	TempDir string   // where the temporary zip goes ("" = os.TempDir())
	Workers int      // parallel compressors; 0 = runtime.NumCPU()
	// Progress, when set, is called once the files are known with their
	// total size; the writer it returns (nil for none) receives every byte
	// read, from several goroutines at once.
	Progress func(total int64) io.Writer
}

// Result is a built package.
type Result struct {
	Path      string // the zip on disk
	Temporary bool   // Path is a temporary file that Close removes
	Digest    string // lowercase hex SHA-512 of the bytes at Path
	Size      int64
	Files     int
}

// Close removes the package if it is a temporary file.
func (r *Result) Close() error {
	if r == nil || !r.Temporary {
		return nil
	}
	r.Temporary = false
	if err := os.Remove(r.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// CheckUploadLimit returns an error wrapping ErrTooLarge when the package
// cannot be sent in the request body.
func (r *Result) CheckUploadLimit() error {
	if r.Size > MaxDirectUpload {
		return fmt.Errorf("%w: %d bytes, FunctionGraph accepts at most %d (FSS.1071); upload it to OBS and use code.obs_url", ErrTooLarge, r.Size, MaxDirectUpload)
	}
	return nil
}

// Build packages src: a directory becomes a deterministic zip in a
// temporary file; a .zip or .jar file is used as is.
func Build(ctx context.Context, src string, opts Options) (*Result, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return hashFile(src)
	}
	files, err := collect(src, opts)
	if err != nil {
		return nil, err
	}
	return write(ctx, files, opts)
}

func hashFile(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha512.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, err
	}
	return &Result{Path: path, Digest: hex.EncodeToString(h.Sum(nil)), Size: n, Files: 1}, nil
}

// file is one entry of the package.
type file struct {
	name string // slash-separated, relative to the code directory
	abs  string // where its bytes are read from (a symlink's target)
	exec bool
	size int64
}

// defaultIgnored are never packaged, whatever .fgsignore says.
var defaultIgnored = map[string]bool{".git": true, ".hg": true, ".svn": true, ".fgsdeploy": true, ".fgsignore": true, ".DS_Store": true}

// collect lists the files under src, sorted by name, applying the ignore
// rules and resolving symlinks.
func collect(src string, opts Options) ([]file, error) {
	root := opts.Root
	if root == "" {
		root = src
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	exclude := map[string]bool{}
	for _, e := range opts.Exclude {
		if r, err := filepath.EvalSymlinks(e); err == nil {
			exclude[r] = true
		}
		exclude[filepath.Clean(e)] = true
	}
	realSrc, err := filepath.EvalSymlinks(src)
	if err != nil {
		return nil, err
	}
	c := &collector{root: realRoot, exclude: exclude}
	if err := c.dir(realSrc, nil, nil, map[string]bool{realSrc: true}); err != nil {
		return nil, err
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].name < c.files[j].name })
	for i := 1; i < len(c.files); i++ {
		if c.files[i].name == c.files[i-1].name {
			return nil, fmt.Errorf("%s appears twice in the package", c.files[i].name)
		}
	}
	return c.files, nil
}

type collector struct {
	root    string
	exclude map[string]bool
	files   []file
}

// dir walks one directory. rel is its path inside the package; patterns
// are the ignore patterns in force; chain holds the real directories being
// walked, to detect symlink cycles.
func (c *collector) dir(real string, rel []string, patterns []gitignore.Pattern, chain map[string]bool) error {
	if b, err := os.ReadFile(filepath.Join(real, ".fgsignore")); err == nil {
		patterns = append(append([]gitignore.Pattern(nil), patterns...), ParseIgnore(string(b), rel)...)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	m := gitignore.NewMatcher(patterns)
	entries, err := os.ReadDir(real)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if defaultIgnored[name] {
			continue
		}
		p := filepath.Join(real, name)
		if c.exclude[p] {
			continue
		}
		childRel := append(append([]string(nil), rel...), name)
		relName := strings.Join(childRel, "/")
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		target := p
		if info.Mode()&os.ModeSymlink != 0 {
			t, err := filepath.EvalSymlinks(p)
			if err != nil {
				return fmt.Errorf("symlink %s: %w", relName, err)
			}
			if !within(c.root, t) {
				return fmt.Errorf("symlink %s points outside the project (%s)", relName, t)
			}
			if c.exclude[t] {
				continue
			}
			target = t
			if info, err = os.Stat(t); err != nil {
				return err
			}
		}
		isDir := info.IsDir()
		if m.Match(childRel, isDir) {
			continue
		}
		switch {
		case isDir:
			if chain[target] {
				return fmt.Errorf("symlink cycle at %s", relName)
			}
			chain[target] = true
			err := c.dir(target, childRel, patterns, chain)
			delete(chain, target)
			if err != nil {
				return err
			}
		case info.Mode().IsRegular():
			c.files = append(c.files, file{name: relName, abs: target, exec: info.Mode()&0o111 != 0, size: info.Size()})
		default:
			return fmt.Errorf("%s is not a regular file, directory or symlink (%s)", relName, info.Mode().Type())
		}
	}
	return nil
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// ParseIgnore reads .fgsignore text (gitignore syntax) found in the
// directory domain (path components relative to the code directory).
func ParseIgnore(text string, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// compressed is one entry ready to be written raw.
type compressed struct {
	hdr   zip.FileHeader
	buf   *bytes.Buffer // small entries, from bufPool
	spill *os.File      // big entries, compressed into a temporary file
	err   error
}

// bufPool recycles the buffers of small compressed entries, so packaging
// thousands of files does not churn the heap.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write compresses the files on all workers and streams the zip, in name
// order, into a temporary file while hashing it. At most aheadEntries
// compressed entries and aheadBytes wait in memory (big ones wait on
// disk), so memory does not grow with the package.
func write(ctx context.Context, files []file, opts Options) (res *Result, err error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var progress io.Writer
	if opts.Progress != nil {
		var total int64
		for _, f := range files {
			total += f.size
		}
		progress = opts.Progress(total)
	}
	out, err := os.CreateTemp(opts.TempDir, ".fgsdeploy-*.zip")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slots := make([]chan *compressed, len(files))
	for i := range slots {
		slots[i] = make(chan *compressed, 1)
	}
	window := make(chan struct{}, aheadEntries)
	budget := semaphore.NewWeighted(aheadBytes)
	weight := func(i int) int64 { return min(max(files[i].size, 1), spillThreshold) }
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			zw, _ := flate.NewWriter(nil, compressionLevel)
			copyBuf := make([]byte, 64<<10)
			for i := range jobs {
				slots[i] <- compressFile(files[i], zw, copyBuf, opts.TempDir, progress)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if budget.Acquire(ctx, weight(i)) != nil {
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		// Drain what workers still produce so spill files are removed.
		go func() {
			wg.Wait()
			for _, s := range slots {
				select {
				case c := <-s:
					c.release()
				default:
				}
			}
		}()
	}()

	h := sha512.New()
	counter := &countWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(out, h, counter), 256<<10)
	zw := zip.NewWriter(bw)
	for i := range files {
		var c *compressed
		select {
		case c = <-slots[i]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		<-window
		budget.Release(weight(i))
		if c.err != nil {
			c.release()
			return nil, c.err
		}
		w, err := zw.CreateRaw(&c.hdr)
		if err != nil {
			c.release()
			return nil, err
		}
		if c.spill != nil {
			if _, err := c.spill.Seek(0, io.SeekStart); err != nil {
				c.release()
				return nil, err
			}
			_, err = io.Copy(w, c.spill)
		} else {
			_, err = w.Write(c.buf.Bytes())
		}
		c.release()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	return &Result{Path: out.Name(), Temporary: true, Digest: hex.EncodeToString(h.Sum(nil)), Size: counter.n, Files: len(files)}, nil
}

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

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// compressFile deflates one file and fills its header. Everything in the
// header is fixed except name, sizes, CRC and the exec bit.
func compressFile(f file, zw *flate.Writer, copyBuf []byte, tempDir string, progress io.Writer) *compressed {
	c := &compressed{}
	in, err := os.Open(f.abs)
	if err != nil {
		c.err = err
		return c
	}
	defer in.Close()
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
	n, err := io.CopyBuffer(zw, io.TeeReader(in, sum), copyBuf)
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
		UncompressedSize64: uint64(n),
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
