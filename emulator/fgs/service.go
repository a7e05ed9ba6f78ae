package fgs

import (
	"errors"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/auth"
	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/obs"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/runtime"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// Options configure the control plane.
type Options struct {
	ProjectID string // the only valid project id
	Region    string
	// Strict takes the harshest documented reading of each rule the API
	// documentation leaves open.
	Strict                    bool
	VersionCap                int // versions per function, latest included
	FunctionCap               int // 0 = no limit
	NotFoundTrap              bool
	ConfigWithoutDependencies bool
	Now                       func() time.Time
	Seed                      int64 // picks an alias's version by weight
	// OnPublish, when set, is told the key ("package/name") of each
	// function a version was published of, once it is committed.
	OnPublish func(key string)
	// Runtime runs the handlers invocations run.
	Runtime runtime.Options
	// LTSDisabled is an account whose LTS logging for FunctionGraph is
	// off until EnableLtsLogs: new functions do not log by default.
	LTSDisabled bool
}

// Service is FunctionGraph's control plane over a store: functions,
// versions, aliases, triggers and dependencies, invocations and their
// statistics.
type Service struct {
	opts    Options
	db      store.KV
	blobs   store.Blobs     // code and dependency packages
	obs     *obs.Service    // what code_url and depend_link read
	records *records.Writer // invocations' logs and statistics
	gw      auth.Gateway    // the gateway's unpublished-API answer
	router  *httpapi.Router[call]
	inv     *invocations // running handlers
}

// Deps are what the control plane works with: the store and the
// services it reads.
type Deps struct {
	DB      store.KV
	Blobs   store.Blobs
	OBS     *obs.Service
	Records *records.Writer
	Gateway auth.Gateway
}

// New makes the control plane.
func New(opts Options, d Deps) *Service {
	s := &Service{opts: opts, db: d.DB, blobs: d.Blobs, obs: d.OBS, records: d.Records, gw: d.Gateway}
	s.router = s.routes()
	s.inv = newInvocations(s)
	return s
}

// Close waits for asynchronous invocations and ends every handler
// process.
func (s *Service) Close() { s.inv.close() }

// read adapts a read to a route: it runs in a view.
func (s *Service) read(fn func(*stx, *call) httpapi.Response) func(*call) httpapi.Response {
	return func(c *call) httpapi.Response { return s.view(func(t *stx) httpapi.Response { return fn(t, c) }) }
}

// write adapts a write to a route: it runs in an update.
func (s *Service) write(fn func(*stx, *call) httpapi.Response) func(*call) httpapi.Response {
	return func(c *call) httpapi.Response { return s.update(func(t *stx) httpapi.Response { return fn(t, c) }) }
}

// view answers a read in a read-only transaction.
func (s *Service) view(fn func(*stx) httpapi.Response) httpapi.Response {
	var resp httpapi.Response
	err := s.db.View(func(tx store.KVTx) error {
		t := newStx(tx)
		resp = fn(t)
		return t.Err
	})
	if err != nil {
		return httpapi.Failf(500, "FSS.0500", "read state: %v", err)
	}
	return resp
}

// errRollback makes Update discard a failed request's writes.
var errRollback = errors.New("request failed")

// update answers a write in a read-write transaction: committed (durable
// on disk with a state directory) before the answer when it succeeds,
// rolled back when it fails.
func (s *Service) update(fn func(*stx) httpapi.Response) httpapi.Response {
	var resp httpapi.Response
	var published string
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		resp = fn(t)
		published = t.published
		switch {
		case t.Err != nil:
			return t.Err
		case resp.Failed():
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return resp
	}
	if err != nil {
		return httpapi.Failf(500, "FSS.0500", "persist state: %v", err)
	}
	if published != "" && s.opts.OnPublish != nil {
		s.opts.OnPublish(published)
	}
	return resp
}

// ownURN parses a URN of the path and checks that it names this
// emulator's region and project.
func (s *Service) ownURN(raw string) (urn, *httpapi.Error) {
	u, e := parseURN(raw)
	if e != nil {
		return urn{}, e
	}
	if u.region != s.opts.Region || u.project != s.opts.ProjectID {
		return urn{}, httpapi.Errorf(400, "FSS.1309", "the URN's region or project does not match")
	}
	return u, nil
}
