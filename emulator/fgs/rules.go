package fgs

import "github.com/fgsdeploy/fgsdeploy/fgsspec"

// The value rules of FunctionGraph, one small function each, with their
// sources in docs/api-notes.md. They come from fgsspec, the same facts
// the manifest checks offline, so the emulator and the tool cannot
// disagree on them. fgsspec holds plain facts, no wire types: the
// emulator still keeps its own model of the API.

func isRuntime(r string) bool { return fgsspec.IsRuntime(r) }

func isMemorySize(mb int) bool { return fgsspec.IsMemorySize(mb) }

func isFunctionName(n string) bool { return fgsspec.CheckFunctionName(n) == nil }

func isAliasName(n string) bool { return fgsspec.CheckAliasName(n) == nil }

// multiConcurrent tells whether instances of runtime r take more than one
// request at a time, the only runtimes concurrent_num above 1 is for.
func multiConcurrent(r string) bool { return fgsspec.AllowsConcurrentNum(r) }

// ephemeralStorageOK tells whether a function of runtime r may have mb of
// ephemeral storage: the default 512 for all (GET config reports it for
// every function, and clients send it back), a larger size only where
// fgsspec allows ephemeral_storage at all.
func ephemeralStorageOK(r string, mb int) bool {
	return mb == 512 || (fgsspec.IsEphemeralStorageSize(mb) && fgsspec.AllowsEphemeralStorage(r))
}

// maxMounts is the most func_mounts a function may have (FSS.1049).
const maxMounts = fgsspec.MaxMounts

// mountIDOK tells whether id may be a mount user or group id (FSS.1075).
func mountIDOK(id int) bool { return fgsspec.CheckMountID(id) == nil }
