// Package runtime owns running handlers: the emulator runs Python 3 and
// Node.js handlers itself, a pool of warm processes per function version,
// each one a python3 or node running a bootstrap of the emulator's own
// (bootstrap/), which loads the handler once and then answers invocations
// one at a time. Requests go to the process on fd 3 and answers come back
// on fd 4, one JSON document a line; stdout and stderr are one pipe, the
// invocation's log, and the bootstrap ends each invocation's output with a
// marker only the emulator knows.
//
// It knows a function version only as a Job's Spec: the control plane
// (emulator/fgs) says what to run, the runner runs it and gives back an
// Outcome; what the invocation leaves behind is the records' (emulator/records).
//
// # Processes
//
// Each function version has a pool of warm processes
// (Options.WarmProcesses, 4 by default), python3 or node from PATH
// (Options.LookPath; the interpreter a pyenv or nvm shim runs, found once)
// running the bootstrap (embedded), which loads the handler and its
// initializer once and then takes one invocation at a time. The handler
// gets the event, a context with the methods the developer guide lists
// (docs/api-notes.md, Invoke), and the function's environment variables,
// encrypted ones included, in its environment; nothing of the emulator's
// own environment. A new version, or latest with other code or config,
// gets fresh processes; the old ones end. The timeout is enforced by
// killing the process group. Packages are unpacked under StateDir/run (the
// 8 most recently used are kept) or a temporary directory. A runtime the
// emulator cannot run, or a missing interpreter, is 500 FSS.0500 naming
// what is missing.
package runtime
