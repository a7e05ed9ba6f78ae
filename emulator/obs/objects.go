package obs

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// their lowercase names without the prefix.
func objectMeta(h http.Header) map[string]string {
	var m map[string]string
	for k, v := range h {
		lk := strings.ToLower(k)
		for _, p := range []string{"x-amz-meta-", "x-obs-meta-"} {
			if name, ok := strings.CutPrefix(lk, p); ok && name != "" {
				if m == nil {
					m = map[string]string{}
				}
				m[name] = strings.Join(v, ",")
			}
		}
	}
	return m
}

// receive streams a request body to a new blob, with its MD5. A
// Content-MD5 that does not match is BadDigest.
func (s *Service) receive(r *http.Request, limit int64) (id string, size int64, sum []byte, e *obsError) {
	if r.ContentLength > limit {
		return "", 0, nil, obsErr(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	}
	bw, err := s.objects.Create()
	if err != nil {
		return "", 0, nil, obsErr(500, "InternalError", "store object: %v", err)
	}
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(bw, h), io.LimitReader(r.Body, limit+1))
	switch {
	case err != nil:
		bw.Abort()
		return "", 0, nil, obsErr(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	case n > limit:
		bw.Abort()
		return "", 0, nil, obsErr(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	case r.ContentLength >= 0 && n != r.ContentLength:
		bw.Abort()
		return "", 0, nil, obsErr(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	sum = h.Sum(nil)
	if cm := r.Header.Get("Content-Md5"); cm != "" && cm != base64.StdEncoding.EncodeToString(sum) {
		bw.Abort()
		return "", 0, nil, obsErr(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
	}
	if id, err = bw.Commit(); err != nil {
		return "", 0, nil, obsErr(500, "InternalError", "store object: %v", err)
	}
	if s.opts.OnReceive != nil {
		s.opts.OnReceive(n)
	}
	return id, n, sum, nil
}

func (s *Service) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	id, n, sum, e := s.receive(r, maxObjectPut)
	if e != nil {
		return e
	}
	etag := `"` + hex.EncodeToString(sum) + `"`
	obj := obsObject{Size: n, ETag: etag, ContentType: r.Header.Get("Content-Type"), Meta: objectMeta(r.Header),
		LastModified: s.opts.Now().UTC().Format(http.TimeFormat), Blobs: []string{id}}
	if err := s.commitObject(bucket, key, obj, nil); err != nil {
		s.objects.Remove(id)
		return obsErr(500, "InternalError", "store object: %v", err)
	}
	w.Header().Set("ETag", etag)
	w.WriteHeader(200)
	return nil
}

func (s *Service) getObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	var obj obsObject
	var found bool
	s.db.View(func(tx store.KVTx) error {
		found = (&store.Tx{KV: tx}).Get(bucketOBS, objectKey(bucket, key), &obj)
		return nil
	})
	if !found {
		return obsErr(404, "NoSuchKey", "The specified key does not exist.")
	}
	h := w.Header()
	h.Set("ETag", obj.ETag)
	h.Set("Last-Modified", obj.LastModified)
	h.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	ct := obj.ContentType
	if ct == "" {
		ct = "binary/octet-stream"
	}
	h.Set("Content-Type", ct)
	for k, v := range obj.Meta {
		h.Set("x-amz-meta-"+k, v)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(200)
		return nil
	}
	rd := store.NewReader(s.objects, obj.Blobs)
	defer rd.Close()
	w.WriteHeader(200)
	io.Copy(w, rd)
	return nil
}

func (s *Service) deleteObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	var obj obsObject
	var found bool
	err := s.db.Update(func(tx store.KVTx) error {
		t := (&store.Tx{KV: tx})
		if found = t.Get(bucketOBS, objectKey(bucket, key), &obj); found {
			t.Delete(bucketOBS, objectKey(bucket, key))
		}
		return t.Err
	})
	if err != nil {
		return obsErr(500, "InternalError", "delete object: %v", err)
	}
	for _, id := range obj.Blobs {
		s.objects.Remove(id)
	}
	w.WriteHeader(204)
	return nil
}
