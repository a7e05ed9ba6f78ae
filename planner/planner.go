package planner

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// API is what planning reads from FunctionGraph. It never writes.
type API interface {
	FunctionURN(pkg, name string) string
	GetConfig(ctx context.Context, urn string) (*apiclient.Function, error)
	ListVersions(ctx context.Context, urn string) ([]apiclient.Version, error)
	ListAliases(ctx context.Context, urn string) ([]apiclient.Alias, error)
	GetCode(ctx context.Context, urn string) (*apiclient.Code, error)
	ListTriggers(ctx context.Context, urn string) ([]apiclient.Trigger, error)
	// ListTags and FindTagged read tags and find the project's functions
	// (tags.go, orphans.go).
	ListTags(ctx context.Context, urn string) (map[string]string, error)
	FindTagged(ctx context.Context, key, value string) ([]apiclient.TaggedFunction, error)
}

var _ API = (*apiclient.Client)(nil)

// Options tune Compute.
type Options struct {
	// Parallelism bounds concurrent reads and packaging; 0 means 8.
	Parallelism int
	// Targets narrows the plan to these function names; empty means all.
	Targets []string
	// TempDir is where packages are built; "" means the system default.
	TempDir string
	// Salt keys the secrets fingerprints; nil means a fresh random salt.
	// A saved plan passes its own salt back when it is applied.
	Salt []byte
	// Rand is the randomness source for a fresh salt; nil means crypto/rand.
	Rand io.Reader
	// VersionCap is FunctionGraph's limit on versions per function, latest
	// included; 0 means DefaultVersionCap.
	VersionCap int
	// PackageProgress, when set, is handed to codezip for every package
	// built (a progress bar on a terminal).
	PackageProgress func(total int64) io.Writer
	// Region is the functions' region: where OBS objects live by default
	// (obs.{Region}.myhuaweicloud.com).
	Region string
	// Objects reads OBS objects: the digest of code.obs_url packages,
	// compared by content. Nil makes obs_url code a plan error.
	Objects Objects
	// Builder runs code.build commands and keeps their results (the CLI
	// gives it the build's environment). Nil makes code.build a plan
	// error of the function.
	Builder *codebuild.Builder
	// SavedTargets says Targets are a saved plan's: one the manifest no
	// longer declares and the project no longer owns is left out (the
	// saved plan's check refuses it as stale) rather than an error.
	SavedTargets bool
}

// Objects is what planning reads from OBS.
type Objects interface {
	ObjectDigest(ctx context.Context, l apiclient.Location) (digest string, size int64, err error)
	Head(ctx context.Context, l apiclient.Location) (*apiclient.ObjectInfo, error)
}

var _ Objects = (*apiclient.OBS)(nil)

// Compute reads the live state of every selected function, builds its code
// package and returns the ordered plan. It changes nothing remotely. A
// failure that concerns one function (a refusal, a read that still failed
// after its retries) is kept in Plan.Failures and the other functions are
// planned. An error is returned only for the run as a whole (an unknown
// target; ErrInterrupted when ctx is cancelled; an *AuthError when
// FunctionGraph refused the credentials, which no function would get past),
// and then the plan is nil and temporary packages are removed.
func Compute(ctx context.Context, api API, proj *manifest.Project, opts Options) (*plan.Plan, error) {
	fns, err := selectFunctions(proj, opts.Targets)
	if err != nil {
		return nil, err
	}
	par := opts.Parallelism
	if par <= 0 {
		par = 8
	}
	orphans, orphanFailures, err := planOrphans(ctx, api, proj, opts.Targets, opts.SavedTargets, par)
	if err != nil {
		return nil, err
	}
	salt, err := planSalt(opts)
	if err != nil {
		return nil, err
	}
	pk := &packager{proj: proj, builder: opts.Builder, tempDir: opts.TempDir, progress: opts.PackageProgress, built: map[string]*pkgResult{},
		region: opts.Region, objects: opts.Objects, remote: map[string]*remoteDigest{}}
	out := &plan.Plan{Manifest: proj.File, Env: proj.Env, Salt: salt}
	targeted := len(opts.Targets) > 0
	// An authentication failure stops the run at once: every other read
	// would be refused the same way.
	work, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	deps := planDependencies(work, api, pk, usedDependencies(proj, fns, targeted))
	for _, st := range deps {
		if apiclient.IsUnauthenticated(st.err) {
			pk.close()
			return nil, &AuthError{Err: st.err}
		}
	}
	planned := make([]*plan.FunctionPlan, len(fns))
	failed := make([]*plan.FunctionError, len(fns))

	var wg sync.WaitGroup
	// par workers take the functions in name order: with parallelism 1 a
	// plan is the same sequence of requests every time.
	queue := make(chan int)
	go func() {
		defer close(queue)
		for i := range fns {
			queue <- i
		}
	}()
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				f := fns[i]
				if work.Err() != nil {
					continue
				}
				rf, err := resolveDependencies(f, deps)
				var fp *plan.FunctionPlan
				if err == nil {
					fp, err = planFunction(work, api, pk, rf, salt, opts.VersionCap)
				}
				if apiclient.IsUnauthenticated(err) {
					stop(&AuthError{Err: err})
				}
				if err != nil {
					failed[i] = &plan.FunctionError{Name: f.Name, FuncName: f.FuncName, URN: api.FunctionURN(f.Package, f.FuncName), Err: err}
				} else {
					planned[i] = fp
				}
			}
		}()
	}
	wg.Wait()
	var authErr *AuthError
	if errors.As(context.Cause(work), &authErr) {
		pk.close()
		return nil, authErr
	}
	if ctx.Err() != nil {
		// The failures an interrupt causes (cancelled requests, retries
		// cut short) are its consequence, not news.
		pk.close()
		return nil, ErrInterrupted
	}
	for i := range fns {
		if planned[i] != nil {
			out.Functions = append(out.Functions, planned[i])
		} else {
			out.Failures = append(out.Failures, failed[i])
		}
	}
	dproj := usedDependencies(proj, fns, targeted)
	out.Failures = append(out.Failures, dependencyFailures(dproj, deps)...)
	if err := planDependencyPrunes(ctx, api, dproj, deps, out.Functions, targeted); err != nil {
		out.Failures = append(out.Failures, &plan.FunctionError{Name: "dependencies", Err: err})
	}
	out.Dependencies = dependencyPlans(dproj, deps)
	out.Functions = append(out.Functions, orphans...)
	out.Failures = append(out.Failures, orphanFailures...)
	if ctx.Err() != nil {
		pk.close()
		return nil, ErrInterrupted
	}
	sort.Slice(out.Functions, func(i, j int) bool { return out.Functions[i].Name < out.Functions[j].Name })
	sort.Slice(out.Failures, func(i, j int) bool { return out.Failures[i].Name < out.Failures[j].Name })
	out.Files = pk.files()
	return out, nil
}

// planSalt is the salt of the plan's secrets fingerprints: the one given,
// or a fresh random one.
func planSalt(opts Options) ([]byte, error) {
	if opts.Salt != nil {
		return opts.Salt, nil
	}
	salt := make([]byte, 16)
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, salt); err != nil {
		return nil, fmt.Errorf("make plan salt: %w", err)
	}
	return salt, nil
}

// AuthError is Compute's error when FunctionGraph refused the credentials
// (apiclient.IsUnauthenticated): one error for the run, not one per
// function. It unwraps to the first refusal, an *apiclient.APIError.
type AuthError struct{ Err error }

func (e *AuthError) Error() string {
	var ae *apiclient.APIError
	if errors.As(e.Err, &ae) {
		return "authentication failed: " + ae.Error()
	}
	return "authentication failed: " + e.Err.Error()
}

func (e *AuthError) Unwrap() error { return e.Err }

// ErrInterrupted is returned by Compute when its context is cancelled:
// planning writes nothing, so nothing was changed.
var ErrInterrupted = errors.New("interrupted while planning; nothing was changed")

func selectFunctions(proj *manifest.Project, targets []string) ([]*manifest.Function, error) {
	if len(targets) == 0 {
		return proj.Functions, nil
	}
	byName := map[string]*manifest.Function{}
	for _, f := range proj.Functions {
		byName[f.Name] = f
	}
	var out []*manifest.Function
	seen := map[string]bool{}
	for _, t := range targets {
		f, ok := byName[t]
		if !ok && slices.Contains(proj.Undeclared, t) {
			continue // perhaps one the project owns: planOrphans
		}
		if !ok {
			names := make([]string, 0, len(byName))
			for n := range byName {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("target %q is not a function of %s (functions: %s)", t, proj.File, strings.Join(names, ", "))
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// usedDependencies is proj narrowed to the selected functions, with the
// dependencies they use; an untargeted plan has them all. The functions
// alone cannot tell: a manifest loaded for --target holds only the
// targets (manifest.Options.Functions), so every function is selected
// while other functions' dependencies are still declared.
func usedDependencies(proj *manifest.Project, fns []*manifest.Function, targeted bool) *manifest.Project {
	if !targeted {
		return proj
	}
	p := *proj
	p.Functions, p.Dependencies = fns, nil
	for _, d := range proj.Dependencies {
		for _, f := range fns {
			if slices.Contains(f.Dependencies, d.Name) {
				p.Dependencies = append(p.Dependencies, d)
				break
			}
		}
	}
	return &p
}
