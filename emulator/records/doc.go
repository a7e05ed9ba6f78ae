// Package records owns what invocations leave behind: their log lines, in
// the LTS stream of the function's log_config (the logs bucket), and
// per-minute statistics of each function version (the stats bucket). One
// writer goroutine stores them after the invocation is answered, in
// batches, so that an invocation does not wait for a commit to disk;
// reads of logs and statistics flush it first, so they see every
// invocation answered before them. The control plane writes them
// (emulator/fgs, invoke.go) and reads the statistics; LTS reads the lines
// (emulator/lts), neither through the other.
//
// # Logs and statistics
//
// Each invocation's log (a start line, the output, the error, a finish
// line with duration and memory) goes to the LTS stream of the function's
// log_config, each line labelled with function_name, package, version and
// request_id (labels of the emulator's own), and its outcome to
// per-minute statistics of the version. One writer stores them after the
// answer, in batches; reads flush it first.
package records
