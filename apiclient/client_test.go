package apiclient_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

const (
	ak     = "TESTAK"
	sk     = "test-secret-key-value"
	pid    = "0123456789abcdef0123456789abcdef"
	region = "cn-north-4"
)

type env struct {
	srv    *emulator.Server
	http   *httptest.Server
	client *apiclient.Client
	sleeps []time.Duration
	mu     sync.Mutex
}

// setup starts an emulator and a client against it over real HTTP.
func setup(t *testing.T, eo emulator.Options, co apiclient.Config) *env {
	t.Helper()
	eo.AccessKey, eo.SecretKey, eo.Region = ak, sk, region
	if eo.ProjectID == "" {
		eo.ProjectID = pid
	}
	srv, err := emulator.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &env{srv: srv, http: hs}
	co.Endpoint, co.IAMEndpoint, co.Region = hs.URL, hs.URL, region
	if co.AccessKey == "" && co.AuthToken == "" {
		co.AccessKey, co.SecretKey = ak, sk
	}
	if co.Sleep == nil {
		co.Sleep = func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		}
	}
	c, err := apiclient.New(co)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ProjectID(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// zipFile writes a small zip and returns its path and digest.
func zipFile(t *testing.T, content string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	io.WriteString(w, content)
	zw.Close()
	p := filepath.Join(t.TempDir(), "code.zip")
	os.WriteFile(p, buf.Bytes(), 0o644)
	sum := sha512.Sum512(buf.Bytes())
	return p, hex.EncodeToString(sum[:])
}

func create(t *testing.T, e *env, name string) (*apiclient.Function, string) {
	t.Helper()
	p, digest := zipFile(t, "def handler(e, c):\n    return '"+name+"'\n")
	f, err := e.client.CreateFunction(context.Background(), &apiclient.CreateRequest{
		FuncName: name, Package: "default", Runtime: "Python3.10", Handler: "index.handler", MemorySize: 256, Timeout: 30,
		CodeType: "zip", CodeFilename: "code.zip", CodeFile: p, UserData: `{"A":"1"}`, EncryptedUserData: `{"TOKEN":"s3cr3t"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Digest != digest {
		t.Fatalf("create digest %s, want %s", f.Digest, digest)
	}
	return f, digest
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	e := setup(t, emulator.Options{}, apiclient.Config{}) // project id looked up through IAM
	f, _ := create(t, e, "hello")
	urn := e.client.FunctionURN("default", "hello")
	if !strings.HasPrefix(f.FuncURN, urn) || f.CodeSize == 0 {
		t.Fatalf("created %+v", f)
	}

	cfg, err := e.client.GetConfig(ctx, urn)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.UserData != `{"A":"1"}` || cfg.EncryptedUserData != "" || cfg.MemorySize != 256 {
		t.Fatalf("config %+v", cfg)
	}

	// Code: update, then download through the link.
	p2, d2 := zipFile(t, "v2")
	code, err := e.client.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "code.zip", CodeFile: p2})
	if err != nil || code.Digest != d2 {
		t.Fatalf("update code: %v %+v", err, code)
	}
	got, err := e.client.GetCode(ctx, urn)
	if err != nil || got.FuncCode == nil || got.FuncCode.Link == "" {
		t.Fatalf("get code: %v %+v", err, got)
	}
	resp, err := http.Get(got.FuncCode.Link)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sum := sha512.Sum512(b)
	if hex.EncodeToString(sum[:]) != d2 {
		t.Fatal("downloaded code does not match the digest")
	}

	// Config: a full replace.
	up, err := e.client.UpdateConfig(ctx, urn, &apiclient.UpdateConfigRequest{FuncName: "hello", Runtime: "Python3.10", Handler: "index.handler", MemorySize: 512, Timeout: 60, Description: "d"})
	if err != nil || up.MemorySize != 512 || up.UserData != "" {
		t.Fatalf("update config: %v %+v", err, up)
	}
	if err := e.client.UpdateMaxInstances(ctx, urn, 10); err != nil {
		t.Fatal(err)
	}
	if cfg, _ = e.client.GetConfig(ctx, urn); cfg.StrategyConfig == nil || cfg.StrategyConfig.Concurrency == nil || *cfg.StrategyConfig.Concurrency != 10 {
		t.Fatalf("max instances (strategy_config.concurrency) %+v", cfg.StrategyConfig)
	}

	// Versions and aliases.
	v1, err := e.client.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v1", Description: "first", Digest: d2})
	if err != nil || v1.Version != "v1" {
		t.Fatalf("publish: %v %+v", err, v1)
	}
	_, err = e.client.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: "v2"})
	var ae *apiclient.APIError
	if !errors.As(err, &ae) || ae.Code != "FSS.1016" {
		t.Fatalf("republish unchanged: %v", err)
	}
	p3, _ := zipFile(t, "v3")
	e.client.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "code.zip", CodeFile: p3})
	v2, err := e.client.PublishVersion(ctx, urn, &apiclient.PublishRequest{}) // server-named
	if err != nil || !strings.HasPrefix(v2.Version, "v20") {
		t.Fatalf("unnamed publish: %v %+v", err, v2)
	}
	vs, err := e.client.ListVersions(ctx, urn)
	if err != nil || len(vs) != 3 || vs[0].Version != "latest" {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	a, err := e.client.CreateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: "v1", AdditionalVersionWeights: map[string]int{v2.Version: 10}})
	if err != nil || a.AdditionalVersionWeights[v2.Version] != 10 {
		t.Fatalf("create alias: %v %+v", err, a)
	}
	as, err := e.client.ListAliases(ctx, urn)
	if err != nil || len(as) != 1 {
		t.Fatalf("aliases: %v %+v", err, as)
	}
	if a, err = e.client.UpdateAlias(ctx, urn, &apiclient.Alias{Name: "live", Version: v2.Version}); err != nil || len(a.AdditionalVersionWeights) != 0 {
		t.Fatalf("update alias: %v %+v", err, a)
	}
	if a, err = e.client.GetAlias(ctx, urn, "live"); err != nil || a.Version != v2.Version {
		t.Fatalf("get alias: %v %+v", err, a)
	}
	if err := e.client.DeleteVersion(ctx, urn, "v1"); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteVersion(ctx, urn, "latest"); err == nil {
		t.Fatal("deleting latest succeeded")
	}
	if err := e.client.DeleteAlias(ctx, urn, "live"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetAlias(ctx, urn, "live"); !apiclient.IsNotFound(err) {
		t.Fatalf("deleted alias: %v", err)
	}
	if _, err := e.client.GetConfig(ctx, urn+":v1"); !apiclient.IsNotFound(err) {
		t.Fatalf("deleted version: %v", err)
	}
}

func TestListFunctionsPages(t *testing.T) {
	e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid})
	p, _ := zipFile(t, "x")
	const n = 405 // more than one page of 400
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := e.client.CreateFunction(context.Background(), &apiclient.CreateRequest{FuncName: fmt.Sprintf("f%03d", i), Package: "default",
				Runtime: "Python3.10", Handler: "index.handler", MemorySize: 128, Timeout: 3, CodeType: "zip", CodeFilename: "c.zip", CodeFile: p})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	fs, err := e.client.ListFunctions(context.Background(), "default", "")
	if err != nil || len(fs) != n {
		t.Fatalf("listed %d functions (%v), want %d", len(fs), err, n)
	}
	if e.srv.Stats().Requests["GET functions"] != 2 {
		t.Fatalf("want 2 pages, stats %v", e.srv.Stats().Requests)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("not found by code", func(t *testing.T) {
		e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid})
		_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "nope"))
		var ae *apiclient.APIError
		if !apiclient.IsNotFound(err) || !errors.As(err, &ae) || ae.Code != "FSS.1051" || ae.StatusCode != 404 || ae.RequestID == "" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not found trap", func(t *testing.T) {
		e := setup(t, emulator.Options{NotFoundTrap: true}, apiclient.Config{ProjectID: pid})
		_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "nope"))
		var ae *apiclient.APIError
		if !apiclient.IsNotFound(err) || !errors.As(err, &ae) || ae.StatusCode != 401 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong secret key", func(t *testing.T) {
		e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid, AccessKey: ak, SecretKey: "wrong"})
		_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "x"))
		var ae *apiclient.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "APIG.0301" || apiclient.IsNotFound(err) {
			t.Fatalf("err = %v", err)
		}
		if n := e.srv.Stats().Requests["GET function/config"]; n != 1 {
			t.Fatalf("an auth failure was retried: %d requests", n)
		}
	})
	t.Run("stale clock", func(t *testing.T) {
		e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid, Now: func() time.Time { return time.Now().Add(-20 * time.Minute) }})
		_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "x"))
		if err == nil || !strings.Contains(err.Error(), "15 minutes") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong project", func(t *testing.T) {
		e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: "ffffffffffffffffffffffffffffffff"})
		_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "x"))
		var ae *apiclient.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 403 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("token", func(t *testing.T) {
		e := setup(t, emulator.Options{Token: "tok"}, apiclient.Config{ProjectID: pid, AuthToken: "tok"})
		if _, err := e.client.ListFunctions(ctx, "", ""); err != nil {
			t.Fatal(err)
		}
		bad := setup(t, emulator.Options{Token: "tok"}, apiclient.Config{ProjectID: pid, AuthToken: "other"})
		if _, err := bad.client.ListFunctions(ctx, "", ""); err == nil {
			t.Fatal("a wrong token was accepted")
		}
	})
	t.Run("security token is signed", func(t *testing.T) {
		e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid, SecurityToken: "sts-token"})
		if _, err := e.client.ListFunctions(ctx, "", ""); err != nil {
			t.Fatal(err)
		}
	})
	// A token pasted with a space or a tab around it: net/http trims
	// header values on the wire, so the signature is over the trimmed
	// value (as the SDK's signer computes it), and the request passes.
	t.Run("security token with spaces around it", func(t *testing.T) {
		for _, tok := range []string{"sts-token ", " sts-token", "sts-token\t", "  sts token  "} {
			e := setup(t, emulator.Options{}, apiclient.Config{ProjectID: pid, SecurityToken: tok})
			if _, err := e.client.ListFunctions(ctx, "", ""); err != nil {
				t.Errorf("token %q: %v", tok, err)
			}
		}
	})
}

// Retries under injected faults are bounded and succeed; the delays grow.
func TestRetriesUnderFaults(t *testing.T) {
	ctx := context.Background()
	e := setup(t, emulator.Options{FaultRate: 0.4, Seed: 3}, apiclient.Config{ProjectID: pid, Retry: apiclient.RetryPolicy{MaxAttempts: 10}})
	for i := 0; i < 10; i++ {
		create(t, e, fmt.Sprintf("f%d", i))
	}
	fs, err := e.client.ListFunctions(ctx, "", "")
	if err != nil || len(fs) != 10 {
		t.Fatalf("list: %v, %d", err, len(fs))
	}
	st := e.srv.Stats()
	if st.Faults == 0 || len(e.sleeps) == 0 {
		t.Fatalf("no faults were injected or retried: %+v", st)
	}

	// Always failing: exactly MaxAttempts attempts, then the error. The
	// attempts are counted by the client's sleeps between them: Go's
	// transport itself re-sends a GET whose reused connection was dropped,
	// so the server may see more requests than the client made attempts,
	// depending on which faults the seed draws.
	for seed := int64(1); seed <= 8; seed++ {
		f := setup(t, emulator.Options{FaultRate: 1, Seed: seed}, apiclient.Config{ProjectID: pid, Retry: apiclient.RetryPolicy{MaxAttempts: 3}})
		_, err = f.client.GetConfig(ctx, f.client.FunctionURN("default", "x"))
		if err == nil {
			t.Fatalf("seed %d: want an error", seed)
		}
		if len(f.sleeps) != 2 {
			t.Fatalf("seed %d: %d waits between attempts, want 2 (3 attempts)", seed, len(f.sleeps))
		}
		if n := f.srv.Stats().Requests["GET function/config"]; n < 3 {
			t.Fatalf("seed %d: the emulator saw %d requests, want at least 3", seed, n)
		}
	}
}

// A publish whose response is lost after it took effect is not published twice.
func TestNoDuplicatePublish(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ctx := context.Background()
			var e *env
			e = setup(t, emulator.Options{FaultAfterEffect: true, Seed: seed, RetryAfter: -1}, apiclient.Config{ProjectID: pid,
				Sleep: func(ctx context.Context, d time.Duration) error { e.srv.SetFaultRate(0); return nil }})
			create(t, e, "hello")
			urn := e.client.FunctionURN("default", "hello")
			for _, name := range []string{"v1", ""} {
				if name == "" { // change latest so an unnamed publish is allowed
					p, _ := zipFile(t, "next")
					e.client.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: p})
				}
				e.srv.SetFaultRate(1)
				v, err := e.client.PublishVersion(ctx, urn, &apiclient.PublishRequest{Version: name})
				if err != nil {
					t.Fatal(err)
				}
				if name != "" && v.Version != name {
					t.Fatalf("published %q", v.Version)
				}
			}
			if n := e.srv.Stats().Publishes["default/hello"]; n != 2 {
				t.Fatalf("%d publishes took effect, want 2", n)
			}
		})
	}
}

// A create whose response was lost is not sent blindly again.
func TestCreateRecovers(t *testing.T) {
	var e *env
	e = setup(t, emulator.Options{FaultAfterEffect: true, Seed: 2, RetryAfter: -1}, apiclient.Config{ProjectID: pid,
		Sleep: func(ctx context.Context, d time.Duration) error { e.srv.SetFaultRate(0); return nil }})
	e.srv.SetFaultRate(1)
	create(t, e, "hello")
	if n := e.srv.Stats().Requests["POST functions"]; n > 2 {
		t.Fatalf("create sent %d times", n)
	}
}

func TestDebugLogRedaction(t *testing.T) {
	var buf bytes.Buffer
	e := setup(t, emulator.Options{Token: "tok"}, apiclient.Config{ProjectID: pid, Debug: &buf, SecurityToken: "sts-secret-token"})
	create(t, e, "hello")
	urn := e.client.FunctionURN("default", "hello")
	// The config update must be sent, or the log cannot show it leaking.
	if _, err := e.client.UpdateConfig(context.Background(), urn, &apiclient.UpdateConfigRequest{FuncName: "hello", Runtime: "Python3.10",
		Handler: "index.handler", MemorySize: 128, Timeout: 3, EncryptedUserData: `{"TOKEN":"s3cr3t-config"}`}); err != nil {
		t.Fatal(err)
	}
	p, _ := zipFile(t, "def handler(e, c):\n    return 'hello'\n")
	code, _ := os.ReadFile(p)
	log := buf.String()
	if !strings.Contains(log, "POST /functions") || !strings.Contains(log, "PUT /functions/"+urn+"/config") {
		t.Fatalf("debug log misses requests:\n%s", log)
	}
	for _, secret := range []string{sk, "Authorization", "SDK-HMAC", "sts-secret-token", "s3cr3t", base64.StdEncoding.EncodeToString(code)[:20]} {
		if strings.Contains(log, secret) {
			t.Fatalf("debug log contains %q:\n%s", secret, log)
		}
	}
}

func TestCancel(t *testing.T) {
	e := setup(t, emulator.Options{Latency: 2 * time.Second}, apiclient.Config{ProjectID: pid})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := e.client.GetConfig(ctx, e.client.FunctionURN("default", "x"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func BenchmarkGetConfig(b *testing.B) {
	srv, _ := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c, _ := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	p := filepath.Join(b.TempDir(), "c.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.Create("a")
	zw.Close()
	os.WriteFile(p, buf.Bytes(), 0o644)
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "f", Package: "default", Runtime: "Python3.10", Handler: "i.h", MemorySize: 128, Timeout: 3, CodeType: "zip", CodeFilename: "c.zip", CodeFile: p}); err != nil {
		b.Fatal(err)
	}
	urn := c.FunctionURN("default", "f")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetConfig(ctx, urn); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
