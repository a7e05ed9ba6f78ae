package plan

import "github.com/fgsdeploy/fgsdeploy/apiclient"

// The requests that make a function as declared: create it, or update its
// code, its config and its maximum instances. Bodies hold secret values
// (encrypted_user_data) and are never serialised.

// CodeFile is a code package a request uploads: the file, its SHA-512 and
// its size. A temporary file belongs to the Plan that uploads it, which
// removes it on Close.
type CodeFile struct {
	Path   string
	Digest string
	Size   int64
}

// CreateFunction creates the function (POST .../functions) with Body, which
// takes everything FunctionGraph's create takes. Code is the package Body
// uploads (Body.CodeFile is Code.Path), nil for obs code; the created
// function must report Code.Digest.
type CreateFunction struct {
	Body *apiclient.CreateRequest
	Code *CodeFile
}

// Type implements Request.
func (*CreateFunction) Type() StepType { return StepCreate }

// UpdateCode replaces the function's code (PUT .../code). Code is the
// package Body uploads, nil for obs code; the function must report
// Code.Digest afterwards.
type UpdateCode struct {
	Body *apiclient.UpdateCodeRequest
	Code *CodeFile
}

// Type implements Request.
func (*UpdateCode) Type() StepType { return StepCode }

// UpdateConfig replaces the function's config (PUT .../config), a full
// replace: Body carries back what fgsdeploy does not manage.
type UpdateConfig struct {
	Body *apiclient.UpdateConfigRequest
}

// Type implements Request.
func (*UpdateConfig) Type() StepType { return StepConfig }

// SetMaxInstances sets the function's maximum instances (PUT
// .../config-max-instance): -1 unlimited, 0 disabled.
type SetMaxInstances struct {
	N int
}

// Type implements Request.
func (*SetMaxInstances) Type() StepType { return StepMaxInstances }
