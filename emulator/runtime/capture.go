package runtime

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// capture collects a process's output.
type capture struct {
	mu     sync.Mutex
	buf    []byte
	eof    bool
	notify chan struct{}
}

func newCapture() *capture { return &capture{notify: make(chan struct{}, 1)} }

func (c *capture) read(r io.ReadCloser) {
	defer r.Close()
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		c.mu.Lock()
		c.buf = append(c.buf, chunk[:n]...)
		if len(c.buf) > 4*maxLog {
			// A process that writes without end: keep the newest output.
			c.buf = append(c.buf[:0:0], c.buf[len(c.buf)-2*maxLog:]...)
		}
		if err != nil {
			c.eof = true
		}
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// until returns the output before marker and drops it with the marker;
// when the marker does not come by deadline (or the output ended), it
// returns all there is and false.
func (c *capture) until(marker []byte, deadline time.Time) ([]byte, bool) {
	for {
		c.mu.Lock()
		if i := bytes.Index(c.buf, marker); i >= 0 {
			out := bytes.Clone(c.buf[:i])
			c.buf = append(c.buf[:0], c.buf[i+len(marker):]...)
			c.mu.Unlock()
			return capLog(out), true
		}
		left := time.Until(deadline)
		if c.eof || left <= 0 {
			out := bytes.Clone(c.buf)
			c.buf = c.buf[:0]
			c.mu.Unlock()
			return capLog(out), false
		}
		c.mu.Unlock()
		t := time.NewTimer(left)
		select {
		case <-c.notify:
		case <-t.C:
		}
		t.Stop()
	}
}

func capLog(b []byte) []byte {
	if len(b) <= maxLog {
		return b
	}
	return append([]byte("(earlier output left out)\n"), b[len(b)-maxLog:]...)
}
