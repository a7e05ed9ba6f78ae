// Command invokebench times invocations of a Python handler run by the
// emulator, with its state in a directory as under --local: the first
// (cold) invocation, then warm ones one at a time (median and tail latency,
// throughput) and from two clients at once, against a bare python3 start.
//
//	go run ./bench/invokebench [-n 1000] [-cold 10]
//
// The latencies are of whole HTTP requests: signing, the emulator's
// signature check and store read, the handler process's round trip, the
// answer.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

const (
	ak, sk  = "BENCHAK", "bench-secret"
	project = "0000000000000000000000000000beef"
	region  = "local-1"
	handler = "def handler(event, context):\n    return {\"hello\": event.get(\"name\", \"world\")}\n"
)

func main() {
	n := flag.Int("n", 1000, "warm invocations")
	cold := flag.Int("cold", 10, "cold starts (each after a code change, so on a fresh process) and bare python3 starts")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "invokebench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	r, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: project, Region: region, StateDir: filepath.Join(dir, "state")})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	c, err := apiclient.New(apiclient.Config{Endpoint: r.URL, IAMEndpoint: r.URL, LTSEndpoint: r.LTSURL, Region: region, ProjectID: project, AccessKey: ak, SecretKey: sk})
	if err != nil {
		log.Fatal(err)
	}
	code := func(i int) string {
		p := filepath.Join(dir, fmt.Sprintf("code%d.zip", i))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("index.py")
		fmt.Fprintf(w, "%s# %d\n", handler, i)
		zw.Close()
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			log.Fatal(err)
		}
		return p
	}
	_, err = c.CreateFunction(ctx, &apiclient.CreateRequest{FuncName: "bench", Package: "default", Runtime: "Python3.10", Handler: "index.handler",
		MemorySize: 128, Timeout: 10, CodeType: "zip", CodeFilename: "code.zip", CodeFile: code(0)})
	if err != nil {
		log.Fatal(err)
	}
	urn := c.FunctionURN("default", "bench")
	payload := []byte(`{"name": "bench"}`)
	invoke := func() time.Duration {
		t0 := time.Now()
		inv, err := c.Invoke(ctx, urn, payload, false)
		if err != nil || inv.Failed() {
			log.Fatalf("invoke: %v %+v", err, inv)
		}
		return time.Since(t0)
	}

	var colds []time.Duration
	for i := 1; i <= *cold; i++ {
		if _, err := c.UpdateCode(ctx, urn, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "code.zip", CodeFile: code(i)}); err != nil {
			log.Fatal(err)
		}
		colds = append(colds, invoke())
	}
	for i := 0; i < 20; i++ {
		invoke() // warm up the client's connections and the process
	}
	warm := make([]time.Duration, *n)
	t0 := time.Now()
	for i := range warm {
		warm[i] = invoke()
	}
	serial := time.Since(t0)

	var wg sync.WaitGroup
	t0 = time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < *n/2; i++ {
				invoke()
			}
		}()
	}
	wg.Wait()
	parallel := time.Since(t0)

	python, err := exec.LookPath("python3")
	if err != nil {
		log.Fatal(err)
	}
	var bare []time.Duration
	for i := 0; i < *cold; i++ {
		t := time.Now()
		if err := exec.Command(python, "-c", "pass").Run(); err != nil {
			log.Fatal(err)
		}
		bare = append(bare, time.Since(t))
	}
	version, _ := exec.Command(python, "--version").Output()
	// python3 on PATH may be a wrapper (pyenv's shim is a shell script);
	// the interpreter itself starts faster.
	real, _ := exec.Command(python, "-c", "import sys; print(sys.executable, end='')").Output()
	var direct []time.Duration
	for i := 0; i < *cold && len(real) > 0; i++ {
		t := time.Now()
		if err := exec.Command(string(real), "-c", "pass").Run(); err != nil {
			log.Fatal(err)
		}
		direct = append(direct, time.Since(t))
	}

	fmt.Printf("## Invocations of a warm Python handler (emulator with a state directory, as under --local)\n")
	fmt.Printf("%s, %d CPUs, %s", runtime.Version(), runtime.NumCPU(), version)
	fmt.Printf("%-44s %10s %10s %10s\n", "", "median", "p90", "p99")
	row := func(name string, d []time.Duration) {
		fmt.Printf("%-44s %10s %10s %10s\n", name, ms(pct(d, 50)), ms(pct(d, 90)), ms(pct(d, 99)))
	}
	row(fmt.Sprintf("warm invoke, one client (%d)", *n), warm)
	row(fmt.Sprintf("cold invoke, fresh process (%d)", *cold), colds)
	row(fmt.Sprintf("python3 -c pass, bare start (%d)", *cold), bare)
	if len(direct) > 0 && string(real) != python {
		row(fmt.Sprintf("%s -c pass (%d)", filepath.Base(string(real)), *cold), direct)
		fmt.Printf("(python3 on PATH is %s, which runs %s)\n", python, real)
	}
	fmt.Printf("throughput: %.0f invocations/s from one client, %.0f/s from two\n",
		float64(*n)/serial.Seconds(), float64(2*(*n/2))/parallel.Seconds())
	fmt.Printf("bare python3 start / warm invoke: %.1fx (goal: at least 20x); warm median %s (goal: under 5 ms)\n",
		float64(pct(bare, 50))/float64(pct(warm, 50)), ms(pct(warm, 50)))
	if len(direct) > 0 {
		fmt.Printf("the interpreter's own start / warm invoke: %.1fx\n", float64(pct(direct, 50))/float64(pct(warm, 50)))
	}
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
