// Package ghactions writes what a GitHub Actions step shows of a run:
// ::error and ::warning annotations placed on the manifest's lines, and
// sections of the step summary. It reads no environment of its own: the
// caller passes the values in (FromEnv takes a getenv function).
//
// Annotations go to stderr. The runner reads workflow commands from both
// of a step's streams (actions/runner: ScriptHandler gives stdout and
// stderr each an OutputManager that hands "::" lines to the command
// manager), so stdout stays free for machine output.
package ghactions
