package apiclient_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

const childEnv = "APICLIENT_TEST_EMULATOR"

// TestMain doubles as an emulator process for TestUploadStreams, so that
// the test process's memory is the client's alone.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		r, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region, Buckets: []string{"deploy"}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(r.URL)
		io.Copy(io.Discard, os.Stdin) // serve until the parent closes stdin
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChildEmulator runs the emulator in a child process and returns its URL.
func startChildEmulator(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("emulator child: %v", err)
	}
	return strings.TrimSpace(line)
}

// peakHeap samples the heap while fn runs.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return peak.Load()
}

// procKB reads a "Name:  N kB" line of /proc/self/status (Linux only).
func procKB(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name+":") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

// A 45 MB package goes to the emulator (in a child process) streamed: the
// client's heap grows by far less than the package, and the emulator
// stores exactly the file (its digest matches).
func TestUploadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("45 MB upload")
	}
	const size = 45 << 20
	p := filepath.Join(t.TempDir(), "big.zip")
	f, _ := os.Create(p)
	h := sha512.New()
	io.CopyN(io.MultiWriter(f, h), rand.Reader, size)
	f.Close()
	want := hex.EncodeToString(h.Sum(nil))

	url := startChildEmulator(t)
	c, err := apiclient.New(apiclient.Config{Endpoint: url, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	small, _ := zipFile(t, "x")
	if _, err := c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "big", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
		MemorySize: 128, Timeout: 3, CodeType: "zip", CodeFilename: "c.zip", CodeFile: small}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM where allowed
	rssBefore := procKB("VmRSS")
	var code *apiclient.Code
	peak := peakHeap(func() {
		code, err = c.UpdateCode(ctx, c.FunctionURN("default", "big"), &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "big.zip", CodeFile: p})
	})
	if err != nil {
		t.Fatal(err)
	}
	if code.Digest != want || code.CodeSize != size {
		t.Fatalf("emulator stored %d bytes with digest %s, want %s", code.CodeSize, code.Digest, want)
	}
	growth := int64(peak) - int64(base.HeapInuse)
	t.Logf("45 MB upload to the emulator: client heap growth %.1f MB; process RSS %d MB before, peak (VmHWM) %d MB (package %d MB)",
		float64(growth)/(1<<20), rssBefore>>10, procKB("VmHWM")>>10, size>>20)
	// Streaming costs buffers (well under 1 MB here); holding the package
	// costs at least its size. The bound used to be 1.5 times the size,
	// which a client reading the whole file into memory passed.
	if growth > size/10 {
		t.Fatalf("heap grew by %d bytes uploading %d: not streaming", growth, size)
	}
}
