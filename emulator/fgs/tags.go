package fgs

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Function tags and the resource-instance filter, below /v2/{project_id}
// without /fgs (SDK functionGraph_meta.go):
//
//	GET    /v2/{pid}/functions/{resource_id}/tags           ListFunctionTags
//	POST   /v2/{pid}/functions/{resource_id}/tags/create    CreateTags (204)
//	DELETE /v2/{pid}/functions/{resource_id}/tags/delete    DeleteTags (204)
//	GET    /v2/{pid}/functions/tags                         ShowProjectTagsList
//	POST   /v2/{pid}/functions/resource-instances/{action}  ShowResInstanceInfo (filter, count)
//
// The routes are in routes.go (the tag family, checked for the project
// first like the others). The resource id is the function's URN,
// unqualified or of latest. A function's tags are part of its record
// (Function.Tags): deleting the function deletes them. doc.go, "Tags",
// says what each mode does where the sources leave a rule open.

// tagItem is the SDK's KvItem.
type tagItem struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

type tagsBody struct {
	Action  *string   `json:"action"`
	Tags    []tagItem `json:"tags"`
	SysTags []tagItem `json:"sys_tags"`
}

// tagResource parses a resource id: the function's URN, unqualified or
// of latest (the Terraform provider sends both). Tags are the function's:
// a version's or an alias's URN is refused.
func (s *Service) tagResource(raw string) (urn, *httpapi.Error) {
	u, e := s.ownURN(raw)
	if e != nil {
		return urn{}, e
	}
	if !u.latest() {
		return urn{}, httpapi.Errorf(400, "FSS.0400", "tags belong to the function: give its URN, not a version's or an alias's")
	}
	return u.bare(), nil
}

// sysTags are the system tags a read shows: strict mode answers one, as
// enterprise accounts see, so that a client must leave them alone.
func (s *Service) sysTags() []map[string]string {
	if !s.opts.Strict {
		return []map[string]string{}
	}
	return []map[string]string{{"key": "_sys_enterprise_project_id", "value": "0"}}
}

func tagView(tags map[string]string) []map[string]string {
	out := make([]map[string]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, map[string]string{"key": k, "value": tags[k]})
	}
	return out
}

func (s *Service) listTags(t *stx, u urn) httpapi.Response {
	f, _, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	return httpapi.OK(map[string]any{"tags": tagView(f.Tags), "sys_tags": s.sysTags()})
}

// checkTag applies the tag rules of the mode: the API reference's (fgsspec)
// in strict mode, the user guide's TMS rules in lenient mode.
func (s *Service) checkTag(it tagItem) *httpapi.Error {
	if it.Key == nil {
		return httpapi.Errorf(400, "FSS.0400", "a tag needs a key")
	}
	checkKey, checkValue := fgsspec.CheckTMSTagKey, fgsspec.CheckTMSTagValue
	if s.opts.Strict {
		checkKey, checkValue = fgsspec.CheckTagKey, fgsspec.CheckTagValue
	}
	if err := checkKey(*it.Key); err != nil {
		return httpapi.Errorf(400, "FSS.0400", "invalid tag key %q: %v", httpapi.Trunc(*it.Key), err)
	}
	if it.Value != nil {
		if err := checkValue(*it.Value); err != nil {
			return httpapi.Errorf(400, "FSS.0400", "invalid value of tag %s: %v", httpapi.Trunc(*it.Key), err)
		}
	}
	return nil
}

// readTagsBody decodes a create or delete body whose action, when given,
// must be want.
func (s *Service) readTagsBody(body []byte, want string) (*tagsBody, *httpapi.Error) {
	var b tagsBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return nil, e
	}
	if b.Action != nil && *b.Action != want {
		return nil, httpapi.Errorf(400, "FSS.0400", "action must be %s, got %q", want, httpapi.Trunc(*b.Action))
	}
	if len(b.SysTags) > 0 {
		return nil, httpapi.Errorf(400, "FSS.0400", "system tags cannot be set by tenants")
	}
	if len(b.Tags) == 0 {
		return nil, httpapi.Errorf(400, "FSS.0400", "tags is required")
	}
	seen := map[string]bool{}
	for _, it := range b.Tags {
		if e := s.checkTag(it); e != nil {
			return nil, e
		}
		if seen[*it.Key] {
			return nil, httpapi.Errorf(400, "FSS.0400", "tag key %s is given twice", httpapi.Trunc(*it.Key))
		}
		seen[*it.Key] = true
	}
	return &b, nil
}

// createTags adds tags. A key the function has: lenient mode gives it the
// new value, strict mode refuses (409 FSS.0409), as the references do not
// say a create overwrites.
func (s *Service) createTags(t *stx, u urn, body []byte) httpapi.Response {
	b, e := s.readTagsBody(body, "create")
	if e != nil {
		return httpapi.Fail(e)
	}
	f, _, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	if f.Tags == nil {
		f.Tags = map[string]string{}
	}
	for _, it := range b.Tags {
		v := ""
		if it.Value != nil {
			v = *it.Value
		}
		if _, has := f.Tags[*it.Key]; has && s.opts.Strict {
			return httpapi.Fail(httpapi.Errorf(409, "FSS.0409", "the function already has a tag %s", httpapi.Trunc(*it.Key)))
		}
		f.Tags[*it.Key] = v
	}
	if len(f.Tags) > fgsspec.MaxTags {
		return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "a function can have at most %d tags", fgsspec.MaxTags))
	}
	t.putFunction(f)
	return httpapi.NoContent()
}

// deleteTags deletes tags; a key the function does not have is no error.
// Strict mode deletes a tag only when the value given is its value;
// lenient mode deletes by key.
func (s *Service) deleteTags(t *stx, u urn, body []byte) httpapi.Response {
	b, e := s.readTagsBody(body, "delete")
	if e != nil {
		return httpapi.Fail(e)
	}
	f, _, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	for _, it := range b.Tags {
		have, has := f.Tags[*it.Key]
		if !has || (s.opts.Strict && (it.Value == nil || *it.Value != have)) {
			continue
		}
		delete(f.Tags, *it.Key)
	}
	t.putFunction(f)
	return httpapi.NoContent()
}

// projectTags lists every key the project's functions use, with its
// values (ShowProjectTagsList: TagItem, a key and its values).
func (s *Service) projectTags(t *stx) httpapi.Response {
	values := map[string]map[string]bool{}
	for _, f := range allFunctions(t) {
		for k, v := range f.Tags {
			if values[k] == nil {
				values[k] = map[string]bool{}
			}
			values[k][v] = true
		}
	}
	out := []map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		out = append(out, map[string]any{"key": k, "values": slices.Sorted(maps.Keys(values[k]))})
	}
	return httpapi.OK(map[string]any{"tags": out, "sys_tags": []any{}})
}

// allFunctions returns every function record, in key order.
func allFunctions(t *stx) []*Function {
	var out []*Function
	store.Each(&t.Tx, bucketFunctions, "", "function", func(_ string, f *Function) { out = append(out, f) })
	return out
}

// filterBody is ShowResInstanceInfo's body: the SDK's
// ListEnterpriseResourceRequestBody (without_any_tag, limit, offset,
// action, matches, sys_tags) and tags, which the Terraform provider sends
// and the SDK does not model. limit and offset are strings in the SDK.
type filterBody struct {
	WithoutAnyTag *bool           `json:"without_any_tag"`
	Limit         json.RawMessage `json:"limit"`
	Offset        json.RawMessage `json:"offset"`
	Action        *string         `json:"action"`
	Matches       []tagItem       `json:"matches"`
	Tags          []struct {
		Key    string   `json:"key"`
		Values []string `json:"values"`
	} `json:"tags"`
	SysTags json.RawMessage `json:"sys_tags"`
}

// strictPage is the most resources strict mode answers in one page,
// whatever limit asks for.
const strictPage = 10

// pageNumber reads limit or offset: a string of digits (the SDK), or, in
// lenient mode, a number (what the Terraform provider sends).
func (s *Service) pageNumber(raw json.RawMessage, name string, def int) (int, *httpapi.Error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		if s.opts.Strict {
			return 0, httpapi.Errorf(400, "FSS.0400", "%s must be a string", name)
		}
		str = string(raw)
	}
	n, err := strconv.Atoi(str)
	if err != nil || n < 0 {
		return 0, httpapi.Errorf(400, "FSS.0400", "%s must be a whole number, got %s", name, httpapi.Trunc(string(raw)))
	}
	return n, nil
}

// filterResources answers ShowResInstanceInfo. Lenient mode filters by
// tags (every key given, any of its values; no values: any value),
// answers every match unless limit is given, names each resource by its
// unqualified URN and details it as the function list does. Strict mode
// takes only the SDK's body: tags is ignored (so every function is
// answered, each with its tags), pages hold at most strictPage resources,
// each named by its URN of latest with only detailId in its detail, and a
// non-string limit or offset is refused.
func (s *Service) filterResources(t *stx, action string, body []byte) httpapi.Response {
	if action != "filter" && action != "count" {
		return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "action must be filter or count"))
	}
	var b filterBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	limit, e := s.pageNumber(b.Limit, "limit", -1)
	if e != nil {
		return httpapi.Fail(e)
	}
	offset, e := s.pageNumber(b.Offset, "offset", 0)
	if e != nil {
		return httpapi.Fail(e)
	}
	var found []*Function
	for _, f := range allFunctions(t) {
		if s.matches(f, &b) {
			found = append(found, f)
		}
	}
	if action == "count" {
		return httpapi.OK(map[string]any{"total_count": len(found)})
	}
	if s.opts.Strict && (limit < 0 || limit > strictPage) {
		limit = strictPage
	}
	page := found[min(offset, len(found)):]
	if limit >= 0 && len(page) > limit {
		page = page[:limit]
	}
	out := []map[string]any{}
	for _, f := range page {
		out = append(out, s.resource(f))
	}
	return httpapi.OK(map[string]any{"resources": out, "total_count": len(found)})
}

// matches applies a filter's conditions to one function.
func (s *Service) matches(f *Function, b *filterBody) bool {
	if b.WithoutAnyTag != nil && *b.WithoutAnyTag {
		return len(f.Tags) == 0
	}
	for _, m := range b.Matches {
		if m.Key == nil || m.Value == nil {
			continue
		}
		switch {
		case *m.Key == "resource_name":
			if !strings.Contains(f.Name, *m.Value) {
				return false
			}
		case s.opts.Strict:
			// Only resource_name is documented as a match key (TF).
		default:
			if v, ok := f.Tags[*m.Key]; !ok || v != *m.Value {
				return false
			}
		}
	}
	if s.opts.Strict {
		return true // tags is not in the SDK's body
	}
	for _, tf := range b.Tags {
		v, ok := f.Tags[tf.Key]
		if !ok || (len(tf.Values) > 0 && !slices.Contains(tf.Values, v)) {
			return false
		}
	}
	return true
}

// resource is one function as the filter answers it
// (ListEnterpriseResourceResult).
func (s *Service) resource(f *Function) map[string]any {
	urn := strings.TrimSuffix(s.urnOf(f, ""), ":")
	r := map[string]any{"resource_name": f.Name, "tags": tagView(f.Tags), "sys_tags": s.sysTags()}
	if s.opts.Strict {
		r["resource_id"] = urn + ":latest"
		r["resource_detail"] = map[string]any{"detailId": urn + ":latest"}
		return r
	}
	r["resource_id"] = urn
	r["resource_detail"] = map[string]any{"detailId": urn, "func_urn": urn, "func_name": f.Name, "package": f.Package,
		"runtime": f.Latest.Config.Runtime}
	return r
}
