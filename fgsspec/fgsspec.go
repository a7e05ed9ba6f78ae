package fgsspec

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Runtimes are the runtime names FunctionGraph accepts, exactly the values
// of the SDK's CreateFunctionRequestBodyRuntime enum
// (model_create_function_request_body.go), in the SDK's order. The 18
// runtime enums of the SDK's FunctionGraph models (create, update config,
// show config, dependencies, versions...) hold the same 26 values.
//
// Newer Huawei pages (HW functiongraph_06_0111, 2026-04) also list Java21,
// which the SDK's enum does not have; the service refuses a runtime its
// enum lacks, so Java21 is not accepted here. Names are case-sensitive.
var Runtimes = []string{
	"Java8", "Java11", "Java17",
	"Python2.7", "Python3.6", "Python3.9", "Python3.10",
	"Go1.8", "Go1.x",
	"Node.js6.10", "Node.js8.10", "Node.js10.16", "Node.js12.13", "Node.js14.18", "Node.js16.17", "Node.js18.15",
	"C#(.NET Core 2.0)", "C#(.NET Core 2.1)", "C#(.NET Core 3.1)", "C#(.NET Core 6.0)",
	"Custom",
	"PHP7.3", "PHP8.3",
	"Cangjie1.0",
	"http",
	"Custom Image",
}

// IsRuntime reports whether r is one of Runtimes.
func IsRuntime(r string) bool { return slices.Contains(Runtimes, r) }

// Runtime families, for rules that depend on how a runtime loads code.
const (
	// HTTP is the runtime of HTTP functions (SDK enum value "http").
	HTTP = "http"
	// CustomImage is the runtime of functions whose code is a container
	// image (SDK enum value "Custom Image"; handler "-").
	CustomImage = "Custom Image"
	// Custom is the custom runtime (a bootstrap file in the package).
	Custom = "Custom"
)

// MemorySizes are the memory sizes FunctionGraph accepts, in MB: SDK
// CreateFunctionRequestBody and UpdateFunctionConfigRequestBody
// memory_size ("取值范围为：128、256、512、768、1024、1280、1536、1792、2048、
// 2560、3072、3584、4096"), the same list as HW functiongraph_06_0111.
var MemorySizes = []int{128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096}

// IsMemorySize reports whether mb is one of MemorySizes.
func IsMemorySize(mb int) bool { return slices.Contains(MemorySizes, mb) }

// Range is an inclusive range of whole numbers.
type Range struct{ Min, Max int }

// Contains reports whether v is within the range.
func (r Range) Contains(v int) bool { return v >= r.Min && v <= r.Max }

// String formats the range as "MIN to MAX".
func (r Range) String() string { return fmt.Sprintf("%d to %d", r.Min, r.Max) }

var (
	// Timeout is the execution timeout in seconds: SDK create and
	// update-config bodies, timeout ("范围3～259200秒"). Older regional
	// pages say 3 to 900 without an allow-list; the SDK's range is taken.
	Timeout = Range{3, 259200}
	// InitializerTimeout is initializer_timeout in seconds (SDK create
	// body, "范围1～300秒").
	InitializerTimeout = Range{1, 300}
	// PreStopTimeout is pre_stop_timeout in seconds (SDK create body,
	// "范围1～90秒").
	PreStopTimeout = Range{1, 90}
	// ConcurrentNum is strategy_config.concurrent_num, requests per
	// instance (SDK StrategyConfig "取值1到1000"; OTC
	// modifying_the_metadata_of_a_function.rst, "1 to 1,000").
	ConcurrentNum = Range{1, 1000}
	// MaxInstances is max_instance_num (SDK StrategyConfig concurrency:
	// "v2取值-1到1000", -1 unlimited, 0 disabled).
	MaxInstances = Range{-1, 1000}
)

// EphemeralStorageSizes are the values ephemeral_storage (MB of /tmp)
// takes: OTC creating_a_function.rst enumerates 512 and 10240, and TF
// fgs_function.md lists the same two values. Huawei's storage page says
// "a maximum of 10 GB" without listing values; the enumeration is the
// harsher reading and is taken.
var EphemeralStorageSizes = []int{512, 10240}

// IsEphemeralStorageSize reports whether mb is one of EphemeralStorageSizes.
func IsEphemeralStorageSize(mb int) bool { return slices.Contains(EphemeralStorageSizes, mb) }

// EphemeralStorageRuntimes are the runtimes ephemeral_storage may be set
// for: TF fgs_function.md, "Only custom image or http runtime supported".
// The API references only say whether a function allows it
// (allow_ephemeral_storage); TF's rule is the harsher reading.
var EphemeralStorageRuntimes = []string{HTTP, CustomImage}

// AllowsEphemeralStorage reports whether ephemeral_storage may be set for
// a function of runtime r.
func AllowsEphemeralStorage(r string) bool { return slices.Contains(EphemeralStorageRuntimes, r) }

// ConcurrentNumRuntimes are the runtimes whose instances take more than
// one request at a time, the only ones concurrent_num may be set for: TF
// fgs_function.md concurrency_num, "available only when the runtime
// parameter is set to http or Custom Image".
var ConcurrentNumRuntimes = []string{HTTP, CustomImage}

// AllowsConcurrentNum reports whether concurrent_num may be set for a
// function of runtime r.
func AllowsConcurrentNum(r string) bool { return slices.Contains(ConcurrentNumRuntimes, r) }

// MaxMounts is the number of func_mounts a function may have. The rule
// comes from the FunctionGraph rules gathered for fgsdeploy (issue 12,
// rule 11); the SDK, TF and OTC pages read do not state a number.
const MaxMounts = 5

// MountTypes are the values of func_mounts[].mount_type: SDK FuncMount
// ("挂载类型(sfs/sfsTurbo/ecs)"), OTC creating_a_function.rst, TF.
var MountTypes = []string{"sfs", "sfsTurbo", "ecs"}

// IsMountType reports whether t is one of MountTypes.
func IsMountType(t string) bool { return slices.Contains(MountTypes, t) }

// MountSharePathRequired reports whether a mount of type t needs
// mount_share_path: SDK FuncMount ("如果mount_type为ecs，必选"), OTC.
func MountSharePathRequired(t string) bool { return t == "ecs" }

// MountIDs is the range of mount_user.user_id and user_group_id (SDK
// MountUser, "-1~65534的非0整数"); ReservedMountIDs are excluded from it.
var MountIDs = Range{-1, 65534}

// ReservedMountIDs are the user and group ids a mount may not use: 0 (SDK
// MountUser "非0"; TF "except 0"), and 1000 and 1002 (OTC
// before_you_start/function_model_definition/function_model.rst,
// "excluding 0, 1000, and 1002"). -1 means the service's default, which
// it turns into 1003.
var ReservedMountIDs = []int{0, 1000, 1002}

// CheckMountID returns why id cannot be a mount user or group id, or nil.
func CheckMountID(id int) error {
	if slices.Contains(ReservedMountIDs, id) {
		return fmt.Errorf("%d is reserved (not %s; -1 is the default)", id, joinInts(ReservedMountIDs))
	}
	if !MountIDs.Contains(id) {
		return fmt.Errorf("%d is out of range (%s, not %s)", id, MountIDs, joinInts(ReservedMountIDs))
	}
	return nil
}

// FunctionNameLength is the length of func_name. TF fgs_function.md says
// 2 to 60 characters; OTC creating_a_function.rst and HW
// functiongraph_06_0111 say 1 to 60. The harsher 2 is taken.
var FunctionNameLength = Range{2, 60}

// CheckFunctionName returns why name cannot be a func_name, or nil:
// letters, digits, _ and -, starting with a letter and ending with a
// letter or digit (OTC, HW functiongraph_06_0111, TF), FunctionNameLength
// characters.
func CheckFunctionName(name string) error {
	return checkName(name, FunctionNameLength, "_-")
}

// AliasNameLength is the length of an alias name. HW's user guide
// (functiongraph_01_1829, Aliases) and TF say at most 63; OTC
// creating_an_alias_for_a_function_version.rst says 64. The harsher 63 is
// taken.
var AliasNameLength = Range{1, 63}

// CheckAliasName returns why name cannot be an alias name, or nil:
// letters, digits, _ and -, starting with a letter and ending with a
// letter or digit (HW functiongraph_01_1829, OTC, TF), AliasNameLength
// characters.
func CheckAliasName(name string) error {
	return checkName(name, AliasNameLength, "_-")
}

// VersionNameLength is the length of a version name (HW user guide
// functiongraph_01_0180, Versions: "a maximum of 42 characters"; TF 1 to
// 42).
var VersionNameLength = Range{1, 42}

// CheckVersionName returns why name cannot be a version name, or nil:
// letters, digits, _, - and ., starting and ending with a letter or digit
// (HW functiongraph_01_0180, TF). "latest" is a valid name but is the
// unpublished version, which callers that publish must refuse themselves.
func CheckVersionName(name string) error {
	if err := checkLength(name, VersionNameLength); err != nil {
		return err
	}
	if !isAlnum(name[0]) {
		return errors.New("it must start with a letter or digit")
	}
	if err := checkChars(name, "_-."); err != nil {
		return err
	}
	if !isAlnum(name[len(name)-1]) {
		return errors.New("it must end with a letter or digit")
	}
	return nil
}

// HandlerMaxLength is the longest handler, initializer_handler or
// pre_stop_handler (HW functiongraph_06_0111: "Maximum length: 128").
const HandlerMaxLength = 128

// DescriptionMaxLength is the longest function, version or alias
// description, in characters (OTC error FSS.1019; dependency pages "a
// maximum of 512 characters").
const DescriptionMaxLength = 512

// MaxAliases is the number of aliases a function may have (HW and OTC
// Notes and Constraints, functiongraph_01_0150: 10).
const MaxAliases = 10

// User data limits (user_data and encrypted_user_data each): SDK create
// body, "最多定义20个，总长度不超过4KB"; OTC Notes and Constraints, "4,096
// characters".
const (
	MaxUserDataKeys  = 20
	MaxUserDataBytes = 4096
)

// checkName applies the shape of function and alias names: ASCII letters,
// digits and the extra characters, a letter first, a letter or digit
// last, a length within r.
func checkName(name string, r Range, extra string) error {
	if err := checkLength(name, r); err != nil {
		return err
	}
	if !isLetter(name[0]) {
		return errors.New("it must start with a letter")
	}
	if err := checkChars(name, extra); err != nil {
		return err
	}
	if !isAlnum(name[len(name)-1]) {
		return errors.New("it must end with a letter or digit")
	}
	return nil
}

func checkLength(name string, r Range) error {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return errors.New("it is empty")
	case n == 1 && r.Min > 1:
		return fmt.Errorf("it is 1 character long; %s allowed", r)
	case n < r.Min || n > r.Max:
		return fmt.Errorf("it is %d characters long; %s allowed", n, r)
	}
	return nil
}

func checkChars(name, extra string) error {
	for _, c := range name {
		if c < utf8.RuneSelf && (isAlnum(byte(c)) || strings.ContainsRune(extra, c)) {
			continue
		}
		allowed := "letters and digits"
		if extra != "" {
			quoted := make([]string, 0, len(extra))
			for _, x := range extra {
				quoted = append(quoted, string(x))
			}
			allowed = "letters, digits, " + strings.Join(quoted, ", ")
		}
		return fmt.Errorf("%q is not allowed (only %s)", c, allowed)
	}
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isAlnum(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' }

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// BootstrapFile is the file at the root of the package that starts an
// http or Custom function: HW user guide functiongraph_01_0406 (Custom
// Runtime: "If the bootstrap file is not found or not executable, your
// function will return an error when invoked") and functiongraph_02_1005
// (Concepts: "The HTTP function can only read bootstrap as the startup
// file name").
const BootstrapFile = "bootstrap"

// HandlerFiles returns the files, relative to the package root, of which
// one must be in the package for a function of runtime to find handler,
// and whether their absence is certain to fail:
//
//   - Python: FILE.FUNCTION loads FILE.py, where FILE may hold folders
//     (src/app.main: src/app.py) or dots for a package (pkg.mod.main:
//     pkg/mod.py); required.
//   - Node.js: FILE.FUNCTION loads FILE.js, FILE.mjs or FILE.cjs (SDK
//     create body: "myfunction.handler ... myfunction.js"); required.
//   - PHP: FILE.FUNCTION loads FILE.php; required.
//   - http and Custom: the package starts from BootstrapFile; reported
//     as not required, because the function only fails when invoked.
//   - Java, Go, C#, Cangjie and Custom Image load handlers from classes,
//     binaries or images: nil, nothing to check.
func HandlerFiles(runtime, handler string) (files []string, required bool) {
	module, _, ok := cutLast(handler, ".")
	switch {
	case runtime == HTTP || runtime == Custom:
		return []string{BootstrapFile}, false
	case !ok || module == "":
		return nil, false
	case strings.HasPrefix(runtime, "Python"):
		files = []string{module + ".py"}
		if strings.Contains(module, ".") {
			files = append(files, strings.ReplaceAll(module, ".", "/")+".py")
		}
		return files, true
	case strings.HasPrefix(runtime, "Node.js"):
		return []string{module + ".js", module + ".mjs", module + ".cjs"}, true
	case strings.HasPrefix(runtime, "PHP"):
		return []string{module + ".php"}, true
	}
	return nil, false
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
