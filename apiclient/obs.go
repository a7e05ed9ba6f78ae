package apiclient

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-obs/obs"
)

// The OBS object API, through the official OBS Go client
// (huaweicloud-sdk-go-obs), with FunctionGraph's credentials: what code
// and dependency packages over the direct-upload limit go through.
//
// The official client signs and sends each request; fgsdeploy keeps the
// rest: retries with its own backoff (the client's retry sleeps a random
// (n+2) seconds and cannot be told a context, so it is off), a context per
// operation (the client takes one per client, so each operation makes a
// client, sharing one HTTP transport), multipart uploads with parts in
// parallel that resume after an interrupt, and streaming from the file.

// Location is where an object lives: the OBS endpoint host of its region
// (obs.{region}.myhuaweicloud.com), its bucket and its key.
type Location struct {
	Host, Bucket, Key string
}

// URL is the object's https URL as OBS gives it, virtual-hosted:
// https://BUCKET.HOST/KEY. FunctionGraph takes it as code_url.
func (l Location) URL() string {
	return "https://" + l.Bucket + "." + l.Host + "/" + (&url.URL{Path: l.Key}).EscapedPath()
}

func (l Location) String() string { return "obs://" + l.Bucket + "/" + l.Key }

// ParseObjectURL reads the location of an object's https URL, virtual-
// hosted (https://BUCKET.obs.REGION.myhuaweicloud.com/KEY) or path-style
// (https://obs.REGION.myhuaweicloud.com/BUCKET/KEY, a host that starts
// with "obs.").
func ParseObjectURL(raw string) (Location, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return Location{}, fmt.Errorf("%q is not an https URL of an OBS object", raw)
	}
	path := strings.TrimPrefix(u.Path, "/")
	if strings.HasPrefix(u.Host, "obs.") {
		b, k, ok := strings.Cut(path, "/")
		if !ok || b == "" || k == "" {
			return Location{}, fmt.Errorf("%q names no object (want https://obs.REGION.myhuaweicloud.com/BUCKET/KEY)", raw)
		}
		return Location{Host: u.Host, Bucket: b, Key: k}, nil
	}
	b, host, ok := strings.Cut(u.Host, ".")
	if !ok || path == "" {
		return Location{}, fmt.Errorf("%q names no object (want https://BUCKET.obs.REGION.myhuaweicloud.com/KEY)", raw)
	}
	return Location{Host: host, Bucket: b, Key: path}, nil
}

// OBSError is an error answer of OBS, or a failure to reach it.
type OBSError struct {
	Op         string // what was being done: "upload", "read", ...
	Object     Location
	StatusCode int    // 0 when no answer came
	Code       string // OBS's error code: NoSuchBucket, AccessDenied, ...
	Message    string
	RequestID  string
	Err        error // the transport's error when there was no answer
}

func (e *OBSError) Error() string {
	where := e.Object.String()
	if e.Err != nil {
		return fmt.Sprintf("OBS %s %s: %v", e.Op, where, e.Err)
	}
	code := e.Code
	if code == "" {
		code = statusText(e.StatusCode)
	}
	s := fmt.Sprintf("OBS %s %s: %s (%d)", e.Op, where, code, e.StatusCode)
	if m := strings.TrimSpace(e.Message); m != "" {
		s += ": " + m
	}
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

func (e *OBSError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for an object that does not
// exist (a HEAD's 404 has no body, so no code).
func (e *OBSError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == 404 && (e.Code == "" || e.Code == "NoSuchKey")
}

func statusText(code int) string {
	switch code {
	case 301:
		return "PermanentRedirect"
	case 403:
		return "Forbidden"
	case 404:
		return "NotFound"
	}
	return fmt.Sprintf("HTTP %d", code)
}

// retryable reports whether repeating an OBS request may succeed: no
// answer at all, a 5xx (503 SlowDown is OBS's throttling) or 408.
func (e *OBSError) retryable() bool {
	if e.Err != nil {
		return !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded)
	}
	return e.StatusCode >= 500 || e.StatusCode == 408
}

// OBS is the OBS object API client. It is safe for concurrent use.
type OBS struct {
	c        *Client
	endpoint string
	// PartSize is the size of multipart upload parts (at least what keeps
	// a package within OBS's 10,000 parts); Parallel how many go at once;
	// parts are used from MultipartFrom bytes on.
	PartSize      int64
	Parallel      int
	MultipartFrom int64
}

// Multipart defaults: 16 MB parts, 4 in flight, from 32 MB on. The parts
// are read from the file as they are sent, so memory does not grow with
// either.
const (
	DefaultPartSize      = 16 << 20
	DefaultPartsParallel = 4
	DefaultMultipartFrom = 32 << 20
)

// OBS returns the OBS client with this client's credentials, retry
// policy, HTTP transport and debug log. endpoint, when not "", is where
// every request goes (an https or http URL; path-style for an IP address,
// as the emulator is addressed), whatever the host of the object.
func (c *Client) OBS(endpoint string) *OBS {
	return &OBS{c: c, endpoint: strings.TrimRight(endpoint, "/"), PartSize: DefaultPartSize, Parallel: DefaultPartsParallel, MultipartFrom: DefaultMultipartFrom}
}

// sdk is the official client for one operation, bound to ctx.
func (o *OBS) sdk(ctx context.Context, l Location) (*obs.ObsClient, error) {
	if o.c.cfg.AccessKey == "" || o.c.cfg.SecretKey == "" {
		return nil, errors.New("OBS needs an access key and secret key (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK): it does not take HW_AUTH_TOKEN")
	}
	ep := o.endpoint
	if ep == "" {
		ep = "https://" + l.Host
	}
	return obs.New(o.c.cfg.AccessKey, o.c.cfg.SecretKey, ep,
		obs.WithHttpClient(o.c.http), obs.WithRequestContext(ctx), obs.WithMaxRetryCount(0),
		obs.WithSecurityToken(o.c.cfg.SecurityToken), obs.WithUserAgent(o.c.cfg.UserAgent))
}

// do runs one OBS request with retries (capped exponential backoff with
// jitter, as FunctionGraph requests): fn is called again after a failure
// without an answer, a 5xx or a 408.
func (o *OBS) do(ctx context.Context, op, what string, l Location, fn func(cl *obs.ObsClient) error) error {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		cl, err := o.sdk(ctx, l)
		if err != nil {
			return err
		}
		t0 := time.Now()
		err = toOBSError(op, l, fn(cl))
		o.c.debugf("OBS %s %s attempt %d: %s (%s)", what, l, attempt, debugResult(err), time.Since(t0).Round(time.Millisecond))
		if err == nil {
			return nil
		}
		var oe *OBSError
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.As(err, &oe) || !oe.retryable() {
			return err
		}
		d := o.c.backoff(attempt, 0)
		if attempt >= o.c.retry.MaxAttempts || time.Since(start)+d > o.c.retry.MaxElapsed {
			return err
		}
		if o.c.sleep(ctx, d) != nil {
			return err
		}
	}
}

func debugResult(err error) string {
	var oe *OBSError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &oe) && oe.Err == nil:
		return fmt.Sprintf("%d %s request id %s", oe.StatusCode, oe.Code, oe.RequestID)
	}
	return err.Error()
}

// toOBSError turns what the official client returns into an *OBSError.
func toOBSError(op string, l Location, err error) error {
	if err == nil {
		return nil
	}
	var se obs.ObsError
	if errors.As(err, &se) {
		return &OBSError{Op: op, Object: l, StatusCode: se.StatusCode, Code: se.Code, Message: se.Message, RequestID: se.RequestId}
	}
	// No answer: a transport error (a refused or dropped connection, an
	// unreadable body), which may succeed when repeated, or a cancel.
	return &OBSError{Op: op, Object: l, Err: err}
}

// ObjectInfo is what HEAD tells about an object.
type ObjectInfo struct {
	Size int64
	ETag string            // as OBS reports it, without quotes
	Meta map[string]string // x-obs-meta-* / x-amz-meta-*, by lowercase name
}

// Head reads an object's size, ETag and metadata; an object that does not
// exist is an error matching ErrNotFound.
func (o *OBS) Head(ctx context.Context, l Location) (*ObjectInfo, error) {
	var out *obs.GetObjectMetadataOutput
	err := o.do(ctx, "read", "HEAD", l, func(cl *obs.ObsClient) (err error) {
		out, err = cl.GetObjectMetadata(&obs.GetObjectMetadataInput{Bucket: l.Bucket, Key: l.Key})
		return err
	})
	if err != nil {
		return nil, err
	}
	info := &ObjectInfo{Size: out.ContentLength, ETag: strings.Trim(out.ETag, `"`), Meta: map[string]string{}}
	for k, v := range out.Metadata {
		info.Meta[strings.ToLower(k)] = v
	}
	return info, nil
}

// MetaSHA512 is the metadata fgsdeploy stores the SHA-512 of a package
// under, with every object it uploads.
const MetaSHA512 = "sha512"

var sha512Re = regexp.MustCompile(`^[0-9a-f]{128}$`)

// ObjectDigest returns the SHA-512 and the size of an object's bytes: the
// one its sha512 metadata holds when it has it (fgsdeploy's uploads do),
// else read from OBS and hashed as it streams.
func (o *OBS) ObjectDigest(ctx context.Context, l Location) (digest string, size int64, err error) {
	info, err := o.Head(ctx, l)
	if err != nil {
		return "", 0, err
	}
	if d := info.Meta[MetaSHA512]; sha512Re.MatchString(d) {
		return d, info.Size, nil
	}
	err = o.do(ctx, "read", "GET", l, func(cl *obs.ObsClient) error {
		in := &obs.GetObjectInput{}
		in.Bucket, in.Key = l.Bucket, l.Key
		out, err := cl.GetObject(in)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		h := sha512.New()
		n, err := io.Copy(h, out.Body)
		if err != nil {
			return &OBSError{Op: "read", Object: l, Err: err}
		}
		digest, size = hex.EncodeToString(h.Sum(nil)), n
		return nil
	})
	return digest, size, err
}

// Upload is an upload to OBS: a package file, its size and SHA-512.
type Upload struct {
	File   string
	Size   int64
	Digest string
	// Progress, when set, is written every byte read from the file to
	// send it (a progress bar).
	Progress io.Writer
}

// Put uploads u's file as the object at l, with the SHA-512 as metadata,
// and returns how many bytes it sent. An object that is already there
// with this size and SHA-512 is not sent again (the keys fgsdeploy uses
// hold the digest, so that is the same package); from MultipartFrom bytes
// on, parts go in parallel, and a multipart upload of this key that an
// interrupt left is resumed: its parts that match the file are kept.
func (o *OBS) Put(ctx context.Context, l Location, u Upload) (sent int64, err error) {
	info, err := o.Head(ctx, l)
	var oe *OBSError
	switch {
	case err == nil && info.Size == u.Size && info.Meta[MetaSHA512] == u.Digest:
		return 0, nil
	case err != nil && !errors.As(err, &oe):
		return 0, err
	case err != nil && oe.Err != nil:
		return 0, err // no answer after the retries
	}
	// Not there, or a HEAD refused without a body to say why (another
	// region, no permission to read): the upload's answer names the
	// reason with OBS's code.
	f, err := os.Open(u.File)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	meta := map[string]string{MetaSHA512: u.Digest}
	if u.Size < o.MultipartFrom {
		return u.Size, o.do(ctx, "upload", "PUT", l, func(cl *obs.ObsClient) error {
			in := &obs.PutObjectInput{}
			in.Bucket, in.Key, in.Metadata, in.ContentType = l.Bucket, l.Key, meta, "application/zip"
			in.ContentLength = u.Size
			in.Body = progressReader(io.NewSectionReader(f, 0, u.Size), u.Progress)
			_, err := cl.PutObject(in)
			return err
		})
	}
	return o.multipart(ctx, l, f, u, meta)
}

// partSize is the part size of a package: PartSize, or more when that
// would make over 10,000 parts. It depends only on the size, so a re-run
// cuts the file the same way and can keep the parts sent before.
func (o *OBS) partSize(size int64) int64 {
	ps := o.PartSize
	if ps <= 0 {
		ps = DefaultPartSize
	}
	if min := (size + 9999) / 10000; ps < min {
		ps = min
	}
	return ps
}

type sentPart struct {
	size int64
	etag string // without quotes
}

func (o *OBS) multipart(ctx context.Context, l Location, f *os.File, u Upload, meta map[string]string) (int64, error) {
	ps := o.partSize(u.Size)
	n := int((u.Size + ps - 1) / ps)
	id, have, err := o.resumable(ctx, l)
	if err != nil {
		return 0, err
	}
	for restart := 0; ; restart++ {
		if id == "" {
			err := o.do(ctx, "upload", "POST ?uploads", l, func(cl *obs.ObsClient) error {
				in := &obs.InitiateMultipartUploadInput{}
				in.Bucket, in.Key, in.Metadata, in.ContentType = l.Bucket, l.Key, meta, "application/zip"
				out, err := cl.InitiateMultipartUpload(in)
				if err == nil {
					id = out.UploadId
				}
				return err
			})
			if err != nil {
				return 0, err
			}
			have = nil
		}
		sent, etags, err := o.sendParts(ctx, l, f, u, id, ps, n, have)
		if err != nil {
			return sent, err
		}
		parts := make([]obs.Part, n)
		for i := range parts {
			parts[i] = obs.Part{PartNumber: i + 1, ETag: `"` + etags[i] + `"`}
		}
		err = o.do(ctx, "upload", "POST ?uploadId", l, func(cl *obs.ObsClient) error {
			_, err := cl.CompleteMultipartUpload(&obs.CompleteMultipartUploadInput{Bucket: l.Bucket, Key: l.Key, UploadId: id, Parts: parts})
			return err
		})
		var oe *OBSError
		if err != nil && restart == 0 && errors.As(err, &oe) && (oe.Code == "NoSuchUpload" || oe.Code == "InvalidPart") {
			// The upload went away (expired, aborted by someone) or
			// lost a part since it was listed: start again, once.
			o.abort(ctx, l, id)
			id = ""
			continue
		}
		return sent, err
	}
}

// resumable finds the newest multipart upload of l's key that an earlier
// run left, and the parts it holds; "" when there is none.
func (o *OBS) resumable(ctx context.Context, l Location) (string, map[int]sentPart, error) {
	var ups []obs.Upload
	err := o.do(ctx, "upload", "GET ?uploads", l, func(cl *obs.ObsClient) error {
		out, err := cl.ListMultipartUploads(&obs.ListMultipartUploadsInput{Bucket: l.Bucket, Prefix: l.Key})
		if err == nil {
			ups = out.Uploads
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	var mine []obs.Upload
	for _, up := range ups {
		if up.Key == l.Key {
			mine = append(mine, up)
		}
	}
	if len(mine) == 0 {
		return "", nil, nil
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Initiated.After(mine[j].Initiated) })
	id := mine[0].UploadId
	have := map[int]sentPart{}
	marker := 0
	for {
		var out *obs.ListPartsOutput
		err := o.do(ctx, "upload", "GET ?uploadId", l, func(cl *obs.ObsClient) (err error) {
			out, err = cl.ListParts(&obs.ListPartsInput{Bucket: l.Bucket, Key: l.Key, UploadId: id, PartNumberMarker: marker})
			return err
		})
		if IsNotFound(err) || isCode(err, "NoSuchUpload") {
			return "", nil, nil // completed or aborted meanwhile
		}
		if err != nil {
			return "", nil, err
		}
		for _, p := range out.Parts {
			have[p.PartNumber] = sentPart{size: p.Size, etag: strings.Trim(p.ETag, `"`)}
		}
		if !out.IsTruncated || out.NextPartNumberMarker <= marker {
			break
		}
		marker = out.NextPartNumberMarker
	}
	return id, have, nil
}

func isCode(err error, code string) bool {
	var oe *OBSError
	return errors.As(err, &oe) && oe.Code == code
}

// sendParts sends the parts of the file that have does not already hold
// (same size and MD5), Parallel at a time, and returns the ETags of all.
// A part the upload holds is read once to compare its MD5, not sent.
func (o *OBS) sendParts(ctx context.Context, l Location, f *os.File, u Upload, id string, ps int64, n int, have map[int]sentPart) (int64, []string, error) {
	etags := make([]string, n)
	var mu sync.Mutex
	var sent int64
	var firstErr error
	jobs := make(chan int)
	par := o.Parallel
	if par <= 0 {
		par = DefaultPartsParallel
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range min(par, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				off := int64(i) * ps
				size := min(ps, u.Size-off)
				if h, ok := have[i+1]; ok && h.size == size {
					sum := md5.New()
					if _, err := io.Copy(sum, io.NewSectionReader(f, off, size)); err == nil && hex.EncodeToString(sum.Sum(nil)) == h.etag {
						etags[i] = h.etag
						if u.Progress != nil { // kept, not sent: the bar still moves past it
							io.CopyN(u.Progress, zeros{}, size)
						}
						continue
					}
				}
				var etag string
				err := o.do(ctx, "upload", fmt.Sprintf("PUT part %d/%d", i+1, n), l, func(cl *obs.ObsClient) error {
					out, err := cl.UploadPart(&obs.UploadPartInput{Bucket: l.Bucket, Key: l.Key, UploadId: id, PartNumber: i + 1,
						Body: progressReader(io.NewSectionReader(f, off, size), u.Progress), PartSize: size})
					if err == nil {
						etag = strings.Trim(out.ETag, `"`)
					}
					return err
				})
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					cancel()
				} else {
					etags[i] = etag
					sent += size
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return sent, etags, firstErr
}

// abort gives up a multipart upload, its parts with it; a failure is
// ignored (OBS removes uploads left too long, and the next run resumes
// or restarts regardless).
func (o *OBS) abort(ctx context.Context, l Location, id string) {
	o.do(ctx, "upload", "DELETE ?uploadId", l, func(cl *obs.ObsClient) error {
		_, err := cl.AbortMultipartUpload(&obs.AbortMultipartUploadInput{Bucket: l.Bucket, Key: l.Key, UploadId: id})
		return err
	})
}

// progressReader counts what r reads into w (when not nil).
func progressReader(r io.Reader, w io.Writer) io.Reader {
	if w == nil {
		return r
	}
	return io.TeeReader(r, w)
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Region is the region the client was configured for.
func (c *Client) Region() string { return c.cfg.Region }
