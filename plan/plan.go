package plan

import (
	"errors"
	"io"
)

// Precondition is the remote state a function was planned against. A saved
// plan is refused for a function whose live state no longer matches.
type Precondition struct {
	Exists            bool
	Digest            string
	LastModified      string
	ConfigFingerprint string // the live config, normalised, without secrets
	// Release hashes the function's versions and aliases (when it manages
	// them), and its triggers when it manages those.
	Release string
	// Production hashes its reserved instances and asynchronous
	// invocation config, when the plan reads them.
	Production string
}

// FunctionPlan is the plan of one function: its steps, each one request
// with the changes it makes, in the order apply runs them, and the
// preconditions it was planned against.
type FunctionPlan struct {
	Name string // the manifest's key
	// FuncName is the FunctionGraph name (the manifest's name:, by
	// default the key): the one in URN.
	FuncName string
	Package  string
	URN      string
	Action   Action
	Steps    []Step
	Pre      Precondition
	// DesiredFingerprint summarises everything the manifest and the code
	// declare (secrets only through a salted slow hash), so a saved plan can
	// be refused when the project changed after planning.
	DesiredFingerprint string
	// Notes tell the user what the plan decided not to do, and why (for
	// display; an unchanged function can have notes).
	Notes []string
}

// Has reports whether the function's plan contains a step of type t.
func (f *FunctionPlan) Has(t StepType) bool {
	for _, s := range f.Steps {
		if s.Type() == t {
			return true
		}
	}
	return false
}

// Plan is the ordered plan of a whole project. Once computed it is only
// read: apply keeps what it learns (the name a publish got) to itself.
type Plan struct {
	Manifest string // the manifest path as the user gave it
	Env      string // the --env overlay, "" for none
	// Local is true for a plan made against the embedded emulator of
	// --local: a saved one is applied there again.
	Local bool
	// Salt keys the fingerprints of secrets for this plan; it is not secret.
	Salt      []byte
	Functions []*FunctionPlan
	// Dependencies are the dependency packages the project builds, by
	// name: applied before the functions (their publish), and after them
	// (their prune).
	Dependencies []*DependencyPlan
	// Failures are the functions that could not be planned, by name:
	// nothing of them is applied, and the others are not held back.
	Failures []*FunctionError
	// Files are the temporary packages the requests upload. They live as
	// long as the plan: whoever computed it calls Close once apply is
	// done (the applier never does). A plan derived from another (a saved
	// plan's check) has none: its origin keeps them.
	Files []io.Closer
}

// FunctionError is a failure that concerns one function only: a refusal
// (a version name taken by other content, the version cap, a runtime
// change) or a read that still failed after its retries.
type FunctionError struct {
	Name     string // the manifest's key
	FuncName string // the FunctionGraph name; "" when not known
	URN      string
	Err      error // its message names the function
}

// Title names the function for people: its key, and its FunctionGraph
// name when that differs, "api (api-dev)".
func Title(name, funcName string) string {
	if funcName == "" || funcName == name {
		return name
	}
	return name + " (" + funcName + ")"
}

// Title is the function's name as views show it (Title).
func (f *FunctionPlan) Title() string { return Title(f.Name, f.FuncName) }

// Title is the function's name as views show it (Title).
func (e *FunctionError) Title() string { return Title(e.Name, e.FuncName) }

func (e *FunctionError) Error() string { return e.Err.Error() }
func (e *FunctionError) Unwrap() error { return e.Err }

// Err returns the plan's failures as one error (one line each), or nil.
func (p *Plan) Err() error {
	if len(p.Failures) == 0 {
		return nil
	}
	errs := make([]error, len(p.Failures))
	for i, f := range p.Failures {
		errs[i] = f
	}
	return errors.Join(errs...)
}

// Summary counts functions by action, and those that could not be planned.
type Summary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Delete    int `json:"delete,omitempty"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed,omitempty"`
}

// Summary counts the plan's functions by action.
func (p *Plan) Summary() Summary {
	s := Summary{Failed: len(p.Failures)}
	for _, f := range p.Functions {
		switch f.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case NoOp:
			s.Unchanged++
		case Delete:
			s.Delete++
		}
	}
	return s
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool {
	for _, d := range p.Dependencies {
		if d.Action != NoOp {
			return true
		}
	}
	for _, f := range p.Functions {
		if f.Action != NoOp {
			return true
		}
	}
	return false
}

// Close removes the temporary packages the plan's requests upload. It is
// safe to call more than once.
func (p *Plan) Close() error {
	var errs []error
	for _, f := range p.Files {
		if err := f.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	p.Files = nil
	return errors.Join(errs...)
}
