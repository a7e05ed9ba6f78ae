package store

import (
	"encoding/json"
	"fmt"
)

// Tx is one request's transaction with JSON records. A storage or
// decoding error is kept in Err (the first one); the request then fails
// and writes nothing.
type Tx struct {
	KV  KVTx
	Err error
}

// Fail keeps err unless an error is kept already.
func (t *Tx) Fail(err error) {
	if t.Err == nil {
		t.Err = err
	}
}

// Get decodes the record bucket/key into v and tells whether there was one.
func (t *Tx) Get(bucket, key string, v any) bool {
	raw := t.KV.Get(bucket, key)
	if raw == nil {
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fail(fmt.Errorf("decode %s record %q: %w", bucket, key, err))
		return false
	}
	return true
}

// Put stores v as the record bucket/key.
func (t *Tx) Put(bucket, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fail(err)
		return
	}
	if err := t.KV.Put(bucket, key, b); err != nil {
		t.Fail(fmt.Errorf("write %s record: %w", bucket, err))
	}
}

// Delete deletes the record bucket/key.
func (t *Tx) Delete(bucket, key string) {
	if err := t.KV.Delete(bucket, key); err != nil {
		t.Fail(fmt.Errorf("delete %s record: %w", bucket, err))
	}
}

// DeletePrefix deletes every record of bucket whose key starts with prefix.
func (t *Tx) DeletePrefix(bucket, prefix string) {
	if err := DeletePrefix(t.KV, bucket, prefix); err != nil {
		t.Fail(err)
	}
}

// NextSeq returns the bucket's next sequence number.
func (t *Tx) NextSeq(bucket string) uint64 {
	n, err := t.KV.NextSeq(bucket)
	if err != nil {
		t.Fail(err)
	}
	return n
}

// Each decodes the records of bucket whose keys start with prefix, in
// key order, and calls fn with each key and record. A record that does
// not decode fails t ("decode WHAT record KEY") and ends the scan.
func Each[T any](t *Tx, bucket, prefix, what string, fn func(key string, v *T)) {
	err := t.KV.Scan(bucket, prefix, func(k string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s record %q: %w", what, k, err)
		}
		fn(k, &v)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
}
