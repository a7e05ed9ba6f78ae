package manifest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/go-multierror"
	"gopkg.in/yaml.v3"
)

// head is a valid start of a manifest: line 1 functions, 2 hello, 3
// runtime, 4 handler, 5 code. Cases add lines from line 6.
const head = "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n"

// syntaxCases are manifests yaml.v3 refuses, or that are not text, with
// the exact position and the start of the message each must print.
var syntaxCases = []struct {
	name, text, want string
}{
	{"tab indentation", "functions:\n  hello:\n    runtime: Python3.10\n\thandler: index.handler\n", "function.yaml:4:1: a tab in the indentation: YAML indents with spaces only"},
	{"tab after spaces", "functions:\n  hello:\n    runtime: Python3.10\n  \t  handler: index.handler\n", "function.yaml:4:3: a tab in the indentation"},
	{"bad indent", "functions:\n  hello:\n    runtime: Python3.10\n   handler: index.handler\n", "function.yaml:4:4: this line is not where a key can be: check its indentation against the keys above"},
	{"deeper indent", "functions:\n  hello:\n    runtime: Python3.10\n      handler: index.handler\n", "function.yaml:4:7: this line is indented more than the one above, which makes it part of that value: check its indentation"},
	{"unclosed brace", head + "    func_vpc: {vpc_id: v, subnet_id: s\n    timeout: 3\n    description: x\n", "function.yaml:6:15: this { is never closed: a } is missing"},
	{"unclosed brace on line 1", "functions: {hello: {runtime: Python3.10}\n", "function.yaml:1:12: this { is never closed: a } is missing"},
	{"unclosed bracket", head + "    timeout: 3\n    dependencies: [urn:fss:a, urn:fss:b\n", "function.yaml:7:19: this [ is never closed: a ] is missing"},
	{"unclosed nested", head + "    func_vpc: {vpc_id: v, security_groups: [a, b}\n", "function.yaml:6:49: this } closes the [ at line 6, column 44: a ] is missing"},
	{"two unclosed", head + "    func_vpc: {vpc_id: v, security_groups: [a, b\n", "function.yaml:6:15: this { is never closed: a } is missing"},
	{"closer of nothing", head + "    description: ]\n", "function.yaml:6:18: this ] closes nothing"},
	{"unclosed double quote", head + "    description: \"hello\n    timeout: 3\n", "function.yaml:6:18: this \" quote is never closed"},
	{"unclosed single quote", head + "    description: 'it''s\n", "function.yaml:6:18: this ' quote is never closed"},
	{"unknown escape", head + "    description: \"C:\\temp\\qx\"\n", "function.yaml:6:26: an unknown escape in a double-quoted string"},
	{"text after quote", head + "    func_vpc: {vpc_id: \"v\" x, subnet_id: s}\n", "function.yaml:6:28: text after a quoted string: separate items with commas, or quote the whole value"},
	{"duplicate key", head + "    runtime: Python3.9\n", "function.yaml:6:5: functions.hello.runtime: duplicate key (first at line 3)"},
	{"undefined alias", head + "    timeout: 3\n    environment: *nope\n", "function.yaml:7:18: *nope refers to no anchor: an anchor &nope must come before it"},
	{"alias before anchor", head + "    environment: *e\n    description: &e x\n", "function.yaml:6:18: *e refers to no anchor"},
	{"invalid UTF-8", head + "    description: caf\xe9\n", "function.yaml:6:21: invalid UTF-8 (byte 0xE9): save the file as UTF-8"},
	{"NUL", head + "    description: a\x00b\n  other:\n    colour: blue\n", "function.yaml:6:19: a NUL byte"},
	{"NUL at the end", head + "\x00", "function.yaml:6:1: a NUL byte"},
	{"control character", head + "    description: a\x01\n", "function.yaml:6:19: the control character U+0001 is not allowed in YAML"},
	{"BOM in the middle", head + "    \ufeffdescription: x\n", "function.yaml:6:5: a byte order mark (U+FEFF) is allowed only at the very start of the file"},
	{"line separator", head + "    description: a\u2028b\n", "function.yaml:6:19: the line separator U+2028"},
	{"UTF-16", "\xff\xfef\x00", "function.yaml:1:1: the file is UTF-16 text; save it as UTF-8"},
	{"over-long key", "functions:\n  " + strings.Repeat("k", 1100) + ": {}\n", "function.yaml:2:3: a key of 1100 characters: YAML allows at most 1024 in a key"},
	{"second colon", head + "    description: see: this\n", "function.yaml:6:21: a second ': ' on this line: quote a value that contains ': '"},
	{"list item in a map", head + "    - index.py\n", "function.yaml:6:5: a list item (- ...) where a key: value was expected"},
	{"BOM then a bad indent", "\ufeff" + "functions:\n  hello:\n    runtime: Python3.10\n   handler: x\n", "function.yaml:4:4: this line is not where a key can be"},
	{"CRLF then an unclosed bracket", strings.ReplaceAll(head+"    dependencies: [a,\n", "\n", "\r\n"), "function.yaml:6:19: this [ is never closed"},
	{"CR line ends", strings.ReplaceAll(head+"   timeout: 3\n", "\n", "\r"), "function.yaml:6:4: this line is not where a key can be"},
	{"second document broken", head + "---\nx: [\n", "function.yaml:7:4: this [ is never closed"},
}

func loadText(t *testing.T, text string) []*Error {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := parse("function.yaml", dir, []byte(text), Options{})
	if err == nil {
		return nil
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("not a multierror: %v", err)
	}
	var out []*Error
	for _, e := range me.Errors {
		out = append(out, e.(*Error))
	}
	return out
}

func TestSyntaxErrorPositions(t *testing.T) {
	for _, tt := range syntaxCases {
		t.Run(tt.name, func(t *testing.T) {
			errs := loadText(t, tt.text)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %v", len(errs), errs)
			}
			got := errs[0].Error()
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if strings.HasPrefix(errs[0].Msg, ":") || strings.HasPrefix(errs[0].Msg, "invalid YAML:") || errs[0].Msg == "" {
				t.Errorf("message %q", errs[0].Msg)
			}
		})
	}
}

// Text that is valid YAML keeps exact positions: a BOM, CRLF or CR line
// ends and very long lines do not move the errors that follow.
func TestPositionsInAcceptedText(t *testing.T) {
	bad := "    memory_size: 100\n"
	for _, tt := range []struct{ name, text, want string }{
		{"plain", head + bad, "function.yaml:6:18: functions.hello.memory_size: 100 is not a valid size"},
		{"BOM", "\ufeff" + head + bad, "function.yaml:6:18: functions.hello.memory_size: 100 is not a valid size"},
		{"BOM on the line", "\ufeff" + "functions: {hello: {runtime: Python3.10, handler: index.handler, code: {path: ./src}, memory_size: 100}}\n", "function.yaml:1:100: functions.hello.memory_size"},
		{"CRLF", strings.ReplaceAll(head+bad, "\n", "\r\n"), "function.yaml:6:18: functions.hello.memory_size"},
		{"CR", strings.ReplaceAll(head+bad, "\n", "\r"), "function.yaml:6:18: functions.hello.memory_size"},
		{"long line", head + "    description: " + strings.Repeat("x", 300) + "\n" + bad, "function.yaml:7:18: functions.hello.memory_size: 100 is not a valid size"},
		{"long value", head + "    environment: {A: " + strings.Repeat("x", 70000) + "}\n" + bad, "function.yaml:6:18: functions.hello.environment: is 70008 bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			errs := loadText(t, tt.text)
			if len(errs) == 0 || !strings.HasPrefix(errs[0].Error(), tt.want) {
				t.Fatalf("got %v\nwant %s", errs, tt.want)
			}
		})
	}
}

// On any text, a syntax error is one positioned error, within the text
// (a line that exists, a column at most one past its end), with a message
// that says something.
func FuzzSyntaxPosition(f *testing.F) {
	for _, c := range syntaxCases {
		f.Add([]byte(c.text))
	}
	f.Add([]byte("a: [b, {c: 'd''e\", f}]\n  - g: |\n    \t[x\n"))
	f.Add([]byte("a: *b\nc: &b d\n? [x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		var doc yaml.Node
		var p textPos
		var msg string
		if bad, m, ok := checkText(data); ok {
			p, msg = bad, m
		} else if _, err := decodeDocuments(data, &doc); err != nil && !errors.Is(err, io.EOF) {
			p, msg = locateSyntax(data, err)
		} else {
			return
		}
		lines := splitLines(data)
		if p.line < 1 || p.line > len(lines)+1 || p.col < 1 {
			t.Fatalf("%q: position %d:%d outside %d lines (%s)", data, p.line, p.col, len(lines), msg)
		}
		if p.line <= len(lines) && p.col > utf8.RuneCountInString(lines[p.line-1])+1 {
			t.Fatalf("%q: column %d past the end of line %d (%s)", data, p.col, p.line, msg)
		}
		if msg == "" || strings.HasPrefix(msg, ":") {
			t.Fatalf("%q: message %q", data, msg)
		}
	})
}
