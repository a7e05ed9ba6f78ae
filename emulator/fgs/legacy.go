package fgs

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// legacyStateFile is the JSON file earlier emulators rewrote on every
// change; ImportLegacy imports it once into state.db.
const legacyStateFile = "state.json"

// legacyFunction is a function as state.json held it, with its versions,
// aliases and triggers inside.
type legacyFunction struct {
	Function
	Published map[string]*Snapshot  `json:"published"`
	Aliases   map[string]*Alias     `json:"aliases"`
	Triggers  map[string][]*Trigger `json:"triggers"`
}

// ImportLegacy moves the functions of dir/state.json into the store in
// one transaction, then renames the file state.json.imported. A marker in
// the meta bucket makes the import happen once even if a crash comes
// between the commit and the rename.
func ImportLegacy(db store.KV, dir string) error {
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
				f := lf.Function
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
