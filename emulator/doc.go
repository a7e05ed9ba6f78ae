// Package emulator is a local FunctionGraph: a real HTTP server speaking
// the v2 wire protocol of fgs-api.md, used by --local and by every test.
//
// It plays the cloud, so it imports nothing of the tool's own packages: its
// wire types and its SDK-HMAC-SHA256 verifier are its own, and a wrong JSON
// tag in the client cannot pass the tests unseen. Field names follow the
// official Go SDK's models (services/functiongraph/v2/model); status codes
// follow the error table of the API reference (appendix "Error Codes").
//
// # Authentication (gateway codes)
//
// Every request but a code link is authenticated: an SDK-HMAC-SHA256
// signature over the canonical request of fgs-api.md §5 (x-sdk-date must
// be signed and within 15 minutes of Options.Now; X-Sdk-Content-Sha256:
// UNSIGNED-PAYLOAD is honoured; any signed header may be listed, host and
// content-length included), or an X-Auth-Token equal to Options.Token. An
// X-Security-Token (temporary credentials) is accepted whatever its value.
// Every failure is 401 APIG.0301, the code API Gateway documents for all
// IAM authentication failures, with its documented messages: "verify aksk
// signature fail" (bad signature, wrong secret key, stale or missing
// X-Sdk-Date), "Get secretKey failed ... ak not exist" (unknown access
// key), "x-auth-token not found" (no credentials), "decrypt token fail"
// (wrong token). A project id in the path or X-Project-Id other than
// Options.ProjectID is 403 FSS.0403 (a choice: the real gateway's answer is
// not documented; 403 says "these credentials may not touch that"). A
// method and path the service does not publish is 404 APIG.0101, after
// authentication. IAM GET /v3/projects?name=REGION is served on the same
// port; another region gives an empty list.
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
//     of 400 can be raised) gives 403 FSS.1041. Create ignores VPC, mounts,
//     app agency, initializer, pre-stop and concurrency settings, which
//     only a config update sets (fgs-api.md §6). type defaults to v2.
//   - Bad JSON is 406 FSS.0406, as the error table lists it.
//   - digest is hex SHA-512 of the decoded package, code_size its length.
//     code_encrypt_kms_key_id is stored with the code (a code update
//     without it clears it) and returned; the bytes stay plain.
//     A missing func_code.file is FSS.1012, one that is not base64 FSS.1011;
//     zip/jar over 50 MB is 413 FSS.1071, inline over 10 KB 413 FSS.1072; a
//     body over 80 MB is 413 FSS.0413. func_code.file is decoded straight
//     from the body bytes, so an upload is held as body plus package. For
//     obs code there is no object store: the URL itself is the "package",
//     so the digest changes exactly when the URL does.
//   - Responses carry the LTS target as log_group_id and log_stream_id,
//     never log_config, as the SDK's response models do.
//     encrypted_user_data is write-only: stored, never returned.
//   - PUT config is a full replace: func_name, runtime, timeout, handler
//     and memory_size are required (FSS.0400 when absent); runtime
//     (FSS.1005) and name (FSS.1002) cannot change; what the body leaves
//     out is cleared (func_vpc, user_data, log_config, initializer...),
//     except encrypted_user_data, which is kept when absent: it cannot be
//     read back, so a client could not re-send it (a choice; the service's
//     behaviour is undocumented). enable_lts_log false drops log_config.
//   - Config fields of the SDK's update body that GET config returns but
//     the emulator does not interpret (dynamic memory, GPU, custom image,
//     heartbeat handler, the KMS key of user_data, ...: otherConfigBody)
//     are stored as sent, returned, snapshotted by versions, and replaced
//     by a config update like every other field.
//   - Maximum instances (-1 to 1000, else FSS.1026) are reported as
//     strategy_config.concurrency, as in the SDK's config model (which has
//     no max_instance_num).
//   - Only latest can be changed: a write to a version or alias URN is
//     FSS.0400. ":latest" is accepted wherever the unqualified URN is,
//     except DELETE, where it is FSS.1015 (latest cannot be deleted; the
//     unqualified URN deletes the function).
//   - last_modified of functions and versions is China time in the API
//     reference's example format "2019-10-25 15:37:27" (whole seconds);
//     of aliases "2020-06-19T10:07:34+08:00", as their examples show.
//   - The function list pages with marker (an offset) and maxitems (0 or
//     over 400 means 400); anything but a non-negative integer is FSS.1001.
//   - Not found: 404 FSS.1051 function, FSS.1052 version, FSS.1053 alias.
//     With Options.ConfigWithoutDependencies GET config leaves out
//     depend_version_list (GET code keeps it), as older API versions do.
//     With Options.NotFoundTrap a missing function is 401 FSS.0401 on GET
//     config, as FunctionGraph sometimes answers (fgs-api.md §3).
//   - GET code returns func_code.link, an unauthenticated URL on the same
//     server serving the stored package, like an OBS pre-signed link.
//
// # Versions
//
// Versions are deep copies of latest's code and config. Publishing when
// latest equals the newest version is 400 FSS.1016; a duplicate name 409
// FSS.1062; an invalid name (1 to 42 of [A-Za-z0-9_.-], alphanumeric at
// both ends, not "latest") 400 FSS.1015. A publish beyond Options.VersionCap
// (latest included, default 20 per the Notes and Constraints page) is also
// 400 FSS.1015: no code for it is documented, and the request asks for an
// invalid version. A digest that differs from latest's is 428 FSS.0428
// (precondition): the SDK calls the field an "MD5 key" and its meaning is
// unclear, so the emulator treats it as an optimistic lock. Default names
// are vYYYYMMDD-HHMMSS of Options.Now. The version list holds full function
// models (the SDK's ListFunctionVersionResult), latest first, then in
// publish order, with next_marker and count; marker and maxitems are
// ignored, as the Terraform provider notes.
//
// # Aliases
//
// At most 10 per function (403 FSS.1043). Each version can be associated
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
// # State
//
// State lives in a transactional store (store.go): with Options.StateDir,
// a bbolt file, state.db, opened with an exclusive lock for as long as the
// Server runs (another process on the same directory waits up to
// Options.LockTimeout, calling Options.OnLockWait once, then gets
// ErrStateLocked); without it, maps with the same transaction semantics.
// Each resource has a bucket of its own (functions, versions, aliases,
// triggers; OBS objects, dependencies and invocation logs come later), one
// JSON record per key, so a request reads and writes only the records it
// names. Every request is one transaction: reads in a read-only view,
// writes in an update that commits (fsync) before the answer, or rolls
// back entirely when the request fails. Code packages are files under
// blobs/, named by their SHA-512 and written atomically before the
// transaction that refers to them. A state.json of an earlier emulator is
// imported once and renamed state.json.imported. Packages no version
// refers to any more are not removed.
//
// # Faults and latency
//
// Options.Latency delays every request (ending early if the client goes
// away). Fault injection draws from a math/rand seeded with Options.Seed:
// one draw per request decides whether it fails (Options.FaultRate), a
// second, for failing requests only, the kind: 429 with Retry-After (a
// quarter each FSS.0429 and APIG.0308 bodies), 500 FSS.0500, or a dropped
// connection (hijacked and closed a few bytes into the status line: with
// no byte at all, Go's transport re-sends an idempotent request on a reused
// connection by itself, which would shift the draws). The same seed gives
// the same sequence for the same order of requests; fgsdeploy with
// --parallelism 1 sends its requests in one order every time. (Two draws rather than
// one keep the sequences other packages' tests were written against.)
// Throttling is always decided before the request takes effect; with
// Options.FaultAfterEffect, 500s and drops happen after the change was
// applied, as a real service can fail after applying. A panic in a handler
// is answered as 500 FSS.0500.
//
// # Triggers
//
// GET and POST /triggers/{function_urn} list (a bare JSON array) and
// create triggers of latest, a version or an alias (trigger_type_code from
// the SDK's enum, event_data an object; FSS.1052/1053 for a version or
// alias that does not exist). They are stored, never fired. Deleting a
// version deletes its triggers and those of the aliases deleted with it;
// an alias with triggers cannot be deleted (400 FSS.1154; the status is a
// choice).
//
// # Not emulated
//
// Firing triggers, updating or deleting them, async invoke config,
// reserved instances, lts-log-detail, tags, dependencies as resources,
// custom images (code_type
// Custom-Image-Swr is FSS.1006 here), invocation, the AK lock-out after failed
// signatures, and quotas on total code size (FSS.1042).
package emulator
