package importer

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("content of " + n))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A downloaded package is unpacked into the project: an entry that would
// land outside its folder is refused, and nothing is written there.
func TestUnzipStaysInItsFolder(t *testing.T) {
	for _, name := range []string{"../evil.js", "a/../../evil.js", "/abs/evil.js", ".."} {
		dir := t.TempDir()
		dst := filepath.Join(dir, "fn")
		err := unzip(zipOf(t, "index.js", name), dst)
		if err == nil || !strings.Contains(err.Error(), "escapes the folder") {
			t.Errorf("%s: unzip = %v, want an error that it escapes the folder", name, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "evil.js")); err == nil {
			t.Errorf("%s: written outside the folder", name)
		}
	}
	dst := filepath.Join(t.TempDir(), "fn")
	if err := unzip(zipOf(t, "index.js", "lib/util.js", "./dot/x.js"), dst); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"index.js", "lib/util.js", "dot/x.js"} {
		b, err := os.ReadFile(filepath.Join(dst, n))
		if err != nil || !strings.HasPrefix(string(b), "content of ") {
			t.Errorf("%s: %q, %v", n, b, err)
		}
	}
}
