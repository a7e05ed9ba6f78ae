package emulator

// Aliases: weights, rules, limits and deletion.

import (
	"bytes"
	"fmt"
	"testing"
)

func TestAliases(t *testing.T) {
	_, c := newServer(t, Options{})
	u := "/functions/" + urnOf("hello")
	c.must(200, "POST", "/functions", createReq(t, "hello", "one"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
	c.must(200, "PUT", u+"/code", codeReq(t, "two"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
	c.must(200, "PUT", u+"/code", codeReq(t, "three"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})

	r := c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1", "description": "prod", "additional_version_weights": map[string]int{"v2": 10}})
	if m := r.obj(); m["alias_urn"] != urnOf("hello")+":!live" || m["version"] != "v1" || m["description"] != "prod" {
		t.Fatalf("create alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if w, _ := r.obj()["additional_version_weights"].(map[string]any); w["v2"] != 10.0 {
		t.Errorf("get alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+":!live/config", nil)
	if r.obj()["version"] != "v1" || r.obj()["digest"] != hexSHA512(zipOf(t, "one")) {
		t.Errorf("config through the alias: %s", r.raw)
	}
	wantErr(t, "duplicate alias", c.do("POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"}), 409, "FSS.1063")
	wantErr(t, "bad alias name", c.do("POST", u+"/aliases", map[string]any{"name": "1abc", "version": "v1"}), 400, "FSS.1014")
	wantErr(t, "alias to a missing version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v9"}), 404, "FSS.1052")
	wantErr(t, "second alias on v1", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v1"}), 409, "FSS.1066")
	wantErr(t, "weights to a missing version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v9": 5}}), 400, "FSS.1091")
	wantErr(t, "weights of 100", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v2": 60, "v1": 40}}), 400, "FSS.1092")
	wantErr(t, "weight 0", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v2": 0}}), 400, "FSS.1092")
	wantErr(t, "weights to the main version", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3", "additional_version_weights": map[string]int{"v3": 5}}), 400, "FSS.1093")
	wantErr(t, "weights and strategy", c.do("POST", u+"/aliases", map[string]any{"name": "x", "version": "v3",
		"additional_version_weights":  map[string]int{"v2": 5},
		"additional_version_strategy": map[string]any{"v1": map[string]any{"combine_type": "and", "rules": []any{}}}}), 400, "FSS.1091")

	// Update, with additional_version_weights.
	r = c.must(200, "PUT", u+"/aliases/live", map[string]any{"version": "v2", "additional_version_weights": map[string]int{"v3": 25}})
	if m := r.obj(); m["version"] != "v2" || m["additional_version_weights"].(map[string]any)["v3"] != 25.0 {
		t.Errorf("update alias: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if m := r.obj(); m["version"] != "v2" || m["additional_version_weights"].(map[string]any)["v3"] != 25.0 || m["description"] != "" {
		t.Errorf("alias after update: %s", r.raw)
	}
	wantErr(t, "update weights to a missing version", c.do("PUT", u+"/aliases/live", map[string]any{"version": "v2", "additional_version_weights": map[string]int{"v8": 1}}), 400, "FSS.1091")
	wantErr(t, "update without version", c.do("PUT", u+"/aliases/live", map[string]any{}), 400, "FSS.1015")
	wantErr(t, "update a missing alias", c.do("PUT", u+"/aliases/nope", map[string]any{"version": "v1"}), 404, "FSS.1053")

	// The list is a bare JSON array, sorted.
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "canary", "version": "latest"})
	r = c.must(200, "GET", u+"/aliases", nil)
	if !bytes.HasPrefix(bytes.TrimSpace(r.raw), []byte("[")) {
		t.Fatalf("alias list is not a bare array: %s", r.raw)
	}
	l := r.list()
	if len(l) != 2 || l[0].(map[string]any)["name"] != "canary" || l[1].(map[string]any)["name"] != "live" {
		t.Errorf("alias list: %s", r.raw)
	}
	// One alias per version, latest included.
	wantErr(t, "second alias on latest", c.do("POST", u+"/aliases", map[string]any{"name": "another", "version": "latest"}), 409, "FSS.1066")

	// A weighted version cannot be deleted; the alias's own version can,
	// and takes the alias with it.
	wantErr(t, "delete a canary's weighted version", c.do("DELETE", u+":v3", nil), 403, "FSS.1094")
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "old", "version": "v1"})
	c.must(204, "DELETE", u+":v1", nil)
	wantErr(t, "alias of a deleted version", c.do("GET", u+"/aliases/old", nil), 404, "FSS.1053")
	c.must(200, "GET", u+"/aliases/live", nil)

	// Delete an alias.
	c.must(204, "DELETE", u+"/aliases/canary", nil)
	wantErr(t, "deleted alias", c.do("GET", u+"/aliases/canary", nil), 404, "FSS.1053")
	wantErr(t, "delete a missing alias", c.do("DELETE", u+"/aliases/canary", nil), 404, "FSS.1053")
	wantErr(t, "config through a missing alias", c.do("GET", u+":!canary/config", nil), 404, "FSS.1053")
	// Now that live no longer weights v3... it still does; move it and v3 can go.
	c.must(200, "PUT", u+"/aliases/live", map[string]any{"version": "v2"})
	c.must(204, "DELETE", u+":v3", nil)

	// At most 10 aliases, each on a version of its own.
	for i := len(c.must(200, "GET", u+"/aliases", nil).list()); i < 10; i++ {
		v := fmt.Sprintf("w%d", i)
		c.must(200, "PUT", u+"/code", codeReq(t, v))
		c.must(200, "POST", u+"/versions", map[string]any{"version": v})
		c.must(200, "POST", u+"/aliases", map[string]any{"name": fmt.Sprintf("a%d", i), "version": v})
	}
	wantErr(t, "11th alias", c.do("POST", u+"/aliases", map[string]any{"name": "eleventh", "version": "latest"}), 403, "FSS.1043")
	if n := len(c.must(200, "GET", u+"/aliases", nil).list()); n != 10 {
		t.Errorf("%d aliases", n)
	}
}
