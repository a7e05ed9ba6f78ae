package codezip

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
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
