package applier

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// The steps of a release: publish, aliases, prune. What they learn (the
// name the publish got) is kept in the run, never written to the plan.

func (r *run) publish(ctx context.Context, q *plan.PublishVersion) error {
	name, err := publish(ctx, r.api, r.f.URN, q)
	if err != nil {
		return err
	}
	r.planned, r.published = q.Version(), name
	r.fr.Published = name
	return nil
}

func (r *run) writeAlias(ctx context.Context, q *plan.WriteAlias) error {
	a := resolve(q.Alias, r.planned, r.published)
	var err error
	if q.Create {
		_, err = r.api.CreateAlias(ctx, r.f.URN, &a)
	} else {
		_, err = r.api.UpdateAlias(ctx, r.f.URN, &a)
	}
	if err != nil {
		return fmt.Errorf("alias %s: %w", a.Name, err)
	}
	r.fr.Aliases = append(r.fr.Aliases, a)
	return nil
}

func (r *run) deleteVersion(ctx context.Context, q *plan.DeleteVersion) error {
	if q.Version == r.published {
		return nil // an unnamed publish got the name of a version planned to go: never delete what was just published
	}
	if err := r.api.DeleteVersion(ctx, r.f.URN, q.Version); err != nil && !apiclient.IsNotFound(err) {
		return fmt.Errorf("delete version %s: %w", q.Version, err)
	}
	r.fr.Pruned = append(r.fr.Pruned, q.Version)
	return nil
}

// publish publishes a version of the function urn names and returns its
// name, confirmed by name from the version list: one reference documents
// the publish response with "version": "latest" and an unqualified URN,
// so the response alone never says which version $published is.
func publish(ctx context.Context, api API, urn string, q *plan.PublishVersion) (string, error) {
	// Pin the publish to the planned code: latest must hold exactly the
	// planned package right before it is snapshotted.
	if q.Digest != "" {
		live, err := api.GetConfig(ctx, urn)
		if err != nil {
			return "", fmt.Errorf("check code before publishing: %w", err)
		}
		if live.Digest != q.Digest {
			return "", fmt.Errorf("latest changed before publishing: FunctionGraph reports digest %s, planned %s; nothing was published", live.Digest, q.Digest)
		}
	}
	resp, err := api.PublishVersion(ctx, urn, q.Body)
	if err != nil {
		return "", err
	}
	all, err := api.ListVersions(ctx, urn)
	if err != nil {
		return "", fmt.Errorf("confirm the published version: %w", err)
	}
	v, err := published(release.NewestFirst(all), q, resp.Version)
	if err != nil {
		return "", err
	}
	if q.Digest != "" && v.Digest != "" && v.Digest != q.Digest {
		return "", fmt.Errorf("version %s has digest %s, planned %s", v.Version, v.Digest, q.Digest)
	}
	return v.Version, nil
}

// published finds the version a publish made in vs (newest first): by
// the name asked for, else by the name the response gives, else the newest
// one with the planned code.
func published(vs []apiclient.Version, q *plan.PublishVersion, answered string) (*apiclient.Version, error) {
	find := func(name string) *apiclient.Version {
		for i := range vs {
			if vs[i].Version == name {
				return &vs[i]
			}
		}
		return nil
	}
	switch {
	case q.Body.Version != "":
		if v := find(q.Body.Version); v != nil {
			return v, nil
		}
		return nil, fmt.Errorf("FunctionGraph accepted the publish of %s but does not list that version", q.Body.Version)
	case answered != "" && answered != release.Latest && find(answered) != nil:
		return find(answered), nil
	}
	for i := range vs {
		if q.Digest == "" || vs[i].Digest == q.Digest {
			return &vs[i], nil
		}
	}
	return nil, errors.New("FunctionGraph accepted the publish, but no listed version has the planned code")
}

// resolve points an alias that waits for the publish (planned is what the
// plan called the version, plan.PendingVersion for an unnamed publish) at
// the name the publish got.
func resolve(a apiclient.Alias, planned, got string) apiclient.Alias {
	if planned == got || planned == "" || got == "" {
		return a
	}
	if a.Version == planned {
		a.Version = got
	}
	if w, ok := a.AdditionalVersionWeights[planned]; ok {
		a.AdditionalVersionWeights = maps.Clone(a.AdditionalVersionWeights)
		delete(a.AdditionalVersionWeights, planned)
		a.AdditionalVersionWeights[got] = w
	}
	return a
}
