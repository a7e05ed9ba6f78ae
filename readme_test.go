package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeCommand is a command line of the README's set-up and Quickstart
// blocks: "go run . ARGS" or "go run ../.. ARGS", before a "#" comment
// and a "; echo $?".
var readmeCommand = regexp.MustCompile(`^go run (?:\.|\.\./\.\.) (.*?)\s*(?:;\s*echo \$\?)?\s*(?:#.*)?$`)

// The README's set-up and Quickstart commands run, in order, in
// testdata/script/readme.txt, which checks the outputs their comments
// promise: a newcomer runs them verbatim on a fresh clone (issue 24).
func TestReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/script/readme.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, section := range []string{"## Set up in two commands", "## Quickstart"} {
		_, rest, ok := strings.Cut(string(readme), section)
		if !ok {
			t.Fatalf("README has no %q", section)
		}
		_, block, _ := strings.Cut(rest, "```sh\n")
		block, _, _ = strings.Cut(block, "```")
		for _, line := range strings.Split(block, "\n") {
			if m := readmeCommand.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				// --detailed-exitcode stands for "; echo $?" in a script.
				want = append(want, strings.Join(strings.Fields(m[1]), " "))
			}
		}
	}
	if len(want) < 5 {
		t.Fatalf("only %d commands in the README's blocks: %q", len(want), want)
	}
	var run []string
	for _, line := range strings.Split(string(script), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "! ")
		if args, ok := strings.CutPrefix(line, "exec fgsdeploy "); ok {
			run = append(run, strings.Join(strings.Fields(args), " "))
		}
	}
	i := 0
	for _, c := range run {
		if i < len(want) && (c == want[i] || c == want[i]+" --detailed-exitcode") {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("README command %q does not run, in order, in testdata/script/readme.txt (it runs %q)", want[i], run)
	}
}

// The CI examples install fgsdeploy the way that works, from a clone
// (make install), not with go install ...@latest: the module is not
// published (issue 24, item 10).
func TestCIExamplesInstallFromAClone(t *testing.T) {
	for _, name := range []string{"examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, "@latest") || !regexp.MustCompile(`git clone --depth 1 --branch "\$FGSDEPLOY_REF" "\$FGSDEPLOY_REPO" (\S+)\s+(?:- )?make -C (\S+) install`).MatchString(s) {
			t.Errorf("%s does not install fgsdeploy from a clone with make install", name)
		}
	}
}
