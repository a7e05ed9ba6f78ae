package records

import (
	"fmt"
	"math"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// The buckets of the records. Keys of statistics start with the
// function's key and a NUL (store.SubKey), so that deleting a function's
// records deletes its statistics.
const (
	Logs  = "logs"  // LTS group NUL stream NUL line_num -> LogLine
	Stats = "stats" // fnKey NUL minute NUL version NUL alias -> MinuteStats
)

// Buckets are the records' buckets, for store.Open.
var Buckets = []string{Logs, Stats}

// Result is how an invocation ended, as the statistics count it.
type Result int

const (
	OK            Result = iota
	FunctionError        // the handler raised, its process died, or it timed out
	SystemError          // the emulator could not run it
	Rejected             // every process of the version stayed busy
)

// Record is one invocation, for the writer.
type Record struct {
	FnKey, Name, Package string
	Version, Alias       string
	RequestID            string
	At                   time.Time
	Duration             time.Duration
	Result               Result
	Lines                []string
	Group, Stream        string // the LTS target; "" when the function does not log
}

// LogLine is one stored LTS log line.
type LogLine struct {
	Content string            `json:"content"`
	TimeMs  int64             `json:"time_ms"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// statKey is the key of the statistics of one function version (and
// alias, "" when invoked without one) over one minute.
func statKey(fnKey string, minute int64, version, alias string) string {
	return store.SubKey(fnKey, fmt.Sprintf("%010x", minute), version, alias)
}

// MinuteStats is what the statistics API reports of one minute.
type MinuteStats struct {
	Count          int     `json:"count"`
	Fail           int     `json:"fail"`
	FunctionErrors int     `json:"function_errors"`
	SystemErrors   int     `json:"system_errors"`
	Rejects        int     `json:"rejects"`
	DurationSum    float64 `json:"duration_sum_ms"`
	MaxDuration    float64 `json:"max_duration_ms"`
	MinDuration    float64 `json:"min_duration_ms"`
}

func (m *MinuteStats) add(r *Record) {
	ms := float64(r.Duration.Microseconds()) / 1000
	if m.Count == 0 || ms < m.MinDuration {
		m.MinDuration = ms
	}
	m.MaxDuration = math.Max(m.MaxDuration, ms)
	m.DurationSum += ms
	m.Count++
	switch r.Result {
	case Rejected:
		m.Rejects++
	case SystemError:
		m.SystemErrors++
		m.Fail++
	case FunctionError:
		m.FunctionErrors++
		m.Fail++
	}
}

// Merge adds the minute o to m.
func (m *MinuteStats) Merge(o MinuteStats) {
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
