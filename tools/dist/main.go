// Command dist packs the binaries make dist built into release archives,
// byte for byte the same from the same binaries: one archive per platform
// (tar.gz, zip for Windows) holding fgsdeploy, README.md and LICENSE, every
// entry with the same time (the commit's, -epoch), owner and modes, and a
// SHA256SUMS file of the archives, as sha256sum -c reads it.
//
//	go run ./tools/dist -version V -epoch UNIX -out DIR BUILD
//
// BUILD holds one directory per platform, OS_ARCH, each with the binary.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	version := flag.String("version", "dev", "the version in the archives' names")
	epoch := flag.Int64("epoch", 946684800, "the time of every entry, in Unix seconds (the commit's)")
	out := flag.String("out", "dist", "where the archives and SHA256SUMS go")
	docs := flag.String("docs", ".", "the directory README.md and LICENSE are taken from")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: dist -version V -epoch UNIX -out DIR BUILD")
	}
	names, err := pack(flag.Arg(0), *out, *docs, *version, time.Unix(*epoch, 0).UTC())
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range names {
		fmt.Println(filepath.Join(*out, n))
	}
}

// pack writes an archive per platform directory of build into out, and
// SHA256SUMS; it returns the files written, SHA256SUMS last.
func pack(build, out, docs, version string, mtime time.Time) ([]string, error) {
	platforms, err := os.ReadDir(build)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	var names, sums []string
	for _, p := range platforms {
		if !p.IsDir() {
			continue
		}
		goos, _, ok := strings.Cut(p.Name(), "_")
		if !ok {
			return nil, fmt.Errorf("%s: want a directory OS_ARCH", p.Name())
		}
		bin := "fgsdeploy"
		if goos == "windows" {
			bin += ".exe"
		}
		base := "fgsdeploy_" + version + "_" + p.Name()
		files := []entry{
			{name: base + "/" + bin, path: filepath.Join(build, p.Name(), bin), mode: 0o755},
			{name: base + "/LICENSE", path: filepath.Join(docs, "LICENSE"), mode: 0o644},
			{name: base + "/README.md", path: filepath.Join(docs, "README.md"), mode: 0o644},
		}
		var data []byte
		name := base + ".tar.gz"
		if goos == "windows" {
			name = base + ".zip"
			data, err = zipOf(files, mtime)
		} else {
			data, err = tarGzOf(files, mtime)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		sums = append(sums, hex.EncodeToString(sum[:])+"  "+name+"\n")
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, errors.New(build + " holds no OS_ARCH directories")
	}
	sort.Strings(sums)
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "")), 0o644); err != nil {
		return nil, err
	}
	return append(names, "SHA256SUMS"), nil
}

// entry is a file of an archive: its name there, where its bytes are, and
// its mode.
type entry struct {
	name, path string
	mode       int64
}

// tarGzOf is a gzipped tar of files: the same bytes for the same files,
// whatever their times, owners and modes on disk.
func tarGzOf(files []entry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.ModTime = mtime // the gzip header has no name, and this time
	tw := tar.NewWriter(zw)
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, Size: int64(len(data)), ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// zipOf is a zip of files, deflated, the same bytes for the same files.
func zipOf(files []entry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
		hdr.SetMode(os.FileMode(f.mode))
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
