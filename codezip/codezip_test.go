package codezip

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tree is a code directory: path -> content; a path ending in "*" is executable.
type tree map[string]string

func (tr tree) names() []string {
	var out []string
	for k := range tr {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// write creates tr under dir in the order given, with the given modes and mtimes.
func (tr tree) write(t *testing.T, dir string, order []string, rnd *rand.Rand) {
	t.Helper()
	for _, name := range order {
		content := tr[name]
		exec := strings.HasSuffix(name, "*")
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(name, "*")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if rnd != nil {
			mode = []os.FileMode{0o600, 0o640, 0o664, 0o444}[rnd.Intn(4)]
		}
		if exec {
			mode |= 0o100
			if rnd != nil && rnd.Intn(2) == 0 {
				mode |= 0o011
			}
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if rnd != nil {
			mt := time.Unix(rnd.Int63n(2_000_000_000), 0)
			os.Chtimes(p, mt, mt)
		}
	}
}

func build(t *testing.T, dir string, opts Options) *Result {
	t.Helper()
	if opts.Root == "" {
		opts.Root = dir
	}
	opts.TempDir = t.TempDir()
	r, err := Build(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readBack returns the package's entries as a tree.
func readBack(t *testing.T, path string) tree {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := tree{}
	for _, f := range zr.File {
		if len(f.Extra) != 0 {
			t.Errorf("%s has extra fields", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		name := f.Name
		if f.Mode()&0o100 != 0 {
			name += "*"
		}
		out[name] = string(b)
	}
	return out
}

func sample() tree {
	big := strings.Repeat("lorem ipsum dolor sit amet ", 100_000) // > spill threshold
	return tree{
		"index.js":                    "exports.handler = async () => 1;\n",
		"lib/util.js":                 "module.exports = {};\n",
		"lib/deep/a/b/c.txt":          "c",
		"bin/run.sh*":                 "#!/bin/sh\necho hi\n",
		"node_modules/x/package.json": `{"name":"x"}`,
		"data/big.txt":                big,
		"empty.txt":                   "",
		"ünïcode.txt":                 "utf-8 name",
	}
}

// TestDeterministic: creation order, mtimes, non-exec mode bits and umask
// do not change the digest; content, names and the exec bit do.
func TestDeterministic(t *testing.T) {
	tr := sample()
	a, b := t.TempDir(), t.TempDir()
	tr.write(t, a, tr.names(), nil)
	order := tr.names()
	rnd := rand.New(rand.NewSource(42))
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	old := syscall.Umask(0o077)
	tr.write(t, b, order, rnd)
	syscall.Umask(old)

	ra, rb := build(t, a, Options{Workers: 1}), build(t, b, Options{Workers: 4})
	if ra.Digest != rb.Digest || ra.Size != rb.Size {
		t.Fatalf("digests differ: %s (%d) vs %s (%d)", ra.Digest, ra.Size, rb.Digest, rb.Size)
	}
	if got := readBack(t, ra.Path); fmt.Sprint(got) != fmt.Sprint(tr) {
		t.Fatalf("read back %v\nwant %v", got.names(), tr.names())
	}
	if ra.Files != len(tr) {
		t.Fatalf("Files = %d, want %d", ra.Files, len(tr))
	}
	if _, err := exec.LookPath("unzip"); err == nil {
		if out, err := exec.Command("unzip", "-t", ra.Path).CombinedOutput(); err != nil {
			t.Fatalf("unzip -t: %v\n%s", err, out)
		}
	}

	changes := map[string]func(dir string){
		"content": func(d string) { os.WriteFile(filepath.Join(d, "lib/util.js"), []byte("x"), 0o644) },
		"exec bit": func(d string) {
			os.Chmod(filepath.Join(d, "index.js"), 0o755)
		},
		"rename": func(d string) { os.Rename(filepath.Join(d, "empty.txt"), filepath.Join(d, "empty2.txt")) },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			c := t.TempDir()
			tr.write(t, c, tr.names(), nil)
			change(c)
			if r := build(t, c, Options{}); r.Digest == ra.Digest {
				t.Fatalf("a %s change kept the digest", name)
			}
		})
	}
}

func TestIgnore(t *testing.T) {
	tr := tree{
		"keep.js":             "k",
		"notes.test.js":       "ignored by *.test.js",
		"coverage/lcov.info":  "ignored dir",
		"logs/a.log":          "ignored",
		"logs/important.log":  "negated",
		"sub/.fgsignore":      "local.txt\n",
		"sub/local.txt":       "ignored by nested file",
		"sub/other.txt":       "kept",
		"other/local.txt":     "kept: nested pattern applies only below sub",
		"build":               "a file named build is kept: build/ only matches folders",
		"anchored.txt":        "ignored by /anchored.txt",
		"deep/anchored.txt":   "kept: the pattern is anchored",
		".git/HEAD":           "never",
		".fgsdeploy/local/x":  "never",
		"function.yaml":       "excluded by the caller",
		".fgsignore":          "*.test.js\ncoverage/\nlogs/*.log\n!logs/important.log\nbuild/\n/anchored.txt\n",
		"a/b/c/d/generated.o": "ignored by **",
	}
	tr[".fgsignore"] += "**/*.o\n"
	dir := t.TempDir()
	tr.write(t, dir, tr.names(), nil)
	r := build(t, dir, Options{Exclude: []string{filepath.Join(dir, "function.yaml")}})
	got := readBack(t, r.Path).names()
	want := []string{"build", "deep/anchored.txt", "keep.js", "logs/important.log", "other/local.txt", "sub/other.txt"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("packaged %v\nwant %v", got, want)
	}
}

func TestSymlinks(t *testing.T) {
	root := t.TempDir()
	code := filepath.Join(root, "code")
	tree{"a.js": "a", "shared/x.js": "x"}.write(t, root, []string{"a.js", "shared/x.js"}, nil)
	os.MkdirAll(code, 0o755)
	os.WriteFile(filepath.Join(code, "main.js"), []byte("m"), 0o644)
	if err := os.Symlink("../shared", filepath.Join(code, "shared")); err != nil {
		t.Skip("no symlinks:", err)
	}
	os.Symlink("../a.js", filepath.Join(code, "a.js"))
	r := build(t, code, Options{Root: root})
	if got := readBack(t, r.Path); fmt.Sprint(got) != fmt.Sprint(tree{"a.js": "a", "main.js": "m", "shared/x.js": "x"}) {
		t.Fatalf("got %v", got)
	}

	// Outside the project root: an error naming the link.
	_, err := Build(context.Background(), code, Options{Root: code, TempDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "points outside the project") {
		t.Fatalf("escaping link: err = %v", err)
	}

	// A cycle.
	cyc := t.TempDir()
	os.MkdirAll(filepath.Join(cyc, "d"), 0o755)
	os.Symlink("..", filepath.Join(cyc, "d", "up"))
	_, err = Build(context.Background(), cyc, Options{Root: cyc, TempDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("cycle: err = %v", err)
	}
}

func TestArchiveUsedAsIs(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.jar")
	os.WriteFile(p, []byte("jar bytes"), 0o644)
	r, err := Build(context.Background(), p, Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	// sha512("jar bytes")
	if r.Temporary || r.Path != p || r.Size != 9 || len(r.Digest) != 128 {
		t.Fatalf("got %+v", r)
	}
	r.Close()
	if _, err := os.Stat(p); err != nil {
		t.Fatal("Close removed the user's archive")
	}
}

func TestUploadLimit(t *testing.T) {
	r := &Result{Size: MaxDirectUpload + 1}
	err := r.CheckUploadLimit()
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "obs_url") {
		t.Fatalf("err = %v", err)
	}
	if err := (&Result{Size: MaxDirectUpload}).CheckUploadLimit(); err != nil {
		t.Fatal(err)
	}
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	tr := tree{}
	for i := 0; i < 200; i++ {
		tr[fmt.Sprintf("f%03d.txt", i)] = strings.Repeat("x", 10_000)
	}
	tr.write(t, dir, tr.names(), nil)
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, dir, Options{Root: dir, TempDir: tmp}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	time.Sleep(50 * time.Millisecond) // the drain goroutine removes spill files
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func FuzzIgnore(f *testing.F) {
	for _, s := range []string{"*.js\n!keep.js\n", "**/node_modules/\n/anchored\n", "#c\n\n\\#x\n", "a/**/b", "[a-", "!"} {
		f.Add(s, "dir/file.js")
	}
	f.Fuzz(func(t *testing.T, text, path string) {
		ps := ParseIgnore(text, []string{"sub"})
		for _, p := range ps {
			p.Match(strings.Split(path, "/"), false)
			p.Match(strings.Split(path, "/"), true)
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	rnd := rand.New(rand.NewSource(1))
	words := []string{"function", "return", "const", "module", "exports", "require", "async", "await", "value", "{", "}", "(", ")", ";", "\n"}
	var total int64
	for i := 0; i < 400; i++ {
		var sb bytes.Buffer
		n := 2000 + rnd.Intn(20000)
		for sb.Len() < n {
			sb.WriteString(words[rnd.Intn(len(words))])
			sb.WriteByte(' ')
		}
		p := filepath.Join(dir, fmt.Sprintf("pkg%02d/file%03d.js", i%20, i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, sb.Bytes(), 0o644)
		total += int64(sb.Len())
	}
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
