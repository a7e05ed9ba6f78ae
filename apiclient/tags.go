package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Function tags and the tag filter (SDK functionGraph_meta.go: CreateTags
// POST /v2/{project_id}/{resource_type}/{resource_id}/tags/create,
// DeleteTags DELETE .../tags/delete, ListFunctionTags GET .../tags and
// ShowResInstanceInfo POST
// /v2/{project_id}/{resource_type}/resource-instances/{action}). These
// paths are below /v2/{project_id}, without /fgs; resource_type is
// "functions" and the resource id the function's unqualified URN (HW
// functiongraph_06_1023: letters, digits, _, - and colons).
// docs/api-notes.md, "Tags", has the rules and what each reading does.

// Tag is one tag as the API writes it (the SDK's KvItem).
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func tagPath(urn, rest string) string { return "/functions/" + urn + "/tags" + rest }

// tagList is a map of tags as the API's list, sorted by key.
func tagList(m map[string]string) []Tag {
	out := make([]Tag, 0, len(m))
	for k, v := range m {
		out = append(out, Tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func tagMap(ts []Tag) map[string]string {
	m := map[string]string{}
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

// ListTags reads a function's tags (system tags, sys_tags, left out).
func (c *Client) ListTags(ctx context.Context, urn string) (map[string]string, error) {
	var out struct {
		Tags []Tag `json:"tags"`
	}
	if err := c.do(ctx, call{method: "GET", path: tagPath(urn, ""), noFGS: true, out: &out}); err != nil {
		return nil, err
	}
	return tagMap(out.Tags), nil
}

// CreateTags adds tags to a function. Whether a key the function has
// already takes the new value is not documented: callers delete a tag
// before they give its key another value. A failure that may have taken
// effect is checked by reading the tags before it is sent again.
func (c *Client) CreateTags(ctx context.Context, urn string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	k := call{method: "POST", path: tagPath(urn, "/create"), noFGS: true,
		in: map[string]any{"action": "create", "tags": tagList(tags)}}
	k.recover = func(ctx context.Context) (bool, error) {
		have, err := c.ListTags(ctx, urn)
		if err != nil {
			return false, err
		}
		for key, v := range tags {
			if got, ok := have[key]; !ok || got != v {
				return false, nil
			}
		}
		return true, nil
	}
	return c.do(ctx, k)
}

// DeleteTags deletes tags of a function, each by its key and the value it
// has (a reading deletes a tag only when both match).
func (c *Client) DeleteTags(ctx context.Context, urn string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	return c.do(ctx, call{method: "DELETE", path: tagPath(urn, "/delete"), noFGS: true,
		in: map[string]any{"action": "delete", "tags": tagList(tags)}})
}

// DeleteFunction deletes a function with its versions and aliases (the
// unqualified URN; DELETE /fgs/functions/{urn}).
func (c *Client) DeleteFunction(ctx context.Context, urn string) error {
	if _, _, _, _, ok := ParseFunctionURN(urn); !ok || strings.Count(urn, ":") != 6 {
		return fmt.Errorf("%q is not an unqualified function URN", urn)
	}
	return c.do(ctx, call{method: "DELETE", path: "/functions/" + urn})
}

// TaggedFunction is a function the tag filter found that carries the tag
// asked for: its unqualified URN, package, name and tags.
type TaggedFunction struct {
	URN     string
	Package string
	Name    string
	Tags    map[string]string
}

// FilterPageSize is the limit the client asks the tag filter for.
const FilterPageSize = 100

// filterResource is one resource of the filter's answer (the SDK's
// ListEnterpriseResourceResult). Tags is nil when the answer has none.
type filterResource struct {
	ResourceID     string `json:"resource_id"`
	ResourceName   string `json:"resource_name"`
	ResourceDetail *struct {
		DetailID string `json:"detailId"`
		FuncURN  string `json:"func_urn"`
	} `json:"resource_detail"`
	Tags *[]Tag `json:"tags"`
}

// FindTagged returns the functions of the project that carry the tag key
// = value, sorted by URN, through the resource-instance filter (ShowResInstanceInfo, action filter),
// paged with limit and offset. The sources leave open whether the filter
// takes tags at all (the SDK's body has no tags field; the Terraform
// provider sends one), how each resource is named (resource_id: the URN,
// or the URN of latest) and how pages end, so the answer is never taken
// on trust: each resource is identified by its URN, and kept only when its
// own tags carry the tag (read with ListTags when the answer lists none).
// Paging stops on an empty page, a page with nothing new, or total_count
// reached; a short page is not the end (a service may cap limit).
func (c *Client) FindTagged(ctx context.Context, key, value string) ([]TaggedFunction, error) {
	var out []TaggedFunction
	seen := map[string]bool{}
	for offset := 0; ; {
		body := map[string]any{"action": "filter", "limit": strconv.Itoa(FilterPageSize), "offset": strconv.Itoa(offset),
			"tags": []map[string]any{{"key": key, "values": []string{value}}}}
		var page struct {
			Resources  []filterResource `json:"resources"`
			TotalCount *int64           `json:"total_count"`
		}
		if err := c.do(ctx, call{method: "POST", path: "/functions/resource-instances/filter", noFGS: true, in: body, out: &page, readOnly: true}); err != nil {
			return nil, fmt.Errorf("find functions tagged %s=%s: %w", key, value, err)
		}
		fresh := 0
		for _, r := range page.Resources {
			tf, err := c.taggedFunction(ctx, r)
			if err != nil {
				return nil, fmt.Errorf("find functions tagged %s=%s: %w", key, value, err)
			}
			if tf == nil || seen[tf.URN] {
				continue
			}
			seen[tf.URN] = true
			fresh++
			if v, ok := tf.Tags[key]; ok && v == value {
				out = append(out, *tf)
			}
		}
		offset += len(page.Resources)
		if len(page.Resources) == 0 || fresh == 0 || (page.TotalCount != nil && int64(len(seen)) >= *page.TotalCount) {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out, nil
}

// taggedFunction identifies a resource of the filter's answer and reads
// its tags when the answer has none; nil for a function of another
// region or project.
func (c *Client) taggedFunction(ctx context.Context, r filterResource) (*TaggedFunction, error) {
	candidates := []string{r.ResourceID}
	if d := r.ResourceDetail; d != nil {
		candidates = append(candidates, d.DetailID, d.FuncURN)
	}
	for _, s := range candidates {
		region, project, pkg, name, ok := ParseFunctionURN(s)
		if !ok {
			continue
		}
		if region != c.cfg.Region || project != c.pid() {
			return nil, nil
		}
		tf := &TaggedFunction{URN: c.FunctionURN(pkg, name), Package: pkg, Name: name}
		if r.Tags != nil {
			tf.Tags = tagMap(*r.Tags)
			return tf, nil
		}
		tags, err := c.ListTags(ctx, tf.URN)
		if IsNotFound(err) {
			return nil, nil // deleted since: nothing to find
		}
		if err != nil {
			return nil, err
		}
		tf.Tags = tags
		return tf, nil
	}
	b, _ := json.Marshal(r)
	return nil, errors.New("the answer names a resource that is not a function URN: " + truncate(string(b), 200))
}

// ParseFunctionURN splits urn:fss:REGION:PROJECT:function:PACKAGE:NAME,
// with or without a qualifier (":latest", ":v1", ":!alias").
func ParseFunctionURN(s string) (region, project, pkg, name string, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 7 && len(parts) != 8 {
		return "", "", "", "", false
	}
	if parts[0] != "urn" || parts[1] != "fss" || parts[4] != "function" {
		return "", "", "", "", false
	}
	for _, p := range parts[2:7] {
		if p == "" {
			return "", "", "", "", false
		}
	}
	if len(parts) == 8 && strings.TrimPrefix(parts[7], "!") == "" {
		return "", "", "", "", false
	}
	return parts[2], parts[3], parts[5], parts[6], true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
