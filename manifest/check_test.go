package manifest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// Check reports a handler's missing file at the handler, wherever it is
// written (here under defaults), and a lister's error at code.path.
func TestCheck(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
functions:
  aa:
    code: {path: ./src}
  bb:
    code: {path: ./src}
    handler: pkg.mod.main
  cc:
    code: {path: ./src}
    runtime: Java17
    handler: a.B::c
  dd:
    code: {obs_url: "https://b.obs.cn-north-4.myhuaweicloud.com/x.zip"}
  ee:
    code: {path: ./src}
`
	pr, errs, _ := load(t, y, manifest.Options{})
	if errs != nil {
		t.Fatal(list(errs))
	}
	files := map[string][]string{"aa": {"main.py"}, "bb": {"pkg/mod.py"}, "cc": {"x.class"}}
	warnings, err := pr.Check(func(f *manifest.Function) ([]string, map[string]string, error) {
		if f.Name == "ee" {
			return nil, nil, errors.New("symlink x points outside the project")
		}
		return files[f.Name], map[string]string{}, nil
	})
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, e := range me.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		"function.yaml:3:12: functions.aa.handler: index.handler needs index.py in the package, which has no such file",
		"function.yaml:17:18: functions.ee.code.path: symlink x points outside the project",
	}
	if len(got) != 2 || !strings.HasSuffix(got[0], "/"+want[0]) || !strings.HasSuffix(got[1], "/"+want[1]) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warnings) != 1 || fmt.Sprintf("%d:%d %s", warnings[0].Line, warnings[0].Col, warnings[0].Path) != "13:14 functions.cc.handler" {
		t.Fatalf("warnings %v", warnings)
	}
}
