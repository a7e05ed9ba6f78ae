package apiclient_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// The client against the SDK's models and functionGraph_meta.go (issue
// 22's audit): what every request carries, and the bodies of the
// operations whose models the client once strayed from.

// seen is a request as it reached the emulator.
type seen struct {
	method, path, contentType string
	body                      []byte
}

// recording starts an emulator behind a handler that records every
// request, and a client for it.
func recording(t *testing.T, strict bool) (*apiclient.Client, func() []seen) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region, Strict: strict})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var log []seen
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		mu.Lock()
		log = append(log, seen{r.Method, r.URL.Path, r.Header.Get("Content-Type"), b})
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, Region: region, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ProjectID(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), log...)
	}
}

// Every request model of the SDK declares Content-Type, and its client
// sends application/json on GET and DELETE too (functionGraph_meta.go:
// WithContentType("application/json") on all 92 operations; OTC and HW
// mark the header mandatory).
func TestContentTypeOnEveryRequest(t *testing.T) {
	bothModes(t, func(t *testing.T, strict bool) {
		c, log := recording(t, strict)
		ctx := context.Background()
		p, _ := zipFile(t, "def handler(e, c):\n    return 1\n")
		f, err := c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "ct", Package: "default", Runtime: "Python3.10",
			Handler: "index.handler", MemorySize: 128, Timeout: 3, CodeType: "zip", CodeFilename: "c.zip", CodeFile: p, Type: "v2"})
		if err != nil {
			t.Fatal(err)
		}
		urn := strings.TrimSuffix(f.FuncURN, ":latest")
		if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		for _, read := range []func() error{
			func() error { _, err := c.GetConfig(ctx, urn); return err },
			func() error { _, err := c.GetCode(ctx, urn); return err },
			func() error { _, err := c.ListVersions(ctx, urn); return err },
			func() error { _, err := c.ListAliases(ctx, urn); return err },
			func() error { _, err := c.GetAlias(ctx, urn, "live"); return err },
			func() error { _, err := c.ListTriggers(ctx, urn); return err },
			func() error { _, err := c.ListFunctions(ctx, "default", "ct"); return err },
			func() error { return c.DeleteAlias(ctx, urn, "live") },
			func() error { return c.DeleteVersion(ctx, urn, "v1") },
		} {
			if err := read(); err != nil {
				t.Fatal(err)
			}
		}
		methods := map[string]bool{}
		for _, r := range log() {
			methods[r.method] = true
			if !strings.HasPrefix(r.contentType, "application/json") {
				t.Errorf("%s %s: Content-Type %q, want application/json", r.method, r.path, r.contentType)
			}
		}
		if !methods["GET"] || !methods["DELETE"] {
			t.Fatalf("the test sent no GET or no DELETE: %v", methods)
		}
	})
}

// UpdateVersionAliasRequestBody has version, description and the routing,
// not name (the name is in the path); CreateVersionAliasRequestBody has
// name.
func TestAliasBodiesFollowTheSDK(t *testing.T) {
	bothModes(t, func(t *testing.T, strict bool) {
		c, log := recording(t, strict)
		ctx := context.Background()
		p, _ := zipFile(t, "def handler(e, c):\n    return 1\n")
		f, err := c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "al", Package: "default", Runtime: "Python3.10",
			Handler: "index.handler", MemorySize: 128, Timeout: 3, CodeType: "zip", CodeFilename: "c.zip", CodeFile: p, Type: "v2"})
		if err != nil {
			t.Fatal(err)
		}
		urn := strings.TrimSuffix(f.FuncURN, ":latest")
		if _, err := c.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "latest", Description: "d"}); err != nil {
			t.Fatal(err)
		}
		bodies := map[string]map[string]any{}
		for _, r := range log() {
			if strings.HasSuffix(r.path, "/aliases") && r.method == "POST" || strings.HasSuffix(r.path, "/aliases/live") && r.method == "PUT" {
				var m map[string]any
				if err := json.Unmarshal(r.body, &m); err != nil {
					t.Fatal(err)
				}
				bodies[r.method] = m
			}
		}
		if _, has := bodies["PUT"]["name"]; has || bodies["PUT"]["version"] != "latest" {
			t.Errorf("alias update body %v: want version and no name", bodies["PUT"])
		}
		if bodies["POST"]["name"] != "live" {
			t.Errorf("alias create body %v: want name", bodies["POST"])
		}
	})
}
