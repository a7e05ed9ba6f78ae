package fgs

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Production settings: reserved instances per qualifier
// (UpdateFunctionReservedInstancesCount, ListReservedInstanceConfigs) and
// the asynchronous invocation config (Update, Show and
// DeleteFunctionAsyncInvokeConfig), with the readings of docs/api-notes.md
// ("Production settings").
//
// Records live in the production bucket, under the function's key and the
// qualifier ("latest", a version name, or "!" and an alias name), so that
// deleting a version, an alias or the function deletes them.

const bucketProduction = "production" // fnKey NUL target NUL "reserved"|"async" -> reservation|asyncConfig

// reservation is a qualifier's reserved instances as stored.
type reservation struct {
	Count         int            `json:"count"`
	IdleMode      bool           `json:"idle_mode"`
	TacticsConfig *tacticsConfig `json:"tactics_config,omitempty"`
}

type tacticsConfig struct {
	CronConfigs   []cronConfig   `json:"cron_configs,omitempty"`
	MetricConfigs []metricConfig `json:"metric_configs,omitempty"`
}

type cronConfig struct {
	Name        string `json:"name"`
	Cron        string `json:"cron"`
	Count       int    `json:"count"`
	StartTime   int64  `json:"start_time"`
	ExpiredTime int64  `json:"expired_time"`
}

type metricConfig struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Threshold int    `json:"threshold"`
	Min       int    `json:"min"`
}

func (r *reservation) empty() bool {
	return r.Count == 0 && !r.IdleMode && (r.TacticsConfig == nil || len(r.TacticsConfig.CronConfigs)+len(r.TacticsConfig.MetricConfigs) == 0)
}

// asyncConfig is a qualifier's asynchronous invocation config as stored.
type asyncConfig struct {
	MaxEventAge     int              `json:"max_async_event_age_in_seconds"`
	MaxRetries      int              `json:"max_async_retry_attempts"`
	Destinations    *asyncDestConfig `json:"destination_config,omitempty"`
	EnableStatusLog *bool            `json:"enable_async_status_log,omitempty"`
	Created         string           `json:"created_time"`
	LastModified    string           `json:"last_modified"`
}

type asyncDestConfig struct {
	OnSuccess *asyncDest `json:"on_success,omitempty"`
	OnFailure *asyncDest `json:"on_failure,omitempty"`
}

type asyncDest struct {
	Destination string `json:"destination"`
	Param       string `json:"param"`
}

func productionKey(f *Function, target, kind string) string {
	return store.SubKey(f.key(), target, kind)
}

// deleteProduction deletes what belongs to one qualifier of f.
func (t *stx) deleteProduction(f *Function, target string) {
	t.DeletePrefix(bucketProduction, store.SubKey(f.key(), target, ""))
}

// reservedListRoute adds ListReservedInstanceConfigs, a path that would
// otherwise read as a function's: routes.go adds it before them.
func (s *Service) reservedListRoute(rt *httpapi.Router[call]) {
	rt.Handle(http.MethodGet, functions+"/reservedinstanceconfigs", s.read(func(t *stx, c *call) httpapi.Response { return s.listReserved(t, c.r) }))
}

// productionRoutes adds the reservation and async config operations of a
// function.
func (s *Service) productionRoutes(rt *httpapi.Router[call]) {
	rt.Handle(http.MethodPut, function+"/reservedinstances", s.write(s.strictBody("UpdateFunctionReservedInstancesCount", func(t *stx, c *call) httpapi.Response { return s.putReserved(t, c.urn, c.body) })))
	rt.Handle(http.MethodPut, function+"/async-invoke-config", s.write(s.strictBody("UpdateFunctionAsyncInvokeConfig", func(t *stx, c *call) httpapi.Response { return s.putAsync(t, c.urn, c.body) })))
	rt.Handle(http.MethodGet, function+"/async-invoke-config", s.read(func(t *stx, c *call) httpapi.Response { return s.getAsync(t, c.urn) }))
	rt.Handle(http.MethodDelete, function+"/async-invoke-config", s.write(func(t *stx, c *call) httpapi.Response { return s.deleteAsync(t, c.urn) }))
}

// qualifierTarget is the stored qualifier a URN names, after checking it
// exists: the unqualified URN is latest.
func (s *Service) qualifierTarget(t *stx, u urn) (*Function, string, *httpapi.Error) {
	f, _, _, e := s.lookup(t, u)
	if e != nil {
		return nil, "", e
	}
	switch {
	case u.alias != "":
		return f, "!" + u.alias, nil
	case u.version == "":
		return f, "latest", nil
	}
	return f, u.version, nil
}

// reservationBody is the SDK's UpdateFunctionReservedInstancesCountRequestBody.
type reservationBody struct {
	Count         *int           `json:"count"`
	IdleMode      *bool          `json:"idle_mode"`
	TacticsConfig *tacticsConfig `json:"tactics_config"`
}

// putReserved sets a qualifier's reservation. count is required (the
// SDK's body has it without omitempty; HW: "Mandatory: Yes"), 0 to 1000
// (TF) and within the function's maximum instances ("This number cannot
// exceed ... the maximum number of instances per function", HW
// functiongraph_01_1837); an alias and the version it points at cannot
// both hold a reservation (same page). The policies follow TF's rules.
func (s *Service) putReserved(t *stx, u urn, body []byte) httpapi.Response {
	f, target, e := s.qualifierTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b reservationBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	if b.Count == nil {
		return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "count is required"))
	}
	res := &reservation{Count: *b.Count, IdleMode: b.IdleMode != nil && *b.IdleMode, TacticsConfig: b.TacticsConfig}
	if e := checkReservation(res, f.MaxInstances); e != nil {
		return httpapi.Fail(e)
	}
	if !res.empty() {
		if e := s.checkReservationPair(t, f, target); e != nil {
			return httpapi.Fail(e)
		}
	}
	key := productionKey(f, target, "reserved")
	if res.empty() && !s.opts.Strict {
		// Lenient: a reservation set to 0 is gone; strict: it stays
		// listed with min_count 0 (docs/api-notes.md).
		t.Delete(bucketProduction, key)
	} else {
		t.Put(bucketProduction, key, res)
	}
	return httpapi.OK(res)
}

func checkReservation(r *reservation, maxInstances int) *httpapi.Error {
	count := fgsspec.ReservedCount
	if !count.Contains(r.Count) {
		return httpapi.Errorf(400, "FSS.0400", "count %d is out of range (%s)", r.Count, count)
	}
	if maxInstances >= 0 && r.Count > maxInstances {
		return httpapi.Errorf(400, "FSS.0400", "count %d is more than the function's maximum instances (%d)", r.Count, maxInstances)
	}
	tc := r.TacticsConfig
	if tc == nil {
		return nil
	}
	names := map[string]bool{}
	for _, c := range tc.CronConfigs {
		switch {
		case fgsspec.CheckPolicyName(c.Name) != nil:
			return httpapi.Errorf(400, "FSS.0400", "cron_configs: invalid name %q", httpapi.Trunc(c.Name))
		case names[c.Name]:
			return httpapi.Errorf(400, "FSS.0400", "cron_configs: the name %q is given twice", httpapi.Trunc(c.Name))
		case fgsspec.CheckPolicyCron(c.Cron) != nil:
			return httpapi.Errorf(400, "FSS.0400", "cron_configs %s: invalid cron %q", c.Name, httpapi.Trunc(c.Cron))
		case !count.Contains(c.Count) || c.Count < r.Count:
			return httpapi.Errorf(400, "FSS.0400", "cron_configs %s: count %d must be %s and at least the reservation's %d", c.Name, c.Count, count, r.Count)
		case c.ExpiredTime <= c.StartTime || c.StartTime < 0:
			return httpapi.Errorf(400, "FSS.0400", "cron_configs %s: expired_time must be after start_time", c.Name)
		}
		names[c.Name] = true
	}
	for _, m := range tc.MetricConfigs {
		switch {
		case fgsspec.CheckPolicyName(m.Name) != nil:
			return httpapi.Errorf(400, "FSS.0400", "metric_configs: invalid name %q", httpapi.Trunc(m.Name))
		case m.Type != "Concurrency":
			return httpapi.Errorf(400, "FSS.0400", "metric_configs %s: invalid type %q", m.Name, httpapi.Trunc(m.Type))
		case !fgsspec.MetricThreshold.Contains(m.Threshold):
			return httpapi.Errorf(400, "FSS.0400", "metric_configs %s: threshold %d is out of range (%s)", m.Name, m.Threshold, fgsspec.MetricThreshold)
		case !fgsspec.MetricMin.Contains(m.Min) || m.Min < r.Count:
			return httpapi.Errorf(400, "FSS.0400", "metric_configs %s: min %d must be %s and at least the reservation's %d", m.Name, m.Min, fgsspec.MetricMin, r.Count)
		}
	}
	return nil
}

// checkReservationPair refuses a reservation on an alias whose version
// holds one, or on a version an alias holding one points at.
func (s *Service) checkReservationPair(t *stx, f *Function, target string) *httpapi.Error {
	held := func(tg string) bool {
		var r reservation
		return t.Get(bucketProduction, productionKey(f, tg, "reserved"), &r) && !r.empty()
	}
	if name, ok := strings.CutPrefix(target, "!"); ok {
		a := t.alias(f, name)
		if a != nil && held(a.Version) {
			return httpapi.Errorf(400, "FSS.0400", "version %s of alias %s has reserved instances: an alias and its version cannot both have them", a.Version, name)
		}
		return nil
	}
	for _, a := range t.aliases(f) {
		if a.Version == target && held("!"+a.Name) {
			return httpapi.Errorf(400, "FSS.0400", "alias %s of version %s has reserved instances: an alias and its version cannot both have them", a.Name, target)
		}
	}
	return nil
}

// aliasMoves applies the strict reading of what moving an alias does to
// its reservation: the instances belong to the version they run, and a
// version has none by default ("No triggers, mounting disks, or reserved
// instances are configured in a new version by default"), so the
// reservation is gone. The lenient reading keeps it with the alias.
func (s *Service) aliasMoves(t *stx, f *Function, a *Alias, to string) {
	if s.opts.Strict && a.Version != to {
		t.Delete(bucketProduction, productionKey(f, "!"+a.Name, "reserved"))
	}
}

// listReserved answers ListReservedInstanceConfigs: the reservations of
// function_urn (every function's without it), sorted by qualifier, paged
// from marker by limit (at most 500, default 100: the SDK's request).
// Lenient: everything from marker at once, count the number of entries.
// Strict: pages of at most 2 whatever limit says, and count the number of
// functions (the SDK's comment: "函数个数"), so a client that stops on
// count misses entries.
func (s *Service) listReserved(t *stx, r *http.Request) httpapi.Response {
	q := r.URL.Query()
	marker, limit := 0, 100
	var err error
	if v := q.Get("marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "marker %q is not a non-negative integer", httpapi.Trunc(v)))
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 || (s.opts.Strict && limit > 500) {
			return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "limit %q is not 0 to 500", httpapi.Trunc(v)))
		}
	}
	if limit == 0 || limit > 500 {
		limit = 100
	}
	prefix := ""
	if raw := q.Get("function_urn"); raw != "" {
		u, e := s.ownURN(raw)
		if e != nil {
			return httpapi.Fail(e)
		}
		f := t.function(u.key())
		if f == nil {
			return httpapi.Fail(httpapi.Errorf(404, "FSS.1051", "function %s not found", u.name))
		}
		prefix = store.SubKey(f.key())
	}
	type entry struct {
		URN           string         `json:"function_urn"`
		QualifierType string         `json:"qualifier_type"`
		QualifierName string         `json:"qualifier_name"`
		MinCount      int            `json:"min_count"`
		IdleMode      bool           `json:"idle_mode"`
		TacticsConfig *tacticsConfig `json:"tactics_config,omitempty"`
	}
	var all []entry
	functions := map[string]bool{}
	scanErr := t.KV.Scan(bucketProduction, prefix, func(k string, v []byte) error {
		parts := strings.Split(k, "\x00")
		if len(parts) != 3 || parts[2] != "reserved" {
			return nil
		}
		var res reservation
		if err := json.Unmarshal(v, &res); err != nil {
			return err
		}
		pkg, name, _ := strings.Cut(parts[0], "/")
		e := entry{URN: strings.TrimSuffix(s.urnOf(&Function{Package: pkg, Name: name}, ""), ":"), QualifierType: "version", QualifierName: parts[1],
			MinCount: res.Count, IdleMode: res.IdleMode, TacticsConfig: res.TacticsConfig}
		if a, ok := strings.CutPrefix(parts[1], "!"); ok {
			e.QualifierType, e.QualifierName = "alias", a
		}
		functions[parts[0]] = true
		all = append(all, e)
		return nil
	})
	if scanErr != nil {
		t.Fail(scanErr)
		return httpapi.Response{}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].URN != all[j].URN {
			return all[i].URN < all[j].URN
		}
		if all[i].QualifierType != all[j].QualifierType {
			return all[i].QualifierType < all[j].QualifierType
		}
		return all[i].QualifierName < all[j].QualifierName
	})
	size, count := len(all), len(all)
	if s.opts.Strict {
		size, count = min(limit, 2), len(functions)
	}
	page := []entry{}
	if marker < len(all) {
		page = all[marker:min(len(all), marker+size)]
	}
	return httpapi.OK(map[string]any{"reserved_instances": page, "count": count,
		"page_info": map[string]any{"next_marker": marker + len(page), "previous_marker": marker, "current_count": len(page)}})
}

// asyncBody is the SDK's UpdateFunctionAsyncInvokeConfigRequestBody.
type asyncBody struct {
	MaxEventAge     *int             `json:"max_async_event_age_in_seconds"`
	MaxRetries      *int             `json:"max_async_retry_attempts"`
	Destinations    *asyncDestConfig `json:"destination_config"`
	EnableStatusLog *bool            `json:"enable_async_status_log"`
	LogGroupID      *string          `json:"log_group_id"`
	LogStreamID     *string          `json:"log_stream_id"`
	LogGroupName    *string          `json:"log_group_name"`
	LogStreamName   *string          `json:"log_stream_name"`
}

// putAsync sets a qualifier's asynchronous invocation config. The ranges
// are an open rule: lenient takes what any source accepts (age 1 to 86400,
// retries 0 to 8), strict what every source accepts (60 to 86400, 0 to
// 3). Lenient merges a PUT into the stored config (fields left out are
// kept); strict takes it as a full replace (fields left out take their
// defaults: age 3600, retries 3, no destinations, no status log).
func (s *Service) putAsync(t *stx, u urn, body []byte) httpapi.Response {
	f, target, e := s.qualifierTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var b asyncBody
	if e := httpapi.DecodeJSON(body, &b); e != nil {
		return httpapi.Fail(e)
	}
	key := productionKey(f, target, "async")
	var cur asyncConfig
	exists := t.Get(bucketProduction, key, &cur)
	if !exists || s.opts.Strict {
		created := cur.Created
		cur = asyncConfig{MaxEventAge: 3600, MaxRetries: 1, Created: created}
		if s.opts.Strict {
			cur.MaxRetries = 3
		}
		if !exists {
			cur.Created = s.now()
		}
	}
	age, retries := fgsspec.AsyncEventAgeLenient, fgsspec.AsyncRetriesLenient
	if s.opts.Strict {
		age, retries = fgsspec.AsyncEventAge, fgsspec.AsyncRetries
	}
	if b.MaxEventAge != nil {
		if !age.Contains(*b.MaxEventAge) {
			return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "max_async_event_age_in_seconds %d is out of range (%s)", *b.MaxEventAge, age))
		}
		cur.MaxEventAge = *b.MaxEventAge
	}
	if b.MaxRetries != nil {
		if !retries.Contains(*b.MaxRetries) {
			return httpapi.Fail(httpapi.Errorf(400, "FSS.0400", "max_async_retry_attempts %d is out of range (%s)", *b.MaxRetries, retries))
		}
		cur.MaxRetries = *b.MaxRetries
	}
	if d := b.Destinations; d != nil {
		for _, dest := range []*asyncDest{d.OnSuccess, d.OnFailure} {
			if e := s.checkDestination(dest); e != nil {
				return httpapi.Fail(e)
			}
		}
		cur.Destinations = d
		if d.OnSuccess == nil && d.OnFailure == nil {
			cur.Destinations = nil
		}
	}
	if b.EnableStatusLog != nil {
		cur.EnableStatusLog = b.EnableStatusLog
	}
	cur.LastModified = s.now()
	t.Put(bucketProduction, key, &cur)
	return httpapi.OK(s.asyncModel(f, target, &cur))
}

// checkDestination applies the destination rules: the SDK's enum, and a
// param that is a JSON object (the SDK: "json字符串"); strict also wants
// the destination's own field (OBS bucket, SMN topic_urn, DIS
// stream_name, FunctionGraph func_urn).
func (s *Service) checkDestination(d *asyncDest) *httpapi.Error {
	if d == nil {
		return nil
	}
	dest := fgsspec.AsyncDestinationOf(d.Destination)
	if dest == nil {
		return httpapi.Errorf(400, "FSS.0400", "invalid destination %q", httpapi.Trunc(d.Destination))
	}
	var param map[string]any
	if err := json.Unmarshal([]byte(d.Param), &param); err != nil || param == nil {
		return httpapi.Errorf(400, "FSS.0400", "the param of destination %s is not a JSON object string", d.Destination)
	}
	if s.opts.Strict {
		for _, f := range dest.Fields {
			if _, ok := param[f.Name]; f.Required && !ok {
				return httpapi.Errorf(400, "FSS.0400", "the param of destination %s needs %s", d.Destination, f.Name)
			}
		}
	}
	return nil
}

func (s *Service) asyncModel(f *Function, target string, c *asyncConfig) map[string]any {
	m := map[string]any{"func_urn": s.urnOf(f, target), "max_async_event_age_in_seconds": c.MaxEventAge,
		"max_async_retry_attempts": c.MaxRetries, "created_time": c.Created, "last_modified": c.LastModified}
	if c.Destinations != nil {
		m["destination_config"] = c.Destinations
	}
	if c.EnableStatusLog != nil {
		m["enable_async_status_log"] = *c.EnableStatusLog
	}
	return m
}

// getAsync answers ShowFunctionAsyncInvokeConfig. For a qualifier without
// a config the references document no answer: lenient answers 200 with
// the URN and no settings, strict 404 FSS.0404.
func (s *Service) getAsync(t *stx, u urn) httpapi.Response {
	f, target, e := s.qualifierTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	var c asyncConfig
	if !t.Get(bucketProduction, productionKey(f, target, "async"), &c) {
		if s.opts.Strict {
			return httpapi.Fail(httpapi.Errorf(404, "FSS.0404", "the function has no asynchronous invocation config"))
		}
		return httpapi.OK(map[string]any{"func_urn": s.urnOf(f, target)})
	}
	return httpapi.OK(s.asyncModel(f, target, &c))
}

// deleteAsync answers DeleteFunctionAsyncInvokeConfig: 204; for a
// qualifier without a config, lenient 204 too, strict 404 FSS.0404.
func (s *Service) deleteAsync(t *stx, u urn) httpapi.Response {
	f, target, e := s.qualifierTarget(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	key := productionKey(f, target, "async")
	if t.KV.Get(bucketProduction, key) == nil && s.opts.Strict {
		return httpapi.Fail(httpapi.Errorf(404, "FSS.0404", "the function has no asynchronous invocation config"))
	}
	t.Delete(bucketProduction, key)
	return httpapi.NoContent()
}
