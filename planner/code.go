package planner

import (
	"path/filepath"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// planCode adds the code update of an existing function when its code or
// its declared dependencies differ: a package by its digest, obs code by
// its URL, dependencies as a set. The body sends back the dependencies it
// does not manage and the code's KMS key.
func planCode(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, code *plan.CodeFile) {
	var ch []plan.Change
	switch {
	case f.Code.ObsURL != "":
		if codeDiffers(f, live, code) {
			ch = append(ch, plan.Change{Action: plan.Update, Field: "code.obs_url", Before: live.CodeURL, After: f.Code.ObsURL})
		}
	case codeDiffers(f, live, code):
		ch = append(ch, plan.Change{Action: plan.Update, Field: "code.digest", Before: live.Digest, After: digest(code)})
		// The size before and after, so that a package emptied or
		// bloated by an ignore rule shows before it is uploaded.
		ch = append(ch, plan.Change{Action: plan.Update, Field: "code.size", Before: live.CodeSize, After: code.Size})
	}
	deps := sortedCopy(live.DependVersionList)
	if f.Dependencies != nil {
		want := sortedCopy(f.Dependencies)
		if strings.Join(want, "\n") != strings.Join(deps, "\n") {
			ch = append(ch, plan.Change{Action: plan.Update, Field: "dependencies", Before: deps, After: want})
		}
		deps = want
	}
	if len(ch) == 0 {
		return
	}
	req := &apiclient.UpdateCodeRequest{CodeType: codeType(f), CodeURL: f.Code.ObsURL, CodeFilename: codeFilename(f), DependVersionList: deps,
		CodeEncryptKmsKeyID: live.CodeEncryptKmsKeyID} // not managed: kept
	if code != nil {
		req.CodeFile = code.Path
	}
	fp.Steps = append(fp.Steps, plan.Step{Request: &plan.UpdateCode{Body: req, Code: code}, Changes: ch})
}

// codeDiffers reports whether f's code differs from the live function's:
// obs code by URL, a package by digest.
func codeDiffers(f *manifest.Function, live *apiclient.Function, code *plan.CodeFile) bool {
	if f.Code.ObsURL != "" {
		return live.CodeType != "obs" || live.CodeURL != f.Code.ObsURL
	}
	return live.Digest != digest(code)
}

func codeType(f *manifest.Function) string {
	switch {
	case f.Code.ObsURL != "":
		return "obs"
	case strings.EqualFold(filepath.Ext(f.Code.Path), ".jar"):
		return "jar"
	}
	return "zip"
}

func codeFilename(f *manifest.Function) string {
	if f.Code.ObsURL != "" {
		return ""
	}
	if f.Code.IsArchive {
		return filepath.Base(f.Code.Path)
	}
	return f.Name + ".zip"
}
