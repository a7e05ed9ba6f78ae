package runtime

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// writeIfChanged writes a bootstrap file unless it already holds data.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := path + ".tmp-" + randomHex(4)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// unpacked returns the directory holding sp's code with its dependencies,
// unpacking them once. Dependencies are merged with the code, as
// FunctionGraph does ("if a dependency contains a file with the same name
// as a file in the function code, the file in the dependency takes
// precedence"): each is unpacked over the code, in order. So a Python
// dependency zipped from site-packages is at the package root, and one
// laid out under python/ is in python/ (both on sys.path, bootstrap);
// a Node.js one's node_modules/ is the code's, and nodejs/node_modules
// is on NODE_PATH (language.go).
func (r *Runner) unpacked(dir string, sp Spec) (string, error) {
	r.unpack.Lock()
	defer r.unpack.Unlock()
	dst := filepath.Join(dir, "code", unpackedName(sp))
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		now := time.Now()
		os.Chtimes(dst, now, now) // most recently used
		return dst, nil
	}
	data, err := r.blobs.Get(sp.Digest)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Join(dir, "code"), ".unpack-")
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		err = unzip(data, tmp)
	} else {
		// Inline code is the source file itself.
		name := sp.CodeFilename
		if name == "" || strings.ContainsAny(name, `/\`) {
			name = defaultSource(sp)
		}
		err = os.WriteFile(filepath.Join(tmp, name), data, 0o600)
	}
	for _, d := range sp.Dependencies {
		if err != nil {
			break
		}
		var dep []byte
		if dep, err = r.blobs.Get(d); err == nil {
			err = unzip(dep, tmp)
		}
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return dst, nil
}

// unpackedName names the directory of sp's code with its dependencies:
// the code's digest alone, or a hash of it and theirs.
func unpackedName(sp Spec) string {
	if len(sp.Dependencies) == 0 {
		return sp.Digest
	}
	h := sha256.New()
	h.Write([]byte(sp.Digest))
	for _, d := range sp.Dependencies {
		h.Write([]byte{0})
		h.Write([]byte(d))
	}
	return "deps-" + hex.EncodeToString(h.Sum(nil))
}

// defaultSource names an inline package's file after its handler.
func defaultSource(c Spec) string {
	base, _, _ := strings.Cut(c.Handler, ".")
	if strings.HasPrefix(c.Runtime, "Node.js") {
		return base + ".js"
	}
	return base + ".py"
}

// unzip extracts a package into dir, refusing entries outside it and
// packages that unpack to more than FunctionGraph allows.
func unzip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("entry %q is outside the package", f.Name)
		}
		path := filepath.Join(dir, name)
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			if err := os.MkdirAll(path, 0o700); err != nil {
				return err
			}
			continue
		}
		if !f.Mode().IsRegular() && f.Mode()&os.ModeType != 0 {
			continue // links and devices are not unpacked
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		mode := os.FileMode(0o600)
		if f.Mode()&0o111 != 0 {
			mode = 0o700
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
		if err != nil {
			rc.Close()
			return err
		}
		n, err := io.Copy(out, io.LimitReader(rc, maxUnpacked-total+1))
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if total += n; total > maxUnpacked {
			return fmt.Errorf("the package unpacks to more than %d MB", maxUnpacked>>20)
		}
	}
	return nil
}

// pruneUnpacked keeps the keep most recently used packages of dir.
func pruneUnpacked(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type used struct {
		path string
		at   time.Time
	}
	var all []used
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			os.RemoveAll(p) // an unpack a crash left
			continue
		}
		if fi, err := e.Info(); err == nil {
			all = append(all, used{p, fi.ModTime()})
		}
	}
	sort.Slice(all, func(i, k int) bool { return all[i].at.After(all[k].at) })
	for i := keep; i < len(all); i++ {
		os.RemoveAll(all[i].path)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
