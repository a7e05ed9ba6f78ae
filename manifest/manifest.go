package manifest

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// Project is a loaded, interpolated, overlaid and validated manifest.
type Project struct {
	File      string // the manifest path as the user gave it
	Dir       string // absolute directory of the manifest; code paths are relative to it
	Env       string // the selected environments overlay, or ""
	Region    string
	ProjectID string
	// Project is the top-level project: NAME: the value of the ownership
	// tag (OwnershipTagKey) of every function the manifest deploys, and
	// what plan, apply and destroy delete by ("" for none: nothing is ever
	// deleted). tags.go.
	Project   string
	Functions []*Function // sorted by Name
	// Undeclared are the names Options.Functions asked for that the
	// manifest does not declare (with Options.Owned only).
	Undeclared []string
	// SecretVars are the process variables whose values go into secrets
	// (encrypted_environment, trigger passwords) of any function, selected
	// or not, sorted: a code.build command's environment leaves them out.
	SecretVars []string
	// Dependencies are the dependency packages the project builds and
	// publishes (top-level dependencies), sorted by Name.
	Dependencies []*Dependency

	// flawed are the functions that were read but have problems: not
	// part of a loaded project, but still checked (Validate).
	flawed []*Function
}

// Path is the manifest file's absolute path: it is never packaged.
func (p *Project) Path() string { return filepath.Join(p.Dir, filepath.Base(p.File)) }

// Function is one declared function. A nil pointer, map or slice means the
// manifest does not manage that field (the live value is kept), except
// FuncVpc and MountConfig, whose nil turns the feature off. A nil
// LogConfig leaves logging unmanaged (docs/api-notes.md, rule 5).
type Function struct {
	// Name is the function's key in the manifest: what commands, --target
	// and saved plans name it by.
	Name string
	// FuncName is its FunctionGraph name (func_name, in its URN): name:,
	// interpolated with ${FUNCTION} = Name; Name when not set.
	FuncName             string
	Line                 int // line of the function's key
	Package              string
	Runtime              string
	Handler              string
	MemorySize           *int
	Timeout              *int
	Description          *string
	InitializerHandler   *string
	InitializerTimeout   *int
	PreStopHandler       *string
	PreStopTimeout       *int
	Environment          map[string]string
	EncryptedEnvironment map[string]string // secret: never printed
	Xrole                *string
	AppXrole             *string
	EnterpriseProjectID  *string // used on create only
	FuncVpc              *FuncVpc
	MountConfig          *MountConfig
	LogConfig            *LogConfig
	ConcurrentNum        *int
	EphemeralStorage     *int
	MaxInstances         *int
	Dependencies         []string
	Code                 Code
	Publish              *Publish
	Aliases              map[string]Alias
	// Triggers are the function's triggers (triggers.go): nil when the
	// manifest does not manage them, empty for none.
	Triggers []Trigger
	// Tags are the function's declared tags (tags.go): nil when the
	// manifest manages none; a nil value removes that key.
	Tags map[string]*string
	// FunctionGraphVersion is the create body's type (v1, v2); nil
	// means v2, as before the key existed (production.go).
	FunctionGraphVersion *string
	// ReservedInstances are the reservations by qualifier: nil when not
	// managed, empty for none (production.go).
	ReservedInstances map[string]Reservation
	// AsyncInvoke is the asynchronous invocation config: nil when not
	// managed; Delete for async_invoke: null (production.go).
	AsyncInvoke *AsyncInvoke

	// pos holds where the function's key ("key") and each of its values
	// are written, by path below the function (positions).
	pos map[string][2]int
	// file is the manifest's path as the user gave it (Errorf).
	file string
}

// position is where field is written, else where the nearest value above
// it is, else where the function's key is.
func (f *Function) position(field string) (int, int) {
	for p := field; p != ""; p = parentPath(p) {
		if at, ok := f.pos[p]; ok {
			return at[0], at[1]
		}
	}
	if p, ok := f.pos["key"]; ok {
		return p[0], p[1]
	}
	return f.Line, 1
}

// parentPath is the path above p: "a.b" for "a.b.c" and "a.b[2]", "" for
// "a".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// Errorf returns a problem of f found after loading (by the planner, from
// the live state) as the manifest's errors are: at the position of field,
// a path below the function ("code.path", "triggers[0].qualifier"; "" for
// the function itself), or of the nearest value above it that is written.
// Its Path is functions.NAME.field.
//
// The format may wrap an error with %w, as fmt.Errorf's does: the Error
// unwraps to it.
func (f *Function) Errorf(field, format string, args ...any) *Error {
	line, col := f.position(field)
	path := "functions." + f.Name
	if field != "" {
		path = join(path, field)
	}
	cause := fmt.Errorf(format, args...)
	return &Error{File: f.file, Line: line, Col: col, Path: path, Msg: cause.Error(), cause: cause}
}

// FuncVpc is a VPC attachment.
type FuncVpc struct {
	VpcID          string
	SubnetID       string
	SecurityGroups []string
}

// MountConfig is a set of file system mounts.
type MountConfig struct {
	MountUser  *MountUser
	FuncMounts []FuncMount
}

// MountUser is the user and group mounts are accessed as.
type MountUser struct {
	UserID      int
	UserGroupID int
}

// FuncMount is one mount.
type FuncMount struct {
	MountType      string
	MountResource  string
	MountSharePath string
	LocalMountPath string
}

// LogConfig names an LTS log group and stream, or, with Auto
// (log_config: auto), asks for FunctionGraph's default logging: the
// function logs to LTS where FunctionGraph puts it.
type LogConfig struct {
	GroupID  string
	StreamID string
	Auto     bool
}

// Code is where a function's code comes from: exactly one of Path and
// ObsURL. OBS, when set, is where a package from Path is uploaded to
// (code.obs); it has no use with ObsURL. Build, when set, is the command
// (code.build, run by sh -c in a copy of the directory Path) whose result
// is packaged instead of Path itself.
type Code struct {
	Path      string // absolute and clean; "" when ObsURL is used
	ObsURL    string
	IsArchive bool // Path is a .zip or .jar used as is
	OBS       *OBSUpload
	Build     string
}

// OBSUpload is where packages go through OBS: a bucket, a key prefix and
// the endpoint host ("" = obs.{region}.myhuaweicloud.com).
type OBSUpload struct {
	Bucket   string
	Prefix   string
	Endpoint string // a host name, without scheme
}

// Dependency is a dependency package the project builds (top-level
// dependencies): its package, runtime and description, where it goes
// through OBS when it is too big for the request, and how many of its
// versions to keep.
type Dependency struct {
	Name        string
	Line        int
	Path        string // absolute and clean
	IsArchive   bool   // Path is a .zip used as is
	Runtime     string
	Description string
	OBS         *OBSUpload // its own obs, else defaults.code.obs
	Keep        int        // 0 = never delete versions
}

// Publish asks for a version to be published after changes.
type Publish struct {
	Version     string // "" = the server's default name
	Description string
	Keep        int // 0 = never prune
	// ConfigChanges is what a change of config (or dependencies) alone
	// does: ConfigChangesRelease (the default, "") publishes it like a code
	// change; ConfigChangesLatest applies it to latest only.
	ConfigChanges string
}

// The values of publish.config_changes.
const (
	ConfigChangesRelease = "release"
	ConfigChangesLatest  = "latest"
)

// Alias is a declared alias. Version is "$published", "latest" or a name.
type Alias struct {
	Version     string
	Canary      int // percent of traffic to Version while the rest stays; 0 = none
	Description string
}

// Error is one problem in a manifest, at a position.
type Error struct {
	File string
	Line int
	Col  int
	Path string
	Msg  string
	// cause is what Errorf made Msg from, for Unwrap.
	cause error
}

// Unwrap returns the error Msg wraps (Function.Errorf's %w), or nil.
func (e *Error) Unwrap() error {
	if e.cause == nil {
		return nil
	}
	return errors.Unwrap(e.cause)
}

// Error formats the problem as FILE:LINE:COL: PATH: MESSAGE, or
// FILE:LINE:COL: MESSAGE for a problem of the text itself (syntax).
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Detail())
}

// Detail is the problem without its position: PATH: MESSAGE, or MESSAGE
// when the problem belongs to no field. Annotations that carry the
// position elsewhere (GitHub's file, line and col) show this.
func (e *Error) Detail() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// errorList collects positioned errors.
type errorList struct {
	file string
	errs []*Error
	// primary maps a position to the paths of the values there that could
	// not be read (wrong type, failed interpolation).
	primary map[[2]int][]string
	// aliasAt maps the position of an alias (*name) to what a problem
	// found there says about it.
	aliasAt map[[2]int]string
}

// noteAlias records that the value at a position is an alias's copy of the
// anchor at anchorLine.
func (l *errorList) noteAlias(line, col int, name string, anchorLine int) {
	if l.aliasAt == nil {
		l.aliasAt = map[[2]int]string{}
	}
	l.aliasAt[[2]int{line, col}] = fmt.Sprintf(" (in *%s, the anchor &%s at line %d)", name, name, anchorLine)
}

// add records a problem, unless the value it is about could not be read
// in the first place: "must be a map" makes "vpc_id is required" at the
// same place noise, and an unset ${VAR} makes "\"\" is not a runtime" noise.
func (l *errorList) add(line, col int, path, format string, args ...any) {
	if line <= 0 {
		line = 1
	}
	if col <= 0 {
		col = 1
	}
	for _, p := range l.primary[[2]int{line, col}] {
		if path == p || strings.HasPrefix(path, p+".") {
			return
		}
	}
	l.errs = append(l.errs, &Error{File: l.file, Line: line, Col: col, Path: path, Msg: fmt.Sprintf(format, args...) + l.aliasAt[[2]int{line, col}]})
}

// addPrimary records that the value at a position could not be read, and
// why. Later problems with that value or below it are not reported.
func (l *errorList) addPrimary(line, col int, path, format string, args ...any) {
	l.add(line, col, path, format, args...)
	if line <= 0 {
		line = 1
	}
	if col <= 0 {
		col = 1
	}
	if l.primary == nil {
		l.primary = map[[2]int][]string{}
	}
	k := [2]int{line, col}
	l.primary[k] = append(l.primary[k], path)
}

// err returns a *multierror.Error of *Error sorted by position, or nil.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	// The same problem can be found more than once (an overlay is checked
	// on its own and again once merged; a bad default is seen under every
	// function): report each problem at a position once.
	seen := map[[2]int]map[string]bool{}
	uniq := l.errs[:0]
	for _, e := range l.errs {
		k := [2]int{e.Line, e.Col}
		if seen[k] == nil {
			seen[k] = map[string]bool{}
		}
		if !seen[k][e.Msg] {
			seen[k][e.Msg] = true
			uniq = append(uniq, e)
		}
	}
	l.errs = uniq
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := l.errs[i], l.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	m := &multierror.Error{ErrorFormat: joinLines}
	for _, e := range l.errs {
		m.Errors = append(m.Errors, e)
	}
	return m
}

func joinLines(es []error) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}
