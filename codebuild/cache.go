package codebuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/codezip"
)

// keyVersion changes when what a key covers changes, so that old cache
// entries are never taken for new ones.
const keyVersion = "fgsdeploy-build-1"

// inputKey is the hex SHA-256 of everything a build depends on that
// fgsdeploy knows: the command, the runtime, the function's names (they
// are in its environment) and each source file's name, executable bit
// and contents. The rest of the environment is not in it.
func inputKey(s Spec, sources []codezip.Source) (string, error) {
	h := sha256.New()
	field := func(v string) { fmt.Fprintf(h, "%d:%s\n", len(v), v) }
	field(keyVersion)
	field(s.Command)
	field(s.Runtime)
	field(s.Function)
	field(s.FuncName)
	for _, src := range sources {
		field(src.Name)
		field(fmt.Sprint(src.Exec))
		sum, err := fileSum(src.Path)
		if err != nil {
			return "", err
		}
		field(sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (b *Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// touch stamps a cache entry as used now: pruning keeps the most recently
// used.
func (b *Builder) touch(dir string) {
	t := b.now()
	os.Chtimes(dir, t, t)
}

// prune removes the function's builds beyond the Keep most recently used
// (keep, just made, is never removed), and scratch copies an interrupted
// run left more than a day ago.
func (b *Builder) prune(home, keep string) {
	n := b.Keep
	if n <= 0 {
		n = DefaultKeep
	}
	entries, err := os.ReadDir(home)
	if err != nil {
		return
	}
	type built struct {
		path string
		used time.Time
	}
	var builds []built
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() {
			continue
		}
		p := filepath.Join(home, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), ".scratch-"):
			if b.now().Sub(info.ModTime()) > 24*time.Hour {
				os.RemoveAll(p)
			}
		case p != keep:
			builds = append(builds, built{p, info.ModTime()})
		}
	}
	sort.Slice(builds, func(i, j int) bool { return builds[i].used.After(builds[j].used) })
	for i, bl := range builds {
		if i >= n-1 {
			os.RemoveAll(bl.path)
		}
	}
}
