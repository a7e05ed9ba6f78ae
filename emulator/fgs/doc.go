// Package fgs owns FunctionGraph's control plane as the emulator plays
// it: functions, versions, aliases, triggers, tags and dependencies, with
// their own wire types (the SDK's models, docs/api-notes.md: a wrong JSON
// tag in the client cannot pass) and the documented rules and their strict
// readings; invocations (run by emulator/runtime) and their statistics
// (kept by emulator/records); and the routing table of its API
// (routes.go). Field names follow the official Go SDK's models
// (services/functiongraph/v2/model); status codes follow the error table
// of the API reference (appendix "Error Codes").
//
// # Functions
//
//   - Create needs func_name (FSS.1002), package (FSS.1004), runtime
//     (FSS.1005), handler (FSS.1003), memory_size (FSS.1007), timeout 3 to
//     259200 (FSS.1008) and code_type (FSS.1006). user_data and
//     encrypted_user_data must be JSON strings of flat string maps
//     (FSS.1009), at most 20 keys (FSS.1017) and 4096 bytes (FSS.1018;
//     the Notes and Constraints page says 4,096, the error table 2 KB);
//     description at most 512 characters (FSS.1019). An existing function
//     is 409 FSS.1061. Options.FunctionCap (0 = none, since the real quota
//     of 400 can be raised) gives 403 FSS.1041. Create takes the SDK's
//     create body, VPC, mounts, app agency, initializer, pre-stop and
//     logging included; strategy_config and ephemeral_storage are not
//     create fields and take their defaults. type defaults to v2.
//   - Value rules (rules.go, from fgsspec): runtimes exactly the SDK's enum (FSS.1005);
//     memory 128 to 4096 in the SDK's steps (FSS.1007); function names 2
//     to 60, ending in a letter or digit (FSS.1002); ephemeral_storage 512,
//     or 10240 for http and Custom Image (FSS.0400); concurrent_num 1 to
//     1000, above 1 only for http and Custom Image (FSS.1026); at most 5
//     mounts (403 FSS.1049), mount ids -1 to 65534 but not 0, 1000, 1002
//     (FSS.1075).
//   - Bad JSON is 406 FSS.0406, as the error table lists it.
//   - digest is hex SHA-512 of the decoded package, code_size its length.
//     code_encrypt_kms_key_id is stored with the code (a code update
//     without it clears it) and returned; the bytes stay plain.
//     A missing func_code.file is FSS.1012, one that is not base64 FSS.1011;
//     zip/jar over 50 MB is 413 FSS.1071, inline over 10 KB 413 FSS.1072; a
//     body over 80 MB is 413 FSS.0413. func_code.file is decoded straight
//     from the body bytes, so an upload is held as body plus package. obs
//     code is read from the emulator's own OBS object that code_url names
//     (see OBS), streamed and hashed like any package's bytes; an object
//     it cannot read (another OBS, a bucket of another region, no such
//     object) is 404 FSS.1054, a code_url that is not https 400 FSS.1010,
//     an object over 300 MB 413 FSS.1071.
//   - Responses carry the LTS target as log_group_id and log_stream_id,
//     never log_config, as the SDK's response models do.
//     encrypted_user_data is stored and never returned, except by GET
//     config in strict mode.
//   - PUT config is a full replace: func_name, runtime, timeout, handler
//     and memory_size are required (FSS.0400 when absent); runtime
//     (FSS.1005) and name (FSS.1002) cannot change; what the body leaves
//     out is cleared (func_vpc, user_data, log_config, initializer...),
//     except encrypted_user_data, which is kept when absent since it
//     cannot be read back (strict: cleared, and GET config returns it).
//     enable_lts_log false turns logging off (strict: enable_lts_log left
//     out keeps logging as it was). A new function without
//     enable_lts_log logs when the account's LTS logging is on (the
//     default; Options.LTSDisabled until POST .../enable-lts-logs), to a
//     group and stream the emulator makes.
//   - Config fields of the SDK's update body the emulator does not
//     interpret (dynamic memory, GPU, custom image, heartbeat and restore
//     hook handlers, extend_config, the KMS key of user_data, ...:
//     otherConfigBody) are stored as sent, returned by GET config,
//     snapshotted by versions, and replaced by a config update like every
//     other field.
//   - Maximum instances (-1 to 1000, else FSS.1026) are reported as
//     strategy_config.concurrency, as in the SDK's config model (which has
//     no max_instance_num).
//   - Only latest can be changed: a write to a version or alias URN is
//     FSS.0400. ":latest" is accepted wherever the unqualified URN is,
//     except DELETE, where it is FSS.1015 (latest cannot be deleted; the
//     unqualified URN deletes the function).
//   - last_modified of functions and versions is China time in whole
//     seconds, with its offset as the function model writes it
//     ("2018-03-28T11:30:32+08:00"), or strictly without a zone as the
//     examples of single functions do ("2019-10-25 15:37:27"); of aliases
//     always with the offset, as their examples show.
//   - The function list pages with marker (an offset) and maxitems (0 or
//     over 400 means 400); anything but a non-negative integer is FSS.1001.
//     func_name is a fuzzy (substring) match.
//   - Not found: 404 FSS.1051 function, FSS.1052 version, FSS.1053 alias.
//     With Options.ConfigWithoutDependencies GET config leaves out
//     depend_version_list (GET code keeps it), as older API versions do.
//     With Options.NotFoundTrap a missing function is 401 FSS.0401 on GET
//     config, as FunctionGraph sometimes answers.
//   - GET code returns func_code.link, an unauthenticated URL on the same
//     server serving the stored package, like an OBS pre-signed link.
//
// # Versions
//
// Versions are copies of latest's code and config, without mount_config
// ("no triggers, mounting disks, or reserved instances are configured in a
// new version"). Publishing when latest equals the newest version in what
// a version holds is 400 FSS.1016 (strict: unless the code, code_url or
// code_filename changed); a duplicate name 409
// FSS.1062; an invalid name (1 to 42 of [A-Za-z0-9_.-], alphanumeric at
// both ends, not "latest") 400 FSS.1015. A publish beyond Options.VersionCap
// (latest included, default 20 per the Notes and Constraints page) is also
// 400 FSS.1015: no code for it is documented, and the request asks for an
// invalid version. A digest that differs from latest's is 428 FSS.0428
// (precondition): the SDK calls the field an "MD5 key" and its meaning is
// unclear, so the emulator treats it as an optimistic lock. Default names
// are vYYYYMMDD-HHMMSS of Options.Now. The publish response is the new
// version's model (strict: "version": "latest" and an unqualified URN, as
// one reference's example shows). The version list holds full function
// models (the SDK's ListFunctionVersionResult), latest first, then in
// publish order, with next_marker and count, marker and maxitems ignored,
// as the Terraform provider notes (strict: pages of maxitems, 5 by
// default, with next_marker and no count).
//
// # Aliases
//
// Names are 1 to 63 characters, a letter first and a letter or digit last
// (FSS.1014). At most 10 per function (403 FSS.1043). Each version can be associated
// with only one alias (Notes and Constraints page): a second alias on the
// same main version is 409 FSS.1066 (additional versions do not count). The
// main version must exist (404 FSS.1052). additional_version_weights and
// additional_version_strategy are exclusive and must name existing
// versions (400 FSS.1091, "the additional version is invalid"); each
// weight is 1 to 99 and they add up to less than 100 (FSS.1092); an
// additional version is not the main one (FSS.1093). Deleting a version
// deletes the aliases whose main version it is; a version that is an
// alias's additional version (by weight or by rule) cannot be deleted
// (403 FSS.1094). The alias list is a bare JSON array sorted by name.
//
// # Triggers
//
// The trigger API of the SDK (functionGraph_meta.go): GET, POST and
// DELETE /triggers/{function_urn} list (a bare JSON array), create (201,
// as the references document) and delete all; GET, PUT and DELETE
// /triggers/{function_urn}/{type}/{id} show, update and delete one (404
// FSS.1131 when there is none). A trigger belongs to latest (the
// unqualified URN), a version or an alias (FSS.1052/1053 when they do not
// exist). trigger_type_code is the SDK's enum (400 FSS.1101); the
// event_data of the types whose fields the SDK documents is checked with
// the emulator's own statement of their rules (triggerrules.go: required
// fields, kinds, enums, ranges, schedule, path and bucket syntax; a DIS
// trigger's is_serial the string "true" or "false", as the SDK's create
// enum has it), not the manifest's (fgsspec), and a test compares the
// two; each type has its code of the error table (FSS.1109 timer,
// FSS.1107 APIG, FSS.1417 dedicated gateway, FSS.1106 OBS, FSS.1102 SMN,
// FSS.1112 Kafka, FSS.1113 Kafka SASL without credentials, FSS.0400 for
// the others); other types take any object. At most 10 triggers per
// version or alias (400 FSS.1306). A timer's name is unique per version
// or alias (strict: per function), 409 FSS.1148; an API (group,
// environment, path, method) is unique in the project (409 FSS.1146);
// OBS notifications of one bucket may not overlap in events, prefix and
// suffix (403 FSS.1108); an SMN topic (FSS.1141) or a Kafka instance's
// topics (FSS.1150) once per version or alias. Creating an APIG trigger
// adds what the service adds (triggerid, api_id, invoke_url, func_info's
// function_urn, version and invocation_type); an OBS trigger's name
// defaults to its id. Deleting all triggers of latest or of the
// unqualified URN deletes every trigger of the function, of a version or
// alias only theirs (OTC deleting_all_triggers_of_a_function.rst).
// Deleting a version deletes its triggers and those of the aliases
// deleted with it; an alias with triggers cannot be deleted (403
// FSS.1154). Triggers are stored and persist; of them only TIMER ones
// fire, when emulator/timers says (timers.go: Timers, FireTimer).
//
// The open trigger rules (docs/api-notes.md, rules 15-19): an update's
// event_data is UpdateriggerEventData's fields as an array (SDK, both
// references) or the whole event_data as an object (TF); lenient takes
// both and ignores fields no update changes, strict only the array and
// refuses other fields (15). Only timer, DDS, DMS, Kafka and LTS triggers
// can be disabled (HW), strict drops DMS (OTC), else 400 FSS.1318 (16).
// DDS and Kafka triggers are DISABLED when created without a status;
// strict creates them DISABLED whatever the body asks (17). Reads return
// event_data's passwords as stored; strict masks them as "******" (18).
// Timer names are unique per version or alias; strict per function (19).
//
// # Tags
//
// The tag API is below /v2/{project_id}, without /fgs (tags.go; routes.go
// checks the project id first, then the resource id): GET
// /functions/{urn}/tags (tags and sys_tags), POST .../tags/create and
// DELETE .../tags/delete (bodies of {key, value} items and an optional
// action, which must match; 204), GET /functions/tags (every key with its
// values) and POST /functions/resource-instances/{filter|count}. The
// resource id is the function's URN, unqualified or of latest; a version's
// or an alias's is 400 FSS.0400, an unknown function 404 FSS.1051. Tags
// are part of the function's record (Function.Tags), so deleting the
// function deletes them; at most 20 per function (400 FSS.0400), system
// tags (_sys_) and sys_tags cannot be set (400 FSS.0400).
//
// The open rules (docs/api-notes.md, rules 23-28): key and value rules,
// the TMS rules of the user guide (lenient) or the API reference's
// (strict, fgsspec) (23); a create with a key the function has overwrites
// it, or is refused, 409 FSS.0409 (24); a delete matches the key, or the
// key and the value (25); the filter takes the tags condition the
// Terraform provider sends, or (strict) only the SDK's body and answers
// every function (26); pages hold what limit asks (all without one), or at
// most 10, and limit and offset may be numbers, or must be strings (27);
// each resource is named by its unqualified URN with a detail like the
// function list's, or by the URN of latest with only detailId, and strict
// reads show a system tag (28). Deleting a function whose alias has
// triggers deletes everything, or (strict) is 403 FSS.1154 (29).
//
// # Invocation
//
// POST .../invocations and .../invocations-async run Python 3 and Node.js
// handlers (emulator/runtime): each function version has a pool of warm
// processes (Options.WarmProcesses, 4 by default), python3 or node from
// PATH (Options.LookPath; the interpreter a pyenv or nvm shim runs, found
// once) running a bootstrap of the emulator's own (bootstrap/, embedded)
// that loads the handler and its initializer once and then takes one
// invocation at a time: requests on fd 3, answers on fd 4, stdout and
// stderr one pipe that is the invocation's log, ended by a marker. The
// handler gets the event, a context with the methods the developer guide
// lists (docs/api-notes.md, Invoke), and the function's environment
// variables, encrypted ones included, in its environment; nothing of the
// emulator's own environment. A new version, or latest with other code or
// config, gets fresh processes; the old ones end. The timeout is enforced
// by killing the process group, and answered with status 408 and
// FSS.0408; a handler that raises, or a process that dies, with status
// 500 and the runtime's {errorMessage, errorType, stackTrace}; every
// process ends with the emulator (Server.Close waits for asynchronous
// invocations first). Alias invocations pick a version by weight, from a
// generator seeded with Options.Seed; routing rules are not emulated (the
// main version runs). Packages are unpacked under StateDir/run (the 8
// most recently used are kept) or a temporary directory. A runtime the
// emulator cannot run, or a missing interpreter, is 500 FSS.0500 naming
// what is missing.
//
// # Logs and statistics
//
// Each invocation's log (a start line, the output, the error, a finish
// line with duration and memory) goes to the LTS stream of the function's
// log_config, each line labelled with function_name, package, version and
// request_id (labels of the emulator's own), and its outcome to
// per-minute statistics of the version (emulator/records). One writer stores
// them after the answer, in batches; reads flush it first. GET
// .../lts-log-detail names the stream of the version the URN names (404
// FSS.0404 when it does not log; strict: 200 naming nothing); GET .../statistics/{period} reads the statistics (metrics.go);
// LTS's ListLogs, POST /v2/{project}/groups/{g}/streams/{s}/content/query,
// is served on a listener of its own (Running.LTSURL, Server.LTSHandler),
// with LTS's error codes and paging (emulator/lts). Timer triggers fire
// as invocations of their version or alias (timers.go). Fault injection and Options.Latency
// apply to the FunctionGraph listener only.
//
// # Production settings
//
// production.go: PUT .../{function_urn}/reservedinstances sets a
// qualifier's reservation (the unqualified URN is latest; count required,
// 0 to 1000 and within max instances, policies as TF states them, 400
// FSS.0400; an alias and the version it points at cannot both hold one;
// 404 FSS.1052/1053 for a qualifier that does not exist); GET
// .../functions/reservedinstanceconfigs lists them (function_urn,
// marker, limit; page_info and count). PUT, GET and DELETE
// .../{function_urn}/async-invoke-config set, show and delete a
// qualifier's asynchronous invocation config (destinations OBS, SMN, DIS,
// FunctionGraph with a param that is a JSON object string). Records live
// in the production bucket under the function and the qualifier: deleting
// a version, an alias or the function deletes them. The open rules
// (docs/api-notes.md, 31-37): a moved alias keeps its reservation
// (strict: loses it); a reservation set to 0 is gone (strict: listed at
// 0); the list comes whole with count the entries (strict: pages of two,
// count the functions, limit at most 500); the async ranges are age
// 1-86400 and retries 0-8 (strict: 60-86400 and 0-3); a PUT merges into
// the stored config (strict: replaces it, age 3600 and retries 3 by
// default); a qualifier without a config answers 200 with no settings and
// deletes with 204 (strict: 404 FSS.0404); the alias list carries the
// routing rules (strict: only ShowVersionAlias does).
//
// # What catches a client's mistakes
//
// checks.go, bodyfields.go. Both modes: func_vpc without xrole is 400
// FSS.0400; an invocation's event that is not a JSON object is 400
// FSS.0400 (the SDK's body is a map). Strict mode (docs/api-notes.md,
// 30-33): a body with a field the SDK's request model for its operation
// does not have is 400 FSS.0400 naming the field (bodyfields.go states
// each model, nested objects too; sdkcheck compares it with the SDK's
// models by reflection); a request without Content-Type is 400 FSS.0400;
// a config update's strategy_config without concurrency is 400 FSS.0400;
// a code update without depend_version_list keeps the function's
// dependencies (lenient: none).
//
// # Dependencies
//
// The dependency API (dependencies.go): POST /dependencies/version makes
// the next version of the dependency it names (and the dependency, with
// version 1): depend_type zip with a base64 depend_file (40 MB, 10 MB in
// strict mode; 400 FSS.1024 beyond) or obs with a depend_link to this
// emulator's OBS (403 FSS.1046 when it cannot be read); etag is the MD5
// of the package, or in strict mode, for a package from OBS, the
// object's ETag. GET /dependencies lists the dependencies (each with its
// newest version's fields), GET /dependencies/{id}/version their
// versions, paged by marker and maxitems with next_marker and count; GET
// and DELETE /dependencies/{id}/version/{n} show (with a download_link)
// and delete one; a version that latest or a published version of a
// function lists in depend_version_list is 412 FSS.1033; unknown ones 404
// FSS.1056. Records live in the store's dependencies bucket, packages
// with the code packages (blobs/).
package fgs
