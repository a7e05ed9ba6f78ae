package planner

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// codeSource is how a function's code goes in its create or code update:
// the package in the request (zip, jar), or an object FunctionGraph reads
// from OBS (obs: code.obs_url, or code.obs with the upload that puts the
// package there first).
type codeSource struct {
	codeType, url, filename, file string
	upload                        *plan.UploadObject
}

// sourceOf is the code source of f with package code.
func (p *packager) sourceOf(f *manifest.Function, code *plan.CodeFile) codeSource {
	switch {
	case f.Code.ObsURL != "":
		return codeSource{codeType: "obs", url: f.Code.ObsURL}
	case f.Code.OBS != nil:
		l := p.objectOf(f, code)
		return codeSource{codeType: "obs", url: l.URL(), upload: &plan.UploadObject{Object: l, Code: code, Digest: code.Digest, Size: code.Size}}
	case strings.EqualFold(filepath.Ext(f.Code.Path), ".jar"):
		return codeSource{codeType: "jar", filename: filepath.Base(f.Code.Path), file: code.Path}
	case f.Code.IsArchive:
		return codeSource{codeType: "zip", filename: filepath.Base(f.Code.Path), file: code.Path}
	}
	return codeSource{codeType: "zip", filename: f.FuncName + ".zip", file: code.Path}
}

// uploadStep is the step that puts the package in OBS.
func (src codeSource) uploadStep() plan.Step {
	u := src.upload
	return plan.Step{Request: u, Changes: []plan.Change{{Action: plan.Create, Field: "code.object", After: u.Object.String()}}}
}

// planCode adds the code update of an existing function, before its
// other updates, when its code or its declared dependencies differ: code
// is the package to upload (the function's package, or that package with
// a release marker, whose reason marker gives), compared by digest
// whatever its origin (docs/api-notes.md rule 9); dependencies as a set.
// A package through OBS is uploaded first. The body sends back the
// dependencies it does not manage and the code's KMS key.
func planCode(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, code *plan.CodeFile, src codeSource, marker string) {
	var ch []plan.Change
	if live.Digest != code.Digest {
		ch = append(ch, plan.Change{Action: plan.Update, Field: "code.digest", Before: live.Digest, After: code.Digest})
		// The size before and after, so that a package emptied or
		// bloated by an ignore rule shows before it is uploaded.
		ch = append(ch, plan.Change{Action: plan.Update, Field: "code.size", Before: live.CodeSize, After: code.Size})
		if f.Code.ObsURL != "" && live.CodeURL != f.Code.ObsURL {
			ch = append(ch, plan.Change{Action: plan.Update, Field: "code.obs_url", Before: live.CodeURL, After: f.Code.ObsURL})
		}
		if marker != "" {
			ch = append(ch, plan.Change{Action: plan.Create, Field: "code.release_marker", After: marker})
		}
	}
	deps := sortedCopy(live.DependVersionList)
	if f.Dependencies != nil {
		// Declared, even empty: the list is sent, so that [] removes the
		// last dependency where a service keeps the list when the field
		// is absent.
		want := append([]string{}, sortedCopy(f.Dependencies)...)
		if strings.Join(want, "\n") != strings.Join(deps, "\n") {
			ch = append(ch, plan.Change{Action: plan.Update, Field: "dependencies", Before: deps, After: want})
		}
		deps = want
	}
	if len(ch) == 0 {
		return
	}
	req := &apiclient.UpdateCodeRequest{CodeType: src.codeType, CodeURL: src.url, CodeFilename: src.filename, CodeFile: src.file,
		DependVersionList: deps, CodeEncryptKmsKeyID: live.CodeEncryptKmsKeyID} // not managed: kept
	var steps []plan.Step
	if src.upload != nil {
		steps = append(steps, src.uploadStep())
	}
	steps = append(steps, plan.Step{Request: &plan.UpdateCode{Body: req, Code: code}, Changes: ch})
	at := slices.IndexFunc(fp.Steps, func(s plan.Step) bool { return s.Type() > plan.StepCode })
	if at < 0 {
		at = len(fp.Steps)
	}
	fp.Steps = slices.Insert(fp.Steps, at, steps...)
}

// codeDiffers reports whether f's code differs from the live function's:
// by digest, for a package and for obs_url code alike.
func codeDiffers(f *manifest.Function, live *apiclient.Function, code *plan.CodeFile) bool {
	return live.Digest != digest(code)
}
