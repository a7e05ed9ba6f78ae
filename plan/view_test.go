package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

func TestTextRenderSensitiveAndMultiline(t *testing.T) {
	p := &Plan{Functions: []*FunctionPlan{{
		Name: "f", Action: Update,
		Steps: []Step{{Request: &UpdateConfig{}, Changes: []Change{
			{Action: Update, Field: "description", Before: "one\ntwo\n", After: "one\nthree\n"},
			{Action: Update, Field: "encrypted_environment", Before: Sensitive, After: Sensitive, Sensitive: true},
		}}},
	}, {Name: "g"}}}
	var b bytes.Buffer
	if err := (View{}).Text(&b, p); err != nil {
		t.Fatal(err)
	}
	want := `~ f (update)
    update config:
      ~ description:
            one
          - two
          + three
      ~ encrypted_environment: (sensitive) -> (sensitive)

Plan: 0 to create, 1 to update, 1 unchanged.
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// Colour only when asked for (the CLI asks only on a terminal without NO_COLOR).
func TestTextColour(t *testing.T) {
	p := &Plan{Functions: []*FunctionPlan{{Name: "f", Action: Create, Steps: []Step{{Request: &CreateFunction{}, Changes: []Change{{Action: Create, Field: "runtime", After: "Python3.10"}}}}}}}
	var plain, colour bytes.Buffer
	(View{}).Text(&plain, p)
	(View{Color: true}).Text(&colour, p)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Fatalf("escape codes without colour:\n%q", plain.String())
	}
	if !strings.Contains(colour.String(), ansiGreen+"+"+ansiReset+" f (create)") {
		t.Fatalf("no colour:\n%q", colour.String())
	}
}

// A step is one request; consecutive steps of one type show as one step,
// in text, Markdown and JSON, as plans showed them before steps were
// requests.
func TestConsecutiveStepsShowAsOne(t *testing.T) {
	alias := func(name string) Step {
		return Step{Request: &WriteAlias{}, Changes: []Change{{Action: Create, Field: "alias." + name, After: "v1"}}}
	}
	prune := func(v string) Step {
		return Step{Request: &DeleteVersion{Version: v}, Changes: []Change{{Action: Delete, Field: "version." + v, Before: v}}}
	}
	p := &Plan{Functions: []*FunctionPlan{{Name: "f", Action: Update,
		Steps: []Step{prune("v0"), {Request: &PublishVersion{Body: &apiclient.PublishRequest{}}}, alias("a"), alias("b"), prune("v1"), prune("v2")}}}}
	if got := fmt.Sprint(Types(p.Functions[0].Steps)); got != "[prune publish aliases prune]" {
		t.Fatalf("Types = %s", got)
	}
	var b bytes.Buffer
	(View{}).Text(&b, p)
	want := `~ f (update)
    prune versions:
      - version.v0: "v0"
    publish version:
    update aliases:
      + alias.a: "v1"
      + alias.b: "v1"
    prune versions:
      - version.v1: "v1"
      - version.v2: "v2"

Plan: 0 to create, 1 to update, 0 unchanged.
`
	if b.String() != want {
		t.Fatalf("text\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	(View{}).Markdown(&b, p)
	if !strings.Contains(b.String(), "(update: prune versions, publish version, update aliases, prune versions)") {
		t.Fatalf("markdown:\n%s", b.String())
	}
	var j JSONPlan
	b.Reset()
	(View{}).JSON(&b, p)
	if err := json.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	var shape []string
	for _, s := range j.Functions[0].Steps {
		shape = append(shape, fmt.Sprintf("%s:%d", s.Type, len(s.Changes)))
	}
	if got := strings.Join(shape, ","); got != "prune:1,publish:0,aliases:2,prune:2" {
		t.Fatalf("JSON steps %s", got)
	}
}

// A replaced trigger shows as "-/+ FIELD (REASON)" in text, with its
// reason in Markdown, and as action "replace" with before, after and
// reason in JSON; the create that completes it shows nothing of its own.
func TestReplaceRender(t *testing.T) {
	before := map[string]any{"status": "ACTIVE", "event_data": map[string]any{"schedule": "0 0 2 * * ?"}}
	after := map[string]any{"status": "ACTIVE", "event_data": map[string]any{"schedule": "0 0 3 * * ?"}}
	p := &Plan{Functions: []*FunctionPlan{{Name: "f", Action: Update, Steps: []Step{
		{Request: &DeleteTrigger{Target: "!live", TypeCode: "TIMER", ID: "t1"}, Changes: []Change{{Action: Replace, Field: "trigger TIMER nightly on live", Before: before, After: after, Reason: "schedule changes"}}},
		{Request: &UpdateTrigger{Target: "!live", TypeCode: "TIMER", ID: "t2"}, Changes: []Change{{Action: Update, Field: "trigger TIMER hourly on live", Before: map[string]any{"status": "ACTIVE"}, After: map[string]any{"status": "DISABLED"}}}},
		{Request: &CreateTrigger{Target: "!live"}},
	}}}}
	var b bytes.Buffer
	(View{}).Text(&b, p)
	want := `~ f (update)
    update triggers:
      -/+ trigger TIMER nightly on live (schedule changes)
      ~ trigger TIMER hourly on live: {"status":"ACTIVE"} -> {"status":"DISABLED"}

Plan: 0 to create, 1 to update, 0 unchanged.
`
	if b.String() != want {
		t.Fatalf("text\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	(View{}).Markdown(&b, p)
	if !strings.Contains(b.String(), "| triggers | `trigger TIMER nightly on live` (schedule changes) | `{\"event_data\":{\"schedule\":\"0 0 2 * * ?\"},\"status\":\"ACTIVE\"}` |") {
		t.Fatalf("markdown:\n%s", b.String())
	}
	b.Reset()
	(View{}).JSON(&b, p)
	var j JSONPlan
	if err := json.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if c := j.Functions[0].Steps[0].Changes[0]; len(j.Functions[0].Steps) != 1 || c.Action != "replace" || c.Reason != "schedule changes" || c.Before == nil || c.After == nil {
		t.Fatalf("JSON %+v", j.Functions[0].Steps)
	}
}

// A plan with nothing to change but a function that could not be planned
// does not say "No changes.": that function may well need some.
func TestSummaryWithFailuresIsNotNoChanges(t *testing.T) {
	p := &Plan{Functions: []*FunctionPlan{{Name: "a"}},
		Failures: []*FunctionError{{Name: "b", Err: fmt.Errorf("b: read b: throttled")}}}
	var text, md bytes.Buffer
	if err := (View{}).Text(&text, p); err != nil {
		t.Fatal(err)
	}
	if err := (View{}).Markdown(&md, p); err != nil {
		t.Fatal(err)
	}
	want := "Nothing to change in what could be planned: 1 function up to date, 1 could not be planned."
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if strings.Contains(out, "No changes") || !strings.Contains(out, want) {
			t.Errorf("%s view:\n%s\nwant %q and no \"No changes\"", name, out, want)
		}
	}
	ok := &Plan{Functions: []*FunctionPlan{{Name: "a"}}}
	text.Reset()
	if err := (View{}).Text(&text, ok); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "No changes. 1 function up to date.") {
		t.Errorf("text view of a plan without failures:\n%s", text.String())
	}
}
