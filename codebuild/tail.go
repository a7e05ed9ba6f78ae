package codebuild

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// What a failed build shows of its output: its last lines, at most so
// many bytes kept while it runs.
const (
	tailBytes    = 64 << 10
	tailLines    = 20
	tailLineSize = 400
)

// tail keeps the last max bytes written to it (stdout and stderr, from
// two goroutines).
type tail struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	dropped bool // the start of the output is gone
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.dropped = true
	}
	return len(p), nil
}

// lines is the last n lines kept. When the start of the output was
// dropped, the first line kept is partial and is left out too: a secret
// cut in two would not be recognised by redact.
func (t *tail) lines(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := bytes.TrimRight(t.buf, "\n")
	if t.dropped {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			b = nil
		}
	}
	ls := strings.Split(string(b), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.TrimRight(strings.Join(ls, "\n"), "\n")
}

// shown is the output a failed build shows: secrets redacted, then long
// lines cut (after redacting, so that no part of a secret is left).
func shown(out string, secrets []string) string {
	ls := strings.Split(redact(out, secrets), "\n")
	for i, l := range ls {
		if len(l) > tailLineSize {
			cut := tailLineSize
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			ls[i] = l[:cut] + "…"
		}
	}
	return strings.Join(ls, "\n")
}

// redact replaces every secret in s by (sensitive), the longest first (a
// secret that holds another is replaced whole).
func redact(s string, secrets []string) string {
	sorted := append([]string(nil), secrets...)
	sort.SliceStable(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, v := range sorted {
		if v != "" {
			s = strings.ReplaceAll(s, v, "(sensitive)")
		}
	}
	return s
}
