package fgs

import (
	"bytes"
	"encoding/json"
	"reflect"
)

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
func (s *Service) model(f *Function, sn *Snapshot, qualifier string) map[string]any {
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
