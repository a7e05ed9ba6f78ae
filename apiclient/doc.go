// Package apiclient is the typed FunctionGraph v2 client: request signing
// (SDK-HMAC-SHA256, security tokens, X-Auth-Token), typed errors, retries on
// throttling and transient failures, and streamed code uploads.
package apiclient
