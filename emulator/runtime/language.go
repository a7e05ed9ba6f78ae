package runtime

import (
	"bytes"
	"context"
	_ "embed"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

//go:embed bootstrap/python.py
var pythonBootstrap []byte

//go:embed bootstrap/node.js
var nodeBootstrap []byte

// language is how the emulator runs a runtime's handlers.
type language struct {
	interpreter string // the program looked up on PATH: python3, node
	bootstrap   []byte
	file        string // the bootstrap's file name
	// modules is where, under the code, the runtime also finds modules
	// (a dependency's layout), through NODE_PATH; "" for none. Python's
	// python/ is put on sys.path by its bootstrap.
	modules string
}

var (
	python = language{interpreter: "python3", bootstrap: pythonBootstrap, file: "bootstrap.py"}
	node   = language{interpreter: "node", bootstrap: nodeBootstrap, file: "bootstrap.js", modules: "nodejs/node_modules"}
)

// codeEnv is what a process of lang needs to know of its code directory.
func (l language) codeEnv(code string) []string {
	if l.modules == "" {
		return nil
	}
	return []string{"NODE_PATH=" + filepath.Join(code, filepath.FromSlash(l.modules))}
}

// languageOf picks how a runtime runs, or says why the emulator cannot.
func languageOf(runtime string) (language, *httpapi.Error) {
	switch {
	case strings.HasPrefix(runtime, "Python3"):
		return python, nil
	case strings.HasPrefix(runtime, "Node.js"):
		return node, nil
	case strings.HasPrefix(runtime, "Python2"):
		return language{}, httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: it runs Python 3 handlers with python3 and Node.js handlers with node; invoke this function in FunctionGraph", runtime)
	}
	return language{}, httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: it runs only Python 3 (python3) and Node.js (node) handlers; invoke this function in FunctionGraph", runtime)
}

// Supports says why the emulator cannot run handlers of runtime, or nil
// when it can: 500 FSS.0500, naming what it runs instead.
func Supports(runtime string) *httpapi.Error {
	_, e := languageOf(runtime)
	return e
}

// interpreter finds lang's program on PATH (once) and checks what it must.
func (r *Runner) interpreter(lang language, runtime string) (string, *httpapi.Error) {
	r.mu.Lock()
	p, found := r.paths[lang.interpreter]
	r.mu.Unlock()
	if !found {
		var err error
		if p, err = r.lookPath(lang.interpreter); err != nil {
			return "", httpapi.Errorf(500, "FSS.0500", "the emulator cannot run %s handlers: %s is not on PATH (install it, or invoke this function in FunctionGraph)", runtime, lang.interpreter)
		}
		p = executable(lang, p)
		r.mu.Lock()
		r.paths[lang.interpreter] = p
		r.mu.Unlock()
	}
	if lang.interpreter == node.interpreter {
		r.node.once.Do(func() { r.node.err = checkNode(p) })
		if r.node.err != nil {
			return "", r.node.err
		}
	}
	return p, nil
}

// executable is the interpreter that path runs: python3 and node on PATH
// are often wrappers (pyenv's and nvm's shims), which would add their own
// start to every cold start. path itself when it cannot tell.
func executable(lang language, path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := []string{"-c", "import sys; sys.stdout.write(sys.executable)"}
	if lang.interpreter == node.interpreter {
		args = []string{"-e", "process.stdout.write(process.execPath)"}
	}
	out, err := exec.CommandContext(ctx, path, args...).Output()
	if err != nil || len(out) == 0 || !filepath.IsAbs(string(out)) {
		return path
	}
	return string(out)
}

var nodeVersionRe = regexp.MustCompile(`^v(\d+)\.`)

// checkNode refuses a node older than 18, which the bootstrap needs.
func checkNode(path string) *httpapi.Error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: %s --version: %v", path, err)
	}
	m := nodeVersionRe.FindSubmatch(bytes.TrimSpace(out))
	if m == nil {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: %s --version says %q", path, bytes.TrimSpace(out))
	}
	if major, _ := strconv.Atoi(string(m[1])); major < 18 {
		return httpapi.Errorf(500, "FSS.0500", "the emulator cannot run Node.js handlers: it needs node 18 or later, and %s is %s", path, bytes.TrimSpace(out))
	}
	return nil
}
