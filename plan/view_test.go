package plan

import (
	"bytes"
	"strings"
	"testing"
)

func TestTextRenderSensitiveAndMultiline(t *testing.T) {
	p := &Plan{Functions: []*FunctionPlan{{
		Name: "f", Action: Update,
		Steps: []Step{{Type: StepConfig, Changes: []Change{
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
	p := &Plan{Functions: []*FunctionPlan{{Name: "f", Action: Create, Steps: []Step{{Type: StepCreate, Changes: []Change{{Action: Create, Field: "runtime", After: "Python3.10"}}}}}}}
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
