package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// mayImport is what each package of fgsdeploy may import of fgsdeploy
// (docs/architecture.md): imports flow one way, from the CLI down to
// apiclient, and the emulator plays the cloud with nothing of the tool's
// core. The CLI (the root package) and commands under bench/ may import
// anything. A new package gets a line here.
var mayImport = map[string][]string{
	"apiclient":        {},
	"codezip":          {},
	"codebuild":        {"codezip"},
	"fgsspec":          {},
	"manifest":         {"fgsspec"},
	"release":          {"apiclient", "fgsspec"},
	"plan":             {"apiclient"},
	"plan/planfile":    {"plan"},
	"planner":          {"apiclient", "codebuild", "codezip", "fgsspec", "manifest", "plan", "release"},
	"applier":          {"apiclient", "plan", "release"},
	"importer":         {"apiclient", "codezip", "planner"},
	"ghactions":        {"manifest"},
	"emulator":         {"emulator/auth", "emulator/faults", "emulator/fgs", "emulator/httpapi", "emulator/iam", "emulator/lts", "emulator/obs", "emulator/records", "emulator/runtime", "emulator/store", "emulator/timers"},
	"emulator/auth":    {"emulator/httpapi"},
	"emulator/faults":  {"emulator/httpapi"},
	"emulator/fgs":     {"fgsspec", "emulator/auth", "emulator/httpapi", "emulator/obs", "emulator/records", "emulator/runtime", "emulator/store", "emulator/timers"},
	"emulator/httpapi": {},
	"emulator/iam":     {"emulator/httpapi"},
	"emulator/lts":     {"emulator/auth", "emulator/httpapi", "emulator/records", "emulator/store"},
	"emulator/obs":     {"emulator/auth", "emulator/faults", "emulator/store"},
	"emulator/records": {"emulator/store"},
	"emulator/runtime": {"emulator/httpapi", "emulator/store"},
	"emulator/store":   {},
	"emulator/timers":  {"fgsspec"},
	"tools/dist":       {}, // make dist's archiver: a command of the build, not of fgsdeploy
}

// Below the CLI nothing parses flags, reads the process environment or
// ends the process: those are main's.
var mainOnly = []string{"github.com/urfave/cli/v2", "os.Getenv", "os.LookupEnv", "os.Environ", "os.Exit"}

func TestImportsFlowOneWay(t *testing.T) {
	const module = "github.com/fgsdeploy/fgsdeploy/"
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "examples" || d.Name() == "node_modules"):
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || dir == "." || strings.HasPrefix(dir, "bench/") {
			return nil
		}
		allowed, ok := mayImport[dir]
		if !ok {
			t.Errorf("%s: package %s is not in mayImport (layout_test.go): add it with what it may import of fgsdeploy", path, dir)
			return nil
		}
		seen[dir] = true
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if slices.Contains(mainOnly, p) {
				t.Errorf("%s imports %s, which only the CLI may", path, p)
			}
			if ours, ok := strings.CutPrefix(p, module); ok && !slices.Contains(allowed, ours) {
				t.Errorf("%s imports %s: %s may import only %v of fgsdeploy (docs/architecture.md)", path, ours, dir, allowed)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && slices.Contains(mainOnly, x.Name+"."+sel.Sel.Name) {
					t.Errorf("%s: %s calls %s.%s, which only the CLI may", fset.Position(sel.Pos()), dir, x.Name, sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range mayImport {
		if _, err := os.Stat(dir); err == nil && !seen[dir] {
			t.Errorf("mayImport names %s, which has no Go files", dir)
		} else if err != nil {
			t.Errorf("mayImport names %s, which does not exist", dir)
		}
	}
}
