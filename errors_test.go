package main

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/go-multierror"
)

func TestErrorList(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	me := &multierror.Error{Errors: []error{a, b}}
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, nil},
		{"one", a, []string{"a"}},
		{"multierror", me, []string{"a", "b"}},
		{"joined", errors.Join(a, b), []string{"a", "b"}},
		{"manifest errors", manifestErrors{a, b}, []string{"a", "b"}},
		// A hint, an exit status or the summary mark add nothing to the
		// message: looked through.
		{"hinted", withHint(&summarized{me}, "h"), []string{"a", "b"}},
		{"exit status", &exitError{code: 1, err: errors.Join(a, b)}, []string{"a", "b"}},
		// Context is part of the message: kept whole.
		{"with context", fmt.Errorf("plan: %w", me), []string{"plan: " + me.Error()}},
		{"empty multierror", &multierror.Error{}, []string{(&multierror.Error{}).Error()}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range errorList(tt.err) {
			got = append(got, e.Error())
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: errorList = %q, want %q", tt.name, got, tt.want)
		}
	}
}
