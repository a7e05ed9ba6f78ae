package plan

import "fmt"

// StepType is one kind of step: one kind of API operation.
type StepType int

// The step types, in the order the planner emits a function's steps
// (apply runs them in the plan's order). StepNone is the harmless zero
// value. A new kind of step gets a constant here, at its place in that
// order, a line in stepTypes and a Request type of its own.
const (
	StepNone StepType = iota
	StepUpload
	StepCreate
	StepCode
	StepConfig
	StepMaxInstances
	StepAsync
	StepPublish
	StepAliases
	StepTriggers
	StepReserved
	StepPrune
	StepTags
	StepDependency
	StepDependencyPrune
	StepDelete
)

// stepTypes names each step type as JSON plans and reports do, and titles
// it as text plans do.
var stepTypes = [...]struct{ name, title string }{
	StepNone:            {"none", ""},
	StepUpload:          {"upload", "upload code to OBS"},
	StepCreate:          {"create", "create function"},
	StepCode:            {"code", "update code"},
	StepConfig:          {"config", "update config"},
	StepMaxInstances:    {"max_instances", "update max instances"},
	StepAsync:           {"async_invoke", "update async invocation"},
	StepPublish:         {"publish", "publish version"},
	StepAliases:         {"aliases", "update aliases"},
	StepTriggers:        {"triggers", "update triggers"},
	StepReserved:        {"reserved_instances", "update reserved instances"},
	StepPrune:           {"prune", "prune versions"},
	StepTags:            {"tags", "update tags"},
	StepDependency:      {"dependency", "publish dependency version"},
	StepDependencyPrune: {"dependency_prune", "prune dependency versions"},
	StepDelete:          {"delete", "delete function"},
}

// String returns the step type's name as used in JSON plans and reports.
func (t StepType) String() string { return t.info().name }

// Title is the step type as a text plan heads its changes.
func (t StepType) Title() string { return t.info().title }

func (t StepType) info() struct{ name, title string } {
	if t < 0 || int(t) >= len(stepTypes) {
		panic(fmt.Sprintf("plan: impossible step type %d", int(t)))
	}
	return stepTypes[t]
}

// Request is what one step sends: exactly one API operation, its body
// decided when the plan is made. Each kind is a type of this package
// (CreateFunction, UpdateCode, ..., DeleteVersion) that the applier
// executes; Type says which step type sends it.
type Request interface {
	Type() StepType
}

// Step is one API operation of a function's plan: the request it sends and
// the changes it makes, for display.
type Step struct {
	Request Request
	Changes []Change
}

// Type is the step's type, its request's.
func (s Step) Type() StepType { return s.Request.Type() }

// Types returns the types of steps in order, consecutive steps of one type
// once: the steps as plans and reports show them (a plan moving two
// aliases shows one "aliases" step with two changes).
func Types(steps []Step) []StepType {
	var out []StepType
	for i, s := range steps {
		if i == 0 || steps[i-1].Type() != s.Type() {
			out = append(out, s.Type())
		}
	}
	return out
}
