// Package emulator is a local FunctionGraph: a real HTTP server speaking
// the v2 wire protocol, used by --local and by every test. The rules it
// follows, their sources and the reading chosen where the documentation
// leaves one open are in docs/api-notes.md; this comment summarizes them.
//
// It plays the cloud, so it imports nothing of the tool's own packages: its
// wire types and its SDK-HMAC-SHA256 verifier are its own, and a wrong JSON
// tag in the client cannot pass the tests unseen. Field names follow the
// official Go SDK's models (services/functiongraph/v2/model); status codes
// follow the error table of the API reference (appendix "Error Codes").
//
// # Rooms
//
// The emulator is a house of rooms, one package each, importing one way
// (layout_test.go): this package only wires them and keeps the public
// API (Options, New, Start, Run, Server, Running, Stats).
//
//   - fgs: FunctionGraph's control plane: functions, versions, aliases,
//     triggers, tags, dependencies, invocations and statistics, its wire
//     types and rules, its routing table (fgs/routes.go).
//   - obs: the OBS object API and its V2 signature, and what FunctionGraph
//     reads of it (code_url, depend_link).
//   - lts: LTS's log query, on a listener of its own.
//   - iam: the project list.
//   - runtime: the handler processes (python3, node) and their bootstraps.
//   - records: what invocations leave behind, log lines and per-minute
//     statistics, written by fgs and read by fgs and lts.
//   - timers: the scheduler of TIMER triggers, which fgs lists and fires
//     (Options.TimerTicks, Server.RunTimers).
//   - store: the bbolt and memory stores, code blobs, object data, the
//     state directory's lock.
//   - auth: the gateway's authentication (SDK-HMAC-SHA256, tokens) and
//     codes, for FunctionGraph, IAM and LTS.
//   - httpapi: JSON answers, bodies and the routing table type.
//   - faults: fault injection.
//
// Each room's doc comment holds its rules: authentication in auth, the
// functions, versions, aliases, triggers, tags, invocations and
// dependencies in fgs, OBS in obs, LTS in lts, the state in store, faults
// and latency in faults. The readings that span them follow.
//
// # Strict mode
//
// Options.Strict (fgsdeploy emulator --strict, FGSDEPLOY_LOCAL_STRICT=1
// under --local) takes the harshest documented reading of each rule the
// documentation leaves open, so that a client passing against both modes
// is right under every reading (docs/api-notes.md, rules 1-7): GET config
// returns encrypted_user_data and a PUT without it clears it (1); a
// publish needs a code change (2); mount_config needs mount_user (4);
// logging left out of an update is kept, and lts-log-detail of a
// function that does not log names nothing (5); the publish response says
// "latest" (6); the version list pages without count (7); the gateway's
// codes are APIGW.* (12); the trigger rules 15-19 and the tag rules 23-29
// (fgs); LTS pages hold at most 100 lines and name the scroll id scrollId
// (43). Rules 3, 8-14 and 20-22 hold in both modes.
//
// # Codes the emulator chose
//
// Where the references name no code for a case, the emulator uses a
// documented one: 403 FSS.0403 for another project id, 400 FSS.1015 for a
// publish beyond the version cap, 428 FSS.0428 for a publish digest that
// does not match, 400 FSS.0400 for a refused ephemeral_storage, a missing
// mount_user (strict), a bad mount_type and every refused tag or filter
// body, 409 FSS.0409 for a tag key a function has (strict).
//
// # Not emulated
//
// Firing triggers other than timers (and timers under --local, whose
// emulator lives as long as one command), the tenant-wide trigger list
// (GET /triggers, which TF reads and the SDK does not model), tags in a
// create's body (the SDK types them as a string of an undocumented
// format: they are ignored), checking depend_version_list entries against
// the dependencies, custom images (code_type Custom-Image-Swr is FSS.1006
// here), running handlers other than Python 3 and Node.js, memory limits
// (memory is noted, not enforced), request size limits of invocations,
// the AK lock-out after failed signatures, and quotas on total code size
// (FSS.1042).
package emulator
