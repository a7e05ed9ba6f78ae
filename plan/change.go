package plan

import "fmt"

// Action is what a plan does to a function or a field. Its values are the
// symbols users see in a text plan.
type Action rune

// The actions. NoOp is the zero value: a function that is already as declared.
// Replace is for changes only: what cannot change in place is deleted
// and created again (a trigger), shown "-/+".
const (
	NoOp    Action = 0
	Create  Action = '+'
	Update  Action = '~'
	Delete  Action = '-'
	Replace Action = '±'
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
	case Replace:
		return "replace"
	}
	panic(fmt.Sprintf("plan: impossible action %d", rune(a)))
}

// Symbol returns the one-character mark of the action in text plans.
func (a Action) Symbol() string {
	switch a {
	case NoOp:
		return " "
	case Replace:
		return "-/+"
	}
	return string(rune(a))
}

// Change is one field's difference, for display only; what apply sends is
// the Request of the step it belongs to.
//
//	Action  Before            After
//	Create  nil               the declared value
//	Update  the live value    the declared value
//	Delete  the live value    nil
//	Replace the live value    the declared value
//
// Secret values are never held: a Sensitive change has the string
// "(sensitive)" as Before and After instead. Reason says what makes the
// change what it is (what makes a Replace: "schedule changes"), "" when
// the values say it all.
type Change struct {
	Action    Action
	Field     string
	Before    any
	After     any
	Sensitive bool
	Reason    string
}

// Sensitive is what a secret value prints as, everywhere.
const Sensitive = "(sensitive)"
