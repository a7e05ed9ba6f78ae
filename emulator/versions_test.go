package emulator

// Versions: publish, names, the cap, snapshots.

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestVersions(t *testing.T) {
	clock := testClock
	s, c := newServer(t, Options{VersionCap: 3, Now: func() time.Time { return clock }})
	u := "/functions/" + urnOf("hello")
	c.must(200, "POST", "/functions", createReq(t, "hello", "one"))

	r := c.must(200, "POST", u+"/versions", map[string]any{"description": "first"})
	v1 := "v20260304-050607"
	if m := r.obj(); m["version"] != v1 || m["func_urn"] != urnOf("hello")+":"+v1 || m["version_description"] != "first" || m["digest"] != hexSHA512(zipOf(t, "one")) {
		t.Fatalf("publish default name: %s", r.raw)
	}
	noSecret(t, "publish", r)
	wantErr(t, "unchanged", c.do("POST", u+"/versions", map[string]any{"version": "v2"}), 400, "FSS.1016")
	wantErr(t, "unchanged, no body", c.do("POST", u+"/versions", nil), 400, "FSS.1016")

	c.must(200, "PUT", u+"/code", codeReq(t, "two"))
	wantErr(t, "duplicate name", c.do("POST", u+"/versions", map[string]any{"version": v1}), 409, "FSS.1062")
	wantErr(t, "invalid name", c.do("POST", u+"/versions", map[string]any{"version": "-bad-"}), 400, "FSS.1015")
	wantErr(t, "latest as a name", c.do("POST", u+"/versions", map[string]any{"version": "latest"}), 400, "FSS.1015")
	wantErr(t, "digest mismatch", c.do("POST", u+"/versions", map[string]any{"version": "v2", "digest": hexSHA512(nil)}), 428, "FSS.0428")
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2", "digest": hexSHA512(zipOf(t, "two"))})

	// The cap counts latest: with 3, two versions are the maximum.
	c.must(200, "PUT", u+"/code", codeReq(t, "three"))
	wantErr(t, "version cap", c.do("POST", u+"/versions", map[string]any{"version": "v3"}), 400, "FSS.1015")

	r = c.must(200, "GET", u+"/versions", nil)
	m := r.obj()
	vs, _ := m["versions"].([]any)
	var names []string
	for _, v := range vs {
		names = append(names, v.(map[string]any)["version"].(string))
	}
	if strings.Join(names, ",") != "latest,"+v1+",v2" || m["count"] != 3.0 {
		t.Fatalf("versions: %s", r.raw)
	}
	if d := vs[0].(map[string]any)["digest"]; d != hexSHA512(zipOf(t, "three")) {
		t.Errorf("latest digest %v", d)
	}
	if d := vs[1].(map[string]any)["digest"]; d != hexSHA512(zipOf(t, "one")) {
		t.Errorf("v1 digest %v", d)
	}

	// A version is a snapshot: its config and code do not follow latest.
	c.must(200, "PUT", u+"/config", configReq("hello"))
	r = c.must(200, "GET", u+":"+v1+"/config", nil)
	if m := r.obj(); m["memory_size"] != 256.0 || m["version"] != v1 || m["digest"] != hexSHA512(zipOf(t, "one")) {
		t.Errorf("version snapshot: %s", r.raw)
	}
	r = c.must(200, "GET", u+":"+v1+"/code", nil)
	if got := getLink(t, r.obj()["func_code"].(map[string]any)["link"].(string)); !bytes.Equal(got, zipOf(t, "one")) {
		t.Errorf("version code link")
	}
	wantErr(t, "publish on a version URN", c.do("POST", u+":"+v1+"/versions", nil), 400, "FSS.0400")

	// Deleting a version frees a slot.
	c.must(204, "DELETE", u+":"+v1, nil)
	wantErr(t, "deleted version", c.do("GET", u+":"+v1+"/config", nil), 404, "FSS.1052")
	wantErr(t, "delete again", c.do("DELETE", u+":"+v1, nil), 404, "FSS.1052")
	clock = clock.Add(time.Second)
	r = c.must(200, "POST", u+"/versions", nil)
	if r.obj()["version"] != "v20260304-050608" {
		t.Errorf("second default name: %s", r.raw)
	}
	if st := s.Stats(); st.Publishes["default/hello"] != 3 {
		t.Errorf("stats %+v", st.Publishes)
	}
}

// Publishing beyond the default cap of 20 versions, latest included.
func TestDefaultVersionCap(t *testing.T) {
	_, c := newServer(t, Options{})
	u := "/functions/" + urnOf("hello")
	c.do("POST", "/functions", createReq(t, "hello", "0"))
	for i := 1; i <= 20; i++ {
		if i > 1 {
			c.do("PUT", u+"/config", map[string]any{"func_name": "hello", "runtime": "Python3.10", "handler": "index.handler", "memory_size": 128, "timeout": 3 + i})
		}
		st, m := c.do("POST", u+"/versions", map[string]any{"version": fmt.Sprint("v", i)}).fields()
		if i < 20 && st != 200 {
			t.Fatalf("version %d: %d %v", i, st, m)
		}
		if i == 20 && (st != 400 || m["error_code"] != "FSS.1015") {
			t.Fatalf("the 20th published version (21 with latest): %d %v", st, m)
		}
	}
}
