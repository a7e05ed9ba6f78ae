package planner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A saved plan is the JSON plan plus what apply re-checks: per function the
// remote preconditions and the fingerprint of the desired state, and the
// salt the secrets fingerprints were made with. It holds no secret values
// and no code bytes; apply rebuilds the requests from the manifest and the
// code and refuses any function whose inputs or remote state moved.
//
// A plan with failures is saved too, with its failures: applying it
// applies the functions that were planned and reports each failed one as
// refused (exit status 1), so a release is never mistaken for complete.

// Save writes p to path with mode 0600.
func Save(path string, p *Plan) error {
	b, err := json.MarshalIndent(toJSON(p, true), "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".fgsplan-*")
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

// Saved is a plan file read back.
type Saved struct {
	Manifest  string
	Env       string
	Region    string
	ProjectID string
	Salt      []byte
	Functions []SavedFunction
	// failures are the functions the plan could not plan: applying the
	// saved plan does not touch them, and says so.
	failures []*FunctionError
}

// Failures returns one error per function the saved plan could not plan,
// for the apply report to name as refused.
func (s *Saved) Failures() []error {
	out := make([]error, len(s.failures))
	for i, f := range s.failures {
		out[i] = f
	}
	return out
}

// SavedFunction is one function of a saved plan.
type SavedFunction struct {
	Name               string
	URN                string // region, project and package it was planned for
	Action             string
	Steps              []StepType
	Pre                Precondition
	DesiredFingerprint string
}

// Targets returns the names of the saved plan's functions.
func (s *Saved) Targets() []string {
	out := make([]string, len(s.Functions))
	for i, f := range s.Functions {
		out[i] = f.Name
	}
	return out
}

// LoadSaved reads a plan file written by Save.
func LoadSaved(path string) (*Saved, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var jp jsonPlan
	if err := json.Unmarshal(b, &jp); err != nil {
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
	if jp.FormatVersion != "1" {
		return nil, fmt.Errorf("read plan %s: format_version %q is not supported (want \"1\")", path, jp.FormatVersion)
	}
	if len(jp.Salt) == 0 {
		return nil, fmt.Errorf("read plan %s: not a saved plan (no salt): write one with plan --out", path)
	}
	s := &Saved{Manifest: jp.Manifest, Env: jp.Env, Region: jp.Region, ProjectID: jp.ProjectID, Salt: jp.Salt}
	for _, f := range jp.Functions {
		if f.Preconditions == nil || f.DesiredFingerprint == "" {
			return nil, fmt.Errorf("read plan %s: function %s has no preconditions: write the plan with plan --out", path, f.Name)
		}
		sf := SavedFunction{Name: f.Name, URN: f.URN, Action: f.Action, Pre: *f.Preconditions, DesiredFingerprint: f.DesiredFingerprint}
		for _, st := range f.Steps {
			t, ok := parseStepType(st.Type)
			if !ok {
				return nil, fmt.Errorf("read plan %s: function %s: unknown step type %q", path, f.Name, st.Type)
			}
			sf.Steps = append(sf.Steps, t)
		}
		s.Functions = append(s.Functions, sf)
	}
	for _, f := range jp.Failures {
		cause := strings.TrimPrefix(f.Error, f.Name+": ")
		s.failures = append(s.failures, &FunctionError{Name: f.Name, URN: f.URN,
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

// StaleError says why a saved plan's function cannot be applied.
type StaleError struct {
	Name   string
	Reason string
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s: saved plan is stale: %s; run plan again", e.Name, e.Reason)
}

func (e *StaleError) Is(target error) bool { return target == ErrStale }

// SameTarget refuses a saved plan made for another region, project or
// package than this run targets (urnOf gives a function's URN now, "" if
// it is not in the manifest). Checked before anything is read: the
// preconditions would otherwise read as "created since" or "deleted
// since", which is not what happened.
func (s *Saved) SameTarget(urnOf func(name string) string) error {
	for _, sf := range s.Functions {
		if now := urnOf(sf.Name); sf.URN != "" && now != "" && now != sf.URN {
			return fmt.Errorf("the plan was made for %s, and this run targets %s: check the region, the project and the package", sf.URN, now)
		}
	}
	return nil
}

// Check compares a plan made now, with the saved plan's salt, against the
// saved plan. It returns the plan restricted to the functions that may be
// applied (with the fresh plan's failures) and one *StaleError for each
// that may not (nothing of those is to be changed).
func (s *Saved) Check(fresh *Plan) (*Plan, []error) {
	byName := map[string]*FunctionPlan{}
	for _, f := range fresh.Functions {
		byName[f.Name] = f
	}
	// A function that could not be planned now stays a failure of its own.
	ok := &Plan{Manifest: fresh.Manifest, Env: fresh.Env, Region: fresh.Region, ProjectID: fresh.ProjectID, Salt: fresh.Salt, Failures: fresh.Failures}
	failed := map[string]bool{}
	for _, fe := range fresh.Failures {
		failed[fe.Name] = true
	}
	var stale []error
	for _, sf := range s.Functions {
		f := byName[sf.Name]
		switch {
		case failed[sf.Name]:
		case f == nil:
			stale = append(stale, &StaleError{sf.Name, "the function is no longer in the manifest"})
		case f.Pre.Exists != sf.Pre.Exists:
			if sf.Pre.Exists {
				stale = append(stale, &StaleError{sf.Name, "the function was deleted since the plan was made"})
			} else {
				stale = append(stale, &StaleError{sf.Name, "the function was created since the plan was made (was this plan applied already?)"})
			}
		case f.Pre.Digest != sf.Pre.Digest:
			stale = append(stale, &StaleError{sf.Name, "its code changed remotely since the plan was made"})
		case f.Pre.LastModified != sf.Pre.LastModified || f.Pre.ConfigFingerprint != sf.Pre.ConfigFingerprint:
			stale = append(stale, &StaleError{sf.Name, "its config changed remotely since the plan was made"})
		case f.Pre.Release != sf.Pre.Release:
			stale = append(stale, &StaleError{sf.Name, "its versions or aliases changed remotely since the plan was made"})
		case f.DesiredFingerprint != sf.DesiredFingerprint:
			stale = append(stale, &StaleError{sf.Name, "the manifest, the environment or the code changed since the plan was made"})
		default:
			ok.Functions = append(ok.Functions, f)
		}
	}
	return ok, stale
}
