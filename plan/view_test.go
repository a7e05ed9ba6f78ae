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
