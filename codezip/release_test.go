package codezip

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A release marker is added to a package as a stored entry at the end,
// the other entries copied as they are: the result depends only on the
// package and the marker, its digest is known without writing it, and a
// marker already there is replaced, never doubled. A code directory's own
// file of that name is never packaged.
func TestWithReleaseFile(t *testing.T) {
	dir := t.TempDir()
	tr := tree{"index.py": "print(1)\n", "lib/util.py": "x = 1\n", ReleaseFile: "left by init\n", "lib/" + ReleaseFile: "deeper\n"}
	tr.write(t, dir, tr.names(), nil)
	res, err := Build(context.Background(), dir, Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if res.Files != 2 {
		t.Fatalf("the code directory's release markers were packaged: %d files", res.Files)
	}
	l, err := List(dir, Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Excluded) != 2 || l.Excluded[0].Rule != "default: release marker" {
		t.Errorf("listing: %+v", l.Excluded)
	}
	marked := func(res *Result, content string) *Result {
		t.Helper()
		m, err := WithReleaseFile(res, []byte(content), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		d, size, err := ReleaseFileDigest(res, []byte(content))
		if err != nil || d != m.Digest || size != m.Size {
			t.Fatalf("ReleaseFileDigest %s %d %v, the file's %s %d", d, size, err, m.Digest, m.Size)
		}
		return m
	}
	a, again, b := marked(res, "config: aaa\n"), marked(res, "config: aaa\n"), marked(res, "config: bbb\n")
	if a.Digest != again.Digest || a.Digest == b.Digest || a.Digest == res.Digest || a.Size != b.Size {
		t.Errorf("digests: package %s, marked %s, again %s, other %s (sizes %d, %d)", res.Digest, a.Digest, again.Digest, b.Digest, a.Size, b.Size)
	}
	if a.Files != 3 || !a.Temporary {
		t.Errorf("marked package: %+v", a)
	}
	// Re-marking a marked package replaces its marker.
	if c := marked(a, "config: bbb\n"); c.Digest != b.Digest {
		t.Errorf("re-marked %s, want %s", c.Digest, b.Digest)
	}
	data, err := os.ReadFile(a.Path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("%s: %v", f.Name, err) // the CRC is checked at the end
		}
		rc.Close()
	}
	if got := strings.Join(names, " "); got != "index.py lib/util.py "+ReleaseFile {
		t.Errorf("entries %v", names)
	}
	if content, err := ReleaseFileContent(zr); err != nil || string(content) != "config: aaa\n" {
		t.Errorf("marker %q, %v", content, err)
	}
	// Not a zip: an error, not a package.
	p := filepath.Join(t.TempDir(), "code.jar")
	os.WriteFile(p, []byte("not a zip"), 0o644)
	notZip, err := hashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WithReleaseFile(notZip, []byte("x"), t.TempDir()); err == nil {
		t.Error("a release marker was added to something that is not a zip")
	}
}
