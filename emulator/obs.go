package emulator

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/faults"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// The OBS object API (doc.go, "OBS"): buckets and objects on the same
// listener as FunctionGraph, path-style (/BUCKET/KEY), signed as the OBS
// client signs (obs_sign.go). Object records live in the store's "obs"
// bucket; their bytes are files under objects/ (in memory without a state
// directory), streamed to and from disk, never held whole.

// bucketOBS holds buckets, objects, multipart uploads and their parts:
//
//	"b/" bucket                     -> obsBucket
//	"o/" bucket NUL key             -> obsObject
//	"u/" bucket NUL key NUL upload  -> obsUpload
//	"p/" upload NUL %05d part       -> obsPart
const bucketOBS = "obs"

func init() { buckets = append(buckets, bucketOBS) }

// OBS limits (OBS API reference: PutObject at most 5 GB; multipart parts
// from 100 KB, the last excepted, to 5 GB, numbered 1 to 10000).
const (
	maxObjectPut = 5 << 30
	minPartSize  = 100 << 10
	maxPartSize  = 5 << 30
	maxParts     = 10000
)

var bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

type obsBucket struct {
	Name    string `json:"name"`
	Region  string `json:"region"`
	Created string `json:"created"`
}

type obsObject struct {
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // quoted, as on the wire
	ContentType  string            `json:"content_type,omitempty"`
	Meta         map[string]string `json:"meta,omitempty"`
	LastModified string            `json:"last_modified"` // RFC 1123
	Blobs        []string          `json:"blobs"`         // the data, in order
}

type obsUpload struct {
	ID          string            `json:"id"`
	Key         string            `json:"key"`
	Initiated   string            `json:"initiated"` // ISO 8601
	ContentType string            `json:"content_type,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
}

type obsPart struct {
	Number       int    `json:"number"`
	Size         int64  `json:"size"`
	ETag         string `json:"etag"`
	Blob         string `json:"blob"`
	LastModified string `json:"last_modified"`
}

func objectKey(bucket, key string) string { return "o/" + bucket + "\x00" + key }

func uploadKey(bucket, key, id string) string { return "u/" + bucket + "\x00" + key + "\x00" + id }

func partKey(upload string, n int) string { return fmt.Sprintf("p/%s\x00%05d", upload, n) }

// ---------------------------------------------------------------------------
// Buckets set up by Options.Buckets and for tests

// createBuckets makes the buckets of Options.Buckets ("NAME" in the
// emulator's region, or "NAME@REGION") unless they exist.
func (s *Server) createBuckets(names []string) error {
	return s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
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

// PutObject stores data as the object key of bucket, creating the bucket
// in the emulator's region if there is none: what a test or a fixture
// puts in OBS without a client.
func (s *Server) PutObject(bucket, key string, data []byte) error {
	if err := s.createBuckets([]string{bucket}); err != nil {
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
func (s *Server) commitObject(bucket, key string, obj obsObject, drop []string) error {
	var old obsObject
	had := false
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
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

// ---------------------------------------------------------------------------
// Serving

// isOBSRequest tells an OBS request from a FunctionGraph one: its first
// segment is a bucket name (FunctionGraph's are v2, v3 and _emulator,
// none of which is a valid bucket name), and it is not signed or
// authenticated the way FunctionGraph requests are (those get the API
// gateway's answers on any path).
func isOBSRequest(r *http.Request) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucketNameRe.MatchString(first) && r.Header.Get("X-Auth-Token") == "" &&
		!strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256")
}

// obsError is an OBS error answer: an XML body (none for HEAD).
type obsError struct {
	status     int
	code, msg  string
	bucketName string
	endpoint   string // PermanentRedirect: where the bucket lives
}

func obsErr(status int, code, format string, args ...any) *obsError {
	return &obsError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// obsRoute names an OBS request for Stats.
func obsRoute(r *http.Request, key string) string {
	q := r.URL.Query()
	switch {
	case key == "":
		return "obs/bucket"
	case q.Has("uploads"):
		return "obs/uploads"
	case q.Has("uploadId") && q.Has("partNumber"):
		return "obs/part"
	case q.Has("uploadId"):
		return "obs/upload"
	}
	return "obs/object"
}

// serveOBS handles one OBS request. Bodies are streamed: a part or an
// object goes to disk as it arrives.
func (s *Server) serveOBS(w http.ResponseWriter, r *http.Request, reqID string) {
	h := w.Header()
	h.Set("x-amz-request-id", reqID)
	h.Set("x-obs-request-id", reqID)
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	fault := s.faults.Draw()
	s.mu.Lock()
	s.stats.Requests[r.Method+" "+obsRoute(r, key)]++
	if fault != faults.None {
		s.stats.Faults++
	}
	s.mu.Unlock()
	switch fault {
	case faults.None:
	case faults.Drop:
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		faults.Injure(w, r, reqID, fault, s.opts.Logf)
		return
	case faults.ThrottleFSS, faults.ThrottleAPIG:
		// OBS throttles with 503 SlowDown.
		s.writeOBS(w, r, reqID, obsErr(503, "SlowDown", "Please reduce your request rate."))
		return
	default:
		s.writeOBS(w, r, reqID, obsErr(500, "InternalError", "We encountered an internal error. Please try again."))
		return
	}
	if a := verifyOBS(r, s.opts.AccessKey, s.opts.SecretKey, s.opts.Now()); a != nil {
		s.writeOBS(w, r, reqID, obsErr(403, a.code, "%s", a.msg))
		return
	}
	var b obsBucket
	var found bool
	s.db.View(func(tx store.KVTx) error {
		found = newStx(tx).Get(bucketOBS, "b/"+bucket, &b)
		return nil
	})
	switch {
	case !found:
		e := obsErr(404, "NoSuchBucket", "The specified bucket does not exist")
		e.bucketName = bucket
		s.writeOBS(w, r, reqID, e)
		return
	case b.Region != s.opts.Region:
		// A bucket of another region answers from its own endpoint only.
		e := obsErr(301, "PermanentRedirect", "The bucket is in region %s: send requests to obs.%s.myhuaweicloud.com", b.Region, b.Region)
		e.bucketName, e.endpoint = bucket, "obs."+b.Region+".myhuaweicloud.com"
		s.writeOBS(w, r, reqID, e)
		return
	}
	q := r.URL.Query()
	var e *obsError
	switch {
	case key == "" && r.Method == http.MethodHead:
		h.Set("x-obs-bucket-location", b.Region)
		s.logOBS(r, 200, "", reqID)
		w.WriteHeader(200)
		return
	case key == "" && r.Method == http.MethodGet && q.Has("uploads"):
		e = s.listUploads(w, r, bucket)
	case key == "":
		e = obsErr(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	case r.Method == http.MethodPut && q.Has("uploadId"):
		e = s.uploadPart(w, r, bucket, key)
	case r.Method == http.MethodPut:
		e = s.putObject(w, r, bucket, key)
	case r.Method == http.MethodPost && q.Has("uploads"):
		e = s.initiateUpload(w, r, bucket, key)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		e = s.completeUpload(w, r, bucket, key)
	case r.Method == http.MethodGet && q.Has("uploadId"):
		e = s.listParts(w, r, bucket, key)
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		e = s.abortUpload(w, r, bucket, key)
	case r.Method == http.MethodHead || r.Method == http.MethodGet:
		e = s.getObject(w, r, bucket, key)
	case r.Method == http.MethodDelete:
		e = s.deleteObject(w, r, bucket, key)
	default:
		e = obsErr(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	if e != nil {
		s.writeOBS(w, r, reqID, e)
		return
	}
	s.logOBS(r, 200, "", reqID)
}

func (s *Server) logOBS(r *http.Request, status int, code, reqID string) {
	if s.opts.Logf == nil {
		return
	}
	if code != "" {
		s.opts.Logf("%s %s -> %d %s (%s)", r.Method, r.URL.Path, status, code, reqID)
	} else {
		s.opts.Logf("%s %s -> %d (%s)", r.Method, r.URL.Path, status, reqID)
	}
}

func (s *Server) writeOBS(w http.ResponseWriter, r *http.Request, reqID string, e *obsError) {
	s.logOBS(r, e.status, e.code, reqID)
	// An error answers after the body it refuses is read (up to a bound):
	// the official OBS client reads its upload counter when the answer
	// comes, without synchronising with the transport still sending the
	// body, which a race detector reports in the client, not in us.
	io.Copy(io.Discard, io.LimitReader(r.Body, obsDrainLimit))
	if r.Method == http.MethodHead {
		w.WriteHeader(e.status)
		return
	}
	body := struct {
		XMLName    xml.Name `xml:"Error"`
		Code       string   `xml:"Code"`
		Message    string   `xml:"Message"`
		RequestID  string   `xml:"RequestId"`
		HostID     string   `xml:"HostId"`
		BucketName string   `xml:"BucketName,omitempty"`
		Endpoint   string   `xml:"Endpoint,omitempty"`
	}{Code: e.code, Message: e.msg, RequestID: reqID, HostID: "emulator", BucketName: e.bucketName, Endpoint: e.endpoint}
	b, _ := xml.Marshal(body)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	w.Write([]byte(xml.Header))
	w.Write(b)
}

// obsDrainLimit bounds what an error answer reads of a refused body.
const obsDrainLimit = 64 << 20

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Write([]byte(xml.Header))
	w.Write(b)
}

// objectMeta is the x-amz-meta- (x-obs-meta-) headers of a request, by
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
func (s *Server) receive(r *http.Request, limit int64) (id string, size int64, sum []byte, e *obsError) {
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
	s.mu.Lock()
	s.stats.ObjectBytes += n
	s.mu.Unlock()
	return id, n, sum, nil
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
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

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	var obj obsObject
	var found bool
	s.db.View(func(tx store.KVTx) error {
		found = newStx(tx).Get(bucketOBS, objectKey(bucket, key), &obj)
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

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	var obj obsObject
	var found bool
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
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

func (s *Server) initiateUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	up := obsUpload{ID: store.NewID(), Key: key, Initiated: s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		ContentType: r.Header.Get("Content-Type"), Meta: objectMeta(r.Header)}
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		t.Put(bucketOBS, uploadKey(bucket, key, up.ID), up)
		return t.Err
	})
	if err != nil {
		return obsErr(500, "InternalError", "store upload: %v", err)
	}
	writeXML(w, struct {
		XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
		Bucket   string   `xml:"Bucket"`
		Key      string   `xml:"Key"`
		UploadID string   `xml:"UploadId"`
	}{Bucket: bucket, Key: key, UploadID: up.ID})
	return nil
}

// upload returns the multipart upload id of bucket/key, or NoSuchUpload.
func (s *Server) upload(bucket, key, id string) (obsUpload, *obsError) {
	var up obsUpload
	var found bool
	s.db.View(func(tx store.KVTx) error {
		found = newStx(tx).Get(bucketOBS, uploadKey(bucket, key, id), &up)
		return nil
	})
	if !found {
		return up, obsErr(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
	}
	return up, nil
}

func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > maxParts {
		return obsErr(400, "InvalidArgument", "Part number must be an integer between 1 and %d, inclusive", maxParts)
	}
	upID := q.Get("uploadId")
	if _, e := s.upload(bucket, key, upID); e != nil {
		return e
	}
	id, size, sum, e := s.receive(r, maxPartSize)
	if e != nil {
		return e
	}
	etag := `"` + hex.EncodeToString(sum) + `"`
	var old obsPart
	replaced, gone := false, false
	err = s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		if tx.Get(bucketOBS, uploadKey(bucket, key, upID)) == nil {
			gone = true // aborted or completed meanwhile
			return nil
		}
		replaced = t.Get(bucketOBS, partKey(upID, n), &old)
		t.Put(bucketOBS, partKey(upID, n), obsPart{Number: n, Size: size, ETag: etag, Blob: id, LastModified: s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z")})
		return t.Err
	})
	switch {
	case err != nil:
		s.objects.Remove(id)
		return obsErr(500, "InternalError", "store part: %v", err)
	case gone:
		s.objects.Remove(id)
		return obsErr(404, "NoSuchUpload", "The specified upload does not exist.")
	case replaced:
		s.objects.Remove(old.Blob)
	}
	w.Header().Set("ETag", etag)
	w.WriteHeader(200)
	return nil
}

// parts returns the parts of an upload in number order.
func parts(t *stx, upID string) []obsPart {
	var out []obsPart
	err := t.KV.Scan(bucketOBS, "p/"+upID+"\x00", func(k string, v []byte) error {
		var p obsPart
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fail(err)
	}
	return out
}

func (s *Server) listParts(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	q := r.URL.Query()
	upID := q.Get("uploadId")
	if _, e := s.upload(bucket, key, upID); e != nil {
		return e
	}
	marker, _ := strconv.Atoi(q.Get("part-number-marker"))
	max := 1000
	if m, err := strconv.Atoi(q.Get("max-parts")); err == nil && m > 0 && m < max {
		max = m
	}
	var ps []obsPart
	s.db.View(func(tx store.KVTx) error {
		ps = parts(newStx(tx), upID)
		return nil
	})
	type xmlPart struct {
		PartNumber   int    `xml:"PartNumber"`
		LastModified string `xml:"LastModified"`
		ETag         string `xml:"ETag"`
		Size         int64  `xml:"Size"`
	}
	out := struct {
		XMLName              xml.Name  `xml:"ListPartsResult"`
		Bucket               string    `xml:"Bucket"`
		Key                  string    `xml:"Key"`
		UploadID             string    `xml:"UploadId"`
		PartNumberMarker     int       `xml:"PartNumberMarker"`
		NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
		MaxParts             int       `xml:"MaxParts"`
		IsTruncated          bool      `xml:"IsTruncated"`
		Parts                []xmlPart `xml:"Part"`
	}{Bucket: bucket, Key: key, UploadID: upID, PartNumberMarker: marker, MaxParts: max}
	for _, p := range ps {
		if p.Number <= marker {
			continue
		}
		if len(out.Parts) == max {
			out.IsTruncated = true
			break
		}
		out.Parts = append(out.Parts, xmlPart{p.Number, p.LastModified, p.ETag, p.Size})
		out.NextPartNumberMarker = p.Number
	}
	writeXML(w, out)
	return nil
}

func (s *Server) listUploads(w http.ResponseWriter, r *http.Request, bucket string) *obsError {
	prefix := r.URL.Query().Get("prefix")
	type xmlUpload struct {
		Key       string `xml:"Key"`
		UploadID  string `xml:"UploadId"`
		Initiated string `xml:"Initiated"`
	}
	out := struct {
		XMLName     xml.Name    `xml:"ListMultipartUploadsResult"`
		Bucket      string      `xml:"Bucket"`
		Prefix      string      `xml:"Prefix"`
		MaxUploads  int         `xml:"MaxUploads"`
		IsTruncated bool        `xml:"IsTruncated"`
		Uploads     []xmlUpload `xml:"Upload"`
	}{Bucket: bucket, Prefix: prefix, MaxUploads: 1000}
	s.db.View(func(tx store.KVTx) error {
		return tx.Scan(bucketOBS, "u/"+bucket+"\x00"+prefix, func(k string, v []byte) error {
			var up obsUpload
			if json.Unmarshal(v, &up) == nil {
				out.Uploads = append(out.Uploads, xmlUpload{up.Key, up.ID, up.Initiated})
			}
			return nil
		})
	})
	writeXML(w, out)
	return nil
}

func (s *Server) abortUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	upID := r.URL.Query().Get("uploadId")
	var ps []obsPart
	found := false
	err := s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		if tx.Get(bucketOBS, uploadKey(bucket, key, upID)) == nil {
			return nil
		}
		found = true
		ps = parts(t, upID)
		t.Delete(bucketOBS, uploadKey(bucket, key, upID))
		for _, p := range ps {
			t.Delete(bucketOBS, partKey(upID, p.Number))
		}
		return t.Err
	})
	if err != nil {
		return obsErr(500, "InternalError", "abort upload: %v", err)
	}
	if !found {
		return obsErr(404, "NoSuchUpload", "The specified upload does not exist.")
	}
	for _, p := range ps {
		s.objects.Remove(p.Blob)
	}
	w.WriteHeader(204)
	return nil
}

// completeUpload makes the object of the parts the body lists, in order:
// the object is their blobs as they are (nothing is copied), its ETag the
// MD5 of their MD5s followed by "-" and their number.
func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	upID := r.URL.Query().Get("uploadId")
	var body struct {
		Parts []struct {
			PartNumber int    `xml:"PartNumber"`
			ETag       string `xml:"ETag"`
		} `xml:"Part"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil || xml.Unmarshal(raw, &body) != nil || len(body.Parts) == 0 {
		return obsErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
	}
	var e *obsError
	var obj obsObject
	var drop, oldBlobs []string
	err = s.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		var up obsUpload
		if !t.Get(bucketOBS, uploadKey(bucket, key, upID), &up) {
			e = obsErr(404, "NoSuchUpload", "The specified upload does not exist.")
			return errRollback
		}
		byNum := map[int]obsPart{}
		for _, p := range parts(t, upID) {
			byNum[p.Number] = p
		}
		h := md5.New()
		used := map[int]bool{}
		for i, bp := range body.Parts {
			p, ok := byNum[bp.PartNumber]
			if !ok || strings.Trim(p.ETag, `"`) != strings.Trim(bp.ETag, `"`) {
				e = obsErr(400, "InvalidPart", "One or more of the specified parts could not be found: part %d", bp.PartNumber)
				return errRollback
			}
			if i > 0 && bp.PartNumber <= body.Parts[i-1].PartNumber {
				e = obsErr(400, "InvalidPartOrder", "The list of parts was not in ascending order.")
				return errRollback
			}
			if i < len(body.Parts)-1 && p.Size < minPartSize {
				e = obsErr(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size: part %d is %d bytes", p.Number, p.Size)
				return errRollback
			}
			sum, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
			h.Write(sum)
			obj.Size += p.Size
			obj.Blobs = append(obj.Blobs, p.Blob)
			used[p.Number] = true
		}
		for n, p := range byNum {
			if !used[n] {
				drop = append(drop, p.Blob)
			}
			t.Delete(bucketOBS, partKey(upID, n))
		}
		t.Delete(bucketOBS, uploadKey(bucket, key, upID))
		obj.ETag = fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(body.Parts))
		obj.ContentType, obj.Meta = up.ContentType, up.Meta
		obj.LastModified = s.opts.Now().UTC().Format(http.TimeFormat)
		var old obsObject
		if t.Get(bucketOBS, objectKey(bucket, key), &old) {
			oldBlobs = old.Blobs
		}
		t.Put(bucketOBS, objectKey(bucket, key), obj)
		return t.Err
	})
	if e != nil {
		return e
	}
	if err != nil {
		return obsErr(500, "InternalError", "complete upload: %v", err)
	}
	for _, id := range append(drop, oldBlobs...) {
		s.objects.Remove(id)
	}
	writeXML(w, struct {
		XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
		Location string   `xml:"Location"`
		Bucket   string   `xml:"Bucket"`
		Key      string   `xml:"Key"`
		ETag     string   `xml:"ETag"`
	}{Location: "/" + bucket + "/" + key, Bucket: bucket, Key: key, ETag: obj.ETag})
	return nil
}

// ---------------------------------------------------------------------------
// What FunctionGraph reads from OBS

// ownObject parses a code_url (or depend_link) that names an object of
// this emulator's OBS: https://BUCKET.obs.REGION.myhuaweicloud.com/KEY
// (virtual-hosted, as OBS gives object URLs) or
// https://obs.REGION.myhuaweicloud.com/BUCKET/KEY, REGION being the
// emulator's, or the same with a host of Options.OBSDomains.
func (s *Server) ownObject(raw string) (bucket, key string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.RawQuery != "" {
		return "", "", false
	}
	domains := append([]string{"obs." + s.opts.Region + ".myhuaweicloud.com"}, s.opts.OBSDomains...)
	path := strings.TrimPrefix(u.Path, "/")
	for _, d := range domains {
		if b, found := strings.CutSuffix(u.Host, "."+d); found && path != "" {
			return b, path, true
		}
		if u.Host == d {
			if b, k, found := strings.Cut(path, "/"); found && k != "" {
				return b, k, true
			}
		}
	}
	return "", "", false
}

// openURL opens the object a code_url names in this emulator's OBS, in
// the request's transaction; found is false for a URL of another OBS, a
// bucket of another region, or no such object.
func (s *Server) openURL(t *stx, raw string) (rc io.ReadCloser, size int64, found bool) {
	bucket, key, ok := s.ownObject(raw)
	if !ok {
		return nil, 0, false
	}
	var b obsBucket
	var obj obsObject
	if !t.Get(bucketOBS, "b/"+bucket, &b) || b.Region != s.opts.Region || !t.Get(bucketOBS, objectKey(bucket, key), &obj) {
		return nil, 0, false
	}
	return store.NewReader(s.objects, obj.Blobs), obj.Size, true
}
