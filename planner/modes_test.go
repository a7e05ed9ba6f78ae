package planner_test

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// strictEmulator is the reading of the API that the emulator-backed tests
// run against. TestMain runs every test twice, against the lenient
// emulator and then against the strict one (docs/api-notes.md): fgsdeploy
// must be right under every reading, so the same tests must pass under
// both. Benchmarks run once.
var strictEmulator bool

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && once("test.bench", "test.fuzz", "test.list") {
		strictEmulator = true
		fmt.Println("=== the same tests against the strict emulator")
		code = m.Run()
	}
	os.Exit(code)
}

// once reports whether none of the flags is set: benchmarks, fuzzing and
// listing run once.
func once(flags ...string) bool {
	for _, name := range flags {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// logMode names the emulator's reading in a failed test's log.
func logMode(t testing.TB) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("(against the %s emulator)", map[bool]string{false: "lenient", true: "strict"}[strictEmulator])
		}
	})
}
