package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// hintCommandRe finds a fgsdeploy command in a suggestion: "fgsdeploy",
// then one of its commands. Suggestions are fgsdeploy's own lines
// ("fgsdeploy: hint: ...", "fgsdeploy: request id ... (queued; its log:
// ...)") and a saved plan's "apply it with: ..."; the command line runs to
// the first ";", ")" or " && " after it, or to the end of the line (the
// way hints write them, hints.go).
var hintCommandRe = regexp.MustCompile(`\bfgsdeploy (validate|package|plan|apply|versions|promote|rollback|invoke|logs|init|schema|completion)\b`)

// hintCommands returns every command line text suggests, in order.
func hintCommands(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "fgsdeploy: ") && !strings.Contains(line, "apply it with: ") {
			continue
		}
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
	// What the hinted commands suggest in turn is not recorded: running
	// them is this command's check.
	ts.Setenv(hintsQuietEnv, "1")
	defer ts.Setenv(hintsQuietEnv, "")
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

// hintsEnv names the file where fgsdeploy, run by a script, records what
// it ran ("R" and its command line) and the commands invoke, logs, plan
// and apply suggested ("H" and the command line), in order. A script ends
// with every suggestion run later, as printed: by runhints (which checks
// its exit status), or by the script itself (checkHintsRun).
const hintsEnv = "FGSDEPLOY_TEST_HINTS_FILE"

// hintsQuietEnv, set by runhints, records the runs and not what they
// suggest in turn (running them is runhints' check).
const hintsQuietEnv = "FGSDEPLOY_TEST_HINTS_QUIET"

// hintedCommands are the commands whose suggestions scripts must run.
var hintedCommands = []string{"invoke", "logs", "plan", "apply"}

// teeHints returns stdout and stderr for a run with args, and a function
// that records the run and, when it is one of hintedCommands, what it
// suggested, when a script asked (hintsEnv).
func teeHints(args []string) (io.Writer, io.Writer, func()) {
	file := os.Getenv(hintsEnv)
	if file == "" {
		return os.Stdout, os.Stderr, func() {}
	}
	appendHints(file, "R", []string{quotedArgs(args)})
	cmd := commandOf(newApp(nil, io.Discard, io.Discard), flagsFirst(newApp(nil, io.Discard, io.Discard), args))
	if os.Getenv(hintsQuietEnv) != "" || cmd == nil || !slices.Contains(hintedCommands, cmd.Name) {
		return os.Stdout, os.Stderr, func() {}
	}
	var out, errOut syncBuffer
	record := func() {
		appendHints(file, "H", append(hintCommands(out.String()), hintCommands(errOut.String())...))
	}
	// A terminal stays the stream itself (colours, prompts, progress).
	tee := func(f *os.File, b *syncBuffer) io.Writer {
		if isTerminal(f) {
			return f
		}
		return io.MultiWriter(f, b)
	}
	return tee(os.Stdout, &out), tee(os.Stderr, &errOut), record
}

// quotedArgs is a run's command line as hints print one.
func quotedArgs(args []string) string {
	words := []string{"fgsdeploy"}
	for _, a := range args[1:] {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

func appendHints(file, kind string, lines []string) {
	if len(lines) == 0 {
		return
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	for _, l := range lines {
		fmt.Fprintf(f, "%s %s\n", kind, l)
	}
}

func hasPrefix(words, prefix []string) bool {
	return len(words) >= len(prefix) && slices.Equal(words[:len(prefix)], prefix)
}

// checkHintsRun makes a script fail at its end when a command it ran
// suggested one the script did not run afterwards, word for word.
func checkHintsRun(env *testscript.Env) {
	file := filepath.Join(env.WorkDir, ".fgsdeploy-hints")
	env.Setenv(hintsEnv, file)
	env.Defer(func() {
		b, err := os.ReadFile(file)
		if err != nil {
			return
		}
		if missed := unrunHints(strings.Split(string(b), "\n")); len(missed) > 0 {
			env.T().Fatal("suggested by invoke, logs, plan or apply and not run afterwards as printed (runhints):\n" + strings.Join(missed, "\n"))
		}
	})
}

// unrunHints returns the suggestions ("H" lines) that no later run ("R")
// starts with, word for word (a run may add flags, --format json say).
func unrunHints(events []string) []string {
	var missed []string
	for i, e := range events {
		h, ok := strings.CutPrefix(e, "H ")
		if !ok {
			continue
		}
		want := shellWords(h)
		found := false
		for _, later := range events[i+1:] {
			if r, ok := strings.CutPrefix(later, "R "); ok && hasPrefix(shellWords(r), want) {
				found = true
				break
			}
		}
		if !found {
			missed = append(missed, h)
		}
	}
	return missed
}
