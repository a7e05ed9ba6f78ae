package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// scripted answers requests in order from steps; the emulator cannot
// produce a precise Retry-After sequence or two projects of one name.
func scripted(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		if i >= len(steps) {
			t.Errorf("unexpected request %d: %s %s", i+1, r.Method, r.URL)
			w.WriteHeader(500)
			return
		}
		steps[i](w, r)
	}))
	t.Cleanup(hs.Close)
	return hs, &n
}

func reply(status int, header map[string]string, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func scriptedClient(t *testing.T, url string, sleeps *[]time.Duration) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(apiclient.Config{Endpoint: url, IAMEndpoint: url, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk,
		Rand: func() float64 { return 0 },
		Sleep: func(ctx context.Context, d time.Duration) error {
			*sleeps = append(*sleeps, d)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Retry-After in seconds and as an HTTP date are honoured; gateway and
// non-JSON bodies become typed errors; a 4xx is not retried.
func TestRetryAfterSequence(t *testing.T) {
	when := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	hs, n := scripted(t,
		reply(429, map[string]string{"Retry-After": "3"}, `{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second"}`),
		reply(503, map[string]string{"Retry-After": when}, `<html>service unavailable</html>`),
		reply(502, nil, ``),
		reply(200, map[string]string{"Content-Type": "application/json"}, `{"func_name":"f","version":"latest"}`),
	)
	var sleeps []time.Duration
	c := scriptedClient(t, hs.URL, &sleeps)
	f, err := c.GetConfig(context.Background(), c.FunctionURN("default", "f"))
	if err != nil || f.FuncName != "f" {
		t.Fatalf("%v %+v", err, f)
	}
	if *n != 4 || len(sleeps) != 3 {
		t.Fatalf("%d requests, sleeps %v", *n, sleeps)
	}
	if sleeps[0] != 3*time.Second {
		t.Errorf("Retry-After: 3 gave a sleep of %v", sleeps[0])
	}
	if sleeps[1] < 3*time.Second || sleeps[1] > 5*time.Second {
		t.Errorf("Retry-After as a date (5 s ahead) gave a sleep of %v", sleeps[1])
	}
	if sleeps[2] != 400*time.Millisecond { // 200ms·2² with the jitter at its floor (half)
		t.Errorf("third backoff %v, want 400ms", sleeps[2])
	}

	hs2, n2 := scripted(t,
		reply(503, nil, `<html>bad gateway</html>`),
		reply(400, map[string]string{"X-Request-Id": "rid-1"}, `{"error":{"code":"APIG.0201","message":"Request body too large"}}`),
	)
	sleeps = nil
	c = scriptedClient(t, hs2.URL, &sleeps)
	_, err = c.UpdateConfig(context.Background(), c.FunctionURN("default", "f"), &apiclient.UpdateConfigRequest{FuncName: "f"})
	var ae *apiclient.APIError
	if !errors.As(err, &ae) || ae.Code != "APIG.0201" || ae.StatusCode != 400 || ae.RequestID != "rid-1" || ae.Method != "PUT" {
		t.Fatalf("err = %#v", err)
	}
	if *n2 != 2 {
		t.Fatalf("%d requests, want 2 (a 400 is final)", *n2)
	}
	if want := "APIG.0201 (400): Request body too large (request id rid-1)"; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}

// A bare 429, as a proxy or a WAF answers (an HTML page, no error code),
// is throttling whatever its body: backed off and retried, without a
// Retry-After and with one (honoured), for a POST too (a throttled request
// was not forwarded), and the call succeeds.
func TestBare429IsRetried(t *testing.T) {
	html := map[string]string{"Content-Type": "text/html"}
	page := `<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1><hr>nginx</body></html>`
	hs, n := scripted(t,
		reply(429, html, page),
		reply(429, map[string]string{"Content-Type": "text/html", "Retry-After": "2"}, page),
		reply(200, map[string]string{"Content-Type": "application/json"}, `{"func_name":"f","version":"latest"}`),
	)
	var sleeps []time.Duration
	c := scriptedClient(t, hs.URL, &sleeps)
	f, err := c.GetConfig(context.Background(), c.FunctionURN("default", "f"))
	if err != nil || f.FuncName != "f" {
		t.Fatalf("after two bare 429s: %v %+v", err, f)
	}
	// 200ms at the jitter's floor (half), then the Retry-After.
	if *n != 3 || fmt.Sprint(sleeps) != "[100ms 2s]" {
		t.Fatalf("%d requests, sleeps %v; want 3 and [100ms 2s]", *n, sleeps)
	}

	hs, n = scripted(t,
		reply(429, nil, ``),
		reply(200, map[string]string{"Content-Type": "application/json"}, `{"name":"live","version":"v1"}`),
	)
	sleeps = nil
	c = scriptedClient(t, hs.URL, &sleeps)
	a, err := c.CreateAlias(context.Background(), c.FunctionURN("default", "f"), &apiclient.Alias{Name: "live", Version: "v1"})
	if err != nil || a.Version != "v1" || *n != 2 {
		t.Fatalf("POST after an empty 429: %v %+v, %d requests", err, a, *n)
	}
}

// MaxElapsed bounds the total: a Retry-After past it ends the retries.
func TestRetryMaxElapsed(t *testing.T) {
	hs, n := scripted(t, reply(429, map[string]string{"Retry-After": "30"}, `{"error_code":"FSS.0429","error_msg":"too many requests"}`))
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk,
		Retry: apiclient.RetryPolicy{MaxElapsed: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetConfig(context.Background(), c.FunctionURN("default", "f"))
	var ae *apiclient.APIError
	if !errors.As(err, &ae) || ae.Code != "FSS.0429" || *n != 1 {
		t.Fatalf("err = %v after %d requests", err, *n)
	}
}

func TestProjectLookup(t *testing.T) {
	ctx := context.Background()
	// Through the emulator's IAM: found, and asked only once.
	srv, _ := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c, _ := apiclient.New(apiclient.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, Region: region, AccessKey: ak, SecretKey: sk})
	for i := 0; i < 3; i++ {
		if got, err := c.ProjectID(ctx); err != nil || got != pid {
			t.Fatalf("project id %q, %v", got, err)
		}
	}
	if n := srv.Stats().Requests["GET projects"]; n != 1 {
		t.Fatalf("IAM asked %d times, want 1", n)
	}
	// No project of that name.
	c, _ = apiclient.New(apiclient.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, Region: "eu-west-101", AccessKey: ak, SecretKey: sk})
	if _, err := c.ProjectID(ctx); err == nil || !strings.Contains(err.Error(), "no project named eu-west-101") {
		t.Fatalf("err = %v", err)
	}
	// Two projects of one name (scripted: the emulator has one project).
	two, _ := scripted(t, reply(200, nil, `{"projects":[{"id":"a","name":"`+region+`"},{"id":"b","name":"`+region+`"}]}`))
	c, _ = apiclient.New(apiclient.Config{Endpoint: two.URL, IAMEndpoint: two.URL, Region: region, AccessKey: ak, SecretKey: sk})
	if _, err := c.ProjectID(ctx); err == nil || !strings.Contains(err.Error(), "2 projects") {
		t.Fatalf("err = %v", err)
	}
}
