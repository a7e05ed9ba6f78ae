package ghactions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Output is one output of a step: a name and a value, any text.
type Output struct {
	Name, Value string
}

// outputName is what GitHub takes as an output's name: a letter or _
// first, then letters, digits, - and _.
var outputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// SetOutputs appends outputs to the step's output file (GITHUB_OUTPUT),
// if there is one (a nil Step has none), in the multi-line format:
// NAME<<DELIMITER, the value, DELIMITER, with a random delimiter that the
// value does not hold, so that any value (several lines, or text that
// looks like another output) reads back as it was. random is the source
// of the delimiters (nil: crypto/rand).
func (s *Step) SetOutputs(outputs []Output, random io.Reader) error {
	if s == nil || s.OutputFile == "" || len(outputs) == 0 {
		return nil
	}
	if random == nil {
		random = rand.Reader
	}
	var b strings.Builder
	for _, o := range outputs {
		if !outputName.MatchString(o.Name) {
			return fmt.Errorf("write step outputs: %q is not an output name", o.Name)
		}
		delim, err := delimiter(random, o.Value)
		if err != nil {
			return fmt.Errorf("write step outputs: %w", err)
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	f, err := os.OpenFile(s.OutputFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write step outputs: %w", err)
	}
	if _, err := io.WriteString(f, b.String()); err != nil {
		f.Close()
		return fmt.Errorf("write step outputs: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write step outputs: %w", err)
	}
	return nil
}

// delimiter is a random delimiter, as the runner's toolkit makes them
// (ghadelimiter_ and random hex), that value does not hold.
func delimiter(random io.Reader, value string) (string, error) {
	for range 10 {
		buf := make([]byte, 16)
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", err
		}
		d := "ghadelimiter_" + hex.EncodeToString(buf)
		if !strings.Contains(value, d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("no delimiter that the value does not hold")
}
