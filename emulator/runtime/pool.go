package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
)

// procPool is the processes of one function version with one content: a
// new publish of latest, or a changed config, makes a new pool.
type procPool struct {
	identity string
	slots    chan struct{} // one per process that may exist
	mu       sync.Mutex
	idle     []*proc
	retired  bool
}

// identity is what a version's processes depend on: a change to any of
// it needs fresh processes.
func identity(j Job) string {
	c := j.Spec
	h := sha256.New()
	for _, s := range []string{j.Spec.Digest, c.Runtime, c.Handler, strconv.Itoa(c.MemorySize), strconv.Itoa(c.Timeout),
		c.UserData, c.EncryptedUserData, c.InitializerHandler, strconv.Itoa(c.InitializerTimeout), j.Spec.CodeFilename} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, d := range c.Dependencies {
		h.Write([]byte(d))
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// retire ends the pool's idle processes; busy ones end when they finish.
func (p *procPool) retire() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.retired = nil, true
	p.mu.Unlock()
	for _, pr := range idle {
		pr.kill()
	}
}

func (p *procPool) take() *proc {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		pr := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if !pr.exited() {
			return pr
		}
	}
	return nil
}

// give returns a healthy process to the pool, or ends it.
func (p *procPool) give(pr *proc) {
	p.mu.Lock()
	keep := !p.retired && !pr.exited()
	if keep {
		p.idle = append(p.idle, pr)
	}
	p.mu.Unlock()
	if !keep {
		pr.kill()
	}
}
