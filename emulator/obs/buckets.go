package obs

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ---------------------------------------------------------------------------
// Buckets set up by Options.Buckets and for tests

// CreateBuckets makes the buckets of names ("NAME" in the emulator's
// region, or "NAME@REGION") unless they exist.
func (s *Service) CreateBuckets(names []string) error {
	if s.bucketsExist(names) {
		return nil // no commit: it would sync the state to disk for nothing
	}
	return s.db.Update(func(tx store.KVTx) error {
		t := (&store.Tx{KV: tx})
		for _, n := range names {
			name, region, ok := strings.Cut(n, "@")
			if !ok {
				region = s.opts.Region
			}
			if !bucketNameRe.MatchString(name) {
				return fmt.Errorf("bucket %q: a bucket name is 3 to 63 lowercase letters, digits, '-' or '.'", name)
			}
			var b obsBucket
			if !t.Get(bucketOBS, "b/"+name, &b) {
				t.Put(bucketOBS, "b/"+name, obsBucket{Name: name, Region: region, Created: s.opts.Now().UTC().Format(time.RFC3339)})
			}
		}
		return t.Err
	})
}

// bucketsExist tells whether every bucket of names ("NAME" or
// "NAME@REGION") exists.
func (s *Service) bucketsExist(names []string) bool {
	all := true
	s.db.View(func(tx store.KVTx) error {
		for _, n := range names {
			name, _, _ := strings.Cut(n, "@")
			if tx.Get(bucketOBS, "b/"+name) == nil {
				all = false
			}
		}
		return nil
	})
	return all
}

// PutObject stores data as the object key of bucket, creating the bucket
// in the emulator's region if there is none: what a test or a fixture
// puts in OBS without a client.
func (s *Service) PutObject(bucket, key string, data []byte) error {
	if err := s.CreateBuckets([]string{bucket}); err != nil {
		return err
	}
	w, err := s.objects.Create()
	if err != nil {
		return err
	}
	w.Write(data)
	id, err := w.Commit()
	if err != nil {
		return err
	}
	sum := md5.Sum(data)
	obj := obsObject{Size: int64(len(data)), ETag: `"` + hex.EncodeToString(sum[:]) + `"`, Blobs: []string{id},
		LastModified: s.opts.Now().UTC().Format(http.TimeFormat)}
	return s.commitObject(bucket, key, obj, nil)
}

// commitObject records obj as bucket/key, and removes the data of the
// object it replaces once that is committed. drop are blobs to remove
// with it (parts a completed upload left out).
func (s *Service) commitObject(bucket, key string, obj obsObject, drop []string) error {
	var old obsObject
	had := false
	err := s.db.Update(func(tx store.KVTx) error {
		t := (&store.Tx{KV: tx})
		had = t.Get(bucketOBS, objectKey(bucket, key), &old)
		t.Put(bucketOBS, objectKey(bucket, key), obj)
		return t.Err
	})
	if err != nil {
		return err
	}
	if had {
		drop = append(drop, old.Blobs...)
	}
	for _, id := range drop {
		s.objects.Remove(id)
	}
	return nil
}
