package codezip

import (
	"cmp"
	"context"
	"io"
	"slices"
	"sync"

	"golang.org/x/sync/semaphore"
)

// How the compressors run ahead of the zip writer. None of these is part
// of any digest: they decide when an entry is compressed and where it
// waits, never its bytes.
const (
	// Big files are compressed into temporary files, small ones in memory.
	spillThreshold = 1 << 20
	// aheadBytes bounds what compressed entries may wait in memory for
	// their turn in the zip (an entry counts its size before compression,
	// up to spillThreshold; it holds its compressed bytes, in a buffer at
	// most twice their size: see getEntry), and
	// aheadEntries how many may wait: enough small files for the other
	// workers to go on with while one compresses a big file that the
	// writer waits for.
	aheadBytes   = 8 << 20
	aheadEntries = 1024
	// earlyBytes bounds the big files compressed first, whatever their
	// place in the zip (their sizes before compression: what waits on
	// disk is less), and earlyEntries how many.
	earlyBytes   = 256 << 20
	earlyEntries = 64
)

// ahead is the files being compressed ahead of the zip writer: workers
// take them in order (dispatch order, see dispatchOrder) and each waits
// in its slot until written. An early file waits on disk; the others
// count against aheadEntries entries and aheadBytes bytes until written.
type ahead struct {
	files  []file
	early  []bool
	slots  []chan *compressed
	window chan struct{}
	budget *semaphore.Weighted
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// dispatchOrder is the order files are compressed in, and which are
// early: the big files first, the biggest first (within earlyBytes and
// earlyEntries), then the rest in name order, the order the writer
// needs them. Taken in name order, a big file near the start of the zip
// (node_modules/@types, a vendored binary) would hold the writer while
// one core compresses it and the others, once aheadEntries or aheadBytes
// is used up, have nothing they may do; compressed first, the big files
// keep every core busy while the writer has nothing to write yet, and
// they are ready on disk when their turn comes.
func dispatchOrder(files []file) (order []int, early []bool) {
	var big []int
	for i, f := range files {
		if f.size > spillThreshold {
			big = append(big, i)
		}
	}
	slices.SortStableFunc(big, func(a, b int) int { return cmp.Compare(files[b].size, files[a].size) })
	early = make([]bool, len(files))
	var sum int64
	for _, i := range big {
		if len(order) == earlyEntries {
			break
		}
		if len(order) == 0 || sum+files[i].size <= earlyBytes {
			order = append(order, i)
			early[i] = true
			sum += files[i].size
		}
	}
	for i := range files {
		if !early[i] {
			order = append(order, i)
		}
	}
	return order, early
}

// compressAhead starts workers compressing files. The context it returns
// is cancelled by stop.
func compressAhead(ctx context.Context, files []file, workers int, tempDir string, progress io.Writer) (context.Context, *ahead) {
	ctx, cancel := context.WithCancel(ctx)
	order, early := dispatchOrder(files)
	a := &ahead{files: files, early: early, slots: make([]chan *compressed, len(files)), window: make(chan struct{}, aheadEntries),
		budget: semaphore.NewWeighted(aheadBytes), cancel: cancel}
	for i := range a.slots {
		a.slots[i] = make(chan *compressed, 1)
	}
	jobs := make(chan int)
	for range workers {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			w := newCompressor(tempDir, progress)
			for i := range jobs {
				a.slots[i] <- w.compress(ctx, files[i])
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, i := range order {
			if !early[i] && !a.reserve(ctx, i) {
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

// reserve waits for file i's place ahead: false once ctx is done.
func (a *ahead) reserve(ctx context.Context, i int) bool {
	select {
	case a.window <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	return a.budget.Acquire(ctx, a.weight(i)) == nil
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
	if !a.early[i] {
		<-a.window
		a.budget.Release(a.weight(i))
	}
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
