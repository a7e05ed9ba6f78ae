// Package faults owns fault injection: the seeded draw of which requests
// fail and how, and the connection dropped a few bytes into its answer.
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
package faults
