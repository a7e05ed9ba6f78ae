// Package planfile is the saved-plan file that plan --out writes and apply
// PLANFILE reads: its format (format_version "1"), Save and Load, and the
// check that refuses, function by function, a saved plan whose remote
// state, manifest or code moved since it was made (StaleError, ErrStale).
package planfile
