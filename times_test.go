package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// versions shows when each version was published as the instant it was,
// with its zone: in UTC in text and RFC 3339 in JSON, whatever zone
// FunctionGraph writes (issue 24, item 6: it showed China time, eight
// hours ahead, with no zone).
func TestVersionsTimesHaveTheirZone(t *testing.T) {
	// The emulator's clock stands still at a whole second, near enough to
	// the real one for the signatures to be accepted.
	published := time.Now().UTC().Truncate(time.Second)
	for _, strict := range []bool{false, true} {
		srv, err := emulator.New(emulator.Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, Region: testRegion,
			Strict: strict, Now: func() time.Time { return published }})
		if err != nil {
			t.Fatal(err)
		}
		emu := httptest.NewServer(srv)
		defer emu.Close()
		for k, v := range map[string]string{
			"FGSDEPLOY_ENDPOINT": emu.URL, "HUAWEICLOUD_SDK_IAM_ENDPOINT": emu.URL,
			"HUAWEICLOUD_SDK_AK": testAK, "HUAWEICLOUD_SDK_SK": testSK, "HUAWEICLOUD_SDK_REGION": testRegion,
			"HUAWEICLOUD_SDK_PROJECT_ID": testProject, "NO_COLOR": "1", "FGSDEPLOY_LOCAL": "", "GITHUB_ACTIONS": "",
		} {
			t.Setenv(k, v)
		}
		dir := t.TempDir()
		t.Chdir(dir)
		os.MkdirAll(filepath.Join(dir, "src"), 0o755)
		os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "function.yaml"), []byte("functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    publish: {version: v1}\n"), 0o644)
		fgsdeploy := func(args ...string) string {
			var out bytes.Buffer
			if code := run(append([]string{"fgsdeploy"}, args...), strings.NewReader(""), &out, &out); code != 0 {
				t.Fatalf("fgsdeploy %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
			}
			return out.String()
		}
		fgsdeploy("apply", "--auto-approve")
		text := published.Format("2006-01-02 15:04:05 UTC")
		if out := fgsdeploy("versions", "hello"); !strings.Contains(out, "  "+text+"  ") {
			t.Errorf("strict %v: versions shows no %s:\n%s", strict, text, out)
		}
		rfc := published.Format(time.RFC3339)
		if out := fgsdeploy("versions", "hello", "--format", "json"); !strings.Contains(out, `"last_modified": "`+rfc+`"`) {
			t.Errorf("strict %v: versions --format json has no %s:\n%s", strict, rfc, out)
		}
	}
}
