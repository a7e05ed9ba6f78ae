package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// subKey is the key of a record that belongs to function key fk.
func subKey(fk string, parts ...string) string { return fk + "\x00" + strings.Join(parts, "\x00") }

// stx is one request's transaction, with typed access to the records. A
// storage or decoding error is kept in err (the first one), and the
// request then fails with 500 and writes nothing.
type stx struct {
	kv  kvTx
	err error
	// published is the key of the function this request published a
	// version of, counted in Stats once the transaction commits.
	published string
}

func (t *stx) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

func (t *stx) get(bucket, key string, v any) bool {
	raw := t.kv.Get(bucket, key)
	if raw == nil {
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.fail(fmt.Errorf("decode %s record %q: %w", bucket, key, err))
		return false
	}
	return true
}

func (t *stx) put(bucket, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.fail(err)
		return
	}
	if err := t.kv.Put(bucket, key, b); err != nil {
		t.fail(fmt.Errorf("write %s record: %w", bucket, err))
	}
}

func (t *stx) del(bucket, key string) {
	if err := t.kv.Delete(bucket, key); err != nil {
		t.fail(fmt.Errorf("delete %s record: %w", bucket, err))
	}
}

// function returns the function with key k, or nil.
func (t *stx) function(k string) *function {
	var f function
	if !t.get(bucketFunctions, k, &f) {
		return nil
	}
	return &f
}

func (t *stx) putFunction(f *function) { t.put(bucketFunctions, f.key(), f) }

// deleteFunction deletes the function and everything that belongs to it.
func (t *stx) deleteFunction(f *function) {
	k := f.key()
	t.del(bucketFunctions, k)
	for _, b := range []string{bucketVersions, bucketAliases, bucketTriggers, bucketStats, bucketProduction} {
		if err := deletePrefix(t.kv, b, subKey(k)); err != nil {
			t.fail(err)
		}
	}
}

// version returns published version name of f, or nil.
func (t *stx) version(f *function, name string) *snapshot {
	var sn snapshot
	if !t.get(bucketVersions, subKey(f.key(), name), &sn) {
		return nil
	}
	return &sn
}

func (t *stx) putVersion(f *function, name string, sn *snapshot) {
	t.put(bucketVersions, subKey(f.key(), name), sn)
}

func (t *stx) deleteVersion(f *function, name string) {
	t.del(bucketVersions, subKey(f.key(), name))
	t.deleteProduction(f, name)
}

// hasVersion tells whether v is latest or a published version of f.
func (t *stx) hasVersion(f *function, v string) bool {
	return v == "latest" || t.kv.Get(bucketVersions, subKey(f.key(), v)) != nil
}

// aliases returns f's aliases sorted by name.
func (t *stx) aliases(f *function) []*alias {
	var out []*alias
	err := t.kv.Scan(bucketAliases, subKey(f.key()), func(k string, v []byte) error {
		var a alias
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("decode alias record %q: %w", k, err)
		}
		out = append(out, &a)
		return nil
	})
	if err != nil {
		t.fail(err)
	}
	return out
}

func (t *stx) alias(f *function, name string) *alias {
	var a alias
	if !t.get(bucketAliases, subKey(f.key(), name), &a) {
		return nil
	}
	return &a
}

func (t *stx) putAlias(f *function, a *alias) { t.put(bucketAliases, subKey(f.key(), a.Name), a) }

func (t *stx) deleteAlias(f *function, name string) {
	t.del(bucketAliases, subKey(f.key(), name))
	t.deleteProduction(f, "!"+name) // "deleting the alias will also delete the corresponding reserved instance" (TF)
}

// triggers returns the triggers of f bound to qualifier q ("latest", a
// version, or "!" and an alias name), oldest first.
func (t *stx) triggers(f *function, q string) []*trigger {
	out := []*trigger{}
	err := t.kv.Scan(bucketTriggers, subKey(f.key(), q, ""), func(k string, v []byte) error {
		var tr trigger
		if err := json.Unmarshal(v, &tr); err != nil {
			return fmt.Errorf("decode trigger record %q: %w", k, err)
		}
		out = append(out, &tr)
		return nil
	})
	if err != nil {
		t.fail(err)
	}
	return out
}

// addTrigger stores a new trigger of f bound to q; seq orders it.
func (t *stx) addTrigger(f *function, q string, seq uint64, tr *trigger) {
	t.put(bucketTriggers, subKey(f.key(), q, fmt.Sprintf("%016x", seq)), tr)
}

func (t *stx) deleteTriggers(f *function, q string) {
	if err := deletePrefix(t.kv, bucketTriggers, subKey(f.key(), q, "")); err != nil {
		t.fail(err)
	}
}

func (t *stx) nextSeq(bucket string) uint64 {
	n, err := t.kv.NextSeq(bucket)
	if err != nil {
		t.fail(err)
	}
	return n
}

// ---------------------------------------------------------------------------
// Opening the state

// legacyStateFile is the JSON file earlier emulators rewrote on every
// change; openState imports it once into state.db.
const legacyStateFile = "state.json"

// openState opens the store of Options.StateDir, or a memory store.
func openState(o Options) (kv, blobStore, error) {
	if o.StateDir == "" {
		return newMemKV(), &memBlobs{m: map[string][]byte{}}, nil
	}
	blobDir := filepath.Join(o.StateDir, "blobs")
	if err := os.MkdirAll(blobDir, 0o700); err != nil {
		return nil, nil, err
	}
	timeout := o.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	db, err := openBolt(o.StateDir, timeout, o.OnLockWait)
	if err != nil {
		return nil, nil, err
	}
	// Temporary files are what a crash while writing a package leaves; the
	// rename that would have published them never happened. The lock is
	// held, so no other emulator is writing them now.
	left, _ := filepath.Glob(filepath.Join(blobDir, ".*.tmp-*"))
	for _, f := range left {
		os.Remove(f)
	}
	if err := importLegacy(db, o.StateDir); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, dirBlobs{dir: blobDir}, nil
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
func importLegacy(db kv, dir string) error {
	path := filepath.Join(dir, legacyStateFile)
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var done bool
	db.View(func(tx kvTx) error {
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
		err := db.Update(func(tx kvTx) error {
			t := &stx{kv: tx}
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
						t.addTrigger(&f, q, t.nextSeq(bucketTriggers), tr)
					}
				}
			}
			// New trigger ids must not repeat imported ones, which came
			// from the old state's sequence.
			for n := t.nextSeq(bucketTriggers); t.err == nil && int64(n) < st.Seq; n = t.nextSeq(bucketTriggers) {
			}
			t.put(bucketMeta, "imported", legacyStateFile)
			return t.err
		})
		if err != nil {
			return fmt.Errorf("import emulator state %s: %w", path, err)
		}
	}
	return os.Rename(path, path+".imported")
}
