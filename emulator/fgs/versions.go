package fgs

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// fingerprint identifies what a version holds of a snapshot, to tell
// whether latest changed since the newest version. A version holds no
// mount_config, so mounts are not part of it.
func fingerprint(sn *Snapshot) string {
	c := sn.Config
	c.MountConfig = nil
	b, _ := json.Marshal(struct {
		C    Config
		O    map[string]json.RawMessage
		D    string
		L    []string
		U, F string
	}{c, sn.Other, sn.Code.Digest, sn.Code.DependVersionList, sn.Code.CodeURL, sn.Code.CodeFilename})
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:16])
}

// codeChanged tells whether latest's code differs from a version's: the
// package (digest), code_url or code_filename, as the Terraform docs
// require before each version ("func_code, code_url or code_filename must
// be modified").
func codeChanged(latest, version *Snapshot) bool {
	l, v := latest.Code, version.Code
	return l.Digest != v.Digest || l.CodeURL != v.CodeURL || l.CodeFilename != v.CodeFilename
}

func (s *Service) publish(t *stx, u urn, body []byte) httpapi.Response {
	f, e := s.writable(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b struct {
		Version     string `json:"version"`
		Description string `json:"description"`
		Digest      string `json:"digest"`
	}
	if len(body) > 0 {
		if e := httpapi.DecodeJSON(body, &b); e != nil {
			return httpapi.Fail(e)
		}
	}
	if n := len(f.Versions); n > 0 {
		newest := t.version(f, f.Versions[n-1])
		switch {
		case newest == nil:
		case fingerprint(newest) == fingerprint(&f.Latest):
			return httpapi.Failf(400, "FSS.1016", "the function has not changed since version %s", f.Versions[n-1])
		case s.opts.Strict && !codeChanged(&f.Latest, newest):
			return httpapi.Failf(400, "FSS.1016", "the function code has not been changed since version %s was published", f.Versions[n-1])
		}
	}
	if b.Digest != "" && b.Digest != f.Latest.Code.Digest {
		return httpapi.Failf(428, "FSS.0428", "digest %s does not match the code of latest", httpapi.Trunc(b.Digest))
	}
	name := b.Version
	if name == "" {
		name = "v" + s.opts.Now().UTC().Format("20060102-150405")
	}
	if name == "latest" || !versionRe.MatchString(name) {
		return httpapi.Failf(400, "FSS.1015", "invalid version name %q", name)
	}
	if t.hasVersion(f, name) {
		return httpapi.Failf(409, "FSS.1062", "version %s already exists", name)
	}
	if len(f.Versions)+1 >= s.opts.VersionCap {
		return httpapi.Failf(400, "FSS.1015", "the function has %d versions including latest, the maximum", len(f.Versions)+1)
	}
	// "No triggers, mounting disks, or reserved instances are configured
	// in a new version by default" (user guide, Versions).
	sn := f.Latest
	sn.Config.MountConfig = nil
	sn.Description = b.Description
	sn.LastModified = s.now()
	t.putVersion(f, name, &sn)
	f.Versions = append(f.Versions, name)
	t.putFunction(f)
	t.published = u.key()
	m := s.model(f, &sn, name)
	if s.opts.Strict {
		// One reference's example answers a publish with latest's model:
		// "version": "latest" and an unqualified URN.
		m["version"] = "latest"
		m["func_urn"] = strings.TrimSuffix(s.urnOf(f, ""), ":")
	}
	return httpapi.OK(m)
}

func (s *Service) listVersions(t *stx, r *http.Request, u urn) httpapi.Response {
	f, _, _, e := s.lookup(t, u.bare())
	if e != nil {
		return httpapi.Fail(e)
	}
	// Each entry is the function model of that version (the SDK's
	// ListFunctionVersionResult), latest first, then in publish order.
	names := append([]string{"latest"}, f.Versions...)
	if !s.opts.Strict {
		// Lenient: everything at once; marker and maxitems are ignored, as
		// the Terraform provider notes some regions do.
		list := make([]map[string]any, 0, len(names))
		for _, v := range names {
			if sn := t.versionOrLatest(f, v); sn != nil {
				list = append(list, s.model(f, sn, v))
			}
		}
		return httpapi.OK(map[string]any{"versions": list, "next_marker": len(list), "count": len(list)})
	}
	// Strict: pages of maxitems (default strictVersionPage) from the
	// marker offset, with next_marker and no count, so a client must
	// follow next_marker until a page is empty or short.
	marker, max, e := pageQuery(r.URL.Query())
	if e != nil {
		return httpapi.Fail(e)
	}
	if max == 0 {
		max = strictVersionPage
	}
	list := []map[string]any{}
	for i := marker; i < len(names) && i < marker+max; i++ {
		if sn := t.versionOrLatest(f, names[i]); sn != nil {
			list = append(list, s.model(f, sn, names[i]))
		}
	}
	return httpapi.OK(map[string]any{"versions": list, "next_marker": min(marker, len(names)) + len(list)})
}

// strictVersionPage is the versions list's page size in strict mode when
// maxitems does not say.
const strictVersionPage = 5

// versionOrLatest is latest for "latest", else the published version.
func (t *stx) versionOrLatest(f *Function, v string) *Snapshot {
	if v == "latest" {
		return &f.Latest
	}
	return t.version(f, v)
}

func (s *Service) deleteFunctionOrVersion(t *stx, u urn) httpapi.Response {
	if u.alias != "" {
		return httpapi.Failf(400, "FSS.0400", "delete an alias through its aliases API")
	}
	f, _, _, e := s.lookup(t, u.bare())
	if e != nil {
		return httpapi.Fail(e)
	}
	if u.version == "" {
		if e := s.deleteBlocked(t, f); e != nil {
			return httpapi.Fail(e)
		}
		t.deleteFunction(f)
		return httpapi.NoContent()
	}
	if u.version == "latest" {
		return httpapi.Failf(400, "FSS.1015", "latest cannot be deleted; delete the function with its unqualified URN")
	}
	if !t.hasVersion(f, u.version) {
		return httpapi.Failf(404, "FSS.1052", "version %s not found", u.version)
	}
	aliases := t.aliases(f)
	for _, a := range aliases {
		_, weighted := a.Weights[u.version]
		_, ruled := a.Strategy[u.version]
		if weighted || ruled {
			return httpapi.Failf(403, "FSS.1094", "version %s is an additional version of alias %s", u.version, a.Name)
		}
	}
	t.deleteVersion(f, u.version)
	for i, v := range f.Versions {
		if v == u.version {
			f.Versions = append(f.Versions[:i], f.Versions[i+1:]...)
			break
		}
	}
	t.putFunction(f)
	// Deleting a version deletes its aliases and its triggers, and the
	// triggers of those aliases.
	t.deleteTriggers(f, u.version)
	for _, a := range aliases {
		if a.Version == u.version {
			t.deleteAlias(f, a.Name)
			t.deleteTriggers(f, "!"+a.Name)
		}
	}
	return httpapi.NoContent()
}

// deleteBlocked is strict mode's refusal to delete a function while an
// alias of it has triggers. Deleting a function (its unqualified URN)
// deletes it with its versions, aliases, triggers and tags; an alias
// with triggers cannot be deleted alone (403 FSS.1154), and whether that
// also stops the delete of its function is not documented: strict mode
// says it does, lenient mode deletes everything (docs/api-notes.md, 29).
func (s *Service) deleteBlocked(t *stx, f *Function) *httpapi.Error {
	if !s.opts.Strict {
		return nil
	}
	for _, a := range t.aliases(f) {
		if len(t.triggers(f, "!"+a.Name)) > 0 {
			return httpapi.Errorf(403, "FSS.1154", "alias %s has triggers: delete them first", a.Name)
		}
	}
	return nil
}
