package main

import (
	"reflect"
	"testing"
)

func TestWantsJSON(t *testing.T) {
	app := newApp(nil, nil, nil)
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"fgsdeploy", "plan", "--format", "json"}, true},
		{[]string{"fgsdeploy", "plan", "--format=json"}, true},
		{[]string{"fgsdeploy", "-C", "dir", "versions", "-format", "json", "hello"}, true},
		{[]string{"fgsdeploy", "plan", "--format", "json", "--format", "text"}, false}, // the last one wins
		{[]string{"fgsdeploy", "plan", "--format", "text"}, false},
		{[]string{"fgsdeploy", "plan"}, false},
		{[]string{"fgsdeploy", "plan", "--", "--format", "json"}, false},
		{[]string{"fgsdeploy", "validate", "--format", "json"}, true},
		{[]string{"fgsdeploy", "schema", "--format", "json"}, false}, // schema has no --format
		{[]string{"fgsdeploy", "--format", "json"}, false},
	}
	for _, tt := range tests {
		if got := wantsJSON(commandOf(app, tt.args), tt.args); got != tt.want {
			t.Errorf("wantsJSON(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestLongFlags(t *testing.T) {
	for in, want := range map[string]string{
		`invalid value "x" for flag -parallelism: parse error`:   `invalid value "x" for flag --parallelism: parse error`,
		`flag provided but not defined: -nope`:                   `flag provided but not defined: --nope`,
		`flag needs an argument: -C`:                             `flag needs an argument: -C`,
		`flag needs an argument: -format`:                        `flag needs an argument: --format`,
		`invalid boolean value "2" for -no-color: parse error`:   `invalid boolean value "2" for --no-color: parse error`,
		`invalid value "-5x" for flag -parallelism: parse error`: `invalid value "-5x" for flag --parallelism: parse error`,
	} {
		if got := longFlags(in); got != want {
			t.Errorf("longFlags(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFlagsFirst(t *testing.T) {
	app := newApp(nil, nil, nil)
	for _, tt := range []struct{ in, want []string }{
		{[]string{"fgsdeploy", "versions", "hello", "--format", "json"}, []string{"fgsdeploy", "versions", "--format", "json", "hello"}},
		{[]string{"fgsdeploy", "-C", "d", "apply", "plan.json", "--auto-approve"}, []string{"fgsdeploy", "-C", "d", "apply", "--auto-approve", "plan.json"}},
		{[]string{"fgsdeploy", "rollback", "hello", "--to=v2"}, []string{"fgsdeploy", "rollback", "--to=v2", "hello"}},
		{[]string{"fgsdeploy", "plan", "--", "-x"}, []string{"fgsdeploy", "plan", "--", "-x"}},
	} {
		if got := flagsFirst(app, tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("flagsFirst(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
