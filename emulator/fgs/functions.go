package fgs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

type createBody struct {
	FuncName string `json:"func_name"`
	Package  string `json:"package"`
	Config
	codeBody
}

func (s *Service) createFunction(t *stx, body []byte) httpapi.Response {
	var b createBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	switch {
	case !isFunctionName(b.FuncName):
		return httpapi.Failf(400, "FSS.1002", "invalid func_name %q", b.FuncName)
	case !pkgRe.MatchString(b.Package):
		return httpapi.Failf(400, "FSS.1004", "invalid package %q", b.Package)
	}
	// Create takes the SDK's CreateFunctionRequestBody: VPC, mounts, app
	// agency, initializer, pre-stop and logging included, but not
	// strategy_config or ephemeral_storage, which only a config update
	// sets (they take their defaults here).
	cfg := b.Config
	cfg.StrategyConfig = &strategyConfig{Concurrency: intp(400), ConcurrentNum: intp(1)}
	cfg.EphemeralStorage = 512
	if e := s.validateConfig(&cfg); e != nil {
		return httpapi.Fail(e)
	}
	if t.function(fnKey(b.Package, b.FuncName)) != nil {
		return httpapi.Failf(409, "FSS.1061", "function %s already exists", b.FuncName)
	}
	if c := s.opts.FunctionCap; c > 0 && countFunctions(t, c) >= c {
		return httpapi.Failf(403, "FSS.1041", "the project already has %d functions, the maximum", c)
	}
	c, e := s.readCode(t, b.codeBody)
	if e != nil {
		return httpapi.Fail(e)
	}
	if cfg.Type == "" {
		cfg.Type = "v2"
	}
	if cfg.InitializerHandler == "" {
		cfg.InitializerTimeout = 0
	}
	if cfg.PreStopHandler == "" {
		cfg.PreStopTimeout = 0
	}
	s.createLogging(t, &cfg, b.FuncName)
	f := &Function{Name: b.FuncName, Package: b.Package, MaxInstances: 400, Latest: Snapshot{Config: cfg, Code: c, Other: otherConfig(body)}}
	f.Created = s.now()
	f.Latest.LastModified = f.Created
	t.putFunction(f)
	return httpapi.OK(s.model(f, &f.Latest, "latest"))
}

// countFunctions counts the functions of the project, up to limit: the
// cap is checked without reading every record.
func countFunctions(t *stx, limit int) int {
	n := 0
	t.KV.Scan(bucketFunctions, "", func(string, []byte) error {
		n++
		if n >= limit {
			return store.ErrStopScan
		}
		return nil
	})
	return n
}

func intp(v int) *int { return &v }

func boolp(v bool) *bool { return &v }

// createLogging settles a new function's LTS logging. enable_lts_log true
// without log_config makes FunctionGraph create a log group and stream
// (create reference). Left out, it is the service's configured default
// (Terraform: "the default value configured on the FunctionGraph
// service", true for most accounts): on when the tenant's LTS logging is
// on (tenantLogs), off otherwise, the create reference's "Default: false".
func (s *Service) createLogging(t *stx, c *Config, name string) {
	if c.EnableLtsLog == nil && s.tenantLogs(t) {
		c.EnableLtsLog = boolp(true)
	}
	switch {
	case c.EnableLtsLog == nil:
	case !*c.EnableLtsLog:
		c.LogConfig = nil
	case c.LogConfig == nil:
		c.LogConfig = autoLogConfig(name)
	}
}

// autoLogConfig is the log group and stream FunctionGraph creates for a
// function that enables logging without naming them.
func autoLogConfig(name string) *logConfig {
	return &logConfig{GroupID: "emu-lts-group-functiongraph", GroupName: "functiongraph-log-group",
		StreamID: "emu-lts-stream-" + name, StreamName: name}
}

// lookup finds a function and the snapshot a URN qualifies.
func (s *Service) lookup(t *stx, u urn) (*Function, *Snapshot, string, *httpapi.Error) {
	return s.lookupTrap(t, u, false)
}

// lookupTrap is lookup; with trap and Options.NotFoundTrap, a missing
// function is 401 FSS.0401, as config reads sometimes answer.
func (s *Service) lookupTrap(t *stx, u urn, trap bool) (*Function, *Snapshot, string, *httpapi.Error) {
	f := t.function(u.key())
	if f == nil {
		if trap && s.opts.NotFoundTrap {
			return nil, nil, "", httpapi.Errorf(401, "FSS.0401", "function %s not found", u.name)
		}
		return nil, nil, "", httpapi.Errorf(404, "FSS.1051", "function %s not found", u.name)
	}
	v := u.version
	if u.alias != "" {
		a := t.alias(f, u.alias)
		if a == nil {
			return nil, nil, "", httpapi.Errorf(404, "FSS.1053", "alias %s not found", u.alias)
		}
		v = a.Version
	}
	if v == "" || v == "latest" {
		return f, &f.Latest, "latest", nil
	}
	sn := t.version(f, v)
	if sn == nil {
		return nil, nil, "", httpapi.Errorf(404, "FSS.1052", "version %s not found", v)
	}
	return f, sn, v, nil
}

func (s *Service) listFunctions(t *stx, r *http.Request) httpapi.Response {
	q := r.URL.Query()
	marker, max, e := pageQuery(q)
	if e != nil {
		return httpapi.Fail(e)
	}
	if max == 0 || max > 400 {
		max = 400
	}
	// Keys are package "/" name, so the filters read no record; only the
	// page's records are decoded.
	pkg, name := q.Get("package_name"), q.Get("func_name")
	list := []map[string]any{}
	n := 0
	err := t.KV.Scan(bucketFunctions, "", func(k string, v []byte) error {
		p, fname, _ := strings.Cut(k, "/")
		// func_name is a fuzzy match: a substring of the name.
		if (pkg != "" && p != pkg) || (name != "" && !strings.Contains(fname, name)) {
			return nil
		}
		n++
		if n <= marker || n > marker+max {
			return nil
		}
		var f Function
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("decode function record %q: %w", k, err)
		}
		list = append(list, s.model(&f, &f.Latest, "latest"))
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	end := min(marker+max, n)
	return httpapi.OK(map[string]any{"functions": list, "next_marker": end, "count": n})
}

func (s *Service) getConfig(t *stx, u urn) httpapi.Response {
	f, sn, q, e := s.lookupTrap(t, u, true)
	if e != nil {
		return httpapi.Fail(e)
	}
	m := s.model(f, sn, q)
	if s.opts.ConfigWithoutDependencies {
		delete(m, "depend_version_list")
	}
	// ShowFunctionConfigResponse models encrypted_user_data; strict mode
	// returns it, so a client must send it back or lose it.
	if s.opts.Strict && sn.Config.EncryptedUserData != "" {
		m["encrypted_user_data"] = sn.Config.EncryptedUserData
	}
	return httpapi.OK(m)
}

func (s *Service) getCode(t *stx, r *http.Request, u urn) httpapi.Response {
	f, sn, q, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	m := map[string]any{
		"func_urn": s.urnOf(f, q), "func_name": f.Name, "runtime": sn.Config.Runtime,
		"code_type": sn.Code.CodeType, "code_url": sn.Code.CodeURL, "code_filename": sn.Code.CodeFilename,
		"code_size": sn.Code.CodeSize, "digest": sn.Code.Digest, "last_modified": sn.LastModified,
		"func_code": map[string]string{"link": fmt.Sprintf("%s://%s/_emulator/code/%s", scheme, r.Host, sn.Code.Digest)},
	}
	if len(sn.Code.DependVersionList) > 0 {
		m["depend_version_list"] = sn.Code.DependVersionList
	}
	return httpapi.OK(m)
}

// writable finds the function a write is for; only latest can be written,
// published versions (and aliases) are immutable.
func (s *Service) writable(t *stx, u urn) (*Function, *httpapi.Error) {
	if !u.latest() {
		return nil, httpapi.Errorf(400, "FSS.0400", "only latest can be changed; versions are immutable")
	}
	f, _, _, e := s.lookup(t, u)
	return f, e
}

func (s *Service) updateCode(t *stx, u urn, body []byte) httpapi.Response {
	f, e := s.writable(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b codeBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	c, e := s.readCode(t, b)
	if e != nil {
		return httpapi.Fail(e)
	}
	s.keepDependencies(body, &c, f.Latest.Code.DependVersionList) // checks.go
	f.Latest.Code = c
	f.Latest.LastModified = s.now()
	t.putFunction(f)
	return httpapi.OK(map[string]any{
		"func_urn": s.urnOf(f, "latest"), "func_name": f.Name, "runtime": f.Latest.Config.Runtime,
		"code_type": c.CodeType, "code_url": c.CodeURL, "code_filename": c.CodeFilename, "code_size": c.CodeSize,
		"digest": c.Digest, "last_modified": f.Latest.LastModified, "depend_version_list": c.DependVersionList,
	})
}

type updateConfigBody struct {
	FuncName *string `json:"func_name"`
	Config
}

func (s *Service) updateConfig(t *stx, u urn, body []byte) httpapi.Response {
	f, e := s.writable(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(body, &present); err != nil {
		return httpapi.Failf(406, "FSS.0406", "the request body is not valid JSON: %v", err)
	}
	for _, req := range []string{"func_name", "runtime", "timeout", "handler", "memory_size"} {
		if _, ok := present[req]; !ok {
			return httpapi.Failf(400, "FSS.0400", "%s is required", req)
		}
	}
	if e := s.checkStrategy(present); e != nil { // checks.go
		return httpapi.Fail(e)
	}
	var b updateConfigBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	if b.FuncName == nil {
		return httpapi.Failf(400, "FSS.0400", "func_name is required")
	}
	if *b.FuncName != f.Name {
		return httpapi.Failf(400, "FSS.1002", "func_name cannot change (%s)", f.Name)
	}
	if b.Runtime != f.Latest.Config.Runtime {
		return httpapi.Failf(400, "FSS.1005", "runtime cannot change in place (%s)", f.Latest.Config.Runtime)
	}
	if e := s.validateConfig(&b.Config); e != nil {
		return httpapi.Fail(e)
	}
	// A full replace (docs/api-notes.md): what the body leaves out is
	// cleared, except what only other APIs set. Secrets left out are kept,
	// since GET does not return them; in strict mode GET returns them and
	// a body without them clears them like any other field.
	next := b.Config
	next.Type = f.Latest.Config.Type
	if _, sent := present["encrypted_user_data"]; !sent && !s.opts.Strict {
		next.EncryptedUserData = f.Latest.Config.EncryptedUserData
	}
	if next.StrategyConfig == nil {
		next.StrategyConfig = &strategyConfig{ConcurrentNum: intp(1)}
	}
	if next.StrategyConfig.Concurrency == nil {
		next.StrategyConfig.Concurrency = f.Latest.Config.StrategyConfig.Concurrency
	}
	if next.StrategyConfig.ConcurrentNum == nil || *next.StrategyConfig.ConcurrentNum <= 0 {
		next.StrategyConfig.ConcurrentNum = intp(1)
	}
	if next.EphemeralStorage == 0 {
		next.EphemeralStorage = 512
	}
	if next.InitializerHandler == "" {
		next.InitializerTimeout = 0
	}
	if next.PreStopHandler == "" {
		next.PreStopTimeout = 0
	}
	s.updateLogging(&next, &f.Latest.Config, present, f.Name)
	f.Latest.Config = next
	f.Latest.Other = otherConfig(body)
	f.Latest.LastModified = s.now()
	t.putFunction(f)
	return httpapi.OK(s.model(f, &f.Latest, "latest"))
}

// updateLogging settles logging on a config update. enable_lts_log false
// turns logging off. Lenient: otherwise the body is taken as it is (a full
// replace). Strict: enable_lts_log left out keeps logging as it was, and
// true without log_config keeps the log target (or creates one).
func (s *Service) updateLogging(next, prev *Config, present map[string]json.RawMessage, name string) {
	if next.EnableLtsLog != nil && !*next.EnableLtsLog {
		next.LogConfig = nil
		return
	}
	if !s.opts.Strict {
		return
	}
	if _, sent := present["enable_lts_log"]; !sent {
		next.EnableLtsLog = prev.EnableLtsLog
	}
	if _, sent := present["log_config"]; !sent {
		next.LogConfig = prev.LogConfig
	}
	if next.EnableLtsLog != nil && *next.EnableLtsLog && next.LogConfig == nil {
		next.LogConfig = autoLogConfig(name)
	}
}

func (s *Service) maxInstances(t *stx, u urn, body []byte) httpapi.Response {
	f, e := s.writable(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b struct {
		MaxInstanceNum *int `json:"max_instance_num"`
	}
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	if b.MaxInstanceNum == nil || *b.MaxInstanceNum < -1 || *b.MaxInstanceNum > 1000 {
		return httpapi.Failf(400, "FSS.1026", "max_instance_num must be -1 (unlimited), 0 (disabled) or up to 1000")
	}
	// The SDK's config model reports the setting as strategy_config.concurrency.
	f.MaxInstances = *b.MaxInstanceNum
	if f.Latest.Config.StrategyConfig == nil {
		f.Latest.Config.StrategyConfig = &strategyConfig{ConcurrentNum: intp(1)}
	}
	f.Latest.Config.StrategyConfig.Concurrency = intp(f.MaxInstances)
	f.Latest.LastModified = s.now()
	t.putFunction(f)
	return httpapi.OK(s.model(f, &f.Latest, "latest"))
}

// pageQuery reads a list's marker (an offset) and maxitems, each a
// non-negative integer (400 FSS.1001 otherwise); an absent one is 0.
func pageQuery(q url.Values) (marker, maxItems int, e *httpapi.Error) {
	for _, p := range []struct {
		name string
		n    *int
	}{{"marker", &marker}, {"maxitems", &maxItems}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, 0, httpapi.Errorf(400, "FSS.1001", "%s %q is not a non-negative integer", p.name, httpapi.Trunc(v))
			}
			*p.n = n
		}
	}
	return marker, maxItems, nil
}
