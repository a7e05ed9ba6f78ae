package main

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// validate applies the plan's package size rule to a code directory: one
// whose files are near the limit is built to learn its size. Incompressible
// files over the limit are refused at code.path (unless code.obs); as many
// bytes that compress well are not (issue 24, item 1).
func TestValidatePackageSize(t *testing.T) {
	over := codezip.MaxDirectUpload + 1<<20
	random := make([]byte, over)
	r := rand.NewChaCha8([32]byte{24})
	r.Read(random)
	for _, c := range []struct {
		name, obs string
		data      []byte
		want      string
	}{
		{"incompressible", "", random, "functions.big.code.path: package too large for a direct upload"},
		{"through OBS", "      obs: {bucket: deploys}\n", random, ""},
		{"compressible", "", make([]byte, over), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			y := "functions:\n  big:\n    runtime: Python3.10\n    handler: index.handler\n    code:\n      path: ./src\n" + c.obs
			write := func(name string, data []byte) {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("function.yaml", []byte(y))
			write("src/index.py", []byte("def handler(e, c):\n    return 1\n"))
			write("src/blob.bin", c.data)
			_, _, err := manifest.Validate(filepath.Join(dir, "function.yaml"), manifest.Options{},
				func(p *manifest.Project) manifest.Lister {
					return packageFiles(context.Background(), io.Discard, p, nil, nil)
				})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) || (got != "" && !strings.Contains(got, "function.yaml:6:13: ")) {
				t.Fatalf("validate: %v, want %q at 6:13", err, c.want)
			}
		})
	}
}
