// Package codebuild runs a function's code.build: the command, through
// sh -c, in a scratch copy of its code directory (never in the source
// tree), and keeps what the copy holds afterwards in a cache keyed by the
// sources' contents, the command, the runtime and the function, so that
// the same inputs are built once and packaged with the same digest every
// time. It never reads the process environment: the caller gives the
// build's environment, and the secrets its output must not show.
package codebuild
