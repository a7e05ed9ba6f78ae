package plan

import (
	"encoding/json"
	"io"
)

// JSONPlan is the document `plan --format json` prints (the contract's
// "JSON plan"): per function its action and steps, each change with its
// before and after values, secrets as "(sensitive)".
type JSONPlan struct {
	FormatVersion string           `json:"format_version"`
	Functions     []JSONFunction   `json:"functions"`
	Dependencies  []JSONDependency `json:"dependencies,omitempty"`
	Failures      []JSONFailure    `json:"failures,omitempty"`
	Summary       Summary          `json:"summary"`
}

// JSONFunction is one function of a JSON plan.
type JSONFunction struct {
	Name string `json:"name"` // the manifest's key
	// FuncName is the FunctionGraph name (name:), the key by default.
	FuncName string     `json:"func_name"`
	Package  string     `json:"package"`
	URN      string     `json:"urn"`
	Action   string     `json:"action"`
	Steps    []JSONStep `json:"steps"`
	Notes    []string   `json:"notes,omitempty"`
}

// JSONStep is one step of a JSON plan: consecutive steps of one type
// shown as one, as in text plans.
type JSONStep struct {
	Type    string       `json:"type"`
	Changes []JSONChange `json:"changes"`
}

// JSONChange is one change of a JSON plan.
type JSONChange struct {
	Field  string `json:"field"`
	Action string `json:"action"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	Reason string `json:"reason,omitempty"`
}

// JSONFailure is a function that could not be planned.
type JSONFailure struct {
	Name     string `json:"name"`
	FuncName string `json:"func_name,omitempty"`
	URN      string `json:"urn"`
	Error    string `json:"error"`
}

// JSONFormatVersion is the format_version of JSON plans.
const JSONFormatVersion = "1"

// ToJSON returns the JSON view of p.
func ToJSON(p *Plan) JSONPlan {
	out := JSONPlan{FormatVersion: JSONFormatVersion, Functions: []JSONFunction{}, Summary: p.Summary()}
	for _, f := range p.Functions {
		out.Functions = append(out.Functions, jsonFunction(f))
	}
	for _, fe := range p.Failures {
		out.Failures = append(out.Failures, JSONFailure{Name: fe.Name, FuncName: fe.FuncName, URN: fe.URN, Error: fe.Error()})
	}
	out.Dependencies = jsonDependencies(p)
	return out
}

func jsonFunction(f *FunctionPlan) JSONFunction {
	jf := JSONFunction{Name: f.Name, FuncName: f.FuncName, Package: f.Package, URN: f.URN, Action: f.Action.String(), Steps: []JSONStep{}, Notes: f.Notes}
	for i, s := range f.Steps {
		if i == 0 || f.Steps[i-1].Type() != s.Type() {
			jf.Steps = append(jf.Steps, JSONStep{Type: s.Type().String(), Changes: []JSONChange{}})
		}
		js := &jf.Steps[len(jf.Steps)-1]
		for _, c := range s.Changes {
			jc := JSONChange{Field: c.Field, Action: c.Action.String(), Before: c.Before, After: c.After, Reason: c.Reason}
			if c.Sensitive {
				if c.Before != nil {
					jc.Before = Sensitive
				}
				jc.After = Sensitive
			}
			js.Changes = append(js.Changes, jc)
		}
	}
	return jf
}

// JSON writes the plan as the contract's JSON document.
func (v View) JSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ToJSON(p))
}
