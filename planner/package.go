package planner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/codebuild"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// PackageOptions are the codezip options every package of proj is built
// with, by plans and by fgsdeploy package, so that the digest package
// prints is the one plans compare: the project is the root symlinks may
// not leave, and neither the manifest nor .fgsdeploy/ is ever packaged.
func PackageOptions(proj *manifest.Project) codezip.Options {
	return codezip.Options{Root: proj.Dir, Exclude: []string{proj.Path(), filepath.Join(proj.Dir, ".fgsdeploy")}}
}

// CodeDir is the directory f's package is built from, and the codezip
// options to build it with: code.path and PackageOptions, or, with
// code.build, the result of the build (run by b in a copy of code.path,
// or taken from b's cache) with itself as the root its symlinks may not
// leave. built is that build (nil without code.build); plans, fgsdeploy
// package and validate all package what CodeDir returns, so that they
// agree on the digest.
func CodeDir(ctx context.Context, proj *manifest.Project, f *manifest.Function, b *codebuild.Builder) (dir string, opts codezip.Options, built *codebuild.Result, err error) {
	if f.Code.Build == "" {
		return f.Code.Path, PackageOptions(proj), nil, nil
	}
	if b == nil {
		return "", codezip.Options{}, nil, errors.New("code.build: this command cannot run builds")
	}
	res, err := b.Build(ctx, codebuild.Spec{Dir: f.Code.Path, Command: f.Code.Build, Runtime: f.Runtime,
		Function: f.Name, FuncName: f.FuncName, Sources: PackageOptions(proj)})
	if err != nil {
		return "", codezip.Options{}, nil, err
	}
	return res.Dir, codezip.Options{Root: res.Dir}, res, nil
}

// BuildNote is the note a plan has for a function whose code.build ran
// (nothing is said when its result came from the cache).
const BuildNote = "code.build ran: nothing cached for these sources, command and runtime"

// packager builds each code path once, however many functions share it,
// and reads the digest of each obs_url object once.
type packager struct {
	proj     *manifest.Project
	builder  *codebuild.Builder
	tempDir  string
	progress func(total int64) io.Writer
	region   string
	objects  Objects
	mu       sync.Mutex
	built    map[string]*pkgResult
	remote   map[string]*remoteDigest
	marked   []*codezip.Result // packages with a release marker (marker.go)
}

// own adds a package built for the plan (a marked one) to those the plan
// removes when it is closed.
func (p *packager) own(res *codezip.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marked = append(p.marked, res)
}

type remoteDigest struct {
	once sync.Once
	code *plan.CodeFile
	err  error
}

type pkgResult struct {
	once sync.Once
	res  *codezip.Result
	err  error
}

func (p *packager) build(ctx context.Context, path string) (*codezip.Result, error) {
	return p.buildWith(ctx, path, PackageOptions(p.proj))
}

// buildWith builds the package of path with opts, once per path.
func (p *packager) buildWith(ctx context.Context, path string, opts codezip.Options) (*codezip.Result, error) {
	p.mu.Lock()
	r, ok := p.built[path]
	if !ok {
		r = &pkgResult{}
		p.built[path] = r
	}
	p.mu.Unlock()
	r.once.Do(func() {
		opts.TempDir, opts.Progress = p.tempDir, p.progress
		r.res, r.err = codezip.Build(ctx, path, opts)
	})
	return r.res, r.err
}

// files returns every package built, for the plan to own.
func (p *packager) files() []io.Closer {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []io.Closer
	for _, path := range sortedKeys(p.built) {
		if r := p.built[path]; r.res != nil {
			out = append(out, r.res)
		}
	}
	for _, r := range p.marked {
		out = append(out, r)
	}
	return out
}

func (p *packager) close() {
	for _, f := range p.files() {
		f.Close()
	}
}

// MaxOBSPackage is the largest package FunctionGraph takes through OBS
// (300 MB compressed; Notes and Constraints).
const MaxOBSPackage = 300 << 20

// code builds f's package and returns it as the plan's requests upload
// it, and whether its code.build ran. A package over the direct-upload
// limit is an error of f unless it goes through OBS (code.obs). For
// obs_url code it is the object's digest and size, read from OBS, with no
// Path: code is compared by content whatever its origin.
func (p *packager) code(ctx context.Context, f *manifest.Function) (code *plan.CodeFile, ran bool, err error) {
	if f.Code.ObsURL != "" {
		code, err := p.objectCode(ctx, f)
		return code, false, err
	}
	dir, opts, built, err := CodeDir(ctx, p.proj, f, p.builder)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", f.Name, err)
	}
	ran = built != nil && built.Ran
	res, err := p.buildWith(ctx, dir, opts)
	if err != nil {
		return nil, ran, fmt.Errorf("package %s: %w", f.Name, err)
	}
	if err := CheckPackageSize(f, res.Size); err != nil {
		return nil, ran, err
	}
	return &plan.CodeFile{Path: res.Path, Digest: res.Digest, Size: res.Size}, ran, nil
}

// CheckPackageSize applies FunctionGraph's limits to a package of f of
// size bytes: over the direct-upload limit it must go through OBS
// (code.obs), and through OBS it may be at most MaxOBSPackage. Plans and
// fgsdeploy validate and package share it. The error is at f's code.path
// in the manifest (a *manifest.Error) and wraps codezip.ErrTooLarge for
// the first limit.
func CheckPackageSize(f *manifest.Function, size int64) error {
	switch {
	case f.Code.OBS == nil:
		if err := codezip.CheckUploadLimit(size); err != nil {
			return f.Errorf("code.path", "%w", err)
		}
	case size > MaxOBSPackage:
		return f.Errorf("code.path", "the package is %d bytes, and FunctionGraph accepts at most %d through OBS", size, MaxOBSPackage)
	}
	return nil
}

// functionCode is code, with the plan's note when f's code.build ran.
func (p *packager) functionCode(ctx context.Context, fp *plan.FunctionPlan, f *manifest.Function) (*plan.CodeFile, error) {
	code, built, err := p.code(ctx, f)
	if built && err == nil {
		fp.Notes = append(fp.Notes, BuildNote)
	}
	return code, err
}

// objectCode is the digest and size of f's obs_url object, read once per
// URL.
func (p *packager) objectCode(ctx context.Context, f *manifest.Function) (*plan.CodeFile, error) {
	if p.objects == nil {
		return nil, fmt.Errorf("%s: code.obs_url is compared by the object's content, and this plan cannot read OBS", f.Name)
	}
	p.mu.Lock()
	r, ok := p.remote[f.Code.ObsURL]
	if !ok {
		r = &remoteDigest{}
		p.remote[f.Code.ObsURL] = r
	}
	p.mu.Unlock()
	r.once.Do(func() {
		l, err := apiclient.ParseObjectURL(f.Code.ObsURL)
		if err != nil {
			r.err = err
			return
		}
		d, size, err := p.objects.ObjectDigest(ctx, l)
		if err != nil {
			r.err = err
			return
		}
		r.code = &plan.CodeFile{Digest: d, Size: size}
	})
	if r.err != nil {
		return nil, fmt.Errorf("read code.obs_url of %s: %w", f.Name, r.err)
	}
	return r.code, nil
}

// objectOf is where f's package goes through OBS:
// <prefix><package>/<func_name>/<sha512>.zip in code.obs's bucket, by
// its FunctionGraph name (name:).
func (p *packager) objectOf(f *manifest.Function, code *plan.CodeFile) apiclient.Location {
	o := f.Code.OBS
	return apiclient.Location{Host: obsHost(o, p.region), Bucket: o.Bucket, Key: o.Prefix + f.Package + "/" + f.FuncName + "/" + code.Digest + ".zip"}
}

// obsHost is the endpoint host of an upload place: its own, else the
// region's.
func obsHost(o *manifest.OBSUpload, region string) string {
	if o.Endpoint != "" {
		return o.Endpoint
	}
	return "obs." + region + ".myhuaweicloud.com"
}

// digest is the SHA-512 of a package, "" for none (obs code).
func digest(c *plan.CodeFile) string {
	if c == nil {
		return ""
	}
	return c.Digest
}
