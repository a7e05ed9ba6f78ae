// Package emulator is a local FunctionGraph: a real HTTP server speaking
// the v2 wire protocol of fgs-api.md, used by --local and by every test.
//
// It plays the cloud, so it imports nothing of the tool's own packages: its
// wire types and its SDK-HMAC-SHA256 verifier are its own, and a wrong JSON
// tag in the client cannot pass the tests unseen.
//
// What it emulates, and where it had to choose:
//   - Every request is authenticated: a signature over the canonical
//     request (x-sdk-date must be signed, 15 minutes of clock skew at
//     most; X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is honoured) or an
//     X-Auth-Token equal to Options.Token. Failures are 401 APIG.0301, the
//     gateway's code for bad IAM authentication. A project id in the path
//     or X-Project-Id other than Options.ProjectID is 403 FSS.0403.
//   - IAM GET /v3/projects?name=REGION is served on the same port.
//   - digest is hex SHA-512 of the decoded package, code_size its length.
//     zip/jar over 50 MB is FSS.1071, inline over 10 KB FSS.1072. For obs
//     code there is no object store: the URL itself is the "package", so
//     the digest changes exactly when the URL does.
//   - Maximum instances are reported as strategy_config.concurrency, as in
//     the SDK's config model (which has no max_instance_num).
//   - Create ignores initializer, pre-stop, concurrency and storage
//     settings (set them with a config update, as with the real service).
//   - PUT config is a full replace: func_name, runtime, timeout, handler
//     and memory_size are required (FSS.0400 when absent); runtime and name
//     cannot change; what the body leaves out is cleared, except
//     encrypted_user_data, which is write-only: kept when absent, never
//     returned by any read. enable_lts_log false drops log_config.
//   - Versions snapshot code and config. Publishing when latest equals the
//     newest version is FSS.1016; a duplicate name FSS.1062 (409); an
//     invalid name, or a publish beyond Options.VersionCap versions
//     (latest included, default 20), FSS.1015; a digest that differs from
//     latest's FSS.0428 (precondition). Default names are vYYYYMMDD-HHMMSS.
//   - Deleting a version deletes the aliases pointing at it; a version that
//     is an alias's additional version cannot be deleted (FSS.1094).
//   - Aliases: at most 10 (FSS.1043), weights and strategy exclusive
//     (FSS.1091), weights below 100 in total (FSS.1093); the alias list is
//     a bare JSON array. Not found: FSS.1051 function, FSS.1052 version,
//     FSS.1053 alias; with Options.NotFoundTrap a missing function is
//     401 FSS.0401, as FunctionGraph sometimes answers.
//   - GET code returns func_code.link, an unauthenticated URL on the same
//     server, like an OBS pre-signed link.
//   - State lives in memory or in Options.StateDir: state.json written
//     atomically (temporary file, fsync, rename, fsync of the folder) after
//     every change, packages content-addressed under blobs/.
//   - Fault injection draws from a math/rand seeded with Options.Seed, one
//     draw per request in arrival order: 429 (Retry-After, FSS.0429 or
//     APIG.0308 bodies), 500 FSS.0500 or a dropped connection. With
//     FaultAfterEffect, 500s and drops happen after the change was made.
package emulator
