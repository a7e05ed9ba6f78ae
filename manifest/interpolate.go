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
// is unset or empty, as the shell does. Errors never contain a variable's
// value: values may be secrets.
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
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validVarName(name) {
			// The text between the braces is not echoed: in
			// encrypted_environment it may be the secret itself.
			return "", fmt.Errorf("${...} at character %d does not start with a variable name (letters, digits and _, not starting with a digit; write $$ for a literal $)", charIndex(s, i))
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

// charIndex is the 1-based character (not byte) position of byte i in s.
func charIndex(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
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
