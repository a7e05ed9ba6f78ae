package apiclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// Tags round-trip through the tag API in both modes, and FindTagged finds
// exactly the functions that carry a tag over many pages (strict pages by
// 10 and answers every function, whatever the tag asked for).
func TestTagsAndFindTagged(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprint("strict=", strict), func(t *testing.T) {
			e := setup(t, emulator.Options{Strict: strict}, apiclient.Config{})
			ctx := context.Background()
			var want []string
			for i := range 25 {
				name := fmt.Sprintf("f%02d", i)
				create(t, e, name)
				owner := "other"
				if i%3 == 0 {
					owner = "shop"
					want = append(want, name)
				}
				if err := e.client.CreateTags(ctx, e.client.FunctionURN("default", name), map[string]string{"fgsdeploy-project": owner, "team": "t"}); err != nil {
					t.Fatal(err)
				}
			}
			urn := e.client.FunctionURN("default", "f00")
			if err := e.client.DeleteTags(ctx, urn, map[string]string{"team": "t"}); err != nil {
				t.Fatal(err)
			}
			tags, err := e.client.ListTags(ctx, urn)
			if err != nil || len(tags) != 1 || tags["fgsdeploy-project"] != "shop" {
				t.Fatalf("tags %v, %v", tags, err)
			}
			found, err := e.client.FindTagged(ctx, "fgsdeploy-project", "shop")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range found {
				got = append(got, f.Name)
				if f.URN != e.client.FunctionURN("default", f.Name) || f.Package != "default" {
					t.Errorf("%+v", f)
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("found %v, want %v", got, want)
			}
			if n := e.srv.Stats().Requests["POST resource-instances/filter"]; strict && n < 3 {
				t.Fatalf("%d filter requests for 25 functions in pages of 10", n)
			}
			if err := e.client.DeleteFunction(ctx, urn); err != nil {
				t.Fatal(err)
			}
			if _, err := e.client.ListTags(ctx, urn); !apiclient.IsNotFound(err) {
				t.Fatalf("tags of a deleted function: %v", err)
			}
			if err := e.client.DeleteFunction(ctx, urn+":latest"); err == nil {
				t.Fatal("DeleteFunction took a qualified URN")
			}
		})
	}
}

// Under a third reading the filter answers without tags, names resources
// by their name (the URN only in the detail), ignores offset (the same
// page again) and gives no total_count: FindTagged still finds only what
// carries the tag, reading each resource's tags itself, and stops.
func TestFindTaggedTrustsNothing(t *testing.T) {
	srv, err := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var first []byte
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/resource-instances/filter") {
			srv.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			var page struct {
				Resources []map[string]any `json:"resources"`
			}
			json.Unmarshal(rec.Body.Bytes(), &page)
			for _, res := range page.Resources {
				delete(res, "tags")
				res["resource_id"] = res["resource_name"]
			}
			// Another region's function, and one that is gone.
			page.Resources = append(page.Resources, map[string]any{"resource_id": "urn:fss:eu-west-0:" + pid + ":function:default:far"},
				map[string]any{"resource_id": "urn:fss:" + region + ":" + pid + ":function:default:gone"})
			first, _ = json.Marshal(page)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(first)
	}))
	t.Cleanup(hs.Close)
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{srv: srv, client: c}
	ctx := context.Background()
	for _, n := range []string{"mine", "theirs", "bare"} {
		create(t, e, n)
	}
	c.CreateTags(ctx, c.FunctionURN("default", "mine"), map[string]string{"fgsdeploy-project": "shop"})
	c.CreateTags(ctx, c.FunctionURN("default", "theirs"), map[string]string{"fgsdeploy-project": "other"})
	found, err := c.FindTagged(ctx, "fgsdeploy-project", "shop")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Name != "mine" {
		t.Fatalf("found %+v", found)
	}
	if n := srv.Stats().Requests["GET tags"]; n != 4 {
		t.Fatalf("%d tag reads, want one per function of this region (4)", n)
	}
	// An answer naming something that is not a function is an error,
	// not a guess.
	first = []byte(`{"resources":[{"resource_id":"abc123"}],"total_count":1}`)
	if _, err := c.FindTagged(ctx, "fgsdeploy-project", "shop"); err == nil || !strings.Contains(err.Error(), "not a function URN") {
		t.Fatalf("a resource that is not a URN: %v", err)
	}
}

// FuzzParseFunctionURN: no panic; what parses has every part and rebuilds
// the URN it came from.
func FuzzParseFunctionURN(f *testing.F) {
	for _, s := range []string{"urn:fss:cn-north-4:" + pid + ":function:default:hello", "urn:fss:r:p:function:pkg:n:latest",
		"urn:fss:r:p:function:pkg:n:!live", "urn:fss:r:p:function:pkg:n:!", "urn:fss:::function::", "hello", "", "urn:fss:r:p:function:a:b:c:d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		region, project, pkg, name, ok := apiclient.ParseFunctionURN(s)
		if !ok {
			return
		}
		for _, p := range []string{region, project, pkg, name} {
			if p == "" || strings.Contains(p, ":") {
				t.Fatalf("%q: part %q", s, p)
			}
		}
		if base := "urn:fss:" + region + ":" + project + ":function:" + pkg + ":" + name; !bytes.HasPrefix([]byte(s), []byte(base)) {
			t.Fatalf("%q does not start with %q", s, base)
		}
	})
}
