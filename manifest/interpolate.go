package manifest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Interpolate expands ${VAR} and ${VAR:-default} from lookup and turns $$
// into $. A $ followed by anything else is kept as is, so values such as
// "$published" need no escaping. ${VAR:-default} uses the default when VAR
// is unset or empty, as the shell does. The shell's other forms (${VAR-d},
// ${VAR:?}, ${VAR:=}, ${VAR:+}...) are errors that name the form and the
// one to write. Errors never contain a variable's value, nor any text from
// between the braces of a malformed ${...}: a secret written by mistake as
// ${s3cr3t-value} must not be printed, even in part.
func Interpolate(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i += 2
			continue
		}
		if i+1 >= len(s) || s[i+1] != '{' {
			b.WriteByte('$')
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed ${ at character %d (write $$ for a literal $)", charIndex(s, i))
		}
		expr := s[i+2 : i+2+end]
		n := varNameLength(expr)
		name, op := expr[:n], expr[n:]
		if name == "" {
			// The text between the braces is not echoed: in
			// encrypted_environment it may be the secret itself.
			return "", fmt.Errorf("${...} at character %d does not start with a variable name (letters, digits and _, not starting with a digit; write $$ for a literal $)", charIndex(s, i))
		}
		var def string
		hasDef := false
		switch {
		case op == "":
		case strings.HasPrefix(op, ":-"):
			def, hasDef = op[2:], true
		default:
			return "", shellFormError(op, charIndex(s, i))
		}
		v, ok := "", false
		if lookup != nil {
			v, ok = lookup(name)
		}
		switch {
		case hasDef && v == "":
			v = def
		case !ok:
			return "", fmt.Errorf("variable %s is not set (set it, or give a default: ${%s:-value})", name, name)
		}
		b.WriteString(v)
		i += 2 + end + 1
	}
	return b.String(), nil
}

// shellForms are the shell's parameter expansions other than ${VAR:-d},
// with what they do, longest first.
var shellForms = []struct{ op, does string }{
	{":?", "fails when VAR is unset or empty"},
	{":=", "assigns a default"},
	{":+", "substitutes when VAR is set"},
	{"-", "uses a default only when VAR is unset"},
	{"?", "fails when VAR is unset"},
	{"=", "assigns a default"},
	{"+", "substitutes when VAR is set"},
}

// shellFormError explains a ${NAME...} whose name is followed by op. It
// names the form, never the text: see Interpolate.
func shellFormError(op string, at int) error {
	for _, f := range shellForms {
		if strings.HasPrefix(op, f.op) {
			hint := "write ${VAR:-default}, whose default applies when VAR is unset or empty"
			if f.op == ":?" || f.op == "?" {
				hint = "write ${VAR}: an unset variable is already an error"
			}
			return fmt.Errorf("${...} at character %d uses the shell's ${VAR%s...} form, which %s; fgsdeploy takes ${VAR} and ${VAR:-default} only: %s", at, f.op, f.does, hint)
		}
	}
	return fmt.Errorf("${...} at character %d is not ${VAR} or ${VAR:-default} (a variable name is letters, digits and _, not starting with a digit; write $$ for a literal $)", at)
}

// charIndex is the 1-based character (not byte) position of byte i in s.
func charIndex(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}

// varNameLength is the length of the variable name at the start of s:
// letters, digits and _, not starting with a digit.
func varNameLength(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return i
		}
	}
	return len(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// interp interpolates scalar nodes and records errors at their position.
type interp struct {
	lookup func(string) (string, bool)
	el     *errorList
}

// scalar returns the interpolated value of a scalar node, or "" with an
// error recorded when the node is not a scalar or interpolation fails.
func (in *interp) scalar(n *yaml.Node, path string) string {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		in.el.addPrimary(n.Line, n.Column, path, "must be a single value, got %s", kindName(n))
		return ""
	}
	if n.ShortTag() == "!!null" {
		return ""
	}
	v, err := Interpolate(n.Value, in.lookup)
	if err != nil {
		in.el.addPrimary(n.Line, n.Column, path, "%v", err)
		return ""
	}
	return v
}
