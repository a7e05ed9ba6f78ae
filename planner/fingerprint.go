package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// configFingerprint hashes the normalised live config, so a saved plan can
// tell whether the function's config moved since planning.
func configFingerprint(live *apiclient.Function) string {
	c := liveConfig(live)
	c.EncryptedUserData = "" // a secret: never hashed into a plan file
	b, _ := json.Marshal(struct {
		C   *apiclient.UpdateConfigRequest
		Max string
		Dep []string
	}{c, live.MaxInstanceNum, sortedCopy(live.DependVersionList)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// desiredFingerprint hashes every request apply would send, without secret
// values (they are covered by their fingerprint in user_data) or file
// paths, and the package's digest (and the uploaded one's, when a release
// marker makes it another), so that a saved plan is refused when what
// apply would send changed.
//
// The requests are laid out as saved plans of format 1 have always hashed
// them, so plans saved by an earlier fgsdeploy still apply. A request type
// without a field here is hashed under Other, by step type and as it
// marshals: one that holds a secret or a temporary file's path gets a case
// that leaves them out, as create and config do.
func desiredFingerprint(steps []plan.Step, digest string) string {
	type aliasOp struct {
		Create bool
		Alias  apiclient.Alias
	}
	type other struct {
		Type    string
		Request plan.Request
	}
	var v struct {
		Create   *apiclient.CreateRequest
		Code     *apiclient.UpdateCodeRequest
		Config   *apiclient.UpdateConfigRequest
		Max      *int
		Digest   string
		Publish  *apiclient.PublishRequest
		Aliases  []aliasOp
		MakeRoom []string `json:",omitempty"`
		Prune    []string
		Other    []other `json:",omitempty"`
		// Marked is the digest of the package the code step uploads when
		// it is not the package's (a release marker was added).
		Marked string `json:",omitempty"`
	}
	v.Digest = digest
	// Versions deleted before a publish make room for it; all others are
	// pruned.
	publishing := slices.ContainsFunc(steps, func(s plan.Step) bool { return s.Type() == plan.StepPublish })
	for _, s := range steps {
		switch r := s.Request.(type) {
		case *plan.CreateFunction:
			c := *r.Body
			c.EncryptedUserData, c.CodeFile = "", ""
			v.Create = &c
		case *plan.UpdateCode:
			c := *r.Body
			c.CodeFile = ""
			v.Code = &c
			if r.Code != nil && r.Code.Digest != digest {
				v.Marked = r.Code.Digest
			}
		case *plan.UpdateConfig:
			c := *r.Body
			c.EncryptedUserData = ""
			v.Config = &c
		case *plan.SetMaxInstances:
			n := r.N
			v.Max = &n
		case *plan.PublishVersion:
			v.Publish, publishing = r.Body, false
		case *plan.WriteAlias:
			v.Aliases = append(v.Aliases, aliasOp{r.Create, r.Alias})
		case *plan.DeleteVersion:
			if publishing {
				v.MakeRoom = append(v.MakeRoom, r.Version)
			} else {
				v.Prune = append(v.Prune, r.Version)
			}
		case *plan.CreateTrigger:
			// event_data without its secrets: they are covered by their
			// fingerprint in user_data (triggers.go).
			c := *r
			body := *r.Body
			body.EventData, _ = json.Marshal(withoutSecrets(body.TypeCode, decodeEventData(body.EventData)))
			c.Body = &body
			v.Other = append(v.Other, other{s.Type().String(), &c})
		default:
			v.Other = append(v.Other, other{s.Type().String(), r})
		}
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
