package apiclient

import (
	"bytes"
	"encoding/json"
)

// This file holds the FunctionGraph v2 wire model as the client sees it.
// JSON tags follow huaweicloud-sdk-go-v3 services/functiongraph/v2/model.

// FuncVpc is a function's VPC attachment.
type FuncVpc struct {
	VpcID          string   `json:"vpc_id"`
	SubnetID       string   `json:"subnet_id"`
	VpcName        string   `json:"vpc_name,omitempty"`
	SubnetName     string   `json:"subnet_name,omitempty"`
	Cidr           string   `json:"cidr,omitempty"`
	Gateway        string   `json:"gateway,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	IsSafety       *bool    `json:"is_safety,omitempty"`
}

// FuncMount is one file system mount.
type FuncMount struct {
	MountType      string `json:"mount_type"`
	MountResource  string `json:"mount_resource"`
	MountSharePath string `json:"mount_share_path,omitempty"`
	LocalMountPath string `json:"local_mount_path"`
	Status         string `json:"status,omitempty"`
}

// MountUser is the user a mount is accessed as.
type MountUser struct {
	UserID      int `json:"user_id"`
	UserGroupID int `json:"user_group_id"`
}

// MountConfig is a function's file system configuration. mount_user is
// mandatory whenever mounts are sent (docs/api-notes.md rule 4); a nil
// MountUser is only for reads that lack it.
type MountConfig struct {
	MountUser  *MountUser  `json:"mount_user,omitempty"`
	FuncMounts []FuncMount `json:"func_mounts"`
}

// LogConfig names the LTS group and stream a function logs to.
type LogConfig struct {
	GroupID    string `json:"group_id,omitempty"`
	GroupName  string `json:"group_name,omitempty"`
	StreamID   string `json:"stream_id,omitempty"`
	StreamName string `json:"stream_name,omitempty"`
}

// StrategyConfig holds the concurrency settings.
type StrategyConfig struct {
	Concurrency   *int `json:"concurrency,omitempty"`
	ConcurrentNum *int `json:"concurrent_num,omitempty"`
}

// FuncCode is inline or base64 package code; on reads, Link is a download URL.
type FuncCode struct {
	File string `json:"file,omitempty"`
	Link string `json:"link,omitempty"`
}

// Function is the function model returned by create, get config and update config.
type Function struct {
	FuncURN            string          `json:"func_urn,omitempty"`
	FuncName           string          `json:"func_name"`
	DomainID           string          `json:"domain_id,omitempty"`
	Namespace          string          `json:"namespace,omitempty"`
	ProjectName        string          `json:"project_name,omitempty"`
	Package            string          `json:"package"`
	Runtime            string          `json:"runtime"`
	Timeout            int             `json:"timeout"`
	Handler            string          `json:"handler"`
	MemorySize         int             `json:"memory_size"`
	CPU                int             `json:"cpu,omitempty"`
	CodeType           string          `json:"code_type,omitempty"`
	CodeURL            string          `json:"code_url,omitempty"`
	CodeFilename       string          `json:"code_filename,omitempty"`
	CodeSize           int64           `json:"code_size,omitempty"`
	DomainNames        string          `json:"domain_names,omitempty"`
	UserData           string          `json:"user_data,omitempty"`
	EncryptedUserData  string          `json:"encrypted_user_data,omitempty"`
	Digest             string          `json:"digest,omitempty"`
	Version            string          `json:"version,omitempty"`
	ImageName          string          `json:"image_name,omitempty"`
	Xrole              string          `json:"xrole,omitempty"`
	AppXrole           string          `json:"app_xrole,omitempty"`
	Description        string          `json:"description,omitempty"`
	LastModified       string          `json:"last_modified,omitempty"`
	FuncVpc            *FuncVpc        `json:"func_vpc,omitempty"`
	MountConfig        *MountConfig    `json:"mount_config,omitempty"`
	StrategyConfig     *StrategyConfig `json:"strategy_config,omitempty"`
	DependVersionList  []string        `json:"depend_version_list,omitempty"`
	InitializerHandler string          `json:"initializer_handler,omitempty"`
	InitializerTimeout int             `json:"initializer_timeout,omitempty"`
	PreStopHandler     string          `json:"pre_stop_handler,omitempty"`
	PreStopTimeout     int             `json:"pre_stop_timeout,omitempty"`
	EnableLtsLog       *bool           `json:"enable_lts_log,omitempty"`
	LogConfig          *LogConfig      `json:"log_config,omitempty"`
	LogGroupID         string          `json:"log_group_id,omitempty"`
	LogStreamID        string          `json:"log_stream_id,omitempty"`
	Type               string          `json:"type,omitempty"`
	EphemeralStorage   int             `json:"ephemeral_storage,omitempty"`
	MaxInstanceNum     string          `json:"max_instance_num,omitempty"`
	FuncCode           *FuncCode       `json:"func_code,omitempty"`
	// CodeEncryptKmsKeyID is the KMS key the code is encrypted with; a
	// code update sends it back.
	CodeEncryptKmsKeyID string `json:"code_encrypt_kms_key_id,omitempty"`

	// Unmanaged holds the UnmanagedConfigFields the response carried, as
	// sent, for a config update to send back.
	Unmanaged map[string]json.RawMessage `json:"-"`
}

// UnmanagedConfigFields are the fields of the SDK's update-config body
// that GET config also returns and fgsdeploy does not manage (dynamic
// memory, GPU, custom image, the KMS key of user_data, ...). A config
// update is a full replace, so they are read with the live config and sent
// back unchanged; otherwise an update would reset them.
//
// The list is the SDK's UpdateFunctionConfigRequestBody, field by field,
// less the fields fgsdeploy sets itself (docs/api-notes.md rule 8).
// extend_config, restore_hook_handler and restore_hook_timeout are not in
// the SDK's show-config response; they are listed so that a service that
// returns them gets them back.
var UnmanagedConfigFields = []string{"custom_image", "enable_auth_in_header", "enable_class_isolation",
	"enable_dynamic_memory", "enterprise_project_id", "extend_config", "gpu_memory", "gpu_type", "heartbeat_handler",
	"is_stateful_function", "lts_custom_tag", "network_controller", "peering_cidr",
	"restore_hook_handler", "restore_hook_timeout", "user_data_encrypt_kms_key_id"}

// UnmarshalJSON decodes the model and keeps the unmanaged fields.
func (f *Function) UnmarshalJSON(b []byte) error {
	type plain Function
	if err := json.Unmarshal(b, (*plain)(f)); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	f.Unmanaged = nil
	for _, k := range UnmanagedConfigFields {
		if v, ok := all[k]; ok && string(v) != "null" {
			if f.Unmanaged == nil {
				f.Unmanaged = map[string]json.RawMessage{}
			}
			var c bytes.Buffer
			if err := json.Compact(&c, v); err != nil {
				return err
			}
			f.Unmanaged[k] = c.Bytes()
		}
	}
	return nil
}

// CreateRequest is the body of POST /functions (the SDK's
// CreateFunctionRequestBody, less what fgsdeploy does not set). Code is
// sent as FuncCode.File (base64) or CodeURL; the client streams a package
// from CodeFile when set. The body takes VPC, mounts, initializer, pre-stop
// and logging, so a create is one call; it has no strategy_config or
// ephemeral_storage (docs/api-notes.md rule 13).
type CreateRequest struct {
	FuncName           string       `json:"func_name"`
	Package            string       `json:"package"`
	Runtime            string       `json:"runtime"`
	Timeout            int          `json:"timeout"`
	Handler            string       `json:"handler"`
	MemorySize         int          `json:"memory_size"`
	CodeType           string       `json:"code_type"`
	CodeURL            string       `json:"code_url,omitempty"`
	CodeFilename       string       `json:"code_filename,omitempty"`
	FuncCode           *FuncCode    `json:"func_code,omitempty"`
	Type               string       `json:"type,omitempty"`
	UserData           string       `json:"user_data,omitempty"`
	EncryptedUserData  string       `json:"encrypted_user_data,omitempty"`
	Xrole              string       `json:"xrole,omitempty"`
	AppXrole           string       `json:"app_xrole,omitempty"`
	Description        string       `json:"description,omitempty"`
	FuncVpc            *FuncVpc     `json:"func_vpc,omitempty"`
	MountConfig        *MountConfig `json:"mount_config,omitempty"`
	InitializerHandler string       `json:"initializer_handler,omitempty"`
	InitializerTimeout int          `json:"initializer_timeout,omitempty"`
	PreStopHandler     string       `json:"pre_stop_handler,omitempty"`
	PreStopTimeout     int          `json:"pre_stop_timeout,omitempty"`
	EnableLtsLog       *bool        `json:"enable_lts_log,omitempty"`
	LogConfig          *LogConfig   `json:"log_config,omitempty"`
	DependVersionList  []string     `json:"depend_version_list,omitempty"`
	// EnterpriseProjectID is required when an enterprise account creates
	// a function.
	EnterpriseProjectID string `json:"enterprise_project_id,omitempty"`

	// CodeFile, when set, is a local package streamed as func_code.file.
	CodeFile string `json:"-"`
}

// UpdateCodeRequest is the body of PUT /functions/{urn}/code.
// DependVersionList nil leaves depend_version_list out; an empty, non-nil
// list sends [], which removes every dependency (a service may keep the
// list when the field is absent: docs/api-notes.md).
type UpdateCodeRequest struct {
	CodeType            string    `json:"code_type"`
	CodeURL             string    `json:"code_url,omitempty"`
	CodeFilename        string    `json:"code_filename,omitempty"`
	FuncCode            *FuncCode `json:"func_code,omitempty"`
	DependVersionList   []string  `json:"-"`
	CodeEncryptKmsKeyID string    `json:"code_encrypt_kms_key_id,omitempty"`

	// CodeFile, when set, is a local package streamed as func_code.file.
	CodeFile string `json:"-"`
}

// MarshalJSON writes the body, depend_version_list included whenever the
// list is not nil, even empty.
func (r UpdateCodeRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateCodeRequest
	w := struct {
		plain
		DependVersionList *[]string `json:"depend_version_list,omitempty"`
	}{plain: plain(r)}
	if r.DependVersionList != nil {
		w.DependVersionList = &r.DependVersionList
	}
	return json.Marshal(w)
}

// Code is the response of get code and update code.
type Code struct {
	FuncURN           string    `json:"func_urn,omitempty"`
	FuncName          string    `json:"func_name,omitempty"`
	Runtime           string    `json:"runtime,omitempty"`
	CodeType          string    `json:"code_type,omitempty"`
	CodeURL           string    `json:"code_url,omitempty"`
	CodeFilename      string    `json:"code_filename,omitempty"`
	CodeSize          int64     `json:"code_size,omitempty"`
	Digest            string    `json:"digest,omitempty"`
	LastModified      string    `json:"last_modified,omitempty"`
	FuncCode          *FuncCode `json:"func_code,omitempty"`
	DependVersionList []string  `json:"depend_version_list,omitempty"`
}

// UpdateConfigRequest is the body of PUT /functions/{urn}/config, a full
// replace: func_name, runtime, timeout, handler and memory_size are required.
type UpdateConfigRequest struct {
	FuncName           string          `json:"func_name"`
	Runtime            string          `json:"runtime"`
	Timeout            int             `json:"timeout"`
	Handler            string          `json:"handler"`
	MemorySize         int             `json:"memory_size"`
	UserData           string          `json:"user_data,omitempty"`
	EncryptedUserData  string          `json:"encrypted_user_data,omitempty"`
	Xrole              string          `json:"xrole,omitempty"`
	AppXrole           string          `json:"app_xrole,omitempty"`
	Description        string          `json:"description,omitempty"`
	FuncVpc            *FuncVpc        `json:"func_vpc,omitempty"`
	MountConfig        *MountConfig    `json:"mount_config,omitempty"`
	StrategyConfig     *StrategyConfig `json:"strategy_config,omitempty"`
	InitializerHandler string          `json:"initializer_handler,omitempty"`
	InitializerTimeout int             `json:"initializer_timeout,omitempty"`
	PreStopHandler     string          `json:"pre_stop_handler,omitempty"`
	PreStopTimeout     int             `json:"pre_stop_timeout,omitempty"`
	EnableLtsLog       *bool           `json:"enable_lts_log,omitempty"`
	LogConfig          *LogConfig      `json:"log_config,omitempty"`
	EphemeralStorage   int             `json:"ephemeral_storage,omitempty"`
	DomainNames        string          `json:"domain_names,omitempty"`

	// Unmanaged are fields sent as they are (from Function.Unmanaged);
	// a field of the struct above wins over one here.
	Unmanaged map[string]json.RawMessage `json:"-"`
}

// MarshalJSON writes the body with the unmanaged fields added.
func (r UpdateConfigRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateConfigRequest
	b, err := json.Marshal(plain(r))
	if err != nil || len(r.Unmanaged) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range r.Unmanaged {
		if _, set := m[k]; !set {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// PublishRequest is the body of POST /functions/{urn}/versions.
type PublishRequest struct {
	Version     string `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
	Digest      string `json:"digest,omitempty"`
}

// Version is one entry of a function's versions (the publish response is a Function).
type Version struct {
	FuncURN      string `json:"func_urn"`
	FuncName     string `json:"func_name,omitempty"`
	Version      string `json:"version"`
	Description  string `json:"version_description,omitempty"`
	Digest       string `json:"digest,omitempty"`
	CodeSize     int64  `json:"code_size,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Alias is a function alias; AdditionalVersionWeights maps a version to a
// percentage of traffic sent to it instead of Version.
type Alias struct {
	Name                     string         `json:"name"`
	Version                  string         `json:"version"`
	Description              string         `json:"description,omitempty"`
	LastModified             string         `json:"last_modified,omitempty"`
	AliasURN                 string         `json:"alias_urn,omitempty"`
	AdditionalVersionWeights map[string]int `json:"additional_version_weights,omitempty"`
	// AdditionalVersionStrategy routes by request rules (header or cookie)
	// instead of weights: version -> {combine_type, rules}. fgsdeploy
	// does not write rules; it reads them so that a plan shows when a move
	// would drop them.
	AdditionalVersionStrategy map[string]json.RawMessage `json:"additional_version_strategy,omitempty"`
}

// Trigger is one trigger of a function version or alias.
type Trigger struct {
	ID            string          `json:"trigger_id"`
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status,omitempty"`
	EventTypeCode string          `json:"event_type_code,omitempty"`
	EventData     json.RawMessage `json:"event_data,omitempty"`
	Created       string          `json:"created_time,omitempty"`
	LastUpdated   string          `json:"last_updated_time,omitempty"`
}

// CreateTriggerRequest is the body of POST /triggers/{function_urn}.
type CreateTriggerRequest struct {
	TypeCode      string          `json:"trigger_type_code"`
	Status        string          `json:"trigger_status,omitempty"`
	EventTypeCode string          `json:"event_type_code,omitempty"`
	EventData     json.RawMessage `json:"event_data"`
}
