package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// hintCommandRe finds a fgsdeploy command in a message: "fgsdeploy", then
// one of its commands. The command line runs to the first ";", ")" or
// " && " after it, or to the end of the line (the way hints write them,
// hints.go).
var hintCommandRe = regexp.MustCompile(`\bfgsdeploy (validate|package|plan|apply|versions|promote|rollback|invoke|logs|init|schema|completion)\b`)

// hintCommands returns every command line text suggests, in order.
func hintCommands(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, loc := range hintCommandRe.FindAllStringIndex(line, -1) {
			rest := line[loc[0]:]
			end := len(rest)
			for _, stop := range []string{";", ")", " && "} {
				if i := strings.Index(rest, stop); i >= 0 && i < end {
					end = i
				}
			}
			out = append(out, strings.TrimSpace(rest[:end]))
		}
	}
	return out
}

// shellWords splits a command line as a POSIX shell would, for the
// quoting hints use: words separated by spaces, 'single quotes' kept
// literally ('\” for a quote inside).
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		switch ch := line[i]; {
		case quoted && ch == '\'':
			quoted = false
		case quoted:
			w.WriteByte(ch)
		case ch == '\'':
			quoted, in = true, true
		case ch == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			in = true
		case ch == ' ':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(ch)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// cmdRunHints runs every fgsdeploy command the last command printed (its
// stdout, then its stderr) as printed, one after the other, in the
// script's directory and environment, and checks that the Nth exits with
// the Nth status given (each hint must work as printed); there must be
// exactly as many commands as statuses. Afterwards stdout and stderr are
// the last hinted command's:
//
//	runhints 0 0
func cmdRunHints(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: runhints STATUS...")
	}
	cmds := append(hintCommands(ts.ReadFile("stdout")), hintCommands(ts.ReadFile("stderr"))...)
	if len(cmds) != len(args) {
		ts.Fatalf("runhints: %d commands suggested, %d statuses given: %q", len(cmds), len(args), cmds)
	}
	for i, line := range cmds {
		want, err := strconv.Atoi(args[i])
		ts.Check(err)
		words := shellWords(line)
		ts.Logf("runhints: %s", line)
		os.Remove(ts.Getenv(statusEnv))
		ts.Exec(words[0], words[1:]...)
		b, err := os.ReadFile(ts.Getenv(statusEnv))
		if err != nil {
			ts.Fatalf("runhints: %s: no exit status recorded: %v", line, err)
		}
		if got, _ := strconv.Atoi(string(b)); got != want {
			ts.Fatalf("runhints: %s exited with status %d, want %d", line, got, want)
		}
	}
	os.Remove(ts.Getenv(statusEnv))
}

// cmdWaitFile waits until a file (written by a command running in the
// background) has a line matching a regular expression, for up to a
// minute: waitfile FILE REGEXP
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfile FILE REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && re.Match(b) {
			return
		}
	}
	b, _ := os.ReadFile(path)
	ts.Fatalf("waitfile: no line of %s matches %q after a minute:\n%s", args[0], args[1], b)
}
