package emulator

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// The dependency API over HTTP in both modes: versions numbered per
// dependency, the etag the MD5 of the package, paging, the error codes.
func TestDependencies(t *testing.T) {
	pkg := zipOf(t, "import pandas")
	modes(t, Options{}, func(t *testing.T, s *Server, c *client, strict bool) {
		body := map[string]any{"depend_type": "zip", "depend_file": base64.StdEncoding.EncodeToString(pkg), "runtime": "Python3.9", "name": "pandas"}
		v1 := c.must(200, "POST", "/dependencies/version", body).obj()
		v2 := c.must(200, "POST", "/dependencies/version", body).obj()
		if v1["version"] != float64(1) || v2["version"] != float64(2) || v1["dep_id"] != v2["dep_id"] || v1["id"] == v2["id"] {
			t.Fatalf("versions: %v %v", v1, v2)
		}
		if v1["etag"] != md5Hex(pkg) || v1["size"] != float64(len(pkg)) {
			t.Errorf("etag %v size %v, want the package's MD5 and size", v1["etag"], v1["size"])
		}
		dep := v1["dep_id"].(string)
		list := c.must(200, "GET", "/dependencies?name=pandas", nil).obj()
		if ds := list["dependencies"].([]any); len(ds) != 1 || ds[0].(map[string]any)["id"] != dep || list["count"] != float64(1) {
			t.Errorf("list: %v", list)
		}
		page := c.must(200, "GET", "/dependencies/"+dep+"/version?marker=1&maxitems=1", nil).obj()
		if vs := page["dependencies"].([]any); len(vs) != 1 || vs[0].(map[string]any)["version"] != float64(2) || page["next_marker"] != float64(2) || page["count"] != float64(2) {
			t.Errorf("second page: %v", page)
		}
		if sh := c.must(200, "GET", "/dependencies/"+dep+"/version/1", nil).obj(); !strings.HasPrefix(sh["download_link"].(string), "/_emulator/code/") {
			t.Errorf("show: %v", sh)
		}
		wantErr(t, "a bad name", c.do("POST", "/dependencies/version", map[string]any{"depend_type": "zip", "depend_file": "eA==", "runtime": "Python3.9", "name": "9x"}), 400, "FSS.1024")
		wantErr(t, "a bad type", c.do("POST", "/dependencies/version", map[string]any{"depend_type": "tar", "runtime": "Python3.9", "name": "x"}), 400, "FSS.1032")
		wantErr(t, "a bad runtime", c.do("POST", "/dependencies/version", map[string]any{"depend_type": "zip", "depend_file": "eA==", "runtime": "Python3.12", "name": "x"}), 400, "FSS.1005")
		wantErr(t, "an unknown version", c.do("GET", "/dependencies/"+dep+"/version/9", nil), 404, "FSS.1056")
		wantErr(t, "an unknown dependency", c.do("GET", "/dependencies/nosuch/version", nil), 404, "FSS.1056")
		// In use by a published version: refused; once not, deleted.
		c.must(200, "POST", "/functions", createReq(t, "hello", "x"))
		u := "/functions/" + urnOf("hello")
		code := map[string]any{"code_type": "zip", "code_filename": "c.zip", "func_code": map[string]any{"file": base64.StdEncoding.EncodeToString(pkg)}, "depend_version_list": []string{v1["id"].(string)}}
		c.must(200, "PUT", u+"/code", code)
		c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
		code["depend_version_list"] = []string{}
		c.must(200, "PUT", u+"/code", code)
		wantErr(t, "a version a published version uses", c.do("DELETE", "/dependencies/"+dep+"/version/1", nil), 412, "FSS.1033")
		c.must(204, "DELETE", "/dependencies/"+dep+"/version/2", nil)
	})
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
