package codezip

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"

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
	Size      int64  // bytes of the zip (or archive) itself
	Files     int
	// Unpacked is the files' total size before compression; 0 for an
	// archive used as is.
	Unpacked int64
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
func (r *Result) CheckUploadLimit() error { return CheckUploadLimit(r.Size) }

// CheckUploadLimit returns an error wrapping ErrTooLarge when a package
// of size bytes cannot be sent in the request body.
func CheckUploadLimit(size int64) error {
	if size > MaxDirectUpload {
		return fmt.Errorf("%w: %d bytes, FunctionGraph accepts at most %d in the request (FSS.1071); set code.obs (a bucket to upload it through) or use code.obs_url", ErrTooLarge, size, MaxDirectUpload)
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
	c, err := collect(src, opts, &collector{})
	if err != nil {
		return nil, err
	}
	if len(c.files) == 0 {
		return nil, &EmptyError{Dir: src, Excluded: c.listing().Excluded}
	}
	res, plans, err := write(ctx, c.files, opts)
	if errors.Is(err, errOnlyPlans) {
		for _, p := range plans {
			c.excluded = append(c.excluded, Excluded{p, "default: saved plan"})
		}
		return nil, &EmptyError{Dir: src, Excluded: c.listing().Excluded}
	}
	return res, err
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

// OutputMarker is the file that marks a directory fgsdeploy package --out
// wrote: such a directory is never packaged, wherever it is.
const OutputMarker = ".fgsdeploy-package"

// MarkOutputDir writes OutputMarker into dir, a package --out directory.
func MarkOutputDir(dir string) error {
	text := "This directory holds packages written by fgsdeploy package --out.\nfgsdeploy never packages a directory that holds this file.\n"
	if err := os.WriteFile(filepath.Join(dir, OutputMarker), []byte(text), 0o644); err != nil {
		return fmt.Errorf("mark %s as package output: %w", dir, err)
	}
	return nil
}

// DefaultRule is an exclusion no .fgsignore can undo.
type DefaultRule struct {
	Rule string // as Excluded.Rule names it
	What string // what it leaves out, for people
}

// DefaultRules are the exclusions of every package, in the order they
// are checked. They apply at every depth of the code directory.
var DefaultRules = []DefaultRule{
	{"default: .git/", "Git's repository folder (also .hg/ and .svn/)"},
	{"default: .fgsdeploy/", "fgsdeploy's local state (the --local emulator's store)"},
	{"default: .fgsignore", "the ignore files themselves"},
	{"default: .DS_Store", "macOS folder metadata"},
	{"default: package --out", "folders fgsdeploy package --out wrote (they hold " + OutputMarker + ")"},
	{"default: saved plan", "plans fgsdeploy plan --out wrote, recognised by their content"},
	{"default: release marker", ReleaseFile + ", the marker fgsdeploy adds to a release's package itself"},
}

// defaultByName maps the names excluded at any depth to their rule.
var defaultByName = map[string]string{
	".git": "default: .git/", ".hg": "default: .git/", ".svn": "default: .git/",
	".fgsdeploy": "default: .fgsdeploy/", ".fgsignore": "default: .fgsignore", ".DS_Store": "default: .DS_Store",
	ReleaseFile: "default: release marker",
}

// Listing is what a package holds and what it leaves out.
type Listing struct {
	Files    []string   // packaged, slash-separated, sorted
	Size     int64      // their bytes before compression
	Excluded []Excluded // left out, sorted by path
}

// Excluded is a file or directory left out of a package, and why.
type Excluded struct {
	Path string // slash-separated, relative to the code directory; a directory ends in /
	// Rule is one of DefaultRules' Rule, ".fgsignore:LINE: PATTERN" (the
	// file's path relative to the code directory), or "excluded by fgsdeploy"
	// for Options.Exclude (the manifest and the project's state).
	Rule string
}

// ErrEmpty marks a package that would have no files.
var ErrEmpty = errors.New("the package would be empty")

// EmptyError is Build's error for a directory with nothing to package:
// FunctionGraph would get a zip without files, and the function's code
// would be wiped.
type EmptyError struct {
	Dir      string     // the code directory as given
	Excluded []Excluded // what the rules left out
}

func (e *EmptyError) Error() string {
	if len(e.Excluded) == 0 {
		return ErrEmpty.Error() + ": the code directory has no files"
	}
	counts := map[string]int{}
	var rules []string
	for _, x := range e.Excluded {
		if counts[x.Rule] == 0 {
			rules = append(rules, x.Rule)
		}
		counts[x.Rule]++
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf("%s (%d %s)", r, counts[r], plural(counts[r], "entry", "entries"))
	}
	return fmt.Sprintf("%s: every file is excluded, by %s", ErrEmpty, strings.Join(parts, ", "))
}

func (e *EmptyError) Unwrap() error { return ErrEmpty }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// List returns what Build would package from the directory src and what
// it leaves out, without writing anything. Its errors are Build's (a
// symlink out of the project, an unreadable directory), but an empty
// package is not an error here: the listing says what emptied it.
func List(src string, opts Options) (*Listing, error) {
	c, err := collect(src, opts, &collector{sniff: true})
	if err != nil {
		return nil, err
	}
	return c.listing(), nil
}

func (c *collector) listing() *Listing {
	l := &Listing{Files: make([]string, len(c.files)), Excluded: c.excluded}
	for i, f := range c.files {
		l.Files[i] = f.name
		l.Size += f.size
	}
	sort.Slice(l.Excluded, func(i, j int) bool { return l.Excluded[i].Path < l.Excluded[j].Path })
	return l
}

// collect lists the files under src into c, sorted by name, applying the
// ignore rules (unless c.all) and resolving symlinks.
func collect(src string, opts Options, c *collector) (*collector, error) {
	root := opts.Root
	if root == "" {
		root = src
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
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
		return nil, fmt.Errorf("code directory: %w", err)
	}
	c.root, c.exclude = realRoot, exclude
	if err := c.dir(realSrc, nil, nil, map[string]bool{realSrc: true}); err != nil {
		return nil, err
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].name < c.files[j].name })
	for i := 1; i < len(c.files); i++ {
		if c.files[i].name == c.files[i-1].name {
			return nil, fmt.Errorf("%s appears twice in the package", c.files[i].name)
		}
	}
	return c, nil
}

type collector struct {
	root    string
	exclude map[string]bool
	// sniff recognises saved plans while walking (List). Build leaves it
	// to the compressors, which open every file anyway, in parallel.
	sniff bool
	// all keeps what the .fgsignore files leave out, and those files
	// (Sources).
	all      bool
	files    []file
	excluded []Excluded
}

// ignoreRule is one pattern of a .fgsignore file.
type ignoreRule struct {
	pattern gitignore.Pattern
	where   string // FILE:LINE: PATTERN
}

// match applies rules as git applies .gitignore files: the last pattern
// that matches decides, and a negated one (!) includes again.
func match(rules []ignoreRule, path []string, isDir bool) (string, bool) {
	for i := len(rules) - 1; i >= 0; i-- {
		switch rules[i].pattern.Match(path, isDir) {
		case gitignore.Exclude:
			return rules[i].where, true
		case gitignore.Include:
			return "", false
		}
	}
	return "", false
}

// displayName is a directory's path inside the package, or "the code
// directory" for its top.
func displayName(rel []string) string {
	if len(rel) == 0 {
		return "the code directory"
	}
	return strings.Join(rel, "/")
}

// dir walks one directory. rel is its path inside the package; rules are
// the ignore rules in force; chain holds the real directories being
// walked, to detect symlink cycles.
func (c *collector) dir(real string, rel []string, rules []ignoreRule, chain map[string]bool) error {
	entries, err := os.ReadDir(real)
	if err != nil {
		return fmt.Errorf("cannot read directory %s: %w", displayName(rel), cause(err))
	}
	for _, e := range entries {
		if e.Name() == OutputMarker && len(rel) > 0 {
			c.excluded = append(c.excluded, Excluded{strings.Join(rel, "/") + "/", "default: package --out"})
			return nil
		}
	}
	for _, e := range entries {
		if e.Name() != ".fgsignore" || c.all {
			continue
		}
		where := strings.Join(append(append([]string(nil), rel...), ".fgsignore"), "/")
		b, err := os.ReadFile(filepath.Join(real, ".fgsignore"))
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", where, cause(err))
		}
		rules = append(append([]ignoreRule(nil), rules...), parseRules(string(b), rel, where)...)
	}
	for _, e := range entries {
		name := e.Name()
		childRel := append(append([]string(nil), rel...), name)
		relName := strings.Join(childRel, "/")
		p := filepath.Join(real, name)
		info, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", relName, cause(err))
		}
		shown := relName
		if info.IsDir() {
			shown += "/"
		}
		if rule, ok := defaultByName[name]; ok && !(c.all && name == ".fgsignore") {
			c.excluded = append(c.excluded, Excluded{shown, rule})
			continue
		}
		if name == OutputMarker {
			continue // in the code directory itself: a stray marker, never packaged
		}
		if c.exclude[p] {
			c.excluded = append(c.excluded, Excluded{shown, "excluded by fgsdeploy"})
			continue
		}
		target := p
		if info.Mode()&os.ModeSymlink != 0 {
			t, err := filepath.EvalSymlinks(p)
			if err != nil {
				return symlinkError(relName, p, err)
			}
			if !within(c.root, t) {
				return fmt.Errorf("symlink %s points outside the project (%s)", relName, t)
			}
			if c.exclude[t] {
				c.excluded = append(c.excluded, Excluded{relName, "excluded by fgsdeploy"})
				continue
			}
			target = t
			if info, err = os.Stat(t); err != nil {
				return symlinkError(relName, p, err)
			}
			shown = relName
			if info.IsDir() {
				shown += "/"
			}
		}
		isDir := info.IsDir()
		if where, ok := match(rules, childRel, isDir); ok {
			c.excluded = append(c.excluded, Excluded{shown, where})
			continue
		}
		switch {
		case isDir:
			if chain[target] {
				return fmt.Errorf("symlink cycle at %s: it leads back to a directory it is in", relName)
			}
			chain[target] = true
			err := c.dir(target, childRel, rules, chain)
			delete(chain, target)
			if err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if c.sniff && isSavedPlan(target, info.Size()) {
				c.excluded = append(c.excluded, Excluded{relName, "default: saved plan"})
				continue
			}
			c.files = append(c.files, file{name: relName, abs: target, exec: info.Mode()&0o111 != 0, size: info.Size()})
		default:
			return fmt.Errorf("%s is not a regular file, directory or symlink (%s)", relName, info.Mode().Type())
		}
	}
	return nil
}

// cause is the reason of a file system error, without the absolute path
// the caller replaces with one relative to the code directory.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// symlinkError says why the symlink at relName cannot be followed.
func symlinkError(relName, p string, err error) error {
	switch {
	case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
		return fmt.Errorf("symlink %s is a loop: following it never reaches a file or directory", relName)
	case errors.Is(err, fs.ErrNotExist):
		t, _ := os.Readlink(p)
		return fmt.Errorf("symlink %s points to %s, which does not exist", relName, t)
	}
	return fmt.Errorf("symlink %s: %w", relName, cause(err))
}

// Saved plans are recognised by their content: a JSON object whose first
// key is format_version and which has a salt and a functions list, as
// fgsdeploy plan --out writes them (the plan shown by --format json has
// no salt). Only the first bytes of most files are read.
var planPrefixRe = regexp.MustCompile(`^\s*\{\s*"format_version"\s*:`)

const maxPlanSize = 64 << 20

func isSavedPlan(path string, size int64) bool {
	if size < 32 || size > maxPlanSize {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false // the compressor reports it
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	if !planPrefixRe.Match(head[:n]) {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	var plan struct {
		FormatVersion string            `json:"format_version"`
		Salt          []byte            `json:"salt"`
		Functions     []json.RawMessage `json:"functions"`
	}
	if err := json.NewDecoder(f).Decode(&plan); err != nil {
		return false
	}
	return plan.FormatVersion != "" && len(plan.Salt) > 0 && plan.Functions != nil
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// ParseIgnore reads .fgsignore text (gitignore syntax) found in the
// directory domain (path components relative to the code directory).
func ParseIgnore(text string, domain []string) []gitignore.Pattern {
	rules := parseRules(text, domain, ".fgsignore")
	ps := make([]gitignore.Pattern, len(rules))
	for i, r := range rules {
		ps[i] = r.pattern
	}
	return ps
}

// parseRules reads .fgsignore text found in the directory domain; where is
// the file's path inside the package, for Excluded.Rule.
func parseRules(text string, domain []string, where string) []ignoreRule {
	var rules []ignoreRule
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rules = append(rules, ignoreRule{gitignore.ParsePattern(line, domain), fmt.Sprintf("%s:%d: %s", where, i+1, line)})
	}
	return rules
}

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

// errOnlyPlans is write's error when every file was a saved plan.
var errOnlyPlans = errors.New("only saved plans")

// write compresses the files on all workers and streams the zip, in name
// order, into a temporary file while hashing it. At most aheadEntries
// compressed entries and aheadBytes wait in memory (big ones wait on
// disk), so memory does not grow with the package. Saved plans found
// among the files are left out and returned by name.
func write(ctx context.Context, files []file, opts Options) (res *Result, plans []string, err error) {
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
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	ctx, ahead := compressAhead(ctx, files, workers, opts.TempDir, progress)
	defer ahead.stop()

	h := sha512.New()
	counter := &countWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(out, h, counter), 256<<10)
	zw := zip.NewWriter(bw)
	unpacked := int64(0)
	for i := range files {
		c, err := ahead.next(ctx, i)
		if err != nil {
			return nil, nil, err
		}
		if c.plan {
			plans = append(plans, files[i].name)
			c.release()
			continue
		}
		err = writeEntry(zw, c)
		c.release()
		if err != nil {
			return nil, nil, err
		}
		unpacked += files[i].size
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, nil, err
	}
	if err := out.Close(); err != nil {
		return nil, nil, err
	}
	if len(plans) == len(files) {
		return nil, plans, errOnlyPlans
	}
	return &Result{Path: out.Name(), Temporary: true, Digest: hex.EncodeToString(h.Sum(nil)), Size: counter.n, Files: len(files) - len(plans), Unpacked: unpacked}, plans, nil
}

// writeEntry adds a compressed entry to the zip as it is.
func writeEntry(zw *zip.Writer, c *compressed) error {
	w, err := zw.CreateRaw(&c.hdr)
	if err != nil {
		return err
	}
	if c.spill != nil {
		if _, err := c.spill.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err = io.Copy(w, c.spill)
		return err
	}
	_, err = w.Write(c.buf.Bytes())
	return err
}

// ahead is the files being compressed ahead of the zip writer: workers
// take them in order and each waits in its slot until written, within
// aheadEntries entries and aheadBytes bytes.
type ahead struct {
	files  []file
	slots  []chan *compressed
	window chan struct{}
	budget *semaphore.Weighted
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// compressAhead starts workers compressing files. The context it returns
// is cancelled by stop.
func compressAhead(ctx context.Context, files []file, workers int, tempDir string, progress io.Writer) (context.Context, *ahead) {
	ctx, cancel := context.WithCancel(ctx)
	a := &ahead{files: files, slots: make([]chan *compressed, len(files)), window: make(chan struct{}, aheadEntries),
		budget: semaphore.NewWeighted(aheadBytes), cancel: cancel}
	for i := range a.slots {
		a.slots[i] = make(chan *compressed, 1)
	}
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			zw, _ := flate.NewWriter(nil, compressionLevel)
			copyBuf := make([]byte, 64<<10)
			for i := range jobs {
				a.slots[i] <- compressFile(ctx, files[i], zw, copyBuf, tempDir, progress)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case a.window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if a.budget.Acquire(ctx, a.weight(i)) != nil {
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, a
}

// weight is what file i counts against aheadBytes while it waits.
func (a *ahead) weight(i int) int64 { return min(max(a.files[i].size, 1), spillThreshold) }

// next waits for file i, compressed, and frees its place ahead. An entry
// that failed to compress is released and its error returned.
func (a *ahead) next(ctx context.Context, i int) (*compressed, error) {
	var c *compressed
	select {
	case c = <-a.slots[i]:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-a.window
	a.budget.Release(a.weight(i))
	if c.err != nil {
		c.release()
		return nil, c.err
	}
	return c, nil
}

// stop cancels the workers, waits for them (a file being compressed
// stops at its next read) and removes what they produced that was not
// written (spill files): once Build returns, nothing of it is left in
// TempDir, even when the process exits right after an interrupt.
func (a *ahead) stop() {
	a.cancel()
	a.wg.Wait()
	for _, s := range a.slots {
		select {
		case c := <-s:
			c.release()
		default:
		}
	}
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
