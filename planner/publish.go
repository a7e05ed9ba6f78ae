package planner

import (
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// publishDecision is what a plan does about a version of one function.
type publishDecision struct {
	// publish is true when this apply publishes a version.
	publish bool
	// version is what $published means for this function: the version
	// being published (PendingVersion when FunctionGraph names it), an
	// existing version of this very release (publish.version already
	// published with the same content, as after an interrupted apply), or
	// "" when this apply publishes nothing, and $published aliases stay.
	version string
	// note tells the user why nothing is published ("" when something is).
	note string
}

// decidePublish decides, per function, whether this apply publishes.
//
// FunctionGraph refuses a publish when "the function code has not been
// changed since last publication" (FSS.1016), and the Terraform provider
// documents that func_code, code_url or code_filename must change before
// each version. Whether a change of config alone allows a publish is left
// open by the documentation, so the plan publishes only when the code
// differs from the newest version's: under the strict reading that is the
// only publish that succeeds, and under the lenient one it keeps the
// outcome the same. A change of config alone goes to latest and the plan
// says that no version is published, rather than change the config and
// then meet a refused publish with the aliases left behind.
func decidePublish(f *manifest.Function, st *versionState, in releaseInputs) (publishDecision, error) {
	p := f.Publish
	if p == nil {
		return publishDecision{}, nil
	}
	if p.Version != "" {
		if v := st.find(p.Version); v != nil {
			diff, err := versionDiffers(v, in)
			if err != nil {
				return publishDecision{}, err
			}
			if diff != "" {
				return publishDecision{}, f.Errorf("publish.version", "version %s already exists with other %s: give this release another version name", p.Version, diff)
			}
			return publishDecision{version: p.Version, note: p.Version + " is already published, nothing to publish"}, nil
		}
	}
	if len(st.versions) > 0 && st.versions[0].Digest == in.digest {
		newest := &st.versions[0]
		diff, err := versionDiffers(newest, in)
		if err != nil {
			return publishDecision{}, err
		}
		if in.dependenciesChange {
			diff = joinWords(diff, "dependencies")
		}
		if diff == "" && !in.latestChanges {
			return publishDecision{note: "unchanged, nothing to publish"}, nil
		}
		if diff != "" {
			diff = ", only the " + diff
		}
		return publishDecision{note: fmt.Sprintf("nothing to publish: the code has not changed since %s%s; FunctionGraph publishes a version only after a code change (FSS.1016), so aliases declared $published stay where they are", newest.Version, diff)}, nil
	}
	name := p.Version
	if name == "" {
		name = plan.PendingVersion
	}
	return publishDecision{publish: true, version: name}, nil
}

// publishStep publishes the version the plan calls version (the name
// asked for, or plan.PendingVersion), pinned to the package digest pin.
// The publish body's digest field is documented only as an "md5 key"
// (SDK), so the SHA-512 is not sent there; apply checks the digest of
// latest right before publishing instead.
func publishStep(p *manifest.Publish, version, pin string) plan.Step {
	ch := []plan.Change{{Action: plan.Create, Field: "version", After: version}}
	if p.Description != "" {
		ch = append(ch, plan.Change{Action: plan.Create, Field: "version.description", After: p.Description})
	}
	return plan.Step{Request: &plan.PublishVersion{Body: &apiclient.PublishRequest{Version: p.Version, Description: p.Description}, Digest: pin}, Changes: ch}
}

// versionDiffers compares latest, as it will be after the plan, with a
// published version, on what a version holds: the code and the config,
// without mount_config ("no triggers, mounting disks, or reserved
// instances are configured in a new version by default", FunctionGraph
// user guide). It returns what differs ("code", "config", "code and
// config") or "".
func versionDiffers(v *apiclient.Version, in releaseInputs) (string, error) {
	diff := ""
	if v.Digest != in.digest {
		diff = "code"
	}
	cfg, err := in.versionConfig(v.Version)
	if err != nil {
		return "", err
	}
	if !sameConfig(versionHeld(liveConfig(cfg)), versionHeld(in.config)) {
		diff = joinWords(diff, "config")
	}
	return diff, nil
}

// versionHeld is the part of a config that a published version holds.
func versionHeld(c *apiclient.UpdateConfigRequest) *apiclient.UpdateConfigRequest {
	x := *c
	x.MountConfig = nil
	// The triggers' fingerprint is fgsdeploy's record of latest's
	// triggers, not something a release changes.
	if env := parseEnv(x.UserData); env[TriggersFingerprintKey] != "" {
		delete(env, TriggersFingerprintKey)
		x.UserData = canonicalEnv(env)
	}
	return &x
}

func joinWords(a, b string) string {
	if a == "" {
		return b
	}
	return a + " and " + b
}
