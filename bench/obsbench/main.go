// Command obsbench measures uploads of a big incompressible package
// through OBS to an emulator on loopback: wall time against reading and
// hashing the same file, the client's peak RSS, and a second upload of the
// same package (0 bytes). bench/obs.sh runs it against an emulator process.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

func main() {
	url := flag.String("url", "", "the emulator's URL (bucket bench must exist)")
	sizeMB := flag.Int64("size", 300, "package size in MB")
	runs := flag.Int("runs", 3, "runs of each measure")
	file := flag.String("file", "/tmp/obsbench.zip", "the package (made if missing or of another size)")
	parallel := flag.Int("parallel", apiclient.DefaultPartsParallel, "parts in flight")
	partMB := flag.Int64("part", apiclient.DefaultPartSize>>20, "part size in MB")
	flag.Parse()
	size := *sizeMB << 20
	if fi, err := os.Stat(*file); err != nil || fi.Size() != size {
		f, err := os.Create(*file)
		check(err)
		_, err = io.CopyN(f, rand.Reader, size)
		check(err)
		check(f.Close())
	}
	digest, hashTimes := "", []float64{}
	for range *runs {
		t0 := time.Now()
		f, err := os.Open(*file)
		check(err)
		h := sha512.New()
		_, err = io.Copy(h, f)
		check(err)
		f.Close()
		hashTimes = append(hashTimes, time.Since(t0).Seconds())
		digest = hex.EncodeToString(h.Sum(nil))
	}
	c, err := apiclient.New(apiclient.Config{Endpoint: *url, Region: "cn-north-4", ProjectID: "0123456789abcdef0123456789abcdef", AccessKey: "AK", SecretKey: "SK"})
	check(err)
	o := c.OBS(*url)
	o.Parallel, o.PartSize = *parallel, *partMB<<20
	var upTimes []float64
	var rss []int64
	for i := range *runs {
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM where allowed
		l := apiclient.Location{Host: "obs.cn-north-4.myhuaweicloud.com", Bucket: "bench", Key: fmt.Sprintf("run-%d-%d/%s.zip", time.Now().UnixNano(), i, digest)}
		t0 := time.Now()
		sent, err := o.Put(context.Background(), l, apiclient.Upload{File: *file, Size: size, Digest: digest})
		check(err)
		upTimes = append(upTimes, time.Since(t0).Seconds())
		rss = append(rss, procKB("VmHWM"))
		if sent != size {
			check(fmt.Errorf("sent %d bytes of %d", sent, size))
		}
		if i == *runs-1 {
			t1 := time.Now()
			again, err := o.Put(context.Background(), l, apiclient.Upload{File: *file, Size: size, Digest: digest})
			check(err)
			fmt.Printf("second upload of the same package: %d bytes sent, %.3f s\n", again, time.Since(t1).Seconds())
		}
	}
	h, u := median(hashTimes), median(upTimes)
	fmt.Printf("%-34s %8s %8s %8s\n", "", "median", "min", "max")
	fmt.Printf("%-34s %8.3f %8.3f %8.3f\n", fmt.Sprintf("read + SHA-512, %d MB (s)", *sizeMB), h, minOf(hashTimes), maxOf(hashTimes))
	fmt.Printf("%-34s %8.3f %8.3f %8.3f\n", "upload through OBS (s)", u, minOf(upTimes), maxOf(upTimes))
	fmt.Printf("ratio %.2f (target <= 1.5); client peak RSS %d MB (runs: %s)\n", u/h, maxInt(rss)>>10, kbList(rss))
}

func procKB(name string) int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name+":") {
			if f := strings.Fields(l); len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func minOf(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[0]
}

func maxOf(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)-1]
}

func maxInt(xs []int64) int64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func kbList(xs []int64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatInt(x>>10, 10)
	}
	return strings.Join(s, ", ") + " MB"
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "obsbench:", err)
		os.Exit(1)
	}
}
