// Package apiclient is the typed FunctionGraph v2 client: request signing
// (SDK-HMAC-SHA256, security tokens, X-Auth-Token), typed errors, retries on
// throttling and transient failures, and streamed code uploads.
//
// # Authentication
//
// With Config.AuthToken set, every request carries X-Auth-Token and nothing
// is signed. Otherwise AccessKey and SecretKey sign each request
// (SDK-HMAC-SHA256; docs/api-notes.md, other facts): the signed headers are
// host;x-project-id;x-sdk-date, plus x-security-token when SecurityToken
// (temporary credentials) is set and x-sdk-content-sha256 for streamed
// uploads. The path goes on the wire as it was signed (':' raw, every other
// reserved byte, such as an alias's '!', percent-encoded), and the query in
// its canonical form. Requests with a JSON body are signed over the SHA-256
// of the exact bytes sent; a streamed code upload is signed with
// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, which the gateway accepts in
// place of the body hash.
//
// # Project id
//
// New does no I/O. When Config.ProjectID is empty, the first call of
// Client.ProjectID looks it up through IAM (signed GET
// /v3/projects?name=REGION at Config.IAMEndpoint); no match or more than one
// is an error. The result is cached. Callers run ProjectID once before
// anything else: FunctionURN and every FunctionGraph path need it.
//
// # Errors
//
// A non-2xx answer is an *APIError with the status, the error code and
// message (FunctionGraph's error_code/error_msg, the gateway's
// {"error":{"code","message"}} and similar shapes, or the raw text of a
// non-JSON body) and the request id (X-Request-Id, else the body's). Not
// found is decided by error code, not status: errors.Is(err, ErrNotFound) is
// true for FSS.1051 (function), FSS.1052 (version) and FSS.1053 (alias), and
// for FunctionGraph's traps, 401 FSS.0401 and 500 FSS.0500 whose message says
// the resource is not found or does not exist. A not-found is never retried.
// Other 401s (APIG.0301 bad signature, clock skew) and 403s are final.
//
// # Retries
//
// Retry-worthy: a throttle (HTTP 429, FSS.0429, APIG.0308, APIGW.0308), a
// 5xx, and a transport failure (dropped connection, EOF, timeout). Delays are
// exponential from RetryPolicy.BaseDelay (default 200ms), doubled per
// attempt, capped at MaxDelay (default 10s), with equal jitter (half fixed,
// half from Config.Rand); a Retry-After (seconds or HTTP date) longer than
// that is honoured, up to a minute. Retries stop after MaxAttempts requests
// (default 6), when the next sleep would pass MaxElapsed since the first
// request (default 2m), or when the context ends.
//
// What is repeated depends on the operation:
//
//   - GET, PUT and DELETE are idempotent here (PUT replaces the whole code,
//     config or alias) and are repeated on every retry-worthy failure.
//   - A throttle is repeated for every method: the gateway refused the
//     request before forwarding it.
//   - CreateFunction (POST) may have taken effect on a 5xx or a lost
//     connection. Before each repeat, and once more before giving up, the
//     function's config is read; if it exists it is returned. A repeat
//     answered 409 FSS.1061 also means an earlier send took effect: the
//     existing function is returned.
//   - PublishVersion (POST) is never repeated blindly. Before each repeat,
//     and once more before giving up, the versions are listed: a version with
//     the requested name, or for an unnamed publish a version that was not
//     there before the first send (with the requested digest, when one was
//     given), is returned instead. A repeat of a named publish answered 409
//     FSS.1062 returns that version.
//   - CreateAlias (POST) is repeated; a repeat answered 409 FSS.1063 (the
//     first send took effect) becomes UpdateAlias with the same body.
//
// Bodies are re-sendable: JSON bodies are kept as bytes, and a streamed code
// upload is rebuilt from the file for each attempt.
//
// # Uploads
//
// A request with CodeFile set (CreateFunction, UpdateCode) streams its JSON
// body: the request fields, then func_code.file as the base64 of the file,
// produced through an io.Pipe while the body is sent, so neither the package
// nor its base64 is held in memory.
//
// # Debug log
//
// Config.Debug receives one line per attempt: method, path, status or
// transport error, duration, attempt number and request id. Headers and
// bodies are never written, so Authorization, X-Auth-Token,
// X-Security-Token, encrypted_user_data and func_code.file cannot appear.
//
// # Invocations, logs and metrics
//
// Invoke (POST .../invocations, X-CFF-Request-Version v1, X-Cff-Log-Type
// tail when the log is wanted) returns the answer whatever the function
// did: Invocation.Failed tells a failed or timed-out function apart. Like
// a publish, an invocation is repeated only after a throttle, never after
// a failure that may have reached the function. LogTarget reads a
// function's LTS group and stream (ErrNoLogTarget when it has none);
// QueryLogs reads a stream at Config.LTSEndpoint, another host than
// FunctionGraph, and is repeated like a GET although it is a POST.
// FunctionStatistics reads .../statistics/{period}.
package apiclient
