package fgs

import (
	"fmt"

	"github.com/fgsdeploy/fgsdeploy/emulator/records"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

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
func (t *stx) function(k string) *Function {
	var f Function
	if !t.Get(bucketFunctions, k, &f) {
		return nil
	}
	return &f
}

func (t *stx) putFunction(f *Function) { t.Put(bucketFunctions, f.key(), f) }

// deleteFunction deletes the function and everything that belongs to it.
func (t *stx) deleteFunction(f *Function) {
	k := f.key()
	t.Delete(bucketFunctions, k)
	for _, b := range []string{bucketVersions, bucketAliases, bucketTriggers, records.Stats, bucketProduction} {
		if err := store.DeletePrefix(t.KV, b, store.SubKey(k)); err != nil {
			t.Fail(err)
		}
	}
}

// version returns published version name of f, or nil.
func (t *stx) version(f *Function, name string) *Snapshot {
	var sn Snapshot
	if !t.Get(bucketVersions, store.SubKey(f.key(), name), &sn) {
		return nil
	}
	return &sn
}

func (t *stx) putVersion(f *Function, name string, sn *Snapshot) {
	t.Put(bucketVersions, store.SubKey(f.key(), name), sn)
}

func (t *stx) deleteVersion(f *Function, name string) {
	t.Delete(bucketVersions, store.SubKey(f.key(), name))
	t.deleteProduction(f, name)
}

// hasVersion tells whether v is latest or a published version of f.
func (t *stx) hasVersion(f *Function, v string) bool {
	return v == "latest" || t.KV.Get(bucketVersions, store.SubKey(f.key(), v)) != nil
}

// aliases returns f's aliases sorted by name.
func (t *stx) aliases(f *Function) []*Alias {
	var out []*Alias
	store.Each(&t.Tx, bucketAliases, store.SubKey(f.key()), "alias", func(_ string, a *Alias) { out = append(out, a) })
	return out
}

func (t *stx) alias(f *Function, name string) *Alias {
	var a Alias
	if !t.Get(bucketAliases, store.SubKey(f.key(), name), &a) {
		return nil
	}
	return &a
}

func (t *stx) putAlias(f *Function, a *Alias) { t.Put(bucketAliases, store.SubKey(f.key(), a.Name), a) }

func (t *stx) deleteAlias(f *Function, name string) {
	t.Delete(bucketAliases, store.SubKey(f.key(), name))
	t.deleteProduction(f, "!"+name) // "deleting the alias will also delete the corresponding reserved instance" (TF)
}

// triggers returns the triggers of f bound to qualifier q ("latest", a
// version, or "!" and an alias name), oldest first.
func (t *stx) triggers(f *Function, q string) []*Trigger {
	out := []*Trigger{}
	store.Each(&t.Tx, bucketTriggers, store.SubKey(f.key(), q, ""), "trigger", func(_ string, tr *Trigger) { out = append(out, tr) })
	return out
}

// addTrigger stores a new trigger of f bound to q; seq orders it.
func (t *stx) addTrigger(f *Function, q string, seq uint64, tr *Trigger) {
	t.Put(bucketTriggers, store.SubKey(f.key(), q, fmt.Sprintf("%016x", seq)), tr)
}

func (t *stx) deleteTriggers(f *Function, q string) {
	if err := store.DeletePrefix(t.KV, bucketTriggers, store.SubKey(f.key(), q, "")); err != nil {
		t.Fail(err)
	}
}
