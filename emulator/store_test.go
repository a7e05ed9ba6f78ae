package emulator

// The store: persistence, locking, crash safety, concurrency, the import
// of an old state.json, and the cost of a request.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	opts := Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion, StateDir: dir}
	run, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, run.URL, opts)
	u := "/functions/" + urnOf("hello")
	c.must(200, "POST", "/functions", createReq(t, "hello", "v1 code"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v1", "description": "one"})
	c.must(200, "PUT", u+"/code", codeReq(t, "v2 code"))
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
	c.must(200, "PUT", u+"/code", codeReq(t, "latest code"))
	c.must(200, "PUT", u+"/config-max-instance", map[string]any{"max_instance_num": 7})
	c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1", "additional_version_weights": map[string]int{"v2": 30}})
	c.must(200, "POST", "/functions", createReq(t, "other", "other"))
	c.must(204, "DELETE", "/functions/"+urnOf("other"), nil)

	// While it runs, the state directory is its own: a second emulator
	// waits for it (saying so once), then refuses. (That every change is
	// on disk before its answer is TestStoreSurvivesKill's.)
	waits := 0
	locked := opts
	locked.LockTimeout, locked.OnLockWait = 200*time.Millisecond, func(string, time.Duration) { waits++ }
	if _, err := New(locked); !errors.Is(err, ErrStateLocked) || waits != 1 {
		t.Errorf("second emulator on a locked state: %v after %d wait messages", err, waits)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); err != nil {
		t.Fatalf("state.db: %v", err)
	}
	// A crash while a package was being written leaves a temporary file.
	os.WriteFile(filepath.Join(dir, "blobs", ".deadbeef.tmp-1"), []byte("half a zip"), 0o644)

	run2, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer run2.Close()
	c = clientFor(t, run2.URL, opts)
	r := c.must(200, "GET", u+"/config", nil)
	if m := r.obj(); m["digest"] != hexSHA512(zipOf(t, "latest code")) || m["strategy_config"].(map[string]any)["concurrency"] != 7.0 || m["user_data"] != `{"PLAIN":"1"}` {
		t.Errorf("latest after restart: %s", r.raw)
	}
	noSecret(t, "config after restart", r)
	r = c.must(200, "GET", u+":!live/config", nil)
	if m := r.obj(); m["version"] != "v1" || m["digest"] != hexSHA512(zipOf(t, "v1 code")) || m["version_description"] != "one" {
		t.Errorf("alias after restart: %s", r.raw)
	}
	r = c.must(200, "GET", u+"/aliases/live", nil)
	if w, _ := r.obj()["additional_version_weights"].(map[string]any); w["v2"] != 30.0 {
		t.Errorf("alias weights after restart: %s", r.raw)
	}
	if vs := c.must(200, "GET", u+"/versions", nil).obj()["versions"].([]any); len(vs) != 3 {
		t.Errorf("versions after restart: %v", vs)
	}
	for q, content := range map[string]string{"": "latest code", ":v1": "v1 code", ":v2": "v2 code"} {
		link := c.must(200, "GET", u+q+"/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
		if got := getLink(t, link); !bytes.Equal(got, zipOf(t, content)) {
			t.Errorf("code of %q after restart: %d bytes", q, len(got))
		}
	}
	wantErr(t, "deleted function after restart", c.do("GET", "/functions/"+urnOf("other")+"/config", nil), 404, "FSS.1051")
	// Latest differs from v2, so it can be published; then it is unchanged.
	c.must(200, "POST", u+"/versions", map[string]any{"version": "v3"})
	wantErr(t, "unchanged after restart", c.do("POST", u+"/versions", map[string]any{"version": "v4"}), 400, "FSS.1016")
}

// A damaged state.db, or a damaged state.json to import, is reported, not
// silently replaced.
func TestPersistenceDamagedState(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, store.DBFile), []byte(strings.Repeat("not a bbolt file", 512)), 0o600)
	if _, err := New(Options{StateDir: dir}); err == nil {
		t.Fatal("a damaged state.db opened without error")
	}
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, legacyState), []byte(`{"functions": {"x`), 0o644)
	if _, err := New(Options{StateDir: dir}); err == nil {
		t.Fatal("a truncated state.json imported without error")
	}
	if _, err := os.Stat(filepath.Join(dir, legacyState)); err != nil {
		t.Errorf("the state.json that failed to import is gone: %v", err)
	}
}

// Concurrent clients lose nothing, in memory and with a state directory.
func TestConcurrent(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testConcurrent(t, "") })
	t.Run("state dir", func(t *testing.T) { testConcurrent(t, t.TempDir()) })
}

func testConcurrent(t *testing.T, dir string) {
	s, c := newServer(t, Options{StateDir: dir})
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n*8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("fn%02d", i)
			u := "/functions/" + urnOf(name)
			step := func(status int, method, path string, body any) {
				if r := c.do(method, path, body); r.err != nil || r.status != status {
					errs <- fmt.Sprintf("%s %s %s: %v", name, method, path, r)
				}
			}
			step(200, "POST", "/functions", createReq(t, name, name))
			step(200, "PUT", u+"/code", codeReq(t, name+" v2"))
			b := configReq(name)
			b["memory_size"], b["user_data"] = 1024, fmt.Sprintf(`{"N":"%d"}`, i)
			step(200, "PUT", u+"/config", b)
			step(200, "POST", u+"/versions", map[string]any{"version": "v1"})
			step(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"})
			step(200, "GET", "/functions?maxitems=3", nil)
			step(200, "GET", u+"/config", nil)
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	check := func(s *Server, c *client) {
		t.Helper()
		m := c.must(200, "GET", "/functions", nil).obj()
		if m["count"] != float64(n) {
			t.Fatalf("count %v", m["count"])
		}
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("fn%02d", i)
			m := c.must(200, "GET", "/functions/"+urnOf(name)+":!live/config", nil).obj()
			if m["digest"] != hexSHA512(zipOf(t, name+" v2")) || m["memory_size"] != 1024.0 || m["user_data"] != fmt.Sprintf(`{"N":"%d"}`, i) {
				t.Errorf("%s: %v", name, m)
			}
			f, _ := fnState(s, "default", name)
			if len(f.Versions) != 1 || len(f.Published) != 1 || len(f.Aliases) != 1 {
				t.Errorf("%s state: %+v", name, f)
			}
		}
	}
	check(s, c)
	st := s.Stats()
	if len(st.Publishes) != n || st.Requests["POST functions"] != n || st.Faults != 0 {
		t.Errorf("stats: %+v", st)
	}
	if dir == "" {
		return
	}
	// The store holds every function too once reopened.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, c2 := newServer(t, Options{StateDir: dir})
	check(s2, c2)
}

// countingKV counts the keys a request touches: each Get, Put and Delete,
// and each key a Scan visits.
type countingKV struct {
	store.KV
	mu sync.Mutex
	n  int
}

func (c *countingKV) add(n int) { c.mu.Lock(); c.n += n; c.mu.Unlock() }

func (c *countingKV) View(fn func(store.KVTx) error) error {
	return c.KV.View(func(tx store.KVTx) error { return fn(countingTx{tx, c}) })
}

func (c *countingKV) Update(fn func(store.KVTx) error) error {
	return c.KV.Update(func(tx store.KVTx) error { return fn(countingTx{tx, c}) })
}

type countingTx struct {
	store.KVTx
	c *countingKV
}

func (t countingTx) Get(b, k string) []byte { t.c.add(1); return t.KVTx.Get(b, k) }

func (t countingTx) Put(b, k string, v []byte) error {
	t.c.add(1)
	return t.KVTx.Put(b, k, v)
}

func (t countingTx) Delete(b, k string) error { t.c.add(1); return t.KVTx.Delete(b, k) }

func (t countingTx) Scan(b, p string, fn func(string, []byte) error) error {
	return t.KVTx.Scan(b, p, func(k string, v []byte) error { t.c.add(1); return fn(k, v) })
}

// The records a request reads and writes do not depend on how many
// functions the project holds: the same requests on one function touch the
// same number of keys beside 3 other functions as beside 150.
func TestStoreRequestCost(t *testing.T) {
	for _, dir := range []bool{false, true} {
		t.Run(fmt.Sprint("state dir ", dir), func(t *testing.T) {
			touched := map[int]int{}
			for _, others := range []int{3, 150} {
				o := Options{}
				if dir {
					o.StateDir = t.TempDir()
				}
				s, c := newServer(t, o)
				counter := &countingKV{KV: s.db}
				s.db = counter
				for i := range others {
					name := fmt.Sprintf("other%03d", i)
					c.must(200, "POST", "/functions", createReq(t, name, name))
					c.must(200, "POST", "/functions/"+urnOf(name)+"/versions", map[string]any{"version": "v1"})
					c.must(200, "POST", "/functions/"+urnOf(name)+"/aliases", map[string]any{"name": "live", "version": "v1"})
				}
				counter.n = 0
				u := "/functions/" + urnOf("probe")
				c.must(200, "POST", "/functions", createReq(t, "probe", "1"))
				c.must(200, "PUT", u+"/code", codeReq(t, "2"))
				c.must(200, "PUT", u+"/config", configReq("probe"))
				c.must(200, "POST", u+"/versions", map[string]any{"version": "v1"})
				c.must(200, "POST", u+"/aliases", map[string]any{"name": "live", "version": "v1"})
				c.must(200, "PUT", u+"/code", codeReq(t, "3"))
				c.must(200, "POST", u+"/versions", map[string]any{"version": "v2"})
				c.must(200, "PUT", u+"/aliases/live", map[string]any{"version": "v2"})
				c.must(200, "GET", u+"/config", nil)
				c.must(200, "GET", u+"/versions", nil)
				c.must(200, "GET", u+"/aliases", nil)
				c.must(204, "DELETE", u+":v1", nil)
				touched[others] = counter.n
			}
			if touched[3] != touched[150] {
				t.Errorf("keys touched by the same requests: %v (beside 3 and 150 other functions)", touched)
			}
		})
	}
}

// TestMain runs the child process of TestStoreSurvivesKill when asked to.
func TestMain(m *testing.M) {
	if dir := os.Getenv("EMULATOR_KILL_CHILD_DIR"); dir != "" {
		killChild(dir)
		return
	}
	os.Exit(m.Run())
}

// killChild creates functions until it is killed, printing each name once
// its create and publish were answered.
func killChild(dir string) {
	s, err := New(Options{StateDir: dir, Token: testToken, ProjectID: testPID, Region: testRegion})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	do := func(method, path string, body any) {
		b, _ := json.Marshal(body)
		rec := serveDirect(s, method, "/v2/"+testPID+"/fgs"+path, b)
		if rec.Code != 200 {
			fmt.Println("error", method, path, rec.Code, rec.Body)
			os.Exit(1)
		}
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("fn%04d", i)
		do("POST", "/functions", createReq(nil, name, name))
		do("POST", "/functions/"+urnOf(name)+"/versions", map[string]any{"version": "v1"})
		fmt.Printf("done %s\n", name)
	}
}

// Every change answered is on disk: a process killed (SIGKILL) in the
// middle of writing leaves a store that opens, holds every function it
// acknowledged, and whose records all read back.
func TestStoreSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "EMULATOR_KILL_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for len(acked) < 25 && sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "done "); ok {
			acked = append(acked, name)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(acked) < 25 {
		t.Fatalf("the child acknowledged only %v", acked)
	}
	s, c := newServer(t, Options{StateDir: dir})
	for _, name := range acked {
		r := c.must(200, "GET", "/functions/"+urnOf(name)+":v1/config", nil)
		if r.obj()["digest"] != hexSHA512(zipOf(t, name)) {
			t.Errorf("%s after the kill: %s", name, r.raw)
		}
	}
	// Every record in the store decodes.
	err = s.db.View(func(tx store.KVTx) error {
		for _, b := range []string{"functions", "versions"} {
			if err := tx.Scan(b, "", func(k string, v []byte) error {
				if !json.Valid(v) {
					return fmt.Errorf("%s %q: %q", b, k, v)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// A state directory is one process's at a time: a second emulator waits,
// saying so once, and opens when the first closes; past its timeout it
// refuses, naming the file.
func TestStoreLock(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []string
	onWait := func(path string, d time.Duration) {
		mu.Lock()
		waits = append(waits, fmt.Sprint(path, " ", d))
		mu.Unlock()
	}
	_, err = New(Options{StateDir: dir, LockTimeout: 300 * time.Millisecond, OnLockWait: onWait})
	if !errors.Is(err, ErrStateLocked) || !strings.Contains(err.Error(), filepath.Join(dir, store.DBFile)) {
		t.Errorf("refusal: %v", err)
	}
	if want := filepath.Join(dir, store.DBFile) + " 300ms"; len(waits) != 1 || waits[0] != want {
		t.Errorf("wait messages %q, want one %q", waits, want)
	}
	// A second one waits (it says so through OnLockWait: its first try
	// found the lock held) and opens once the first closes.
	waiting, opened := make(chan struct{}), make(chan error, 1)
	go func() {
		s, err := New(Options{StateDir: dir, LockTimeout: 30 * time.Second, OnLockWait: func(string, time.Duration) { close(waiting) }})
		if err == nil {
			s.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("opened while the first held the lock: %v", err)
	case <-waiting:
	}
	first.Close()
	if err := <-opened; err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
}

// Two emulators started at once on one state directory, each applying its
// own functions, lose no write: the second waits for the first, then sees
// and keeps everything the first wrote.
func TestStoreConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, group := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion, StateDir: dir, LockTimeout: 60 * time.Second}
			run, err := Start("127.0.0.1:0", o)
			if err != nil {
				errs <- err
				return
			}
			defer run.Close()
			c := clientFor(t, run.URL, o)
			for i := range 10 {
				name := fmt.Sprintf("%s%02d", group, i)
				u := "/functions/" + urnOf(name)
				for _, st := range []struct {
					method, path string
					body         any
				}{
					{"POST", "/functions", createReq(t, name, name)},
					{"POST", u + "/versions", map[string]any{"version": "v1"}},
					{"POST", u + "/aliases", map[string]any{"name": "live", "version": "v1"}},
				} {
					if r := c.do(st.method, st.path, st.body); r.status != 200 {
						errs <- fmt.Errorf("%s %s: %v", st.method, st.path, r)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, c := newServer(t, Options{StateDir: dir})
	if n := c.must(200, "GET", "/functions", nil).obj()["count"]; n != 20.0 {
		t.Errorf("%v functions, want 20", n)
	}
	for _, group := range []string{"a", "b"} {
		for i := range 10 {
			name := fmt.Sprintf("%s%02d", group, i)
			if r := c.must(200, "GET", "/functions/"+urnOf(name)+":!live/config", nil); r.obj()["version"] != "v1" {
				t.Errorf("%s: %s", name, r.raw)
			}
		}
	}
}

// legacyState is the file earlier emulators kept their state in.
const legacyState = "state.json"

// A state.json of an earlier emulator is imported once: functions,
// versions, aliases, triggers and code; the file is renamed, and new
// trigger ids do not repeat the imported ones.
func TestStoreImportLegacy(t *testing.T) {
	dir := t.TempDir()
	zip := zipOf(t, "legacy")
	digest := hexSHA512(zip)
	os.MkdirAll(filepath.Join(dir, "blobs"), 0o755)
	os.WriteFile(filepath.Join(dir, "blobs", digest), zip, 0o644)
	code := fgs.Code{CodeType: "zip", CodeFilename: "code.zip", CodeSize: int64(len(zip)), Digest: digest}
	cfg := fgs.Config{Runtime: "Python3.10", Handler: "index.handler", MemorySize: 256, Timeout: 30, EncryptedUserData: `{"S":"s3cr3t-value"}`}
	legacy := map[string]any{
		"seq": 41,
		"functions": map[string]any{"default/old": map[string]any{
			"name": "old", "package": "default", "max_instances": 7, "created": "2025-01-01 00:00:00",
			"latest":    fgs.Snapshot{Config: cfg, Code: code, LastModified: "2025-01-02 00:00:00"},
			"versions":  []string{"v1"},
			"published": map[string]any{"v1": fgs.Snapshot{Config: cfg, Code: code, Description: "one", LastModified: "2025-01-01 00:00:00"}},
			"aliases":   map[string]any{"live": fgs.Alias{Name: "live", Version: "v1", LastModified: "2025-01-01T00:00:00+08:00"}},
			"triggers": map[string]any{"!live": []fgs.Trigger{{ID: "emu-trigger-41", TypeCode: "TIMER", Status: "ACTIVE",
				EventData: json.RawMessage(`{"name":"t"}`)}}},
		}},
	}
	raw, _ := json.Marshal(legacy)
	os.WriteFile(filepath.Join(dir, legacyState), raw, 0o600)

	for round := range 2 { // the second open imports nothing again
		s, c := newServer(t, Options{StateDir: dir})
		u := "/functions/" + urnOf("old")
		r := c.must(200, "GET", u+":!live/config", nil)
		if m := r.obj(); m["version"] != "v1" || m["digest"] != digest || m["version_description"] != "one" {
			t.Errorf("round %d: alias live: %s", round, r.raw)
		}
		if f, _ := fnState(s, "default", "old"); f.Latest.Config.EncryptedUserData != cfg.EncryptedUserData || f.MaxInstances != 7 {
			t.Errorf("round %d: latest %+v", round, f.Function)
		}
		if l := c.must(200, "GET", "/triggers/"+urnOf("old")+":!live", nil).list(); len(l) != 1 {
			t.Errorf("round %d: triggers %v", round, l)
		}
		link := c.must(200, "GET", u+":v1/code", nil).obj()["func_code"].(map[string]any)["link"].(string)
		if got := getLink(t, link); string(got) != string(zip) {
			t.Errorf("round %d: code of v1", round)
		}
		if round == 0 {
			r := c.must(201, "POST", "/triggers/"+urnOf("old")+":v1", map[string]any{"trigger_type_code": "TIMER", "event_data": map[string]any{"name": "n", "schedule_type": "Rate", "schedule": "1m"}})
			if id := r.obj()["trigger_id"]; id == "emu-trigger-41" {
				t.Errorf("new trigger id %v repeats an imported one", id)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, legacyState)); !os.IsNotExist(err) {
			t.Errorf("round %d: state.json still there: %v", round, err)
		}
		if _, err := os.Stat(filepath.Join(dir, legacyState+".imported")); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		s.Close()
	}
	// The marker keeps a state.json that reappears (a crash before the
	// rename) from being imported over newer state.
	os.WriteFile(filepath.Join(dir, legacyState), raw, 0o600)
	_, c := newServer(t, Options{StateDir: dir})
	if l := c.must(200, "GET", "/triggers/"+urnOf("old")+":v1", nil).list(); len(l) != 1 {
		t.Errorf("after a second state.json: %v", l)
	}
	if l := c.must(200, "GET", "/triggers/"+urnOf("old")+":!live", nil).list(); len(l) != 1 {
		t.Errorf("imported twice: %v", l)
	}
}
