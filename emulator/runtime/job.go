package runtime

import (
	"encoding/json"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// DefaultWarmProcesses is how many processes a function version may have
// at once when Options.WarmProcesses is 0.
const DefaultWarmProcesses = 4

// maxLog bounds the output kept of one invocation; FunctionGraph itself
// returns a 4 KB tail.
const maxLog = 1 << 20

// maxUnpacked bounds what a package may unpack to (FunctionGraph: 1.5 GB).
const maxUnpacked = 1536 << 20

// keepUnpacked is how many unpacked packages stay cached in a state
// directory for the next run.
const keepUnpacked = 8

// Job is one invocation for the runner: which function version it runs,
// with what, and with which event.
type Job struct {
	RequestID string
	Event     json.RawMessage
	Alias     string // "" when invoked without one
	Function  string
	Package   string
	Version   string // "latest" or a version name
	ProjectID string
	Spec      Spec
}

// key names the function version of j: its processes are pooled by it.
func (j Job) key() string { return j.Package + "/" + j.Function + "\x00" + j.Version }

// Spec is what a version's processes depend on: its code and the config
// that shapes how it runs. A change to any of it needs fresh processes.
type Spec struct {
	Runtime            string
	Handler            string
	MemorySize         int // MB
	Timeout            int // seconds
	UserData           string
	EncryptedUserData  string
	InitializerHandler string
	InitializerTimeout int
	Digest             string // the package, in the blob store
	CodeFilename       string
	// Dependencies are the function's dependency packages (its
	// depend_version_list), by digest in the blob store, in order: each
	// is unpacked over the code, its files taking precedence (unpack.go).
	Dependencies []string
}

// HandlerError is a failed invocation's result, as FunctionGraph's
// runtimes write it.
type HandlerError struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace"`
}

// Outcome is what running one invocation gave.
type Outcome struct {
	Result   string        // the handler's return value, encoded as the runtime does
	Failed   *HandlerError // the handler raised, or the process died
	TimedOut bool          // stopped at the function's timeout
	Log      []byte        // what the process wrote while it ran the invocation
	Duration time.Duration
	MemoryMB float64 // the process's peak resident memory, when known
	Rejected bool    // every process of the version stayed busy
	Infra    *httpapi.Error
}
