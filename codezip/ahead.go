package codezip

import (
	"context"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"golang.org/x/sync/semaphore"
)

// ahead is the files being compressed ahead of the zip writer: workers
// take them in order and each waits in its slot until written, within
// aheadEntries entries and aheadBytes bytes.
type ahead struct {
	files  []file
	slots  []chan *compressed
	window chan struct{}
	budget *semaphore.Weighted
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// compressAhead starts workers compressing files. The context it returns
// is cancelled by stop.
func compressAhead(ctx context.Context, files []file, workers int, tempDir string, progress io.Writer) (context.Context, *ahead) {
	ctx, cancel := context.WithCancel(ctx)
	a := &ahead{files: files, slots: make([]chan *compressed, len(files)), window: make(chan struct{}, aheadEntries),
		budget: semaphore.NewWeighted(aheadBytes), cancel: cancel}
	for i := range a.slots {
		a.slots[i] = make(chan *compressed, 1)
	}
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			zw, _ := flate.NewWriter(nil, compressionLevel)
			copyBuf := make([]byte, 64<<10)
			for i := range jobs {
				a.slots[i] <- compressFile(ctx, files[i], zw, copyBuf, tempDir, progress)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case a.window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if a.budget.Acquire(ctx, a.weight(i)) != nil {
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, a
}

// weight is what file i counts against aheadBytes while it waits.
func (a *ahead) weight(i int) int64 { return min(max(a.files[i].size, 1), spillThreshold) }

// next waits for file i, compressed, and frees its place ahead. An entry
// that failed to compress is released and its error returned.
func (a *ahead) next(ctx context.Context, i int) (*compressed, error) {
	var c *compressed
	select {
	case c = <-a.slots[i]:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-a.window
	a.budget.Release(a.weight(i))
	if c.err != nil {
		c.release()
		return nil, c.err
	}
	return c, nil
}

// stop cancels the workers, waits for them (a file being compressed
// stops at its next read) and removes what they produced that was not
// written (spill files): once Build returns, nothing of it is left in
// TempDir, even when the process exits right after an interrupt.
func (a *ahead) stop() {
	a.cancel()
	a.wg.Wait()
	for _, s := range a.slots {
		select {
		case c := <-s:
			c.release()
		default:
		}
	}
}
