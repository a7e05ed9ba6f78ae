package codezip

import "testing"

// An entry's buffer holds n bytes in at most twice that (512 at least),
// and comes back from its pool once given back.
func TestEntryBuffers(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, 40_000, spillThreshold + 100, 1<<maxEntryClass + 1} {
		b := getEntry(n)
		if len(b) != n {
			t.Fatalf("getEntry(%d): len %d", n, len(b))
		}
		if n > 0 && n <= 1<<maxEntryClass && (cap(b) < n || cap(b) > max(2*n, 1<<minEntryClass)) {
			t.Errorf("getEntry(%d): cap %d", n, cap(b))
		}
		putEntry(b)
		if again := getEntry(n); len(again) != n || cap(again) < n {
			t.Errorf("getEntry(%d) after putEntry: len %d cap %d", n, len(again), cap(again))
		}
	}
	putEntry(make([]byte, 3, 1000)) // not from getEntry: not pooled
	if b := getEntry(600); cap(b) != 1024 {
		t.Errorf("getEntry(600): cap %d, want 1024", cap(b))
	}
}
