package emulator

import (
	"context"
	"fmt"
	"io"
)

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
