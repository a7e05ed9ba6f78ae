// Package auth owns how the emulator's API gateway authenticates requests
// to FunctionGraph, IAM and LTS: its own SDK-HMAC-SHA256 verifier (the
// SDK's core/auth/signer; docs/api-notes.md), which shares no code with
// the client's signer on purpose, X-Auth-Token, and the gateway's own
// error codes (APIG, APIGW in strict mode).
//
// # Authentication (gateway codes)
//
// Every request but a code link is authenticated: an SDK-HMAC-SHA256
// signature over the SDK's canonical request (x-sdk-date must
// be signed and within 15 minutes of Options.Now; X-Sdk-Content-Sha256:
// UNSIGNED-PAYLOAD is honoured; any signed header may be listed, host and
// content-length included), or an X-Auth-Token equal to Options.Token. An
// X-Security-Token (temporary credentials) is accepted whatever its value.
// Every failure is 401 APIG.0301 (APIGW.0301 in strict mode: the API
// Gateway FAQ and the current signing guide write the same failures with
// either prefix), with the documented messages: "verify aksk
// signature fail" (bad signature, wrong secret key, stale or missing
// X-Sdk-Date), "Get secretKey failed ... ak not exist" (unknown access
// key), "x-auth-token not found" (no credentials), "decrypt token fail"
// (wrong token). A project id in the path or X-Project-Id other than
// Options.ProjectID is 403 FSS.0403 (a choice: the real gateway's answer is
// not documented; 403 says "these credentials may not touch that"). A
// method and path the service does not publish is 404 APIG.0101 (APIGW in
// strict mode), after authentication. IAM GET /v3/projects?name=REGION is served on the same
// port; another region gives an empty list.
package auth
