package main

import (
	"errors"

	"github.com/hashicorp/go-multierror"
)

// summarized marks an error whose failures the step summary names already
// (the apply report), so that SummarizeFailure is not called for it again.
type summarized struct{ err error }

func (s *summarized) Error() string { return s.err.Error() }
func (s *summarized) Unwrap() error { return s.err }

// errorList returns the errors err holds, each to be reported once: the
// members of a *multierror.Error, of errors.Join or of any error with
// Unwrap() []error. Wrappers that add nothing to the message (a hint, an
// exit status) are looked through; one that adds context keeps err whole.
func errorList(err error) []error {
	for e := err; e != nil; {
		if me, ok := e.(*multierror.Error); ok {
			return nonNil(me.Errors, err)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return nonNil(j.Unwrap(), err)
		}
		u := errors.Unwrap(e)
		if u == nil || u.Error() != e.Error() {
			break
		}
		e = u
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func nonNil(errs []error, whole error) []error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return []error{whole}
	}
	return out
}
