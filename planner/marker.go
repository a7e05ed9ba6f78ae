package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// What a version holds beside its code, and the release marker that lets
// a change of it alone be published.
//
// FunctionGraph may refuse to publish a version whose code has not
// changed since the newest one, whatever else changed (FSS.1016; the
// strict reading of docs/api-notes.md rule 2). When what a version holds
// changed and the code did not, the package gets a release marker:
// codezip.ReleaseFile at its root, holding a hash of the config a version
// holds (markerContent), so its digest changes exactly when that config
// does, and the publish is accepted under every reading. A plan recognises the
// marked package as the function's code: the package itself, or the
// package with the marker of the config latest has or will have (or of
// the newest version, when latest holds that version's package).

// held is what a published version holds of a function besides its
// code: the config as versionHeld keeps it, and the dependencies.
type held struct {
	config *apiclient.UpdateConfigRequest
	deps   []string
}

func heldOf(c *apiclient.UpdateConfigRequest, deps []string) held {
	return held{config: versionHeld(c), deps: sortedCopy(deps)}
}

// key is the hash of a held state: what sameConfig compares (no secret
// value: encrypted_environment counts through its salted fingerprint in
// user_data), and the dependency list.
func (h held) key() string {
	return hashJSON(struct {
		C    apiclient.UpdateConfigRequest
		Deps []string
	}{h.comparable(), h.deps})
}

// configKey is the hash of the config alone: what the release marker
// holds. Not the dependencies: a dependency this apply publishes has no
// id yet (plan.PendingDependency), so a marker of them would not be the
// one a plan after the apply computes. A change of dependencies alone
// needs none: the package goes with the marker when the newest version
// has it without, and without it when the newest version has it.
func (h held) configKey() string { return hashJSON(h.comparable()) }

// comparable is the config as sameConfig compares it.
func (h held) comparable() apiclient.UpdateConfigRequest {
	c := *h.config
	c.EncryptedUserData, c.Unmanaged = "", nil
	return c
}

func hashJSON(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// differs names what differs between two held states for people
// ("memory_size, environment", "dependencies"), "" when nothing does.
func (h held) differs(newer held) string {
	var fields []string
	if !sameConfig(h.config, newer.config) {
		secrets := parseEnv(h.config.UserData)[FingerprintKey] != parseEnv(newer.config.UserData)[FingerprintKey]
		for _, c := range configChanges(h.config, newer.config, secrets) {
			name, _, _ := strings.Cut(c.Field, ".")
			if !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
		if len(fields) == 0 {
			fields = append(fields, "config")
		}
	}
	if !slices.Equal(h.deps, newer.deps) {
		fields = append(fields, "dependencies")
	}
	return strings.Join(fields, ", ")
}

// ReleaseMarker is the release marker a plan gives the package of the
// live function f when the package must tell a release apart (the
// content of codezip.ReleaseFile): init compares it with the marker a
// downloaded package holds.
func ReleaseMarker(f *apiclient.Function) []byte {
	return markerContent(heldOf(liveConfig(f), f.DependVersionList))
}

// markerContent is the release marker of a held state (of its config):
// always the same length, so that every marked package of one package has
// one size.
func markerContent(h held) []byte {
	return []byte("fgsdeploy release marker: the code of the previous version, another config (sha256:" + h.configKey() + ")\n")
}

// markerName is the release marker's file name, as plans name it.
const markerName = codezip.ReleaseFile

// marker builds and recognises the marked packages of one function's
// package. With no package to mark (obs_url code), it marks nothing.
type marker struct {
	pk   *packager
	code *plan.CodeFile
	// size is the size every marked package of code has (0 until one was
	// computed: the marker's content has one length).
	size    int64
	digests map[string]string // by held key
}

// can reports whether the package can carry a release marker: one
// fgsdeploy builds or uploads (a directory, a .zip or .jar), not an
// object named by code.obs_url.
func (m *marker) can() bool { return m.code != nil && m.code.Path != "" }

// digest is the digest of the package marked with h.
func (m *marker) digest(h held) (string, error) {
	k := h.configKey()
	if d, ok := m.digests[k]; ok {
		return d, nil
	}
	d, size, err := codezip.ReleaseFileDigest(m.result(), markerContent(h))
	if err != nil {
		return "", err
	}
	if m.digests == nil {
		m.digests = map[string]string{}
	}
	m.size, m.digests[k] = size, d
	return d, nil
}

// may reports whether a package of this size can be a marked one: only
// the size the marked packages have (known once one was computed, from
// h), or an unknown size (0).
func (m *marker) may(size int64, h held) (bool, error) {
	if !m.can() {
		return false, nil
	}
	if m.size == 0 {
		if _, err := m.digest(h); err != nil {
			return false, err
		}
	}
	return size == 0 || size == m.size, nil
}

// is reports whether digest (of a package of size bytes) is the package
// marked with h.
func (m *marker) is(digest string, size int64, h held) (bool, error) {
	if ok, err := m.may(size, h); !ok || err != nil {
		return false, err
	}
	d, err := m.digest(h)
	return err == nil && d == digest, err
}

// build writes the package marked with h, a temporary file the plan owns.
func (m *marker) build(h held) (*plan.CodeFile, error) {
	res, err := codezip.WithReleaseFile(m.result(), markerContent(h), m.pk.tempDir)
	if err != nil {
		return nil, err
	}
	m.pk.own(res)
	return &plan.CodeFile{Path: res.Path, Digest: res.Digest, Size: res.Size}, nil
}

func (m *marker) result() *codezip.Result {
	return &codezip.Result{Path: m.code.Path, Digest: m.code.Digest, Size: m.code.Size}
}

// since compares version v with latest as the plan leaves it: sameCode
// when v holds the package (with a release marker or not), and what else
// differs ("" when nothing). A nil v (no version yet) has other code.
func (in *releaseInputs) since(v *apiclient.Version) (sameCode bool, what string, err error) {
	if v == nil {
		return false, "", nil
	}
	h, same, err := in.sameCodeAs(v)
	if err != nil || !same {
		return false, "", err
	}
	return true, h.differs(in.after), nil
}

// sameCodeAs reports whether version v holds the package, as it is or
// with the release marker of what v holds, and returns what v holds when
// it was read.
func (in *releaseInputs) sameCodeAs(v *apiclient.Version) (held, bool, error) {
	if v.Digest != in.code.Digest {
		if ok, err := in.mark.may(v.CodeSize, in.after); !ok || err != nil {
			return held{}, false, err
		}
	}
	h, err := in.versionHeld(v.Version)
	if err != nil {
		return held{}, false, err
	}
	if v.Digest == in.code.Digest {
		return h, true, nil
	}
	ok, err := in.mark.is(v.Digest, v.CodeSize, h)
	return h, ok, err
}

// chooseCode decides what latest's code becomes: dec.code is the package
// the code step uploads, nil when latest keeps its code. Latest keeps it
// when it is the function's code: the package, or the package with the
// marker of what latest will hold; when nothing is published, also the
// package with the marker of what latest holds now or of the newest
// version v0 (latest holds what a marked release left). forbid is a
// digest latest must not keep ("" for none): the newest version's when
// this apply publishes, since a publish may need the code to change.
// Then latest gets the package, or, when the package is the newest
// version's, the package with the marker of what it will hold (why says
// what changed, for the plan).
func (in *releaseInputs) chooseCode(dec publishDecision, v0 *apiclient.Version, forbid, why string) (publishDecision, error) {
	live, p := in.live, in.code
	known := live.Digest == p.Digest
	if !known {
		ok, err := in.mark.is(live.Digest, live.CodeSize, in.after)
		if err != nil {
			return dec, err
		}
		known = ok
	}
	if !known && !dec.publish {
		if in.now.configKey() != in.after.configKey() {
			ok, err := in.mark.is(live.Digest, live.CodeSize, in.now)
			if err != nil {
				return dec, err
			}
			known = ok
		}
		if !known && v0 != nil && live.Digest == v0.Digest {
			_, ok, err := in.sameCodeAs(v0)
			if err != nil {
				return dec, err
			}
			known = ok
		}
	}
	switch {
	case known && live.Digest != forbid && !in.dependenciesChange:
		return dec, nil
	case p.Digest != forbid:
		dec.code = p
		return dec, nil
	case !in.mark.can():
		return dec, fmt.Errorf("%s: %s, not the code, and code.obs_url is a package built elsewhere, to which fgsdeploy cannot add the release marker a publish may need (FSS.1016): publish another object, or set publish.config_changes: latest to apply such changes to latest only", live.FuncName, why)
	}
	c, err := in.mark.build(in.after)
	if err != nil {
		return dec, err
	}
	dec.code, dec.marker = c, why
	return dec, nil
}
