package codezip

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
)

// Saved plans are recognised by their content: a JSON object whose first
// key is format_version and which has a salt and a functions list, as
// fgsdeploy plan --out writes them (the plan shown by --format json has
// no salt). Only the first bytes of most files are read.
var planPrefixRe = regexp.MustCompile(`^\s*\{\s*"format_version"\s*:`)

const maxPlanSize = 64 << 20

// planHead is how many of a file's first bytes tell whether it may be a
// saved plan (planPrefixRe).
const planHead = 64

func isSavedPlan(path string, size int64) bool {
	if size < 32 || size > maxPlanSize {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false // the compressor reports it
	}
	defer f.Close()
	head := make([]byte, planHead)
	n, _ := io.ReadFull(f, head)
	if !planPrefixRe.Match(head[:n]) {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	var plan struct {
		FormatVersion string            `json:"format_version"`
		Salt          []byte            `json:"salt"`
		Functions     []json.RawMessage `json:"functions"`
	}
	if err := json.NewDecoder(f).Decode(&plan); err != nil {
		return false
	}
	return plan.FormatVersion != "" && len(plan.Salt) > 0 && plan.Functions != nil
}
