package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

func tagsPath(urn string) string { return "/v2/" + testPID + "/functions/" + urn + "/tags" }

func tagBody(pairs ...string) map[string]any {
	var tags []map[string]string
	for i := 0; i+1 < len(pairs); i += 2 {
		tags = append(tags, map[string]string{"key": pairs[i], "value": pairs[i+1]})
	}
	return map[string]any{"tags": tags}
}

// tagsOf reads a function's tags as "k=v" sorted.
func tagsOf(t *testing.T, c *client, urn string) string {
	t.Helper()
	var out struct {
		Tags []struct{ Key, Value string } `json:"tags"`
	}
	r := c.must(200, "GET", tagsPath(urn), nil)
	if err := json.Unmarshal(r.raw, &out); err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, tg := range out.Tags {
		s = append(s, tg.Key+"="+tg.Value)
	}
	return strings.Join(s, " ")
}

// The tag API at its documented paths (no /fgs), in both modes: create
// (204), list, delete; the URN of latest is the function's; a version's
// is refused; the rules and the open readings.
func TestTagAPI(t *testing.T) {
	modes(t, Options{Now: func() time.Time { return testClock }}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		c.must(204, "POST", tagsPath(urn)+"/create", tagBody("team", "payments", "tier", "web"))
		c.must(204, "POST", tagsPath(urn+":latest")+"/create", map[string]any{"action": "create", "tags": []map[string]string{{"key": "cost", "value": ""}}})
		if got := tagsOf(t, c, urn); got != "cost= team=payments tier=web" {
			t.Fatalf("tags %s", got)
		}
		sys := c.must(200, "GET", tagsPath(urn), nil).obj()["sys_tags"].([]any)
		if (len(sys) > 0) != strict {
			t.Errorf("sys_tags %v", sys)
		}
		wantErr(t, "a version's URN", c.do("POST", tagsPath(urn+":v1")+"/create", tagBody("a", "b")), 400, "FSS.0400")
		wantErr(t, "no such function", c.do("POST", tagsPath(urnOf("nope"))+"/create", tagBody("a", "b")), 404, "FSS.1051")
		wantErr(t, "a system tag", c.do("POST", tagsPath(urn)+"/create", tagBody("_sys_x", "b")), 400, "FSS.0400")
		wantErr(t, "sys_tags", c.do("POST", tagsPath(urn)+"/create", map[string]any{"sys_tags": []map[string]string{{"key": "a", "value": "b"}}}), 400, "FSS.0400")
		wantErr(t, "a wrong action", c.do("POST", tagsPath(urn)+"/create", map[string]any{"action": "delete", "tags": []map[string]string{{"key": "a", "value": "b"}}}), 400, "FSS.0400")
		wantErr(t, "not JSON", c.do("POST", tagsPath(urn)+"/create", "{"), 406, "FSS.0406")
		wantErr(t, "the same key twice", c.do("POST", tagsPath(urn)+"/create", tagBody("a", "1", "a", "2")), 400, "FSS.0400")
		wantErr(t, "GET of create", c.do("GET", tagsPath(urn)+"/create", nil), 404, s.gw.Code("0101"))
		// Strict: a tag body with a field UpdateFunctionTagsRequestBody
		// does not have is refused, naming it; lenient ignores it.
		misspelt := map[string]any{"tag": []map[string]string{{"key": "a", "value": "b"}}, "tags": []map[string]string{{"key": "x", "value": "y"}}}
		for _, op := range []string{"create", "delete"} {
			method := map[string]string{"create": "POST", "delete": "DELETE"}[op]
			r := c.do(method, tagsPath(urn)+"/"+op, misspelt)
			if strict {
				wantErr(t, "an unknown field in "+op, r, 400, "FSS.0400")
				if msg, _ := r.obj()["error_msg"].(string); !strings.Contains(msg, "unknown field tag:") {
					t.Errorf("%s: the message does not name the field: %v", op, r)
				}
			} else if r.status != 204 {
				t.Errorf("lenient, an unknown field in %s: %v", op, r)
			}
		}

		// A key with a space or a colon: the TMS rules take it, the API
		// reference does not.
		r := c.do("POST", tagsPath(urn)+"/create", tagBody("owner:team", "a b"))
		if strict {
			wantErr(t, "a TMS-only key", r, 400, "FSS.0400")
		} else if r.status != 204 {
			t.Fatalf("a TMS key: %v", r)
		} else {
			c.must(204, "DELETE", tagsPath(urn)+"/delete", tagBody("owner:team", "a b"))
		}

		// A key the function has: overwritten, or refused.
		r = c.do("POST", tagsPath(urn)+"/create", tagBody("team", "risk"))
		if strict {
			wantErr(t, "an existing key", r, 409, "FSS.0409")
		} else if r.status != 204 || tagsOf(t, c, urn) != "cost= team=risk tier=web" {
			t.Fatalf("overwrite: %v %s", r, tagsOf(t, c, urn))
		}
		// A delete with another value: by key, or not at all.
		c.must(204, "DELETE", tagsPath(urn)+"/delete", tagBody("tier", "other", "absent", "x"))
		want := "cost= team=risk"
		if strict {
			want = "cost= team=payments tier=web"
		}
		if got := tagsOf(t, c, urn); got != want {
			t.Fatalf("after a delete with another value: %s, want %s", got, want)
		}
		// At most 20.
		var many []string
		for i := range 19 {
			many = append(many, fmt.Sprintf("k%02d", i), "v")
		}
		wantErr(t, "21 tags", c.do("POST", tagsPath(urn)+"/create", tagBody(many...)), 400, "FSS.0400")
		if got := tagsOf(t, c, urn); got != want {
			t.Fatalf("a refused create changed the tags: %s", got)
		}
		// ShowProjectTagsList.
		if got := string(c.must(200, "GET", "/v2/"+testPID+"/functions/tags", nil).raw); !strings.Contains(got, `{"key":"cost","values":[""]}`) {
			t.Fatalf("project tags %s", got)
		}
		// Deleting the function deletes its tags with it.
		c.must(204, "DELETE", "/functions/"+urn, nil)
		c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
		if got := tagsOf(t, c, urn); got != "" {
			t.Fatalf("a new function of the same name has tags %s", got)
		}
	})
}

// The resource-instance filter: lenient filters by tags and answers
// every match, named by its URN; strict ignores the tag condition (the
// SDK's body has none), pages by 10 whatever limit asks, names each by
// the URN of latest, and refuses a limit that is not a string.
func TestResourceFilter(t *testing.T) {
	modes(t, Options{Now: func() time.Time { return testClock }}, func(t *testing.T, s *Server, c *client, strict bool) {
		for i := range 12 {
			name := fmt.Sprintf("f%02d", i)
			c.must(200, "POST", "/functions", createReq(t, name, "1"))
			owner := "shop"
			if i%2 == 1 {
				owner = "other"
			}
			c.must(204, "POST", tagsPath(urnOf(name))+"/create", tagBody("fgsdeploy-project", owner))
		}
		c.must(200, "POST", "/functions", createReq(t, "untagged", "1"))
		filter := "/v2/" + testPID + "/functions/resource-instances/filter"
		body := func(limit, offset any) map[string]any {
			return map[string]any{"action": "filter", "limit": limit, "offset": offset,
				"tags": []map[string]any{{"key": "fgsdeploy-project", "values": []string{"shop"}}}}
		}
		type page struct {
			Resources []struct {
				ResourceID     string            `json:"resource_id"`
				ResourceName   string            `json:"resource_name"`
				ResourceDetail map[string]string `json:"resource_detail"`
				Tags           []map[string]string
			} `json:"resources"`
			TotalCount int `json:"total_count"`
		}
		var p page
		json.Unmarshal(c.must(200, "POST", filter, body("100", "0")).raw, &p)
		if strict {
			if len(p.Resources) != 10 || p.TotalCount != 13 || p.Resources[0].ResourceID != urnOf("f00")+":latest" || p.Resources[0].ResourceDetail["detailId"] != urnOf("f00")+":latest" {
				t.Fatalf("strict page: %+v", p)
			}
			json.Unmarshal(c.must(200, "POST", filter, body("100", "10")).raw, &p)
			if len(p.Resources) != 3 || p.Resources[2].ResourceName != "untagged" {
				t.Fatalf("strict second page: %+v", p)
			}
			wantErr(t, "a number for limit", c.do("POST", filter, body(100, 0)), 400, "FSS.0400")
		} else {
			if len(p.Resources) != 6 || p.TotalCount != 6 || p.Resources[0].ResourceID != urnOf("f00") || p.Resources[5].ResourceName != "f10" {
				t.Fatalf("lenient page: %+v", p)
			}
			if p.Resources[0].Tags[0]["value"] != "shop" || p.Resources[0].ResourceDetail["func_urn"] != urnOf("f00") {
				t.Fatalf("lenient resource: %+v", p.Resources[0])
			}
			json.Unmarshal(c.must(200, "POST", filter, body(2, 4)).raw, &p)
			if len(p.Resources) != 2 || p.Resources[0].ResourceName != "f08" {
				t.Fatalf("lenient limit and offset as numbers: %+v", p)
			}
		}
		var n struct {
			TotalCount int `json:"total_count"`
		}
		json.Unmarshal(c.must(200, "POST", "/v2/"+testPID+"/functions/resource-instances/count", map[string]any{"without_any_tag": true}).raw, &n)
		if n.TotalCount != 1 {
			t.Fatalf("count without any tag: %d", n.TotalCount)
		}
		json.Unmarshal(c.must(200, "POST", filter, map[string]any{"matches": []map[string]string{{"key": "resource_name", "value": "untag"}}}).raw, &p)
		if len(p.Resources) != 1 || p.Resources[0].ResourceName != "untagged" {
			t.Fatalf("matches resource_name: %+v", p)
		}
		wantErr(t, "another action", c.do("POST", "/v2/"+testPID+"/functions/resource-instances/list", map[string]any{}), 400, "FSS.0400")
		wantErr(t, "another project", c.do("POST", "/v2/00000000000000000000000000000000/functions/resource-instances/filter", map[string]any{}), 403, "FSS.0403")
		wantErr(t, "a bad offset", c.do("POST", filter, body("10", "-1")), 400, "FSS.0400")
	})
}

// Deleting a function whose alias has triggers: lenient deletes it with
// everything; strict refuses (FSS.1154), as for the alias alone.
func TestDeleteFunctionWithAliasTriggers(t *testing.T) {
	modes(t, Options{Now: func() time.Time { return testClock }}, func(t *testing.T, s *Server, c *client, strict bool) {
		urn := withVersions(t, c, "fn")
		id := c.must(201, "POST", "/triggers/"+urn+":!live", timerBody("nightly")).obj()["trigger_id"].(string)
		r := c.do("DELETE", "/functions/"+urn, nil)
		if strict {
			wantErr(t, "delete with alias triggers", r, 403, "FSS.1154")
			c.must(204, "DELETE", "/triggers/"+urn+":!live/TIMER/"+id, nil)
			c.must(204, "DELETE", "/functions/"+urn, nil)
		} else if r.status != 204 {
			t.Fatalf("lenient delete: %v", r)
		}
		wantErr(t, "the function", c.do("GET", "/functions/"+urn+"/config", nil), 404, "FSS.1051")
		wantErr(t, "its trigger", c.do("GET", "/triggers/"+urn+":!live", nil), 404, "FSS.1051")
	})
}

// FuzzTagBodies sends arbitrary bodies to the tag writes and the filter:
// no input makes the emulator fail inside (500), and the tags read back
// afterwards always pass the rules of the mode.
func FuzzTagBodies(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"tags":null}`, `{"tags":[{"key":"a","value":"b"}]}`, `{"tags":[{"key":null}]}`,
		`{"action":"create","tags":[{"key":"a b","value":"c:d"}]}`, `{"tags":[{"key":"_sys_a","value":"1"}]}`,
		`{"limit":"5","offset":"1","tags":[{"key":"a","values":["b"]}]}`, `{"limit":5,"offset":"x"}`,
		`{"without_any_tag":true,"matches":[{"key":"resource_name","value":"f"}]}`, `{"limit":"99999999999999999999"}`,
	} {
		for route := range 3 {
			f.Add(uint8(route), []byte(s), false)
			f.Add(uint8(route), []byte(s), true)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, strict bool) {
		_, c := newServer(t, Options{Strict: strict, Now: func() time.Time { return testClock }})
		urn := urnOf("fn")
		c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
		var r reply
		switch route % 3 {
		case 0:
			r = c.do("POST", tagsPath(urn)+"/create", body)
		case 1:
			r = c.do("DELETE", tagsPath(urn)+"/delete", body)
		default:
			r = c.do("POST", "/v2/"+testPID+"/functions/resource-instances/filter", body)
		}
		if r.err != nil || r.status >= 500 {
			t.Fatalf("%v", r)
		}
		if r.status >= 400 && r.code() == "" {
			t.Fatalf("an error without a code: %v", r)
		}
		var out struct {
			Tags []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"tags"`
		}
		json.Unmarshal(c.must(200, "GET", tagsPath(urn), nil).raw, &out)
		if len(out.Tags) > 20 {
			t.Fatalf("%d tags", len(out.Tags))
		}
		// The rules of the mode, as emulator/fgs applies them: the API
		// reference's in strict mode, the TMS rules in lenient mode.
		checkKey, checkValue := fgsspec.CheckTMSTagKey, fgsspec.CheckTMSTagValue
		if strict {
			checkKey, checkValue = fgsspec.CheckTagKey, fgsspec.CheckTagValue
		}
		for _, tg := range out.Tags {
			if checkKey(tg.Key) != nil || checkValue(tg.Value) != nil {
				t.Fatalf("a stored tag breaks the rules: %q=%q", tg.Key, tg.Value)
			}
		}
	})
}

// Which refusal an odd request of the tag family gets: the project id
// first (the family's bare path included, as for the others), then the
// resource id before the sub-path or the method, and the filter's
// action in the handler (400, not the gateway's 404).
func TestTagRefusalOrder(t *testing.T) {
	s, c := newServer(t, Options{})
	c.must(200, "POST", "/functions", createReq(t, "hello", "1"))
	other := "/v2/" + strings.Repeat("0", 32) + "/functions"
	own := "/v2/" + testPID + "/functions"
	good, bad := urnOf("hello"), "urn:fss:nowhere"
	gw := s.gw.Code("0101")
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", other, 403, "FSS.0403"},
		{"GET", other + "/x", 403, "FSS.0403"},
		{"GET", other + "/" + bad + "/tags", 403, "FSS.0403"},
		{"GET", own, 404, gw},
		{"GET", own + "/x", 404, gw},
		{"POST", own + "/tags", 404, gw},
		{"GET", own + "/resource-instances", 404, gw},
		{"GET", own + "/resource-instances/filter", 404, gw},
		{"POST", own + "/resource-instances/tags", 400, "FSS.0400"},
		{"GET", own + "/resource-instances/tags", 400, "FSS.1309"},
		{"POST", own + "/resource-instances/x/y", 404, gw},
		{"GET", own + "/tags/tags", 400, "FSS.1309"},
		{"GET", own + "//tags", 400, "FSS.1309"},
		{"PUT", own + "/" + bad + "/tags", 400, "FSS.1309"},
		{"GET", own + "/" + bad + "/tags/create", 400, "FSS.1309"},
		{"GET", own + "/" + good + ":!a/tags/x", 400, "FSS.0400"},
		{"PUT", own + "/" + good + ":v1/tags", 400, "FSS.0400"},
		{"GET", own + "/" + bad + "/x", 404, gw},
		{"GET", own + "/" + good, 404, gw},
		{"PUT", own + "/" + good + "/tags", 404, gw},
		{"DELETE", own + "/" + good + "/tags/create", 404, gw},
		{"POST", own + "/" + good + "/tags/create/x", 404, gw},
	} {
		wantErr(t, tc.method+" "+tc.path, c.do(tc.method, tc.path, nil), tc.status, tc.code)
	}
}

// Stats names the tag family's routes, which have no /fgs, by what they
// are: none of them is "unknown".
func TestTagRouteNames(t *testing.T) {
	s, c := newServer(t, Options{})
	urn := urnOf("fn")
	c.must(200, "POST", "/functions", createReq(t, "fn", "1"))
	before := s.Stats().Requests
	c.must(204, "POST", tagsPath(urn)+"/create", tagBody("a", "1"))
	c.must(200, "GET", tagsPath(urn), nil)
	c.must(204, "DELETE", tagsPath(urn)+"/delete", tagBody("a", "1"))
	c.must(200, "GET", "/v2/"+testPID+"/functions/tags", nil)
	c.must(200, "POST", "/v2/"+testPID+"/functions/resource-instances/filter", map[string]any{})
	c.must(200, "POST", "/v2/"+testPID+"/functions/resource-instances/count", map[string]any{})
	got := s.Stats().Requests
	for _, name := range []string{"POST tags/create", "GET tags", "DELETE tags/delete", "GET project-tags",
		"POST resource-instances/filter", "POST resource-instances/count"} {
		if got[name]-before[name] != 1 {
			t.Errorf("%s counted %d times, want 1 (%v)", name, got[name]-before[name], got)
		}
	}
	if got["GET unknown"]+got["POST unknown"]+got["DELETE unknown"] != 0 {
		t.Errorf("tag requests counted as unknown: %v", got)
	}
}
