package fgs

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzURNParts: parseURN never panics, anything it accepts round-trips,
// and a URN built from valid parts parses back to the same parts.
func FuzzURNParts(f *testing.F) {
	f.Add("urn:fss:cn-north-4:"+"fedcba9876543210fedcba9876543210"+":function:default:hello:latest", "cn-north-4", "fedcba9876543210fedcba9876543210", "default", "hello", "")
	f.Add("urn:fss:r:p:function:pkg:name:!live", "r", "p", "pkg", "name", "latest")
	f.Add("urn:fss:r:p:function:pkg:name:v1:extra", "ap-southeast-1", "p", "pkg", "name", "!live")
	f.Add("urn:fss::::::", "r", "p", "pkg", "name", "v20260304-050607")
	f.Add("", "r", "p", "pkg", "name", "!")
	f.Add("urn:fss:r:p:function:a:b:", "r", "", "pkg", "name", "1.0")
	f.Add("urn:fss:r:p:function:a:b:!", "r:x", "p", "pkg", "name", "v1")
	f.Add("urn:fss:cn-north-4:"+"fedcba9876543210fedcba9876543210"+":function:default:hello", "r", "p", "pkg", "name", "")
	f.Add("urn:fss:r:p:function:pkg:name:v1", "r", "p", "pkg", "name", "v1")
	f.Fuzz(func(t *testing.T, raw, region, project, pkg, name, qual string) {
		if u, err := parseURN(raw); err == nil {
			if u.region == "" || u.project == "" || u.pkg == "" || u.name == "" || (u.version != "" && u.alias != "") {
				t.Fatalf("%q parsed as %+v", raw, u)
			}
			q := ""
			if u.alias != "" {
				q = ":!" + u.alias
			} else if u.version != "" {
				q = ":" + u.version
			}
			again, err := parseURN(fmt.Sprintf("urn:fss:%s:%s:function:%s:%s%s", u.region, u.project, u.pkg, u.name, q))
			if err != nil || again != u {
				t.Fatalf("%q → %+v does not round-trip: %+v %v", raw, u, again, err)
			}
		} else if err.Status != 400 || err.Code != "FSS.1309" {
			t.Fatalf("%q: %v", raw, err)
		}

		s := "urn:fss:" + region + ":" + project + ":function:" + pkg + ":" + name
		if qual != "" {
			s += ":" + qual
		}
		u, err := parseURN(s)
		valid := true
		for _, p := range []string{region, project, pkg, name} {
			valid = valid && p != "" && !strings.Contains(p, ":")
		}
		if strings.Contains(qual, ":") || qual == "!" {
			valid = false
		}
		if !valid {
			if err == nil && (region == "" || project == "" || pkg == "" || name == "") {
				t.Fatalf("%q with an empty part parsed as %+v", s, u)
			}
			return
		}
		want := urn{region: region, project: project, pkg: pkg, name: name}
		switch {
		case strings.HasPrefix(qual, "!"):
			want.alias = qual[1:]
		case qual != "": // ":latest" stays a qualifier: DELETE {urn}:latest is refused
			want.version = qual
		}
		if err != nil || u != want {
			t.Fatalf("%q parsed as %+v, %v; want %+v", s, u, err, want)
		}
		if u.key() != fnKey(pkg, name) {
			t.Fatalf("key %q", u.key())
		}
	})
}
