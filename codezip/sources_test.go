package codezip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sources lists what a build's copy holds: what .fgsignore leaves out
// and the .fgsignore files too (they filter the build's result), never
// what is never packaged; symlinks as their targets, the executable bit.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	tr := tree{
		"index.py":                   "code",
		"run.sh*":                    "#!/bin/sh",
		"requirements.txt":           "greet==1.0",
		".fgsignore":                 "requirements.txt\nwheels/\n",
		"wheels/greet.whl":           "wheel",
		"sub/.fgsignore":             "*.tmp\n",
		"sub/a.tmp":                  "tmp",
		".git/HEAD":                  "ref",
		".fgsdeploy/build/x/y":       "a build",
		".DS_Store":                  "x",
		"plan.json":                  savedPlan,
		"nested/out/x.zip":           "zip",
		"nested/out/" + OutputMarker: "marker",
		"function.yaml":              "functions: {}",
	}
	tr.write(t, dir, tr.names(), nil)
	if err := os.Symlink("index.py", filepath.Join(dir, "link.py")); err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(dir, Options{Root: dir, Exclude: []string{filepath.Join(dir, "function.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range srcs {
		line := s.Name
		if s.Exec {
			line += "*"
		}
		if s.Name == "link.py" && s.Path != filepath.Join(dir, "index.py") {
			t.Errorf("link.py read from %s, not its target", s.Path)
		}
		got = append(got, line)
	}
	want := ".fgsignore index.py link.py requirements.txt run.sh* sub/.fgsignore sub/a.tmp wheels/greet.whl"
	if strings.Join(got, " ") != want {
		t.Fatalf("sources\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	// A symlink out of the project is an error, as when packaging.
	os.Symlink(t.TempDir(), filepath.Join(dir, "out"))
	if _, err := Sources(dir, Options{Root: dir}); err == nil || !strings.Contains(err.Error(), "points outside the project") {
		t.Fatalf("a symlink out of the project: %v", err)
	}
}
