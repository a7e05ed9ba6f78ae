package plan

import "github.com/fgsdeploy/fgsdeploy/apiclient"

// The requests of production settings: a qualifier's reserved instances,
// and the function's asynchronous invocation config. Neither is part of a
// version, so neither publishes one.

// SetReservedInstances sets the reservation of one qualifier (PUT
// .../{urn}:{Target}/reservedinstances): Target is "latest", a version
// name, or "!" and an alias name, as a trigger's. Count 0 with nothing
// else removes the reservation.
type SetReservedInstances struct {
	Target string
	Body   *apiclient.ReservedInstancesRequest
}

// Type implements Request.
func (*SetReservedInstances) Type() StepType { return StepReserved }

// SetAsyncInvoke writes the function's asynchronous invocation config
// (PUT .../async-invoke-config on the unqualified URN): the declared
// settings over the live ones.
type SetAsyncInvoke struct {
	Body *apiclient.AsyncInvokeConfigRequest
}

// Type implements Request.
func (*SetAsyncInvoke) Type() StepType { return StepAsync }

// DeleteAsyncInvoke deletes the function's asynchronous invocation config
// (async_invoke: null).
type DeleteAsyncInvoke struct{}

// Type implements Request.
func (*DeleteAsyncInvoke) Type() StepType { return StepAsync }
