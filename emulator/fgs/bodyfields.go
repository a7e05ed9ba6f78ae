package fgs

import (
	"bytes"
	"encoding/json"
	"sort"
)

// The emulator's statement of each request body it takes: the fields of
// the SDK's request body model for the operation (huaweicloud-sdk-go-v3
// services/functiongraph/v2/model, v0.1.224), by their JSON names, nested
// objects with their own fields. It was written out from the SDK's models
// once; sdkcheck's TestEmulatorBodiesAreTheSDKs compares it with them by
// reflection, so the two cannot drift. In strict mode a body with a field
// the model does not have is refused (400 FSS.0400, naming the field): a
// client's misspelled field never passes a test.

// Fields are the fields of a JSON object: a nil value is a leaf (or a
// list of leaves), a non-nil one an object's (or each object's of a
// list) own fields; the key "*" stands for any key (a map).
type Fields map[string]Fields

// RequestBodyFields returns the emulator's statement of the request body
// of each operation it checks, by the SDK's operation name.
func RequestBodyFields() map[string]Fields { return requestBodies }

var requestBodies = map[string]Fields{
	"CreateFunction": {
		"app_xrole":                    nil,
		"code_encrypt_kms_key_id":      nil,
		"code_filename":                nil,
		"code_type":                    nil,
		"code_url":                     nil,
		"custom_image":                 {"args": nil, "command": nil, "enabled": nil, "gid": nil, "image": nil, "is_public": nil, "uid": nil, "working_dir": nil},
		"depend_version_list":          nil,
		"description":                  nil,
		"domain_names":                 nil,
		"enable_dynamic_memory":        nil,
		"enable_lts_log":               nil,
		"encrypted_user_data":          nil,
		"enterprise_project_id":        nil,
		"func_code":                    {"file": nil, "link": nil},
		"func_name":                    nil,
		"func_vpc":                     {"cidr": nil, "domain_id": nil, "gateway": nil, "is_safety": nil, "namespace": nil, "security_groups": nil, "subnet_id": nil, "subnet_name": nil, "vpc_id": nil, "vpc_name": nil},
		"gpu_memory":                   nil,
		"gpu_type":                     nil,
		"handler":                      nil,
		"initializer_handler":          nil,
		"initializer_timeout":          nil,
		"is_stateful_function":         nil,
		"log_config":                   {"group_id": nil, "group_name": nil, "stream_id": nil, "stream_name": nil},
		"lts_custom_tag":               {"*": nil},
		"memory_size":                  nil,
		"mount_config":                 {"func_mounts": {"local_mount_path": nil, "mount_resource": nil, "mount_share_path": nil, "mount_type": nil}, "mount_user": {"user_group_id": nil, "user_id": nil}},
		"network_controller":           {"disable_public_network": nil, "trigger_access_vpcs": {"vpc_id": nil, "vpc_name": nil}},
		"package":                      nil,
		"pre_stop_handler":             nil,
		"pre_stop_timeout":             nil,
		"runtime":                      nil,
		"tags":                         nil,
		"timeout":                      nil,
		"type":                         nil,
		"user_data":                    nil,
		"user_data_encrypt_kms_key_id": nil,
		"xrole":                        nil,
	},
	"UpdateFunctionCode": {
		"code_encrypt_kms_key_id": nil,
		"code_filename":           nil,
		"code_type":               nil,
		"code_url":                nil,
		"depend_version_list":     nil,
		"func_code":               {"file": nil, "link": nil},
	},
	"UpdateFunctionConfig": {
		"app_xrole":                    nil,
		"custom_image":                 {"args": nil, "command": nil, "enabled": nil, "gid": nil, "image": nil, "is_public": nil, "uid": nil, "working_dir": nil},
		"description":                  nil,
		"domain_names":                 nil,
		"enable_auth_in_header":        nil,
		"enable_class_isolation":       nil,
		"enable_dynamic_memory":        nil,
		"enable_lts_log":               nil,
		"encrypted_user_data":          nil,
		"enterprise_project_id":        nil,
		"ephemeral_storage":            nil,
		"extend_config":                nil,
		"func_name":                    nil,
		"func_vpc":                     {"cidr": nil, "domain_id": nil, "gateway": nil, "is_safety": nil, "namespace": nil, "security_groups": nil, "subnet_id": nil, "subnet_name": nil, "vpc_id": nil, "vpc_name": nil},
		"gpu_memory":                   nil,
		"gpu_type":                     nil,
		"handler":                      nil,
		"heartbeat_handler":            nil,
		"initializer_handler":          nil,
		"initializer_timeout":          nil,
		"is_stateful_function":         nil,
		"log_config":                   {"group_id": nil, "group_name": nil, "stream_id": nil, "stream_name": nil},
		"lts_custom_tag":               {"*": nil},
		"memory_size":                  nil,
		"mount_config":                 {"func_mounts": {"local_mount_path": nil, "mount_resource": nil, "mount_share_path": nil, "mount_type": nil}, "mount_user": {"user_group_id": nil, "user_id": nil}},
		"network_controller":           {"disable_public_network": nil, "trigger_access_vpcs": {"vpc_id": nil, "vpc_name": nil}},
		"peering_cidr":                 nil,
		"pre_stop_handler":             nil,
		"pre_stop_timeout":             nil,
		"restore_hook_handler":         nil,
		"restore_hook_timeout":         nil,
		"runtime":                      nil,
		"strategy_config":              {"concurrency": nil, "concurrent_num": nil},
		"timeout":                      nil,
		"user_data":                    nil,
		"user_data_encrypt_kms_key_id": nil,
		"xrole":                        nil,
	},
	"UpdateFunctionMaxInstanceConfig": {
		"max_instance_num": nil,
	},
	"CreateFunctionVersion": {
		"description": nil,
		"digest":      nil,
		"version":     nil,
	},
	"CreateVersionAlias": {
		"additional_version_strategy": {"*": {"combine_type": nil, "rules": {"op": nil, "param": nil, "rule_type": nil, "value": nil}}},
		"additional_version_weights":  {"*": nil},
		"description":                 nil,
		"name":                        nil,
		"version":                     nil,
	},
	"UpdateVersionAlias": {
		"additional_version_strategy": {"*": {"combine_type": nil, "rules": {"op": nil, "param": nil, "rule_type": nil, "value": nil}}},
		"additional_version_weights":  {"*": nil},
		"description":                 nil,
		"version":                     nil,
	},
	"CreateFunctionTrigger": {
		"event_data":        {"Key_encode": nil, "access_password": nil, "access_user": nil, "agency": nil, "auth": nil, "backend_type": nil, "batch_size": nil, "bucket": nil, "channel_id": nil, "channel_name": nil, "collection_name": nil, "connect_address": nil, "consumer_group_id": nil, "created_time": nil, "db_name": nil, "db_password": nil, "env_id": nil, "env_name": nil, "event_types": nil, "events": nil, "exchange_name": nil, "func_info": {"function_urn": nil, "invocation_type": nil, "timeout": nil, "version": nil}, "group_id": nil, "group_name": nil, "instance_id": nil, "is_serial": nil, "kafka_connect_address": nil, "kafka_password": nil, "kafka_ssl_enable": nil, "kafka_user": nil, "log_group_id": nil, "log_topic_id": nil, "match_mode": nil, "max_fetch_bytes": nil, "name": nil, "operations": nil, "path": nil, "polling_interval": nil, "polling_unit": nil, "prefix": nil, "protocol": nil, "queue_id": nil, "req_method": nil, "schedule": nil, "schedule_type": nil, "sharditerator_type": nil, "sl_domain": nil, "source_name": nil, "ssl_enable": nil, "status": nil, "stream_name": nil, "suffix": nil, "topic_ids": nil, "topic_urn": nil, "trigger_name": nil, "type": nil, "user_event": nil, "vhost": nil},
		"event_type_code":   nil,
		"trigger_status":    nil,
		"trigger_type_code": nil,
	},
	"UpdateTrigger": {
		"event_data":     {"is_serial": nil, "max_fetch_bytes": nil, "polling_interval": nil, "polling_unit": nil},
		"trigger_status": nil,
	},
	"CreateDependencyVersion": {
		"depend_file": nil,
		"depend_link": nil,
		"depend_type": nil,
		"description": nil,
		"name":        nil,
		"runtime":     nil,
	},
	// CreateTags and DeleteTags take the same body. The resource-instance
	// filter is not stated: its strict reading (docs/api-notes.md, rule 26)
	// ignores the `tags` condition that Terraform sends and the SDK's
	// ListEnterpriseResourceRequestBody lacks, rather than refuse it.
	"CreateTags": {"action": nil, "sys_tags": {"key": nil, "value": nil}, "tags": {"key": nil, "value": nil}},
	"DeleteTags": {"action": nil, "sys_tags": {"key": nil, "value": nil}, "tags": {"key": nil, "value": nil}},
	"UpdateFunctionReservedInstancesCount": {
		"count":          nil,
		"idle_mode":      nil,
		"tactics_config": {"cron_configs": {"count": nil, "cron": nil, "expired_time": nil, "name": nil, "start_time": nil}, "metric_configs": {"min": nil, "name": nil, "threshold": nil, "type": nil}},
	},
	"UpdateFunctionAsyncInvokeConfig": {
		"destination_config":             {"on_failure": {"destination": nil, "param": nil}, "on_success": {"destination": nil, "param": nil}},
		"enable_async_status_log":        nil,
		"log_group_id":                   nil,
		"log_group_name":                 nil,
		"log_stream_id":                  nil,
		"log_stream_name":                nil,
		"max_async_event_age_in_seconds": nil,
		"max_async_retry_attempts":       nil,
	},
}

// unknownField returns the path of the first field of body (sorted, so
// the answer is always the same) that the operation's model does not
// have, or "" when there is none or body is not a JSON object.
func unknownField(op string, body []byte) string {
	fields, ok := requestBodies[op]
	if !ok {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	return unknownIn(fields, v, "")
}

func unknownIn(fields Fields, v any, path string) string {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if p := unknownIn(fields, e, path); p != "" {
				return p
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, known := fields[k]
			if !known {
				sub, known = fields["*"]
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if !known {
				return p
			}
			if sub != nil {
				if q := unknownIn(sub, x[k], p); q != "" {
					return q
				}
			}
		}
	}
	return ""
}
