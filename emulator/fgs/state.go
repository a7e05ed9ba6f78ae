package fgs

import "encoding/json"

// The emulator's own wire model (the SDK's models; docs/api-notes.md). It is
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

// Config is the mutable configuration of a function version; it is what
// PUT config replaces and what a version snapshots.
type Config struct {
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

// Code is a version's code.
type Code struct {
	CodeType            string   `json:"code_type"`
	CodeURL             string   `json:"code_url,omitempty"`
	CodeFilename        string   `json:"code_filename,omitempty"`
	CodeSize            int64    `json:"code_size"`
	Digest              string   `json:"digest"`
	DependVersionList   []string `json:"depend_version_list,omitempty"`
	CodeEncryptKmsKeyID string   `json:"code_encrypt_kms_key_id,omitempty"`
}

// Snapshot is latest, or a published version.
type Snapshot struct {
	Config Config `json:"config"`
	// Other holds config fields FunctionGraph stores and returns that the
	// emulator does not interpret (otherConfigBody), as sent.
	Other        map[string]json.RawMessage `json:"other_config,omitempty"`
	Code         Code                       `json:"code"`
	Description  string                     `json:"version_description,omitempty"`
	LastModified string                     `json:"last_modified"`
}

type Alias struct {
	Name         string         `json:"name"`
	Version      string         `json:"version"`
	Description  string         `json:"description,omitempty"`
	Weights      map[string]int `json:"additional_version_weights,omitempty"`
	Strategy     map[string]any `json:"additional_version_strategy,omitempty"`
	LastModified string         `json:"last_modified"`
}

// Function is a function's record: latest and what belongs to the
// function as a whole. Its versions, aliases and triggers are records of
// their own (buckets.go, tx.go), so that a request reads and writes only what
// it names.
type Function struct {
	Name         string   `json:"name"`
	Package      string   `json:"package"`
	Latest       Snapshot `json:"latest"`
	Versions     []string `json:"versions"` // publish order
	MaxInstances int      `json:"max_instances"`
	Created      string   `json:"created"`
	// Tags are the function's tags (tags.go): part of its record, so
	// deleting the function deletes them.
	Tags map[string]string `json:"tags,omitempty"`
}

func fnKey(pkg, name string) string { return pkg + "/" + name }

func (f *Function) key() string { return fnKey(f.Package, f.Name) }
