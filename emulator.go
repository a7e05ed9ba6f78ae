package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/emulator"
)

func emulatorCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "emulator",
		Usage: "run the local FunctionGraph API server",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "listen `ADDR`"},
			&cli.StringFlag{Name: "state", Usage: "keep state in `DIR` (default: in memory)"},
			&cli.StringFlag{Name: "access-key", Usage: "access key clients sign with"},
			&cli.StringFlag{Name: "secret-key", Usage: "secret key clients sign with"},
			&cli.StringFlag{Name: "token", Usage: "also accept X-Auth-Token equal to `TOKEN`"},
			&cli.StringFlag{Name: "project-id", Value: localProject, Usage: "the project id"},
			&cli.StringFlag{Name: "region", Value: localRegion, Usage: "the region"},
			&cli.DurationFlag{Name: "latency", Usage: "added to every request"},
			&cli.Float64Flag{Name: "fault-rate", Usage: "fraction of requests that fail (429, 500, dropped connection)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the fault injection"},
			&cli.IntFlag{Name: "version-cap", Usage: "versions per function, latest included", DefaultText: "20"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no request log on stderr"},
			&cli.BoolFlag{Name: "strict", Usage: "take the harshest documented reading of each open API rule (docs/api-notes.md)"},
			&cli.StringFlag{Name: "lts-addr", Usage: "serve the LTS API on `ADDR` (default: the --addr host, any port)"},
			&cli.StringSliceFlag{Name: "bucket", Usage: "create OBS bucket `NAME` at start, or NAME@REGION for one of another region (repeatable)"},
		},
		Action: func(c *cli.Context) error {
			if c.String("access-key") == "" && c.String("token") == "" {
				return withHint(errors.New("no credentials for clients"), "pass --access-key and --secret-key, or --token")
			}
			if c.String("access-key") != "" && c.String("secret-key") == "" {
				return errors.New("--access-key needs --secret-key")
			}
			if f := c.Float64("fault-rate"); f < 0 || f > 1 {
				return fmt.Errorf("--fault-rate %v: want a fraction from 0 to 1", f)
			}
			opts := emulator.Options{
				AccessKey: c.String("access-key"), SecretKey: c.String("secret-key"), Token: c.String("token"),
				ProjectID: c.String("project-id"), Region: c.String("region"), StateDir: c.String("state"),
				Latency: c.Duration("latency"), FaultRate: c.Float64("fault-rate"), Seed: c.Int64("seed"),
				VersionCap: c.Int("version-cap"), Strict: c.Bool("strict"), Buckets: c.StringSlice("bucket"),
			}
			opts.LTSAddr = c.String("lts-addr")
			// TIMER triggers fire: a scheduler pass every second.
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			opts.TimerTicks = tick.C
			if !c.Bool("quiet") {
				// One line per request: method, path, status, error code,
				// request id. Never credentials or code.
				var mu sync.Mutex
				opts.Logf = func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					fmt.Fprintf(stderr, "%s "+format+"\n", append([]any{time.Now().UTC().Format("15:04:05.000")}, args...)...)
				}
			}
			return emulator.Run(c.Context, c.String("addr"), opts, stdout)
		},
	}
}
