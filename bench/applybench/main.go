// Command applybench times plan and apply of many functions against the
// emulator with added latency, at several parallelism levels, and compares
// the wall time with the ideal requests × latency / parallelism.
//
//	go run ./bench/applybench [-functions 200] [-latency 50ms] [-parallelism 1,8,32] [-release] [-triggers 3]
//
// -release gives every function a publish and an alias, so the plan also
// reads versions and aliases and the apply publishes and moves the alias.
// The replan phase is the plan right after the apply: no changes, the
// check a pre-merge pipeline runs most. -triggers N (1 to 3, implies
// -release) runs every level twice, without triggers and with N per
// function (a timer and an API on the alias, a log trigger on latest),
// and compares the replans and counts the trigger lists they read.
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
	triggers := flag.Int("triggers", 0, "with 1 to 3, compare the plans without and with that many triggers per function")
	flag.Parse()
	if *triggers > 0 {
		*release = true
	}

	dir, err := os.MkdirTemp("", "applybench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644)
	load := func(withTriggers int) *manifest.Project {
		var b strings.Builder
		b.WriteString("defaults:\n  runtime: Python3.10\n  handler: index.handler\n  code: {path: ./src}\nfunctions:\n")
		for i := 0; i < *n; i++ {
			fmt.Fprintf(&b, "  fn%04d:\n    memory_size: 256\n    environment: {INDEX: \"%d\"}\n", i, i)
			if *release {
				b.WriteString("    publish: {version: v1}\n    aliases: {live: {version: $published}}\n")
			}
			if withTriggers > 0 {
				all := []string{
					"      - {type: TIMER, qualifier: live, event_data: {name: nightly, schedule_type: Cron, schedule: \"0 0 2 * * ?\"}}\n",
					fmt.Sprintf("      - {type: APIG, qualifier: live, event_data: {group_id: g1, env_id: E1, env_name: RELEASE, name: api%04d, path: /fn%04d, req_method: GET, match_mode: SWA, type: 1}}\n", i, i),
					"      - {type: LTS, event_data: {log_group_id: g1, log_topic_id: s1}}\n",
				}
				b.WriteString("    triggers:\n" + strings.Join(all[:min(withTriggers, len(all))], ""))
			}
		}
		os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(b.String()), 0o644)
		proj, err := manifest.Load(filepath.Join(dir, "function.yaml"), manifest.Options{})
		if err != nil {
			log.Fatal(err)
		}
		return proj
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
		if *triggers == 0 {
			run(load(0), par, *latency, "")
			continue
		}
		without := run(load(0), par, *latency, "")
		with := run(load(*triggers), par, *latency, fmt.Sprintf(" +%dt", *triggers))
		fmt.Printf("%-12d replan with %d triggers per function / without: %.2fx (target <= 1.5); trigger lists %d for %d qualifiers\n",
			par, *triggers, with.replan.Seconds()/without.replan.Seconds(), with.lists, 3*(*n)) // latest, live and v1
	}
}

// result is what run measured of the replan.
type result struct {
	replan time.Duration
	lists  int // trigger lists the replan read
}

// run plans, applies and replans proj against a fresh emulator.
func run(proj *manifest.Project, par int, latency time.Duration, tag string) result {
	run, err := emulator.Start("127.0.0.1:0", emulator.Options{AccessKey: "AK", SecretKey: "SK", ProjectID: "0123456789abcdef0123456789abcdef", Region: "cn-north-4", Latency: latency})
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
		ideal := time.Duration(reqs) * latency / time.Duration(par)
		fmt.Printf("%-12s %-6s %9d %10s %10s %8.2f\n", fmt.Sprint(par)+tag, phase, reqs, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), wall.Seconds()/ideal.Seconds())
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
	lists := run.Server.Stats().Requests["GET triggers"]
	t2 := time.Now()
	p, err = planner.Compute(ctx, c, proj, planner.Options{Parallelism: par})
	if err != nil {
		log.Fatal(err)
	}
	replan := time.Since(t2)
	if p.HasChanges() {
		log.Fatal("the plan after apply is not empty")
	}
	report("replan", count()-applied, replan)
	p.Close()
	lists = run.Server.Stats().Requests["GET triggers"] - lists
	run.Close()
	return result{replan: replan, lists: lists}
}
