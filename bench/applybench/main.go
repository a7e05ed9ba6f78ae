// Command applybench times plan and apply of many functions against the
// emulator with added latency, at several parallelism levels, and compares
// the wall time with the ideal requests × latency / parallelism.
//
//	go run ./bench/applybench [-functions 200] [-latency 50ms] [-parallelism 1,8,32] [-release]
//
// -release gives every function a publish and an alias, so the plan also
// reads versions and aliases and the apply publishes and moves the alias.
// The replan phase is the plan right after the apply: no changes, the
// check a pre-merge pipeline runs most.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

func main() {
	n := flag.Int("functions", 200, "functions in the project")
	latency := flag.Duration("latency", 50*time.Millisecond, "emulator latency per request")
	pars := flag.String("parallelism", "1,8,32", "comma-separated parallelism levels")
	release := flag.Bool("release", false, "publish a version and point an alias at it in every function")
	flag.Parse()

	dir, err := os.MkdirTemp("", "applybench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
	var b strings.Builder
	b.WriteString("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\nfunctions:\n")
	for i := 0; i < *n; i++ {
		fmt.Fprintf(&b, "  fn%04d:\n    memory_size: 256\n    environment: {INDEX: \"%d\"}\n", i, i)
		if *release {
			b.WriteString("    publish: {version: v1}\n    aliases: {live: {version: $published}}\n")
		}
	}
	os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(b.String()), 0o644)
	proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
	if err != nil {
		log.Fatal(err)
	}

	what := ""
	if *release {
		what = ", each with publish and an alias"
	}
	fmt.Printf("%d functions%s, emulator latency %s\n", *n, what, *latency)
	fmt.Printf("%-12s %-6s %9s %10s %10s %8s\n", "parallelism", "phase", "requests", "wall", "ideal", "ratio")
	for _, ps := range strings.Split(*pars, ",") {
		par, err := strconv.Atoi(ps)
		if err != nil {
			log.Fatal(err)
		}
		run, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: "AK", SecretKey: "SK", ProjectID: "0123456789abcdef0123456789abcdef", Region: "cn-north-4", Latency: *latency})
		if err != nil {
			log.Fatal(err)
		}
		c, err := apiclient.New(apiclient.Config{Endpoint: run.URL, Region: "cn-north-4", ProjectID: "0123456789abcdef0123456789abcdef", AccessKey: "AK", SecretKey: "SK"})
		if err != nil {
			log.Fatal(err)
		}
		ctx := context.Background()
		count := func() int {
			t := 0
			for _, v := range run.Server.Stats().Requests {
				t += v
			}
			return t
		}
		report := func(phase string, reqs int, wall time.Duration) {
			ideal := time.Duration(reqs) * *latency / time.Duration(par)
			fmt.Printf("%-12d %-6s %9d %10s %10s %8.2f\n", par, phase, reqs, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), wall.Seconds()/ideal.Seconds())
		}
		t0 := time.Now()
		p, err := planner.Compute(ctx, c, proj, planner.Options{Parallelism: par})
		if err != nil {
			log.Fatal(err)
		}
		planWall, planReqs := time.Since(t0), count()
		report("plan", planReqs, planWall)
		t1 := time.Now()
		if err := applier.Apply(ctx, c, p, applier.Options{Parallelism: par}).Err(); err != nil {
			log.Fatal(err)
		}
		applied := count()
		report("apply", applied-planReqs, time.Since(t1))
		p.Close()
		t2 := time.Now()
		p, err = planner.Compute(ctx, c, proj, planner.Options{Parallelism: par})
		if err != nil {
			log.Fatal(err)
		}
		if p.HasChanges() {
			log.Fatal("the plan after apply is not empty")
		}
		report("replan", count()-applied, time.Since(t2))
		p.Close()
		run.Close()
	}
}
