package records

import (
	"encoding/json"
	"sync"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

type writeOp struct {
	rec     *Record
	barrier chan struct{}
}

// Writer stores records in the background.
type Writer struct {
	db   store.KV
	ch   chan writeOp
	done chan struct{}

	mu     sync.Mutex
	closed bool
}

// NewWriter starts a writer of records to db; Close stops it.
func NewWriter(db store.KV) *Writer {
	w := &Writer{db: db, ch: make(chan writeOp, 1024), done: make(chan struct{})}
	go w.loop()
	return w
}

// Add hands r to the writer; after Close it is dropped.
func (w *Writer) Add(r *Record) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.ch <- writeOp{rec: r}
	}
}

// Flush returns once every record added before it is stored.
func (w *Writer) Flush() {
	b := make(chan struct{})
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.ch <- writeOp{barrier: b}
	w.mu.Unlock()
	<-b
}

// Close stores what is left and stops the writer.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ch)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *Writer) loop() {
	defer close(w.done)
	for op := range w.ch {
		batch := []writeOp{op}
	more:
		for len(batch) < 256 {
			select {
			case next, open := <-w.ch:
				if !open {
					break more
				}
				batch = append(batch, next)
			default:
				break more
			}
		}
		w.store(batch)
		for _, op := range batch {
			if op.barrier != nil {
				close(op.barrier)
			}
		}
	}
}

// store writes a batch in one transaction. A failure loses the batch's
// logs and statistics, as a log service may, and nothing else.
func (w *Writer) store(batch []writeOp) {
	w.db.Update(func(tx store.KVTx) error {
		t := &store.Tx{KV: tx}
		for _, op := range batch {
			if op.rec != nil {
				storeRecord(t, op.rec)
			}
		}
		return t.Err
	})
}

func storeRecord(t *store.Tx, r *Record) {
	k := statKey(r.FnKey, r.At.Unix()/60, r.Version, r.Alias)
	var m MinuteStats
	t.Get(Stats, k, &m)
	m.add(r)
	t.Put(Stats, k, &m)
	if r.Group == "" {
		return
	}
	ms := r.At.UnixMilli()
	labels := map[string]string{"function_name": r.Name, "package": r.Package, "version": r.Version, "request_id": r.RequestID}
	for _, content := range r.Lines {
		b, err := json.Marshal(LogLine{Content: content, TimeMs: ms, Labels: labels})
		if err != nil {
			t.Fail(err)
			return
		}
		if err := t.KV.Put(Logs, lineKey(r.Group, r.Stream, lineNum(ms, t.NextSeq(Logs))), b); err != nil {
			t.Fail(err)
			return
		}
	}
}
