package fgs

import "github.com/fgsdeploy/fgsdeploy/emulator/store"

// Stored is a function's records as the store holds them: latest, its
// published versions and its aliases.
type Stored struct {
	Function
	Published map[string]*Snapshot
	Aliases   map[string]*Alias
}

// Stored reads the records of function pkg/name in a transaction of its
// own: what tests check that no read of the API returns (the
// encrypted_user_data kept, the versions a crash left).
func (s *Service) Stored(pkg, name string) (Stored, bool) {
	var sf Stored
	found := false
	s.db.View(func(tx store.KVTx) error {
		t := newStx(tx)
		f := t.function(fnKey(pkg, name))
		if f == nil {
			return nil
		}
		found = true
		sf = Stored{Function: *f, Published: map[string]*Snapshot{}, Aliases: map[string]*Alias{}}
		for _, v := range f.Versions {
			sf.Published[v] = t.version(f, v)
		}
		for _, a := range t.aliases(f) {
			sf.Aliases[a.Name] = a
		}
		return t.Err
	})
	return sf, found
}

// StoredTriggers reads, as stored, the triggers of function pkg/name
// bound to qualifier q: "latest", a version, or "!" and an alias name.
func (s *Service) StoredTriggers(pkg, name, q string) []*Trigger {
	var out []*Trigger
	s.db.View(func(tx store.KVTx) error {
		out = newStx(tx).triggers(&Function{Package: pkg, Name: name}, q)
		return nil
	})
	return out
}
