package obs

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/faults"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ---------------------------------------------------------------------------
// Serving

// IsRequest tells an OBS request from a FunctionGraph one: its first
// segment is a bucket name (FunctionGraph's are v2, v3 and _emulator,
// none of which is a valid bucket name), and it is not signed or
// authenticated the way FunctionGraph requests are (those get the API
// gateway's answers on any path).
func IsRequest(r *http.Request) bool {
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

// Route names an OBS request for Stats.
func Route(r *http.Request) string {
	_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
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

// Serve handles one OBS request, failing it with fault (drawn by the
// caller, which counts it). Bodies are streamed: a part or an object goes
// to disk as it arrives.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, reqID string, fault faults.Kind) {
	h := w.Header()
	h.Set("x-amz-request-id", reqID)
	h.Set("x-obs-request-id", reqID)
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
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
		found = (&store.Tx{KV: tx}).Get(bucketOBS, "b/"+bucket, &b)
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

func (s *Service) logOBS(r *http.Request, status int, code, reqID string) {
	if s.opts.Logf == nil {
		return
	}
	if code != "" {
		s.opts.Logf("%s %s -> %d %s (%s)", r.Method, r.URL.Path, status, code, reqID)
	} else {
		s.opts.Logf("%s %s -> %d (%s)", r.Method, r.URL.Path, status, reqID)
	}
}

func (s *Service) writeOBS(w http.ResponseWriter, r *http.Request, reqID string, e *obsError) {
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
