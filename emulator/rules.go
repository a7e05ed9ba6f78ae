package emulator

import (
	"regexp"
	"slices"
)

// The value rules of FunctionGraph, one small function each, with their
// sources in docs/api-notes.md. They are the same rules the manifest
// checks offline (a shared fgsspec package is to hold them; until then
// each rule is kept here in one place).

// runtimes is exactly the SDK's runtime enum: the 18 runtime enums of
// services/functiongraph/v2/model hold the same 26 values.
var runtimes = []string{
	"Java8", "Java11", "Java17",
	"Python2.7", "Python3.6", "Python3.9", "Python3.10",
	"Go1.8", "Go1.x",
	"Node.js6.10", "Node.js8.10", "Node.js10.16", "Node.js12.13", "Node.js14.18", "Node.js16.17", "Node.js18.15",
	"C#(.NET Core 2.0)", "C#(.NET Core 2.1)", "C#(.NET Core 3.1)", "C#(.NET Core 6.0)",
	"Custom", "PHP7.3", "PHP8.3", "Cangjie1.0", "http", "Custom Image",
}

func isRuntime(r string) bool { return slices.Contains(runtimes, r) }

// memorySizes are the SDK's memory_size values (create and update bodies).
var memorySizes = []int{128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096}

func isMemorySize(mb int) bool { return slices.Contains(memorySizes, mb) }

// isFunctionName: 2 to 60 letters, digits, _ and -, a letter first and a
// letter or digit last (Terraform; the API references say 1 to 60).
func isFunctionName(n string) bool { return functionNameRe.MatchString(n) }

var functionNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$`)

// isAliasName: 1 to 63 letters, digits, _ and -, a letter first and a
// letter or digit last.
func isAliasName(n string) bool { return aliasNameRe.MatchString(n) }

var aliasNameRe = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)

// multiConcurrent tells whether instances of runtime r take more than one
// request at a time, the only runtimes concurrent_num above 1 is for.
func multiConcurrent(r string) bool { return r == "http" || r == "Custom Image" }

// ephemeralStorageSizes are the values of ephemeral_storage, in MB.
var ephemeralStorageSizes = []int{512, 10240}

// ephemeralStorageOK tells whether a function of runtime r may have mb of
// ephemeral storage: 512 (the default) for all, 10240 only for http and
// Custom Image functions.
func ephemeralStorageOK(r string, mb int) bool {
	return mb == 512 || (slices.Contains(ephemeralStorageSizes, mb) && multiConcurrent(r))
}

// maxMounts is the most func_mounts a function may have (FSS.1049).
const maxMounts = 5

// mountIDOK tells whether id may be a mount user or group id: -1 to
// 65534, but not 0, 1000 or 1002 (FSS.1075).
func mountIDOK(id int) bool {
	return id >= -1 && id <= 65534 && id != 0 && id != 1000 && id != 1002
}
