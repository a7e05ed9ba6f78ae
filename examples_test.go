package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// headerCommand is a command line in an example manifest's header comment:
// "#   [VAR=... ...] fgsdeploy ARGS  # comment".
var headerCommand = regexp.MustCompile(`^#\s+(?:[A-Z_]+=\S+\s+)*fgsdeploy\s+(.*?)\s*(?:#.*)?$`)

// Every command in each example's header runs, in order, in
// testdata/script/examples_headers.txt: after "cd $WORK/examples/NAME",
// each header command is an "exec fgsdeploy" line there, in the same order
// (other commands may come between them).
func TestExampleHeaders(t *testing.T) {
	script, err := os.ReadFile("testdata/script/examples_headers.txt")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string][]string{} // example -> its exec fgsdeploy lines
	cur := ""
	for _, line := range strings.Split(string(script), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "-- ") {
			break
		}
		if dir, ok := strings.CutPrefix(line, "cd $WORK/examples/"); ok {
			cur = dir
		}
		if args, ok := strings.CutPrefix(line, "exec fgsdeploy "); ok && cur != "" {
			sections[cur] = append(sections[cur], strings.Join(strings.Fields(args), " "))
		}
	}
	manifests, err := filepath.Glob("examples/*/function.yaml")
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, m := range manifests {
		name := filepath.Base(filepath.Dir(m))
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		var header []string
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "#") {
				break
			}
			if c := headerCommand.FindStringSubmatch(line); c != nil {
				header = append(header, strings.Join(strings.Fields(c[1]), " "))
			}
		}
		if len(header) == 0 {
			t.Errorf("%s: no fgsdeploy command in its header", m)
			continue
		}
		run := sections[name]
		i := 0
		for _, c := range run {
			if i < len(header) && c == header[i] {
				i++
			}
		}
		if i < len(header) {
			t.Errorf("%s: header command %q does not run, in order, in examples_headers.txt (section cd $WORK/examples/%s runs %q)", m, header[i], name, run)
		}
	}
}
