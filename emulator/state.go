package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fgsdeploy/fgsdeploy/emulator/obs"
	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// The emulator's own wire model (the SDK's models; docs/api-notes.md). It is
// deliberately separate from the client's types.

type funcVpc struct {
	VpcID          string   `json:"vpc_id"`
	SubnetID       string   `json:"subnet_id"`
	VpcName        string   `json:"vpc_name,omitempty"`
	SubnetName     string   `json:"subnet_name,omitempty"`
	Cidr           string   `json:"cidr,omitempty"`
	Gateway        string   `json:"gateway,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	IsSafety       *bool    `json:"is_safety,omitempty"`
}

type funcMount struct {
	MountType      string `json:"mount_type"`
	MountResource  string `json:"mount_resource"`
	MountSharePath string `json:"mount_share_path,omitempty"`
	LocalMountPath string `json:"local_mount_path"`
	Status         string `json:"status,omitempty"`
}

type mountConfig struct {
	MountUser *struct {
		UserID      int `json:"user_id"`
		UserGroupID int `json:"user_group_id"`
	} `json:"mount_user,omitempty"`
	FuncMounts []funcMount `json:"func_mounts"`
}

type logConfig struct {
	GroupID    string `json:"group_id,omitempty"`
	GroupName  string `json:"group_name,omitempty"`
	StreamID   string `json:"stream_id,omitempty"`
	StreamName string `json:"stream_name,omitempty"`
}

type strategyConfig struct {
	Concurrency   *int `json:"concurrency,omitempty"`
	ConcurrentNum *int `json:"concurrent_num,omitempty"`
}

// config is the mutable configuration of a function version; it is what
// PUT config replaces and what a version snapshots.
type config struct {
	Runtime            string          `json:"runtime"`
	Timeout            int             `json:"timeout"`
	Handler            string          `json:"handler"`
	MemorySize         int             `json:"memory_size"`
	UserData           string          `json:"user_data,omitempty"`
	EncryptedUserData  string          `json:"encrypted_user_data,omitempty"`
	Xrole              string          `json:"xrole,omitempty"`
	AppXrole           string          `json:"app_xrole,omitempty"`
	Description        string          `json:"description,omitempty"`
	FuncVpc            *funcVpc        `json:"func_vpc,omitempty"`
	MountConfig        *mountConfig    `json:"mount_config,omitempty"`
	StrategyConfig     *strategyConfig `json:"strategy_config,omitempty"`
	InitializerHandler string          `json:"initializer_handler,omitempty"`
	InitializerTimeout int             `json:"initializer_timeout,omitempty"`
	PreStopHandler     string          `json:"pre_stop_handler,omitempty"`
	PreStopTimeout     int             `json:"pre_stop_timeout,omitempty"`
	EnableLtsLog       *bool           `json:"enable_lts_log,omitempty"`
	LogConfig          *logConfig      `json:"log_config,omitempty"`
	EphemeralStorage   int             `json:"ephemeral_storage,omitempty"`
	DomainNames        string          `json:"domain_names,omitempty"`
	Type               string          `json:"type,omitempty"`
}

// code is a version's code.
type code struct {
	CodeType            string   `json:"code_type"`
	CodeURL             string   `json:"code_url,omitempty"`
	CodeFilename        string   `json:"code_filename,omitempty"`
	CodeSize            int64    `json:"code_size"`
	Digest              string   `json:"digest"`
	DependVersionList   []string `json:"depend_version_list,omitempty"`
	CodeEncryptKmsKeyID string   `json:"code_encrypt_kms_key_id,omitempty"`
}

// snapshot is latest, or a published version.
type snapshot struct {
	Config config `json:"config"`
	// Other holds config fields FunctionGraph stores and returns that the
	// emulator does not interpret (otherConfigBody), as sent.
	Other        map[string]json.RawMessage `json:"other_config,omitempty"`
	Code         code                       `json:"code"`
	Description  string                     `json:"version_description,omitempty"`
	LastModified string                     `json:"last_modified"`
}

type alias struct {
	Name         string         `json:"name"`
	Version      string         `json:"version"`
	Description  string         `json:"description,omitempty"`
	Weights      map[string]int `json:"additional_version_weights,omitempty"`
	Strategy     map[string]any `json:"additional_version_strategy,omitempty"`
	LastModified string         `json:"last_modified"`
}

// function is a function's record: latest and what belongs to the
// function as a whole. Its versions, aliases and triggers are records of
// their own (see store.go), so that a request reads and writes only what
// it names.
type function struct {
	Name         string   `json:"name"`
	Package      string   `json:"package"`
	Latest       snapshot `json:"latest"`
	Versions     []string `json:"versions"` // publish order
	MaxInstances int      `json:"max_instances"`
	Created      string   `json:"created"`
}

func fnKey(pkg, name string) string { return pkg + "/" + name }

func (f *function) key() string { return fnKey(f.Package, f.Name) }

// stx is one request's transaction, with typed access to the records:
// a storage or decoding error fails the request with 500, which then
// writes nothing.
type stx struct {
	store.Tx
	// published is the key of the function this request published a
	// version of, counted in Stats once the transaction commits.
	published string
}

func newStx(tx store.KVTx) *stx { return &stx{Tx: store.Tx{KV: tx}} }

// function returns the function with key k, or nil.
func (t *stx) function(k string) *function {
	var f function
	if !t.Get(bucketFunctions, k, &f) {
		return nil
	}
	return &f
}

func (t *stx) putFunction(f *function) { t.Put(bucketFunctions, f.key(), f) }

// deleteFunction deletes the function and everything that belongs to it.
func (t *stx) deleteFunction(f *function) {
	k := f.key()
	t.Delete(bucketFunctions, k)
	for _, b := range []string{bucketVersions, bucketAliases, bucketTriggers, records.Stats} {
		if err := store.DeletePrefix(t.KV, b, store.SubKey(k)); err != nil {
			t.Fail(err)
		}
	}
}

// version returns published version name of f, or nil.
func (t *stx) version(f *function, name string) *snapshot {
	var sn snapshot
	if !t.Get(bucketVersions, store.SubKey(f.key(), name), &sn) {
		return nil
	}
	return &sn
}

func (t *stx) putVersion(f *function, name string, sn *snapshot) {
	t.Put(bucketVersions, store.SubKey(f.key(), name), sn)
}

func (t *stx) deleteVersion(f *function, name string) {
	t.Delete(bucketVersions, store.SubKey(f.key(), name))
}

// hasVersion tells whether v is latest or a published version of f.
func (t *stx) hasVersion(f *function, v string) bool {
	return v == "latest" || t.KV.Get(bucketVersions, store.SubKey(f.key(), v)) != nil
}

// aliases returns f's aliases sorted by name.
func (t *stx) aliases(f *function) []*alias {
	var out []*alias
	err := t.KV.Scan(bucketAliases, store.SubKey(f.key()), func(k string, v []byte) error {
		var a alias
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("decode alias record %q: %w", k, err)
		}
		out = append(out, &a)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	return out
}

func (t *stx) alias(f *function, name string) *alias {
	var a alias
	if !t.Get(bucketAliases, store.SubKey(f.key(), name), &a) {
		return nil
	}
	return &a
}

func (t *stx) putAlias(f *function, a *alias) { t.Put(bucketAliases, store.SubKey(f.key(), a.Name), a) }

func (t *stx) deleteAlias(f *function, name string) {
	t.Delete(bucketAliases, store.SubKey(f.key(), name))
}

// triggers returns the triggers of f bound to qualifier q ("latest", a
// version, or "!" and an alias name), oldest first.
func (t *stx) triggers(f *function, q string) []*trigger {
	out := []*trigger{}
	err := t.KV.Scan(bucketTriggers, store.SubKey(f.key(), q, ""), func(k string, v []byte) error {
		var tr trigger
		if err := json.Unmarshal(v, &tr); err != nil {
			return fmt.Errorf("decode trigger record %q: %w", k, err)
		}
		out = append(out, &tr)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	return out
}

// addTrigger stores a new trigger of f bound to q; seq orders it.
func (t *stx) addTrigger(f *function, q string, seq uint64, tr *trigger) {
	t.Put(bucketTriggers, store.SubKey(f.key(), q, fmt.Sprintf("%016x", seq)), tr)
}

func (t *stx) deleteTriggers(f *function, q string) {
	if err := store.DeletePrefix(t.KV, bucketTriggers, store.SubKey(f.key(), q, "")); err != nil {
		t.Fail(err)
	}
}

// ---------------------------------------------------------------------------
// Opening the state

// legacyStateFile is the JSON file earlier emulators rewrote on every
// change; openState imports it once into state.db.
const legacyStateFile = "state.json"

// openState opens the store of Options.StateDir, or a memory store, and
// imports a state.json of an earlier emulator.
func openState(o Options) (store.KV, store.Blobs, error) {
	db, blobs, err := store.Open(store.Options{Dir: o.StateDir, Buckets: slices.Concat(buckets, records.Buckets, obs.Buckets), LockTimeout: o.LockTimeout, OnLockWait: o.OnLockWait})
	if err != nil || o.StateDir == "" {
		return db, blobs, err
	}
	if err := importLegacy(db, o.StateDir); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, blobs, nil
}

// legacyFunction is a function as state.json held it, with its versions,
// aliases and triggers inside.
type legacyFunction struct {
	function
	Published map[string]*snapshot  `json:"published"`
	Aliases   map[string]*alias     `json:"aliases"`
	Triggers  map[string][]*trigger `json:"triggers"`
}

// importLegacy moves the functions of dir/state.json into the store in
// one transaction, then renames the file state.json.imported. A marker in
// the meta bucket makes the import happen once even if a crash comes
// between the commit and the rename.
func importLegacy(db store.KV, dir string) error {
	path := filepath.Join(dir, legacyStateFile)
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var done bool
	db.View(func(tx store.KVTx) error {
		done = tx.Get(bucketMeta, "imported") != nil
		return nil
	})
	if !done {
		var st struct {
			Functions map[string]*legacyFunction `json:"functions"`
			Seq       int64                      `json:"seq"`
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			return fmt.Errorf("import emulator state %s: %w", path, err)
		}
		err := db.Update(func(tx store.KVTx) error {
			t := newStx(tx)
			for _, lf := range st.Functions {
				f := lf.function
				t.putFunction(&f)
				for name, sn := range lf.Published {
					t.putVersion(&f, name, sn)
				}
				for _, a := range lf.Aliases {
					t.putAlias(&f, a)
				}
				for q, trs := range lf.Triggers {
					for _, tr := range trs {
						t.addTrigger(&f, q, t.NextSeq(bucketTriggers), tr)
					}
				}
			}
			// New trigger ids must not repeat imported ones, which came
			// from the old state's sequence.
			for n := t.NextSeq(bucketTriggers); t.Err == nil && int64(n) < st.Seq; n = t.NextSeq(bucketTriggers) {
			}
			t.Put(bucketMeta, "imported", legacyStateFile)
			return t.Err
		})
		if err != nil {
			return fmt.Errorf("import emulator state %s: %w", path, err)
		}
	}
	return os.Rename(path, path+".imported")
}
