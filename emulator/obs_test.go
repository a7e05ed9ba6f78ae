package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-obs/obs"
)

// obsServer is an emulator with bucket "deploy" (and "faraway" in another
// region) and the official OBS client pointed at it, path-style.
func obsServer(t *testing.T, o Options) (*Server, *obs.ObsClient, string) {
	t.Helper()
	o.Buckets = append(o.Buckets, "deploy", "faraway@cn-south-1")
	s, c := newServer(t, o)
	oc, err := obs.New(testAK, testSK, c.base, obs.WithPathStyle(true), obs.WithMaxRetryCount(0))
	if err != nil {
		t.Fatal(err)
	}
	return s, oc, c.base
}

func obsCode(err error) string {
	var oe obs.ObsError
	if errors.As(err, &oe) {
		return fmt.Sprintf("%d %s", oe.StatusCode, oe.Code)
	}
	if err != nil {
		return err.Error()
	}
	return "ok"
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/253)
	}
	return b
}

// The official client puts, heads and gets an object, with metadata, and
// the emulator verified each of its signatures.
func TestOBSObjectsThroughTheSDK(t *testing.T) {
	s, oc, base := obsServer(t, Options{})
	data := randomBytes(300 << 10)
	in := &obs.PutObjectInput{}
	in.Bucket, in.Key, in.Body = "deploy", "fgsdeploy/default/big/abc.zip", bytes.NewReader(data)
	in.Metadata = map[string]string{"sha512": hexSHA512(data)}
	out, err := oc.PutObject(in)
	if err != nil {
		t.Fatal(obsCode(err))
	}
	sum := md5.Sum(data)
	if strings.Trim(out.ETag, `"`) != hex.EncodeToString(sum[:]) {
		t.Errorf("ETag %s, want the MD5 of the object", out.ETag)
	}
	meta, err := oc.GetObjectMetadata(&obs.GetObjectMetadataInput{Bucket: "deploy", Key: "fgsdeploy/default/big/abc.zip"})
	if err != nil {
		t.Fatal(obsCode(err))
	}
	if meta.ContentLength != int64(len(data)) || meta.Metadata["sha512"] != hexSHA512(data) {
		t.Errorf("head: length %d metadata %v", meta.ContentLength, meta.Metadata)
	}
	get := &obs.GetObjectInput{}
	get.Bucket, get.Key = "deploy", "fgsdeploy/default/big/abc.zip"
	g, err := oc.GetObject(get)
	if err != nil {
		t.Fatal(obsCode(err))
	}
	got, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if !bytes.Equal(got, data) {
		t.Error("get returns other bytes")
	}
	if n := s.Stats().ObjectBytes; n != int64(len(data)) {
		t.Errorf("ObjectBytes %d, want %d", n, len(data))
	}
	// Errors the users meet first.
	_, err = oc.GetObjectMetadata(&obs.GetObjectMetadataInput{Bucket: "deploy", Key: "missing"})
	if got := obsCode(err); got != "404 " {
		t.Errorf("head of a missing object: %s", got)
	}
	in.Bucket, in.Body = "nosuch", bytes.NewReader(data)
	if _, err := oc.PutObject(in); obsCode(err) != "404 NoSuchBucket" {
		t.Errorf("put to a missing bucket: %s", obsCode(err))
	}
	in.Bucket, in.Body = "faraway", bytes.NewReader(data)
	if _, err := oc.PutObject(in); obsCode(err) != "301 PermanentRedirect" {
		t.Errorf("put to a bucket of another region: %s", obsCode(err))
	}
	bad, _ := obs.New(testAK, "wrong-secret", base, obs.WithPathStyle(true), obs.WithMaxRetryCount(0))
	in.Bucket, in.Body = "deploy", bytes.NewReader(data)
	if _, err := bad.PutObject(in); obsCode(err) != "403 SignatureDoesNotMatch" {
		t.Errorf("wrong secret key: %s", obsCode(err))
	}
	other, _ := obs.New("OTHERAK", testSK, base, obs.WithPathStyle(true), obs.WithMaxRetryCount(0))
	in.Body = bytes.NewReader(data)
	if _, err := other.PutObject(in); obsCode(err) != "403 InvalidAccessKeyId" {
		t.Errorf("unknown access key: %s", obsCode(err))
	}
	// A temporary key's token goes with the request and is signed.
	tok, _ := obs.New(testAK, testSK, base, obs.WithPathStyle(true), obs.WithMaxRetryCount(0), obs.WithSecurityToken("tok"))
	in.Body = bytes.NewReader(data)
	if _, err := tok.PutObject(in); err != nil {
		t.Errorf("with a security token: %s", obsCode(err))
	}
}

// A multipart upload through the official client: parts in any order,
// listed, completed into one object whose ETag is the MD5 of the parts'
// MD5s; an aborted upload leaves nothing.
func TestOBSMultipartThroughTheSDK(t *testing.T) {
	dir := t.TempDir()
	s, oc, _ := obsServer(t, Options{StateDir: dir})
	data := randomBytes(250<<10 + 17)
	part := int64(100 << 10)
	init, err := oc.InitiateMultipartUpload(&obs.InitiateMultipartUploadInput{ObjectOperationInput: obs.ObjectOperationInput{Bucket: "deploy", Key: "k.zip",
		Metadata: map[string]string{"sha512": "x"}}})
	if err != nil {
		t.Fatal(obsCode(err))
	}
	var etags [3]string
	sums := md5.New()
	for _, n := range []int{3, 1, 2} {
		off := int64(n-1) * part
		end := min(off+part, int64(len(data)))
		out, err := oc.UploadPart(&obs.UploadPartInput{Bucket: "deploy", Key: "k.zip", UploadId: init.UploadId, PartNumber: n,
			Body: bytes.NewReader(data[off:end]), PartSize: end - off})
		if err != nil {
			t.Fatal(obsCode(err))
		}
		etags[n-1] = out.ETag
	}
	for _, e := range etags {
		b, _ := hex.DecodeString(strings.Trim(e, `"`))
		sums.Write(b)
	}
	uploads, err := oc.ListMultipartUploads(&obs.ListMultipartUploadsInput{Bucket: "deploy", Prefix: "k.zip"})
	if err != nil || len(uploads.Uploads) != 1 || uploads.Uploads[0].UploadId != init.UploadId {
		t.Fatalf("list uploads: %s %+v", obsCode(err), uploads)
	}
	ps, err := oc.ListParts(&obs.ListPartsInput{Bucket: "deploy", Key: "k.zip", UploadId: init.UploadId})
	if err != nil || len(ps.Parts) != 3 || ps.Parts[0].PartNumber != 1 || ps.Parts[2].Size != int64(len(data))-2*part {
		t.Fatalf("list parts: %s %+v", obsCode(err), ps)
	}
	var done []obs.Part
	for i, e := range etags {
		done = append(done, obs.Part{PartNumber: i + 1, ETag: e})
	}
	// A part that is not the one uploaded is refused (the client sorts
	// the parts itself, so their order cannot be wrong here).
	wrong := []obs.Part{done[0], {PartNumber: 2, ETag: `"00"`}, done[2]}
	if _, err := oc.CompleteMultipartUpload(&obs.CompleteMultipartUploadInput{Bucket: "deploy", Key: "k.zip", UploadId: init.UploadId, Parts: wrong}); obsCode(err) != "400 InvalidPart" {
		t.Errorf("a wrong ETag: %s", obsCode(err))
	}
	c, err := oc.CompleteMultipartUpload(&obs.CompleteMultipartUploadInput{Bucket: "deploy", Key: "k.zip", UploadId: init.UploadId, Parts: done})
	if err != nil {
		t.Fatal(obsCode(err))
	}
	if want := fmt.Sprintf(`"%s-3"`, hex.EncodeToString(sums.Sum(nil))); c.ETag != want {
		t.Errorf("ETag %s, want %s", c.ETag, want)
	}
	get := &obs.GetObjectInput{}
	get.Bucket, get.Key = "deploy", "k.zip"
	g, err := oc.GetObject(get)
	if err != nil {
		t.Fatal(obsCode(err))
	}
	got, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if !bytes.Equal(got, data) || g.Metadata["sha512"] != "x" {
		t.Errorf("the completed object is %d bytes (want %d), metadata %v", len(got), len(data), g.Metadata)
	}
	checkUploadsEnd(t, oc, dir, data, init.UploadId)
	// The objects survive a restart.
	s.Close()
	s2, err := New(Options{StateDir: dir, AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	hs := httptest.NewServer(s2)
	defer hs.Close()
	oc2, _ := obs.New(testAK, testSK, hs.URL, obs.WithPathStyle(true), obs.WithMaxRetryCount(0))
	g2, err := oc2.GetObject(get)
	if err != nil {
		t.Fatal(obsCode(err))
	}
	got, _ = io.ReadAll(g2.Body)
	g2.Body.Close()
	if !bytes.Equal(got, data) {
		t.Error("the object did not survive a restart")
	}
}

// checkUploadsEnd checks what multipart uploads leave in dir once they
// end: nothing of upload completed, of the object deploy/k.zip, nothing
// of an aborted one; and that a small part but the last is refused.
func checkUploadsEnd(t *testing.T, oc *obs.ObsClient, dir string, data []byte, completed string) {
	t.Helper()
	// The upload is gone; an aborted one leaves no data behind.
	if _, err := oc.ListParts(&obs.ListPartsInput{Bucket: "deploy", Key: "k.zip", UploadId: completed}); obsCode(err) != "404 NoSuchUpload" {
		t.Errorf("parts of a completed upload: %s", obsCode(err))
	}
	files := func() int {
		es, _ := os.ReadDir(filepath.Join(dir, "objects"))
		return len(es)
	}
	before := files()
	init2, _ := oc.InitiateMultipartUpload(&obs.InitiateMultipartUploadInput{ObjectOperationInput: obs.ObjectOperationInput{Bucket: "deploy", Key: "other"}})
	oc.UploadPart(&obs.UploadPartInput{Bucket: "deploy", Key: "other", UploadId: init2.UploadId, PartNumber: 1, Body: bytes.NewReader(data[:10]), PartSize: 10})
	if files() != before+1 {
		t.Errorf("a part is not a file of its own under objects/")
	}
	if _, err := oc.AbortMultipartUpload(&obs.AbortMultipartUploadInput{Bucket: "deploy", Key: "other", UploadId: init2.UploadId}); err != nil {
		t.Fatal(obsCode(err))
	}
	if files() != before {
		t.Errorf("an aborted upload left its parts on disk")
	}
	// A part below 100 KB is refused unless it is the last.
	init3, _ := oc.InitiateMultipartUpload(&obs.InitiateMultipartUploadInput{ObjectOperationInput: obs.ObjectOperationInput{Bucket: "deploy", Key: "small"}})
	var small []obs.Part
	for n := 1; n <= 2; n++ {
		out, _ := oc.UploadPart(&obs.UploadPartInput{Bucket: "deploy", Key: "small", UploadId: init3.UploadId, PartNumber: n, Body: bytes.NewReader(data[:10]), PartSize: 10})
		small = append(small, obs.Part{PartNumber: n, ETag: out.ETag})
	}
	if _, err := oc.CompleteMultipartUpload(&obs.CompleteMultipartUploadInput{Bucket: "deploy", Key: "small", UploadId: init3.UploadId, Parts: small}); obsCode(err) != "400 EntityTooSmall" {
		t.Errorf("a small part that is not the last: %s", obsCode(err))
	}
}
