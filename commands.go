package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/applier"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/ghactions"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// commonFlags are accepted before or after the command name.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "chdir", Aliases: []string{"C"}, Usage: "run as if started in `DIR`"},
		&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Value: "function.yaml", Usage: "manifest `FILE`"},
		&cli.StringFlag{Name: "env", Aliases: []string{"e"}, Usage: "apply the manifest's environments.`NAME` overlay"},
		&cli.IntFlag{Name: "parallelism", Value: 8, Usage: "functions handled at once"},
		&cli.BoolFlag{Name: "no-color", Usage: "no colours (also NO_COLOR)"},
		&cli.BoolFlag{Name: "debug", Usage: "log API requests to stderr (credentials and secrets redacted)"},
	}
}

// remoteFlags select the account and the endpoint.
func remoteFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "region", Usage: "region, e.g. cn-north-4 (env HUAWEICLOUD_SDK_REGION, HW_REGION_NAME)"},
		&cli.StringFlag{Name: "project-id", Usage: "project id (env HUAWEICLOUD_SDK_PROJECT_ID, HW_PROJECT_ID)"},
		&cli.StringFlag{Name: "endpoint", Usage: "FunctionGraph endpoint `URL` (env FGSDEPLOY_ENDPOINT)"},
		&cli.StringFlag{Name: "iam-endpoint", Usage: "IAM endpoint `URL` (env HUAWEICLOUD_SDK_IAM_ENDPOINT)"},
		&cli.BoolFlag{Name: "local", Usage: "use the embedded FunctionGraph emulator, state in <project>/.fgsdeploy/local (env FGSDEPLOY_LOCAL=1)"},
		&cli.IntFlag{Name: "version-cap", Usage: "FunctionGraph's versions per function, latest included (env FGSDEPLOY_VERSION_CAP)", DefaultText: "20"},
	}
}

// versionCap is the version cap the plan checks publishes against.
func versionCap(c *cli.Context) (int, error) {
	if _, set := lookup(c, "version-cap"); set {
		if n := integer(c, "version-cap"); n >= 2 {
			return n, nil
		}
		return 0, fmt.Errorf("--version-cap %d: want a whole number of at least 2", integer(c, "version-cap"))
	}
	if v := env("FGSDEPLOY_VERSION_CAP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			return 0, fmt.Errorf("FGSDEPLOY_VERSION_CAP=%q: want a whole number of at least 2", v)
		}
		return n, nil
	}
	return 0, nil
}

func flags(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// lookup returns the value of a flag given after the command or, failing
// that, before it.
func lookup(c *cli.Context, name string) (*cli.Context, bool) {
	for _, lc := range c.Lineage() {
		if lc.IsSet(name) {
			return lc, true
		}
	}
	return c, false
}

func str(c *cli.Context, name string) string {
	lc, _ := lookup(c, name)
	return lc.String(name)
}

func boolean(c *cli.Context, name string) bool {
	lc, _ := lookup(c, name)
	return lc.Bool(name)
}

// checkFlags runs before every command: flag values that no command can
// use are errors before anything is read or sent.
func checkFlags(c *cli.Context) error {
	if lc, set := lookup(c, "parallelism"); set && lc.Int("parallelism") < 1 {
		return withHint(fmt.Errorf("--parallelism %d: want at least 1", lc.Int("parallelism")), "the default is 8")
	}
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), "version-cap") {
			if _, err := versionCap(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func integer(c *cli.Context, name string) int {
	lc, _ := lookup(c, name)
	return lc.Int(name)
}

// env is the process environment, read only here.
func env(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// chdir applies -C once: every path after it (manifest, plan files,
// --out) is relative to DIR.
func chdir(c *cli.Context) error {
	dir := str(c, "chdir")
	if dir == "" {
		return nil
	}
	if err := os.Chdir(dir); err != nil {
		return fmt.Errorf("chdir: %w", err)
	}
	return c.Set("chdir", "")
}

// project loads all of the manifest named by the flags.
func project(c *cli.Context) (*manifest.Project, error) {
	return loadProject(c, manifest.Options{})
}

// loadProject loads the manifest named by the flags, with the functions
// and the depth opts asks for (--target, or only what locates a function):
// a command interpolates only the variables it uses.
func loadProject(c *cli.Context, opts manifest.Options) (*manifest.Project, error) {
	if err := chdir(c); err != nil {
		return nil, err
	}
	opts.Env, opts.Lookup = str(c, "env"), os.LookupEnv
	p, err := manifest.Load(str(c, "file"), opts)
	var ue *manifest.UndeclaredError
	if errors.As(err, &ue) {
		return nil, err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, withHint(err, "run fgsdeploy in the project directory, or point at it with -C DIR or -f FILE; fgsdeploy init NAME writes a manifest from a deployed function")
	}
	if err != nil {
		return nil, &exitError{code: 1, err: manifestError(err)}
	}
	return p, nil
}

// manifestErrors is every problem of a manifest, printed one per line
// after the usual prefix. It unwraps to the *manifest.Error values, so
// that each is annotated (and reported in JSON) on its own.
type manifestErrors []error

func (m manifestErrors) Error() string {
	lines := make([]string, len(m))
	for i, e := range m {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("manifest has %d error%s:\n%s", len(lines), pluralS(len(lines)), strings.Join(lines, "\n"))
}

func (m manifestErrors) Unwrap() []error { return m }

// manifestError returns the manifest's problems as manifestErrors, or err
// as it is when it holds none.
func manifestError(err error) error {
	var me *multierror.Error
	if errors.As(err, &me) && len(me.Errors) > 0 {
		return manifestErrors(me.Errors)
	}
	return err
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Well-known credentials of the embedded emulator: it listens on loopback only.
const (
	localAK      = "LOCALACCESSKEY"
	localSK      = "local-secret-key-not-a-secret"
	localProject = "0000000000000000000000000000000a"
	localRegion  = "local-1"
)

// session is a connected API client, with the embedded emulator when --local.
type session struct {
	client *apiclient.Client
	local  *emulator.Running
}

func (s *session) Close() {
	if s.local != nil {
		s.local.Close()
	}
}

// localStateDir makes <project>/.fgsdeploy/local for --local. The state
// holds secrets (encrypted_user_data) as the real service does, so
// .fgsdeploy/ gets a .gitignore of "*" when it is created.
func localStateDir(project string) (string, error) {
	top := filepath.Join(project, ".fgsdeploy")
	dir := filepath.Join(top, "local")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("local emulator state: %w", err)
	}
	ignore := filepath.Join(top, ".gitignore")
	if _, err := os.Lstat(ignore); os.IsNotExist(err) {
		if err := os.WriteFile(ignore, []byte("*\n"), 0o644); err != nil {
			return "", fmt.Errorf("local emulator state: %w", err)
		}
	}
	return dir, nil
}

func connect(ctx context.Context, c *cli.Context, p *manifest.Project, stderr io.Writer) (*session, error) {
	cfg := apiclient.Config{
		Region:        firstNonEmpty(str(c, "region"), env("HUAWEICLOUD_SDK_REGION", "HW_REGION_NAME"), p.Region),
		ProjectID:     firstNonEmpty(str(c, "project-id"), env("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"), p.ProjectID),
		Endpoint:      firstNonEmpty(str(c, "endpoint"), env("FGSDEPLOY_ENDPOINT")),
		IAMEndpoint:   firstNonEmpty(str(c, "iam-endpoint"), env("HUAWEICLOUD_SDK_IAM_ENDPOINT")),
		AccessKey:     env("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"),
		SecretKey:     env("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"),
		SecurityToken: env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"),
		AuthToken:     env("HW_AUTH_TOKEN"),
		UserAgent:     "fgsdeploy/" + versionString(),
	}
	if boolean(c, "debug") {
		cfg.Debug = stderr
	}
	if v := env("FGSDEPLOY_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("FGSDEPLOY_MAX_ATTEMPTS=%q: want a whole number of at least 1", v)
		}
		cfg.Retry.MaxAttempts = n
	}
	s := &session{}
	if boolean(c, "local") || env("FGSDEPLOY_LOCAL") == "1" {
		stateDir, err := localStateDir(p.Dir)
		if err != nil {
			return nil, err
		}
		run, err := emulator.Start("127.0.0.1:0", emulator.Options{
			AccessKey: localAK, SecretKey: localSK, ProjectID: localProject, Region: localRegion,
			StateDir: stateDir, Strict: env("FGSDEPLOY_LOCAL_STRICT") == "1",
			OnLockWait: func(path string, timeout time.Duration) {
				fmt.Fprintf(stderr, "fgsdeploy: waiting up to %v for another fgsdeploy using %s\n", timeout, path)
			},
		})
		if err != nil {
			return nil, fmt.Errorf("start local emulator: %w", err)
		}
		s.local = run
		cfg.Endpoint, cfg.IAMEndpoint = run.URL, run.URL
		cfg.Region, cfg.ProjectID = localRegion, localProject
		cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken = localAK, localSK, "", ""
	}
	if cfg.Region == "" {
		s.Close()
		return nil, withHint(errors.New("no region"), "set --region, HUAWEICLOUD_SDK_REGION or region: in the manifest, or try --local")
	}
	if cfg.AuthToken == "" && (cfg.AccessKey == "" || cfg.SecretKey == "") {
		s.Close()
		return nil, withHint(errors.New("no credentials"), "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or HW_AUTH_TOKEN), or try --local")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://functiongraph." + cfg.Region + ".myhuaweicloud.com"
	}
	if cfg.IAMEndpoint == "" {
		cfg.IAMEndpoint = "https://iam." + cfg.Region + ".myhuaweicloud.com"
	}
	client, err := apiclient.New(cfg)
	if err != nil {
		s.Close()
		return nil, err
	}
	if _, err := client.ProjectID(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("resolve project id: %w", err)
	}
	s.client = client
	return s, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	if cw, ok := w.(*countingWriter); ok {
		w = cw.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func useColor(c *cli.Context, w io.Writer) bool {
	return !boolean(c, "no-color") && os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

func validateCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check the manifest and code paths offline",
		Flags: commonFlags(),
		Action: func(c *cli.Context) error {
			p, err := project(c)
			if err != nil {
				return err
			}
			// What plan would find offline: the packages as they would be
			// built (.fgsignore applied), their handlers' files, runtimes
			// fgsdeploy does not deploy.
			warnings, err := p.Check(packageFiles(p))
			for _, w := range warnings {
				fmt.Fprintf(stderr, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Col, w.Detail())
				if g := githubOf(c); g != nil {
					g.Warn(stderr, w)
				}
			}
			if err != nil {
				return &exitError{code: 1, err: manifestError(err)}
			}
			fmt.Fprintf(stdout, "%s: %d function%s valid\n", p.File, len(p.Functions), pluralS(len(p.Functions)))
			return nil
		},
	}
}

func planCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show what apply would change",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "save the plan to `FILE` for apply"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or markdown"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 0 with no changes, 2 with changes, 1 on error"},
			&cli.StringSliceFlag{Name: "target", Usage: "plan only function `NAME` (repeatable)"},
		}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" && format != "markdown" {
				return fmt.Errorf("--format %q: want text, json or markdown", format)
			}
			p, err := loadProject(c, manifest.Options{Functions: targets(c.StringSlice("target"))})
			if err != nil {
				return targetError(err)
			}
			s, err := connect(c.Context, c, p, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			vc, err := versionCap(c)
			if err != nil {
				return err
			}
			pl, err := computePlan(c, s, p, planner.Options{Parallelism: integer(c, "parallelism"), Targets: c.StringSlice("target"), VersionCap: vc, PackageProgress: packageBar(stderr)})
			if err != nil {
				return err
			}
			defer pl.Close()
			view := planner.View{Color: useColor(c, stdout)}
			switch format {
			case "json":
				err = view.JSON(stdout, pl)
			case "markdown":
				err = view.Markdown(stdout, pl)
			default:
				err = view.Text(stdout, pl)
			}
			if err != nil {
				return err
			}
			if err := planSummary(c, pl); err != nil {
				return err
			}
			if out := c.String("out"); out != "" {
				if err := planner.Save(out, pl); err != nil {
					return err
				}
				if format == "text" {
					without := ""
					if n := len(pl.Failures); n > 0 {
						without = fmt.Sprintf(", without the %d function%s it could not plan", n, pluralS(n))
					}
					fmt.Fprintf(stdout, "Saved the plan to %s%s; apply it with: fgsdeploy apply %s\n", out, without, out)
				}
			}
			if err := pl.Err(); err != nil {
				return err // one function's failure: the others were planned, and shown
			}
			if c.Bool("detailed-exitcode") && pl.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
}

// targets is the --target list, or nil (every function) when there is none.
func targets(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	return names
}

// targetError words a --target naming no function of the manifest.
func targetError(err error) error {
	var ue *manifest.UndeclaredError
	if errors.As(err, &ue) {
		return fmt.Errorf("target %w", err)
	}
	return err
}

// planSummary appends the Markdown plan to the GitHub Actions step summary.
func planSummary(c *cli.Context, pl *planner.Plan) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error { return (planner.View{}).Markdown(w, pl) })
}

// applySummary appends the apply report to the GitHub Actions step
// summary, so a release job's summary says what it did and what failed.
func applySummary(c *cli.Context, rep *applier.Report) error {
	return githubOf(c).AppendSummary(func(w io.Writer) error {
		if _, err := io.WriteString(w, "### fgsdeploy apply\n\n```\n"); err != nil {
			return err
		}
		if err := rep.Write(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "```\n")
		return err
	})
}

// githubOf returns the GitHub Actions settings run found, or nil.
func githubOf(c *cli.Context) *ghactions.Step {
	g, _ := c.App.Metadata["github"].(*ghactions.Step)
	return g
}

func applyCmd(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "make the functions as declared (from a fresh plan or a saved one)",
		ArgsUsage: "[PLANFILE]",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking"},
			&cli.StringSliceFlag{Name: "target", Usage: "apply only function `NAME` (repeatable)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "report as text or json (json: the plan and the prompt go to stderr)"},
		}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			// What people read goes to stdout, unless stdout is for JSON.
			human := stdout
			if format == "json" {
				human = stderr
			}
			if c.NArg() > 1 {
				return fmt.Errorf("apply takes at most one plan file, got %d arguments", c.NArg())
			}
			if err := chdir(c); err != nil { // the plan file is in DIR too
				return err
			}
			var saved *planner.Saved
			if c.NArg() == 1 {
				var err error
				if saved, err = planner.LoadSaved(c.Args().First()); err != nil {
					return err
				}
				if !c.IsSet("env") && saved.Env != "" {
					c.Set("env", saved.Env)
				}
				if !c.IsSet("file") && saved.Manifest != "" {
					c.Set("file", saved.Manifest)
				}
			}
			only := targets(c.StringSlice("target"))
			if saved != nil {
				// Checked before loading: the plan's functions may not
				// be in another manifest at all.
				if env := str(c, "env"); saved.Env != env {
					return withHint(fmt.Errorf("the plan was made %s, not %s", envPhrase(saved.Env), envPhrase(env)),
						"apply a saved plan without --env (it knows its environment), or make a new plan %s", envPhrase(env))
				}
				if file := str(c, "file"); saved.Manifest != "" && filepath.Clean(saved.Manifest) != filepath.Clean(file) {
					return fmt.Errorf("the plan was made from %s, not %s", saved.Manifest, file)
				}
				only = saved.Targets()
			}
			p, err := loadProject(c, manifest.Options{Functions: only})
			var ue *manifest.UndeclaredError
			if saved != nil && errors.As(err, &ue) {
				return fmt.Errorf("the saved plan's %w", err)
			}
			if err != nil {
				return targetError(err)
			}
			s, err := connect(c.Context, c, p, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			vc, err := versionCap(c)
			if err != nil {
				return err
			}
			opts := planner.Options{Parallelism: integer(c, "parallelism"), Targets: c.StringSlice("target"), VersionCap: vc, PackageProgress: packageBar(stderr)}
			if saved != nil {
				opts.Salt, opts.Targets = saved.Salt, saved.Targets()
				err := saved.SameTarget(func(name string) string {
					for _, f := range p.Functions {
						if f.Name == name {
							return s.client.FunctionURN(f.Package, f.Name)
						}
					}
					return ""
				})
				if err != nil {
					return err
				}
			}
			pl, err := computePlan(c, s, p, opts)
			if err != nil {
				return err
			}
			defer pl.Close()
			var refused []error
			if saved != nil {
				refused = saved.Failures()
				var stale []error
				pl, stale = saved.Check(pl)
				refused = append(refused, stale...)
			}
			view := planner.View{Color: useColor(c, human)}
			if !pl.HasChanges() && len(refused) == 0 && len(pl.Failures) == 0 {
				if format == "json" {
					return applier.Apply(c.Context, s.client, pl, applier.Options{}).WriteJSON(stdout)
				}
				return view.Text(stdout, pl)
			}
			if saved == nil {
				// Show what is about to happen, with or without a prompt:
				// a pipeline's log then says what each apply did.
				if err := view.Text(human, pl); err != nil {
					return err
				}
				if !pl.HasChanges() {
					fmt.Fprintln(human) // nothing to approve: only what could not be planned to report
				} else if !c.Bool("auto-approve") {
					if err := confirm(c.Context, stdin, human); err != nil {
						return err
					}
				} else {
					fmt.Fprintln(human)
				}
			}
			if bar := uploadBar(stderr, pl); bar != nil {
				s.client.SetUploadProgress(bar)
				defer bar.Finish()
			}
			rep := applier.Apply(c.Context, s.client, pl, applier.Options{Parallelism: integer(c, "parallelism")})
			rep.Refuse(refused)
			write := rep.Write
			if format == "json" {
				write = rep.WriteJSON
			}
			if err := write(stdout); err != nil {
				return err
			}
			summaryErr := applySummary(c, rep)
			if err := rep.Err(); err != nil {
				if githubOf(c) != nil && summaryErr == nil {
					err = &summarized{err} // the report names every failure
				}
				if c.Context.Err() != nil {
					return withHint(err, "interrupted: run apply again to finish; it plans from the live state")
				}
				return err
			}
			if summaryErr != nil {
				return summaryErr
			}
			return nil
		},
	}
}

// computePlan runs the planner, with the first interrupt silent while it
// reads (planning changes nothing, so there is nothing to wait for): an
// interrupted plan is one line, planner.ErrInterrupted.
func computePlan(c *cli.Context, s *session, p *manifest.Project, opts planner.Options) (*planner.Plan, error) {
	planning.Store(true)
	defer planning.Store(false)
	return planner.Compute(c.Context, s.client, p, opts)
}

// envPhrase says which --env a run has, for messages.
func envPhrase(env string) string {
	if env == "" {
		return "without --env"
	}
	return "with --env " + env
}

// confirm asks for "yes" on a terminal and refuses elsewhere.
func confirm(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	if !isTerminal(stdin) {
		return withHint(errors.New("apply needs approval and stdin is not a terminal"), "pass --auto-approve, or apply a saved plan: fgsdeploy plan --out plan.json && fgsdeploy apply plan.json")
	}
	fmt.Fprint(stdout, "\nDo you want to apply these changes? Only 'yes' will be accepted: ")
	answered := make(chan string, 1)
	go func() { // a read of a terminal cannot be cancelled: Ctrl-C leaves it behind
		var answer string
		fmt.Fscanln(stdin, &answer)
		answered <- answer
	}()
	var answer string
	select {
	case answer = <-answered:
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout)
	if strings.TrimSpace(answer) != "yes" {
		return &exitError{code: 1, err: errors.New("apply cancelled")}
	}
	return nil
}

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
				VersionCap: c.Int("version-cap"), Strict: c.Bool("strict"),
			}
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

func packageCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "package",
		Usage: "build each function's deterministic zip and print NAME  SHA512  BYTES",
		Flags: flags(commonFlags(), []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "also write each package to `DIR`/NAME.zip (DIR is marked and never packaged)"},
			&cli.BoolFlag{Name: "list", Usage: "list each function's files and what the default and .fgsignore rules leave out; build nothing"},
		}),
		Action: func(c *cli.Context) error {
			p, err := project(c) // after -C: --out is relative to DIR, as plan --out is
			if err != nil {
				return err
			}
			if c.Bool("list") {
				return listPackages(stdout, p)
			}
			out := c.String("out")
			if out != "" {
				abs, err := filepath.Abs(out)
				if err != nil {
					return err
				}
				out = abs
				for _, f := range p.Functions {
					if f.Code.Path != "" && !f.Code.IsArchive && pathWithin(out, f.Code.Path) {
						return withHint(fmt.Errorf("--out %s holds the code of %s", c.String("out"), f.Name), "fgsdeploy marks the --out directory and never packages it: choose a directory outside the code, e.g. --out dist")
					}
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return fmt.Errorf("package: %w", err)
				}
				if err := codezip.MarkOutputDir(out); err != nil {
					return err
				}
			}
			var errs []error
			for _, f := range p.Functions {
				if f.Code.Path == "" {
					fmt.Fprintf(stdout, "%s  -  -  (code from obs_url)\n", f.Name)
					continue
				}
				res, err := planner.Package(c.Context, p, f, out, packageBar(stderr))
				if err != nil {
					errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
					continue
				}
				fmt.Fprintf(stdout, "%s  %s  %d\n", f.Name, res.Digest, res.Size)
				if lerr := res.CheckUploadLimit(); lerr != nil {
					errs = append(errs, fmt.Errorf("package %s: %w", f.Name, lerr))
				}
				if out != "" {
					if err := keepPackage(res, filepath.Join(out, f.Name+packageExt(f))); err != nil {
						errs = append(errs, err)
					}
				}
				res.Close()
			}
			return errors.Join(errs...) // one line per problem
		},
	}
}

// packageFiles lists what each function's package would hold, for
// validate: a directory as codezip would build it, a .zip's entries; a
// .jar's classes are not looked into.
func packageFiles(p *manifest.Project) manifest.Lister {
	return func(f *manifest.Function) ([]string, map[string]string, error) {
		if f.Code.IsArchive {
			if !strings.EqualFold(filepath.Ext(f.Code.Path), ".zip") {
				return nil, nil, nil
			}
			zr, err := zip.OpenReader(f.Code.Path)
			if err != nil {
				return nil, nil, fmt.Errorf("%s is not a zip archive FunctionGraph can read: %w", shownPath(p, f.Code.Path), err)
			}
			defer zr.Close()
			var names []string
			for _, e := range zr.File {
				if !e.FileInfo().IsDir() {
					names = append(names, strings.TrimPrefix(e.Name, "./"))
				}
			}
			if len(names) == 0 {
				return nil, nil, fmt.Errorf("%s holds no files: uploading it would wipe the function's code", shownPath(p, f.Code.Path))
			}
			return names, nil, nil
		}
		l, err := codezip.List(f.Code.Path, packageOptions(p))
		if err != nil {
			return nil, nil, err
		}
		if len(l.Files) == 0 {
			return nil, nil, &codezip.EmptyError{Dir: f.Code.Path, Excluded: l.Excluded}
		}
		excluded := map[string]string{}
		for _, x := range l.Excluded {
			excluded[x.Path] = x.Rule
		}
		return l.Files, excluded, nil
	}
}

// pathWithin reports whether p is dir or inside it.
func pathWithin(dir, p string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// listPackages prints package --list: the default exclusions, then each
// function's packaged files and what was left out by which rule.
func listPackages(stdout io.Writer, p *manifest.Project) error {
	fmt.Fprintln(stdout, "Never packaged, at any depth:")
	for _, r := range codezip.DefaultRules {
		fmt.Fprintf(stdout, "  %-24s %s\n", r.Rule, r.What)
	}
	var errs []error
	for _, f := range p.Functions {
		fmt.Fprintln(stdout)
		switch {
		case f.Code.Path == "":
			fmt.Fprintf(stdout, "%s: code from obs_url, nothing to package\n", f.Name)
			continue
		case f.Code.IsArchive:
			fmt.Fprintf(stdout, "%s: %s, uploaded as it is\n", f.Name, shownPath(p, f.Code.Path))
			continue
		}
		l, err := codezip.List(f.Code.Path, packageOptions(p))
		if err != nil {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, err))
			continue
		}
		fmt.Fprintf(stdout, "%s: %s, %d file%s, %d bytes before compression\n", f.Name, shownPath(p, f.Code.Path), len(l.Files), pluralS(len(l.Files)), l.Size)
		for _, name := range l.Files {
			fmt.Fprintf(stdout, "  %s\n", name)
		}
		for _, x := range l.Excluded {
			fmt.Fprintf(stdout, "  excluded %s  (%s)\n", x.Path, x.Rule)
		}
		if len(l.Files) == 0 {
			errs = append(errs, fmt.Errorf("package %s: %w", f.Name, &codezip.EmptyError{Dir: f.Code.Path, Excluded: l.Excluded}))
		}
	}
	return errors.Join(errs...)
}

// packageOptions are the codezip options the planner builds with: the
// project is the root, and the manifest is left out.
func packageOptions(p *manifest.Project) codezip.Options {
	return codezip.Options{Root: p.Dir, Exclude: []string{filepath.Join(p.Dir, filepath.Base(p.File)), filepath.Join(p.Dir, ".fgsdeploy")}}
}

// shownPath is a code path relative to the project, as users write it.
func shownPath(p *manifest.Project, path string) string {
	if r, err := filepath.Rel(p.Dir, path); err == nil {
		if r == "." {
			return "."
		}
		return "./" + filepath.ToSlash(r)
	}
	return path
}

// keepPackage moves a built package (or copies a user's archive) to dst.
func keepPackage(res *codezip.Result, dst string) error {
	if res.Temporary {
		if err := os.Rename(res.Path, dst); err != nil {
			return fmt.Errorf("keep package: %w", err)
		}
		res.Path, res.Temporary = dst, false
		return nil
	}
	src, err := os.Open(res.Path)
	if err != nil {
		return fmt.Errorf("keep package: %w", err)
	}
	defer src.Close()
	w, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("keep package: %w", err)
	}
	if _, err := io.Copy(w, src); err != nil {
		w.Close()
		return fmt.Errorf("keep package: %w", err)
	}
	return w.Close()
}

func packageExt(f *manifest.Function) string {
	if f.Code.IsArchive {
		return strings.ToLower(filepath.Ext(f.Code.Path))
	}
	return ".zip"
}

// progressThreshold is the upload size from which a progress bar is shown.
const progressThreshold = 4 << 20

// uploadBar returns a progress bar for the plan's code uploads when stderr
// is a terminal and there is more than a few MB to send; nil otherwise.
func uploadBar(stderr io.Writer, pl *planner.Plan) *progressbar.ProgressBar {
	if !isTerminal(stderr) {
		return nil
	}
	var total int64
	for _, f := range pl.Functions {
		if f.Archive != nil && (f.CodeReq != nil || f.CreateReq != nil) {
			total += f.Archive.Size
		}
	}
	if total < progressThreshold {
		return nil
	}
	return newBar(stderr, total, "uploading code")
}

// newBar is the byte-counting progress bar of uploads and packaging.
func newBar(stderr io.Writer, total int64, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// packageBar returns what shows a progress bar while a package of more
// than a few MB is built, when stderr is a terminal; nil otherwise.
func packageBar(stderr io.Writer) func(total int64) io.Writer {
	if !isTerminal(stderr) {
		return nil
	}
	return func(total int64) io.Writer {
		if total < progressThreshold {
			return nil
		}
		return newBar(stderr, total, "packaging")
	}
}
