package applier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The steps of production settings: a qualifier's reserved instances and
// the asynchronous invocation config.

// ProductionAPI is what apply calls for production settings.
type ProductionAPI interface {
	UpdateReservedInstances(ctx context.Context, urn string, req *apiclient.ReservedInstancesRequest) (*apiclient.ReservedInstancesRequest, error)
	PutAsyncInvokeConfig(ctx context.Context, urn string, req *apiclient.AsyncInvokeConfigRequest) (*apiclient.AsyncInvokeConfig, error)
	DeleteAsyncInvokeConfig(ctx context.Context, urn string) error
}

var _ ProductionAPI = (*apiclient.Client)(nil)

func (r *run) production() (ProductionAPI, error) {
	p, ok := r.api.(ProductionAPI)
	if !ok {
		return nil, errors.New("this client cannot set reserved instances or asynchronous invocation")
	}
	return p, nil
}

// setReserved sets one qualifier's reservation. A version that an
// unnamed publish of this apply made is named as the publish named it.
func (r *run) setReserved(ctx context.Context, q *plan.SetReservedInstances) error {
	api, err := r.production()
	if err != nil {
		return err
	}
	target := q.Target
	if target == r.planned && r.published != "" {
		target = r.published
	}
	if _, err := api.UpdateReservedInstances(ctx, r.f.URN+":"+target, q.Body); err != nil {
		return fmt.Errorf("%s: %w", plan.DescribeTarget(target), err)
	}
	r.fr.Reserved = append(r.fr.Reserved, ReservedReport{Qualifier: plan.QualifierName(target), Count: q.Body.Count})
	return nil
}

func (r *run) setAsync(ctx context.Context, q *plan.SetAsyncInvoke) error {
	api, err := r.production()
	if err != nil {
		return err
	}
	_, err = api.PutAsyncInvokeConfig(ctx, r.f.URN, q.Body)
	return err
}

func (r *run) deleteAsync(ctx context.Context, _ *plan.DeleteAsyncInvoke) error {
	api, err := r.production()
	if err != nil {
		return err
	}
	return api.DeleteAsyncInvokeConfig(ctx, r.f.URN)
}

// ReservedReport is a reservation the apply set: the qualifier as the
// manifest writes it, and its count (0 removed it).
type ReservedReport struct {
	Qualifier string `json:"qualifier"`
	Count     int    `json:"count"`
}

// reservedList is what the report says of the reservations set:
// "live 2, v1 0".
func reservedList(rs []ReservedReport) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s %d", r.Qualifier, r.Count)
	}
	return strings.Join(parts, ", ")
}
