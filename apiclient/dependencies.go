package apiclient

import (
	"context"
	"errors"
	"net/url"
	"strconv"
)

// Dependency packages (FunctionGraph's "dependencies", layers):
// CreateDependencyVersion, ListDependencies, ListDependencyVersion,
// ShowDependencyVersion, DeleteDependencyVersion (SDK
// services/functiongraph/v2; functionGraph_meta.go for the paths).

// DependencyVersion is one version of a dependency package, as list,
// show and create answer (SDK ListDependencyVersionsResult,
// CreateDependencyVersionResponse).
type DependencyVersion struct {
	ID           string `json:"id"`      // the version's id: what depend_version_list holds
	DepID        string `json:"dep_id"`  // the dependency's id
	Version      int64  `json:"version"` // its number within the dependency
	Name         string `json:"name"`
	Owner        string `json:"owner,omitempty"`
	Link         string `json:"link,omitempty"`
	Runtime      string `json:"runtime"`
	Etag         string `json:"etag"` // the package's MD5 (SDK: "依赖包唯一标志（MD5校验值）")
	Size         int64  `json:"size"`
	Description  string `json:"description,omitempty"`
	FileName     string `json:"file_name,omitempty"`
	LastModified int64  `json:"last_modified,omitempty"`
	DownloadLink string `json:"download_link,omitempty"` // show only
}

// Dependency is a dependency package as ListDependencies lists it: its id
// and name (the other fields describe a version, by the SDK's model).
type Dependency struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Owner   string `json:"owner,omitempty"`
	Runtime string `json:"runtime,omitempty"`
}

// CreateDependencyRequest is the body of CreateDependencyVersion. With
// DependType "zip", DependFile is a package file streamed as depend_file
// (base64); with "obs", DependLink is its object's URL.
type CreateDependencyRequest struct {
	DependType  string `json:"depend_type"`
	DependLink  string `json:"depend_link,omitempty"`
	Runtime     string `json:"runtime"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	DependFile  string `json:"-"` // local path, streamed
}

// depPath is the path of a dependency resource below /fgs.
func depPath(rest string) string { return "/dependencies" + rest }

// ListDependencies lists the project's own dependency packages named name
// (the name filter of the API narrowed to the exact name; public packages
// left out).
func (c *Client) ListDependencies(ctx context.Context, name string) ([]Dependency, error) {
	q := url.Values{"dependency_type": {"private"}}
	if name != "" {
		q.Set("name", name)
	}
	all, err := listPages(ctx, c, depPath(""), q, "dependencies", func(d Dependency) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, d := range all {
		if (name == "" || d.Name == name) && d.Owner != "public" {
			out = append(out, d)
		}
	}
	return out, nil
}

// ListDependencyVersions lists every version of a dependency.
func (c *Client) ListDependencyVersions(ctx context.Context, depID string) ([]DependencyVersion, error) {
	return listPages(ctx, c, depPath("/"+depID+"/version"), nil, "dependencies", func(v DependencyVersion) string { return v.ID })
}

// ShowDependencyVersion reads one version, with a download link.
func (c *Client) ShowDependencyVersion(ctx context.Context, depID string, version int64) (*DependencyVersion, error) {
	out := &DependencyVersion{}
	if err := c.do(ctx, call{method: "GET", path: depPath("/" + depID + "/version/" + strconv.FormatInt(version, 10)), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateDependencyVersion publishes a version of the dependency req.Name
// (creating the dependency with its first version). A failure that may
// have taken effect is checked before the request is repeated: a version
// of that name with the package's MD5 (etag), made since, is the answer.
func (c *Client) CreateDependencyVersion(ctx context.Context, req *CreateDependencyRequest, etag string) (*DependencyVersion, error) {
	out := &DependencyVersion{}
	k := call{method: "POST", path: depPath("/version"), in: req, out: out}
	if req.DependType == "zip" {
		k.file, k.fileField = req.DependFile, "depend_file"
	}
	var before map[string]bool
	if etag != "" {
		k.recover = func(ctx context.Context) (bool, error) {
			v, seen, err := c.findDependencyVersion(ctx, req.Name, etag)
			if err != nil || v == nil {
				if before == nil && err == nil {
					before = seen
				}
				return false, err
			}
			if before != nil && before[v.ID] {
				return false, nil // there before this request
			}
			*out = *v
			return true, nil
		}
		// What exists before the first attempt, so that a version with
		// the same package made earlier is not taken for this one.
		_, seen, err := c.findDependencyVersion(ctx, req.Name, etag)
		if err != nil {
			return nil, err
		}
		before = seen
	}
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, errors.New("create dependency version: the answer names no version id")
	}
	return out, nil
}

// findDependencyVersion returns the newest version of dependency name
// whose etag is etag (nil if none), and the ids of all its versions.
func (c *Client) findDependencyVersion(ctx context.Context, name, etag string) (*DependencyVersion, map[string]bool, error) {
	deps, err := c.ListDependencies(ctx, name)
	if err != nil || len(deps) == 0 {
		return nil, map[string]bool{}, err
	}
	vs, err := c.ListDependencyVersions(ctx, deps[0].ID)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var found *DependencyVersion
	for i := range vs {
		seen[vs[i].ID] = true
		if vs[i].Etag == etag && (found == nil || vs[i].Version > found.Version) {
			found = &vs[i]
		}
	}
	return found, seen, nil
}

// DeleteDependencyVersion deletes one version of a dependency.
func (c *Client) DeleteDependencyVersion(ctx context.Context, depID string, version int64) error {
	return c.do(ctx, call{method: "DELETE", path: depPath("/" + depID + "/version/" + strconv.FormatInt(version, 10))})
}
