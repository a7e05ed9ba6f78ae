package apiclient

import (
	"context"
	"errors"
	"net/url"
	"strconv"
)

// ListFunctions lists functions, following pagination; pkg and name filter
// when non-empty.
func (c *Client) ListFunctions(ctx context.Context, pkg, name string) ([]Function, error) {
	var all []Function
	marker := 0
	for {
		q := url.Values{"marker": {strconv.Itoa(marker)}, "maxitems": {"400"}}
		if pkg != "" {
			q.Set("package_name", pkg)
		}
		if name != "" {
			q.Set("func_name", name)
		}
		var page struct {
			Functions  []Function `json:"functions"`
			NextMarker int        `json:"next_marker"`
			Count      int        `json:"count"`
		}
		if err := c.do(ctx, call{method: "GET", path: "/functions", query: q, out: &page}); err != nil {
			return nil, err
		}
		all = append(all, page.Functions...)
		if page.NextMarker <= marker || page.NextMarker >= page.Count || len(page.Functions) == 0 {
			return all, nil
		}
		marker = page.NextMarker
	}
}

func fnPath(urn, rest string) string { return "/functions/" + urn + rest }

// CreateFunction creates a function. A failure that may have taken effect
// is checked with a read before the create is sent again; a 409 FSS.1061
// on a repeat returns the function that exists.
func (c *Client) CreateFunction(ctx context.Context, req *CreateRequest) (*Function, error) {
	out := &Function{}
	urn := c.FunctionURN(req.Package, req.FuncName)
	k := call{method: "POST", path: "/functions", in: req, file: req.CodeFile, out: out}
	sent := false
	k.recover = func(ctx context.Context) (bool, error) {
		sent = true
		f, err := c.GetConfig(ctx, urn)
		if err != nil {
			return false, err
		}
		*out = *f
		return true, nil
	}
	err := c.do(ctx, k)
	var ae *APIError
	if sent && errors.As(err, &ae) && ae.Code == "FSS.1061" {
		return c.GetConfig(ctx, urn)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetConfig reads a function's (or a qualified version's) configuration.
func (c *Client) GetConfig(ctx context.Context, urn string) (*Function, error) {
	out := &Function{}
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/config"), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// GetCode reads a function's code information, with a download link.
func (c *Client) GetCode(ctx context.Context, urn string) (*Code, error) {
	out := &Code{}
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/code"), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateCode replaces a function's code; CodeFile is streamed.
func (c *Client) UpdateCode(ctx context.Context, urn string, req *UpdateCodeRequest) (*Code, error) {
	out := &Code{}
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/code"), in: req, file: req.CodeFile, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateConfig replaces a function's configuration (a full replace).
func (c *Client) UpdateConfig(ctx context.Context, urn string, req *UpdateConfigRequest) (*Function, error) {
	out := &Function{}
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/config"), in: req, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateMaxInstances sets max_instance_num: -1 unlimited, 0 disabled.
func (c *Client) UpdateMaxInstances(ctx context.Context, urn string, n int) error {
	body := map[string]int{"max_instance_num": n}
	return c.do(ctx, call{method: "PUT", path: fnPath(urn, "/config-max-instance"), in: body, out: &Function{}})
}

// PublishVersion publishes latest as a version. It is never sent twice
// blindly: after a failure that may have taken effect, the versions are
// listed, and a version with the requested name (or, for an unnamed
// publish, a new version with latest's digest) is returned instead.
func (c *Client) PublishVersion(ctx context.Context, urn string, req *PublishRequest) (*Function, error) {
	out := &Function{}
	k := call{method: "POST", path: fnPath(urn, "/versions"), in: req, out: out}
	var before map[string]bool
	if req.Version == "" {
		vs, err := c.ListVersions(ctx, urn)
		if err != nil {
			return nil, err
		}
		before = map[string]bool{}
		for _, v := range vs {
			before[v.Version] = true
		}
	}
	k.recover = func(ctx context.Context) (bool, error) {
		vs, err := c.ListVersions(ctx, urn)
		if err != nil {
			return false, err
		}
		for _, v := range vs {
			if v.Version == "latest" {
				continue
			}
			mine := v.Version == req.Version
			if req.Version == "" {
				mine = !before[v.Version] && (req.Digest == "" || v.Digest == req.Digest)
			}
			if mine {
				f, err := c.GetConfig(ctx, urn+":"+v.Version)
				if err != nil {
					return false, err
				}
				*out = *f
				return true, nil
			}
		}
		return false, nil
	}
	sent := false
	look := k.recover
	k.recover = func(ctx context.Context) (bool, error) { sent = true; return look(ctx) }
	err := c.do(ctx, k)
	var ae *APIError
	if sent && req.Version != "" && errors.As(err, &ae) && ae.Code == "FSS.1062" {
		// A repeat found the name taken: the first send took effect.
		return c.GetConfig(ctx, urn+":"+req.Version)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListVersions lists a function's versions, latest included.
func (c *Client) ListVersions(ctx context.Context, urn string) ([]Version, error) {
	var all []Version
	marker := 0
	for {
		var page struct {
			Versions   []Version `json:"versions"`
			NextMarker int       `json:"next_marker"`
			Count      int       `json:"count"`
		}
		q := url.Values{"marker": {strconv.Itoa(marker)}, "maxitems": {"400"}}
		if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/versions"), query: q, out: &page}); err != nil {
			return nil, err
		}
		all = append(all, page.Versions...)
		// Some regions ignore marker and maxitems (fgs-api.md): stop when a
		// page brings nothing new.
		if page.NextMarker <= marker || page.NextMarker >= page.Count || len(page.Versions) == 0 || len(all) >= page.Count {
			return dedupeVersions(all), nil
		}
		marker = page.NextMarker
	}
}

func dedupeVersions(vs []Version) []Version {
	seen := map[string]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v.Version] {
			seen[v.Version] = true
			out = append(out, v)
		}
	}
	return out
}

// DeleteVersion deletes a published version (and, server side, its aliases).
func (c *Client) DeleteVersion(ctx context.Context, urn, version string) error {
	if version == "" || version == "latest" {
		return errors.New("latest cannot be deleted")
	}
	return c.do(ctx, call{method: "DELETE", path: "/functions/" + urn + ":" + version})
}

// ListAliases lists a function's aliases (a bare JSON array on the wire).
func (c *Client) ListAliases(ctx context.Context, urn string) ([]Alias, error) {
	var out []Alias
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/aliases"), out: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAlias reads one alias.
func (c *Client) GetAlias(ctx context.Context, urn, name string) (*Alias, error) {
	out := &Alias{}
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/aliases/"+name), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateAlias creates an alias; a repeat after an uncertain failure that
// finds the alias already there (FSS.1063) updates it instead.
func (c *Client) CreateAlias(ctx context.Context, urn string, a *Alias) (*Alias, error) {
	out := &Alias{}
	k := call{method: "POST", path: fnPath(urn, "/aliases"), in: aliasBody(a), out: out}
	sent := false
	k.recover = func(ctx context.Context) (bool, error) { sent = true; return false, nil }
	err := c.do(ctx, k)
	var ae *APIError
	if sent && errors.As(err, &ae) && ae.Code == "FSS.1063" {
		return c.UpdateAlias(ctx, urn, a)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAlias points an alias at a version, with optional weights.
func (c *Client) UpdateAlias(ctx context.Context, urn string, a *Alias) (*Alias, error) {
	out := &Alias{}
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/aliases/"+a.Name), in: aliasBody(a), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAlias deletes an alias.
func (c *Client) DeleteAlias(ctx context.Context, urn, name string) error {
	return c.do(ctx, call{method: "DELETE", path: fnPath(urn, "/aliases/"+name)})
}

// aliasBody is what create and update send: the routing always present
// (weights, or rules), so an update replaces it.
func aliasBody(a *Alias) any {
	body := map[string]any{"name": a.Name, "version": a.Version, "description": a.Description}
	switch {
	case len(a.AdditionalVersionStrategy) > 0:
		// Weights and rules are exclusive (FSS.1091): rules only.
		body["additional_version_strategy"] = a.AdditionalVersionStrategy
	case a.AdditionalVersionWeights != nil:
		body["additional_version_weights"] = a.AdditionalVersionWeights
	default:
		// An empty map, not nothing: an alias update replaces the routing.
		body["additional_version_weights"] = map[string]int{}
	}
	return body
}

// ListTriggers lists the triggers of a function version or alias (a
// qualified URN; the bare URN means latest). Deleting a version deletes
// its triggers, so pruning reads them first.
func (c *Client) ListTriggers(ctx context.Context, urn string) ([]Trigger, error) {
	var out []Trigger
	if err := c.do(ctx, call{method: "GET", path: "/triggers/" + urn, out: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateTrigger adds a trigger to a function version or alias. It is a
// POST with no way to check for its effect, so it is not repeated after a
// failure that may have taken effect.
func (c *Client) CreateTrigger(ctx context.Context, urn string, req *CreateTriggerRequest) (*Trigger, error) {
	out := &Trigger{}
	if err := c.do(ctx, call{method: "POST", path: "/triggers/" + urn, in: req, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}
