package apiclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Client.
type Config struct {
	Endpoint      string // FunctionGraph base URL, without /v2/{project_id}/fgs
	IAMEndpoint   string // IAM base URL, for the project id lookup
	LTSEndpoint   string // LTS base URL, for reading logs (lts.go)
	Region        string
	ProjectID     string // "" = look it up through IAM
	AccessKey     string
	SecretKey     string
	SecurityToken string // temporary credentials
	AuthToken     string // X-Auth-Token instead of signing
	HTTPClient    *http.Client
	UserAgent     string
	// Debug receives a line per request attempt: method, path, status,
	// duration, request id. Never headers or bodies.
	Debug io.Writer
	Retry RetryPolicy
	// PageSize is the maxitems of paged lists; 0 means PageSize (400).
	// Tests make it small to read lists over many pages.
	PageSize int
	Now      func() time.Time                                 // signer clock
	Sleep    func(ctx context.Context, d time.Duration) error // nil = a timer honouring ctx
	Rand     func() float64                                   // jitter; nil = math/rand
}

// RetryPolicy bounds retries. Zero fields take the defaults.
type RetryPolicy struct {
	MaxAttempts int           // default 6
	BaseDelay   time.Duration // default 200ms
	MaxDelay    time.Duration // default 10s
	MaxElapsed  time.Duration // default 2m
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 2 * time.Minute
	}
	return p
}

// Client calls FunctionGraph. It is safe for concurrent use.
type Client struct {
	cfg    Config
	http   *http.Client
	signer *Signer
	retry  RetryPolicy

	mu        sync.Mutex
	projectID string
	progress  io.Writer
	randMu    sync.Mutex
	rnd       *rand.Rand
	debugMu   sync.Mutex
}

// New makes a client. It does no I/O: the project id is resolved by
// ProjectID, which callers run once before anything else.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("no FunctionGraph endpoint")
	}
	if cfg.AuthToken == "" && (cfg.AccessKey == "" || cfg.SecretKey == "") {
		return nil, errors.New("no credentials: an access key and secret key, or an auth token")
	}
	c := &Client{cfg: cfg, http: cfg.HTTPClient, retry: cfg.Retry.withDefaults(), projectID: cfg.ProjectID,
		rnd: rand.New(rand.NewSource(time.Now().UnixNano()))}
	if c.http == nil {
		c.http = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       90 * time.Second,
		}}
	}
	if cfg.AuthToken == "" {
		c.signer = &Signer{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, Now: cfg.Now}
	}
	return c, nil
}

// ProjectID returns the project id, looking it up through IAM
// (GET /v3/projects?name=REGION) the first time when none was configured.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.projectID != "" {
		return c.projectID, nil
	}
	if c.cfg.Region == "" || c.cfg.IAMEndpoint == "" {
		return "", errors.New("no project id and no region to look it up")
	}
	var out struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	q := url.Values{"name": {c.cfg.Region}}
	if err := c.do(ctx, call{method: "GET", base: c.cfg.IAMEndpoint, path: "/v3/projects", query: q, out: &out, noProject: true}); err != nil {
		return "", fmt.Errorf("look up project of region %s: %w", c.cfg.Region, err)
	}
	switch len(out.Projects) {
	case 0:
		return "", fmt.Errorf("no project named %s: set --project-id", c.cfg.Region)
	case 1:
		c.projectID = out.Projects[0].ID
		return c.projectID, nil
	}
	return "", fmt.Errorf("%d projects named %s: set --project-id", len(out.Projects), c.cfg.Region)
}

func (c *Client) pageSize() int {
	if c.cfg.PageSize > 0 {
		return c.cfg.PageSize
	}
	return PageSize
}

func (c *Client) pid() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.projectID
}

// CloseIdleConnections closes the connections the client keeps open for
// its next requests, those a dial left spare included: a server that
// shuts down waits for a connection that never carried a request as if
// one were about to come (net/http counts it active for 5 seconds).
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// SetUploadProgress makes every code upload also write the package bytes
// it sends to w (a progress bar); nil turns it off.
func (c *Client) SetUploadProgress(w io.Writer) {
	c.mu.Lock()
	c.progress = w
	c.mu.Unlock()
}

// FunctionURN returns the unqualified URN of a function. The project id
// must have been resolved (ProjectID) first.
func (c *Client) FunctionURN(pkg, name string) string {
	return "urn:fss:" + c.cfg.Region + ":" + c.pid() + ":function:" + pkg + ":" + name
}

// call is one API operation.
type call struct {
	method    string
	base      string // "" = the FunctionGraph endpoint with /v2/{pid}/fgs
	path      string // unescaped
	query     url.Values
	in        any    // JSON body
	file      string // with in: stream this file as func_code.file (base64)
	fileField string // the field file goes in instead: "depend_file"
	out       any
	noProject bool
	noFGS     bool              // a path below /v2/{pid}, not /v2/{pid}/fgs (the tag API)
	header    map[string]string // extra request headers (not signed)
	readOnly  bool              // a POST that changes nothing: repeated like a GET
	// recover, for a POST that may have taken effect, looks for its
	// effect before a retry; done means out was filled from it.
	recover func(ctx context.Context) (done bool, err error)
}

// idempotent reports whether repeating the call is harmless.
func (k call) idempotent() bool { return k.method != http.MethodPost || k.noProject || k.readOnly }

func (c *Client) do(ctx context.Context, k call) error {
	start := time.Now()
	var last error
	for attempt := 1; ; attempt++ {
		retry, after, err := c.attempt(ctx, k, attempt)
		if err == nil {
			return nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			return last
		}
		d := c.backoff(attempt, after)
		if attempt >= c.retry.MaxAttempts || time.Since(start)+d > c.retry.MaxElapsed {
			// Giving up: a POST that may have taken effect is looked for
			// once more, so a success is not reported as a failure.
			if k.recover != nil {
				if done, rerr := k.recover(ctx); rerr == nil && done {
					return nil
				}
			}
			return last
		}
		if err := c.sleep(ctx, d); err != nil {
			return last
		}
		if k.recover != nil {
			done, rerr := k.recover(ctx)
			if rerr == nil && done {
				return nil
			}
		}
	}
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.cfg.Sleep != nil {
		return c.cfg.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is capped exponential backoff with equal jitter; a Retry-After
// from the server is honoured as a lower bound.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := c.retry.BaseDelay << min(attempt-1, 20)
	if d <= 0 || d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	var r float64
	if c.cfg.Rand != nil {
		r = c.cfg.Rand()
	} else {
		c.randMu.Lock()
		r = c.rnd.Float64()
		c.randMu.Unlock()
	}
	d = d/2 + time.Duration(r*float64(d/2))
	if retryAfter > d {
		d = min(retryAfter, time.Minute)
	}
	return d
}

// attempt sends the request once. It reports whether a failure may be
// retried and the server's Retry-After.
func (c *Client) attempt(ctx context.Context, k call, n int) (retry bool, retryAfter time.Duration, err error) {
	req, err := c.newRequest(ctx, k)
	if err != nil {
		return false, 0, err
	}
	t0 := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.debugf("%s %s attempt %d: %v (%s)", k.method, k.path, n, redactErr(err), time.Since(t0).Round(time.Millisecond))
		if ctx.Err() != nil {
			return false, 0, ctx.Err()
		}
		// The request may or may not have arrived: repeat only what is
		// safe, or what can be checked first.
		return k.idempotent() || k.recover != nil, 0, fmt.Errorf("%s %s: %w", k.method, k.path, err)
	}
	defer resp.Body.Close()
	reqID := resp.Header.Get("X-Request-Id")
	c.debugf("%s %s attempt %d: %d (%s) request id %s", k.method, k.path, n, resp.StatusCode, time.Since(t0).Round(time.Millisecond), reqID)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if k.out == nil || resp.StatusCode == http.StatusNoContent {
			io.Copy(io.Discard, resp.Body)
			return false, 0, nil
		}
		if err := json.NewDecoder(resp.Body).Decode(k.out); err != nil {
			return false, 0, fmt.Errorf("%s %s: decode response: %w", k.method, k.path, err)
		}
		return false, 0, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	apiErr := parseError(resp.StatusCode, body, reqID)
	apiErr.Method, apiErr.Path = k.method, k.path
	ra := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	switch {
	case apiErr.Throttled():
		return true, ra, apiErr // not forwarded: safe for every method
	case errors.Is(apiErr, ErrNotFound):
		return false, 0, apiErr
	case resp.StatusCode >= 500:
		return k.idempotent() || k.recover != nil, ra, apiErr
	}
	return false, 0, apiErr
}

func redactErr(err error) string {
	// net/http errors carry the URL, which holds no secret (no query
	// credentials are ever used), so they can be printed as they are.
	return err.Error()
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func (c *Client) debugf(format string, args ...any) {
	if c.cfg.Debug == nil {
		return
	}
	c.debugMu.Lock()
	defer c.debugMu.Unlock()
	fmt.Fprintf(c.cfg.Debug, "fgsdeploy: debug: "+format+"\n", args...)
}

func (c *Client) newRequest(ctx context.Context, k call) (*http.Request, error) {
	base := k.base
	path := k.path
	if base == "" {
		base = c.cfg.Endpoint
		path = "/v2/" + c.pid() + "/fgs" + k.path
		if k.noFGS {
			path = "/v2/" + c.pid() + k.path
		}
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", base, err)
	}
	// The path goes on the wire exactly as it is signed: each segment
	// escaped, except ':' which net/url and the SDK send raw.
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(Escape(s), "%3A", ":")
	}
	u.Path = path
	u.RawPath = strings.Join(segs, "/")
	if k.query != nil {
		u.RawQuery = CanonicalQuery(k.query)
	}
	var body io.Reader
	bodyHash := EmptyBodyHash
	var getBody func() (io.ReadCloser, error)
	switch {
	case k.file != "":
		c.mu.Lock()
		progress := c.progress
		c.mu.Unlock()
		getBody = func() (io.ReadCloser, error) { return streamUpload(k.in, k.file, k.fileField, progress) }
		rc, err := getBody()
		if err != nil {
			return nil, err
		}
		body = rc
		bodyHash = UnsignedPayload
	case k.in != nil:
		b, err := json.Marshal(k.in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
		bodyHash = BodyHash(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if getBody != nil {
		req.GetBody = getBody
	}
	// Every request model of the SDK declares Content-Type, and its client
	// sends it on GET and DELETE too (functionGraph_meta.go); it is not
	// signed, as in the SDK.
	if k.in != nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for h, v := range k.header {
		req.Header.Set(h, v)
	}
	if !k.noProject {
		req.Header.Set("X-Project-Id", c.pid())
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if c.cfg.AuthToken != "" {
		req.Header.Set("X-Auth-Token", c.cfg.AuthToken)
		return req, nil
	}
	if c.cfg.SecurityToken != "" {
		req.Header.Set("X-Security-Token", c.cfg.SecurityToken)
	}
	c.signer.Sign(req, bodyHash)
	return req, nil
}

// streamUpload returns the JSON body of in with func_code.file (or the
// top-level field named by field) set to the base64 of the file, produced
// while it is sent: the package is never held whole in memory, as bytes or
// as base64.
func streamUpload(in any, file, field string, progress io.Writer) (io.ReadCloser, error) {
	open, closing := `"func_code":{"file":"`, `"}}`
	if field != "" {
		open, closing = `"`+field+`":"`, `"}`
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// in has no func_code; open the object and add it last.
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, errors.New("upload body is not a JSON object")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		defer f.Close()
		head := b[:len(b)-1]
		if len(head) > 1 {
			head = append(head, ',')
		}
		if _, err := pw.Write(append(head, open...)); err != nil {
			pw.CloseWithError(err)
			return
		}
		enc := base64.NewEncoder(base64.StdEncoding, pw)
		var src io.Reader = f
		if progress != nil {
			src = io.TeeReader(f, progress)
		}
		if _, err := io.Copy(enc, src); err != nil {
			pw.CloseWithError(err)
			return
		}
		if err := enc.Close(); err != nil {
			pw.CloseWithError(err)
			return
		}
		_, err := pw.Write([]byte(closing))
		pw.CloseWithError(err)
	}()
	return pr, nil
}
