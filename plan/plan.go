package plan

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Action is what a plan does to one function. Its values are the symbols
// users see in a text plan.
type Action rune

// The actions. NoOp is the zero value: a function that is already as declared.
const (
	NoOp   Action = 0
	Create Action = '+'
	Update Action = '~'
	Delete Action = '-'
)

// String returns the action's name as used in JSON plans.
func (a Action) String() string {
	switch a {
	case NoOp:
		return "noop"
	case Create:
		return "create"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	panic(fmt.Sprintf("plan: impossible action %d", rune(a)))
}

// Symbol returns the one-character mark of the action in text plans.
func (a Action) Symbol() string {
	if a == NoOp {
		return " "
	}
	return string(rune(a))
}

// StepType is one kind of step. Steps of a function run in the order of
// their types: create, code, config, max instances, publish, aliases, prune.
type StepType int

// The step types, in execution order. StepNone is the harmless zero value.
const (
	StepNone StepType = iota
	StepCreate
	StepCode
	StepConfig
	StepMaxInstances
	StepPublish
	StepAliases
	StepPrune
)

var stepNames = [...]string{"none", "create", "code", "config", "max_instances", "publish", "aliases", "prune"}

// String returns the step's name as used in JSON plans.
func (s StepType) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		panic(fmt.Sprintf("plan: impossible step type %d", int(s)))
	}
	return stepNames[s]
}

// Change is one field's difference, for display only; what apply sends is
// kept in the FunctionPlan's request bodies.
//
//	Action  Before            After
//	Create  nil               the declared value
//	Update  the live value    the declared value
//	Delete  the live value    nil
//
// Sensitive values are never held: Before and After are the string
// "(sensitive)" instead.
type Change struct {
	Action    Action
	Field     string
	Before    any
	After     any
	Sensitive bool
}

// Sensitive is what a secret value prints as, everywhere.
const Sensitive = "(sensitive)"

// Step is one API operation (or a group of them) of a function's plan.
type Step struct {
	Type    StepType
	Changes []Change
}

// Precondition is the remote state a function was planned against. A saved
// plan is refused for a function whose live state no longer matches.
type Precondition struct {
	Exists            bool
	Digest            string
	LastModified      string
	ConfigFingerprint string // the live config, normalised, without secrets
	// Release hashes the function's versions and aliases (when it manages them).
	Release string
}

// CodeFile is a code package a request uploads: the file, its SHA-512 and
// its size. A temporary file belongs to the Plan, which removes it on
// Close.
type CodeFile struct {
	Path   string
	Digest string
	Size   int64
}

// FunctionPlan is the plan of one function: display steps, the
// preconditions and, for apply, the request bodies to send.
type FunctionPlan struct {
	Name    string
	Package string
	URN     string
	Action  Action
	Steps   []Step
	Pre     Precondition
	// DesiredFingerprint summarises everything the manifest and the code
	// declare (secrets only through a salted slow hash), so a saved plan can
	// be refused when the project changed after planning.
	DesiredFingerprint string

	// What apply sends. Nil means no such request. These hold secret values
	// (encrypted_user_data) and are never serialised.
	CreateReq    *apiclient.CreateRequest
	CodeReq      *apiclient.UpdateCodeRequest
	ConfigReq    *apiclient.UpdateConfigRequest
	MaxInstances *int
	// Digest is the SHA-512 of the package apply uploads ("" for obs code).
	Digest string
	// CodeFile is the function's built package (nil for obs code).
	CodeFile *CodeFile
	// PublishReq publishes a version after code and config are in place.
	PublishReq *apiclient.PublishRequest
	// Published is the version $published means: the name PublishReq asks
	// for, PendingVersion (FunctionGraph names it; apply resolves it), an
	// existing version of this release (publish.version, with latest's
	// content), or "" when nothing is published and $published aliases stay.
	Published string
	// AliasOps create or move aliases, after the publish.
	AliasOps []AliasOp
	// MakeRoom lists the versions to delete before the publish, to stay
	// under the version cap; Prune those to delete after the aliases
	// moved. Both oldest first.
	MakeRoom []string
	Prune    []string
	// Notes tell the user what the plan decided not to do, and why (for
	// display; an unchanged function can have notes).
	Notes []string
}

// Has reports whether the function's plan contains a step of type t.
func (f *FunctionPlan) Has(t StepType) bool {
	for _, s := range f.Steps {
		if s.Type == t {
			return true
		}
	}
	return false
}

// AliasOp is one alias to create or update.
type AliasOp struct {
	Create bool
	Alias  apiclient.Alias
}

// PendingVersion stands for the name FunctionGraph gives an unnamed
// publish; apply replaces it with the published version's name.
const PendingVersion = "(to be published)"

// Plan is the ordered plan of a whole project. Once computed it is only
// read: apply keeps what it learns (the name a publish got) to itself.
type Plan struct {
	Manifest string // the manifest path as the user gave it
	Env      string // the --env overlay, "" for none
	// Salt keys the fingerprints of secrets for this plan; it is not secret.
	Salt      []byte
	Functions []*FunctionPlan
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
	Name string
	URN  string
	Err  error // its message names the function
}

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
		}
	}
	return s
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool {
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

// SortFunctions orders a plan's functions by name, the order plans and
// reports list them in.
func SortFunctions(fs []*FunctionPlan) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
}
