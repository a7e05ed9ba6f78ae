//go:build unix

package runtime

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the process in a process group of its own, so that
// killGroup also ends what the handler started.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Process.Kill()
}
