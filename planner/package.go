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
		r.res, r.err = codezip.Build(ctx, path, codezip.Options{
			Root:     p.proj.Dir,
			Exclude:  []string{absManifest(p.proj), filepath.Join(p.proj.Dir, ".fgsdeploy")},
			TempDir:  p.tempDir,
			Progress: p.progress,
		})
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

func absManifest(proj *manifest.Project) string {
	if filepath.IsAbs(proj.File) {
		return proj.File
	}
	return filepath.Join(proj.Dir, filepath.Base(proj.File))
}

// Package builds the code package of f (nil for obs code). The caller
// closes the result.
func Package(ctx context.Context, proj *manifest.Project, f *manifest.Function, tempDir string, progress func(total int64) io.Writer) (*codezip.Result, error) {
	if f.Code.Path == "" {
		return nil, nil
	}
	pk := &packager{proj: proj, tempDir: tempDir, progress: progress, built: map[string]*pkgResult{}}
	return pk.build(ctx, f.Code.Path)
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
