package ghactions

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

func TestRelPath(t *testing.T) {
	ws := t.TempDir()
	for in, want := range map[string]string{
		filepath.Join(ws, "services", "api", "function.yaml"): "services/api/function.yaml",
		filepath.Join(ws, "function.yaml"):                    "function.yaml",
		filepath.Join(filepath.Dir(ws), "elsewhere.yaml"):     "../elsewhere.yaml",
	} {
		if got := RelPath(ws, in); got != want {
			t.Errorf("RelPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnnotateEscapes(t *testing.T) {
	var b strings.Builder
	s := &Step{Workspace: "/w"}
	s.Annotate(&b, []error{
		&manifest.Error{File: "/w/a,b:c.yaml", Line: 3, Col: 4, Path: "functions.x", Msg: "100% wrong\nsecond line"},
		&manifest.Error{File: "/w/f.yaml", Msg: "invalid YAML"},
		errors.New("read hello: 50% done\r\n"),
	})
	want := "::error file=a%2Cb%3Ac.yaml,line=3,col=4::functions.x: 100%25 wrong%0Asecond line\n" +
		"::error file=f.yaml::invalid YAML\n" +
		"::error title=fgsdeploy::read hello: 50%25 done%0D%0A\n"
	if got := b.String(); got != want {
		t.Errorf("annotations:\n%s\nwant:\n%s", got, want)
	}
}
