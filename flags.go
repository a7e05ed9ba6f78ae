package main

// Flags: the common and remote ones, their lookup before or after the
// command name, the environment variables that stand in for them, and
// loading the manifest they name.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
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
		&cli.StringFlag{Name: "lts-endpoint", Usage: "LTS endpoint `URL`, where logs are read (env FGSDEPLOY_LTS_ENDPOINT)"},
		&cli.StringFlag{Name: "obs-endpoint", Usage: "send OBS requests to `URL` (env FGSDEPLOY_OBS_ENDPOINT; default the bucket's endpoint)"},
		&cli.BoolFlag{Name: "local", Usage: "use the embedded FunctionGraph emulator, state in <project>/.fgsdeploy/local (env FGSDEPLOY_LOCAL=1)"},
		&cli.IntFlag{Name: "version-cap", Usage: "FunctionGraph's versions per function, latest included (env FGSDEPLOY_VERSION_CAP)", DefaultText: "20"},
	}
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

func integer(c *cli.Context, name string) int {
	lc, _ := lookup(c, name)
	return lc.Int(name)
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
		if slices.Contains(f.Names(), "local") {
			if _, _, err := localMode(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// envBool reads a boolean environment variable: unset or empty is false;
// otherwise one of strconv.ParseBool's spellings (1, t, true; 0, f,
// false) or yes, on; no, off, in any case. Anything else is an error
// naming the variable: a setting silently ignored would be worse.
func envBool(name string) (bool, error) {
	v := env(name)
	if v == "" {
		return false, nil
	}
	switch s := strings.ToLower(strings.TrimSpace(v)); s {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	default:
		if b, err := strconv.ParseBool(s); err == nil {
			return b, nil
		}
	}
	return false, withHint(fmt.Errorf("%s=%q is not a boolean", name, v), "set %s to 1, true, yes or on (or 0, false, no, off, or leave it empty)", name)
}

// localMode is whether the run uses the embedded emulator (--local or
// FGSDEPLOY_LOCAL) and whether strictly (FGSDEPLOY_LOCAL_STRICT).
func localMode(c *cli.Context) (local, strict bool, err error) {
	envLocal, err := envBool("FGSDEPLOY_LOCAL")
	if err != nil {
		return false, false, err
	}
	if strict, err = envBool("FGSDEPLOY_LOCAL_STRICT"); err != nil {
		return false, false, err
	}
	return boolean(c, "local") || envLocal, strict, nil
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
	if c.App.Metadata != nil {
		c.App.Metadata[chdirKey] = dir // for the commands hints print
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
	if err != nil {
		return nil, loadError(err)
	}
	return p, nil
}

// loadError is a manifest's loading error as commands return it.
func loadError(err error) error {
	var ue *manifest.UndeclaredError
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return withHint(err, "run fgsdeploy in the project directory, or point at it with -C DIR or -f FILE; the init command writes a manifest from a deployed function")
	}
	return &exitError{code: 1, err: manifestError(err)}
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

// formatFlag is --format text|json, for the commands that print results
// for people and scripts alike.
func formatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}
}

// formatOf is the --format of formatFlag, checked.
func formatOf(c *cli.Context) (string, error) {
	switch f := c.String("format"); f {
	case "text", "json":
		return f, nil
	default:
		return "", fmt.Errorf("--format %q: want text or json", f)
	}
}

// startDirOf is the directory fgsdeploy was started in, before -C: where
// the files named in JSON are relative to.
func startDirOf(c *cli.Context) string {
	s, _ := c.App.Metadata["startDir"].(string)
	return s
}

func useColor(c *cli.Context, w io.Writer) bool {
	return !boolean(c, "no-color") && os.Getenv("NO_COLOR") == "" && isTerminal(w)
}
