package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// ListFunctions lists functions, following pagination; pkg and name filter
// when non-empty. FunctionGraph's func_name filter is a fuzzy match
// ("支持模糊查询", SDK ListFunctionsRequest; docs/api-notes.md rule 14), so
// the answer is narrowed to the exact name afterwards.
func (c *Client) ListFunctions(ctx context.Context, pkg, name string) ([]Function, error) {
	q := url.Values{}
	if pkg != "" {
		q.Set("package_name", pkg)
	}
	if name != "" {
		q.Set("func_name", name)
	}
	all, err := listPages(ctx, c, "/functions", q, "functions", func(f Function) string { return f.Package + "/" + f.FuncName })
	if err != nil {
		return nil, err
	}
	if name == "" {
		return all, nil
	}
	exact := all[:0]
	for _, f := range all {
		if f.FuncName == name {
			exact = append(exact, f)
		}
	}
	return exact, nil
}

// PageSize is the maxitems the client asks for: the most the function
// list takes (SDK ListFunctionsRequest: at most 400).
const PageSize = 400

// listPages reads a list that pages with marker and maxitems, following
// next_marker (docs/api-notes.md rule 7). The sources leave open whether an
// answer carries count, whether a page may be shorter than maxitems before
// the end, and whether marker is honoured at all, so the client stops only
// on what is true under every reading: an empty page, a page that brings
// nothing new (marker ignored: the same page again), count reached when
// count is given, or a next_marker that is absent or does not move. A short
// page is not taken as the end: a service that caps maxitems below what was
// asked sends full pages that look short. key identifies an entry, so a
// page served twice is not counted twice.
func listPages[T any](ctx context.Context, c *Client, path string, q url.Values, field string, key func(T) string) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	marker := 0
	for {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("marker", strconv.Itoa(marker))
		pq.Set("maxitems", strconv.Itoa(c.pageSize()))
		var page map[string]json.RawMessage
		if err := c.do(ctx, call{method: "GET", path: path, query: pq, out: &page}); err != nil {
			return nil, err
		}
		var items []T
		if raw, ok := page[field]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("GET %s: decode %s: %w", path, field, err)
			}
		}
		fresh := 0
		for _, it := range items {
			if k := key(it); !seen[k] {
				seen[k] = true
				all = append(all, it)
				fresh++
			}
		}
		next, hasNext := pageInt(page["next_marker"])
		count, hasCount := pageInt(page["count"])
		switch {
		case len(items) == 0, fresh == 0:
			return all, nil
		case hasCount && len(all) >= count:
			return all, nil
		case !hasNext || next <= marker:
			return all, nil
		}
		marker = next
	}
}

// pageInt reads next_marker or count: a number (the SDK's models), or a
// string holding one; absent or null is not there.
func pageInt(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		n = json.Number(s)
	}
	v, err := n.Int64()
	if err != nil {
		return 0, false
	}
	return int(v), true
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

// ListVersions lists a function's versions, latest included, following
// next_marker (listPages): the version list is documented with
// next_marker and no count in one reference (docs/api-notes.md rule 7).
func (c *Client) ListVersions(ctx context.Context, urn string) ([]Version, error) {
	return listPages(ctx, c, fnPath(urn, "/versions"), nil, "versions", func(v Version) string { return v.Version })
}

// DeleteVersion deletes a published version (and, server side, its aliases).
func (c *Client) DeleteVersion(ctx context.Context, urn, version string) error {
	if version == "" || version == "latest" {
		return errors.New("latest cannot be deleted")
	}
	return c.do(ctx, call{method: "DELETE", path: "/functions/" + urn + ":" + version})
}

// ListAliases lists a function's aliases (a bare JSON array on the wire),
// each with its routing rules. The SDK's list model
// (ListVersionAliasResult) has no additional_version_strategy, so an
// alias the list gives without rules is read with ShowVersionAlias, whose
// model has them: a service that leaves them out of the list must not
// make a version routed by rule look unreferenced (pruning would delete
// it) or a managed alias's rules look absent.
func (c *Client) ListAliases(ctx context.Context, urn string) ([]Alias, error) {
	var out []Alias
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/aliases"), out: &out}); err != nil {
		return nil, err
	}
	for i := range out {
		if len(out[i].AdditionalVersionStrategy) > 0 {
			continue
		}
		a, err := c.GetAlias(ctx, urn, out[i].Name)
		if IsNotFound(err) {
			continue // deleted since the list: as listed
		}
		if err != nil {
			return nil, fmt.Errorf("read alias %s: %w", out[i].Name, err)
		}
		out[i].AdditionalVersionStrategy = a.AdditionalVersionStrategy
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
	k := call{method: "POST", path: fnPath(urn, "/aliases"), in: aliasBody(a, true), out: out}
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
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/aliases/"+a.Name), in: aliasBody(a, false), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAlias deletes an alias.
func (c *Client) DeleteAlias(ctx context.Context, urn, name string) error {
	return c.do(ctx, call{method: "DELETE", path: fnPath(urn, "/aliases/"+name)})
}

// aliasBody is what create and update send: the routing always present
// (weights, or rules), so an update replaces it. The name goes only in a
// create's body (CreateVersionAliasRequestBody); an update names the
// alias in its path, and UpdateVersionAliasRequestBody has no name.
func aliasBody(a *Alias, create bool) any {
	body := map[string]any{"version": a.Version, "description": a.Description}
	if create {
		body["name"] = a.Name
	}
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
