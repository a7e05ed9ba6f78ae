package planner

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"

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

// packager builds each code path once, however many functions share it.
type packager struct {
	proj     *manifest.Project
	tempDir  string
	progress func(total int64) io.Writer
	mu       sync.Mutex
	built    map[string]*pkgResult
}

type pkgResult struct {
	once sync.Once
	res  *codezip.Result
	err  error
}

func (p *packager) build(ctx context.Context, path string) (*codezip.Result, error) {
	p.mu.Lock()
	r, ok := p.built[path]
	if !ok {
		r = &pkgResult{}
		p.built[path] = r
	}
	p.mu.Unlock()
	r.once.Do(func() {
		opts := PackageOptions(p.proj)
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
	return out
}

func (p *packager) close() {
	for _, f := range p.files() {
		f.Close()
	}
}

// code builds f's package and returns it as the plan's requests upload
// it, or nil for obs code. A package over the direct-upload limit is an
// error of f.
func (p *packager) code(ctx context.Context, f *manifest.Function) (*plan.CodeFile, error) {
	if f.Code.Path == "" {
		return nil, nil
	}
	res, err := p.build(ctx, f.Code.Path)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", f.Name, err)
	}
	if err := res.CheckUploadLimit(); err != nil {
		return nil, fmt.Errorf("package %s: %w", f.Name, err)
	}
	return &plan.CodeFile{Path: res.Path, Digest: res.Digest, Size: res.Size}, nil
}

// digest is the SHA-512 of a package, "" for none (obs code).
func digest(c *plan.CodeFile) string {
	if c == nil {
		return ""
	}
	return c.Digest
}
