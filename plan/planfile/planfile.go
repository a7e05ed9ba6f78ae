package planfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/plan"
)

// FormatVersion is the format_version this package writes and reads.
// Files of any other version are refused with a message naming both.
const FormatVersion = "1"

// file is the saved plan on disk: the JSON plan (plan.JSONPlan's fields,
// for people and scripts reading the file) plus what apply needs: the
// manifest and environment it was made from, the salt of its secrets
// fingerprints and, per function, its preconditions and the fingerprint
// of its desired state. format_version must stay the first key: codezip
// recognises saved plans by it, a salt and a functions list.
type file struct {
	FormatVersion string             `json:"format_version"`
	Manifest      string             `json:"manifest,omitempty"`
	Env           string             `json:"env,omitempty"`
	Local         bool               `json:"local,omitempty"`
	Salt          []byte             `json:"salt"`
	Functions     []function         `json:"functions"`
	Failures      []plan.JSONFailure `json:"failures,omitempty"`
	Summary       plan.Summary       `json:"summary"`
}

// function is one function of a saved plan: its JSON plan entry (name,
// package, urn, action, steps, notes), shown and never read back, then
// what apply checks.
type function struct {
	plan.JSONFunction
	Preconditions      *preconditions `json:"preconditions,omitempty"`
	DesiredFingerprint string         `json:"desired_fingerprint,omitempty"`
}

type preconditions struct {
	Exists            bool   `json:"exists"`
	Digest            string `json:"digest,omitempty"`
	LastModified      string `json:"last_modified,omitempty"`
	ConfigFingerprint string `json:"config_fingerprint,omitempty"`
	Release           string `json:"release_fingerprint,omitempty"`
	Production        string `json:"production_fingerprint,omitempty"`
}

// Save writes p to path with mode 0600, atomically. The file holds no
// secret values and no code bytes: apply rebuilds the requests from the
// manifest and the code, and refuses any function whose inputs or remote
// state moved.
//
// A plan with failures is saved too, with its failures: applying it
// applies the functions that were planned and reports each failed one as
// refused, so a release is never mistaken for complete.
func Save(path string, p *plan.Plan) error {
	jp := plan.ToJSON(p)
	out := file{FormatVersion: FormatVersion, Manifest: p.Manifest, Env: p.Env, Local: p.Local, Salt: p.Salt, Failures: jp.Failures, Summary: jp.Summary,
		Functions: make([]function, len(p.Functions))}
	for i, f := range p.Functions {
		pre := preconditions(f.Pre)
		out.Functions[i] = function{JSONFunction: jp.Functions[i], Preconditions: &pre, DesiredFingerprint: f.DesiredFingerprint}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	b = append(b, '\n')
	return writeFile(path, b)
}

func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fgsplan-*")
	if err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write plan: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write plan: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// Saved is a plan file read back: what apply needs of it, nothing more.
type Saved struct {
	Manifest  string // the manifest it was made from, as the user gave it
	Env       string // its --env overlay
	Local     bool   // made under --local: applied to the embedded emulator
	Salt      []byte
	Functions []Function
	// failures are the functions the plan could not plan: applying the
	// saved plan does not touch them, and says so.
	failures []*plan.FunctionError
}

// Function is one function of a saved plan.
type Function struct {
	Name string
	// URN names the region, project and package it was planned for;
	// SameTarget compares it with this run's.
	URN                string
	Pre                plan.Precondition
	DesiredFingerprint string
	// Deletion is true for a function the plan deletes (one the project
	// owns and the manifest no longer declares).
	Deletion bool
}

// Failures returns one error per function the saved plan could not plan,
// for the apply report to name as refused.
func (s *Saved) Failures() []*plan.FunctionError { return s.failures }

// Targets returns the names of the saved plan's functions.
func (s *Saved) Targets() []string {
	out := make([]string, len(s.Functions))
	for i, f := range s.Functions {
		out[i] = f.Name
	}
	return out
}

// Load reads a plan file written by Save. Errors name the file, and for a
// file that is not JSON of the right shape, the line and column.
func Load(path string) (*Saved, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var in file
	if err := json.Unmarshal(b, &in); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := position(b, se.Offset)
			return nil, fmt.Errorf("%s:%d:%d: not a plan file: %v", path, line, col, err)
		case errors.As(err, &te):
			line, col := position(b, te.Offset)
			return nil, fmt.Errorf("%s:%d:%d: %s: not a plan file: %v", path, line, col, te.Field, err)
		}
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	if in.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("read plan %s: format_version %q is not supported (want %q)", path, in.FormatVersion, FormatVersion)
	}
	if len(in.Salt) == 0 {
		return nil, fmt.Errorf("read plan %s: not a saved plan (no salt): write one with plan --out", path)
	}
	s := &Saved{Manifest: in.Manifest, Env: in.Env, Local: in.Local, Salt: in.Salt}
	for _, f := range in.Functions {
		if f.Preconditions == nil || f.DesiredFingerprint == "" {
			return nil, fmt.Errorf("read plan %s: function %s has no preconditions: write the plan with plan --out", path, f.Name)
		}
		s.Functions = append(s.Functions, Function{Name: f.Name, URN: f.URN, Pre: plan.Precondition(*f.Preconditions), DesiredFingerprint: f.DesiredFingerprint,
			Deletion: f.Action == plan.Delete.String()})
	}
	for _, f := range in.Failures {
		cause := strings.TrimPrefix(f.Error, f.Name+": ")
		s.failures = append(s.failures, &plan.FunctionError{Name: f.Name, FuncName: f.FuncName, URN: f.URN,
			Err: fmt.Errorf("%s: not in the saved plan, which could not plan it (%s): run plan again", f.Name, cause)})
	}
	return s, nil
}

// position turns a byte offset into a 1-based line and column.
func position(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line := 1 + strings.Count(string(before), "\n")
	col := int(off) - strings.LastIndexByte(string(before), '\n')
	return line, col
}
