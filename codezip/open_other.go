//go:build !unix

package codezip

import "os"

// openFile opens a file to read (see open_unix.go).
func openFile(name string) (*os.File, error) { return os.Open(name) }
