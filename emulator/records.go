package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// What invocations leave behind: their log lines, in the LTS stream of
// the function's log_config (bucketLogs), and per-minute statistics of
// each function version (bucketStats). One writer goroutine stores them
// after the invocation is answered, in batches, so that an invocation
// does not wait for a commit to disk; reads of logs and statistics flush
// it first, so they see every invocation answered before them.

// record is one invocation, for the writer.
type record struct {
	fnKey, name, pkg string
	version, alias   string
	requestID        string
	at               time.Time
	o                outcome
	lines            []string
	group, stream    string // the LTS target; "" when the function does not log
}

// logLine is one stored LTS log line.
type logLine struct {
	Content string            `json:"content"`
	TimeMs  int64             `json:"time_ms"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// statKey is the key of the statistics of one function version (and
// alias, "" when invoked without one) over one minute.
func statKey(fnKey string, minute int64, version, alias string) string {
	return store.SubKey(fnKey, fmt.Sprintf("%010x", minute), version, alias)
}

// minuteStats is what the statistics API reports of one minute.
type minuteStats struct {
	Count          int     `json:"count"`
	Fail           int     `json:"fail"`
	FunctionErrors int     `json:"function_errors"`
	SystemErrors   int     `json:"system_errors"`
	Rejects        int     `json:"rejects"`
	DurationSum    float64 `json:"duration_sum_ms"`
	MaxDuration    float64 `json:"max_duration_ms"`
	MinDuration    float64 `json:"min_duration_ms"`
}

func (m *minuteStats) add(o outcome) {
	ms := float64(o.duration.Microseconds()) / 1000
	if m.Count == 0 || ms < m.MinDuration {
		m.MinDuration = ms
	}
	m.MaxDuration = math.Max(m.MaxDuration, ms)
	m.DurationSum += ms
	m.Count++
	switch {
	case o.rejected:
		m.Rejects++
	case o.infra != nil:
		m.SystemErrors++
		m.Fail++
	case o.failed != nil || o.timedOut:
		m.FunctionErrors++
		m.Fail++
	}
}

func (m *minuteStats) merge(o minuteStats) {
	if m.Count == 0 || (o.Count > 0 && o.MinDuration < m.MinDuration) {
		m.MinDuration = o.MinDuration
	}
	m.MaxDuration = math.Max(m.MaxDuration, o.MaxDuration)
	m.Count += o.Count
	m.Fail += o.Fail
	m.FunctionErrors += o.FunctionErrors
	m.SystemErrors += o.SystemErrors
	m.Rejects += o.Rejects
	m.DurationSum += o.DurationSum
}

// lineKey orders a stream's lines by their line_num.
func lineKey(group, stream string, lineNum int64) string {
	return group + "\x00" + stream + "\x00" + fmt.Sprintf("%020d", lineNum)
}

// lineNum is a line's line_num: its time in milliseconds, then a sequence
// number, so that line numbers grow with time and never repeat.
func lineNum(timeMs int64, seq uint64) int64 { return timeMs*1_000_000 + int64(seq%1_000_000) }

type writeOp struct {
	rec     *record
	barrier chan struct{}
}

// recordWriter stores records in the background.
type recordWriter struct {
	db   store.KV
	ch   chan writeOp
	done chan struct{}

	mu     sync.Mutex
	closed bool
}

func newRecordWriter(db store.KV) *recordWriter {
	w := &recordWriter{db: db, ch: make(chan writeOp, 1024), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *recordWriter) add(r *record) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.ch <- writeOp{rec: r}
	}
}

// flush returns once every record added before it is stored.
func (w *recordWriter) flush() {
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

// close stores what is left and stops the writer.
func (w *recordWriter) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ch)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *recordWriter) loop() {
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
func (w *recordWriter) store(batch []writeOp) {
	w.db.Update(func(tx store.KVTx) error {
		t := newStx(tx)
		for _, op := range batch {
			if op.rec != nil {
				t.storeRecord(op.rec)
			}
		}
		return t.Err
	})
}

func (t *stx) storeRecord(r *record) {
	k := statKey(r.fnKey, r.at.Unix()/60, r.version, r.alias)
	var m minuteStats
	t.Get(bucketStats, k, &m)
	m.add(r.o)
	t.Put(bucketStats, k, &m)
	if r.group == "" {
		return
	}
	ms := r.at.UnixMilli()
	labels := map[string]string{"function_name": r.name, "package": r.pkg, "version": r.version, "request_id": r.requestID}
	for _, content := range r.lines {
		b, err := json.Marshal(logLine{Content: content, TimeMs: ms, Labels: labels})
		if err != nil {
			t.Fail(err)
			return
		}
		if err := t.KV.Put(bucketLogs, lineKey(r.group, r.stream, lineNum(ms, t.NextSeq(bucketLogs))), b); err != nil {
			t.Fail(err)
			return
		}
	}
}
