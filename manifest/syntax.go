package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Syntax errors: yaml.v3 reports the line of a problem's context, 0-based
// for parser errors and 1-based for scanner errors, and never a column. To
// name the real line and column, the text is checked here before yaml.v3
// sees it (encoding and characters), and when yaml.v3 still refuses it,
// the cause is found in the source: by a small scan of its tokens (flow
// brackets, quotes, anchors, tabs, the ': ' indicators), or failing that,
// by the shortest prefix of whole lines that fails the same way.

// maxKeyLength is YAML's limit on an implicit key (YAML 1.2, 7.4.2: at
// most 1024 Unicode characters), which yaml.v3 enforces with a misleading
// message.
const maxKeyLength = 1024

// textPos is a position in the source: 1-based line and character column.
type textPos struct{ line, col int }

// checkText reports the first character problem of a manifest, before it
// is parsed: anything that is not UTF-8 text, control characters (a NUL
// among them), a byte order mark anywhere but at the start, and the
// Unicode line separators that YAML counts as line breaks and editors do
// not (they would shift every later line number).
func checkText(src []byte) (textPos, string, bool) {
	if bytes.HasPrefix(src, []byte{0xFE, 0xFF}) || bytes.HasPrefix(src, []byte{0xFF, 0xFE}) {
		return textPos{1, 1}, "the file is UTF-16 text; save it as UTF-8", true
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		here := textPos{line, col}
		switch {
		case r == utf8.RuneError && size <= 1:
			return here, fmt.Sprintf("invalid UTF-8 (byte 0x%02X): save the file as UTF-8", src[i]), true
		case r == 0:
			return here, "a NUL byte: a manifest is UTF-8 text, and nothing after a NUL would be read", true
		case r == '\uFEFF':
			return here, "a byte order mark (U+FEFF) is allowed only at the very start of the file", true
		case r == '\u0085' || r == '\u2028' || r == '\u2029':
			return here, fmt.Sprintf("the line separator U+%04X: YAML would count it as a line break where editors do not; use a plain line break", r), true
		case r == '\t' || r == '\n' || r == '\r':
		case unicode.IsControl(r):
			return here, fmt.Sprintf("the control character U+%04X is not allowed in YAML", r), true
		}
		switch {
		case r == '\r' && i+1 < len(src) && src[i+1] == '\n':
			// CRLF: the \n ends the line.
			col++
		case r == '\n' || r == '\r':
			line, col = line+1, 1
		default:
			col++
		}
		i += size
	}
	return textPos{}, "", false
}

// decodeDocuments parses src as YAML the way readDocument does: the first
// document into doc, and whether a second one follows. The error is
// yaml.v3's.
func decodeDocuments(src []byte, doc *yaml.Node) (second *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(doc); err != nil {
		return nil, err
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return &extra, nil
	case errors.Is(err, io.EOF):
		return nil, nil
	default:
		return nil, err
	}
}

// yamlLineRe matches the position yaml.v3 puts before its messages.
var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?(?:line (\d+): )?`)

// yamlProblem is yaml.v3's message without its prefix and line.
func yamlProblem(err error) string {
	return yamlLineRe.ReplaceAllString(err.Error(), "")
}

// locateSyntax finds the position and a plain description of the problem
// yaml.v3 reported as err in src.
func locateSyntax(src []byte, err error) (textPos, string) {
	problem := yamlProblem(err)
	lx := lex(src)
	lines := splitLines(src)
	switch {
	case strings.Contains(problem, "tab character"), problem == "found character that cannot start any token" && lx.tab != nil:
		if lx.tab != nil {
			return *lx.tab, "a tab in the indentation: YAML indents with spaces only"
		}
	case strings.HasPrefix(problem, "unknown anchor '"):
		name := strings.TrimSuffix(strings.TrimPrefix(problem, "unknown anchor '"), "' referenced")
		if p, ok := lx.undefinedAlias(name); ok {
			return p, fmt.Sprintf("*%s refers to no anchor: an anchor &%s must come before it", name, name)
		}
	case problem == "found unexpected end of stream" && lx.openQuote != nil:
		return lx.openQuote.pos, fmt.Sprintf("this %c quote is never closed", lx.openQuote.ch)
	case problem == "found unknown escape character" && lx.badEscape != nil:
		return *lx.badEscape, `an unknown escape in a double-quoted string: write \\ for a backslash, or use single quotes`
	case strings.HasPrefix(problem, "did not find expected ',' or "), problem == "did not find expected node content", strings.HasPrefix(problem, "did not find expected key"):
		if lx.stray != nil {
			return lx.stray.pos, lx.stray.msg
		}
		if len(lx.unclosed) > 0 {
			o := lx.unclosed[0]
			return o.pos, fmt.Sprintf("this %c is never closed: a %c is missing", o.ch, closerOf(o.ch))
		}
		if lx.afterQuote != nil && strings.HasPrefix(problem, "did not find expected ',' or ") {
			return *lx.afterQuote, "text after a quoted string: separate items with commas, or quote the whole value"
		}
	}
	line := firstFailingLine(lines, problem)
	if problem == "mapping values are not allowed in this context" {
		if p, msg, ok := refineColon(lines, line, lx); ok {
			return p, msg
		}
	}
	if problem == "did not find expected key" && line <= len(lines) {
		if t := strings.TrimLeft(lines[line-1], " "); t == "-" || strings.HasPrefix(t, "- ") {
			return textPos{line, firstColumn(lines, line)}, "a list item (- ...) where a key: value was expected: check its indentation, or the key above it"
		}
	}
	return textPos{line, firstColumn(lines, line)}, describeProblem(problem)
}

// describeProblem turns yaml.v3's message into a plain one.
func describeProblem(problem string) string {
	switch problem {
	case "did not find expected key":
		return "this line is not where a key can be: check its indentation against the keys above"
	case "did not find expected '-' indicator":
		return "a list item (- ...) was expected here: check this line's indentation"
	case "block sequence entries are not allowed in this context":
		return "a list item (- ...) cannot start here: put the list on the lines below its key, indented"
	case "could not find expected ':'":
		return "a key without ':' where a key: value was expected"
	case "did not find expected node content":
		return "a value is missing here"
	case "mapping values are not allowed in this context":
		return "a ': ' where a value was expected: quote a value that contains ': '"
	}
	return "invalid YAML (" + problem + ")"
}

// refineColon places a "mapping values are not allowed" error: an
// implicit key over YAML's 1024 characters, or the second ': ' on the line.
func refineColon(lines []string, line int, lx *lexed) (textPos, string, bool) {
	colons := lx.colons[line]
	if len(colons) == 0 {
		return textPos{}, "", false
	}
	start := firstColumn(lines, line)
	if n := colons[0] - start; n > maxKeyLength {
		return textPos{line, start}, fmt.Sprintf("a key of %d characters: YAML allows at most %d in a key", n, maxKeyLength), true
	}
	if len(colons) > 1 {
		return textPos{line, colons[1]}, "a second ': ' on this line: quote a value that contains ': '", true
	}
	for above := line - 1; above >= 1; above-- {
		if strings.TrimSpace(lines[above-1]) == "" {
			continue
		}
		if firstColumn(lines, above) < start {
			return textPos{line, start}, "this line is indented more than the one above, which makes it part of that value: check its indentation", true
		}
		break
	}
	return textPos{}, "", false
}

// firstFailingLine is the smallest number of whole lines that yaml.v3
// refuses with the same problem as the whole text: the line of the cause,
// for problems of block structure (the text before a line that breaks the
// structure is valid YAML).
func firstFailingLine(lines []string, problem string) int {
	fails := func(n int) bool {
		var doc yaml.Node
		_, err := decodeDocuments([]byte(strings.Join(lines[:n], "\n")+"\n"), &doc)
		return err != nil && yamlProblem(err) == problem
	}
	lo, hi := 1, len(lines)
	if hi < 1 {
		return 1
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// firstColumn is the column of the first character of a line that is not
// a space, or 1.
func firstColumn(lines []string, line int) int {
	if line < 1 || line > len(lines) {
		return 1
	}
	col := 1
	for _, r := range lines[line-1] {
		if r != ' ' && r != '\t' {
			return col
		}
		col++
	}
	return 1
}

// splitLines splits text at \n, \r\n and \r, as YAML does, without the BOM.
func splitLines(src []byte) []string {
	s := strings.TrimPrefix(string(src), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func closerOf(open rune) rune {
	if open == '{' {
		return '}'
	}
	return ']'
}

// opener is an unclosed [ or {.
type opener struct {
	ch  rune
	pos textPos
}

// lexed is what the token scan found: where brackets, quotes, anchors,
// aliases, tabs and ': ' indicators are. It is read only to explain an
// error yaml.v3 reported, never to accept or refuse a manifest.
type lexed struct {
	unclosed   []opener // never closed, outermost first
	stray      *strayCloser
	openQuote  *quoteStart
	badEscape  *textPos
	afterQuote *textPos
	tab        *textPos
	anchors    []namedPos
	aliases    []namedPos
	colons     map[int][]int // line -> columns of ': ' in block context
}

type strayCloser struct {
	pos textPos
	msg string
}

type quoteStart struct {
	ch  rune
	pos textPos
}

type namedPos struct {
	name string
	pos  textPos
}

// undefinedAlias is the first *name with no &name before it.
func (lx *lexed) undefinedAlias(name string) (textPos, bool) {
	for _, a := range lx.aliases {
		if a.name != name {
			continue
		}
		defined := false
		for _, d := range lx.anchors {
			if d.name == name && (d.pos.line < a.pos.line || d.pos.line == a.pos.line && d.pos.col < a.pos.col) {
				defined = true
			}
		}
		if !defined {
			return a.pos, true
		}
	}
	return textPos{}, false
}

// lex scans YAML text for the tokens locateSyntax needs. It follows the
// YAML rules that matter for them (comments, single- and double-quoted
// scalars over several lines, flow collections, block scalars, anchors
// and aliases at the start of a node) and ignores the rest.
func lex(src []byte) *lexed {
	lx := &lexed{colons: map[int][]int{}}
	var (
		flow        []opener
		quote       *quoteStart // inside a quoted scalar
		blockScalar = -1        // inside a block scalar: the indentation of its parent line
	)
	for i, text := range splitLines(src) {
		line := i + 1
		rs := []rune(text)
		indent := 0
		for indent < len(rs) && rs[indent] == ' ' {
			indent++
		}
		blank := strings.TrimSpace(text) == ""
		if blockScalar >= 0 {
			if blank || indent > blockScalar {
				continue
			}
			blockScalar = -1
		}
		if quote == nil && len(flow) == 0 && !blank {
			// A tab before the first character of a line, where YAML
			// expects indentation.
			for j := indent; j < len(rs) && (rs[j] == ' ' || rs[j] == '\t'); j++ {
				if rs[j] == '\t' {
					if lx.tab == nil {
						lx.tab = &textPos{line, j + 1}
					}
					break
				}
			}
		}
		if quote == nil && len(flow) == 0 && (strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...") || strings.HasPrefix(text, "%")) {
			if len(rs) == 3 || strings.HasPrefix(text, "%") || rs[3] == ' ' || rs[3] == '\t' {
				continue
			}
		}
		start := true // a node may start here
		j := 0
		if quote == nil {
			j = indent
		}
		for ; j < len(rs); j++ {
			c := rs[j]
			pos := textPos{line, j + 1}
			if quote != nil {
				switch {
				case quote.ch == '\'' && c == '\'':
					if j+1 < len(rs) && rs[j+1] == '\'' {
						j++
						continue
					}
					quote = nil
				case quote.ch == '"' && c == '\\':
					if j+1 < len(rs) && !validEscape(rs[j+1]) && lx.badEscape == nil {
						lx.badEscape = &pos
					}
					j++
					continue
				case quote.ch == '"' && c == '"':
					quote = nil
				}
				if quote == nil {
					lx.checkAfterQuote(rs, j+1, line, len(flow) > 0)
				}
				continue
			}
			next := rune(0)
			if j+1 < len(rs) {
				next = rs[j+1]
			}
			spaceNext := next == 0 || next == ' ' || next == '\t'
			switch {
			case c == ' ' || c == '\t':
				continue
			case c == '#' && (j == 0 || rs[j-1] == ' ' || rs[j-1] == '\t'):
				j = len(rs)
				continue
			case start && (c == '\'' || c == '"'):
				quote = &quoteStart{c, pos}
				continue
			case c == '[' || c == '{':
				if len(flow) > 0 || start {
					flow = append(flow, opener{c, pos})
					start = true
					continue
				}
			case c == ']' || c == '}':
				if len(flow) > 0 {
					top := flow[len(flow)-1]
					if closerOf(top.ch) != c && lx.stray == nil {
						lx.stray = &strayCloser{pos, fmt.Sprintf("this %c closes the %c at line %d, column %d: a %c is missing", c, top.ch, top.pos.line, top.pos.col, closerOf(top.ch))}
					}
					flow = flow[:len(flow)-1]
					start = false
					continue
				}
				if start && lx.stray == nil {
					lx.stray = &strayCloser{pos, fmt.Sprintf("this %c closes nothing", c)}
				}
			case c == ',' && len(flow) > 0:
				start = true
				continue
			case c == ':' && (spaceNext || len(flow) > 0 && strings.ContainsRune(",[]{}", next)):
				if len(flow) == 0 {
					lx.colons[line] = append(lx.colons[line], j+1)
				}
				start = true
				continue
			case start && (c == '-' || c == '?') && spaceNext && len(flow) == 0:
				continue
			case start && (c == '&' || c == '*' || c == '!'):
				k := j + 1
				for k < len(rs) && rs[k] != ' ' && rs[k] != '\t' && !strings.ContainsRune(",[]{}", rs[k]) {
					k++
				}
				name := string(rs[j+1 : k])
				switch c {
				case '&':
					lx.anchors = append(lx.anchors, namedPos{name, pos})
				case '*':
					lx.aliases = append(lx.aliases, namedPos{name, pos})
				}
				j = k - 1
				start = c != '*'
				continue
			case start && (c == '|' || c == '>') && len(flow) == 0:
				blockScalar = indent
				j = len(rs)
				continue
			}
			start = false
		}
	}
	lx.openQuote = quote
	lx.unclosed = flow
	return lx
}

// checkAfterQuote records text right after a closing quote that cannot
// follow a quoted scalar: in a flow collection anything but , ] } : or a
// comment.
func (lx *lexed) checkAfterQuote(rs []rune, from, line int, inFlow bool) {
	if !inFlow || lx.afterQuote != nil {
		return
	}
	for k := from; k < len(rs); k++ {
		switch rs[k] {
		case ' ', '\t':
			continue
		case ',', ']', '}', ':', '#':
			return
		}
		lx.afterQuote = &textPos{line, k + 1}
		return
	}
}

// validEscape reports whether \c is an escape of YAML's double-quoted
// scalars.
func validEscape(c rune) bool {
	return strings.ContainsRune("0abt\tnvfre \"/\\N_LPxuU", c)
}
