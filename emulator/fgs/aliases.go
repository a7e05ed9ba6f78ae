package fgs

import (
	"sort"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

type aliasBody struct {
	Name        string         `json:"name"`
	Version     string         `json:"version"`
	Description string         `json:"description"`
	Weights     map[string]int `json:"additional_version_weights"`
	Strategy    map[string]any `json:"additional_version_strategy"`
}

func (s *Service) aliasModel(f *Function, a *Alias) map[string]any {
	m := map[string]any{"name": a.Name, "version": a.Version, "description": a.Description,
		"last_modified": a.LastModified, "alias_urn": s.urnOf(f, "!"+a.Name)}
	if len(a.Weights) > 0 {
		m["additional_version_weights"] = a.Weights
	}
	if len(a.Strategy) > 0 {
		m["additional_version_strategy"] = a.Strategy
	}
	return m
}

func (s *Service) fnOf(t *stx, u urn) (*Function, *httpapi.Error) {
	f, _, _, e := s.lookup(t, u.bare())
	return f, e
}

// aliasOf finds the function of u and its alias name: 404 FSS.1053 when
// there is no such alias.
func (s *Service) aliasOf(t *stx, u urn, name string) (*Function, *Alias, *httpapi.Error) {
	f, e := s.fnOf(t, u)
	if e != nil {
		return nil, nil, e
	}
	a := t.alias(f, name)
	if a == nil {
		return nil, nil, httpapi.Errorf(404, "FSS.1053", "alias %s not found", name)
	}
	return f, a, nil
}

// checkAlias applies the alias rules, with the codes of the API
// reference's error table: the main version exists (404 FSS.1052); no
// other alias uses it ("each version can be associated with only one
// alias": 409 FSS.1066); weights and strategy are exclusive and name
// existing versions (FSS.1091, "the additional version is invalid");
// each weight is 1 to 99 and they add up to less than 100, so the main
// version keeps some traffic (FSS.1092); an additional version is not the
// main version (FSS.1093).
func checkAlias(t *stx, f *Function, b *aliasBody) *httpapi.Error {
	exists := func(v string) bool { return t.hasVersion(f, v) }
	if b.Version == "" {
		return httpapi.Errorf(400, "FSS.1015", "version is required")
	}
	if !exists(b.Version) {
		return httpapi.Errorf(404, "FSS.1052", "version %s not found", b.Version)
	}
	for _, other := range t.aliases(f) {
		if other.Name != b.Name && other.Version == b.Version {
			return httpapi.Errorf(409, "FSS.1066", "version %s is already in use by alias %s", b.Version, other.Name)
		}
	}
	if len(b.Weights) > 0 && len(b.Strategy) > 0 {
		return httpapi.Errorf(400, "FSS.1091", "additional_version_weights and additional_version_strategy are exclusive")
	}
	additional := make([]string, 0, len(b.Weights)+len(b.Strategy))
	for v := range b.Weights {
		additional = append(additional, v)
	}
	for v := range b.Strategy {
		additional = append(additional, v)
	}
	sort.Strings(additional)
	for _, v := range additional {
		if !exists(v) {
			return httpapi.Errorf(400, "FSS.1091", "the additional version %s does not exist", v)
		}
		if v == b.Version {
			return httpapi.Errorf(400, "FSS.1093", "the additional version %s is the alias's main version", v)
		}
	}
	total := 0
	for _, v := range additional {
		w, weighted := b.Weights[v]
		if !weighted {
			continue
		}
		if w < 1 || w > 99 {
			return httpapi.Errorf(400, "FSS.1092", "weight %d of version %s is out of range (1 to 99)", w, v)
		}
		total += w
	}
	if total >= 100 {
		return httpapi.Errorf(400, "FSS.1092", "additional weights add up to %d; they must stay below 100", total)
	}
	return nil
}

func (s *Service) listAliases(t *stx, u urn) httpapi.Response {
	f, e := s.fnOf(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	list := []map[string]any{} // a bare JSON array sorted by name, as FunctionGraph returns
	for _, a := range t.aliases(f) {
		m := s.aliasModel(f, a)
		if s.opts.Strict {
			// The SDK's ListVersionAliasResult has no
			// additional_version_strategy: the strict reading leaves the
			// rules to ShowVersionAlias.
			delete(m, "additional_version_strategy")
		}
		list = append(list, m)
	}
	return httpapi.OK(list)
}

func (s *Service) getAlias(t *stx, u urn, name string) httpapi.Response {
	f, a, e := s.aliasOf(t, u, name)
	if e != nil {
		return httpapi.Fail(e)
	}
	return httpapi.OK(s.aliasModel(f, a))
}

func (s *Service) createAlias(t *stx, u urn, body []byte) httpapi.Response {
	f, e := s.fnOf(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b aliasBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	if !isAliasName(b.Name) {
		return httpapi.Failf(400, "FSS.1014", "invalid alias name %q", b.Name)
	}
	if t.alias(f, b.Name) != nil {
		return httpapi.Failf(409, "FSS.1063", "alias %s already exists", b.Name)
	}
	if len(t.aliases(f)) >= maxAliases {
		return httpapi.Failf(403, "FSS.1043", "the function already has %d aliases", maxAliases)
	}
	if e := checkAlias(t, f, &b); e != nil {
		return httpapi.Fail(e)
	}
	a := &Alias{Name: b.Name, Version: b.Version, Description: b.Description, Weights: b.Weights, Strategy: b.Strategy, LastModified: s.aliasNow()}
	t.putAlias(f, a)
	return httpapi.OK(s.aliasModel(f, a))
}

func (s *Service) updateAlias(t *stx, u urn, name string, body []byte) httpapi.Response {
	f, a, e := s.aliasOf(t, u, name)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b aliasBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	b.Name = name
	if e := checkAlias(t, f, &b); e != nil {
		return httpapi.Fail(e)
	}
	s.aliasMoves(t, f, a, b.Version) // production.go
	a.Version, a.Description, a.Weights, a.Strategy, a.LastModified = b.Version, b.Description, b.Weights, b.Strategy, s.aliasNow()
	t.putAlias(f, a)
	return httpapi.OK(s.aliasModel(f, a))
}

func (s *Service) deleteAlias(t *stx, u urn, name string) httpapi.Response {
	f, _, e := s.aliasOf(t, u, name)
	if e != nil {
		return httpapi.Fail(e)
	}
	if n := len(t.triggers(f, "!"+name)); n > 0 {
		return httpapi.Failf(403, "FSS.1154", "alias %s has %d trigger(s): delete them first", name, n)
	}
	t.deleteAlias(f, name)
	return httpapi.NoContent()
}
