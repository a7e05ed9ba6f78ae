package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestZZScratch(t *testing.T) {
	for i, y := range []string{
		"functions:\n  a: &x {runtime: Python3.10, handler: i.h, code: {path: .}}\n  b: *x\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}}\nenvironments:\n  s: &s {region: cn-south-1}\n  prod: *s\n",
		"functions:\n  check-environment: {runtime: Go1.x, handler: 5, code: {path: .}, description: 42}\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}, func_vpc: {vpc_id: '', subnet_id: ~}}\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}, encrypted_environment: {K: '${API-KEY:-s3cr3tdefault}'}}\n",
		"defaults: {code: {path: .}}\nfunctions:\n  a: {runtime: Python3.10, handler: i.h, code: {obs_url: 'https://b.example.com/x.zip'}}\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}}\nenvironments:\n  prod: {functions: {a: }}\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}, memory_size: '${M}'}\n",
		"functions:\n  a: {runtime: Python3.10, handler: i.h, code: {path: .}, description: '" + string([]byte{0xe4, 0xb8, 0xad}) + "'}\n",
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, "function.yaml")
		os.WriteFile(p, []byte(y), 0o644)
		pr, err := Load(p, Options{Env: map[bool]string{true: "prod"}[i == 1 || i == 6], Lookup: lookup(map[string]string{"M": "hunter2"})})
		if pr != nil {
			t.Logf("%d: ok region=%q %+v", i, pr.Region, pr.Functions[0])
		}
		t.Logf("%d: %v", i, err)
	}
}
