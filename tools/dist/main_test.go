package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The same binaries make the same archives, byte for byte, whatever the
// files' times and modes on disk; every entry has the commit's time, and
// SHA256SUMS names each archive's digest.
func TestPackIsReproducible(t *testing.T) {
	build, docs := t.TempDir(), t.TempDir()
	write := func(p, content string, mode os.FileMode, mtime time.Time) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		os.Chtimes(p, mtime, mtime)
	}
	files := func(mtime time.Time, mode os.FileMode) {
		write(filepath.Join(build, "linux_amd64", "fgsdeploy"), "ELF linux", mode, mtime)
		write(filepath.Join(build, "windows_arm64", "fgsdeploy.exe"), "PE windows", mode, mtime)
		write(filepath.Join(docs, "README.md"), "# fgsdeploy\n", 0o600, mtime)
		write(filepath.Join(docs, "LICENSE"), "license\n", 0o600, mtime)
	}
	epoch := time.Unix(1765141990, 0).UTC()
	files(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), 0o700)
	one := t.TempDir()
	names, err := pack(build, one, docs, "v1.2.3", epoch)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"fgsdeploy_v1.2.3_linux_amd64.tar.gz", "fgsdeploy_v1.2.3_windows_arm64.zip", "SHA256SUMS"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("wrote %v, want %v", names, want)
	}
	files(time.Now(), 0o755)
	two := t.TempDir()
	if _, err := pack(build, two, docs, "v1.2.3", epoch); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		a, _ := os.ReadFile(filepath.Join(one, n))
		b, _ := os.ReadFile(filepath.Join(two, n))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two packs of the same binaries", n)
		}
	}
	sums, _ := os.ReadFile(filepath.Join(one, "SHA256SUMS"))
	for _, n := range names[:2] {
		data, _ := os.ReadFile(filepath.Join(one, n))
		sum := sha256.Sum256(data)
		if !strings.Contains(string(sums), hex.EncodeToString(sum[:])+"  "+n+"\n") {
			t.Errorf("SHA256SUMS has no line for %s:\n%s", n, sums)
		}
	}

	// Inside: the binary executable, everything at the commit's time.
	tgz, _ := os.ReadFile(filepath.Join(one, names[0]))
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil || !zr.ModTime.Equal(epoch) {
		t.Fatalf("gzip header: %v, time %v", err, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name)
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" {
			t.Errorf("%s: time %v, owner %d:%d %q", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname)
		}
		if strings.HasSuffix(h.Name, "/fgsdeploy") != (h.Mode == 0o755) {
			t.Errorf("%s: mode %o", h.Name, h.Mode)
		}
	}
	if strings.Join(got, " ") != "fgsdeploy_v1.2.3_linux_amd64/fgsdeploy fgsdeploy_v1.2.3_linux_amd64/LICENSE fgsdeploy_v1.2.3_linux_amd64/README.md" {
		t.Errorf("tar entries %v", got)
	}
	zr2, err := zip.OpenReader(filepath.Join(one, names[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer zr2.Close()
	for _, f := range zr2.File {
		if !f.Modified.Equal(epoch) {
			t.Errorf("%s: time %v", f.Name, f.Modified)
		}
	}
	if zr2.File[0].Name != "fgsdeploy_v1.2.3_windows_arm64/fgsdeploy.exe" {
		t.Errorf("zip entries start with %s", zr2.File[0].Name)
	}
}
