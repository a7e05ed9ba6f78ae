package runtime

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bootMsg is an answer of the bootstrap.
type bootMsg struct {
	Type   string        `json:"type"` // ready, result
	OK     bool          `json:"ok"`
	Result string        `json:"result"`
	Error  *HandlerError `json:"error"`
}

// proc is one handler process.
type proc struct {
	cmd      *exec.Cmd
	requests *os.File     // fd 3 of the process
	answers  chan bootMsg // from fd 4; closed when the process closes it
	out      *capture     // stdout and stderr
	marker   []byte
	done     chan struct{} // closed once the process has been waited for
	waitErr  error
	killOnce sync.Once
	killed   atomic.Bool
}

type awaitEnd int

const (
	awaitAnswered awaitEnd = iota
	awaitTimeout
	awaitExited
)

func startProc(interpreter, boot, dir string, env []string) (*proc, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ansR, ansW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		ansR.Close()
		ansW.Close()
		return nil, err
	}
	marker := []byte("\x1efgsdeploy-end-" + randomHex(16) + "\x1e")
	cmd := exec.Command(interpreter, boot)
	cmd.Dir = dir
	cmd.Env = append(env, "FGS_BOOT_MARKER="+string(marker))
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = outW, outW
	cmd.ExtraFiles = []*os.File{reqR, ansW}
	ownGroup(cmd)
	err = cmd.Start()
	// The process has its own copies of its ends of the pipes.
	reqR.Close()
	ansW.Close()
	outW.Close()
	if err != nil {
		reqW.Close()
		ansR.Close()
		outR.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, requests: reqW, answers: make(chan bootMsg, 1), out: newCapture(), marker: marker, done: make(chan struct{})}
	go p.out.read(outR)
	go func() {
		sc := bufio.NewReader(ansR)
		for {
			line, err := sc.ReadBytes('\n')
			if len(line) > 0 {
				var m bootMsg
				if json.Unmarshal(line, &m) == nil {
					p.answers <- m
				}
			}
			if err != nil {
				ansR.Close()
				close(p.answers)
				return
			}
		}
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// bootRequest is one invocation as the bootstrap reads it.
type bootRequest struct {
	RequestID  string          `json:"request_id"`
	Event      json.RawMessage `json:"event"`
	DeadlineMs int64           `json:"deadline_ms"`
	Alias      string          `json:"alias,omitempty"`
}

// call sends one invocation and waits for its answer and its log, until
// deadline.
func (p *proc) call(j Job, deadline time.Time) Outcome {
	req, _ := json.Marshal(bootRequest{RequestID: j.RequestID, Event: j.Event, DeadlineMs: deadline.UnixMilli(), Alias: j.Alias})
	if _, err := p.requests.Write(append(req, '\n')); err != nil {
		p.kill()
		_, log, _ := p.await(time.Now().Add(time.Second))
		return Outcome{Failed: p.exitError(), Log: log}
	}
	msg, log, ended := p.await(deadline)
	switch ended {
	case awaitTimeout:
		return Outcome{TimedOut: true, Log: log}
	case awaitExited:
		return Outcome{Failed: p.exitError(), Log: log}
	}
	if !msg.OK {
		e := msg.Error
		if e == nil {
			e = &HandlerError{ErrorMessage: "the handler failed", ErrorType: "Error"}
		}
		return Outcome{Failed: e, Log: log}
	}
	return Outcome{Result: msg.Result, Log: log}
}

// await waits for the next answer and the output up to its marker.
func (p *proc) await(deadline time.Time) (bootMsg, []byte, awaitEnd) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var msg bootMsg
	select {
	case m, open := <-p.answers:
		if !open {
			p.kill()
			<-p.done
			log, _ := p.out.until(p.marker, time.Now().Add(time.Second))
			return msg, log, awaitExited
		}
		msg = m
	case <-timer.C:
		p.kill()
		log, _ := p.out.until(p.marker, time.Now().Add(100*time.Millisecond))
		return msg, log, awaitTimeout
	}
	// The marker was written before the answer; its bytes may still be on
	// their way through the output pipe.
	log, found := p.out.until(p.marker, time.Now().Add(time.Second))
	if !found {
		p.kill() // it cannot be told apart from the next invocation's output
	}
	return msg, log, awaitAnswered
}

// exitError is the result of an invocation whose process died.
func (p *proc) exitError() *HandlerError {
	p.kill()
	<-p.done
	status := "killed"
	var ee *exec.ExitError
	if errors.As(p.waitErr, &ee) && ee.ExitCode() >= 0 {
		status = "exit status " + strconv.Itoa(ee.ExitCode())
	}
	return &HandlerError{ErrorMessage: "runtime process is exited (" + status + ")", ErrorType: "RuntimeExit", StackTrace: []string{}}
}

// exited tells whether the process ended or is being ended.
func (p *proc) exited() bool {
	if p.killed.Load() {
		return true
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill ends the process and whatever it started.
func (p *proc) kill() {
	p.killOnce.Do(func() {
		p.killed.Store(true)
		p.requests.Close()
		killGroup(p.cmd)
	})
}

// peakMemoryMB is the process's peak resident memory (Linux), or 0.
func (p *proc) peakMemoryMB() float64 {
	if p.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
