package codezip

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsTree writes n generated JavaScript files of 2 to 22 KB under dir, in
// 20 folders, and returns their total size.
func jsTree(b *testing.B, dir string, n int) int64 {
	rnd := rand.New(rand.NewSource(1))
	words := []string{"function", "return", "const", "module", "exports", "require", "async", "await", "value", "{", "}", "(", ")", ";", "\n"}
	var total int64
	for i := 0; i < n; i++ {
		var sb bytes.Buffer
		size := 2000 + rnd.Intn(20000)
		for sb.Len() < size {
			sb.WriteString(words[rnd.Intn(len(words))])
			sb.WriteByte(' ')
		}
		writeBenchFile(b, filepath.Join(dir, fmt.Sprintf("pkg%02d/file%03d.js", i%20, i)), sb.Bytes())
		total += int64(sb.Len())
	}
	return total
}

func writeBenchFile(b *testing.B, p string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

func benchBuild(b *testing.B, dir string, total int64) {
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Build(context.Background(), dir, Options{Root: dir, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkBuild packages 400 generated JavaScript files (4.7 MB).
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	benchBuild(b, dir, jsTree(b, dir, 400))
}

// BenchmarkBuildBigFile packages the same files and one of 12 MB that
// comes first in the zip, as a bundled build or a vendored binary in
// node_modules/@scope does: with big files compressed first, the other
// workers need not wait for it.
func BenchmarkBuildBigFile(b *testing.B) {
	dir := b.TempDir()
	total := jsTree(b, dir, 400)
	big := []byte(bigText("bundle", 12<<20))
	writeBenchFile(b, filepath.Join(dir, "@scope/bundle.js"), big)
	benchBuild(b, dir, total+int64(len(big)))
}

// BenchmarkList measures the file walk alone on many small files, where
// recognising saved plans by their first bytes costs the most.
func BenchmarkList(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 5000; i++ {
		writeBenchFile(b, filepath.Join(dir, fmt.Sprintf("mod%02d/file%04d.js", i%50, i)), []byte(strings.Repeat("x", 100+i%300)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := List(dir, Options{Root: dir}); err != nil {
			b.Fatal(err)
		}
	}
}
