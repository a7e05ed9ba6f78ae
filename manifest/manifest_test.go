package manifest_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// The -update flag rewrites golden files. The package's internal tests may
// already define it; both then share the one flag.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// errLineRe is the shape of every line of a manifest error.
var errLineRe = regexp.MustCompile(`^[^:]+:\d+:\d+: `)

// fn is a valid manifest with one function; tests append lines indented
// under hello (four spaces).
const fn = `functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
`

// project writes function.yaml and extra files (a name ending in / is a
// directory) into a new directory that always has src/, and returns the
// manifest's path.
func project(t *testing.T, manifestText string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	mk := func(name, content string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("src/", "")
	mk("src/index.py", "def handler(e, c): return 1\n")
	for _, name := range extra {
		mk(name, "x")
	}
	mk("function.yaml", manifestText)
	return filepath.Join(dir, "function.yaml")
}

// loadFile loads a manifest and checks the shape of any error: a
// *multierror.Error of *Error, each positioned, naming the file, sorted,
// and printed one FILE:LINE:COL: line each.
func loadFile(t *testing.T, path string, opts manifest.Options) (*manifest.Project, []*manifest.Error, string) {
	t.Helper()
	p, err := manifest.Load(path, opts)
	if err == nil {
		if p == nil {
			t.Fatal("Load returned neither a project nor an error")
		}
		return p, nil, ""
	}
	if p != nil {
		t.Errorf("Load returned a project and an error")
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("error is %T, not a *multierror.Error: %v", err, err)
	}
	if len(me.Errors) == 0 {
		t.Fatal("empty *multierror.Error")
	}
	var out []*manifest.Error
	for i, e := range me.Errors {
		pe, ok := e.(*manifest.Error)
		if !ok {
			t.Fatalf("element %d is %T, not a *manifest.Error: %v", i, e, e)
		}
		if pe.Line < 1 || pe.Col < 1 {
			t.Errorf("element %d has no position: %#v", i, pe)
		}
		if pe.File != path {
			t.Errorf("element %d names file %q, want %q", i, pe.File, path)
		}
		if i > 0 {
			if prev := out[i-1]; prev.Line > pe.Line || prev.Line == pe.Line && prev.Col > pe.Col {
				t.Errorf("errors not sorted by position: %v before %v", prev, pe)
			}
		}
		out = append(out, pe)
	}
	text := err.Error()
	lines := strings.Split(text, "\n")
	if len(lines) != len(out) {
		t.Errorf("%d errors printed on %d lines:\n%s", len(out), len(lines), text)
	}
	for _, l := range lines {
		if !errLineRe.MatchString(l) {
			t.Errorf("line not FILE:LINE:COL: %q", l)
		}
	}
	return nil, out, text
}

func load(t *testing.T, manifestText string, opts manifest.Options, extra ...string) (*manifest.Project, []*manifest.Error, string) {
	t.Helper()
	path := project(t, manifestText, extra...)
	pr, errs, text := loadFile(t, path, opts)
	// The temporary path holds the test's name; leave it out of what
	// tests search for secrets.
	return pr, errs, strings.ReplaceAll(text, path, "function.yaml")
}

// hasErr reports whether errs has one at path whose message contains msg.
func hasErr(errs []*manifest.Error, path, msg string) bool {
	for _, e := range errs {
		if e.Path == path && strings.Contains(e.Msg, msg) {
			return true
		}
	}
	return false
}

func list(errs []*manifest.Error) string {
	var s []string
	for _, e := range errs {
		s = append(s, fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Col, e.Path, e.Msg))
	}
	return "\n\t" + strings.Join(s, "\n\t")
}

// keys is n flow-map entries K0: v, K1: v, ...
func keys(n int, value string) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf("K%d: %s", i, value))
	}
	return strings.Join(s, ", ")
}

func aliasesN(n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf("a%d: {version: v%d}", i, i))
	}
	return "aliases: {" + strings.Join(s, ", ") + "}"
}

const (
	p     = "functions.hello."
	sizes = "is not a valid size (128, 256, ... 4096)"
)

// TestFunctionRules checks each rule of a function's settings, with good
// and bad values, by adding lines under the hello function.
func TestFunctionRules(t *testing.T) {
	lookup := lookupIn(vars)
	for _, tt := range []struct {
		lines string // under hello, "\n    " between lines
		path  string // "" = valid
		msg   string
	}{
		// package
		{"package: default", "", ""},
		{"package: my_pkg-1", "", ""},
		{"package: " + strings.Repeat("p", 64), "", ""},
		{"package: " + strings.Repeat("p", 65), p + "package", "not a valid package name"},
		{"package: bad/pkg", p + "package", "not a valid package name"},
		{`package: ""`, p + "package", "not a valid package name"},
		{"package: 7", p + "package", "must be a string, got a number (quote it)"},

		// runtime
		{"runtime: Python3.12", p + "runtime", "duplicate key"},
		// (other runtime values are in TestRuntimesAndHandlers)

		// memory_size
		{"memory_size: 128", "", ""},
		{"memory_size: 4096", "", ""},
		{"memory_size: ${MEM}", "", ""},
		{"memory_size: ${NOPE:-1024}", "", ""},
		{"memory_size: 100", p + "memory_size", "100 " + sizes},
		{"memory_size: 0", p + "memory_size", "0 " + sizes},
		{"memory_size: -128", p + "memory_size", "-128 " + sizes},
		{"memory_size: 300", p + "memory_size", "300 " + sizes},
		{"memory_size: 4097", p + "memory_size", "4097 " + sizes},
		{"memory_size: 8192", p + "memory_size", "8192 " + sizes},
		{"memory_size: lots", p + "memory_size", `must be a whole number, got "lots"`},
		{`memory_size: "256"`, p + "memory_size", `must be a whole number`},
		{"memory_size: 256.0", p + "memory_size", "must be a whole number, got 256.0"},
		{"memory_size: 2.5e2", p + "memory_size", "must be a whole number, got 2.5e2"},
		{"memory_size: true", p + "memory_size", "must be a whole number, got the boolean true"},
		{"memory_size: [256]", p + "memory_size", "must be a whole number, got a list"},
		{"memory_size: {a: 1}", p + "memory_size", "must be a whole number, got a map"},
		{"memory_size: ${NOPE}", p + "memory_size", "variable NOPE is not set"},
		{"memory_size: ${SHA}", p + "memory_size", "must be a whole number"},

		// timeout
		{"timeout: 3", "", ""},
		{"timeout: 259200", "", ""},
		{"timeout: 2", p + "timeout", "2 is out of range (3 to 259200)"},
		{"timeout: 0", p + "timeout", "0 is out of range (3 to 259200)"},
		{"timeout: -5", p + "timeout", "-5 is out of range (3 to 259200)"},
		{"timeout: 259201", p + "timeout", "259201 is out of range (3 to 259200)"},
		{`timeout: "30"`, p + "timeout", `must be a whole number`},
		{"timeout: 30s", p + "timeout", `must be a whole number, got "30s"`},

		// initializer
		{"initializer_handler: index.init", p + "initializer_handler", "needs initializer_timeout (1 to 300 seconds)"},
		{"initializer_handler: index.init\n    initializer_timeout: 1", "", ""},
		{"initializer_handler: index.init\n    initializer_timeout: 300", "", ""},
		{"initializer_timeout: 10", p + "initializer_timeout", "needs initializer_handler"},
		{"initializer_handler: \"\"\n    initializer_timeout: 10", p + "initializer_timeout", "needs initializer_handler"},
		{"initializer_handler: index.init\n    initializer_timeout: 0", p + "initializer_timeout", "0 is out of range (1 to 300)"},
		{"initializer_handler: index.init\n    initializer_timeout: 301", p + "initializer_timeout", "301 is out of range (1 to 300)"},

		// pre_stop
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: 90", "", ""},
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: 1", "", ""},
		{"pre_stop_timeout: 5", p + "pre_stop_timeout", "needs pre_stop_handler"},
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: 91", p + "pre_stop_timeout", "91 is out of range"},
		{"pre_stop_handler: index.stop\n    pre_stop_timeout: -1", p + "pre_stop_timeout", "is out of range"},

		// description
		{"description: says hello", "", ""},
		{"description: " + strings.Repeat("x", 512), "", ""},
		{"description: " + strings.Repeat("x", 513), p + "description", "at most 512"},
		{"description: 42", p + "description", "must be a string, got a number (quote it)"},
		{"description: [a]", p + "description", "must be a single value, got a list"},
		{"description: ${NOPE}", p + "description", "variable NOPE is not set"},
		{`description: "release ${SHA} $$5"`, "", ""},

		// environment
		{"environment: {A: b, NUM: 1, ON: true, EMPTY: ~, F: 1.5}", "", ""},
		{`environment: {GREETING: "${NOPE:-hi}", V: "v${SHA}"}`, "", ""},
		{"environment: ~", "", ""},
		{"environment: {A_1: x, Ab9: y}", "", ""},
		{"environment: {" + keys(20, "v") + "}", "", ""},
		{"environment: {" + keys(21, "v") + "}", p + "environment", "has 21 keys; FunctionGraph allows 20"},
		{"environment: {A: " + strings.Repeat("x", 4000) + "}", "", ""},
		{"environment: {A: " + strings.Repeat("x", 4100) + "}", p + "environment", "bytes as JSON"},
		{"environment: {" + keys(11, strings.Repeat("y", 400)) + "}", p + "environment", "bytes as JSON"},
		{`environment: {"1A": b}`, p + "environment.1A", "not a valid variable name"},
		{`environment: {"A B": b}`, p + "environment.A B", "not a valid variable name"},
		{`environment: {"A=B": b}`, p + "environment.A=B", "not a valid variable name"},
		{`environment: {"": b}`, p + "environment.", "not a valid variable name"},
		{"environment: {A: [1]}", p + "environment.A", "must be a single value, got a list"},
		{"environment: {A: {b: c}}", p + "environment.A", "must be a single value, got a map"},
		{`environment: {A: "${NOPE}"}`, p + "environment.A", "variable NOPE is not set"},
		{"environment: [A]", p + "environment", "must be a map, got a list"},
		{"environment: A=b", p + "environment", "must be a map, got a string"},
		{"environment: {A: b, A: c}", p + "environment.A", "duplicate key"},

		// encrypted_environment (values are checked in TestSecretsNeverInErrors)
		{`encrypted_environment: {API_KEY: "${SECRET}"}`, "", ""},
		{"encrypted_environment: {" + keys(21, "v") + "}", p + "encrypted_environment", "has 21 keys"},
		{`encrypted_environment: {"9X": v}`, p + "encrypted_environment.9X", "not a valid variable name"},
		{"encrypted_environment: [a]", p + "encrypted_environment", "must be a map, got a list"},

		// xrole, app_xrole
		{"xrole: fgs-agency\n    app_xrole: app-agency", "", ""},
		{"xrole: 5", p + "xrole", "must be a string"},
		{"app_xrole: [a]", p + "app_xrole", "must be a single value, got a list"},

		// concurrent_num
		{"concurrent_num: 1", p + "concurrent_num", "is only for http and Custom Image functions; a Python3.10 instance takes one request at a time"},
		{"concurrent_num: 0", p + "concurrent_num", "0 is out of range (1 to 1000)"},
		{"concurrent_num: 1001", p + "concurrent_num", "1001 is out of range (1 to 1000)"},

		// ephemeral_storage
		{"ephemeral_storage: 512", "", ""},
		{"ephemeral_storage: 10240", p + "ephemeral_storage", "10240 MB is only for http and Custom Image functions; Python3.10 functions have 512 MB"},
		{"ephemeral_storage: 511", p + "ephemeral_storage", "511 is not a valid size (512 or 10240 MB)"},
		{"ephemeral_storage: 1024", p + "ephemeral_storage", "1024 is not a valid size (512 or 10240 MB)"},

		// max_instances
		{"max_instances: -1", "", ""},
		{"max_instances: 0", "", ""},
		{"max_instances: 1000", "", ""},
		{"max_instances: -2", p + "max_instances", "-2 is out of range (-1 to 1000)"},
		{"max_instances: 1001", p + "max_instances", "1001 is out of range (-1 to 1000)"},

		// dependencies
		{"dependencies: []", "", ""},
		{`dependencies: ["urn:fss:cn-north-4:0123:dependency:default:numpy:1", "urn:fss:x"]`, "", ""},
		{`dependencies: [nope]`, p + "dependencies[0]", `"nope" is neither a dependency this manifest declares (it declares none) nor a dependency version id or URN`},
		{`dependencies: ["urn:fss:x", "urn:obs:y"]`, p + "dependencies[1]", "nor a dependency version id or URN"},
		{`dependencies: "urn:fss:x"`, p + "dependencies", "must be a list, got a string"},
		{`dependencies: [[a]]`, p + "dependencies[0]", "must be a single value, got a list"},

		// publish
		{"publish: {}", "", ""},
		{"publish: ~", "", ""},
		{"publish: {version: v1.2-rc_3, description: first, keep: 5}", "", ""},
		{`publish: {version: "v${SHA}", description: "release ${SHA}"}`, "", ""},
		{"publish: {version: " + strings.Repeat("v", 42) + "}", "", ""},
		{"publish: {version: " + strings.Repeat("v", 43) + "}", p + "publish.version", "not a valid version name"},
		{"publish: {version: -bad}", p + "publish.version", "not a valid version name"},
		{"publish: {version: bad.}", p + "publish.version", "not a valid version name"},
		{`publish: {version: "v1!"}`, p + "publish.version", "not a valid version name"},
		{"publish: {version: latest}", p + "publish.version", "latest is FunctionGraph's unpublished version and cannot be published"},
		{`publish: {version: "${NOPE}"}`, p + "publish.version", "variable NOPE is not set"},
		{"publish: {version: 1.0}", p + "publish.version", "must be a string, got a number (quote it)"},
		{"publish: {keep: 0}", "", ""},
		{"publish: {keep: 1000}", "", ""},
		{"publish: {keep: -1}", p + "publish.keep", "-1 is out of range (0 to 1000)"},
		{"publish: {keep: 1001}", p + "publish.keep", "1001 is out of range (0 to 1000)"},
		{"publish: {keep: all}", p + "publish.keep", "must be a whole number"},
		{"publish: {description: " + strings.Repeat("d", 513) + "}", p + "publish.description", "at most 512"},
		{"publish: [v1]", p + "publish", "must be a map, got a list"},

		// aliases
		{"aliases: {live: {version: latest}}", "", ""},
		{"aliases: ~", "", ""},
		{"aliases: {live: {version: v1, description: the live one}}", "", ""},
		{"publish: {}\n    aliases: {live: {version: $published}}", "", ""},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 1}}", "", ""},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 99}}", "", ""},
		{"aliases: {live: {version: v3, canary: 10}}", "", ""},
		{"aliases: {" + strings.Repeat("a", 63) + ": {version: latest}}", "", ""},
		{aliasesN(10), "", ""},
		{aliasesN(11), p + "aliases", "has 11 aliases; FunctionGraph allows 10 per function"},
		{"aliases: {" + strings.Repeat("a", 64) + ": {version: latest}}", p + "aliases." + strings.Repeat("a", 64), "not a valid alias name"},
		{"aliases: {1live: {version: latest}}", p + "aliases.1live", "not a valid alias name"},
		{"aliases: {li.ve: {version: latest}}", p + "aliases.li.ve", "not a valid alias name"},
		{"aliases: {live: {version: $published}}", p + "aliases.live.version", "$published needs a publish: section"},
		{"aliases: {live: {version: latest, canary: 10}}", p + "aliases.live.canary", "a canary needs a published version, not latest"},
		{"aliases: {live: {version: v1}, beta: {version: v1}}", p + "aliases.beta.version", `alias live already points at "v1"; FunctionGraph allows one alias per version (FSS.1066)`},
		{"aliases: {live: {version: latest}, beta: {version: latest}}", p + "aliases.beta.version", "one alias per version"},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 10}, beta: {version: $published}}", "", ""},
		{"aliases: {live: {version: v1}, beta: {version: v2}}", "", ""},
		{"enterprise_project_id: 0a1b2c3d-eeee-ffff-0000-123456789abc", "", ""},
		{`enterprise_project_id: ""`, p + "enterprise_project_id", "is empty; remove the key for the default enterprise project"},
		{"enterprise_project_id: 7", p + "enterprise_project_id", "must be a string"},
		{"aliases: {live: {version: v1, description: " + strings.Repeat("d", 448) + "}}", "", ""},
		{"aliases: {live: {version: v1, description: " + strings.Repeat("d", 449) + "}}", p + "aliases.live.description", "is 449 characters long; at most 448 (fgsdeploy appends the previous version to it, and FunctionGraph allows 512)"},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 0}}", p + "aliases.live.canary", "0 is out of range (1 to 99)"},
		{"publish: {}\n    aliases: {live: {version: $published, canary: 100}}", p + "aliases.live.canary", "100 is out of range (1 to 99)"},
		{"aliases: {live: {}}", p + "aliases.live.version", "is required ($published, latest or a version name)"},
		{"aliases: {live: ~}", "", ""}, // not set: declares no alias
		{"aliases: {live: {version: ~}}", p + "aliases.live.version", "is required"},
		{`aliases: {live: {version: "v!"}}`, p + "aliases.live.version", `"v!" is not $published, latest or a valid version name`},
		{"aliases: {live: latest}", p + "aliases.live", "must be a map, got a string"},
		{"aliases: [live]", p + "aliases", "must be a map, got a list"},

		// func_vpc
		{"func_vpc: {vpc_id: v, subnet_id: s}", "", ""},
		{"func_vpc: {vpc_id: v, subnet_id: s, security_groups: [sg1, sg2]}", "", ""},
		{"func_vpc: ~", "", ""},
		{"func_vpc: {vpc_id: v}", p + "func_vpc.subnet_id", "is required"},
		{"func_vpc: {subnet_id: s}", p + "func_vpc.vpc_id", "is required"},
		{"func_vpc: {}", p + "func_vpc.vpc_id", "is required"},
		{"func_vpc: {vpc_id: v, subnet_id: s, security_groups: sg}", p + "func_vpc.security_groups", "must be a list, got a string"},
		{"func_vpc: vpc-1", p + "func_vpc", "must be a map, got a string"},

		// log_config
		{"log_config: {group_id: g, stream_id: s}", "", ""},
		{"log_config: ~", "", ""},
		{"log_config: auto", "", ""},
		{"log_config: on", p + "log_config", `must be auto (FunctionGraph's default logging) or a map {group_id, stream_id}, got "on"`},
		{"log_config: 3", p + "log_config", "must be auto (FunctionGraph's default logging) or a map {group_id, stream_id}, got a number"},
		{"log_config: {group_id: g}", p + "log_config", "needs group_id and stream_id"},
		{"log_config: {stream_id: s}", p + "log_config", "needs group_id and stream_id"},
		{`log_config: {group_id: "", stream_id: s}`, p + "log_config", "needs group_id and stream_id"},

		// mount_config
		{"mount_config: {mount_user: {user_id: 1001, user_group_id: -1}, func_mounts: [{mount_type: sfs, mount_resource: r, mount_share_path: /s, local_mount_path: /mnt/a}]}", "", ""},
		{"mount_config: {mount_user: {user_id: 1000, user_group_id: 1}}", p + "mount_config.mount_user.user_id", "1000 is reserved (not 0, 1000, 1002; -1 is the default)"},
		{"mount_config: {mount_user: {user_id: 1, user_group_id: 0}}", p + "mount_config.mount_user.user_group_id", "0 is reserved"},
		{"mount_config: {mount_user: {user_id: 1, user_group_id: 1002}}", p + "mount_config.mount_user.user_group_id", "1002 is reserved"},
		{"mount_config: {mount_user: {user_id: 65535, user_group_id: 1}}", p + "mount_config.mount_user.user_id", "65535 is out of range (-1 to 65534, not 0, 1000, 1002)"},
		{"mount_config: {mount_user: {user_id: -2, user_group_id: 1}}", p + "mount_config.mount_user.user_id", "-2 is out of range"},
		{"mount_config: {mount_user: {user_id: 1}}", p + "mount_config.mount_user.user_group_id", "is required (-1 for FunctionGraph's default user)"},
		{"mount_config: {func_mounts: [{mount_type: nfs, mount_resource: r, local_mount_path: /m}]}", p + "mount_config.func_mounts[0].mount_type", `"nfs" is not a mount type (sfs, sfsTurbo, ecs)`},
		{"mount_config: {func_mounts: [{mount_type: ecs, mount_resource: r, local_mount_path: /m}]}", p + "mount_config.func_mounts[0]", "needs mount_share_path (e.g. 192.168.0.12:/data) for mount_type ecs"},
		{"mount_config: {func_mounts: [" + strings.Repeat("{mount_type: sfs, mount_resource: r, local_mount_path: /m}, ", 5) + "]}", "", ""},
		{"mount_config: {func_mounts: [" + strings.Repeat("{mount_type: sfs, mount_resource: r, local_mount_path: /m}, ", 6) + "]}", p + "mount_config.func_mounts", "has 6 mounts; FunctionGraph allows 5 per function"},
		{"mount_config: ~", "", ""},
		{"mount_config: {func_mounts: [{mount_type: sfs, mount_resource: r, local_mount_path: mnt}]}", p + "mount_config.func_mounts[0].local_mount_path", "must be an absolute path"},
		{"mount_config: {func_mounts: [{mount_resource: r, local_mount_path: /m}]}", p + "mount_config.func_mounts[0]", "needs mount_type, mount_resource and local_mount_path"},
		{"mount_config: {func_mounts: {a: b}}", p + "mount_config.func_mounts", "must be a list, got a map"},
		{"mount_config: {mount_user: {user_id: root}}", p + "mount_config.mount_user.user_id", "must be a whole number"},

		// unknown keys at every level of a function
		{"colour: blue", p + "colour", "unknown key (allowed: "},
		{"Timeout: 3", p + "Timeout", "unknown key"},
		{"code_type: zip", p + "code_type", "unknown key"},
		{"publish: {kep: 3}", p + "publish.kep", "unknown key; did you mean keep? (allowed: config_changes, description, keep, version)"},
		{"publish: {config_changes: latest}", "", ""},
		{"publish: {config_changes: release}", "", ""},
		{"publish: {config_changes: skip}", p + "publish.config_changes", `"skip" is not release (publish a change of config alone, the default) or latest (apply it to latest only)`},
		{"publish: {config_changes: 1}", p + "publish.config_changes", "must be a string"},
		{"aliases: {live: {version: latest, weight: 3}}", p + "aliases.live.weight", "unknown key (allowed: canary, description, version)"},
		{"func_vpc: {vpc_id: v, subnet_id: s, vpc: x}", p + "func_vpc.vpc", "unknown key (allowed: security_groups, subnet_id, vpc_id)"},
		{"log_config: {group_id: g, stream_id: s, topic: t}", p + "log_config.topic", "unknown key (allowed: group_id, stream_id)"},
		{"mount_config: {user: x}", p + "mount_config.user", "unknown key (allowed: func_mounts, mount_user)"},
		{"mount_config: {mount_user: {uid: 1}}", p + "mount_config.mount_user.uid", "unknown key (allowed: user_group_id, user_id)"},
		{"mount_config: {func_mounts: [{mount_type: sfs, mount_resource: r, local_mount_path: /m, ro: true}]}", p + "mount_config.func_mounts[0].ro", "unknown key"},

		// duplicate keys
		{"handler: other.handler", p + "handler", "duplicate key (first at line 4)"},
		{"publish: {keep: 1, keep: 2}", p + "publish.keep", "duplicate key"},
		{"aliases: {live: {version: latest}, live: {version: latest}}", p + "aliases.live", "duplicate key"},
	} {
		t.Run(tt.lines, func(t *testing.T) {
			_, errs, text := load(t, fn+"    "+tt.lines+"\n", manifest.Options{Lookup: lookup})
			if tt.path == "" {
				if errs != nil {
					t.Fatalf("want no error, got%s", list(errs))
				}
				return
			}
			if !hasErr(errs, tt.path, tt.msg) {
				t.Fatalf("want %s: %s, got%s", tt.path, tt.msg, list(errs))
			}
			if strings.Contains(text, vars["SECRET"]) {
				t.Errorf("a variable's value leaked into the error:\n%s", text)
			}
		})
	}
}

// The contract's own example, with its exact text.
func TestMemorySizeMessage(t *testing.T) {
	y := "functions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./src}\n    memory_size: 100\n"
	path := project(t, y)
	_, errs, text := loadFile(t, path, manifest.Options{})
	want := path + ":6:18: functions.hello.memory_size: 100 is not a valid size (128, 256, ... 4096)"
	if len(errs) != 1 || text != want {
		t.Fatalf("got\n%s\nwant\n%s", text, want)
	}
	// Every size FunctionGraph accepts loads.
	for _, m := range fgsspec.MemorySizes {
		y := fmt.Sprintf("%s    memory_size: %d\n", fn, m)
		if _, errs, _ := load(t, y, manifest.Options{}); errs != nil {
			t.Errorf("memory_size %d:%s", m, list(errs))
		}
	}
}

func TestDecodedValues(t *testing.T) {
	y := fn + `    package: pkg
    memory_size: ${MEM}
    timeout: 30
    description: release ${SHA}
    environment: {A: "1", B: 2, C: ~, D: "$$x", E: $published}
    encrypted_environment: {API_KEY: "${SECRET}"}
    func_vpc: {vpc_id: v, subnet_id: s, security_groups: [g]}
    log_config: {group_id: g, stream_id: s}
    max_instances: -1
    dependencies: ["urn:fss:b", "urn:fss:a"]
    publish: {version: "v${SHA}", keep: 3}
    aliases:
      live: {version: $published, canary: 10, description: d}
      old: {version: latest}
  another:
    runtime: Node.js18.15
    handler: index.main
    code: {obs_url: "https://b.obs.cn-north-4.myhuaweicloud.com/x.zip"}
`
	path := project(t, y)
	pr, errs, _ := loadFile(t, path, manifest.Options{Lookup: lookupIn(vars)})
	if errs != nil {
		t.Fatal(list(errs))
	}
	if pr.File != path || pr.Dir != filepath.Dir(path) || pr.Env != "" || len(pr.Functions) != 2 {
		t.Fatalf("project %+v", pr)
	}
	a, h := pr.Functions[0], pr.Functions[1]
	if a.Name != "another" || h.Name != "hello" {
		t.Fatalf("functions not sorted by name: %s, %s", a.Name, h.Name)
	}
	if a.Package != "default" || a.Code.ObsURL == "" || a.Code.Path != "" || a.MemorySize != nil || a.Environment != nil || a.FuncVpc != nil || a.Publish != nil {
		t.Errorf("another: %+v", a)
	}
	if h.Line != 2 || h.Package != "pkg" || *h.MemorySize != 512 || *h.Timeout != 30 || *h.Description != "release abc123" {
		t.Errorf("hello: %+v", h)
	}
	wantEnv := map[string]string{"A": "1", "B": "2", "D": "$x", "E": "$published"} // C: ~ is not set
	if fmt.Sprint(h.Environment) != fmt.Sprint(wantEnv) {
		t.Errorf("environment %v, want %v", h.Environment, wantEnv)
	}
	if h.EncryptedEnvironment["API_KEY"] != vars["SECRET"] {
		t.Errorf("encrypted_environment not interpolated")
	}
	if h.FuncVpc == nil || h.FuncVpc.VpcID != "v" || h.FuncVpc.SubnetID != "s" || len(h.FuncVpc.SecurityGroups) != 1 {
		t.Errorf("func_vpc %+v", h.FuncVpc)
	}
	if h.LogConfig == nil || h.LogConfig.GroupID != "g" || h.LogConfig.StreamID != "s" || *h.MaxInstances != -1 {
		t.Errorf("log_config %+v, max_instances %v", h.LogConfig, h.MaxInstances)
	}
	if strings.Join(h.Dependencies, " ") != "urn:fss:b urn:fss:a" {
		t.Errorf("dependencies %v", h.Dependencies)
	}
	if h.Publish == nil || h.Publish.Version != "vabc123" || h.Publish.Keep != 3 {
		t.Errorf("publish %+v", h.Publish)
	}
	if h.Aliases["live"] != (manifest.Alias{Version: "$published", Canary: 10, Description: "d"}) || h.Aliases["old"].Version != "latest" {
		t.Errorf("aliases %+v", h.Aliases)
	}
	if h.Code.Path != filepath.Join(filepath.Dir(path), "src") || h.Code.IsArchive {
		t.Errorf("code %+v", h.Code)
	}
}

func TestFunctionNames(t *testing.T) {
	for _, tt := range []struct{ name, msg string }{
		{"ab", ""},
		{"a", "it is 1 character long; 2 to 60 allowed"},
		{"hello-world_2", ""},
		{"A9", ""},
		{"hello-", "it must end with a letter or digit"},
		{"a" + strings.Repeat("b", 59), ""},
		{"a" + strings.Repeat("b", 60), "is not a valid function name"},
		{"9lives", "is not a valid function name"},
		{"_hello", "is not a valid function name"},
		{"he.llo", "is not a valid function name"},
		{`"he llo"`, "is not a valid function name"},
		{`"héllo"`, "is not a valid function name"},
		{`""`, "is not a valid function name"},
	} {
		y := strings.Replace(fn, "hello:", tt.name+":", 1)
		_, errs, _ := load(t, y, manifest.Options{})
		if tt.msg == "" {
			if errs != nil {
				t.Errorf("%s:%s", tt.name, list(errs))
			}
			continue
		}
		if len(errs) != 1 || errs[0].Line != 2 || errs[0].Col != 3 || !strings.Contains(errs[0].Msg, tt.msg) {
			t.Errorf("%s: want one error at 2:3 with %q, got%s", tt.name, tt.msg, list(errs))
		}
	}
}

func TestRuntimesAndHandlers(t *testing.T) {
	// Every runtime loads with a handler of its family.
	for _, r := range fgsspec.Runtimes {
		h := "index.handler"
		switch {
		case strings.HasPrefix(r, "C#"):
			h = "Asm::Ns.Class::Method"
		case r == "Custom Image":
			h = `"-"`
		}
		y := strings.NewReplacer("Python3.10", `"`+r+`"`, "index.handler", h).Replace(fn)
		if _, errs, _ := load(t, y, manifest.Options{}); errs != nil {
			t.Errorf("runtime %s:%s", r, list(errs))
		}
	}
	for _, tt := range []struct {
		runtime, handler string
		msg              string // "" = valid
	}{
		{"python3.10", "index.handler", "is not a FunctionGraph runtime"},
		{"Python3.11", "index.handler", "is not a FunctionGraph runtime"},
		{"Python", "index.handler", "is not a FunctionGraph runtime"},
		{`""`, "index.handler", "is not a FunctionGraph runtime"},
		{"3.10", "index.handler", "must be a string"},

		{"Python3.10", "pkg/mod.handler", ""},
		{"Python3.10", "index.handler_2", ""},
		{"Python3.10", "handler", "want FILE.FUNCTION"},
		{"Python3.10", "index.", "want FILE.FUNCTION"},
		{"Python3.10", ".handler", "want FILE.FUNCTION"},
		{"Python3.10", "index.handler()", "want FILE.FUNCTION"},
		{"Python3.10", `""`, "is required"},
		{"Python3.10", "a." + strings.Repeat("h", 130), "longer than 128"},
		{"Node.js18.15", "index.main", ""},
		{"Node.js18.15", "main", "want FILE.FUNCTION"},
		{"PHP7.3", "index.handler", ""},
		{"PHP7.3", "index", "want FILE.FUNCTION"},
		{"Java17", "com.example.App.handle", ""},
		{"Java17", "com.example.App::handle", ""},
		{"Java17", "handle", "want package.Class.method"},
		{`"C#(.NET Core 6.0)"`, "Asm::Ns.Class::Method", ""},
		{`"C#(.NET Core 6.0)"`, "Ns.Class.Method", "want Assembly::Namespace.Class::Method"},
		{`"C#(.NET Core 6.0)"`, "Asm::Method", "want Assembly::Namespace.Class::Method"},
		{"Go1.x", "handler", ""},
		{"Custom", "bootstrap", ""},
		{"http", "bootstrap", ""},
		{`"Custom Image"`, `"-"`, ""},
		{`"Custom Image"`, "index.handler", `must be "-" for Custom Image functions`},
		{"Go1.x", "[a]", "must be a single value, got a list"},
		{"Go1.x", "5", "must be a string"},
	} {
		y := strings.NewReplacer("Python3.10", tt.runtime, "index.handler", tt.handler).Replace(fn)
		_, errs, _ := load(t, y, manifest.Options{})
		if tt.msg == "" {
			if errs != nil {
				t.Errorf("%s %s:%s", tt.runtime, tt.handler, list(errs))
			}
			continue
		}
		found := false
		for _, e := range errs {
			found = found || strings.Contains(e.Msg, tt.msg)
		}
		if !found {
			t.Errorf("%s %s: want %q, got%s", tt.runtime, tt.handler, tt.msg, list(errs))
		}
	}
	// A missing runtime or handler is reported at the function's key.
	_, errs, _ := load(t, "functions:\n  hello:\n    code: {path: ./src}\n", manifest.Options{})
	if !hasErr(errs, p+"runtime", "is required") || !hasErr(errs, p+"handler", "is required") || errs[0].Line != 2 {
		t.Errorf("missing runtime and handler:%s", list(errs))
	}
}

func TestCodeRules(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "x.zip"), []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		code  string
		setup func(dir string) error
		path  string // "" = valid
		msg   string
	}{
		{"{path: ./src}", nil, "", ""},
		{"{path: src/}", nil, "", ""},
		{"{path: ./app.zip}", nil, "", ""},
		{"{path: ./lib/app.JAR}", nil, "", ""},
		{"{path: ./src/../src}", nil, "", ""},
		{`{obs_url: "https://bucket.obs.cn-north-4.myhuaweicloud.com/hello.zip"}`, nil, "", ""},
		{"{path: ./inner}", func(dir string) error { return os.Symlink(filepath.Join(dir, "src"), filepath.Join(dir, "inner")) }, "", ""},

		{"{path: ./missing}", nil, p + "code.path", "missing does not exist"},
		{"{path: ./notes.txt}", nil, p + "code.path", "notes.txt is a file; want a directory, a .zip or a .jar"},
		{"{path: ./app.tar.gz}", nil, p + "code.path", "is a file; want a directory, a .zip or a .jar"},
		{"{path: ..}", nil, p + "code.path", ".. is outside the project directory"},
		{"{path: ../}", nil, p + "code.path", "is outside the project directory"},
		{"{path: /}", nil, p + "code.path", "is outside the project directory"},
		{"{path: ./link}", func(dir string) error { return os.Symlink(outside, filepath.Join(dir, "link")) }, p + "code.path", "link is outside the project directory"},
		{"{path: ./link.zip}", func(dir string) error {
			return os.Symlink(filepath.Join(outside, "x.zip"), filepath.Join(dir, "link.zip"))
		}, p + "code.path", "is outside the project directory"},
		{"{path: ./src/up}", func(dir string) error { return os.Symlink("../..", filepath.Join(dir, "src", "up")) }, p + "code.path", "is outside the project directory"},
		{"{path: ./dangling}", func(dir string) error {
			return os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling"))
		}, p + "code.path", "does not exist"},
		{`{path: ""}`, nil, p + "code.path", "is empty"},
		{`{path: "${NOPE}"}`, nil, p + "code.path", "variable NOPE is not set"},
		{`{path: ./src, obs_url: "https://b.obs.example.com/x.zip"}`, nil, p + "code", "give exactly one of path and obs_url, not both"},
		{`{obs_url: "http://b.obs.example.com/x.zip"}`, nil, p + "code.obs_url", "must be an https:// URL"},
		{`{obs_url: "https://"}`, nil, p + "code.obs_url", "must be an https:// URL"},
		{`{obs_url: "obs://bucket/x.zip"}`, nil, p + "code.obs_url", "must be an https:// URL"},
		{"{}", nil, p + "code", "needs path (a directory, .zip or .jar) or obs_url"},
		{"~", nil, p + "code", "is required"},
		{"./src", nil, p + "code", "must be a map, got a string"},
		{"{path: ./src, zip: true}", nil, p + "code.zip", "unknown key (allowed: build, obs, obs_url, path)"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			y := strings.Replace(fn, "{path: ./src}", tt.code, 1)
			path := project(t, y, "app.zip", "lib/app.JAR", "notes.txt", "app.tar.gz")
			if tt.setup != nil {
				if err := tt.setup(filepath.Dir(path)); err != nil {
					t.Fatal(err)
				}
			}
			pr, errs, _ := loadFile(t, path, manifest.Options{})
			if tt.path == "" {
				if errs != nil {
					t.Fatalf("want no error, got%s", list(errs))
				}
				c := pr.Functions[0].Code
				if c.ObsURL == "" && (!filepath.IsAbs(c.Path) || c.Path != filepath.Clean(c.Path)) {
					t.Errorf("code path %q is not absolute and clean", c.Path)
				}
				if want := strings.Contains(tt.code, ".zip") || strings.Contains(tt.code, ".JAR"); c.IsArchive != want && c.ObsURL == "" {
					t.Errorf("IsArchive = %v", c.IsArchive)
				}
				return
			}
			if !hasErr(errs, tt.path, tt.msg) {
				t.Fatalf("want %s: %s, got%s", tt.path, tt.msg, list(errs))
			}
		})
	}
	// A missing code key is reported at the function's key.
	_, errs, _ := load(t, "functions:\n  hello:\n    runtime: Go1.x\n    handler: h\n", manifest.Options{})
	if len(errs) != 1 || errs[0].Path != p+"code" || errs[0].Line != 2 || !strings.Contains(errs[0].Msg, "is required") {
		t.Errorf("missing code:%s", list(errs))
	}
}

// Nothing of an encrypted_environment value, literal or interpolated, is
// ever part of an error, whatever else is wrong around it.
func TestSecretsNeverInErrors(t *testing.T) {
	const secret = "Zq7-s3cr3t-Vx9"
	lookup := lookupIn(map[string]string{"SECRET": secret, "OTHER": "x"})
	for _, ee := range []string{
		"{K: " + secret + ", \"bad key\": " + secret + "}",
		"{K: \"" + secret + "${\"}",
		"{K: \"${" + secret + "}\"}",
		"{K: \"${BAD NAME:-" + secret + "}\"}",
		"{K: \"" + secret + "${NOPE}\"}",
		"{K: \"${SECRET}${NOPE}\"}",
		"{K: [" + secret + "]}",
		"{K: {" + secret + ": 1}}",
		"{K: " + strings.Repeat(secret, 300) + "}",
		"{" + keys(21, secret) + "}",
		"{K: " + secret + ", K: " + secret + "}",
		"[" + secret + "]",
		secret,
	} {
		t.Run(ee, func(t *testing.T) {
			// A secret variable used by mistake in another field is not
			// echoed either.
			y := fn + "    memory_size: 100\n    timeout: \"${SECRET}\"\n    encrypted_environment: " + ee + "\n"
			_, errs, text := load(t, y, manifest.Options{Lookup: lookup})
			if errs == nil {
				t.Fatal("want errors")
			}
			for _, frag := range []string{secret, "s3cr3t", "Zq7", "Vx9"} {
				if strings.Contains(text, frag) {
					t.Fatalf("%q of the secret is in the error:\n%s", frag, text)
				}
			}
		})
	}
}

func TestDocumentRules(t *testing.T) {
	for _, tt := range []struct {
		name, yaml string
		line, col  int
		path, msg  string
	}{
		{"empty file", "", 1, 1, "", "the manifest is empty"},
		{"only a comment", "# nothing\n", 1, 1, "", "the manifest is empty"},
		{"only ---", "---\n", 0, 0, "", "got nothing"},
		{"second document", fn + "---\n" + fn, 6, 1, "", "only one YAML document is allowed"},
		{"empty second document", fn + "---\nfoo\n", 6, 1, "", "only one YAML document"},
		{"top-level list", "- a\n- b\n", 1, 1, "", "the manifest must be a map with a functions key, got a list"},
		{"top-level string", "hello\n", 1, 1, "", "the manifest must be a map with a functions key, got a string"},
		{"top-level number", "42\n", 1, 1, "", "got a number"},
		{"invalid YAML", "functions: {a: {]\n", 1, 17, "", "this ] closes the { at line 1, column 16: a } is missing"},
		{"tab indentation", "functions:\n\thello: {}\n", 2, 1, "", "a tab in the indentation: YAML indents with spaces only"},
		{"no functions", "region: cn-north-4\n", 1, 1, "functions", "is required: declare at least one function"},
		{"functions empty", "functions: {}\n", 1, 12, "functions", "is empty: declare at least one function"},
		{"functions null", "functions:\n", 1, 1, "functions", "is required: declare at least one function"},
		{"functions a list", "functions: [hello]\n", 1, 12, "functions", "must be a map of function name to function, got a list"},
		{"function a list", "functions:\n  hello: [1]\n", 2, 10, "functions.hello", "must be a map of settings, got a list"},
		{"function a string", "functions:\n  hello: index.handler\n", 2, 10, "functions.hello", "must be a map of settings, got a string"},
		{"unknown top-level key", fn + "colour: blue\n", 6, 1, "colour", "unknown key (allowed: region, project_id, project, defaults, functions, environments, dependencies)"},
		{"top-level duplicate", fn + "functions: {}\n", 6, 1, "functions", "duplicate key (first at line 1)"},
		{"duplicate function", fn + "  hello:\n    runtime: Go1.x\n", 6, 3, "functions.hello", "duplicate key (first at line 2)"},
		{"defaults a list", "defaults: [a]\n" + fn, 1, 11, "defaults", "must be a map of function settings, got a list"},
		{"environments a list", fn + "environments: [prod]\n", 6, 15, "environments", "must be a map of environment name to overlay, got a list"},
		{"environment a list", fn + "environments:\n  prod: [a]\n", 7, 9, "environments.prod", "must be a map, got a list"},
		{"unknown defaults key", "defaults: {colour: blue}\n" + fn, 1, 12, "defaults.colour", "unknown key"},
		{"unknown overlay key", fn + "environments:\n  prod: {colour: red}\n", 7, 10, "environments.prod.colour", "unknown key (allowed: defaults, functions, project_id, region)"},
		{"unknown overlay function key", fn + "environments:\n  prod: {functions: {hello: {colour: red}}}\n", 7, 30, "environments.prod.functions.hello.colour", "unknown key"},
		{"unknown overlay code key", fn + "environments:\n  prod: {functions: {hello: {code: {zip: x}}}}\n", 7, 37, "environments.prod.functions.hello.code.zip", "unknown key (allowed: build, obs, obs_url, path)"},
		{"unknown overlay defaults key", fn + "environments:\n  prod: {defaults: {colour: red}}\n", 7, 21, "environments.prod.defaults.colour", "unknown key"},
		{"duplicate overlay key", fn + "environments:\n  prod: {region: cn-north-4, region: cn-north-1}\n", 7, 30, "environments.prod.region", "duplicate key"},
		{"bad region", "region: Mars\n" + fn, 1, 9, "region", `"Mars" is not a region name (e.g. cn-north-4)`},
		{"region with underscores", "region: cn_north_4\n" + fn, 1, 9, "region", "is not a region name"},
		{"region without a dash", "region: cn\n" + fn, 1, 9, "region", "is not a region name"},
		{"region a list", "region: [cn-north-4]\n" + fn, 1, 9, "region", "must be a single value, got a list"},
		{"region unset variable", "region: ${NOPE}\n" + fn, 1, 9, "region", "variable NOPE is not set"},
		{"bad project_id", "project_id: abc\n" + fn, 1, 13, "project_id", "must be 32 hexadecimal characters"},
		{"project_id not hex", "project_id: " + strings.Repeat("g", 32) + "\n" + fn, 1, 13, "project_id", "must be 32 hexadecimal characters"},
		{"project_id too long", "project_id: " + strings.Repeat("a", 33) + "\n" + fn, 1, 13, "project_id", "must be 32 hexadecimal characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, _ := load(t, tt.yaml, manifest.Options{})
			for _, e := range errs {
				if e.Path == tt.path && strings.Contains(e.Msg, tt.msg) {
					if tt.line != 0 && (e.Line != tt.line || e.Col != tt.col) {
						t.Errorf("at %d:%d, want %d:%d: %s", e.Line, e.Col, tt.line, tt.col, e.Msg)
					}
					return
				}
			}
			t.Fatalf("want %d:%d: %s: %s, got%s", tt.line, tt.col, tt.path, tt.msg, list(errs))
		})
	}
	for _, good := range []string{
		"region: cn-north-4\nproject_id: " + strings.Repeat("0a", 16) + "\n" + fn,
		"region: ap-southeast-1\n" + fn,
		"region: la-north-2\nproject_id: " + strings.Repeat("AB", 16) + "\n" + fn,
		"region: ${REGION}\n" + fn,
		"region: ${NOPE:-cn-east-3}\n" + fn,
		"region: \"\"\n" + fn,
		"---\n" + fn,
		fn + "...\n",
		fn + "environments: {}\n",
		fn + "environments: {prod: ~}\n",
		"defaults: {}\n" + fn,
	} {
		if pr, errs, _ := load(t, good, manifest.Options{Lookup: lookupIn(vars)}); errs != nil {
			t.Errorf("%q:%s", good, list(errs))
		} else if strings.HasPrefix(good, "region: ${") && pr.Region != "cn-south-1" && pr.Region != "cn-east-3" {
			t.Errorf("region %q", pr.Region)
		}
	}
}

// Every problem is reported at once, sorted by position.
func TestAllErrorsAtOnce(t *testing.T) {
	y := `region: Mars
functions:
  bb:
    runtime: Python3.10
    handler: index
    memory_size: 100
    code: {path: ./missing}
  aa:
    runtime: Go9
    handler: h
    timeout: 1
    code: {obs_url: "ftp://x"}
`
	_, errs, _ := load(t, y, manifest.Options{})
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d:%d %s", e.Line, e.Col, e.Path))
	}
	want := []string{
		"1:9 region",
		"5:14 functions.bb.handler",
		"6:18 functions.bb.memory_size",
		"7:18 functions.bb.code.path",
		"9:14 functions.aa.runtime",
		"11:14 functions.aa.timeout",
		"12:21 functions.aa.code.obs_url",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const overlayManifest = `region: cn-north-4
defaults:
  runtime: Python3.10
  memory_size: 256
  timeout: 30
  environment: {A: base, B: base}
functions:
  hello:
    handler: index.handler
    code: {path: ./src}
    timeout: 60
    environment: {B: fn, C: fn}
    dependencies: ["urn:fss:one", "urn:fss:two"]
    func_vpc: {vpc_id: v, subnet_id: s, security_groups: [g1, g2]}
  other:
    handler: index.other
    code: {path: ./src}
environments:
  prod:
    region: cn-south-1
    project_id: 0123456789abcdef0123456789abcdef
    defaults:
      memory_size: 512
    functions:
      hello:
        memory_size: 1024
        environment: {A: prod}
        dependencies: ["urn:fss:three"]
        func_vpc: {security_groups: [g3]}
  staging:
    region: ${STAGING_REGION}
    functions:
      hello:
        timeout: ${STAGING_TIMEOUT}
`

func TestOverlayMerge(t *testing.T) {
	pr, errs, _ := load(t, overlayManifest, manifest.Options{Env: "prod"})
	if errs != nil {
		t.Fatal(list(errs))
	}
	if pr.Env != "prod" || pr.Region != "cn-south-1" || pr.ProjectID != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("project %+v", pr)
	}
	other, hello := pr.Functions[1], pr.Functions[0]
	if hello.Name != "hello" {
		hello, other = other, hello
	}
	// Scalars: overlay > function > overlay defaults > defaults.
	if *hello.MemorySize != 1024 || *hello.Timeout != 60 || hello.Runtime != "Python3.10" {
		t.Errorf("hello scalars: memory %d timeout %d runtime %s", *hello.MemorySize, *hello.Timeout, hello.Runtime)
	}
	if *other.MemorySize != 512 || *other.Timeout != 30 {
		t.Errorf("other: memory %d timeout %d", *other.MemorySize, *other.Timeout)
	}
	// Maps merge key by key.
	if want := map[string]string{"A": "prod", "B": "fn", "C": "fn"}; fmt.Sprint(hello.Environment) != fmt.Sprint(want) {
		t.Errorf("hello environment %v, want %v", hello.Environment, want)
	}
	if want := map[string]string{"A": "base", "B": "base"}; fmt.Sprint(other.Environment) != fmt.Sprint(want) {
		t.Errorf("other environment %v, want %v", other.Environment, want)
	}
	if hello.FuncVpc == nil || hello.FuncVpc.VpcID != "v" || hello.FuncVpc.SubnetID != "s" {
		t.Errorf("func_vpc lost its ids: %+v", hello.FuncVpc)
	}
	// Lists are replaced, not appended to.
	if strings.Join(hello.Dependencies, ",") != "urn:fss:three" || strings.Join(hello.FuncVpc.SecurityGroups, ",") != "g3" {
		t.Errorf("lists: %v %v", hello.Dependencies, hello.FuncVpc.SecurityGroups)
	}

	// Without --env the base is used, and the same nodes are not altered
	// by an earlier merge.
	pr, errs, _ = load(t, overlayManifest, manifest.Options{})
	if errs != nil {
		t.Fatal(list(errs))
	}
	for _, f := range pr.Functions {
		if *f.MemorySize != 256 || f.Environment["A"] != "base" || pr.Region != "cn-north-4" || pr.ProjectID != "" {
			t.Errorf("base %s: memory %d env %v region %s", f.Name, *f.MemorySize, f.Environment, pr.Region)
		}
	}

	// The selected overlay is interpolated.
	pr, errs, _ = load(t, overlayManifest, manifest.Options{Env: "staging", Lookup: lookupIn(map[string]string{"STAGING_REGION": "cn-east-3", "STAGING_TIMEOUT": "90"})})
	if errs != nil {
		t.Fatal(list(errs))
	}
	if pr.Region != "cn-east-3" || *pr.Functions[0].Timeout != 90 {
		t.Errorf("staging: region %s timeout %d", pr.Region, *pr.Functions[0].Timeout)
	}
}

func TestOverlayErrors(t *testing.T) {
	// Unselected environments are not interpolated: staging's variables
	// need not be set for prod or for the base.
	for _, env := range []string{"", "prod"} {
		if _, errs, _ := load(t, overlayManifest, manifest.Options{Env: env}); errs != nil {
			t.Errorf("env %q:%s", env, list(errs))
		}
	}
	// The selected one is, at the overlay's own position.
	_, errs, _ := load(t, overlayManifest, manifest.Options{Env: "staging"})
	if !hasErr(errs, "region", "variable STAGING_REGION is not set") || !hasErr(errs, p+"timeout", "variable STAGING_TIMEOUT is not set") {
		t.Fatalf("staging:%s", list(errs))
	}
	if errs[0].Line != 31 || errs[0].Col != 13 || errs[1].Line != 34 || errs[1].Col != 18 {
		t.Errorf("staging positions:%s", list(errs))
	}

	// An overlay's bad value is reported at the overlay's line.
	bad := strings.Replace(overlayManifest, "memory_size: 1024", "memory_size: 1000", 1)
	_, errs, _ = load(t, bad, manifest.Options{Env: "prod"})
	if len(errs) != 1 || errs[0].Line != 26 || errs[0].Col != 22 || errs[0].Msg != "1000 "+sizes || errs[0].Path != p+"memory_size" {
		t.Errorf("overlay value:%s", list(errs))
	}
	// ... and at the same place, under the environment's path, when it is
	// not selected: every environment is checked.
	_, errs, _ = load(t, bad, manifest.Options{})
	if len(errs) != 1 || errs[0].Line != 26 || errs[0].Col != 22 || errs[0].Path != "environments.prod.functions.hello.memory_size" {
		t.Errorf("unselected overlay value:%s", list(errs))
	}
	// A bad value in the overlay's defaults is reported at its line too.
	bad = strings.Replace(overlayManifest, "memory_size: 512", "memory_size: 513", 1)
	_, errs, _ = load(t, bad, manifest.Options{Env: "prod"})
	if len(errs) != 1 || errs[0].Line != 23 || errs[0].Msg != "513 "+sizes {
		t.Errorf("overlay defaults:%s", list(errs))
	}

	// An overlay naming a function the base does not declare.
	bad = overlayManifest + "  qa:\n    functions:\n      helo: {timeout: 5}\n"
	_, errs, _ = load(t, bad, manifest.Options{Env: "qa"})
	if len(errs) != 1 || errs[0].Path != "environments.qa.functions.helo" || errs[0].Line != 37 || errs[0].Col != 7 ||
		errs[0].Msg != `function "helo" is not declared in the base functions` {
		t.Errorf("undeclared function:%s", list(errs))
	}

	// Unselected environments are still checked for unknown keys.
	bad = overlayManifest + "  qa:\n    regoin: cn-north-1\n    functions:\n      hello: {memory: 5}\n"
	for _, env := range []string{"", "prod", "qa"} {
		_, errs, _ = load(t, bad, manifest.Options{Env: env})
		if len(errs) != 2 || !hasErr(errs, "environments.qa.regoin", "unknown key") || errs[0].Line != 36 ||
			!hasErr(errs, "environments.qa.functions.hello.memory", "unknown key") || errs[1].Line != 38 {
			t.Errorf("env %q, unknown keys in qa:%s", env, list(errs))
		}
	}

	// An unknown environment lists the declared ones.
	_, errs, text := load(t, overlayManifest, manifest.Options{Env: "qa"})
	if len(errs) != 1 || errs[0].Line != 18 || errs[0].Col != 1 || !strings.HasSuffix(text, `: environments: environment "qa" is not declared (declared: prod, staging)`) {
		t.Errorf("unknown env:%s", list(errs))
	}
	_, errs, text = load(t, fn, manifest.Options{Env: "qa"})
	if len(errs) != 1 || !strings.HasSuffix(text, `:1:1: environments: environment "qa" is not declared (no environments are declared)`) {
		t.Errorf("unknown env without environments:%s", list(errs))
	}
}

func TestDefaults(t *testing.T) {
	// The function wins over defaults, maps merge.
	y := "defaults: {package: shared, runtime: Go1.x, memory_size: 256, environment: {A: d, B: d}, publish: {keep: 3}}\n" + fn +
		"    memory_size: 512\n    environment: {B: f}\n    publish: {version: v1}\n"
	pr, errs, _ := load(t, y, manifest.Options{})
	if errs != nil {
		t.Fatal(list(errs))
	}
	f := pr.Functions[0]
	if f.Package != "shared" || f.Runtime != "Python3.10" || *f.MemorySize != 512 || f.Environment["A"] != "d" || f.Environment["B"] != "f" ||
		f.Publish.Keep != 3 || f.Publish.Version != "v1" {
		t.Errorf("merged: %+v %v %+v", f, f.Environment, f.Publish)
	}
	// A bad default is reported once, at the default's line, however many
	// functions use it; a function that overrides it is not affected.
	y = "defaults:\n  memory_size: 100\n  colour: red\n" + fn + "  two:\n    runtime: Go1.x\n    handler: h\n    code: {path: ./src}\n  three:\n    runtime: Go1.x\n    handler: h\n    code: {path: ./src}\n    memory_size: 128\n"
	_, errs, _ = load(t, y, manifest.Options{})
	if len(errs) != 2 || errs[0].Line != 2 || errs[0].Col != 16 || errs[0].Msg != "100 "+sizes || errs[1].Line != 3 || errs[1].Path != "defaults.colour" {
		t.Errorf("bad default:%s", list(errs))
	}
	// A function given as an empty key takes everything from defaults.
	y = "defaults: {runtime: Go1.x, handler: h, code: {path: ./src}}\nfunctions:\n  bare:\n"
	if pr, errs, _ := load(t, y, manifest.Options{}); errs != nil || pr.Functions[0].Handler != "h" {
		t.Errorf("bare function:%s", list(errs))
	}
}

// Anchors and aliases are plain YAML; they must not change the meaning.
func TestAnchors(t *testing.T) {
	y := `defaults: &d {runtime: Python3.10, handler: index.handler}
functions:
  hello:
    code: &c {path: ./src}
    environment: &e {A: x}
  other:
    code: *c
    environment: *e
    memory_size: &m 512
    max_instances: 3
environments:
  prod:
    functions:
      other: {memory_size: 1024}
`
	pr, errs, _ := load(t, y, manifest.Options{Env: "prod"})
	if errs != nil {
		t.Fatal(list(errs))
	}
	if pr.Functions[0].Environment["A"] != "x" || pr.Functions[1].Environment["A"] != "x" || *pr.Functions[1].MemorySize != 1024 {
		t.Errorf("anchors: %+v %+v", pr.Functions[0], pr.Functions[1])
	}
	// A whole function can be an alias of another.
	y = "functions:\n  fa: &x {runtime: Python3.10, handler: index.handler, code: {path: ./src}}\n  fb: *x\n"
	if pr, errs, _ := load(t, y, manifest.Options{}); errs != nil || len(pr.Functions) != 2 || pr.Functions[1].Name != "fb" {
		t.Errorf("function alias:%s", list(errs))
	}
	// A "billion laughs" document is refused quickly, not expanded.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString(fn)
	_, errs, _ = load(t, b.String(), manifest.Options{})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "aliases") {
		t.Errorf("billion laughs:%s", list(errs))
	}
}

// TestMergeEdgeCases covers what the loader once got wrong: YAML aliases
// as overlays, code as one choice, null overlays, empty ids, and numbers in
// string fields of a function whose name contains "environment".
func TestMergeEdgeCases(t *testing.T) {
	t.Run("selected environment given as an alias", func(t *testing.T) {
		y := fn + "environments:\n  staging: &s {region: cn-south-1}\n  prod: *s\n"
		pr, errs, _ := load(t, y, manifest.Options{Env: "prod"})
		if errs != nil || pr.Region != "cn-south-1" {
			t.Fatalf("region %q, want cn-south-1:%s", pr.Region, list(errs))
		}
	})
	t.Run("type checks in a function whose name contains environment", func(t *testing.T) {
		y := strings.Replace(fn, "hello:", "check-environment:", 1) + "    description: 42\n"
		_, errs, _ := load(t, y, manifest.Options{})
		if !hasErr(errs, "functions.check-environment.description", "must be a string") {
			t.Fatalf("want a type error:%s", list(errs))
		}
	})
	t.Run("func_vpc with empty ids", func(t *testing.T) {
		_, errs, _ := load(t, fn+"    func_vpc: {vpc_id: \"\", subnet_id: ~}\n", manifest.Options{})
		if !hasErr(errs, p+"func_vpc.vpc_id", "") || !hasErr(errs, p+"func_vpc.subnet_id", "") {
			t.Fatalf("want errors for the empty ids:%s", list(errs))
		}
	})
	t.Run("function code wins over defaults code", func(t *testing.T) {
		y := "defaults: {code: {path: ./src}}\nfunctions:\n  hello:\n    runtime: Go1.x\n    handler: h\n    code: {obs_url: \"https://b.obs.example.com/x.zip\"}\n"
		pr, errs, _ := load(t, y, manifest.Options{})
		if errs != nil || pr.Functions[0].Code.ObsURL == "" || pr.Functions[0].Code.Path != "" {
			t.Fatalf("want the function's obs_url alone:%s", list(errs))
		}
		// An overlay switches code from path to obs_url the same way.
		y = fn + "environments:\n  prod:\n    functions:\n      hello: {code: {obs_url: \"https://b.obs.example.com/x.zip\"}}\n"
		pr, errs, _ = load(t, y, manifest.Options{Env: "prod"})
		if errs != nil || pr.Functions[0].Code.ObsURL == "" || pr.Functions[0].Code.Path != "" {
			t.Fatalf("overlay: want the obs_url alone:%s", list(errs))
		}
		// publish: ~ in an overlay turns publishing off, and $published
		// then has nothing to point at.
		y = fn + "    publish: {keep: 3}\n    aliases: {live: {version: $published}}\nenvironments:\n  dev:\n    functions:\n      hello: {publish: ~}\n"
		if _, errs, _ := load(t, y, manifest.Options{}); errs != nil {
			t.Fatalf("base:%s", list(errs))
		}
		_, errs, _ = load(t, y, manifest.Options{Env: "dev"})
		if !hasErr(errs, p+"aliases.live.version", "$published needs a publish: section") {
			t.Fatalf("publish: ~ with $published:%s", list(errs))
		}
	})
	t.Run("overlay naming a function with no settings", func(t *testing.T) {
		y := fn + "environments:\n  prod:\n    functions:\n      hello:\n"
		if _, errs, _ := load(t, y, manifest.Options{Env: "prod"}); errs != nil {
			t.Fatalf("want no change:%s", list(errs))
		}
	})
}

// A code path is shown as written, not relative to wherever the project
// sits, so the message is the same on every machine.
func TestCodePathShownAsWritten(t *testing.T) {
	_, errs, _ := load(t, strings.Replace(fn, "./src", "/", 1), manifest.Options{})
	if len(errs) != 1 || errs[0].Msg != "/ is outside the project directory" {
		t.Fatalf("want \"/ is outside the project directory\":%s", list(errs))
	}
}

// Golden files: the full error text of bad manifests under
// testdata/golden/, loaded by a relative path so the text names
// testdata/golden/NAME.yaml. A first line "# env: NAME" selects an
// environment. go test -run TestGoldenErrors -update rewrites them.
func TestGoldenErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden manifests: %v", err)
	}
	lookup := lookupIn(map[string]string{"SECRET": "hunter2-s3cr3t", "SHA": "abc123"})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var opts manifest.Options
			opts.Lookup = lookup
			if first, _, _ := strings.Cut(string(data), "\n"); strings.HasPrefix(first, "# env: ") {
				opts.Env = strings.TrimPrefix(first, "# env: ")
			}
			_, errs, text := loadFile(t, f, opts)
			if errs == nil {
				t.Fatal("want errors")
			}
			if strings.Contains(text, "s3cr3t") || strings.Contains(text, "hunter2") {
				t.Errorf("a secret leaked:\n%s", text)
			}
			got := text + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if updating() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenErrors -update)", err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A manifest that cannot be read is an ordinary error, not a list of
// positioned ones.
func TestLoadUnreadable(t *testing.T) {
	_, err := manifest.Load(filepath.Join(t.TempDir(), "function.yaml"), manifest.Options{})
	var me *multierror.Error
	if err == nil || errors.As(err, &me) || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "read manifest: ") {
		t.Fatalf("missing file: %v", err)
	}
	_, err = manifest.Load(t.TempDir(), manifest.Options{})
	if err == nil || errors.As(err, &me) {
		t.Fatalf("a directory: %v", err)
	}
}

// The rules that depend on the runtime (fgsspec): concurrent_num and a
// non-default ephemeral_storage are for http and Custom Image functions.
func TestRuntimeDependentRules(t *testing.T) {
	for _, tt := range []struct {
		runtime, handler, line string
		msg                    string // "" = valid
	}{
		{"http", "bootstrap", "concurrent_num: 1", ""},
		{"http", "bootstrap", "concurrent_num: 1000", ""},
		{"http", "bootstrap", "concurrent_num: 1001", "1001 is out of range (1 to 1000)"},
		{`"Custom Image"`, `"-"`, "concurrent_num: 10", ""},
		{"Custom", "bootstrap", "concurrent_num: 10", "is only for http and Custom Image functions; a Custom instance takes one request at a time"},
		{"Node.js18.15", "index.handler", "concurrent_num: 2", "is only for http and Custom Image functions"},
		{"http", "bootstrap", "ephemeral_storage: 10240", ""},
		{`"Custom Image"`, `"-"`, "ephemeral_storage: 10240", ""},
		{"Java17", "a.B.c", "ephemeral_storage: 512", ""},
		{"Java17", "a.B.c", "ephemeral_storage: 10240", "10240 MB is only for http and Custom Image functions; Java17 functions have 512 MB"},
		{"http", "bootstrap", "ephemeral_storage: 2048", "2048 is not a valid size (512 or 10240 MB)"},
	} {
		y := strings.NewReplacer("Python3.10", tt.runtime, "index.handler", tt.handler).Replace(fn) + "    " + tt.line + "\n"
		_, errs, _ := load(t, y, manifest.Options{})
		if tt.msg == "" {
			if errs != nil {
				t.Errorf("%s %s:%s", tt.runtime, tt.line, list(errs))
			}
			continue
		}
		if len(errs) != 1 || errs[0].Line != 6 || !strings.Contains(errs[0].Msg, tt.msg) {
			t.Errorf("%s %s: want one error at line 6 with %q, got%s", tt.runtime, tt.line, tt.msg, list(errs))
		}
	}
}

// A null means "not set" wherever it is: in the base it is the same as
// leaving the key out, and over another layer (a function over defaults,
// an environment over the base) it removes what that layer set. The
// document's containers (defaults, functions, environments and each entry
// of the last two) are maps, and null there is an empty map.
func TestNullMeansNotSet(t *testing.T) {
	y := `defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
  memory_size: 256
  timeout: 30
functions:
  hello:
    environment: {A: ~, B: b, C: c}
    memory_size: ~
    description: ""
    func_vpc: {vpc_id: v, subnet_id: s}
    xrole: agency
  bare:
  other:
    description: ~
    publish: {version: v1}
environments:
  prod:
    defaults: {timeout: ~}
    functions:
      hello:
        environment: {B: ~}
        func_vpc: ~
      other:
        publish: ~
        memory_size: ~
      bare:
  staging:
    functions:
      hello: {environment: {C: ~}}
`
	byName := func(p *manifest.Project) map[string]*manifest.Function {
		out := map[string]*manifest.Function{}
		for _, f := range p.Functions {
			out[f.Name] = f
		}
		return out
	}
	pr, errs, _ := load(t, y, manifest.Options{})
	if errs != nil {
		t.Fatal(list(errs))
	}
	fs := byName(pr)
	if h := fs["hello"]; fmt.Sprint(h.Environment) != "map[B:b C:c]" || h.MemorySize != nil || h.Description == nil || *h.Description != "" || h.FuncVpc == nil || *h.Timeout != 30 {
		t.Errorf("base hello: env %v memory %v description %v vpc %v", h.Environment, h.MemorySize, h.Description, h.FuncVpc)
	}
	if b := fs["bare"]; b == nil || *b.MemorySize != 256 || b.Runtime != "Python3.10" {
		t.Errorf("bare: %+v", b)
	}
	if o := fs["other"]; o.Description != nil || o.Publish == nil || *o.MemorySize != 256 {
		t.Errorf("base other: %+v", o)
	}

	pr, errs, _ = load(t, y, manifest.Options{Env: "prod"})
	if errs != nil {
		t.Fatal(list(errs))
	}
	fs = byName(pr)
	if h := fs["hello"]; fmt.Sprint(h.Environment) != "map[C:c]" || h.FuncVpc != nil || h.Timeout != nil || h.MemorySize != nil {
		t.Errorf("prod hello: env %v vpc %v timeout %v", h.Environment, h.FuncVpc, h.Timeout)
	}
	// The overlay's null removes the default too, not only the function's own value.
	if o := fs["other"]; o.Publish != nil || o.MemorySize != nil || o.Timeout != nil {
		t.Errorf("prod other: publish %v memory %v timeout %v", o.Publish, o.MemorySize, o.Timeout)
	}
	if b := fs["bare"]; b == nil || *b.MemorySize != 256 {
		t.Errorf("prod bare: %+v", b)
	}

	// Required keys set to null are reported at the null; unknown keys
	// are unknown whatever their value; a null list item is an error.
	_, errs, _ = load(t, fn+"    colour: ~\n    dependencies: [~]\nenvironments:\n  prod:\n    functions:\n      hello: {runtime: ~}\n", manifest.Options{Env: "prod"})
	want := []string{
		"6:5 functions.hello.colour unknown key",
		"7:20 functions.hello.dependencies[0] is empty: remove the item or give it a value",
		"11:24 functions.hello.runtime is required",
	}
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d:%d %s %s", e.Line, e.Col, e.Path, e.Msg))
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// A problem in an aliased value is reported at each use of the alias,
// with the anchor's line, and at the anchor itself where it is used; a
// list alias works where a list is expected.
func TestAliasedErrorsAtEachUse(t *testing.T) {
	y := `functions:
  aa:
    runtime: Python3.10
    handler: index.handler
    code: &c {path: ./nowhere}
    dependencies: &deps ["urn:fss:cn-north-4:p:dependency:d:1", "urn:fss:cn-north-4:p:dependency:e:2"]
  bb:
    runtime: Python3.10
    handler: index.handler
    code: *c
    dependencies: *deps
  cc:
    runtime: Python3.10
    handler: index.handler
    code: *c
    memory_size: &m 100
  dd:
    runtime: Python3.10
    handler: index.handler
    code: {path: ./src}
    memory_size: *m
    dependencies: [*deps]
`
	_, errs, _ := load(t, y, manifest.Options{})
	want := []string{
		"5:21 functions.aa.code.path: ./nowhere does not exist",
		"10:11 functions.bb.code.path: ./nowhere does not exist (in *c, the anchor &c at line 5)",
		"15:11 functions.cc.code.path: ./nowhere does not exist (in *c, the anchor &c at line 5)",
		"16:18 functions.cc.memory_size: 100 is not a valid size (128, 256, ... 4096)",
		"21:18 functions.dd.memory_size: 100 is not a valid size (128, 256, ... 4096) (in *m, the anchor &m at line 16)",
		"22:20 functions.dd.dependencies[0]: must be a single value, got a list (in *deps, the anchor &deps at line 6)",
	}
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d:%d %s: %s", e.Line, e.Col, e.Path, e.Msg))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without the errors, the list alias gives bb the same dependencies.
	y = strings.NewReplacer("./nowhere", "./src", "&m 100", "&m 128", "dependencies: [*deps]", "dependencies: *deps").Replace(y)
	pr, errs, _ := load(t, y, manifest.Options{})
	if errs != nil {
		t.Fatal(list(errs))
	}
	for _, f := range pr.Functions {
		if f.Name != "cc" && (len(f.Dependencies) != 2 || f.Dependencies[1] != "urn:fss:cn-north-4:p:dependency:e:2") {
			t.Errorf("%s: dependencies %q", f.Name, f.Dependencies)
		}
	}
}

// A code path that cannot be used says why: a dangling or looping symlink
// is not reported as missing or outside the project.
func TestCodePathProblems(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(dir string) error
		msg   string
	}{
		{"loop", func(dir string) error {
			if err := os.Symlink("b", filepath.Join(dir, "a")); err != nil {
				return err
			}
			return os.Symlink("a", filepath.Join(dir, "b"))
		}, "./a is a loop of symlinks: following them never reaches a file or directory"},
		{"self", func(dir string) error { return os.Symlink("a", filepath.Join(dir, "a")) }, "./a is a loop of symlinks: following them never reaches a file or directory"},
		{"dangling", func(dir string) error { return os.Symlink("gone", filepath.Join(dir, "a")) }, "./a is a symlink to something that does not exist"},
		{"missing", func(dir string) error { return nil }, "./a does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := project(t, strings.Replace(fn, "./src", "./a", 1))
			if err := tt.setup(filepath.Dir(path)); err != nil {
				t.Fatal(err)
			}
			_, errs, _ := loadFile(t, path, manifest.Options{})
			if len(errs) != 1 || errs[0].Msg != tt.msg || errs[0].Line != 5 || errs[0].Col != 18 {
				t.Fatalf("want 5:18 %q, got%s", tt.msg, list(errs))
			}
		})
	}
}
