package codezip

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
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

// entryNames lists the package's entries in the order they are in the
// zip, an executable one with "*".
func entryNames(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		name := f.Name
		if f.Mode()&0o100 != 0 {
			name += "*"
		}
		out = append(out, name)
	}
	return out
}

// TestGoldenDigests pins the bytes of packages of nested trees: entries
// sorted by their whole slash-separated path (so "a.txt" comes before
// "a/b.txt", '.' < '/' < '0'), directories only through their files (an
// empty one is not packaged), the exec bit kept, and symlinks followed
// (a link to a file is that file under the link's name, a link to a
// directory is that directory's files under the link's path). A change of
// entry order, header or compression changes these digests, and every
// deployed function would then plan a code update: a change that must be
// made on purpose, never by accident.
func TestGoldenDigests(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tree    tree
		links   map[string]string // link path -> target, relative to the link
		dirs    []string          // empty directories
		entries []string          // in zip order
		digest  string
	}{
		{
			name:    "file and directory of one name",
			tree:    tree{"a.txt": "a\n", "a/b.txt": "b\n"},
			entries: []string{"a.txt", "a/b.txt"},
			digest:  "e25a6351744707a2f07cf6eb5443c2fbd50f7b01e6da2f02505ee0e21c32be62b5d2fc0b55008a2d5ee99fa1b947400c3dc2cbe9db9acc0cdc3173276a7dbf54",
		},
		{
			name: "nested, executables, empty directories",
			tree: tree{
				"a-b.txt": "dash", "a.txt": "dot", "a/b.txt": "slash", "a0.txt": "zero",
				"a/b/c/d.py": "print(1)\n", "a/b/c.py": "x = 1\n", "a/b.py": "y = 2\n",
				"bin/run.sh*": "#!/bin/sh\nexec ./app\n", "bin/app*": "\x7fELF",
				"Z.txt": "upper case sorts first", "ü/x.txt": "utf-8",
			},
			dirs: []string{"empty", "a/empty/deeper"},
			entries: []string{"Z.txt", "a-b.txt", "a.txt", "a/b.py", "a/b.txt", "a/b/c.py", "a/b/c/d.py", "a0.txt",
				"bin/app*", "bin/run.sh*", "ü/x.txt"},
			digest: "6779b1bca4378e23557ce40687789637ef91743c47cd0c86264a166a4c158cdae3a03d283c44375e81cb53d3c8b29c140fcbe04a3cd27c53770518d4adc92cb4",
		},
		{
			name:  "symlinks",
			tree:  tree{"lib/x.js": "x", "lib/y/z.js": "z", "tool*": "#!/bin/sh\n", "main.js": "m"},
			links: map[string]string{"lib.js": "main.js", "libs": "lib", "run": "tool", "lib/y/up.js": "../x.js"},
			entries: []string{"lib.js", "lib/x.js", "lib/y/up.js", "lib/y/z.js", "libs/x.js", "libs/y/up.js", "libs/y/z.js",
				"main.js", "run*", "tool*"},
			digest: "552c7328d8ca491c3aaba508ac3a90cd530a756a36656023dce5c58b8ef96dc8f07fbc27a40458f59984a3c7833a2c1c2431d830468f3238946013f9b7d52b51",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.tree.write(t, dir, tc.tree.names(), nil)
			for link, target := range tc.links {
				if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
					t.Skip("no symlinks:", err)
				}
			}
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			r := build(t, dir, Options{})
			if got := entryNames(t, r.Path); fmt.Sprint(got) != fmt.Sprint(tc.entries) {
				t.Errorf("entries %q\nwant    %q", got, tc.entries)
			}
			if r.Digest != tc.digest {
				t.Errorf("digest %s, want %s", r.Digest, tc.digest)
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
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "code.obs") {
		t.Fatalf("err = %v", err)
	}
	if err := (&Result{Size: MaxDirectUpload}).CheckUploadLimit(); err != nil {
		t.Fatal(err)
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestCancel: cancelled before it starts, or while big files are being
// compressed into temporary files (cancelled as the first bytes are read,
// through Options.Progress), Build returns context.Canceled and has left
// no temporary file behind when it returns: a process that exits right
// after an interrupt leaves nothing in TempDir.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	tr := tree{}
	for i := range 6 {
		tr[fmt.Sprintf("f%d.txt", i)] = strings.Repeat(fmt.Sprintf("%d", i), spillThreshold+1)
	}
	tr.write(t, dir, tr.names(), nil)

	t.Run("before", func(t *testing.T) {
		tmp := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Build(ctx, dir, Options{Root: dir, TempDir: tmp}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Fatalf("temporary files left: %v", left)
		}
	})
	t.Run("while compressing", func(t *testing.T) {
		tmp := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var once sync.Once
		read := writerFunc(func(p []byte) (int, error) { once.Do(cancel); return len(p), nil })
		_, err := Build(ctx, dir, Options{Root: dir, TempDir: tmp, Workers: 3, Progress: func(int64) io.Writer { return read }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Fatalf("temporary files left: %v", left)
		}
	})
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

// A saved plan as fgsdeploy plan --out writes it (its content is what
// matters, not its name), and the plan view --format json prints.
const (
	savedPlan = "{\n  \"format_version\": \"1\",\n  \"manifest\": \"function.yaml\",\n  \"salt\": \"c2FsdHNhbHQ=\",\n  \"functions\": [],\n  \"summary\": {}\n}\n"
	planView  = "{\n  \"format_version\": \"1\",\n  \"functions\": [],\n  \"summary\": {}\n}\n"
)

// The default exclusions leave out what fgsdeploy writes and what no
// function needs, wherever it is, and say which rule left out what.
func TestDefaultExclusions(t *testing.T) {
	dir := t.TempDir()
	tr := tree{
		"index.py":                   "code",
		".git/HEAD":                  "ref",
		"sub/.git":                   "a submodule's .git file",
		".hg/x":                      "x",
		".fgsdeploy/local/state":     "state",
		".DS_Store":                  "x",
		"plan.json":                  savedPlan,
		"deploy/release":             savedPlan, // any name
		"view.json":                  planView,  // not a saved plan: kept
		"config.json":                "{\"format_version\": \"2\", \"other\": true}",
		"pkgs/hello.zip":             "zip",
		"pkgs/" + OutputMarker:       "marker",
		"nested/out/x.zip":           "zip",
		"nested/out/" + OutputMarker: "marker",
		"logs/app.log":               "log",
		"logs/keep.log":              "log",
		".fgsignore":                 "# comment\nlogs/*.log\n!logs/keep.log\n",
	}
	tr.write(t, dir, tr.names(), nil)
	l, err := List(dir, Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(l.Files), "[config.json index.py logs/keep.log view.json]"; got != want {
		t.Errorf("files %s, want %s", got, want)
	}
	var got []string
	for _, x := range l.Excluded {
		got = append(got, x.Path+" <- "+x.Rule)
	}
	want := []string{
		".DS_Store <- default: .DS_Store",
		".fgsdeploy/ <- default: .fgsdeploy/",
		".fgsignore <- default: .fgsignore",
		".git/ <- default: .git/",
		".hg/ <- default: .git/",
		"deploy/release <- default: saved plan",
		"logs/app.log <- .fgsignore:2: logs/*.log",
		"nested/out/ <- default: package --out",
		"pkgs/ <- default: package --out",
		"plan.json <- default: saved plan",
		"sub/.git <- default: .git/",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("excluded\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l.Size != int64(len("code")+len("log")+len(planView)+len("{\"format_version\": \"2\", \"other\": true}")) {
		t.Errorf("size %d", l.Size)
	}
	// Build packages exactly the listed files.
	r := build(t, dir, Options{Root: dir})
	if back := readBack(t, r.Path).names(); fmt.Sprint(back) != fmt.Sprint(l.Files) {
		t.Errorf("zip holds %v, listing says %v", back, l.Files)
	}
	if r.Unpacked != l.Size || r.Files != len(l.Files) {
		t.Errorf("result %+v, listing size %d", r, l.Size)
	}
	// Writing a saved plan into the code directory changes no digest.
	os.WriteFile(filepath.Join(dir, "plan.json"), []byte(strings.Replace(savedPlan, "[]", "[{\"name\": \"other\"}]", 1)), 0o600)
	if r2 := build(t, dir, Options{Root: dir}); r2.Digest != r.Digest {
		t.Errorf("a saved plan changed the digest")
	}
	os.Remove(filepath.Join(dir, "plan.json"))
	os.Remove(filepath.Join(dir, "deploy", "release"))
	if r3 := build(t, dir, Options{Root: dir}); r3.Digest != r.Digest {
		t.Errorf("removing the saved plans changed the digest")
	}
	// A nested .fgsignore names its own file.
	os.WriteFile(filepath.Join(dir, "logs", ".fgsignore"), []byte("keep.log\n"), 0o644)
	l, err = List(dir, Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range l.Excluded {
		if x.Path == "logs/keep.log" && x.Rule != "logs/.fgsignore:1: keep.log" {
			t.Errorf("keep.log excluded by %q", x.Rule)
		}
	}
}

// An empty package is an error naming the rules that emptied it.
func TestEmptyPackage(t *testing.T) {
	empty := t.TempDir()
	_, err := Build(context.Background(), empty, Options{TempDir: t.TempDir()})
	var ee *EmptyError
	if !errors.Is(err, ErrEmpty) || !errors.As(err, &ee) || err.Error() != "the package would be empty: the code directory has no files" {
		t.Fatalf("empty directory: %v", err)
	}
	dir := t.TempDir()
	tree{".fgsignore": "*\n", "a.py": "a", "b/c.py": "c", ".git/HEAD": "h"}.write(t, dir, []string{".fgsignore", "a.py", "b/c.py", ".git/HEAD"}, nil)
	_, err = Build(context.Background(), dir, Options{TempDir: t.TempDir()})
	want := "the package would be empty: every file is excluded, by default: .fgsignore (1 entry), default: .git/ (1 entry), .fgsignore:1: * (2 entries)"
	if !errors.Is(err, ErrEmpty) || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	onlyPlan := t.TempDir()
	os.WriteFile(filepath.Join(onlyPlan, "plan.json"), []byte(savedPlan), 0o600)
	_, err = Build(context.Background(), onlyPlan, Options{TempDir: t.TempDir()})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "by default: saved plan (1 entry)") {
		t.Fatalf("only a saved plan: %v", err)
	}
	// List does not call it an error: the listing shows why.
	if l, err := List(dir, Options{}); err != nil || len(l.Files) != 0 || len(l.Excluded) != 4 {
		t.Fatalf("list: %+v, %v", l, err)
	}
}

// What cannot be read is named relative to the code directory.
func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub", ".fgsignore"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("a"), 0o644)
	_, err := List(dir, Options{})
	if err == nil || err.Error() != "cannot read sub/.fgsignore: is a directory" {
		t.Fatalf("err = %v", err)
	}
	loop := t.TempDir()
	os.Symlink("b", filepath.Join(loop, "a"))
	os.Symlink("a", filepath.Join(loop, "b"))
	if _, err := List(loop, Options{}); err == nil || err.Error() != "symlink a is a loop: following it never reaches a file or directory" {
		t.Fatalf("loop: %v", err)
	}
	dangling := t.TempDir()
	os.Symlink("gone.py", filepath.Join(dangling, "x.py"))
	if _, err := List(dangling, Options{}); err == nil || err.Error() != "symlink x.py points to gone.py, which does not exist" {
		t.Fatalf("dangling: %v", err)
	}
}

func TestMarkOutputDir(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(out, "a.zip"), []byte("zip"), 0o644)
	if err := MarkOutputDir(out); err != nil {
		t.Fatal(err)
	}
	if l, err := List(dir, Options{}); err != nil || fmt.Sprint(l.Files) != "[a.py]" {
		t.Fatalf("%+v %v", l, err)
	}
}

// isSavedPlan reads a file's first bytes, and the whole file only when it
// starts as a plan does.
func FuzzIsSavedPlan(f *testing.F) {
	for _, s := range []string{savedPlan, planView, "{\"format_version\":\"1\",\"salt\":\"eA==\",\"functions\":null}", "{\"format_version\": 1}", "not json at all, but long enough"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	p := filepath.Join(dir, "f")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got := isSavedPlan(p, int64(len(data)))
		head := data[:min(len(data), 64)]
		if got && !planPrefixRe.Match(head) {
			t.Fatalf("%q taken for a saved plan without a plan's first key", data)
		}
		var plan struct {
			FormatVersion string            `json:"format_version"`
			Salt          []byte            `json:"salt"`
			Functions     []json.RawMessage `json:"functions"`
		}
		decoded := json.NewDecoder(bytes.NewReader(data)).Decode(&plan) == nil
		if got != (planPrefixRe.Match(head) && len(data) >= 32 && decoded && plan.FormatVersion != "" && len(plan.Salt) > 0 && plan.Functions != nil) {
			t.Fatalf("%q: isSavedPlan = %v", data, got)
		}
	})
}
