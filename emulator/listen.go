package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Running is an emulator listening on a port.
type Running struct {
	URL    string
	Server *Server
	http   *http.Server
	ln     net.Listener
	LTSURL string       // the LTS API, on a listener of its own (emulator/lts)
	lts    *http.Server // serves LTSURL
}

// Start listens on addr and serves until Close.
func Start(addr string, opts Options) (*Running, error) {
	srv, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Running{URL: "http://" + ln.Addr().String(), Server: srv, ln: ln,
		http: &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}}
	if err := r.startLTS(opts.LTSAddr); err != nil {
		ln.Close()
		srv.Close()
		return nil, err
	}
	go r.http.Serve(ln)
	return r, nil
}

// shutdownTimeout bounds how long Close waits for the connections still
// serving a request, or opened and not yet used (net/http counts those
// active for their first 5 seconds).
const shutdownTimeout = 5 * time.Second

// Close stops serving and closes the store. A connection still open when
// the wait ends is closed, and Close reports it: a client that closes its
// idle connections first (apiclient.Client.CloseIdleConnections) is never
// waited for.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := r.http.Shutdown(ctx)
	if lerr := r.stopLTS(ctx); err == nil {
		err = lerr
	}
	if err != nil {
		r.http.Close()
		if r.lts != nil {
			r.lts.Close()
		}
		err = fmt.Errorf("stop the emulator: connections still open after %v: %w", shutdownTimeout, err)
	}
	return errors.Join(err, r.Server.Close())
}

// startLTS serves LTS on a listener of its own: opts.LTSAddr, or the host
// of the FunctionGraph listener with any free port.
func (r *Running) startLTS(addr string) error {
	if addr == "" {
		host, _, err := net.SplitHostPort(r.ln.Addr().String())
		if err != nil {
			return err
		}
		addr = net.JoinHostPort(host, "0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("lts listener: %w", err)
	}
	r.LTSURL = "http://" + ln.Addr().String()
	r.lts = &http.Server{Handler: r.Server.LTSHandler(), ReadHeaderTimeout: 10 * time.Second}
	go r.lts.Serve(ln)
	return nil
}

func (r *Running) stopLTS(ctx context.Context) error {
	if r.lts == nil {
		return nil
	}
	return r.lts.Shutdown(ctx)
}

// Run serves on addr until ctx is done. Its first line of stdout is
// exactly "listening on http://HOST:PORT", its second "lts listening on
// http://HOST:PORT", the LTS API's own listener. Every change is on disk when its
// request is answered; returning releases the state directory.
func Run(ctx context.Context, addr string, opts Options, stdout io.Writer) error {
	r, err := Start(addr, opts)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "listening on %s\nlts listening on %s\n", r.URL, r.LTSURL); err != nil {
		r.Close()
		return err
	}
	<-ctx.Done()
	return r.Close()
}
