package manifest_test

import (
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// The rules across functions (an API route declared twice, overlapping
// OBS notifications) are reported with every other problem, in one run:
// a function with a problem of its own still takes part in them (issue
// 24, item 2).
func TestProjectRulesComeWithTheOtherErrors(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
functions:
  aa:
    memory_size: 100
    triggers:
      - type: OBS
        event_data: {bucket: bkt1, events: ["s3:ObjectCreated:*"], prefix: a/}
      - type: APIG
        event_data: {group_id: g1, env_id: e1, env_name: RELEASE, name: api_a, path: /x, req_method: GET, match_mode: SWA, type: 1}
  bb:
    timeout: 0
    triggers:
      - type: OBS
        event_data: {bucket: bkt1, events: ["s3:ObjectCreated:*"], prefix: a/b/}
      - type: APIG
        event_data: {group_id: g1, env_id: e1, env_name: RELEASE, name: api_b, path: /x, req_method: GET, match_mode: SWA, type: 1}
`
	_, errs, _ := load(t, y, manifest.Options{})
	var got []string
	for _, e := range errs {
		got = append(got, e.Path)
	}
	want := []string{
		"functions.aa.memory_size",
		"functions.bb.timeout",
		"functions.bb.triggers[0]",
		"functions.bb.triggers[1]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors at\n\t%s\nwant\n\t%s%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"), list(errs))
	}
}
