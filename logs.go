package main

// logs: a function's LTS logs, newest last, and --follow.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// followInterval is how often logs --follow asks LTS for new lines.
var followInterval = 2 * time.Second

// logsPage is how many lines one query reads.
const logsPage = 500

func logsCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "logs",
		Usage:     "print a function's logs from LTS, newest last",
		ArgsUsage: "NAME",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "qualifier", Usage: "only the invocations of version or alias `Q`"},
			&cli.DurationFlag{Name: "since", Value: 10 * time.Minute, Usage: "from `DURATION` ago"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"F"}, Usage: "keep printing new lines until interrupted"},
			&cli.StringFlag{Name: "request-id", Usage: "only the invocation with request id `ID`"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text (the lines as logged) or json (one document; not with --follow)"},
		}),
		Action: func(c *cli.Context) error {
			reading.Store(true) // Ctrl-C ends --follow: nothing to finish
			defer reading.Store(false)
			since := c.Duration("since")
			if since <= 0 {
				return fmt.Errorf("--since %v: want a positive duration, such as 10m or 2h", since)
			}
			format, err := formatOf(c)
			if err != nil {
				return err
			}
			if format == "json" && c.Bool("follow") {
				return withHint(errors.New("--follow prints lines as they come, and --format json prints one document when done"), "follow in text, or leave --follow out for a JSON document of the lines so far")
			}
			s, fn, urn, err := functionArg(c, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			q := c.String("qualifier")
			target, err := logTarget(c, s.client, fn, urn, q)
			if err != nil {
				return err
			}
			f := &lineFilter{requestID: c.String("request-id")}
			if q != "" {
				if f.versions, err = versionsOf(c.Context, s.client, urn, q); err != nil {
					return fmt.Errorf("logs of %s: %w", fn.Name, err)
				}
			}
			r := &logReader{api: s.client, target: target, filter: f, out: stdout, start: time.Now().Add(-since)}
			if format == "json" {
				r.kept = []logLineJSON{}
			}
			n, err := r.read(c.Context)
			if err != nil {
				return fmt.Errorf("logs of %s: %w", fn.Name, err)
			}
			if format == "json" {
				return writeJSON(stdout, struct {
					FormatVersion string        `json:"format_version"`
					Function      string        `json:"function"`
					Lines         []logLineJSON `json:"lines"`
				}{"1", fn.Name, r.kept})
			}
			if !c.Bool("follow") {
				if n == 0 {
					fmt.Fprintf(stderr, "fgsdeploy: no log lines of %s in the last %v\n", fn.Name, since)
				}
				return nil
			}
			return follow(c.Context, s, r, fn.Name)
		},
	}
}

// logTarget is where the function logs: the LTS group and stream that
// lts-log-detail names for the version or alias q (latest when ""), else
// the manifest's log_config when it names one (a service that does not
// report a target it was given), else an error that says how to turn
// logging on.
func logTarget(c *cli.Context, api *apiclient.Client, fn *manifest.Function, urn, q string) (*apiclient.LogTarget, error) {
	qurn, _, err := qualified(c.Context, api, urn, q)
	if err != nil {
		return nil, fmt.Errorf("logs of %s: %w", fn.Name, err)
	}
	target, err := api.LogTarget(c.Context, qurn)
	switch {
	case err == nil:
		return target, nil
	case !errors.Is(err, apiclient.ErrNoLogTarget):
		return nil, fmt.Errorf("logs of %s: %w", fn.Name, err)
	case fn.LogConfig != nil && !fn.LogConfig.Auto:
		return &apiclient.LogTarget{GroupID: fn.LogConfig.GroupID, StreamID: fn.LogConfig.StreamID}, nil
	}
	what := plan.Title(fn.Name, fn.FuncName)
	if q != "" {
		what += " " + q
	}
	return nil, withHint(fmt.Errorf("%s does not log to LTS", what),
		"declare log_config: {group_id: ..., stream_id: ...} (an LTS stream of yours) for %s in %s, then: %s; or turn LTS logging on for %s in the FunctionGraph console (functions created after the account's switch, the console's Enable LTS or the API's EnableLtsLogs, log by default, as do those declaring log_config: auto)",
		fn.Name, str(c, "file"), hintCommand(c, "apply"), fn.FuncName)
}

// follow prints new lines until ctx is done. Under --local it holds the
// local state only while it reads: between reads it is released, so
// that other --local commands (an invoke) run beside it, and each read
// opens it again.
func follow(ctx context.Context, s *session, r *logReader, name string) error {
	reopen := s.reopen
	if reopen != nil {
		s.Close()
	}
	t := time.NewTicker(followInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil // interrupted: following ends there
		case <-t.C:
		}
		if err := r.poll(ctx, reopen); err != nil && ctx.Err() == nil {
			return fmt.Errorf("logs of %s: %w", name, err)
		}
	}
}

// poll reads the new lines, through a session of its own when reopen is
// set (the local state, held for this read only).
func (r *logReader) poll(ctx context.Context, reopen func(context.Context) (*session, error)) error {
	if reopen == nil {
		_, err := r.read(ctx)
		return err
	}
	s, err := reopen(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r.api = s.client
	_, err = r.read(ctx)
	return err
}

// versionsOf is the versions whose invocations --qualifier q selects: the
// version, or every version an alias sends traffic to.
func versionsOf(ctx context.Context, api *apiclient.Client, urn, q string) (map[string]bool, error) {
	_, a, err := qualified(ctx, api, urn, q)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return map[string]bool{q: true}, nil
	}
	vs := map[string]bool{a.Version: true}
	for v := range a.AdditionalVersionWeights {
		vs[v] = true
	}
	for v := range a.AdditionalVersionStrategy {
		vs[v] = true
	}
	return vs, nil
}

// logReader reads a stream in pages, from where it stopped.
type logReader struct {
	api    *apiclient.Client
	target *apiclient.LogTarget
	filter *lineFilter
	out    io.Writer
	start  time.Time
	after  string // line_num of the last line read
	// kept, when not nil, gets the lines instead of out (--format json).
	kept []logLineJSON
}

// logLineJSON is a line of logs --format json: as logged, with the
// invocation it belongs to when known.
type logLineJSON struct {
	Content   string `json:"content"`
	LineNum   string `json:"line_num,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Version   string `json:"version,omitempty"`
}

// read prints the lines written since the last read and returns how many
// it printed. Every page is read (apiclient.ReadLogs follows LTS's scroll
// ids), so an invocation that printed thousands of lines is whole.
func (r *logReader) read(ctx context.Context) (int, error) {
	printed := 0
	last, err := r.api.ReadLogs(ctx, r.target.GroupID, r.target.StreamID,
		apiclient.LogQuery{Start: r.start, End: time.Now(), After: r.after, Limit: logsPage},
		func(l apiclient.LogLine) error {
			if r.filter.keep(l) {
				content := strings.TrimRight(l.Content, "\n")
				if r.kept != nil {
					r.kept = append(r.kept, logLineJSON{content, l.LineNum, r.filter.lineID, r.filter.lineVersion})
				} else {
					fmt.Fprintln(r.out, content)
				}
				printed++
			}
			return nil
		})
	r.after = last
	return printed, err
}

var (
	startLine  = regexp.MustCompile(`Start invoke request '([^']+)', version: (\S+)`)
	finishLine = regexp.MustCompile(`Finish invoke request '([^']+)'`)
)

// lineFilter keeps the lines of one invocation (--request-id) or of the
// invocations of some versions (--qualifier). A line belongs to the
// invocation its labels name; without labels, to the invocation whose
// "Start invoke request" line came last before it, up to its "Finish
// invoke request" line, as FunctionGraph brackets an invocation's lines.
type lineFilter struct {
	requestID string
	versions  map[string]bool // nil: every version

	curID, curVersion string // the invocation the lines read are in
	// lineID and lineVersion are the invocation of the line keep was
	// last given, "" when not known.
	lineID, lineVersion string
}

func (f *lineFilter) keep(l apiclient.LogLine) bool {
	if m := startLine.FindStringSubmatch(l.Content); m != nil {
		f.curID, f.curVersion = m[1], m[2]
	}
	id, version := l.Labels["request_id"], l.Labels["version"]
	if id == "" {
		id = f.curID
	}
	if version == "" {
		version = f.curVersion
	}
	f.lineID, f.lineVersion = id, version
	if m := finishLine.FindStringSubmatch(l.Content); m != nil && m[1] == f.curID {
		f.curID, f.curVersion = "", ""
	}
	switch {
	case f.requestID != "" && id != f.requestID && !strings.Contains(l.Content, f.requestID):
		return false
	case f.versions != nil && !f.versions[version]:
		return false
	}
	return true
}
