package apiclient_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// packageFile writes n random bytes and returns the upload of them.
func packageFile(t testing.TB, n int64) apiclient.Upload {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha512.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.Reader, n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return apiclient.Upload{File: p, Size: n, Digest: hex.EncodeToString(h.Sum(nil))}
}

func obsEnv(t *testing.T, eo emulator.Options) (*env, *apiclient.OBS) {
	eo.Buckets = append(eo.Buckets, "deploy", "faraway@cn-south-1")
	e := setup(t, eo, apiclient.Config{})
	o := e.client.OBS(e.http.URL)
	o.PartSize, o.MultipartFrom = 128<<10, 256<<10 // small parts: a few MB make many
	return e, o
}

var deployLoc = apiclient.Location{Host: "obs.cn-north-4.myhuaweicloud.com", Bucket: "deploy", Key: "fgsdeploy/default/big/pkg.zip"}

// A package goes up in one PUT or in parts; either way the object holds
// the bytes and their SHA-512, and a second upload of it sends nothing.
func TestOBSPut(t *testing.T) {
	e, o := obsEnv(t, emulator.Options{})
	ctx := context.Background()
	for _, size := range []int64{100 << 10, 1<<20 + 5} {
		u := packageFile(t, size)
		l := deployLoc
		l.Key += string(rune('a' + size%26))
		sent, err := o.Put(ctx, l, u)
		if err != nil || sent != size {
			t.Fatalf("%d bytes: sent %d, %v", size, sent, err)
		}
		d, n, err := o.ObjectDigest(ctx, l)
		if err != nil || d != u.Digest || n != size {
			t.Fatalf("%d bytes: object digest %s size %d %v, want %s", size, d, n, err, u.Digest)
		}
		before := e.srv.Stats().ObjectBytes
		if sent, err := o.Put(ctx, l, u); err != nil || sent != 0 || e.srv.Stats().ObjectBytes != before {
			t.Errorf("%d bytes again: sent %d (%v), want nothing", size, sent, err)
		}
	}
	if got := e.srv.Stats().Requests["PUT obs/part"]; got != 9 {
		t.Errorf("%d part uploads, want 9 for 1 MB in 128 KB parts", got)
	}
	// An object that was not uploaded by fgsdeploy (no sha512 metadata) is
	// read and hashed.
	data := []byte("built elsewhere")
	if err := e.srv.PutObject("deploy", "other.zip", data); err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(data)
	d, n, err := o.ObjectDigest(ctx, apiclient.Location{Host: deployLoc.Host, Bucket: "deploy", Key: "other.zip"})
	if err != nil || d != hex.EncodeToString(sum[:]) || n != int64(len(data)) {
		t.Errorf("an object without metadata: %s %d %v", d, n, err)
	}
}

// cancelAfter cancels a context once n bytes went through it.
type cancelAfter struct {
	n      atomic.Int64
	limit  int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.n.Add(int64(len(p))) >= c.limit {
		c.cancel()
	}
	return len(p), nil
}

// An upload interrupted half-way resumes: the next run keeps the parts
// that were sent (checking their MD5 against the file) and sends only the
// others; a part that does not match the file is sent again.
func TestOBSResumesAnInterruptedUpload(t *testing.T) {
	e, o := obsEnv(t, emulator.Options{})
	o.Parallel = 1
	const size = 10 * 128 << 10
	u := packageFile(t, size)
	ctx, cancel := context.WithCancel(context.Background())
	u.Progress = &cancelAfter{limit: 4*128<<10 + 1, cancel: cancel}
	if _, err := o.Put(ctx, deployLoc, u); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted upload: %v", err)
	}
	first := e.srv.Stats().ObjectBytes
	if first < 4*128<<10 || first >= size {
		t.Fatalf("the interrupted run sent %d bytes, want about 4 parts", first)
	}
	u.Progress = nil
	sent, err := o.Put(context.Background(), deployLoc, u)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing the first run stored was sent again, but for the part in
	// flight when it was interrupted, which the emulator may still have
	// been storing when the second run listed the parts.
	if total := e.srv.Stats().ObjectBytes; total < size || total > size+128<<10 || sent > size-4*128<<10 {
		t.Errorf("resumed: sent %d, %d in all; want the rest only (%d in all, one part more at most)", sent, total, size)
	}
	if d, _, err := o.ObjectDigest(context.Background(), deployLoc); err != nil || d != u.Digest {
		t.Errorf("resumed object: %s %v", d, err)
	}

	// A stale upload whose part 2 is not the file's: that part is sent
	// again, the matching ones are kept.
	l := deployLoc
	l.Key = "other/pkg.zip"
	ctx, cancel = context.WithCancel(context.Background())
	u.Progress = &cancelAfter{limit: 3*128<<10 + 1, cancel: cancel}
	start := e.srv.Stats().ObjectBytes
	o.Put(ctx, l, u)
	u.Progress = nil
	tamperPart(t, e, l, 2, packageFile(t, size))
	if _, err = o.Put(context.Background(), l, u); err != nil {
		t.Fatal(err)
	}
	// The interrupted run's parts, the other part 2, then the rest and
	// part 2 again: two parts more than the package, whatever the
	// interrupted run stored.
	// (and perhaps the part in flight at the interrupt once more).
	if got := e.srv.Stats().ObjectBytes - start; got < size+2*128<<10 || got > size+3*128<<10 {
		t.Errorf("after a mismatching part: %d bytes received, want %d (the package and parts 2 twice)", got, size+2*128<<10)
	}
	if d, _, err := o.ObjectDigest(context.Background(), l); err != nil || d != u.Digest {
		t.Errorf("object after a mismatching part: %s %v", d, err)
	}
}

// tamperPart replaces part n of the pending upload of l by the same part
// of another file, through the emulator's OBS API.
func tamperPart(t *testing.T, e *env, l apiclient.Location, n int, other apiclient.Upload) {
	t.Helper()
	data, err := os.ReadFile(other.File)
	if err != nil {
		t.Fatal(err)
	}
	part := data[(n-1)*128<<10 : n*128<<10]
	if err := apiclient.ReplacePartForTest(context.Background(), e.client.OBS(e.http.URL), l, n, bytes.NewReader(part), int64(len(part))); err != nil {
		t.Fatal(err)
	}
}

// Under injected faults (503 SlowDown, 500, dropped connections) every
// request is retried with backoff and the object comes out whole.
func TestOBSRetriesUnderFaults(t *testing.T) {
	e, o := obsEnv(t, emulator.Options{FaultRate: 0.3, Seed: 7})
	u := packageFile(t, 2<<20)
	if _, err := o.Put(context.Background(), deployLoc, u); err != nil {
		t.Fatal(err)
	}
	e.srv.SetFaultRate(0)
	if d, _, err := o.ObjectDigest(context.Background(), deployLoc); err != nil || d != u.Digest {
		t.Fatalf("after faults: %s %v", d, err)
	}
	if e.srv.Stats().Faults == 0 || len(e.sleeps) == 0 {
		t.Errorf("no fault was injected or no retry slept (faults %d, sleeps %d)", e.srv.Stats().Faults, len(e.sleeps))
	}
}

// The errors users meet first come back with OBS's codes.
func TestOBSErrors(t *testing.T) {
	e, o := obsEnv(t, emulator.Options{})
	u := packageFile(t, 1000)
	code := func(err error) string {
		var oe *apiclient.OBSError
		if !errors.As(err, &oe) {
			return "not an OBSError: " + err.Error()
		}
		return oe.Code
	}
	for l, want := range map[apiclient.Location]string{
		{Host: deployLoc.Host, Bucket: "nosuch", Key: "k"}:  "NoSuchBucket",
		{Host: deployLoc.Host, Bucket: "faraway", Key: "k"}: "PermanentRedirect",
	} {
		if _, err := o.Put(context.Background(), l, u); code(err) != want {
			t.Errorf("%s: %v, want %s", l, err, want)
		}
	}
	bad, err := apiclient.New(apiclient.Config{Endpoint: e.http.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.OBS(e.http.URL).Put(context.Background(), deployLoc, u); code(err) != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v", err)
	}
	tok, _ := apiclient.New(apiclient.Config{Endpoint: e.http.URL, Region: region, ProjectID: pid, AuthToken: "t"})
	if _, err := tok.OBS(e.http.URL).Put(context.Background(), deployLoc, u); err == nil {
		t.Error("an IAM token alone uploaded to OBS")
	}
}

func TestParseObjectURL(t *testing.T) {
	for raw, want := range map[string]apiclient.Location{
		"https://b.obs.cn-north-4.myhuaweicloud.com/a/b.zip":   {Host: "obs.cn-north-4.myhuaweicloud.com", Bucket: "b", Key: "a/b.zip"},
		"https://obs.cn-north-4.myhuaweicloud.com/b/a%20b.zip": {Host: "obs.cn-north-4.myhuaweicloud.com", Bucket: "b", Key: "a b.zip"},
	} {
		got, err := apiclient.ParseObjectURL(raw)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", raw, got, err, want)
		}
		if raw[8] == 'b' && got.URL() != raw {
			t.Errorf("%+v: URL %s, want %s", got, got.URL(), raw)
		}
	}
	for _, raw := range []string{"http://b.obs.x/k", "https://b.obs.x/", "https://obs.x/b", "obs://b/k"} {
		if _, err := apiclient.ParseObjectURL(raw); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
}

// A package of 40 MB goes up in parts to an emulator in a child process,
// streamed from the file: the client's heap grows by far less.
func TestOBSUploadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("40 MB upload")
	}
	const size = 40 << 20
	u := packageFile(t, size)
	url := startChildEmulator(t)
	c, err := apiclient.New(apiclient.Config{Endpoint: url, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	o := c.OBS(url)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var sent int64
	peak := peakHeap(func() { sent, err = o.Put(context.Background(), deployLoc, u) })
	if err != nil || sent != size {
		t.Fatalf("sent %d: %v", sent, err)
	}
	growth := int64(peak) - int64(base.HeapInuse)
	t.Logf("40 MB through OBS in %d MB parts: client heap growth %.1f MB", apiclient.DefaultPartSize>>20, float64(growth)/(1<<20))
	if growth > size/4 {
		t.Fatalf("heap grew by %d bytes uploading %d: not streaming", growth, size)
	}
}
