package ghactions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readOutputs parses a GITHUB_OUTPUT file as the runner does: NAME=VALUE
// lines, and NAME<<DELIMITER, the value's lines, DELIMITER.
func readOutputs(t *testing.T, text string) [][2]string {
	t.Helper()
	var out [][2]string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" && i == len(lines)-1 {
			break
		}
		if name, delim, ok := strings.Cut(l, "<<"); ok {
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("no closing %s", delim)
			}
			out = append(out, [2]string{name, strings.Join(value, "\n")})
			continue
		}
		name, value, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("line %q is not an output", l)
		}
		out = append(out, [2]string{name, value})
	}
	return out
}

// Outputs are appended in the multi-line format, so any value, one that
// looks like another output or the delimiter included, reads back as it
// was written; a nil Step and one without an output file write nothing.
func TestSetOutputs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "output")
	os.WriteFile(file, []byte("earlier=1\n"), 0o644)
	s := &Step{OutputFile: file}
	vals := []Output{{"api_urn", "urn:fss:x"}, {"api_url", "https://a\nhttps://b"}, {"empty", ""}, {"tricky", "x<<EOF\nother=2\nghadelimiter_00\n"}}
	// A delimiter the value holds is drawn again.
	random := bytes.NewReader(append(make([]byte, 16*4), bytes.Repeat([]byte{1}, 64)...))
	vals[3].Value += "ghadelimiter_" + strings.Repeat("00", 16)
	if err := s.SetOutputs(vals, random); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	got := readOutputs(t, string(b))
	want := append([][2]string{{"earlier", "1"}}, [][2]string{{"api_urn", "urn:fss:x"}, {"api_url", "https://a\nhttps://b"}, {"empty", ""}, {"tricky", vals[3].Value}}...)
	if len(got) != len(want) {
		t.Fatalf("read back %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("output %d: %q, want %q", i, got[i], want[i])
		}
	}
	if err := s.SetOutputs([]Output{{"bad name", "x"}}, nil); err == nil {
		t.Error("a name GitHub does not take was written")
	}
	var none *Step
	if err := none.SetOutputs(vals, nil); err != nil {
		t.Error(err)
	}
	if err := (&Step{}).SetOutputs(vals, nil); err != nil {
		t.Error(err)
	}
	if s := FromEnv(func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": file}[k] }, "/"); s.OutputFile != file {
		t.Errorf("FromEnv: %+v", s)
	}
}

// Whatever the values, they read back as written.
func FuzzSetOutputs(f *testing.F) {
	f.Add("v", "a\nb")
	f.Add("", "x<<y\ny")
	f.Add("ghadelimiter_", "=\n\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, a, b string) {
		file := filepath.Join(dir, "output")
		os.Remove(file)
		s := &Step{OutputFile: file}
		if err := s.SetOutputs([]Output{{"a", a}, {"b", b}}, nil); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(file)
		got := readOutputs(t, string(data))
		if len(got) != 2 || got[0] != [2]string{"a", a} || got[1] != [2]string{"b", b} {
			t.Fatalf("wrote %q %q, read back %q", a, b, got)
		}
	})
}
