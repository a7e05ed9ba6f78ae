package codezip

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// bigText is n bytes of text that compresses as source code does, the
// same on every run.
func bigText(seed string, n int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < n; i++ {
		fmt.Fprintf(&sb, "%s: line %d, value %d;\n", seed, i, i*i%977)
	}
	return sb.String()[:n]
}

// TestGoldenDigestBigFiles pins the bytes of a package whose big files
// (compressed into temporary files, and before the others) sit at the
// start, in the middle and at the end of the zip, among small ones: the
// same digest as when every file was compressed in name order (the
// digest was taken before big files went first), with one worker or
// several.
func TestGoldenDigestBigFiles(t *testing.T) {
	t.Parallel()
	tr := tree{
		".bin/tool*":        bigText("tool", spillThreshold+1),
		"a.js":              "a",
		"lib/huge.txt":      bigText("huge", spillThreshold+12345),
		"lib/small.js":      "module.exports = 1;\n",
		"lib/zz/medium.txt": bigText("medium", spillThreshold),
		"m/n/o.txt":         "o",
		"z/last.txt":        bigText("last", spillThreshold+2),
	}
	const digest = "e6200a32314b51dd09d7ef2bd1291b041bd01d999de0b6654d4713dcaa715703ba6f271ee9bdaa2a876cf6a2a4c1a6cc51de5e1412097ecf8afb7a3538e6f392"
	dir := t.TempDir()
	tr.write(t, dir, tr.names(), nil)
	for _, workers := range []int{1, 3} {
		r := build(t, dir, Options{Workers: workers})
		if r.Digest != digest {
			t.Errorf("%d workers: digest %s, want %s", workers, r.Digest, digest)
		}
		if workers == 1 {
			if got := readBack(t, r.Path); fmt.Sprint(got) != fmt.Sprint(tr) {
				t.Errorf("read back %v", got.names())
			}
		}
	}
}

// dispatchOrder takes every file once: the big ones first, biggest
// first, within earlyEntries and earlyBytes, then the rest in name order.
func TestDispatchOrder(t *testing.T) {
	const mb = 1 << 20
	sizes := func(ss ...int64) []file {
		fs := make([]file, len(ss))
		for i, s := range ss {
			fs[i] = file{name: fmt.Sprintf("f%03d", i), size: s}
		}
		return fs
	}
	many := make([]int64, earlyEntries+10)
	for i := range many {
		many[i] = 2 * mb
	}
	for _, tc := range []struct {
		name  string
		files []file
		early []int // in dispatch order
	}{
		{"small only", sizes(1, 0, 5, spillThreshold), nil},
		{"big ones first, biggest first, ties in name order", sizes(10, 3*mb, 5, 2*mb, 3*mb, 1), []int{1, 4, 3}},
		{"at most earlyBytes", sizes(earlyBytes-2*mb, 3*mb, 5, mb+1), []int{0, 3}},
		{"one bigger than earlyBytes still goes first", sizes(5, earlyBytes+mb, 2*mb), []int{1}},
		{"at most earlyEntries", sizes(many...), seq(earlyEntries)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			order, early := dispatchOrder(tc.files)
			if got := slices.Sorted(slices.Values(order)); !slices.Equal(got, seq(len(tc.files))) {
				t.Fatalf("order %v is not every file once", order)
			}
			n := len(tc.early)
			if !slices.Equal(order[:n], tc.early) && !(n == 0 && len(order) == 0) {
				t.Errorf("early %v, want %v", order[:n], tc.early)
			}
			if !slices.IsSorted(order[n:]) {
				t.Errorf("the rest %v is not in name order", order[n:])
			}
			for i := range tc.files {
				if early[i] != slices.Contains(tc.early, i) {
					t.Errorf("early[%d] = %v", i, early[i])
				}
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
