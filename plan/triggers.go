package plan

import (
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// The requests of the triggers step: create, update and delete one
// trigger each. A trigger is bound to Target, the qualifier of the
// function's URN as FunctionGraph writes it: "latest", a version name, or
// "!" and an alias name. Create bodies hold secret values (passwords of
// event_data) and are never serialised.

// CreateTrigger creates one trigger (POST /triggers/{urn}:{Target}) with
// Body. Identity names the event_data fields that make it this trigger:
// after a failure that may have taken effect, the applier looks for a
// trigger of Body's type with the same values there instead of creating
// a second. Body.Status is the status it must end with (FunctionGraph may
// create some types DISABLED whatever the body says).
type CreateTrigger struct {
	Target   string
	Body     *apiclient.CreateTriggerRequest
	Identity []string
}

// Type implements Request.
func (*CreateTrigger) Type() StepType { return StepTriggers }

// UpdateTrigger updates one trigger in place (PUT
// /triggers/{urn}:{Target}/{TypeCode}/{ID}): its status and the event_data
// fields UpdateTrigger takes. The applier checks that the answer has them.
type UpdateTrigger struct {
	Target   string
	TypeCode string
	ID       string
	Body     *apiclient.UpdateTriggerRequest
}

// Type implements Request.
func (*UpdateTrigger) Type() StepType { return StepTriggers }

// DeleteTrigger deletes one trigger (DELETE
// /triggers/{urn}:{Target}/{TypeCode}/{ID}); never all triggers at once.
type DeleteTrigger struct {
	Target   string
	TypeCode string
	ID       string
}

// Type implements Request.
func (*DeleteTrigger) Type() StepType { return StepTriggers }

// DescribeTarget names a trigger target in messages: "latest",
// "version v1", "alias live".
func DescribeTarget(t string) string {
	switch {
	case t == "latest":
		return t
	case strings.HasPrefix(t, "!"):
		return "alias " + t[1:]
	}
	return "version " + t
}

// QualifierName is a target as the manifest writes its qualifier: the
// alias without its "!".
func QualifierName(t string) string { return strings.TrimPrefix(t, "!") }
