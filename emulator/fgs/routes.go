package fgs

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// call is one request to the control plane as its routes read it: the
// request, its body, and the path's parameters once checked.
type call struct {
	r          *http.Request
	body       []byte
	urn        urn    // {function_urn}
	alias      string // {alias_name}
	period     string // {period}
	typeCode   string // {trigger_type_code}
	triggerID  string // {trigger_id}
	depID      string // {depend_id}
	depVersion int64  // {version} of a dependency
	action     string // {action} of the resource-instance filter
}

const (
	functions    = "/v2/{project_id}/fgs/functions"
	function     = functions + "/{function_urn}"
	triggers     = "/v2/{project_id}/fgs/triggers"
	dependencies = "/v2/{project_id}/fgs/dependencies"
	// The tag family has no /fgs (tags.go).
	tagged   = "/v2/{project_id}/functions"
	resource = tagged + "/{resource_id}/tags"
)

// routes is the control plane's routing table. FunctionGraph's paths
// need not have /fgs/: the tag API, for one, is
// /v2/{project_id}/functions/{resource_id}/tags. Reads run in a view,
// writes in an update (service.go); invocations and statistics open
// their own transactions. The last route of each family answers every
// other path under it, after its parameters are checked, with the
// gateway's 404.
func (s *Service) routes() *httpapi.Router[call] {
	rt := &httpapi.Router[call]{}
	rt.Param("project_id", func(c *call, v string) *httpapi.Error { return s.checkProject(c.r, v) })
	rt.Param("function_urn", func(c *call, v string) (e *httpapi.Error) { c.urn, e = s.ownURN(v); return e })
	rt.Param("alias_name", func(c *call, v string) *httpapi.Error { c.alias = v; return nil })
	rt.Param("period", func(c *call, v string) *httpapi.Error { c.period = v; return nil })
	rt.Param("trigger_type_code", func(c *call, v string) *httpapi.Error { c.typeCode = v; return nil })
	rt.Param("trigger_id", func(c *call, v string) *httpapi.Error { c.triggerID = v; return nil })
	rt.Param("depend_id", func(c *call, v string) *httpapi.Error { c.depID = v; return nil })
	rt.Param("resource_id", func(c *call, v string) (e *httpapi.Error) { c.urn, e = s.tagResource(v); return e })
	rt.Param("action", func(c *call, v string) *httpapi.Error { c.action = v; return nil })
	rt.Param("version", func(c *call, v string) *httpapi.Error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return httpapi.Errorf(404, "FSS.1056", "the dependency version %q does not exist", v)
		}
		c.depVersion = n
		return nil
	})
	const get, put, post, del = http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete

	rt.Handle(get, functions, s.read(func(t *stx, c *call) httpapi.Response { return s.listFunctions(t, c.r) }))
	rt.Handle(post, functions, s.write(s.strictBody("CreateFunction", func(t *stx, c *call) httpapi.Response { return s.createFunction(t, c.body) })))
	rt.Handle(post, functions+"/enable-lts-logs", s.write(func(t *stx, c *call) httpapi.Response { return s.enableLTSLogs(t) }))
	s.reservedListRoute(rt) // production.go; before the function's routes, whose {function_urn} it would be
	rt.Handle(del, function, s.write(func(t *stx, c *call) httpapi.Response { return s.deleteFunctionOrVersion(t, c.urn) }))
	rt.Handle(get, function+"/config", s.read(func(t *stx, c *call) httpapi.Response { return s.getConfig(t, c.urn) }))
	rt.Handle(put, function+"/config", s.write(s.strictBody("UpdateFunctionConfig", func(t *stx, c *call) httpapi.Response { return s.updateConfig(t, c.urn, c.body) })))
	rt.Handle(get, function+"/code", s.read(func(t *stx, c *call) httpapi.Response { return s.getCode(t, c.r, c.urn) }))
	rt.Handle(put, function+"/code", s.write(s.strictBody("UpdateFunctionCode", func(t *stx, c *call) httpapi.Response { return s.updateCode(t, c.urn, c.body) })))
	rt.Handle(put, function+"/config-max-instance", s.write(s.strictBody("UpdateFunctionMaxInstanceConfig", func(t *stx, c *call) httpapi.Response { return s.maxInstances(t, c.urn, c.body) })))
	rt.Handle(post, function+"/versions", s.write(s.strictBody("CreateFunctionVersion", func(t *stx, c *call) httpapi.Response { return s.publish(t, c.urn, c.body) })))
	rt.Handle(get, function+"/versions", s.read(func(t *stx, c *call) httpapi.Response { return s.listVersions(t, c.r, c.urn) }))
	rt.Handle(post, function+"/invocations", func(c *call) httpapi.Response { return s.invoke(c.r, c.urn, c.body, false) })
	rt.Handle(post, function+"/invocations-async", func(c *call) httpapi.Response { return s.invoke(c.r, c.urn, c.body, true) })
	rt.Handle(get, function+"/lts-log-detail", s.read(func(t *stx, c *call) httpapi.Response { return s.ltsLogDetail(t, c.urn) }))
	rt.Handle(get, function+"/statistics/{period}", func(c *call) httpapi.Response { return s.statistics(c.urn, c.period) })
	rt.Handle(get, function+"/aliases", s.read(func(t *stx, c *call) httpapi.Response { return s.listAliases(t, c.urn) }))
	rt.Handle(post, function+"/aliases", s.write(s.strictBody("CreateVersionAlias", func(t *stx, c *call) httpapi.Response { return s.createAlias(t, c.urn, c.body) })))
	rt.Handle(get, function+"/aliases/{alias_name}", s.read(func(t *stx, c *call) httpapi.Response { return s.getAlias(t, c.urn, c.alias) }))
	rt.Handle(put, function+"/aliases/{alias_name}", s.write(s.strictBody("UpdateVersionAlias", func(t *stx, c *call) httpapi.Response { return s.updateAlias(t, c.urn, c.alias, c.body) })))
	rt.Handle(del, function+"/aliases/{alias_name}", s.write(func(t *stx, c *call) httpapi.Response { return s.deleteAlias(t, c.urn, c.alias) }))
	s.productionRoutes(rt) // production.go
	rt.Handle("", function+"/{...}", s.noSuchAPI)

	const trigger = triggers + "/{function_urn}/{trigger_type_code}/{trigger_id}"
	rt.Handle(get, triggers+"/{function_urn}", s.read(func(t *stx, c *call) httpapi.Response { return s.listTriggers(t, c.urn) }))
	rt.Handle(post, triggers+"/{function_urn}", s.write(s.strictBody("CreateFunctionTrigger", func(t *stx, c *call) httpapi.Response { return s.createTrigger(t, c.urn, c.body) })))
	rt.Handle(del, triggers+"/{function_urn}", s.write(func(t *stx, c *call) httpapi.Response { return s.deleteAllTriggers(t, c.urn) }))
	rt.Handle(get, trigger, s.read(func(t *stx, c *call) httpapi.Response { return s.showTrigger(t, c.urn, c.typeCode, c.triggerID) }))
	rt.Handle(put, trigger, s.write(s.strictBody("UpdateTrigger", func(t *stx, c *call) httpapi.Response {
		return s.updateTrigger(t, c.urn, c.typeCode, c.triggerID, c.body)
	})))
	rt.Handle(del, trigger, s.write(func(t *stx, c *call) httpapi.Response { return s.deleteTrigger(t, c.urn, c.typeCode, c.triggerID) }))
	rt.Handle("", triggers+"/{...}", s.noSuchAPI)

	const depVersion = dependencies + "/{depend_id}/version/{version}"
	rt.Handle(get, dependencies, s.read(func(t *stx, c *call) httpapi.Response { return s.listDependencies(t, c.r) }))
	rt.Handle(post, dependencies+"/version", s.write(s.strictBody("CreateDependencyVersion", func(t *stx, c *call) httpapi.Response { return s.createDependencyVersion(t, c.body) })))
	rt.Handle(get, dependencies+"/{depend_id}/version", s.read(func(t *stx, c *call) httpapi.Response {
		return s.listDependencyVersions(t, c.r, c.depID)
	}))
	rt.Handle(get, depVersion, s.read(func(t *stx, c *call) httpapi.Response { return s.showDependencyVersion(t, c.depID, c.depVersion) }))
	rt.Handle(del, depVersion, s.write(func(t *stx, c *call) httpapi.Response { return s.deleteDependencyVersion(t, c.depID, c.depVersion) }))
	rt.Handle("", dependencies+"/{...}", s.noSuchAPI)

	// Tags: the project's keys, the resource-instance filter (its action
	// is checked by the handler: 400, not the gateway's 404), a
	// function's tags; the resource id is checked before the sub-path.
	rt.Handle(get, tagged+"/tags", s.read(func(t *stx, c *call) httpapi.Response { return s.projectTags(t) }))
	rt.Handle(post, tagged+"/resource-instances/{action}", s.read(func(t *stx, c *call) httpapi.Response {
		return s.filterResources(t, c.action, c.body)
	}))
	rt.Handle(get, resource, s.read(func(t *stx, c *call) httpapi.Response { return s.listTags(t, c.urn) }))
	rt.Handle(post, resource+"/create", s.write(s.strictBody("CreateTags", func(t *stx, c *call) httpapi.Response { return s.createTags(t, c.urn, c.body) })))
	rt.Handle(del, resource+"/delete", s.write(s.strictBody("DeleteTags", func(t *stx, c *call) httpapi.Response { return s.deleteTags(t, c.urn, c.body) })))
	rt.Handle("", resource+"/{...}", s.noSuchAPI)
	rt.Handle("", tagged+"/{...}", s.noSuchAPI)
	return rt
}

// Handle answers an authenticated request for the control plane: the
// gateway's 404 for a path or method it does not publish.
func (s *Service) Handle(r *http.Request, body []byte) httpapi.Response {
	if e := s.checkContentType(r); e != nil { // checks.go
		return httpapi.Fail(e)
	}
	resp, found := s.router.Serve(&call{r: r, body: body}, r.Method, r.URL.Path)
	if !found {
		return httpapi.Fail(s.gw.NoSuchAPI(r))
	}
	return resp
}

func (s *Service) noSuchAPI(c *call) httpapi.Response { return httpapi.Fail(s.gw.NoSuchAPI(c.r)) }

// checkProject refuses a project id in the path, or an X-Project-Id,
// other than the emulator's.
func (s *Service) checkProject(r *http.Request, id string) *httpapi.Error {
	if id != s.opts.ProjectID {
		return httpapi.Errorf(403, "FSS.0403", "the project id in the path does not match these credentials")
	}
	if h := r.Header.Get("X-Project-Id"); h != "" && h != s.opts.ProjectID {
		return httpapi.Errorf(403, "FSS.0403", "X-Project-Id does not match these credentials")
	}
	return nil
}

// RouteName names a request's route for Stats without its identifiers:
// "functions", "function", "function/config", "function/aliases/{name}",
// "triggers", "dependencies"; the tag family's (no /fgs) "tags",
// "tags/create", "tags/delete", "project-tags",
// "resource-instances/filter"; "unknown" for a path of no known shape.
func RouteName(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) >= 4 && parts[0] == "v2" && parts[2] == "functions" {
		return tagRouteName(parts[3:])
	}
	if len(parts) < 4 || parts[0] != "v2" || parts[2] != "fgs" {
		return "unknown"
	}
	rest := parts[3:]
	switch {
	case rest[0] == "triggers":
		return "triggers"
	case rest[0] == "dependencies":
		return "dependencies"
	case len(rest) == 1:
		return rest[0]
	case len(rest) == 2 && rest[1] == "enable-lts-logs":
		return "functions/enable-lts-logs"
	case len(rest) == 2:
		return "function"
	case len(rest) == 3:
		return "function/" + rest[2]
	case len(rest) == 4 && rest[2] == "aliases":
		return "function/aliases/{name}"
	case len(rest) == 4 && rest[2] == "statistics":
		return "function/statistics/{period}"
	}
	return "unknown"
}

// tagRouteName names a request of the tag family by what follows
// /v2/{project_id}/functions.
func tagRouteName(rest []string) string {
	switch {
	case len(rest) == 1 && rest[0] == "tags":
		return "project-tags"
	case len(rest) == 2 && rest[0] == "resource-instances":
		return "resource-instances/" + rest[1]
	case len(rest) >= 2 && rest[1] == "tags":
		return strings.Join(rest[1:], "/")
	}
	return "unknown"
}
