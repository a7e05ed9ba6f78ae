package faults

import (
	"math/rand"
	"net/http"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// Kind is how a request fails; None is no fault.
type Kind int

const (
	None         Kind = iota
	ThrottleFSS       // 429 FSS.0429
	ThrottleAPIG      // 429 APIG.0308, the gateway's
	Internal          // 500
	Drop              // the connection breaks
)

// Throttled tells whether k is a 429, which is always decided before the
// request takes effect.
func (k Kind) Throttled() bool { return k == ThrottleFSS || k == ThrottleAPIG }

// Injector draws the faults of a sequence of requests.
type Injector struct {
	mu   sync.Mutex
	rate float64
	rng  *rand.Rand
}

// New makes an injector failing rate of the requests, drawn from a
// generator seeded with seed.
func New(rate float64, seed int64) *Injector {
	return &Injector{rate: rate, rng: rand.New(rand.NewSource(seed))}
}

// SetRate changes the fraction of failing requests.
func (i *Injector) SetRate(f float64) {
	i.mu.Lock()
	i.rate = f
	i.mu.Unlock()
}

// Draw decides a request's fault: one draw tells whether the request
// fails (below the fault rate), and for a failing one a second draw picks
// the kind: half are throttled (a quarter each FSS.0429 and APIG.0308),
// 30% are 500s and 20% dropped connections. The same seed gives the same
// sequence for the same sequence of requests.
func (i *Injector) Draw() Kind {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.rate <= 0 {
		return None
	}
	if i.rng.Float64() >= i.rate {
		return None
	}
	switch y := i.rng.Float64(); {
	case y < 0.25:
		return ThrottleFSS
	case y < 0.5:
		return ThrottleAPIG
	case y < 0.8:
		return Internal
	default:
		return Drop
	}
}

// Injure answers a request with fault k (Internal or Drop): a dropped
// connection, or 500 FSS.0500 when the connection cannot be taken over.
func Injure(w http.ResponseWriter, r *http.Request, reqID string, k Kind, logf func(string, ...any)) {
	if k == Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, buf, err := hj.Hijack(); err == nil {
				// The connection breaks a few bytes into the response.
				// With no byte at all, Go's transport would re-send an
				// idempotent request on a reused connection by itself,
				// unseen by the client's retry count, and the sequence
				// of draws (hence a seeded run) would vary from run to
				// run.
				buf.WriteString("HTTP/1.1 5")
				buf.Flush()
				conn.Close()
				return
			}
		}
	}
	httpapi.Write(w, r, reqID, httpapi.Failf(500, "FSS.0500", "Internal error"), logf)
}
