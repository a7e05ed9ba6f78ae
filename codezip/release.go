package codezip

import (
	"archive/zip"
	"bufio"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// ReleaseFile is the name of the release marker: a small file at the root
// of a package that tells two releases of the same code apart (its
// content says how; the planner writes it). It is never packaged from a
// code directory (DefaultRules), so a package holds one only when
// WithReleaseFile added it.
const ReleaseFile = ".fgsdeploy-release"

// WithReleaseFile returns a new package: the entries of res as they are
// (copied, not compressed again), less any ReleaseFile, then ReleaseFile
// holding content, stored. Its bytes depend only on res's bytes and
// content. It is a temporary file in tempDir ("" = os.TempDir()) that
// Close removes. res must be a zip (a package Build wrote, or a .zip or
// .jar used as is).
func WithReleaseFile(res *Result, content []byte, tempDir string) (*Result, error) {
	out, err := os.CreateTemp(tempDir, ".fgsdeploy-release-*.zip")
	if err != nil {
		return nil, err
	}
	marked, err := writeReleaseFile(res, content, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return nil, err
	}
	marked.Path, marked.Temporary = out.Name(), true
	return marked, nil
}

// ReleaseFileDigest is the digest and size of the package WithReleaseFile
// would make, without writing it.
func ReleaseFileDigest(res *Result, content []byte) (digest string, size int64, err error) {
	marked, err := writeReleaseFile(res, content, io.Discard)
	if err != nil {
		return "", 0, err
	}
	return marked.Digest, marked.Size, nil
}

// ReleaseFileContent reads the release marker a package holds (nil when it
// holds none).
func ReleaseFileContent(zr *zip.Reader) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != ReleaseFile {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, 1<<16))
	}
	return nil, nil
}

// writeReleaseFile writes res with the release marker to w and returns
// its digest, size and number of files (no Path).
func writeReleaseFile(res *Result, content []byte, w io.Writer) (*Result, error) {
	in, err := os.Open(res.Path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	zr, err := zip.NewReader(in, res.Size)
	if err != nil {
		return nil, fmt.Errorf("add %s to the package: %w", ReleaseFile, err)
	}
	h := sha512.New()
	counter := &countWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(w, h, counter), 256<<10)
	zw := zip.NewWriter(bw)
	files := 0
	for _, f := range zr.File {
		if f.Name == ReleaseFile {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return nil, fmt.Errorf("add %s to the package: %w", ReleaseFile, err)
		}
		files++
	}
	hdr := &zip.FileHeader{
		Name:               ReleaseFile,
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE(content),
		CompressedSize64:   uint64(len(content)),
		UncompressedSize64: uint64(len(content)),
		//lint:ignore SA1019 the same fixed timestamp as every entry (compressFile)
		ModifiedDate: dosDate,
		//lint:ignore SA1019 the same fixed timestamp as every entry (compressFile)
		ModifiedTime:   dosTime,
		CreatorVersion: 3<<8 | 20,
		ReaderVersion:  20,
	}
	hdr.SetMode(0o644)
	mw, err := zw.CreateRaw(hdr)
	if err == nil {
		_, err = mw.Write(content)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("add %s to the package: %w", ReleaseFile, err)
	}
	return &Result{Digest: hex.EncodeToString(h.Sum(nil)), Size: counter.n, Files: files + 1, Unpacked: res.Unpacked + int64(len(content))}, nil
}
