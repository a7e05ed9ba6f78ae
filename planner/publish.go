package planner

import (
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// publishDecision is what a plan does about a version of one function,
// and what latest's code becomes for it.
type publishDecision struct {
	// publish is true when this apply publishes a version.
	publish bool
	// version is what $published means for this function: the version
	// being published (PendingVersion when FunctionGraph names it), an
	// existing version of this very release (publish.version already
	// published with the same content, as after an interrupted apply), or
	// "" when this apply publishes nothing, and $published aliases stay.
	version string
	// notes say why nothing is published, or how.
	notes []string
	// code is what the code step uploads, nil for none (latest keeps its
	// code, unless the dependencies change: then the package is uploaded
	// with them). marker says why code carries a release marker ("" when
	// it does not).
	code   *plan.CodeFile
	marker string
}

// decidePublish decides, per function, whether this apply publishes, and
// what latest's code becomes.
//
// A version is published when latest, as the plan leaves it, differs from
// the newest version in anything a version holds: the code (the package,
// whether or not a release marker was added to it), the config (without
// mount_config, the triggers' fingerprint and max instances) or the
// dependencies (docs/api-notes.md rule 3). Under one reading FunctionGraph
// refuses a publish unless the code changed (FSS.1016; rule 2), so when
// only what else a version holds changed, latest gets the package with a
// release marker (marker.go) and the publish is accepted under every
// reading. publish.config_changes: latest asks for the other behaviour: a
// change of config or dependencies alone goes to latest only, and only a
// change of code publishes.
//
// A publish.version that exists is this release when it holds the same:
// it is not published again and its aliases go to it. One that holds
// other config or dependencies (the same commit released again with
// another config) names this release with a suffix of the config's hash
// (releaseName); one that holds other code is an error of the function.
func decidePublish(f *manifest.Function, st *versionState, in *releaseInputs) (publishDecision, error) {
	p := f.Publish
	if in.live == nil { // a create: the package as it is
		if p == nil {
			return publishDecision{}, nil
		}
		return publishDecision{publish: true, version: pendingName(p.Version)}, nil
	}
	var v0 *apiclient.Version // the newest version
	if len(st.versions) > 0 {
		v0 = &st.versions[0]
	}
	if p == nil {
		return in.chooseCode(publishDecision{}, v0, "", "")
	}
	name, note := p.Version, ""
	if name != "" {
		if v := st.find(name); v != nil {
			dec, taken, err := in.existing(f, st, v, v0)
			if err != nil || !taken {
				return dec, err
			}
			name, note = dec.version, dec.notes[0]
		}
	}
	optOut := p.ConfigChanges == manifest.ConfigChangesLatest
	sameCode, what, err := in.since(v0)
	if err != nil {
		return publishDecision{}, err
	}
	if v0 != nil && sameCode && (what == "" || optOut) {
		dec := publishDecision{}
		switch {
		case what != "" && in.latestChanges:
			dec.notes = []string{fmt.Sprintf("nothing to publish: publish.config_changes is latest, so this change of %s goes to latest only; aliases declared $published stay where they are", what)}
		case in.latestChanges:
			dec.notes = []string{"nothing to publish: what this plan changes is not part of a version (mounts, max instances and triggers stay with the function)"}
		default:
			dec.notes = []string{"unchanged, nothing to publish"}
		}
		return in.chooseCode(dec, v0, "", "")
	}
	dec := publishDecision{publish: true, version: pendingName(name)}
	if note != "" {
		dec.notes = append(dec.notes, note)
	}
	forbid, why := "", ""
	if v0 != nil {
		forbid, why = v0.Digest, what+" changed since "+v0.Version
	}
	if dec, err = in.chooseCode(dec, v0, forbid, why); err != nil {
		return dec, err
	}
	if dec.marker != "" {
		dec.notes = append(dec.notes, fmt.Sprintf("release marker: %s, not the code; FunctionGraph may refuse a publish without a code change (FSS.1016), so the package gets a release marker (%s, with a hash of the config) and the publish goes through under every reading", dec.marker, markerName))
	}
	return dec, nil
}

// existing decides about a publish.version name that exists as version v.
// taken is true when this release needs another name: dec.version is it,
// dec.notes[0] says why.
func (in *releaseInputs) existing(f *manifest.Function, st *versionState, v, v0 *apiclient.Version) (dec publishDecision, taken bool, err error) {
	sameCode, what, err := in.since(v)
	switch {
	case err != nil:
		return dec, false, err
	case !sameCode:
		return dec, false, f.Errorf("publish.version", "version %s already exists with other code: give this release another version name", v.Version)
	case what == "":
		dec = publishDecision{version: v.Version, notes: []string{v.Version + " is already published, nothing to publish"}}
		dec, err = in.chooseCode(dec, v0, "", "")
		return dec, false, err
	}
	name := releaseName(v.Version, in.after.key())
	why := fmt.Sprintf("%s already exists with other %s, so this release is %s (the hash of what it holds)", v.Version, what, name)
	if w := st.find(name); w != nil {
		sameCode, again, err := in.since(w)
		switch {
		case err != nil:
			return dec, false, err
		case !sameCode || again != "":
			return dec, false, f.Errorf("publish.version", "versions %s and %s already exist with other code or config: give this release another version name", v.Version, name)
		}
		dec = publishDecision{version: name, notes: []string{why + ", already published: nothing to publish"}}
		dec, err = in.chooseCode(dec, v0, "", "")
		return dec, false, err
	}
	return publishDecision{version: name, notes: []string{why}}, true, nil
}

// releaseName is the name of a release whose publish.version name is taken
// by the same code with another config: the name and the first 7
// characters of the held state's hash, within the 42 characters a
// version name may have.
func releaseName(name, key string) string {
	const suffix = 1 + 7
	if len(name) > 42-suffix {
		name = name[:42-suffix]
		for name != "" && !isAlnum(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
	}
	return name + "-" + key[:7]
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func pendingName(name string) string {
	if name == "" {
		return plan.PendingVersion
	}
	return name
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
	name := version
	if name == plan.PendingVersion {
		name = ""
	}
	return plan.Step{Request: &plan.PublishVersion{Body: &apiclient.PublishRequest{Version: name, Description: p.Description}, Digest: pin}, Changes: ch}
}

// versionHeld is the part of a config that a published version holds and
// a release compares: no mount_config ("no triggers, mounting disks, or
// reserved instances are configured in a new version by default",
// FunctionGraph user guide), no triggers' fingerprint (fgsdeploy's record
// of latest's triggers), and no maximum of instances (set on the function
// through an API of its own, not released).
func versionHeld(c *apiclient.UpdateConfigRequest) *apiclient.UpdateConfigRequest {
	x := *c
	x.MountConfig = nil
	if env := parseEnv(x.UserData); env[TriggersFingerprintKey] != "" {
		delete(env, TriggersFingerprintKey)
		x.UserData = canonicalEnv(env)
	}
	if x.StrategyConfig != nil {
		s := *x.StrategyConfig
		s.Concurrency = nil
		x.StrategyConfig = &s
	}
	return &x
}
