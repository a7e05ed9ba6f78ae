package apiclient

import (
	"context"
	"errors"
	"net/http"
)

// The trigger calls beyond ListTriggers and CreateTrigger: add one
// without a duplicate, show, update and delete one. There is deliberately
// no call for DELETE /triggers/{function_urn} (delete all): given latest
// or the unqualified URN it deletes every trigger of every version and
// alias of the function (docs/api-notes.md), and fgsdeploy deletes
// triggers one by one.

// UpdateTriggerRequest is the body of PUT
// /triggers/{function_urn}/{type}/{id}: the status, and the event_data
// fields UpdateTrigger takes (SDK UpdateTriggerRequestBody: event_data is
// an array of UpdateriggerEventData, fields is_serial, max_fetch_bytes,
// polling_interval and polling_unit).
type UpdateTriggerRequest struct {
	Status    string           `json:"trigger_status,omitempty"`
	EventData []map[string]any `json:"event_data,omitempty"`
}

// AddTrigger creates a trigger of a function version or alias, as
// CreateTrigger does. After a failure that may have taken effect it lists
// the triggers of urn and returns the one mine recognises instead of
// creating a second (mine is true for the trigger this request makes:
// its type and identity).
func (c *Client) AddTrigger(ctx context.Context, urn string, req *CreateTriggerRequest, mine func(Trigger) bool) (*Trigger, error) {
	out := &Trigger{}
	k := call{method: http.MethodPost, path: "/triggers/" + urn, in: req, out: out}
	k.recover = func(ctx context.Context) (bool, error) {
		ts, err := c.ListTriggers(ctx, urn)
		if err != nil {
			return false, err
		}
		for _, t := range ts {
			if mine(t) {
				*out = t
				return true, nil
			}
		}
		return false, nil
	}
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return out, nil
}

// GetTrigger reads one trigger.
func (c *Client) GetTrigger(ctx context.Context, urn, typeCode, id string) (*Trigger, error) {
	out := &Trigger{}
	if err := c.do(ctx, call{method: http.MethodGet, path: triggerPath(urn, typeCode, id), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateTrigger changes a trigger's status and the event_data fields
// UpdateTrigger takes, and returns the trigger as it is after.
func (c *Client) UpdateTrigger(ctx context.Context, urn, typeCode, id string, req *UpdateTriggerRequest) (*Trigger, error) {
	out := &Trigger{}
	if err := c.do(ctx, call{method: http.MethodPut, path: triggerPath(urn, typeCode, id), in: req, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTrigger deletes one trigger. A trigger that is already gone
// (a repeat after a lost answer) is not an error.
func (c *Client) DeleteTrigger(ctx context.Context, urn, typeCode, id string) error {
	err := c.do(ctx, call{method: http.MethodDelete, path: triggerPath(urn, typeCode, id)})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

func triggerPath(urn, typeCode, id string) string {
	return "/triggers/" + urn + "/" + typeCode + "/" + id
}
