package manifest

import "testing"

func TestSuggest(t *testing.T) {
	for _, c := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"memroy_size", []string{"handler", "memory_size", "timeout"}, "memory_size"},
		{"python3.9", []string{"Python3.6", "Python3.9", "Python3.10"}, "Python3.9"},
		{"plna", []string{"validate", "package", "plan", "apply"}, "plan"},
		{"aply", []string{"plan", "apply"}, "apply"},
		{"xyzzy", []string{"plan", "apply", "versions"}, ""},
		{"x", []string{"C", "f", "e"}, ""},   // one letter: no guess
		{"c", []string{"C", "f", "e"}, "C"},  // but case alone
		{"timeout", []string{"timeout"}, ""}, // itself is no suggestion
		{"", []string{"a"}, ""},
		{"regoin", []string{"region", "project_id"}, "region"},
	} {
		if got := Suggest(c.word, c.candidates); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"ab", "ba", 1}, {"kitten", "sitting", 3},
		{"memroy", "memory", 1}, {"ca", "abc", 3}, {"héllo", "hello", 1},
	} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
