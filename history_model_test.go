package main

import (
	"context"
	"slices"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/release"
)

// The model of TestReleaseHistory: what the release rules promise of each
// function, kept beside the cloud and compared with it.

// modelConf is the config the manifest declares of a function, and a
// version holds.
type modelConf struct {
	memory, timeout int
	greet           string // environment GREETING
}

// modelVersion is a published version as the model knows it.
type modelVersion struct {
	name    string
	content int
	conf    modelConf
}

// modelFunction is what must be true of one function.
type modelFunction struct {
	name        string
	content     int       // the code on disk
	conf        modelConf // the config in the manifest
	canaryAlias bool      // live is a canary alias
	versions    []modelVersion
	// main, canary, prev and reverted are live's: its main version, its
	// canary version ("" when none), its recorded previous version and
	// the version a rollback took it off.
	main, canary, prev, reverted string
	publishes                    int
}

// setConf applies a commit's config change and reports whether it
// changed anything.
func (m *modelFunction) setConf(c modelConf) bool {
	was := m.conf
	if c.memory != 0 {
		m.conf.memory = c.memory
	}
	if c.timeout != 0 {
		m.conf.timeout = c.timeout
	}
	if c.greet != "" {
		m.conf.greet = c.greet
	}
	return m.conf != was
}

func (m *modelFunction) newest() *modelVersion {
	if len(m.versions) == 0 {
		return nil
	}
	return &m.versions[len(m.versions)-1]
}

func (m *modelFunction) find(name string) *modelVersion {
	for i := range m.versions {
		if m.versions[i].name == name {
			return &m.versions[i]
		}
	}
	return nil
}

// holds reports whether v holds the function as the manifest declares it.
func (m *modelFunction) holds(v *modelVersion) bool {
	return v != nil && v.content == m.content && v.conf == m.conf
}

// apply is what apply must do to one function, released as name:
// publish when the code or the config differs from the newest version's
// (under name, or, when name holds the same code with another config,
// under name and a suffix the cloud tells); move live to the release,
// unless a rollback took it off that very version; prune.
func (m *modelFunction) apply(h *history, name string) string {
	target, what := "", "unchanged"
	if v := m.find(name); v != nil {
		if m.holds(v) {
			target, what = name, "already published"
		} else {
			name = h.renamed(m.name, name)
			if w := m.find(name); m.holds(w) {
				target, what = name, "already published"
			}
		}
	}
	if target == "" && !m.holds(m.newest()) {
		if strings.Contains(name, "-") {
			what = "renamed"
		} else {
			what = "published"
		}
		m.versions = append(m.versions, modelVersion{name: name, content: m.content, conf: m.conf})
		m.publishes++
		target = name
	}
	if target != "" && !m.move(target) {
		what = "stays rolled back"
	}
	m.prune()
	return what
}

// move points live at a release; false when a rollback took it off that
// version, which only another release moves it from.
func (m *modelFunction) move(target string) bool {
	switch {
	case target == m.reverted && target != m.main && target != m.canary:
		return false
	case !m.canaryAlias && m.main != target:
		if m.main != "" {
			m.prev = m.main
		}
		m.main, m.reverted = target, ""
	case !m.canaryAlias:
	case m.main == "":
		// A new canary alias keeps the newest other version; on a first
		// release it starts wholly on the new one.
		m.main = target
		for i := len(m.versions) - 1; i >= 0; i-- {
			if v := m.versions[i].name; v != target {
				m.main, m.canary = v, target
				break
			}
		}
	case m.main == target && m.canary != "":
		m.canary, m.reverted = "", "" // wholly on the release
	case m.main != target && m.canary != target:
		m.canary, m.reverted = target, "" // the stable version stays, the new one gets the canary's share
	}
	return true
}

// kept is what live keeps from pruning: what it routes to, and at most
// one rollback target (none during a canary; else the previous version,
// or the version rolled back from, when they exist).
func (m *modelFunction) kept() map[string]bool {
	out := map[string]bool{m.main: true, m.canary: true}
	switch {
	case m.canary != "":
	case m.find(m.prev) != nil:
		out[m.prev] = true
	case m.find(m.reverted) != nil:
		out[m.reverted] = true
	}
	return out
}

// prune keeps the historyKeep newest versions live does not keep, and
// those it keeps.
func (m *modelFunction) prune() {
	kept, places := m.kept(), historyKeep
	var out []modelVersion
	for i := len(m.versions) - 1; i >= 0; i-- {
		v := m.versions[i]
		switch {
		case kept[v.name]:
		case places > 0:
			places--
		default:
			continue // pruned
		}
		out = append(out, v)
	}
	slices.Reverse(out)
	m.versions = out
}

// promote is what promote must do: the canary gets all traffic; with
// none, nothing to do on the newest version, an error elsewhere.
func (m *modelFunction) promote() (int, string) {
	switch {
	case m.canary != "":
		m.prev, m.main, m.canary, m.reverted = m.main, m.canary, "", ""
		return 0, "canary"
	case m.main == m.newest().name:
		return 0, "nothing to promote"
	}
	return 1, "refused"
}

// rollback is what rollback must do: call a canary off, or go back to the
// recorded previous version when it exists, recording what it left; with
// neither, refuse.
func (m *modelFunction) rollback() (int, string) {
	switch {
	case m.canary != "":
		m.reverted, m.canary = m.canary, ""
		return 0, "canary called off"
	case m.find(m.prev) != nil:
		if m.reverted == "" || m.reverted == m.prev {
			m.reverted = m.main // else the release rolled back first stays recorded
		}
		m.main, m.prev = m.prev, m.main
		return 0, "back"
	}
	return 1, "nowhere to go"
}

// renamed is the name apply gave fn's release when name was taken by the
// same code with another config: name, a dash and 7 hexadecimal digits,
// as the version list says.
func (h *history) renamed(fn, name string) string {
	h.t.Helper()
	vs, err := h.client.ListVersions(context.Background(), h.client.FunctionURN("default", fn))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, v := range vs {
		if s, ok := strings.CutPrefix(v.Version, name+"-"); ok && len(s) == 7 && strings.Trim(s, "0123456789abcdef") == "" {
			return v.Version
		}
	}
	h.t.Fatalf("%s: no version %s-HASH after a release of %s with another config", fn, name, name)
	return ""
}

// check compares functions with the model, through the API: their
// versions, live's routing and record, latest's config, and the config of
// each version live routes to.
func (h *history) check(step int, when string, fns ...string) {
	h.t.Helper()
	ctx := context.Background()
	for _, f := range fns {
		m := h.model[f]
		urn := h.client.FunctionURN("default", f)
		vs, err := h.client.ListVersions(ctx, urn)
		if err != nil {
			h.t.Fatal(err)
		}
		var got, want []string
		for _, v := range release.NewestFirst(vs) {
			got = append(got, v.Version)
		}
		slices.Reverse(got)
		for _, v := range m.versions {
			want = append(want, v.name)
		}
		// The bound keep gives: the keep newest nothing protects, and
		// live's two (main and canary, or main and its rollback target).
		if !slices.Equal(got, want) || len(got) > historyKeep+2 {
			h.t.Fatalf("commit %d, %s: %s has versions %v, want %v (keep %d plus live's %s, canary %q, previous %q, reverted %q)", step, when, f, got, want, historyKeep, m.main, m.canary, m.prev, m.reverted)
		}
		a, err := h.client.GetAlias(ctx, urn, "live")
		if err != nil {
			h.t.Fatal(err)
		}
		_, rec := release.SplitAliasDescription(a.Description)
		wantRoutes := m.main
		if m.canary != "" {
			wantRoutes = m.main + " (80%) + " + m.canary + " (20%)"
		}
		if release.Describe(*a) != wantRoutes || rec.Previous != m.prev || rec.Reverted != m.reverted || len(a.AdditionalVersionWeights) != len(release.Weights(*a)) {
			h.t.Fatalf("commit %d, %s: %s's live routes to %s, previous %q, reverted %q (%q); want %s, %q, %q", step, when, f, release.Describe(*a), rec.Previous, rec.Reverted, a.Description, wantRoutes, m.prev, m.reverted)
		}
		h.checkConf(step, when, f, "latest", m.conf)
		for _, v := range []string{m.main, m.canary} {
			if v != "" {
				h.checkConf(step, when, f, v, m.find(v).conf)
			}
		}
	}
}

// checkDeclared checks, after the pipeline (apply, then promote or call
// off), that every function whose live alias is neither in a canary nor
// rolled back serves the config and code its manifest declares.
func (h *history) checkDeclared(step int) {
	h.t.Helper()
	for _, f := range historyFunctions {
		m := h.model[f]
		if m.canary != "" || m.reverted != "" {
			continue
		}
		if !m.holds(m.find(m.main)) {
			h.t.Fatalf("commit %d: %s's live serves %s, %+v, which is not what its manifest declares (%+v, content %d)", step, f, m.main, m.find(m.main), m.conf, m.content)
		}
		h.checkConf(step, "after the pipeline", f, "live", m.conf)
		h.seen["serves the declared config"]++
	}
}

// checkConf reads the config of a qualifier (latest, a version, an alias)
// back through the API.
func (h *history) checkConf(step int, when, fn, qualifier string, want modelConf) {
	h.t.Helper()
	q := qualifier
	if q == "live" {
		q = "!live"
	}
	cfg, err := h.client.GetConfig(context.Background(), h.client.FunctionURN("default", fn)+":"+q)
	if err != nil {
		h.t.Fatal(err)
	}
	if cfg.MemorySize != want.memory || cfg.Timeout != want.timeout || !strings.Contains(cfg.UserData, `"GREETING":"`+want.greet+`"`) {
		h.t.Fatalf("commit %d, %s: %s's %s has memory %d, timeout %d, user_data %s; want %+v", step, when, fn, qualifier, cfg.MemorySize, cfg.Timeout, cfg.UserData, want)
	}
}
