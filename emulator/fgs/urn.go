package fgs

import (
	"fmt"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// urn is a parsed function URN.
type urn struct {
	region, project, pkg, name string
	version                    string // "" = unqualified; "latest" when named
	alias                      string
}

// latest tells whether the URN names latest, qualified or not.
func (u urn) latest() bool { return u.alias == "" && (u.version == "" || u.version == "latest") }

// bare is the unqualified URN of the same function.
func (u urn) bare() urn { return urn{region: u.region, project: u.project, pkg: u.pkg, name: u.name} }

func (u urn) key() string { return fnKey(u.pkg, u.name) }

// parseURN reads urn:fss:{region}:{pid}:function:{package}:{name}[:{version}|:!{alias}].
func parseURN(s string) (urn, *httpapi.Error) {
	parts := strings.Split(s, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "urn" || parts[1] != "fss" || parts[4] != "function" {
		return urn{}, httpapi.Errorf(400, "FSS.1309", "invalid function URN %q", httpapi.Trunc(s))
	}
	u := urn{region: parts[2], project: parts[3], pkg: parts[5], name: parts[6]}
	if u.region == "" || u.project == "" || u.pkg == "" || u.name == "" {
		return urn{}, httpapi.Errorf(400, "FSS.1309", "invalid function URN %q", httpapi.Trunc(s))
	}
	if len(parts) == 8 {
		q := parts[7]
		switch {
		case strings.HasPrefix(q, "!"):
			u.alias = q[1:]
			if u.alias == "" {
				return urn{}, httpapi.Errorf(400, "FSS.1309", "invalid function URN %q: empty alias", httpapi.Trunc(s))
			}
		case q == "":
			return urn{}, httpapi.Errorf(400, "FSS.1309", "invalid function URN %q: empty qualifier", httpapi.Trunc(s))
		default:
			u.version = q
		}
	}
	return u, nil
}

func (s *Service) urnOf(f *Function, qualifier string) string {
	return fmt.Sprintf("urn:fss:%s:%s:function:%s:%s:%s", s.opts.Region, s.opts.ProjectID, f.Package, f.Name, qualifier)
}
