package main

// Connecting: credentials, region and endpoints from flags, environment
// and manifest, or the embedded emulator with --local.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

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
	// obs is the OBS client: packages through code.obs, obs_url digests.
	obs *apiclient.OBS
	// stderr is where Close reports an embedded emulator that did not
	// stop cleanly.
	stderr io.Writer
	// reopen, under --local, connects again to the same local state: a
	// command that runs long (logs --follow) releases the state between
	// its requests and reopens it for the next ones.
	reopen func(ctx context.Context) (*session, error)
}

// Close ends the session. The client's idle connections are closed
// before the embedded emulator stops: with parallel requests the client
// may hold a connection it dialed but never used, which the emulator's
// shutdown would otherwise wait 5 seconds for (docs/benchmarks.md).
//
// An embedded emulator that could not stop cleanly says so on stderr, so
// that a stall at exit is never silent.
func (s *session) Close() {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	if s.local == nil {
		return
	}
	if err := s.local.Close(); err != nil && s.stderr != nil {
		fmt.Fprintf(s.stderr, "fgsdeploy: warning: local emulator: %v\n", err)
	}
	s.local = nil // closed once, whoever closes it first
}

// localStateDir makes <project>/.fgsdeploy/local for --local. The state
// holds secrets (encrypted_user_data) as the real service does.
func localStateDir(project string) (string, error) {
	top, err := stateDir(project)
	if err != nil {
		return "", fmt.Errorf("local emulator state: %w", err)
	}
	dir := filepath.Join(top, "local")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("local emulator state: %w", err)
	}
	return dir, nil
}

// stateDir makes <project>/.fgsdeploy, fgsdeploy's own files (the
// --local state, the code.build cache), with a .gitignore of "*" when
// it is created: nothing in it belongs in git.
func stateDir(project string) (string, error) {
	top := filepath.Join(project, ".fgsdeploy")
	if err := os.MkdirAll(top, 0o700); err != nil {
		return "", err
	}
	ignore := filepath.Join(top, ".gitignore")
	if _, err := os.Lstat(ignore); os.IsNotExist(err) {
		if err := os.WriteFile(ignore, []byte("*\n"), 0o644); err != nil {
			return "", err
		}
	}
	return top, nil
}

// connect returns the session a command works through: the API client,
// configured by clientConfig or for the embedded emulator (--local), with
// its project id resolved.
func connect(ctx context.Context, c *cli.Context, p *manifest.Project, stderr io.Writer) (*session, error) {
	return connectWaiting(ctx, c, p, stderr, stderr)
}

// connectWaiting is connect, saying on waiting (when not nil) that the
// local state is held by another fgsdeploy.
func connectWaiting(ctx context.Context, c *cli.Context, p *manifest.Project, stderr, waiting io.Writer) (*session, error) {
	cfg, err := clientConfig(c, p, stderr)
	if err != nil {
		return nil, err
	}
	s := &session{stderr: stderr}
	local, strict, err := localMode(c)
	if err != nil {
		return nil, err
	}
	if local {
		if s.local, err = startLocal(p, strict, waiting); err != nil {
			return nil, err
		}
		// Another command's short wait for the state is no news to one
		// that reopens it again and again.
		s.reopen = func(ctx context.Context) (*session, error) { return connectWaiting(ctx, c, p, stderr, nil) }
		cfg.Endpoint, cfg.IAMEndpoint = s.local.URL, s.local.URL
		cfg.LTSEndpoint = s.local.LTSURL
		cfg.Region, cfg.ProjectID = localRegion, localProject
		cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken = localAK, localSK, "", ""
	}
	obsEndpoint := firstNonEmpty(str(c, "obs-endpoint"), env("FGSDEPLOY_OBS_ENDPOINT"))
	if s.local != nil {
		obsEndpoint = s.local.URL
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
	if cfg.LTSEndpoint == "" {
		cfg.LTSEndpoint = "https://lts." + cfg.Region + ".myhuaweicloud.com"
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
	s.obs = client.OBS(obsEndpoint)
	return s, nil
}

// clientConfig is the API client's configuration: each setting from its
// flag, else its environment variables, else the manifest; credentials
// from the environment only.
func clientConfig(c *cli.Context, p *manifest.Project, stderr io.Writer) (apiclient.Config, error) {
	cfg := apiclient.Config{
		Region:        firstNonEmpty(str(c, "region"), env("HUAWEICLOUD_SDK_REGION", "HW_REGION_NAME"), p.Region),
		ProjectID:     firstNonEmpty(str(c, "project-id"), env("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"), p.ProjectID),
		Endpoint:      firstNonEmpty(str(c, "endpoint"), env("FGSDEPLOY_ENDPOINT")),
		IAMEndpoint:   firstNonEmpty(str(c, "iam-endpoint"), env("HUAWEICLOUD_SDK_IAM_ENDPOINT")),
		LTSEndpoint:   firstNonEmpty(str(c, "lts-endpoint"), env("FGSDEPLOY_LTS_ENDPOINT")),
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
			return cfg, fmt.Errorf("FGSDEPLOY_MAX_ATTEMPTS=%q: want a whole number of at least 1", v)
		}
		cfg.Retry.MaxAttempts = n
	}
	return cfg, nil
}

// startLocal starts the embedded emulator of --local, its state in the
// project's .fgsdeploy/local.
func startLocal(p *manifest.Project, strict bool, waiting io.Writer) (*emulator.Running, error) {
	stateDir, err := localStateDir(p.Dir)
	if err != nil {
		return nil, err
	}
	buckets, domains := localBuckets(p)
	run, err := emulator.Start("127.0.0.1:0", emulator.Options{
		AccessKey: localAK, SecretKey: localSK, ProjectID: localProject, Region: localRegion,
		Buckets: buckets, OBSDomains: domains,
		StateDir: stateDir, Strict: strict,
		OnLockWait: func(path string, timeout time.Duration) {
			if waiting != nil {
				fmt.Fprintf(waiting, "fgsdeploy: waiting up to %v for another fgsdeploy using %s\n", timeout, path)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("start local emulator: %w", err)
	}
	return run, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// localBuckets are the OBS buckets the manifest uploads to, which exist
// under --local, and the endpoint hosts it names, whose object URLs the
// embedded emulator takes as its own.
func localBuckets(p *manifest.Project) (buckets, domains []string) {
	seen := map[string]bool{}
	add := func(o *manifest.OBSUpload) {
		if o == nil {
			return
		}
		if !seen["b/"+o.Bucket] {
			seen["b/"+o.Bucket] = true
			buckets = append(buckets, o.Bucket)
		}
		if o.Endpoint != "" && !seen["d/"+o.Endpoint] {
			seen["d/"+o.Endpoint] = true
			domains = append(domains, o.Endpoint)
		}
	}
	for _, f := range p.Functions {
		add(f.Code.OBS)
	}
	for _, d := range p.Dependencies {
		add(d.OBS)
	}
	return buckets, domains
}
