package manifest_test

import (
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// vars is the lookup every interpolation test uses. Its values are long
// and distinctive so a test can tell when one leaks into an error.
var vars = map[string]string{
	"SHA":      "abc123",
	"EMPTY":    "",
	"REGION":   "cn-south-1",
	"MEM":      "512",
	"SECRET":   "hunter2-s3cr3t",
	"DOLLAR":   "a$b${c}",
	"lower_99": "ok",
}

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestInterpolateTable(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
		err            string // substring of the error; "" = no error
	}{
		{"no dollar", "plain text", "plain text", ""},
		{"empty", "", "", ""},
		{"var", "${SHA}", "abc123", ""},
		{"var in text", "v${SHA}-x", "vabc123-x", ""},
		{"two vars", "${SHA}${SHA}", "abc123abc123", ""},
		{"lower case name", "${lower_99}", "ok", ""},
		{"set but empty, no default", "[${EMPTY}]", "[]", ""},
		{"default when unset", "${NOPE:-dflt}", "dflt", ""},
		{"default when empty", "${EMPTY:-dflt}", "dflt", ""},
		{"no default when set", "${SHA:-dflt}", "abc123", ""},
		{"empty default", "[${NOPE:-}]", "[]", ""},
		{"default with spaces and colons", "${NOPE:-a b:c}", "a b:c", ""},
		{"default with a dollar", "${NOPE:-$x}", "$x", ""},
		{"$$ is a dollar", "$$", "$", ""},
		{"$$ before a name", "$$HOME", "$HOME", ""},
		{"$$ before a brace", "$${SHA}", "${SHA}", ""},
		{"$$$$", "$$$$", "$$", ""},
		{"$$ then var", "$$${SHA}", "$abc123", ""},
		{"lone $ kept: $published", "$published", "$published", ""},
		{"lone $ at the end", "cost 5$", "cost 5$", ""},
		{"lone $ alone", "$", "$", ""},
		{"lone $ before a space", "$ x", "$ x", ""},
		{"value not re-interpolated", "${DOLLAR}", "a$b${c}", ""},
		{"unicode around", "é${SHA}ü", "éabc123ü", ""},

		{"unset", "${NOPE}", "", "variable NOPE is not set"},
		{"unset names the default syntax", "${NOPE}", "", "${NOPE:-value}"},
		{"unset after a good one", "${SHA}${NOPE}", "", "variable NOPE is not set"},
		{"unclosed", "${SHA", "", "unclosed ${"},
		{"unclosed after text", "abc ${", "", "unclosed ${"},
		{"empty name", "${}", "", "variable name"},
		{"empty name with default", "${:-x}", "", "variable name"},
		{"name starts with a digit", "${1BAD}", "", "variable name"},
		{"name with a dash", "${A-B}", "", "the shell's ${VAR-...} form, which uses a default only when VAR is unset; fgsdeploy takes ${VAR} and ${VAR:-default} only"},
		{"name with a space", "${A B}", "", "variable name"},
		{"name with a dot", "${a.b}", "", "variable name"},
		{"shell default without colon", "${UNSET-x}", "", "${...} at character 1 uses the shell's ${VAR-...} form"},
		{"shell error form", "${A:?missing}", "", "the shell's ${VAR:?...} form, which fails when VAR is unset or empty; fgsdeploy takes ${VAR} and ${VAR:-default} only: write ${VAR}: an unset variable is already an error"},
		{"shell assign form", "x${A:=1}", "", "${...} at character 2 uses the shell's ${VAR:=...} form, which assigns a default"},
		{"shell alternative form", "${A:+1}", "", "${VAR:+...} form, which substitutes when VAR is set"},
		{"shell form without colon", "${A+1}", "", "${VAR+...} form"},
		{"colon alone", "${A:1}", "", "is not ${VAR} or ${VAR:-default}"},
		{"non-ASCII name", "${É}", "", "variable name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := manifest.Interpolate(tt.in, lookupIn(vars))
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Interpolate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Interpolate(%q) = %q, want an error with %q", tt.in, got, tt.err)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Interpolate(%q) error %q, want it to contain %q", tt.in, err, tt.err)
			}
			if got != "" {
				t.Errorf("Interpolate(%q) returned %q with an error", tt.in, got)
			}
		})
	}
}

// An interpolation error never contains a variable's value, nor the text
// between the braces of a bad reference (in encrypted_environment that
// text may be the secret itself), nor a default.
func TestInterpolateErrorsNeverHoldValues(t *testing.T) {
	for _, in := range []string{
		"${SECRET}${NOPE}",
		"${NOPE}${SECRET}",
		"${SECRET}${",
		"${SECRET} ${hunter2-s3cr3t}",
		"${hunter2-s3cr3t}",
		"${BAD NAME:-hunter2-s3cr3t}",
		"${1x:-hunter2-s3cr3t}",
		"pw=hunter2-s3cr3t${",
	} {
		_, err := manifest.Interpolate(in, lookupIn(vars))
		if err == nil {
			t.Errorf("Interpolate(%q): want an error", in)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Interpolate(%q) error leaks a value: %q", in, err)
		}
	}
}

func TestInterpolateNilLookup(t *testing.T) {
	if got, err := manifest.Interpolate("${A:-x}$$", nil); err != nil || got != "x$" {
		t.Errorf("nil lookup with default: %q, %v", got, err)
	}
	if _, err := manifest.Interpolate("${A}", nil); err == nil || !strings.Contains(err.Error(), "variable A is not set") {
		t.Errorf("nil lookup without default: %v", err)
	}
}

// The lookup is asked only for names that appear, once each time.
func TestInterpolateAsksForNames(t *testing.T) {
	var asked []string
	_, err := manifest.Interpolate("$$X ${A} $B ${C:-d}", func(k string) (string, bool) {
		asked = append(asked, k)
		return "v", true
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != "A,C" {
		t.Errorf("asked for %v, want [A C]", asked)
	}
}
