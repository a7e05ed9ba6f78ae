package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The buckets of the tests below.
const (
	aliases  = "aliases"
	triggers = "triggers"
)

var testBuckets = []string{Meta, aliases, triggers}

// Both stores behave alike: sorted prefix scans, sequences, and an update
// that fails or panics keeps nothing it wrote.
func TestStoreKV(t *testing.T) {
	open := map[string]func(t *testing.T) KV{
		"memory": func(*testing.T) KV { return newMemKV(testBuckets) },
		"bbolt": func(t *testing.T) KV {
			db, err := openBolt(t.TempDir(), testBuckets, time.Second, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
	}
	for name, mk := range open {
		t.Run(name, func(t *testing.T) {
			db := mk(t)
			scan := func() string {
				var got []string
				db.View(func(tx KVTx) error {
					return tx.Scan(aliases, "p/f\x00", func(k string, v []byte) error {
						got = append(got, strings.TrimPrefix(k, "p/f\x00")+"="+string(v))
						return nil
					})
				})
				return strings.Join(got, ",")
			}
			err := db.Update(func(tx KVTx) error {
				for _, k := range []string{"p/f\x00b", "p/f\x00a", "p/f2\x00z", "p/e\x00y", "p/f\x00c"} {
					if err := tx.Put(aliases, k, []byte(k[len(k)-1:])); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := scan(); got != "a=a,b=b,c=c" {
				t.Fatalf("prefix scan: %s", got)
			}
			var seqs []uint64
			db.Update(func(tx KVTx) error {
				for range 2 {
					n, _ := tx.NextSeq(triggers)
					seqs = append(seqs, n)
				}
				return nil
			})
			// A failed update and a panicking one change nothing, sequence included.
			boom := errors.New("boom")
			err = db.Update(func(tx KVTx) error {
				tx.Put(aliases, "p/f\x00d", []byte("d"))
				tx.Put(aliases, "p/f\x00a", []byte("A"))
				tx.Delete(aliases, "p/f\x00b")
				tx.NextSeq(triggers)
				return boom
			})
			if err != boom {
				t.Fatalf("update error %v", err)
			}
			func() {
				defer func() { recover() }()
				db.Update(func(tx KVTx) error {
					tx.Delete(aliases, "p/f\x00c")
					panic("handler bug")
				})
			}()
			if got := scan(); got != "a=a,b=b,c=c" {
				t.Errorf("after a failed update: %s", got)
			}
			db.Update(func(tx KVTx) error {
				n, _ := tx.NextSeq(triggers)
				seqs = append(seqs, n)
				return DeletePrefix(tx, aliases, "p/f\x00")
			})
			if fmt.Sprint(seqs) != "[1 2 3]" {
				t.Errorf("sequences %v", seqs)
			}
			if got := scan(); got != "" {
				t.Errorf("after deletePrefix: %s", got)
			}
			db.View(func(tx KVTx) error {
				if tx.Get(aliases, "p/f2\x00z") == nil || tx.Get(aliases, "p/e\x00y") == nil {
					t.Error("deletePrefix deleted another function's records")
				}
				if err := tx.Put(aliases, "x", nil); err == nil {
					t.Error("a view wrote")
				}
				return nil
			})
		})
	}
}
