package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// The emulator's own wire model (fgs-api.md §1, the SDK's models). It is
// deliberately separate from the client's types.

type funcVpc struct {
	VpcID          string   `json:"vpc_id"`
	SubnetID       string   `json:"subnet_id"`
	VpcName        string   `json:"vpc_name,omitempty"`
	SubnetName     string   `json:"subnet_name,omitempty"`
	Cidr           string   `json:"cidr,omitempty"`
	Gateway        string   `json:"gateway,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	IsSafety       *bool    `json:"is_safety,omitempty"`
}

type funcMount struct {
	MountType      string `json:"mount_type"`
	MountResource  string `json:"mount_resource"`
	MountSharePath string `json:"mount_share_path,omitempty"`
	LocalMountPath string `json:"local_mount_path"`
	Status         string `json:"status,omitempty"`
}

type mountConfig struct {
	MountUser *struct {
		UserID      int `json:"user_id"`
		UserGroupID int `json:"user_group_id"`
	} `json:"mount_user,omitempty"`
	FuncMounts []funcMount `json:"func_mounts"`
}

type logConfig struct {
	GroupID    string `json:"group_id,omitempty"`
	GroupName  string `json:"group_name,omitempty"`
	StreamID   string `json:"stream_id,omitempty"`
	StreamName string `json:"stream_name,omitempty"`
}

type strategyConfig struct {
	Concurrency   *int `json:"concurrency,omitempty"`
	ConcurrentNum *int `json:"concurrent_num,omitempty"`
}

// config is the mutable configuration of a function version; it is what
// PUT config replaces and what a version snapshots.
type config struct {
	Runtime            string          `json:"runtime"`
	Timeout            int             `json:"timeout"`
	Handler            string          `json:"handler"`
	MemorySize         int             `json:"memory_size"`
	UserData           string          `json:"user_data,omitempty"`
	EncryptedUserData  string          `json:"encrypted_user_data,omitempty"`
	Xrole              string          `json:"xrole,omitempty"`
	AppXrole           string          `json:"app_xrole,omitempty"`
	Description        string          `json:"description,omitempty"`
	FuncVpc            *funcVpc        `json:"func_vpc,omitempty"`
	MountConfig        *mountConfig    `json:"mount_config,omitempty"`
	StrategyConfig     *strategyConfig `json:"strategy_config,omitempty"`
	InitializerHandler string          `json:"initializer_handler,omitempty"`
	InitializerTimeout int             `json:"initializer_timeout,omitempty"`
	PreStopHandler     string          `json:"pre_stop_handler,omitempty"`
	PreStopTimeout     int             `json:"pre_stop_timeout,omitempty"`
	EnableLtsLog       *bool           `json:"enable_lts_log,omitempty"`
	LogConfig          *logConfig      `json:"log_config,omitempty"`
	EphemeralStorage   int             `json:"ephemeral_storage,omitempty"`
	DomainNames        string          `json:"domain_names,omitempty"`
	Type               string          `json:"type,omitempty"`
}

// code is a version's code.
type code struct {
	CodeType            string   `json:"code_type"`
	CodeURL             string   `json:"code_url,omitempty"`
	CodeFilename        string   `json:"code_filename,omitempty"`
	CodeSize            int64    `json:"code_size"`
	Digest              string   `json:"digest"`
	DependVersionList   []string `json:"depend_version_list,omitempty"`
	CodeEncryptKmsKeyID string   `json:"code_encrypt_kms_key_id,omitempty"`
}

// snapshot is latest, or a published version.
type snapshot struct {
	Config config `json:"config"`
	// Other holds config fields FunctionGraph stores and returns that the
	// emulator does not interpret (otherConfigBody), as sent.
	Other        map[string]json.RawMessage `json:"other_config,omitempty"`
	Code         code                       `json:"code"`
	Description  string                     `json:"version_description,omitempty"`
	LastModified string                     `json:"last_modified"`
}

// clone is a deep copy: a published version must share no pointer, map
// or slice with latest.
func (sn *snapshot) clone() snapshot {
	b, err := json.Marshal(sn)
	if err != nil {
		panic(err) // plain data always marshals
	}
	var c snapshot
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return c
}

type alias struct {
	Name         string         `json:"name"`
	Version      string         `json:"version"`
	Description  string         `json:"description,omitempty"`
	Weights      map[string]int `json:"additional_version_weights,omitempty"`
	Strategy     map[string]any `json:"additional_version_strategy,omitempty"`
	LastModified string         `json:"last_modified"`
}

type function struct {
	Name         string               `json:"name"`
	Package      string               `json:"package"`
	Latest       snapshot             `json:"latest"`
	Versions     []string             `json:"versions"` // publish order
	Published    map[string]*snapshot `json:"published"`
	Aliases      map[string]*alias    `json:"aliases"`
	MaxInstances int                  `json:"max_instances"`
	Created      string               `json:"created"`
	// Triggers by qualifier: "latest", a version, or "!" + an alias.
	Triggers map[string][]*trigger `json:"triggers,omitempty"`
}

// state is everything the emulator keeps.
type state struct {
	Functions map[string]*function `json:"functions"` // key: package/name
	Seq       int64                `json:"seq"`
}

func fnKey(pkg, name string) string { return pkg + "/" + name }

// store persists state and code packages under a directory; a nil store
// keeps everything in memory.
type store struct {
	dir string
}

const stateFile = "state.json"

func (s *store) load() (*state, error) {
	st := &state{Functions: map[string]*function{}}
	if s == nil {
		return st, nil
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "blobs"), 0o755); err != nil {
		return nil, err
	}
	// Temporary files are what a crash mid-write leaves; the rename that
	// would have published them never happened, so they are dropped.
	for _, pat := range []string{filepath.Join(s.dir, ".*.tmp-*"), filepath.Join(s.dir, "blobs", ".*.tmp-*")} {
		left, _ := filepath.Glob(pat)
		for _, f := range left {
			os.Remove(f)
		}
	}
	b, err := os.ReadFile(filepath.Join(s.dir, stateFile))
	if os.IsNotExist(err) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("read emulator state %s: %w", filepath.Join(s.dir, stateFile), err)
	}
	if st.Functions == nil {
		st.Functions = map[string]*function{}
	}
	return st, nil
}

// save writes the state atomically: a temporary file, fsync, rename, fsync
// of the directory. A crash leaves the old or the new state, never a mix.
func (s *store) save(st *state) error {
	if s == nil {
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return atomicWrite(s.dir, stateFile, b)
}

func atomicWrite(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// putBlob keeps a package under its digest (content-addressed, so a blob
// is written once and never changes).
func (s *store) putBlob(digest string, data []byte, mem map[string][]byte) error {
	if s == nil {
		mem[digest] = data
		return nil
	}
	dir := filepath.Join(s.dir, "blobs")
	if _, err := os.Stat(filepath.Join(dir, digest)); err == nil {
		return nil
	}
	return atomicWrite(dir, digest, data)
}

func (s *store) getBlob(digest string, mem map[string][]byte) ([]byte, error) {
	if s == nil {
		b, ok := mem[digest]
		if !ok {
			return nil, os.ErrNotExist
		}
		return b, nil
	}
	return os.ReadFile(filepath.Join(s.dir, "blobs", digest))
}
