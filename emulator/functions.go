package emulator

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// urn is a parsed function URN.
type urn struct {
	region, project, pkg, name string
	version                    string // "" = unqualified; "latest" when named
	alias                      string
}

// latest tells whether the URN names latest, qualified or not.
func (u urn) latest() bool { return u.alias == "" && (u.version == "" || u.version == "latest") }

// bare is the unqualified URN of the same function.
func (u urn) bare() urn { return urn{region: u.region, project: u.project, pkg: u.pkg, name: u.name} }

func (u urn) key() string { return fnKey(u.pkg, u.name) }

// parseURN reads urn:fss:{region}:{pid}:function:{package}:{name}[:{version}|:!{alias}].
func parseURN(s string) (urn, *apiError) {
	parts := strings.Split(s, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "urn" || parts[1] != "fss" || parts[4] != "function" {
		return urn{}, errf(400, "FSS.1309", "invalid function URN %q", trunc(s))
	}
	u := urn{region: parts[2], project: parts[3], pkg: parts[5], name: parts[6]}
	if u.region == "" || u.project == "" || u.pkg == "" || u.name == "" {
		return urn{}, errf(400, "FSS.1309", "invalid function URN %q", trunc(s))
	}
	if len(parts) == 8 {
		q := parts[7]
		switch {
		case strings.HasPrefix(q, "!"):
			u.alias = q[1:]
			if u.alias == "" {
				return urn{}, errf(400, "FSS.1309", "invalid function URN %q: empty alias", trunc(s))
			}
		case q == "":
			return urn{}, errf(400, "FSS.1309", "invalid function URN %q: empty qualifier", trunc(s))
		default:
			u.version = q
		}
	}
	return u, nil
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

func (s *Server) urnOf(f *function, qualifier string) string {
	return fmt.Sprintf("urn:fss:%s:%s:function:%s:%s:%s", s.opts.Region, s.opts.ProjectID, f.Package, f.Name, qualifier)
}

// chinaTime is the zone FunctionGraph writes its times in.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// now is a function or version's last_modified, China time in whole
// seconds: with its offset as the API reference's function model writes it,
// "2018-03-28T11:30:32+08:00"; strictly, without a zone, as its examples
// of single functions do, "2019-10-25 15:37:27" (docs/api-notes.md, rule
// 23).
func (s *Server) now() string {
	if s.opts.Strict {
		return s.opts.Now().In(chinaTime).Format("2006-01-02 15:04:05")
	}
	return s.opts.Now().In(chinaTime).Format("2006-01-02T15:04:05-07:00")
}

// aliasNow is an alias's last_modified, as the alias examples write it:
// "2020-06-19T10:07:34+08:00".
func (s *Server) aliasNow() string {
	return s.opts.Now().In(chinaTime).Format("2006-01-02T15:04:05-07:00")
}

var (
	pkgRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	versionRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]{0,40}[A-Za-z0-9])?$`)
)

const (
	maxZipBytes    = 50 << 20  // FSS.1071
	maxOBSZipBytes = 300 << 20 // through OBS: 300 MB compressed (Notes and Constraints)
	maxInlineBytes = 10 << 10  // FSS.1072
	maxAliases     = 10
	maxUserData    = 4096 // FSS.1018; the Notes and Constraints page says 4,096 characters
	maxDescription = 512  // FSS.1019
)

// validateConfig applies FunctionGraph's rules to a config.
func (s *Server) validateConfig(c *config) *apiError {
	switch {
	case !isRuntime(c.Runtime):
		return errf(400, "FSS.1005", "invalid runtime %q", c.Runtime)
	case c.Handler == "":
		return errf(400, "FSS.1003", "handler is required")
	case !isMemorySize(c.MemorySize):
		return errf(400, "FSS.1007", "invalid memory_size %d", c.MemorySize)
	case c.Timeout < 3 || c.Timeout > 259200:
		return errf(400, "FSS.1008", "timeout %d is out of range (3 to 259200)", c.Timeout)
	}
	for _, ud := range []string{c.UserData, c.EncryptedUserData} {
		if ud == "" {
			continue
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(ud), &m); err != nil {
			return errf(400, "FSS.1009", "user data must be a JSON object of strings")
		}
		if len(m) > 20 {
			return errf(400, "FSS.1017", "user data has %d keys; at most 20", len(m))
		}
		if len(ud) > maxUserData {
			return errf(400, "FSS.1018", "user data is %d bytes; at most %d", len(ud), maxUserData)
		}
	}
	if utf8.RuneCountInString(c.Description) > maxDescription {
		return errf(400, "FSS.1019", "description is %d characters; at most %d", utf8.RuneCountInString(c.Description), maxDescription)
	}
	if sc := c.StrategyConfig; sc != nil && sc.ConcurrentNum != nil {
		n := *sc.ConcurrentNum
		switch {
		case n < -1 || n > 1000:
			return errf(400, "FSS.1026", "concurrent_num %d is out of range (1 to 1000)", n)
		case n > 1 && !multiConcurrent(c.Runtime):
			return errf(400, "FSS.1026", "concurrent_num %d: only http and Custom Image functions take more than one request per instance", n)
		}
	}
	if c.EphemeralStorage != 0 && !ephemeralStorageOK(c.Runtime, c.EphemeralStorage) {
		return errf(400, "FSS.0400", "ephemeral_storage %d: 512, or 10240 for http and Custom Image functions", c.EphemeralStorage)
	}
	if v := c.FuncVpc; v != nil && (v.VpcID == "" || v.SubnetID == "") {
		return errf(400, "FSS.0400", "func_vpc needs vpc_id and subnet_id")
	}
	return s.checkMounts(c.MountConfig)
}

// checkMounts applies the mount rules: at most 5 mounts (403 FSS.1049),
// user and group ids -1 to 65534 but not 0, 1000 or 1002 (FSS.1075), each
// mount with its type, resource and path. mount_user is mandatory in the
// reference; strict mode refuses a mount_config without it.
func (s *Server) checkMounts(mc *mountConfig) *apiError {
	if mc == nil {
		return nil
	}
	if len(mc.FuncMounts) > maxMounts {
		return errf(403, "FSS.1049", "%d mounts; at most %d", len(mc.FuncMounts), maxMounts)
	}
	if mc.MountUser == nil {
		if s.opts.Strict {
			return errf(400, "FSS.0400", "mount_config.mount_user is required")
		}
	} else if !mountIDOK(mc.MountUser.UserID) || !mountIDOK(mc.MountUser.UserGroupID) {
		return errf(400, "FSS.1075", "the user ID and user group ID must be an integer from -1 to 65,534, excluding 0, 1000, and 1002")
	}
	for _, m := range mc.FuncMounts {
		switch {
		case m.MountType != "sfs" && m.MountType != "sfsTurbo" && m.MountType != "ecs":
			return errf(400, "FSS.0400", "invalid mount_type %q", trunc(m.MountType))
		case m.MountResource == "":
			return errf(400, "FSS.0400", "mount_resource is required")
		case m.LocalMountPath == "":
			return errf(400, "FSS.1039", "local_mount_path is required")
		case m.MountType == "ecs" && m.MountSharePath == "":
			return errf(400, "FSS.0400", "mount_share_path is required for mount_type ecs")
		}
	}
	return nil
}

// codeBody is the code part of create and update-code bodies.
type codeBody struct {
	CodeType     string `json:"code_type"`
	CodeURL      string `json:"code_url"`
	CodeFilename string `json:"code_filename"`
	FuncCode     *struct {
		File packageFile `json:"file"`
	} `json:"func_code"`
	DependVersionList []string `json:"depend_version_list"`
	// CodeEncryptKmsKeyID is the KMS key the code is encrypted with; the
	// emulator stores it (the bytes stay plain) and returns it.
	CodeEncryptKmsKeyID string `json:"code_encrypt_kms_key_id"`
}

// packageFile is func_code.file, decoded from base64 straight out of the
// request bytes: json.Unmarshal hands UnmarshalJSON a slice of the body,
// so a big upload is held as the body plus the decoded package, with no
// intermediate string.
type packageFile struct {
	set  bool
	data []byte
	bad  bool // not a base64 string
}

func (f *packageFile) UnmarshalJSON(raw []byte) error {
	if string(raw) == "null" {
		return nil
	}
	f.set = true
	if len(raw) < 2 || raw[0] != '"' {
		f.bad = true
		return nil
	}
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 { // escapes such as \/: take the slow path
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			f.bad = true
			return nil
		}
		text = []byte(str)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(buf, text)
	if err != nil {
		f.bad = true
		return nil
	}
	f.data = buf[:n]
	return nil
}

// readCode validates and stores the code of a create or update-code body,
// in the request's transaction t (code_type obs reads the object there).
func (s *Server) readCode(t *stx, b codeBody) (code, *apiError) {
	c := code{CodeType: b.CodeType, CodeURL: b.CodeURL, CodeFilename: b.CodeFilename, DependVersionList: b.DependVersionList,
		CodeEncryptKmsKeyID: b.CodeEncryptKmsKeyID}
	var data []byte
	switch b.CodeType {
	case "inline", "zip", "jar":
		if b.FuncCode == nil || !b.FuncCode.File.set {
			return code{}, errf(400, "FSS.1012", "func_code.file is required for code_type %s", b.CodeType)
		}
		if b.FuncCode.File.bad {
			return code{}, errf(400, "FSS.1011", "func_code.file is not a base64 string")
		}
		data = b.FuncCode.File.data
		if len(data) == 0 {
			return code{}, errf(400, "FSS.1012", "func_code.file is empty")
		}
		if b.CodeType == "inline" && len(data) > maxInlineBytes {
			return code{}, errf(413, "FSS.1072", "inline code is %d bytes; at most %d", len(data), maxInlineBytes)
		}
		if b.CodeType != "inline" {
			if len(data) > maxZipBytes {
				return code{}, errf(413, "FSS.1071", "the package is %d bytes; at most %d for a direct upload: use OBS", len(data), maxZipBytes)
			}
			if b.CodeFilename == "" {
				return code{}, errf(400, "FSS.1011", "code_filename is required for code_type %s", b.CodeType)
			}
		}
	case "obs":
		digest, size, e := s.readObject(t, b.CodeURL, maxOBSZipBytes)
		if e != nil {
			return code{}, e
		}
		c.Digest, c.CodeSize = digest, size
		return c, nil
	default:
		return code{}, errf(400, "FSS.1006", "invalid code_type %q", b.CodeType)
	}
	sum := sha512.Sum512(data)
	c.Digest = hex.EncodeToString(sum[:])
	c.CodeSize = int64(len(data))
	if err := s.blobs.put(c.Digest, data); err != nil {
		return code{}, errf(500, "FSS.0500", "store code: %v", err)
	}
	return c, nil
}

// readObject stores the package an OBS URL names, streamed from this
// emulator's OBS, and returns its digest and size (docs/api-notes.md rule
// 9: the digest is of the bytes, whatever the origin). A URL that is not
// https is FSS.1010; an object FunctionGraph cannot read (another OBS, a
// bucket of another region, no such object) is 404 FSS.1054.
func (s *Server) readObject(t *stx, raw string, limit int64) (digest string, size int64, e *apiError) {
	if !strings.HasPrefix(raw, "https://") {
		return "", 0, errf(400, "FSS.1010", "code_url must be an https URL for code_type obs")
	}
	rc, size, found := s.openURL(t, raw)
	if !found {
		return "", 0, errf(404, "FSS.1054", "the code package %s cannot be found in OBS", trunc(raw))
	}
	defer rc.Close()
	switch {
	case size == 0:
		return "", 0, errf(400, "FSS.1012", "the OBS object %s is empty", trunc(raw))
	case size > limit:
		return "", 0, errf(413, "FSS.1071", "the OBS object is %d bytes; at most %d", size, limit)
	}
	digest, n, err := s.blobs.putFrom(rc)
	if err != nil {
		return "", 0, errf(500, "FSS.0500", "store code: %v", err)
	}
	return digest, n, nil
}

type createBody struct {
	FuncName string `json:"func_name"`
	Package  string `json:"package"`
	config
	codeBody
}

func (s *Server) createFunction(t *stx, body []byte) response {
	var b createBody
	if e := decodeJSON(body, &b); e != nil {
		return fail(e)
	}
	switch {
	case !isFunctionName(b.FuncName):
		return fail(errf(400, "FSS.1002", "invalid func_name %q", b.FuncName))
	case !pkgRe.MatchString(b.Package):
		return fail(errf(400, "FSS.1004", "invalid package %q", b.Package))
	}
	// Create takes the SDK's CreateFunctionRequestBody: VPC, mounts, app
	// agency, initializer, pre-stop and logging included, but not
	// strategy_config or ephemeral_storage, which only a config update
	// sets (they take their defaults here).
	cfg := b.config
	cfg.StrategyConfig = &strategyConfig{Concurrency: intp(400), ConcurrentNum: intp(1)}
	cfg.EphemeralStorage = 512
	if e := s.validateConfig(&cfg); e != nil {
		return fail(e)
	}
	if t.function(fnKey(b.Package, b.FuncName)) != nil {
		return fail(errf(409, "FSS.1061", "function %s already exists", b.FuncName))
	}
	if c := s.opts.FunctionCap; c > 0 && countFunctions(t, c) >= c {
		return fail(errf(403, "FSS.1041", "the project already has %d functions, the maximum", c))
	}
	c, e := s.readCode(t, b.codeBody)
	if e != nil {
		return fail(e)
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
	s.createLogging(&cfg, b.FuncName)
	f := &function{Name: b.FuncName, Package: b.Package, MaxInstances: 400, Latest: snapshot{Config: cfg, Code: c, Other: otherConfig(body)}}
	f.Created = s.now()
	f.Latest.LastModified = f.Created
	t.putFunction(f)
	return ok(s.model(f, &f.Latest, "latest"))
}

// countFunctions counts the functions of the project, up to limit: the
// cap is checked without reading every record.
func countFunctions(t *stx, limit int) int {
	n := 0
	t.kv.Scan(bucketFunctions, "", func(string, []byte) error {
		n++
		if n >= limit {
			return errStopScan
		}
		return nil
	})
	return n
}

func intp(v int) *int { return &v }

func boolp(v bool) *bool { return &v }

// createLogging settles a new function's LTS logging. enable_lts_log true
// without log_config makes FunctionGraph create a log group and stream
// (create reference). Left out, it is the service's default: off in the
// create reference ("Default: false"), on in strict mode, where the
// service's configured default is taken to be logging on.
func (s *Server) createLogging(c *config, name string) {
	if c.EnableLtsLog == nil && s.opts.Strict {
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

// otherConfigBody holds, as sent, the fields of the SDK's update-config
// body that GET config also returns and the emulator keeps without
// interpreting them (dynamic memory, GPU, custom image, KMS key of
// user_data, ...). Create takes them, a config update replaces them like
// every other field (absent means cleared), versions snapshot them, GET
// config returns them. Decoding a body into it skips everything else,
// func_code included, without copying it.
type otherConfigBody struct {
	CustomImage             json.RawMessage `json:"custom_image"`
	EnableAuthInHeader      json.RawMessage `json:"enable_auth_in_header"`
	EnableClassIsolation    json.RawMessage `json:"enable_class_isolation"`
	EnableDynamicMemory     json.RawMessage `json:"enable_dynamic_memory"`
	EnterpriseProjectID     json.RawMessage `json:"enterprise_project_id"`
	GpuMemory               json.RawMessage `json:"gpu_memory"`
	GpuType                 json.RawMessage `json:"gpu_type"`
	HeartbeatHandler        json.RawMessage `json:"heartbeat_handler"`
	IsStatefulFunction      json.RawMessage `json:"is_stateful_function"`
	LtsCustomTag            json.RawMessage `json:"lts_custom_tag"`
	NetworkController       json.RawMessage `json:"network_controller"`
	PeeringCidr             json.RawMessage `json:"peering_cidr"`
	UserDataEncryptKmsKeyID json.RawMessage `json:"user_data_encrypt_kms_key_id"`
	ExtendConfig            json.RawMessage `json:"extend_config"`
	RestoreHookHandler      json.RawMessage `json:"restore_hook_handler"`
	RestoreHookTimeout      json.RawMessage `json:"restore_hook_timeout"`
}

// otherConfig picks the otherConfigBody fields out of a request body,
// compacted, keyed by their JSON names.
func otherConfig(body []byte) map[string]json.RawMessage {
	var b otherConfigBody
	if json.Unmarshal(body, &b) != nil {
		return nil
	}
	v, t := reflect.ValueOf(b), reflect.TypeOf(b)
	var out map[string]json.RawMessage
	for i := range t.NumField() {
		raw := v.Field(i).Interface().(json.RawMessage)
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		var c bytes.Buffer
		json.Compact(&c, raw)
		out[t.Field(i).Tag.Get("json")] = c.Bytes()
	}
	return out
}

// model renders a snapshot as the API's function model. encrypted_user_data
// is write-only and never returned.
func (s *Server) model(f *function, sn *snapshot, qualifier string) map[string]any {
	c := sn.Config
	c.EncryptedUserData = ""
	b, _ := json.Marshal(c)
	m := map[string]any{}
	json.Unmarshal(b, &m)
	for k, v := range sn.Other {
		m[k] = v
	}
	m["func_urn"] = s.urnOf(f, qualifier)
	m["func_name"] = f.Name
	m["package"] = f.Package
	m["domain_id"] = "emulator-domain"
	m["namespace"] = s.opts.ProjectID
	m["project_name"] = s.opts.Region
	m["code_type"] = sn.Code.CodeType
	m["code_url"] = sn.Code.CodeURL
	m["code_filename"] = sn.Code.CodeFilename
	m["code_size"] = sn.Code.CodeSize
	m["digest"] = sn.Code.Digest
	m["version"] = qualifier
	m["last_modified"] = sn.LastModified
	if len(sn.Code.DependVersionList) > 0 {
		m["depend_version_list"] = sn.Code.DependVersionList
	}
	if sn.Code.CodeEncryptKmsKeyID != "" {
		m["code_encrypt_kms_key_id"] = sn.Code.CodeEncryptKmsKeyID
	}
	// The SDK's response models carry the LTS target only as
	// log_group_id and log_stream_id, never as log_config.
	delete(m, "log_config")
	if lc := c.LogConfig; lc != nil {
		m["log_group_id"] = lc.GroupID
		m["log_stream_id"] = lc.StreamID
	}
	if qualifier != "latest" {
		m["version_description"] = sn.Description
	}
	return m
}

// lookup finds a function and the snapshot a URN qualifies.
func (s *Server) lookup(t *stx, u urn) (*function, *snapshot, string, *apiError) {
	return s.lookupTrap(t, u, false)
}

// lookupTrap is lookup; with trap and Options.NotFoundTrap, a missing
// function is 401 FSS.0401, as config reads sometimes answer.
func (s *Server) lookupTrap(t *stx, u urn, trap bool) (*function, *snapshot, string, *apiError) {
	f := t.function(u.key())
	if f == nil {
		if trap && s.opts.NotFoundTrap {
			return nil, nil, "", errf(401, "FSS.0401", "function %s not found", u.name)
		}
		return nil, nil, "", errf(404, "FSS.1051", "function %s not found", u.name)
	}
	v := u.version
	if u.alias != "" {
		a := t.alias(f, u.alias)
		if a == nil {
			return nil, nil, "", errf(404, "FSS.1053", "alias %s not found", u.alias)
		}
		v = a.Version
	}
	if v == "" || v == "latest" {
		return f, &f.Latest, "latest", nil
	}
	sn := t.version(f, v)
	if sn == nil {
		return nil, nil, "", errf(404, "FSS.1052", "version %s not found", v)
	}
	return f, sn, v, nil
}

func (s *Server) listFunctions(t *stx, r *http.Request) response {
	q := r.URL.Query()
	marker, max := 0, 0
	var err error
	if v := q.Get("marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return fail(errf(400, "FSS.1001", "marker %q is not a non-negative integer", trunc(v)))
		}
	}
	if v := q.Get("maxitems"); v != "" {
		if max, err = strconv.Atoi(v); err != nil || max < 0 {
			return fail(errf(400, "FSS.1001", "maxitems %q is not a non-negative integer", trunc(v)))
		}
	}
	if max == 0 || max > 400 {
		max = 400
	}
	// Keys are package "/" name, so the filters read no record; only the
	// page's records are decoded.
	pkg, name := q.Get("package_name"), q.Get("func_name")
	list := []map[string]any{}
	n := 0
	err = t.kv.Scan(bucketFunctions, "", func(k string, v []byte) error {
		p, fname, _ := strings.Cut(k, "/")
		// func_name is a fuzzy match: a substring of the name.
		if (pkg != "" && p != pkg) || (name != "" && !strings.Contains(fname, name)) {
			return nil
		}
		n++
		if n <= marker || n > marker+max {
			return nil
		}
		var f function
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("decode function record %q: %w", k, err)
		}
		list = append(list, s.model(&f, &f.Latest, "latest"))
		return nil
	})
	if err != nil {
		t.fail(err)
	}
	end := min(marker+max, n)
	return ok(map[string]any{"functions": list, "next_marker": end, "count": n})
}

func (s *Server) getConfig(t *stx, u urn) response {
	f, sn, q, e := s.lookupTrap(t, u, true)
	if e != nil {
		return fail(e)
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
	return ok(m)
}

func (s *Server) getCode(t *stx, r *http.Request, u urn) response {
	f, sn, q, e := s.lookup(t, u)
	if e != nil {
		return fail(e)
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
	return ok(m)
}

// writable finds the function a write is for; only latest can be written,
// published versions (and aliases) are immutable.
func (s *Server) writable(t *stx, u urn) (*function, *apiError) {
	if !u.latest() {
		return nil, errf(400, "FSS.0400", "only latest can be changed; versions are immutable")
	}
	f, _, _, e := s.lookup(t, u)
	return f, e
}

func (s *Server) updateCode(t *stx, u urn, body []byte) response {
	f, e := s.writable(t, u)
	if e != nil {
		return fail(e)
	}
	var b codeBody
	if e := decodeJSON(body, &b); e != nil {
		return fail(e)
	}
	c, e := s.readCode(t, b)
	if e != nil {
		return fail(e)
	}
	f.Latest.Code = c
	f.Latest.LastModified = s.now()
	t.putFunction(f)
	return ok(map[string]any{
		"func_urn": s.urnOf(f, "latest"), "func_name": f.Name, "runtime": f.Latest.Config.Runtime,
		"code_type": c.CodeType, "code_url": c.CodeURL, "code_filename": c.CodeFilename, "code_size": c.CodeSize,
		"digest": c.Digest, "last_modified": f.Latest.LastModified, "depend_version_list": c.DependVersionList,
	})
}

type updateConfigBody struct {
	FuncName *string `json:"func_name"`
	config
}

func (s *Server) updateConfig(t *stx, u urn, body []byte) response {
	f, e := s.writable(t, u)
	if e != nil {
		return fail(e)
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(body, &present); err != nil {
		return fail(errf(406, "FSS.0406", "the request body is not valid JSON: %v", err))
	}
	for _, req := range []string{"func_name", "runtime", "timeout", "handler", "memory_size"} {
		if _, ok := present[req]; !ok {
			return fail(errf(400, "FSS.0400", "%s is required", req))
		}
	}
	var b updateConfigBody
	if e := decodeJSON(body, &b); e != nil {
		return fail(e)
	}
	if b.FuncName == nil {
		return fail(errf(400, "FSS.0400", "func_name is required"))
	}
	if *b.FuncName != f.Name {
		return fail(errf(400, "FSS.1002", "func_name cannot change (%s)", f.Name))
	}
	if b.Runtime != f.Latest.Config.Runtime {
		return fail(errf(400, "FSS.1005", "runtime cannot change in place (%s)", f.Latest.Config.Runtime))
	}
	if e := s.validateConfig(&b.config); e != nil {
		return fail(e)
	}
	// A full replace (docs/api-notes.md): what the body leaves out is
	// cleared, except what only other APIs set. Secrets left out are kept,
	// since GET does not return them; in strict mode GET returns them and
	// a body without them clears them like any other field.
	next := b.config
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
	return ok(s.model(f, &f.Latest, "latest"))
}

// updateLogging settles logging on a config update. enable_lts_log false
// turns logging off. Lenient: otherwise the body is taken as it is (a full
// replace). Strict: enable_lts_log left out keeps logging as it was, and
// true without log_config keeps the log target (or creates one).
func (s *Server) updateLogging(next, prev *config, present map[string]json.RawMessage, name string) {
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

func (s *Server) maxInstances(t *stx, u urn, body []byte) response {
	f, e := s.writable(t, u)
	if e != nil {
		return fail(e)
	}
	var b struct {
		MaxInstanceNum *int `json:"max_instance_num"`
	}
	if e := decodeJSON(body, &b); e != nil {
		return fail(e)
	}
	if b.MaxInstanceNum == nil || *b.MaxInstanceNum < -1 || *b.MaxInstanceNum > 1000 {
		return fail(errf(400, "FSS.1026", "max_instance_num must be -1 (unlimited), 0 (disabled) or up to 1000"))
	}
	// The SDK's config model reports the setting as strategy_config.concurrency.
	f.MaxInstances = *b.MaxInstanceNum
	if f.Latest.Config.StrategyConfig == nil {
		f.Latest.Config.StrategyConfig = &strategyConfig{ConcurrentNum: intp(1)}
	}
	f.Latest.Config.StrategyConfig.Concurrency = intp(f.MaxInstances)
	f.Latest.LastModified = s.now()
	t.putFunction(f)
	return ok(s.model(f, &f.Latest, "latest"))
}

// fingerprint identifies what a version holds of a snapshot, to tell
// whether latest changed since the newest version. A version holds no
// mount_config, so mounts are not part of it.
func fingerprint(sn *snapshot) string {
	c := sn.Config
	c.MountConfig = nil
	b, _ := json.Marshal(struct {
		C    config
		O    map[string]json.RawMessage
		D    string
		L    []string
		U, F string
	}{c, sn.Other, sn.Code.Digest, sn.Code.DependVersionList, sn.Code.CodeURL, sn.Code.CodeFilename})
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:16])
}

// codeChanged tells whether latest's code differs from a version's: the
// package (digest), code_url or code_filename, as the Terraform docs
// require before each version ("func_code, code_url or code_filename must
// be modified").
func codeChanged(latest, version *snapshot) bool {
	l, v := latest.Code, version.Code
	return l.Digest != v.Digest || l.CodeURL != v.CodeURL || l.CodeFilename != v.CodeFilename
}

func (s *Server) publish(t *stx, u urn, body []byte) response {
	f, e := s.writable(t, u)
	if e != nil {
		return fail(e)
	}
	var b struct {
		Version     string `json:"version"`
		Description string `json:"description"`
		Digest      string `json:"digest"`
	}
	if len(body) > 0 {
		if e := decodeJSON(body, &b); e != nil {
			return fail(e)
		}
	}
	if n := len(f.Versions); n > 0 {
		newest := t.version(f, f.Versions[n-1])
		switch {
		case newest == nil:
		case fingerprint(newest) == fingerprint(&f.Latest):
			return fail(errf(400, "FSS.1016", "the function has not changed since version %s", f.Versions[n-1]))
		case s.opts.Strict && !codeChanged(&f.Latest, newest):
			return fail(errf(400, "FSS.1016", "the function code has not been changed since version %s was published", f.Versions[n-1]))
		}
	}
	if b.Digest != "" && b.Digest != f.Latest.Code.Digest {
		return fail(errf(428, "FSS.0428", "digest %s does not match the code of latest", trunc(b.Digest)))
	}
	name := b.Version
	if name == "" {
		name = "v" + s.opts.Now().UTC().Format("20060102-150405")
	}
	if name == "latest" || !versionRe.MatchString(name) {
		return fail(errf(400, "FSS.1015", "invalid version name %q", name))
	}
	if t.hasVersion(f, name) {
		return fail(errf(409, "FSS.1062", "version %s already exists", name))
	}
	if len(f.Versions)+1 >= s.opts.VersionCap {
		return fail(errf(400, "FSS.1015", "the function has %d versions including latest, the maximum", len(f.Versions)+1))
	}
	// "No triggers, mounting disks, or reserved instances are configured
	// in a new version by default" (user guide, Versions).
	sn := f.Latest
	sn.Config.MountConfig = nil
	sn.Description = b.Description
	sn.LastModified = s.now()
	t.putVersion(f, name, &sn)
	f.Versions = append(f.Versions, name)
	t.putFunction(f)
	t.published = u.key()
	m := s.model(f, &sn, name)
	if s.opts.Strict {
		// One reference's example answers a publish with latest's model:
		// "version": "latest" and an unqualified URN.
		m["version"] = "latest"
		m["func_urn"] = strings.TrimSuffix(s.urnOf(f, ""), ":")
	}
	return ok(m)
}

func (s *Server) listVersions(t *stx, r *http.Request, u urn) response {
	f, _, _, e := s.lookup(t, u.bare())
	if e != nil {
		return fail(e)
	}
	// Each entry is the function model of that version (the SDK's
	// ListFunctionVersionResult), latest first, then in publish order.
	names := append([]string{"latest"}, f.Versions...)
	if !s.opts.Strict {
		// Lenient: everything at once; marker and maxitems are ignored, as
		// the Terraform provider notes some regions do.
		list := make([]map[string]any, 0, len(names))
		for _, v := range names {
			if sn := t.versionOrLatest(f, v); sn != nil {
				list = append(list, s.model(f, sn, v))
			}
		}
		return ok(map[string]any{"versions": list, "next_marker": len(list), "count": len(list)})
	}
	// Strict: pages of maxitems (default strictVersionPage) from the
	// marker offset, with next_marker and no count, so a client must
	// follow next_marker until a page is empty or short.
	q := r.URL.Query()
	marker, max := 0, strictVersionPage
	var err error
	if v := q.Get("marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return fail(errf(400, "FSS.1001", "marker %q is not a non-negative integer", trunc(v)))
		}
	}
	if v := q.Get("maxitems"); v != "" {
		if max, err = strconv.Atoi(v); err != nil || max < 0 {
			return fail(errf(400, "FSS.1001", "maxitems %q is not a non-negative integer", trunc(v)))
		}
		if max == 0 {
			max = strictVersionPage
		}
	}
	list := []map[string]any{}
	for i := marker; i < len(names) && i < marker+max; i++ {
		if sn := t.versionOrLatest(f, names[i]); sn != nil {
			list = append(list, s.model(f, sn, names[i]))
		}
	}
	return ok(map[string]any{"versions": list, "next_marker": min(marker, len(names)) + len(list)})
}

// strictVersionPage is the versions list's page size in strict mode when
// maxitems does not say.
const strictVersionPage = 5

// versionOrLatest is latest for "latest", else the published version.
func (t *stx) versionOrLatest(f *function, v string) *snapshot {
	if v == "latest" {
		return &f.Latest
	}
	return t.version(f, v)
}

func (s *Server) deleteFunctionOrVersion(t *stx, u urn) response {
	if u.alias != "" {
		return fail(errf(400, "FSS.0400", "delete an alias through its aliases API"))
	}
	f, _, _, e := s.lookup(t, u.bare())
	if e != nil {
		return fail(e)
	}
	if u.version == "" {
		t.deleteFunction(f)
		return noContent()
	}
	if u.version == "latest" {
		return fail(errf(400, "FSS.1015", "latest cannot be deleted; delete the function with its unqualified URN"))
	}
	if !t.hasVersion(f, u.version) {
		return fail(errf(404, "FSS.1052", "version %s not found", u.version))
	}
	aliases := t.aliases(f)
	for _, a := range aliases {
		_, weighted := a.Weights[u.version]
		_, ruled := a.Strategy[u.version]
		if weighted || ruled {
			return fail(errf(403, "FSS.1094", "version %s is an additional version of alias %s", u.version, a.Name))
		}
	}
	t.deleteVersion(f, u.version)
	for i, v := range f.Versions {
		if v == u.version {
			f.Versions = append(f.Versions[:i], f.Versions[i+1:]...)
			break
		}
	}
	t.putFunction(f)
	// Deleting a version deletes its aliases and its triggers, and the
	// triggers of those aliases.
	t.deleteTriggers(f, u.version)
	for _, a := range aliases {
		if a.Version == u.version {
			t.deleteAlias(f, a.Name)
			t.deleteTriggers(f, "!"+a.Name)
		}
	}
	return noContent()
}
