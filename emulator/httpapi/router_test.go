package httpapi

import (
	"strings"
	"testing"
)

// req is what the test routes carry: the parameters read and the route
// that answered.
type req struct {
	id, name string
}

func testRouter() *Router[req] {
	rt := &Router[req]{}
	rt.Param("id", func(r *req, v string) *Error {
		if !strings.HasPrefix(v, "ok") {
			return Errorf(400, "BAD.ID", "id %q", v)
		}
		r.id = v
		return nil
	})
	rt.Param("name", func(r *req, v string) *Error { r.name = v; return nil })
	answer := func(route string) func(*req) Response {
		return func(r *req) Response { return OK(route + " " + r.id + " " + r.name) }
	}
	rt.Handle("GET", "/v1/things", answer("list"))
	rt.Handle("POST", "/v1/things", answer("create"))
	rt.Handle("GET", "/v1/things/{id}", answer("show"))
	rt.Handle("PUT", "/v1/things/{id}/names/{name}", answer("rename"))
	rt.Handle("", "/v1/things/{id}/{...}", answer("rest"))
	rt.Handle("GET", "/v2/{name}/other", answer("other"))
	return rt
}

func TestRouter(t *testing.T) {
	rt := testRouter()
	for _, tc := range []struct {
		method, path string
		want         string // the body, "404" when not found, or an error code
	}{
		{"GET", "/v1/things", "list  "},
		{"POST", "/v1/things/", "create  "},    // a trailing slash is the same path
		{"DELETE", "/v1/things", "404"},        // no route takes the method
		{"GET", "/v1/things/ok1", "show ok1 "}, // a parameter
		{"GET", "/v1/things/bad", "BAD.ID"},    // a bad parameter, whatever follows
		{"PATCH", "/v1/things/bad", "BAD.ID"},  // whatever the method
		{"GET", "/v1/things/bad/x/y", "BAD.ID"},
		{"PUT", "/v1/things/ok2/names/n", "rename ok2 n"},
		{"GET", "/v1/things/ok2/names/n", "rest ok2 n"}, // the catch-all takes any method
		{"DELETE", "/v1/things/ok3", "rest ok3 "},       // {...} matches nothing too
		{"GET", "/v1/things/ok4/a/b/c", "rest ok4 "},
		{"GET", "/v1/things//x", "BAD.ID"}, // an empty segment is a value
		{"GET", "/v1/other", "404"},
		{"GET", "/v2/x/other", "other  x"}, // parameters anywhere
		{"GET", "/v2/x/other/more", "404"},
		{"GET", "/", "404"},
	} {
		resp, found := rt.Serve(&req{}, tc.method, tc.path)
		got := "404"
		switch {
		case !found:
		case resp.Err != nil:
			got = resp.Err.Code
		default:
			got = resp.Body.(string)
		}
		if got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestRouterRefusesUndeclaredParameters(t *testing.T) {
	for _, pattern := range []string{"/a/{nope}", "/a/{...}/b"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", pattern)
				}
			}()
			testRouter().Handle("GET", pattern, func(*req) Response { return NoContent() })
		}()
	}
}

// FuzzRouter: any method and path routes without a panic, and a route
// found answers or refuses with what its table says.
func FuzzRouter(f *testing.F) {
	for _, p := range []string{"/v1/things", "/v1/things/ok/names/x", "//", "/v1/things/x/{id}", "/v2//other", ""} {
		f.Add("GET", p)
	}
	rt := testRouter()
	f.Fuzz(func(t *testing.T, method, path string) {
		resp, found := rt.Serve(&req{}, method, path)
		if !found {
			return
		}
		if resp.Err != nil && resp.Err.Code != "BAD.ID" {
			t.Fatalf("%s %q: %v", method, path, resp.Err)
		}
		if resp.Err == nil && resp.Body == nil {
			t.Fatalf("%s %q: found without an answer", method, path)
		}
	})
}
