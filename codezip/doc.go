// Package codezip turns a code directory into a deterministic zip and its
// SHA-512 digest, the value FunctionGraph reports as a function's digest.
//
// The zip's bytes depend only on the relative paths, the file contents and
// the executable bit:
//   - entries are regular files only (no directory entries: empty
//     directories are not packaged), sorted by their slash-separated path;
//   - every entry has the same timestamp, 1980-01-01 00:00:00 (the DOS
//     epoch), and no extra fields (no extended timestamps, no uid/gid);
//   - modes are 0644, or 0755 when any execute bit is set;
//   - entries are deflated with github.com/klauspost/compress/flate at
//     level 6, the library version pinned in go.mod; no archive comment.
//
// Changing any of these settings, or the flate library version, changes
// every digest and so makes every function plan a code update once.
//
// Never packaged, at any depth (DefaultRules): .git, .hg, .svn,
// .fgsdeploy, .DS_Store, .fgsignore and the release marker ReleaseFile,
// which WithReleaseFile adds to a package; every directory that holds
// OutputMarker (fgsdeploy package --out writes it); every saved plan
// (fgsdeploy plan --out), recognised by its content: a JSON object whose
// first key is format_version, with a salt and a functions list. Nor the
// paths in Options.Exclude (the caller passes the manifest and its
// .fgsdeploy folder). A .fgsignore file in the code directory or any
// folder below it adds gitignore patterns for that folder (negation with
// !, ** globs, a trailing / for folders only, patterns anchored with a
// leading /), as git's own .gitignore files do, with go-git's patterns;
// List says which rule left out each path.
//
// A directory with nothing to package is an error (EmptyError): the zip
// would replace the function's code with nothing.
//
// Symlinks are followed and packaged as the content they point at (zip has
// no portable symlink that FunctionGraph would restore). A link that
// resolves outside Options.Root is an error, as is a cycle of directory
// links. Sockets, devices and pipes are errors.
//
// A .zip or .jar given as the code path is used as is: its digest is the
// SHA-512 of its bytes.
//
// Files are compressed in parallel (one worker per CPU by default) and the
// zip is streamed to a temporary file while it is hashed. Files over 1 MiB
// are compressed first, the biggest first (up to 256 MiB of them), into
// temporary files, so that one big file does not hold the writer while the
// other workers have nothing to do; the others follow in the zip's order,
// at most 1,024 compressed entries (of 8 MiB of files) waiting in memory,
// so memory does not grow with the package. The order files are compressed
// in never changes the bytes.
package codezip
