// Package httpapi owns what the emulator's JSON APIs (FunctionGraph, IAM,
// LTS) share on the wire: error answers with a service's code and message,
// responses written once any injected fault is decided, bounded request
// bodies, and the routing table each service declares its routes in.
package httpapi
