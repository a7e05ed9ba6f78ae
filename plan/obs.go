package plan

import "github.com/fgsdeploy/fgsdeploy/apiclient"

// UploadObject uploads a package to OBS (code.obs) before the create or
// code update that names the object (code_type obs). The object's key
// holds the package's digest, so apply sends nothing when it is already
// there, and a run an interrupt cut short resumes. Code's path is a
// temporary file of the plan: it is left out of the fingerprint saved
// plans compare (json "-"), the object and the digest are not.
type UploadObject struct {
	Object apiclient.Location
	Code   *CodeFile `json:"-"`
	Digest string
	Size   int64
}

// Type implements Request.
func (*UploadObject) Type() StepType { return StepUpload }
