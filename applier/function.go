package applier

import (
	"context"
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The steps that make a function as declared: create, code, config, max
// instances.

// upload puts the package in OBS; it sends nothing when the object is
// there already (its key holds the digest).
func (r *run) upload(ctx context.Context, q *plan.UploadObject) error {
	if r.opts.Objects == nil {
		return fmt.Errorf("cannot upload %s: no OBS client", q.Object)
	}
	sent, err := r.opts.Objects.Put(ctx, q.Object, apiclient.Upload{File: q.Code.Path, Size: q.Size, Digest: q.Digest, Progress: r.opts.UploadProgress})
	r.fr.Uploaded += sent
	return err
}

func (r *run) create(ctx context.Context, q *plan.CreateFunction) error {
	body := q.Body
	if list, err := r.deps.resolve(body.DependVersionList); err != nil {
		return err
	} else if len(list) > 0 {
		b := *body
		b.DependVersionList, body = list, &b
	}
	created, err := r.api.CreateFunction(ctx, body)
	if err != nil {
		return err
	}
	return checkDigest(q.Code, created.Digest)
}

func (r *run) updateCode(ctx context.Context, q *plan.UpdateCode) error {
	body := q.Body
	if list, err := r.deps.resolve(body.DependVersionList); err != nil {
		return err
	} else if len(list) > 0 {
		b := *body
		b.DependVersionList, body = list, &b
	}
	code, err := r.api.UpdateCode(ctx, r.f.URN, body)
	if err != nil {
		return err
	}
	return checkDigest(q.Code, code.Digest)
}

func (r *run) updateConfig(ctx context.Context, q *plan.UpdateConfig) error {
	_, err := r.api.UpdateConfig(ctx, r.f.URN, q.Body)
	return err
}

func (r *run) setMaxInstances(ctx context.Context, q *plan.SetMaxInstances) error {
	return r.api.UpdateMaxInstances(ctx, r.f.URN, q.N)
}

// checkDigest verifies that FunctionGraph stored exactly the planned
// package (nothing to verify for obs code).
func checkDigest(code *plan.CodeFile, got string) error {
	if code == nil || got == code.Digest {
		return nil
	}
	return fmt.Errorf("digest mismatch after upload: FunctionGraph reports %s, planned %s", got, code.Digest)
}
