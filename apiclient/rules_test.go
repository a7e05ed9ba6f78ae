package apiclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// The client's side of the API rules of docs/api-notes.md, each against
// the emulator's lenient and strict readings.

func bothModes(t *testing.T, run func(t *testing.T, strict bool)) {
	for _, strict := range []bool{false, true} {
		name := "lenient"
		if strict {
			name = "strict"
		}
		t.Run(name, func(t *testing.T) { run(t, strict) })
	}
}

// Rule 7: the version list is read to its end whatever the paging
// reading: everything at once with count (lenient), or pages of maxitems
// with next_marker and no count (strict), and pages smaller than the
// list.
func TestRule07VersionsPaging(t *testing.T) {
	bothModes(t, func(t *testing.T, strict bool) {
		for _, size := range []int{0, 1, 2, 5} {
			t.Run(fmt.Sprintf("maxitems %d", size), func(t *testing.T) {
				e := setup(t, emulator.Options{Strict: strict}, apiclient.Config{ProjectID: pid, PageSize: size})
				ctx := context.Background()
				f, _ := create(t, e, "paged")
				want := []string{"latest"}
				for i := 1; i <= 11; i++ {
					p, _ := zipFile(t, fmt.Sprintf("v%d", i)) // strict: a publish needs a code change
					if _, err := e.client.UpdateCode(ctx, f.FuncURN, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: p}); err != nil {
						t.Fatal(err)
					}
					v := fmt.Sprintf("v%d", i)
					if _, err := e.client.PublishVersion(ctx, f.FuncURN, &apiclient.PublishRequest{Version: v}); err != nil {
						t.Fatal(err)
					}
					want = append(want, v)
				}
				vs, err := e.client.ListVersions(ctx, f.FuncURN)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, v := range vs {
					got = append(got, v.Version)
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Fatalf("listed %v, want %v", got, want)
				}
			})
		}
	})
}

// Rule 7, the shapes the emulator does not serve: a page's end is decided
// by what holds under every reading (an empty page, nothing new, count
// reached, next_marker absent or not moving), never by a page shorter
// than maxitems, since a service may cap maxitems below what was asked.
func TestRule07PageShapes(t *testing.T) {
	const total = 7
	for _, tc := range []struct {
		name     string
		capItems int  // the most the server sends per page, whatever maxitems says
		count    bool // the answer carries count
		ignore   bool // marker is ignored: every page is the first
		noNext   bool // the last page has no next_marker
		asString bool // next_marker as a string
	}{
		{name: "capped below maxitems, no count", capItems: 3},
		{name: "capped, with count", capItems: 3, count: true},
		{name: "marker ignored, no count", capItems: total, ignore: true},
		{name: "marker ignored, with count", capItems: total, ignore: true, count: true},
		{name: "no next_marker on the last page", capItems: 2, noNext: true},
		{name: "next_marker as a string", capItems: 4, asString: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests := 0
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests++
				if requests > 20 {
					t.Errorf("more than 20 requests: the client does not stop")
					http.Error(w, "{}", 500)
					return
				}
				marker, _ := strconv.Atoi(r.URL.Query().Get("marker"))
				if tc.ignore {
					marker = 0
				}
				n := min(tc.capItems, total-min(marker, total))
				vs := []map[string]string{}
				for i := marker; i < marker+n; i++ {
					vs = append(vs, map[string]string{"version": fmt.Sprintf("v%d", i), "func_urn": "u"})
				}
				page := map[string]any{"versions": vs}
				next := marker + n
				switch {
				case tc.noNext && next >= total:
				case tc.asString:
					page["next_marker"] = strconv.Itoa(next)
				default:
					page["next_marker"] = next
				}
				if tc.count {
					page["count"] = total
				}
				json.NewEncoder(w).Encode(page)
			}))
			defer hs.Close()
			c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
			if err != nil {
				t.Fatal(err)
			}
			vs, err := c.ListVersions(context.Background(), "urn:fss:cn-north-4:"+pid+":function:default:f")
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != total {
				t.Fatalf("listed %d versions, want %d", len(vs), total)
			}
			for i, v := range vs {
				if v.Version != fmt.Sprintf("v%d", i) {
					t.Fatalf("entry %d is %s", i, v.Version)
				}
			}
		})
	}
}

// Rule 14: FunctionGraph's func_name filter is a fuzzy match; a list by
// name returns the function of that exact name only.
func TestRule14FuncNameFilterIsFuzzy(t *testing.T) {
	bothModes(t, func(t *testing.T, strict bool) {
		e := setup(t, emulator.Options{Strict: strict}, apiclient.Config{ProjectID: pid, PageSize: 2})
		for _, n := range []string{"api", "api-v2", "my-api", "apis"} {
			create(t, e, n)
		}
		fs, err := e.client.ListFunctions(context.Background(), "default", "api")
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].FuncName != "api" {
			var names []string
			for _, f := range fs {
				names = append(names, f.FuncName)
			}
			t.Fatalf("ListFunctions(api) = %v, want [api]", names)
		}
		all, err := e.client.ListFunctions(context.Background(), "default", "")
		if err != nil || len(all) != 4 {
			t.Fatalf("all functions: %d (%v), want 4", len(all), err)
		}
	})
}
