package iam

import (
	"net/http"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// Path is the one IAM path served: the project list.
const Path = "/v3/projects"

// Projects is the project list of an emulator: its one project, named
// after its region.
type Projects struct {
	ProjectID, Region string
}

// List answers GET /v3/projects[?name=REGION].
func (p Projects) List(r *http.Request) httpapi.Response {
	name := r.URL.Query().Get("name")
	list := []map[string]any{}
	if name == "" || name == p.Region {
		list = append(list, map[string]any{"id": p.ProjectID, "name": p.Region, "enabled": true, "domain_id": "emulator-domain"})
	}
	return httpapi.OK(map[string]any{"projects": list, "links": map[string]any{"self": r.URL.String()}})
}
