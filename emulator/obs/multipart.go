package obs

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

func (s *Service) initiateUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	up := obsUpload{ID: store.NewID(), Key: key, Initiated: s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		ContentType: r.Header.Get("Content-Type"), Meta: objectMeta(r.Header)}
	err := s.db.Update(func(tx store.KVTx) error {
		t := (&store.Tx{KV: tx})
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
func (s *Service) upload(bucket, key, id string) (obsUpload, *obsError) {
	var up obsUpload
	var found bool
	s.db.View(func(tx store.KVTx) error {
		found = (&store.Tx{KV: tx}).Get(bucketOBS, uploadKey(bucket, key, id), &up)
		return nil
	})
	if !found {
		return up, obsErr(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
	}
	return up, nil
}

func (s *Service) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
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
		t := (&store.Tx{KV: tx})
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
func parts(t *store.Tx, upID string) []obsPart {
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

func (s *Service) listParts(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
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
		ps = parts((&store.Tx{KV: tx}), upID)
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

func (s *Service) listUploads(w http.ResponseWriter, r *http.Request, bucket string) *obsError {
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

func (s *Service) abortUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
	upID := r.URL.Query().Get("uploadId")
	var ps []obsPart
	found := false
	err := s.db.Update(func(tx store.KVTx) error {
		t := (&store.Tx{KV: tx})
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
func (s *Service) completeUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *obsError {
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
		t := (&store.Tx{KV: tx})
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
