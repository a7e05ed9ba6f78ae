package codezip

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"runtime"
)

// errOnlyPlans is write's error when every file was a saved plan.
var errOnlyPlans = errors.New("only saved plans")

// write compresses the files on all workers (compressAhead) and streams
// the zip, in name order, into a temporary file while hashing it. Saved
// plans found among the files are left out and returned by name.
func write(ctx context.Context, files []file, opts Options) (res *Result, plans []string, err error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var progress io.Writer
	if opts.Progress != nil {
		var total int64
		for _, f := range files {
			total += f.size
		}
		progress = opts.Progress(total)
	}
	out, err := os.CreateTemp(opts.TempDir, ".fgsdeploy-*.zip")
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	ctx, ahead := compressAhead(ctx, files, workers, opts.TempDir, progress)
	defer ahead.stop()

	h := sha512.New()
	counter := &countWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(out, h, counter), 256<<10)
	zw := zip.NewWriter(bw)
	unpacked := int64(0)
	for i := range files {
		c, err := ahead.next(ctx, i)
		if err != nil {
			return nil, nil, err
		}
		if c.plan {
			plans = append(plans, files[i].name)
			c.release()
			continue
		}
		err = writeEntry(zw, c)
		c.release()
		if err != nil {
			return nil, nil, err
		}
		unpacked += files[i].size
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, nil, err
	}
	if err := out.Close(); err != nil {
		return nil, nil, err
	}
	if len(plans) == len(files) {
		return nil, plans, errOnlyPlans
	}
	return &Result{Path: out.Name(), Temporary: true, Digest: hex.EncodeToString(h.Sum(nil)), Size: counter.n, Files: len(files) - len(plans), Unpacked: unpacked}, plans, nil
}

// writeEntry adds a compressed entry to the zip as it is.
func writeEntry(zw *zip.Writer, c *compressed) error {
	w, err := zw.CreateRaw(&c.hdr)
	if err != nil {
		return err
	}
	if c.spill != nil {
		if _, err := c.spill.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err = io.Copy(w, c.spill)
		return err
	}
	_, err = w.Write(c.data)
	return err
}

// countWriter counts what it writes to w (nil: what it is given).
type countWriter struct {
	w io.Writer
	n int64
}

func (w *countWriter) Write(p []byte) (int, error) {
	if w.w == nil {
		w.n += int64(len(p))
		return len(p), nil
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	return n, err
}
