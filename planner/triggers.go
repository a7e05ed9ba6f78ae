package planner

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Triggers: a function that declares `triggers` has exactly those. Each
// declared trigger is bound to a target, the qualifier of the URN
// FunctionGraph keys triggers by ("latest", a version, "!" and an alias),
// and paired with a live trigger of the same target and type by the
// type's identity (manifest.TriggerIdentity), as kapp pairs resources by
// key. What differs in fields UpdateTrigger takes is updated in place;
// anything else replaces the trigger; unpaired live triggers are deleted.

// TriggersFingerprintKey is the user_data key of the fingerprints of the
// triggers' secrets (see triggerSecrets).
const TriggersFingerprintKey = manifest.TriggerSecretsFingerprintKey

// maxConcurrentLists bounds the trigger lists one function reads at once.
// They are independent reads of one function, sent together so that the
// triggers cost one round trip of the plan, not one per qualifier.
const maxConcurrentLists = 4

// triggerReads reads the trigger lists of one function, each target at
// most once per plan, for pairing and for pruning.
type triggerReads struct {
	ctx  context.Context
	api  API
	urn  string // unqualified
	name string

	mu    sync.Mutex
	lists map[string]*triggerList
}

type triggerList struct {
	done chan struct{}
	ts   []apiclient.Trigger
	err  error
}

func newTriggerReads(ctx context.Context, api API, urn, name string) *triggerReads {
	return &triggerReads{ctx: ctx, api: api, urn: urn, name: name, lists: map[string]*triggerList{}}
}

// start begins reading the lists of targets that are not read yet, at
// most maxConcurrentLists at a time, and returns at once.
func (r *triggerReads) start(targets []string) {
	r.mu.Lock()
	var todo []*triggerList
	var names []string
	for _, t := range targets {
		if _, ok := r.lists[t]; !ok {
			l := &triggerList{done: make(chan struct{})}
			r.lists[t] = l
			todo = append(todo, l)
			names = append(names, t)
		}
	}
	r.mu.Unlock()
	sem := make(chan struct{}, maxConcurrentLists)
	for i, l := range todo {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			l.ts, l.err = r.api.ListTriggers(r.ctx, r.urn+":"+names[i])
			if l.err != nil {
				l.err = fmt.Errorf("read triggers of %s %s: %w", r.name, plan.DescribeTarget(names[i]), l.err)
			}
			close(l.done)
		}()
	}
}

// list returns the triggers of target, reading them if nothing has.
func (r *triggerReads) list(target string) ([]apiclient.Trigger, error) {
	r.start([]string{target})
	r.mu.Lock()
	l := r.lists[target]
	r.mu.Unlock()
	<-l.done
	return l.ts, l.err
}

// fingerprint hashes the live triggers of targets (ids, types, statuses
// and event_data without secrets), for a saved plan's preconditions.
func (r *triggerReads) fingerprint(targets []string) (string, error) {
	type entry struct{ Target, ID, Type, Status, Data string }
	var es []entry
	for _, t := range targets {
		ts, err := r.list(t)
		if err != nil {
			return "", err
		}
		for _, tr := range ts {
			b, _ := json.Marshal(withoutSecrets(tr.TypeCode, decodeEventData(tr.EventData)))
			es = append(es, entry{t, tr.ID, tr.TypeCode, tr.Status, string(b)})
		}
	}
	b, _ := json.Marshal(es)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func decodeEventData(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	json.Unmarshal(raw, &m)
	return m
}

// withoutSecrets returns data without the secret fields of type typ.
func withoutSecrets(typ string, data map[string]any) map[string]any {
	tt := fgsspec.TriggerTypeOf(typ)
	if tt == nil {
		return data
	}
	out := map[string]any{}
	for k, v := range data {
		out[k] = v
	}
	for _, k := range tt.SecretFields() {
		delete(out, k)
	}
	return out
}

// liveTargets are the targets a live function has triggers on: latest,
// every alias and every published version.
func liveTargets(st *versionState) []string {
	out := []string{"latest"}
	for _, a := range sortedKeys(st.aliases) {
		out = append(out, "!"+a)
	}
	for _, v := range st.versions {
		out = append(out, v.Version)
	}
	return out
}

// triggerSecrets is what fgsdeploy knows of the declared triggers'
// secrets. Their values are never read back (what a read returns for a
// password is not documented: docs/api-notes.md rule 18), so, as for
// encrypted_environment (secrets.go), every declared trigger with secrets
// has a salted PBKDF2-SHA256 hash of its target, type, identity and
// secrets, and the function's user_data keeps them all:
//
//	FGSDEPLOY_TRIGGERS_FP = v1$<salt, base64url>$<hash>,<hash>,...
//
// A declared trigger whose hash is not there (its secrets changed, or
// were never recorded: a trigger made elsewhere, or after init) is
// replaced, since UpdateTrigger cannot change them, and the key is
// rewritten. The salt of a stored value is kept, so an unchanged trigger
// keeps its hash.
type triggerSecrets struct {
	value   string       // what the key should hold; "" for no key
	unknown map[int]bool // declared triggers (by index) whose secrets do not match
}

// triggerFingerprintSize is the length of one trigger's hash, in bytes.
const triggerFingerprintSize = 16

func planTriggerSecrets(f *manifest.Function, liveEnv map[string]string, salt []byte) triggerSecrets {
	ts := triggerSecrets{unknown: map[int]bool{}}
	if f.Triggers == nil {
		return ts
	}
	fsalt := functionSalt(salt, f.Name+"\x00triggers")
	stored := map[string]bool{}
	if parts := strings.Split(liveEnv[TriggersFingerprintKey], "$"); len(parts) == 3 && parts[0] == "v1" {
		if s, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil && len(s) >= 8 {
			fsalt = s
			for _, h := range strings.Split(parts[2], ",") {
				stored[h] = true
			}
		}
	}
	var hashes []string
	for i, t := range f.Triggers {
		if !t.HasSecrets() {
			continue
		}
		h := triggerSecretHash(t, fsalt)
		hashes = append(hashes, h)
		if !stored[h] {
			ts.unknown[i] = true
		}
	}
	if len(hashes) > 0 {
		sort.Strings(hashes)
		ts.value = "v1$" + base64.RawURLEncoding.EncodeToString(fsalt) + "$" + strings.Join(hashes, ",")
	}
	return ts
}

func triggerSecretHash(t manifest.Trigger, salt []byte) string {
	b, _ := json.Marshal(struct {
		Qualifier, Type, Identity string
		Secrets                   map[string]string
	}{t.Qualifier, t.Type, manifest.TriggerIdentity(t.Type, t.EventData), t.Secrets})
	h, err := pbkdf2.Key(sha256.New, string(b), salt, fingerprintIterations, triggerFingerprintSize)
	if err != nil {
		panic(err) // only for invalid parameters, which are constant here
	}
	return base64.RawURLEncoding.EncodeToString(h)
}

// setTriggersFingerprint makes latest's user_data hold value under
// TriggersFingerprintKey ("" removes it), when the function manages its
// triggers: in the config the plan already sends (create or update), else
// in a config update of its own, placed where config updates go. config
// is the config latest will have; it is changed to match.
func setTriggersFingerprint(fp *plan.FunctionPlan, f *manifest.Function, config *apiclient.UpdateConfigRequest, value string) {
	if f.Triggers == nil {
		return
	}
	env := parseEnv(config.UserData)
	if env[TriggersFingerprintKey] == value {
		return
	}
	before := env[TriggersFingerprintKey]
	if value == "" {
		delete(env, TriggersFingerprintKey)
	} else {
		env[TriggersFingerprintKey] = value
	}
	userData := canonicalEnv(env)
	ch := plan.Change{Action: plan.Update, Field: "triggers.secrets", Before: plan.Sensitive, After: plan.Sensitive, Sensitive: true}
	switch {
	case value == "":
		ch.Action, ch.After = plan.Delete, nil
	case before == "":
		ch.Action, ch.Before = plan.Create, nil
	}
	created := false
	for i, s := range fp.Steps {
		switch r := s.Request.(type) {
		case *plan.CreateFunction:
			r.Body.UserData = userData
			c := ch
			c.Action, c.Before = plan.Create, nil
			fp.Steps[i].Changes = append(fp.Steps[i].Changes, c)
			created = true
		case *plan.UpdateConfig:
			// A full replace: it carries user_data, after a create too.
			r.Body.UserData = userData
			if !created {
				fp.Steps[i].Changes = append(fp.Steps[i].Changes, ch)
			}
			config.UserData = userData
			return
		}
	}
	config.UserData = userData
	if created {
		return
	}
	body := *config
	at := len(fp.Steps)
	for i, s := range fp.Steps {
		if s.Type() > plan.StepConfig {
			at = i
			break
		}
	}
	fp.Steps = slices.Insert(fp.Steps, at, plan.Step{Request: &plan.UpdateConfig{Body: &body}, Changes: []plan.Change{ch}})
}

// triggerPlan is what planTriggers decided: the steps, the notes, and
// how many triggers each target has after them (for pruning).
type triggerPlan struct {
	steps []plan.Step
	notes []string
	after map[string]int // target -> triggers after the plan
}

// declaredTrigger is a declared trigger bound to its target.
type declaredTrigger struct {
	manifest.Trigger
	index  int
	target string
	key    string // type and identity
}

// resolveTargets binds each declared trigger to its target: latest; an
// alias, declared or live; else a version, live or published by this
// apply.
func resolveTargets(f *manifest.Function, st *versionState, after map[string]apiclient.Alias, published string) ([]declaredTrigger, error) {
	var out []declaredTrigger
	for i, t := range f.Triggers {
		d := declaredTrigger{Trigger: t, index: i, key: t.Type + " " + manifest.TriggerIdentity(t.Type, t.EventData)}
		_, declared := f.Aliases[t.Qualifier]
		_, live := after[t.Qualifier]
		switch {
		case t.Qualifier == "latest":
			d.target = "latest"
		case declared || live:
			d.target = "!" + t.Qualifier
		case st.find(t.Qualifier) != nil || (t.Qualifier == published && published != plan.PendingVersion):
			d.target = t.Qualifier
		default:
			return nil, f.Errorf(fmt.Sprintf("triggers[%d].qualifier", i), "%s is neither an alias nor a version of the function: declare the alias, or publish that version (publish.version)", t.Qualifier)
		}
		out = append(out, d)
	}
	return out, nil
}

// planTriggers plans the triggers of f: reads the live ones of every
// target (reads is nil for a function that does not exist yet), pairs
// them with the declared ones and returns the steps, deletions first (they
// make room under the per-version limit and free names for a
// replacement), then updates, then creations.
func planTriggers(f *manifest.Function, st *versionState, after map[string]apiclient.Alias, published string, reads *triggerReads, secrets triggerSecrets) (*triggerPlan, error) {
	declared, err := resolveTargets(f, st, after, published)
	if err != nil {
		return nil, err
	}
	tp := &triggerPlan{after: map[string]int{}}
	var deletes, updates, creates []plan.Step
	byTarget := map[string][]declaredTrigger{}
	targets := []string{}
	if reads != nil {
		targets = liveTargets(st)
	}
	for _, d := range declared {
		if len(byTarget[d.target]) == 0 && !slices.Contains(targets, d.target) {
			targets = append(targets, d.target)
		}
		byTarget[d.target] = append(byTarget[d.target], d)
	}
	for _, target := range targets {
		var live []apiclient.Trigger
		if reads != nil && slices.Contains(liveTargets(st), target) {
			if live, err = reads.list(target); err != nil {
				return nil, err
			}
		}
		unmanaged := 0
		paired := map[int]bool{}
		for _, lt := range live {
			if fgsspec.TriggerTypeOf(lt.TypeCode) == nil {
				unmanaged++
				tp.notes = append(tp.notes, fmt.Sprintf("trigger %s %s on %s is of a type fgsdeploy does not manage: left as it is", lt.TypeCode, lt.ID, plan.QualifierName(target)))
				continue
			}
			data := decodeEventData(lt.EventData)
			key := lt.TypeCode + " " + manifest.TriggerIdentity(lt.TypeCode, data)
			j := slices.IndexFunc(byTarget[target], func(d declaredTrigger) bool { return d.key == key && !paired[d.index] })
			if j < 0 {
				deletes = append(deletes, deleteTriggerStep(target, lt, data, plan.Delete, ""))
				continue
			}
			d := byTarget[target][j]
			paired[d.index] = true
			changed, inPlace := triggerDiff(d, lt, data)
			if secrets.unknown[d.index] {
				changed = append(changed, secretsReason(d))
				inPlace = false
			}
			switch {
			case len(changed) == 0:
			case inPlace:
				updates = append(updates, updateTriggerStep(target, d, lt, data))
			default:
				del := deleteTriggerStep(target, lt, data, plan.Replace, strings.Join(changed, " and ")+" change"+verbS(changed))
				del.Changes[0].Before = liveView(d, lt, data)
				del.Changes[0].After = declaredView(d.Trigger)
				deletes = append(deletes, del)
				creates = append(creates, createTriggerStep(target, d, false))
			}
		}
		for _, d := range byTarget[target] {
			if !paired[d.index] {
				creates = append(creates, createTriggerStep(target, d, true))
			}
		}
		if n := len(byTarget[target]) + unmanaged; n > fgsspec.MaxTriggersPerVersion {
			return nil, f.Errorf("triggers", "%s would have %d triggers (%d of types fgsdeploy does not manage); FunctionGraph allows %d per version or alias", plan.DescribeTarget(target), n, unmanaged, fgsspec.MaxTriggersPerVersion)
		}
		tp.after[target] = len(byTarget[target]) + unmanaged
	}
	tp.steps = append(append(deletes, updates...), creates...)
	return tp, nil
}

func verbS(words []string) string {
	if len(words) == 1 && !strings.HasSuffix(words[0], "s") {
		return "s"
	}
	return ""
}

// secretsReason names the secret fields of a trigger for the reason of
// its replacement.
func secretsReason(d declaredTrigger) string {
	names := make([]string, 0, len(d.Secrets))
	for k := range d.Secrets {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, " and ")
}

// triggerDiff compares a declared trigger with its live pair: the names
// of what differs (status and the declared event_data fields; identity
// fields are equal by pairing, secrets are compared by fingerprint) and
// whether UpdateTrigger can change all of it in place.
func triggerDiff(d declaredTrigger, lt apiclient.Trigger, live map[string]any) ([]string, bool) {
	tt := fgsspec.TriggerTypeOf(d.Type)
	var changed []string
	inPlace := true
	if d.Status != lt.Status {
		changed = append(changed, "status")
	}
	for _, k := range sortedKeys(d.EventData) {
		f := tt.Field(k)
		if f == nil || f.Secret || slices.Contains(tt.Identity, k) {
			continue
		}
		if !sameValue(*f, d.EventData[k], live[k]) {
			changed = append(changed, k)
			inPlace = inPlace && f.Updatable
		}
	}
	return changed, inPlace
}

// sameValue compares a declared value with a live one of field f: lists
// as sets, numbers and booleans by value whatever their JSON form, maps
// on their declared fields only.
func sameValue(f fgsspec.TriggerField, declared, live any) bool {
	switch f.Kind {
	case fgsspec.KindString:
		s, _ := live.(string)
		return live != nil && s == declared
	case fgsspec.KindInt:
		n, ok := fgsspec.AsInt(live)
		return ok && n == declared
	case fgsspec.KindBool:
		b, ok := fgsspec.AsBool(live, true)
		return ok && b == declared
	case fgsspec.KindStrings:
		a, _ := fgsspec.AsStrings(declared)
		b, ok := fgsspec.AsStrings(live)
		if !ok {
			return false
		}
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	case fgsspec.KindObject:
		dm, _ := declared.(map[string]any)
		lm, ok := live.(map[string]any)
		if !ok {
			return len(dm) == 0
		}
		for _, sub := range f.Fields {
			if v, ok := dm[sub.Name]; ok && !sameValue(sub, v, lm[sub.Name]) {
				return false
			}
		}
		return true
	case fgsspec.NoKind:
	}
	return false
}

// triggerField names a trigger in plans: "trigger TIMER nightly on live".
func triggerField(typ string, data map[string]any, target string) string {
	return fmt.Sprintf("trigger %s %s on %s", typ, displayKey(typ, data), plan.QualifierName(target))
}

// displayKey is what tells a trigger from the others of its type in a
// plan (release.TriggerKey: a timer's name, an API's method and path...).
func displayKey(typ string, data map[string]any) string { return release.TriggerKey(typ, data) }

// declaredView is a declared trigger as plans show it: its status and
// event_data, secrets as "(sensitive)".
func declaredView(t manifest.Trigger) map[string]any {
	data := map[string]any{}
	for k, v := range t.EventData {
		data[k] = v
	}
	for k := range t.Secrets {
		data[k] = plan.Sensitive
	}
	return map[string]any{"status": t.Status, "event_data": data}
}

// liveView is a live trigger as plans show it beside a declared one: its
// status and the event_data fields the declared one has.
func liveView(d declaredTrigger, lt apiclient.Trigger, live map[string]any) map[string]any {
	data := map[string]any{}
	for k := range d.EventData {
		if v, ok := live[k]; ok {
			data[k] = v
		}
	}
	for k := range d.Secrets {
		data[k] = plan.Sensitive
	}
	return map[string]any{"status": lt.Status, "event_data": data}
}

func deleteTriggerStep(target string, lt apiclient.Trigger, live map[string]any, action plan.Action, reason string) plan.Step {
	shown := withoutSecrets(lt.TypeCode, live)
	return plan.Step{Request: &plan.DeleteTrigger{Target: target, TypeCode: lt.TypeCode, ID: lt.ID},
		Changes: []plan.Change{{Action: action, Field: triggerField(lt.TypeCode, live, target), Before: map[string]any{"status": lt.Status, "event_data": shown}, Reason: reason}}}
}

func updateTriggerStep(target string, d declaredTrigger, lt apiclient.Trigger, live map[string]any) plan.Step {
	tt := fgsspec.TriggerTypeOf(d.Type)
	body := &apiclient.UpdateTriggerRequest{}
	before, after := map[string]any{}, map[string]any{}
	if d.Status != lt.Status {
		body.Status = d.Status
		before["status"], after["status"] = lt.Status, d.Status
	}
	fields := map[string]any{}
	for _, k := range sortedKeys(d.EventData) {
		f := tt.Field(k)
		if f != nil && f.Updatable && !sameValue(*f, d.EventData[k], live[k]) {
			fields[k] = d.EventData[k] // UpdateriggerEventData types is_serial as a boolean
			before[k], after[k] = live[k], d.EventData[k]
		}
	}
	if len(fields) > 0 {
		body.EventData = []map[string]any{fields}
	}
	return plan.Step{Request: &plan.UpdateTrigger{Target: target, TypeCode: lt.TypeCode, ID: lt.ID, Body: body},
		Changes: []plan.Change{{Action: plan.Update, Field: triggerField(d.Type, d.EventData, target), Before: before, After: after}}}
}

// createTriggerStep creates a declared trigger; shown is false for the
// creation that completes a replacement (its change is the deletion's).
func createTriggerStep(target string, d declaredTrigger, shown bool) plan.Step {
	tt := fgsspec.TriggerTypeOf(d.Type)
	data := map[string]any{}
	for k, v := range d.EventData {
		data[k] = v
	}
	for k, v := range d.Secrets {
		data[k] = v
	}
	for _, f := range tt.Fields {
		if b, ok := data[f.Name].(bool); ok && f.WireString {
			data[f.Name] = fmt.Sprint(b) // the create body's is_serial is "true" or "false"
		}
	}
	raw, _ := json.Marshal(data)
	st := plan.Step{Request: &plan.CreateTrigger{Target: target, Identity: tt.Identity,
		Body: &apiclient.CreateTriggerRequest{TypeCode: d.Type, Status: d.Status, EventData: raw}}}
	if shown {
		st.Changes = []plan.Change{{Action: plan.Create, Field: triggerField(d.Type, d.EventData, target), After: declaredView(d.Trigger)}}
	}
	return st
}

// TriggerReader reads what LiveTriggers needs.
type TriggerReader interface {
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
	ListAliases(ctx context.Context, urn string) ([]apiclient.Alias, error)
	ListTriggers(ctx context.Context, urn string) ([]apiclient.Trigger, error)
}

// LiveTrigger is a live trigger as a manifest declares it.
type LiveTrigger struct {
	Type      string
	Qualifier string // "latest", an alias or a version name
	Status    string
	// EventData holds the type's request fields the trigger has, in the
	// manifest's terms (numbers as int, is_serial as a boolean), without
	// secrets and without what the service adds (an OBS trigger's
	// default name).
	EventData map[string]any
	// Secrets names the secret fields the trigger has: their values
	// cannot be read back.
	Secrets []string
}

// LiveTriggers reads the triggers of a function (urn unqualified) on
// latest, its aliases and its versions, as a manifest would declare them,
// so that a manifest with exactly these plans as no change: fgsdeploy
// init writes them. Unwritable says why the triggers cannot be declared
// as they are (a type fgsdeploy does not manage, a secret it cannot read,
// a value its rules refuse): then a manifest must leave triggers out, or
// it would delete or replace what it cannot describe.
func LiveTriggers(ctx context.Context, api TriggerReader, urn string) (triggers []LiveTrigger, unwritable []string, err error) {
	vs, err := api.ListVersions(ctx, urn)
	if err != nil {
		return nil, nil, fmt.Errorf("list versions: %w", err)
	}
	as, err := api.ListAliases(ctx, urn)
	if err != nil {
		return nil, nil, fmt.Errorf("list aliases: %w", err)
	}
	st := &versionState{versions: release.NewestFirst(vs), aliases: map[string]apiclient.Alias{}}
	for _, a := range as {
		st.aliases[a.Name] = a
	}
	timers := map[string]bool{}
	for _, target := range liveTargets(st) {
		ts, err := api.ListTriggers(ctx, urn+":"+target)
		if err != nil {
			return nil, nil, fmt.Errorf("read triggers of %s: %w", plan.DescribeTarget(target), err)
		}
		for _, t := range ts {
			lt, why := liveTrigger(t, target)
			if why == "" && t.TypeCode == "TIMER" {
				name, _ := lt.EventData["name"].(string)
				if timers[name] {
					why = "a second timer named " + name + " in the function"
				}
				timers[name] = true
			}
			if why != "" {
				unwritable = append(unwritable, fmt.Sprintf("%s on %s: %s", release.DescribeTrigger(t), plan.QualifierName(target), why))
			}
			if lt != nil {
				triggers = append(triggers, *lt)
			}
		}
	}
	return triggers, unwritable, nil
}

// liveTrigger turns one live trigger into manifest terms; why says what
// keeps it from being declared as it is ("" when nothing does).
func liveTrigger(t apiclient.Trigger, target string) (*LiveTrigger, string) {
	tt := fgsspec.TriggerTypeOf(t.TypeCode)
	if tt == nil {
		return nil, "of a type fgsdeploy does not manage"
	}
	live := decodeEventData(t.EventData)
	lt := &LiveTrigger{Type: t.TypeCode, Qualifier: plan.QualifierName(target), Status: t.Status, EventData: manifestFields(tt.Fields, live)}
	if t.TypeCode == "OBS" && lt.EventData["name"] == t.ID {
		delete(lt.EventData, "name") // the service's default
	}
	check := map[string]any{}
	for k, v := range lt.EventData {
		check[k] = v
	}
	for _, k := range tt.SecretFields() {
		if _, ok := live[k]; ok {
			lt.Secrets = append(lt.Secrets, k)
			check[k] = "secret"
		}
	}
	switch {
	case len(lt.Secrets) > 0:
		return lt, "holds " + strings.Join(lt.Secrets, " and ") + ", which fgsdeploy cannot read back"
	case lt.Status == "DISABLED" && !tt.Disable:
		return lt, "DISABLED, which a manifest can only declare for TIMER, DDS, KAFKA and LTS triggers"
	}
	if errs := tt.CheckEventData(tt.Defaults(check)); len(errs) > 0 {
		return lt, "its " + errs[0].Error()
	}
	return lt, ""
}

// manifestFields keeps the fields of data the type has, in the
// manifest's kinds.
func manifestFields(fields []fgsspec.TriggerField, data map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		v, ok := data[f.Name]
		if !ok || v == nil || f.Secret {
			continue
		}
		switch f.Kind {
		case fgsspec.KindInt:
			if n, ok := fgsspec.AsInt(v); ok {
				out[f.Name] = n
			}
		case fgsspec.KindBool:
			if b, ok := fgsspec.AsBool(v, true); ok {
				out[f.Name] = b
			}
		case fgsspec.KindStrings:
			if ss, ok := fgsspec.AsStrings(v); ok {
				out[f.Name] = ss
			}
		case fgsspec.KindObject:
			if m, ok := v.(map[string]any); ok {
				out[f.Name] = manifestFields(f.Fields, m)
			}
		case fgsspec.KindString:
			if s, ok := v.(string); ok {
				out[f.Name] = s
			}
		case fgsspec.NoKind:
		}
	}
	return out
}
