package fgs

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Dependency packages (doc.go, "Dependencies"): CreateDependencyVersion
// (POST /dependencies/version), ListDependencies (GET /dependencies),
// ListDependencyVersion (GET /dependencies/{id}/version),
// ShowDependencyVersion and DeleteDependencyVersion (GET and DELETE
// /dependencies/{id}/version/{version}), as the SDK's models and the
// OTC API reference give them.

// bucketDeps holds dependencies and their versions:
//
//	"d/" dep id                    -> depRecord
//	"n/" name                      -> dep id
//	"v/" dep id NUL %010d version  -> depVersion
const bucketDeps = "dependencies"

// Limits of depend_file: the SDK's model and the English API reference
// say 40 MB, the current Chinese reference 10 MB (an open rule: strict
// mode takes 10 MB).
const (
	maxDependFile       = 40 << 20
	maxDependFileStrict = 10 << 20
	maxDependDesc       = 512
)

// dependencyNameRe: a letter first, a letter or digit last, letters,
// digits, _ . -, at most 96 (CreateDependencyRequestBody.name).
var dependencyNameRe = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_.-]{0,94}[A-Za-z0-9])?$`)

type depRecord struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Created string `json:"created"`
}

type depVersion struct {
	ID           string `json:"id"`
	DepID        string `json:"dep_id"`
	Version      int64  `json:"version"`
	Name         string `json:"name"`
	Runtime      string `json:"runtime"`
	Etag         string `json:"etag"`
	Size         int64  `json:"size"`
	Description  string `json:"description"`
	FileName     string `json:"file_name,omitempty"`
	LastModified int64  `json:"last_modified"`
	Digest       string `json:"digest"` // of the package, in the blob store
}

func depVersionKey(depID string, v int64) string { return fmt.Sprintf("v/%s\x00%010d", depID, v) }

// owner is the emulator's domain, as dependencies name their owner.
const depOwner = "emulator-domain"

func (s *Service) depWire(v *depVersion) map[string]any {
	return map[string]any{"id": v.ID, "dep_id": v.DepID, "version": v.Version, "name": v.Name, "owner": depOwner,
		"link":    fmt.Sprintf("https://functiongraph-dependencies.obs.%s.myhuaweicloud.com/depends/%s/%s.zip", s.opts.Region, depOwner, v.ID),
		"runtime": v.Runtime, "etag": v.Etag, "size": v.Size, "description": v.Description, "file_name": v.FileName,
		"last_modified": v.LastModified}
}

// versions returns a dependency's versions, oldest first.
func depVersions(t *stx, depID string) []*depVersion {
	var out []*depVersion
	err := t.KV.Scan(bucketDeps, "v/"+depID+"\x00", func(k string, v []byte) error {
		var dv depVersion
		if err := json.Unmarshal(v, &dv); err != nil {
			return err
		}
		out = append(out, &dv)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	return out
}

// page cuts a list by marker (an offset) and maxitems (400 at most),
// answering next_marker and count.
func page[T any](r *http.Request, all []T) (items []T, next, count int) {
	q := r.URL.Query()
	marker, _ := strconv.Atoi(q.Get("marker"))
	max, err := strconv.Atoi(q.Get("maxitems"))
	if err != nil || max <= 0 || max > 400 {
		max = 400
	}
	marker = min(max0(marker), len(all))
	end := min(marker+max, len(all))
	return all[marker:end], end, len(all)
}

func max0(n int) int { return max(n, 0) }

func (s *Service) listDependencies(t *stx, r *http.Request) httpapi.Response {
	name := r.URL.Query().Get("name")
	if ty := r.URL.Query().Get("dependency_type"); ty == "public" {
		return httpapi.OK(map[string]any{"dependencies": []any{}, "next_marker": 0, "count": 0})
	}
	var all []map[string]any
	err := t.KV.Scan(bucketDeps, "d/", func(k string, v []byte) error {
		var d depRecord
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		if name != "" && !strings.Contains(d.Name, name) {
			return nil
		}
		vs := depVersions(t, d.ID)
		if len(vs) == 0 {
			return nil
		}
		m := s.depWire(vs[len(vs)-1])
		m["id"] = d.ID // a dependency's entry: its own id, its newest version's fields
		delete(m, "dep_id")
		all = append(all, m)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	items, next, count := page(r, all)
	if items == nil {
		items = []map[string]any{}
	}
	return httpapi.OK(map[string]any{"dependencies": items, "next_marker": next, "count": count})
}

func (s *Service) listDependencyVersions(t *stx, r *http.Request, depID string) httpapi.Response {
	if t.KV.Get(bucketDeps, "d/"+depID) == nil {
		return httpapi.Failf(404, "FSS.1056", "the dependency %s does not exist", depID)
	}
	var all []map[string]any
	for _, v := range depVersions(t, depID) {
		all = append(all, s.depWire(v))
	}
	items, next, count := page(r, all)
	if items == nil {
		items = []map[string]any{}
	}
	return httpapi.OK(map[string]any{"dependencies": items, "next_marker": next, "count": count})
}

func (s *Service) showDependencyVersion(t *stx, depID string, n int64) httpapi.Response {
	var v depVersion
	if !t.Get(bucketDeps, depVersionKey(depID, n), &v) {
		return httpapi.Failf(404, "FSS.1056", "version %d of dependency %s does not exist", n, depID)
	}
	m := s.depWire(&v)
	m["download_link"] = "/_emulator/code/" + v.Digest
	return httpapi.OK(m)
}

type createDependencyBody struct {
	DependType  string      `json:"depend_type"`
	DependFile  packageFile `json:"depend_file"`
	DependLink  string      `json:"depend_link"`
	Runtime     string      `json:"runtime"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
}

// createDependencyVersion makes the next version of the dependency the
// body names, and the dependency with its first version. The etag is the
// MD5 of the package; in strict mode a package from OBS has the object's
// ETag as OBS reports it (an open rule: for a multipart object that is
// not the MD5 of its bytes).
func (s *Service) createDependencyVersion(t *stx, body []byte) httpapi.Response {
	var b createDependencyBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	switch {
	case !dependencyNameRe.MatchString(b.Name):
		return httpapi.Failf(400, "FSS.1024", "invalid dependency name %q", b.Name)
	case !fgsspec.IsRuntime(b.Runtime):
		return httpapi.Failf(400, "FSS.1005", "invalid runtime %q", b.Runtime)
	case len([]rune(b.Description)) > maxDependDesc:
		return httpapi.Failf(400, "FSS.1024", "the description is longer than %d characters", maxDependDesc)
	}
	v := &depVersion{Name: b.Name, Runtime: b.Runtime, Description: b.Description, LastModified: s.opts.Now().Unix()}
	switch b.DependType {
	case "zip":
		limit := maxDependFile
		if s.opts.Strict {
			limit = maxDependFileStrict
		}
		switch {
		case !b.DependFile.set || len(b.DependFile.data) == 0:
			return httpapi.Failf(400, "FSS.1024", "depend_file is required for depend_type zip")
		case b.DependFile.bad:
			return httpapi.Failf(400, "FSS.1024", "depend_file is not a base64 string")
		case len(b.DependFile.data) > limit:
			return httpapi.Failf(400, "FSS.1024", "depend_file is %d bytes; at most %d: upload it through OBS", len(b.DependFile.data), limit)
		}
		data := b.DependFile.data
		sum := md5.Sum(data)
		v.Etag, v.Size, v.FileName = hex.EncodeToString(sum[:]), int64(len(data)), b.Name+".zip"
		digest, _, err := s.blobs.PutFrom(bytes.NewReader(data))
		if err != nil {
			return httpapi.Failf(500, "FSS.0500", "store dependency: %v", err)
		}
		v.Digest = digest
	case "obs":
		rc, _, etag, found := s.obs.OpenURL(&t.Tx, b.DependLink)
		if !found {
			return httpapi.Failf(403, "FSS.1046", "the dependency %s is inaccessible", httpapi.Trunc(b.DependLink))
		}
		h := md5.New()
		digest, n, err := s.blobs.PutFrom(io.TeeReader(rc, h))
		rc.Close()
		if err != nil {
			return httpapi.Failf(500, "FSS.0500", "store dependency: %v", err)
		}
		v.Etag, v.Size, v.Digest = hex.EncodeToString(h.Sum(nil)), n, digest
		if s.opts.Strict {
			v.Etag = etag
		}
		v.FileName = b.DependLink[strings.LastIndex(b.DependLink, "/")+1:]
	default:
		return httpapi.Failf(400, "FSS.1032", "invalid depend_type %q: zip or obs", b.DependType)
	}
	depID := string(t.KV.Get(bucketDeps, "n/"+b.Name))
	if depID == "" {
		depID = newUUID()
		t.Put(bucketDeps, "d/"+depID, depRecord{ID: depID, Name: b.Name, Created: s.now()})
		if err := t.KV.Put(bucketDeps, "n/"+b.Name, []byte(depID)); err != nil {
			t.Fail(err)
		}
	}
	vs := depVersions(t, depID)
	v.DepID, v.ID, v.Version = depID, newUUID(), 1
	if len(vs) > 0 {
		v.Version = vs[len(vs)-1].Version + 1
	}
	t.Put(bucketDeps, depVersionKey(depID, v.Version), v)
	return httpapi.OK(s.depWire(v))
}

// deleteDependencyVersion deletes one version, unless a function (latest
// or a published version) uses it: 412 FSS.1033.
func (s *Service) deleteDependencyVersion(t *stx, depID string, n int64) httpapi.Response {
	var v depVersion
	if !t.Get(bucketDeps, depVersionKey(depID, n), &v) {
		return httpapi.Failf(404, "FSS.1056", "version %d of dependency %s does not exist", n, depID)
	}
	inUse := ""
	uses := func(list []string) bool {
		for _, id := range list {
			if id == v.ID {
				return true
			}
		}
		return false
	}
	t.KV.Scan(bucketFunctions, "", func(k string, raw []byte) error {
		var f Function
		if json.Unmarshal(raw, &f) == nil && uses(f.Latest.Code.DependVersionList) {
			inUse = f.Name
			return store.ErrStopScan
		}
		return nil
	})
	if inUse == "" {
		t.KV.Scan(bucketVersions, "", func(k string, raw []byte) error {
			var sn Snapshot
			if json.Unmarshal(raw, &sn) == nil && uses(sn.Code.DependVersionList) {
				inUse = strings.SplitN(k, "\x00", 2)[0]
				return store.ErrStopScan
			}
			return nil
		})
	}
	if inUse != "" {
		return httpapi.Failf(412, "FSS.1033", "the dependency version is in use (by %s)", inUse)
	}
	t.Delete(bucketDeps, depVersionKey(depID, n))
	if len(depVersions(t, depID)) == 0 {
		t.Delete(bucketDeps, "d/"+depID)
		t.Delete(bucketDeps, "n/"+v.Name)
	}
	return httpapi.NoContent()
}

// newUUID is a random UUID (version 4), as dependency ids are.
func newUUID() string {
	b := store.NewID()
	return b[0:8] + "-" + b[8:12] + "-4" + b[13:16] + "-8" + b[17:20] + "-" + b[20:32]
}
