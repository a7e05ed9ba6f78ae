package plan

import (
	"fmt"
	"io"
)

// The requests of a function's tags and of its deletion. A function's
// tags are the function's, not a version's; a deletion deletes what
// would stop the function's delete first (its triggers, then its
// aliases: an alias with triggers cannot be deleted, FSS.1154), then the
// function with its versions.

// CreateTags adds tags to the function (CreateTags, POST
// .../{urn}/tags/create). A key the function has already is deleted by a
// DeleteTags before it, so the request never depends on whether a create
// overwrites.
type CreateTags struct {
	Tags map[string]string
}

// Type implements Request.
func (*CreateTags) Type() StepType { return StepTags }

// DeleteTags deletes tags of the function (DeleteTags, DELETE
// .../{urn}/tags/delete), each by its key and the value it has.
type DeleteTags struct {
	Tags map[string]string
}

// Type implements Request.
func (*DeleteTags) Type() StepType { return StepTags }

// DeleteAlias deletes one alias of a function being deleted, after its
// triggers.
type DeleteAlias struct {
	Name string
}

// Type implements Request.
func (*DeleteAlias) Type() StepType { return StepAliases }

// DeleteFunction deletes the function, its versions with it (DELETE
// .../functions/{urn}, the unqualified URN).
type DeleteFunction struct{}

// Type implements Request.
func (*DeleteFunction) Type() StepType { return StepDelete }

// DestroyText writes the plan of a destroy: its deletions as Text writes
// them, then what it deletes: "Destroy: 2 functions and 1 dependency
// version to delete." (and the functions it refuses).
func (v View) DestroyText(w io.Writer, p *Plan) error {
	fns, versions := 0, 0
	for _, f := range p.Functions {
		if f.Action == Delete {
			fns++
		}
	}
	for _, d := range p.Dependencies {
		for _, s := range d.Steps {
			if s.Type() == StepDependencyPrune {
				versions++
			}
		}
	}
	line := fmt.Sprintf("Destroy: %d function%s", fns, plural(fns))
	if versions > 0 {
		line += fmt.Sprintf(" and %d dependency version%s", versions, plural(versions))
	}
	line += " to delete"
	if n := len(p.Failures); n > 0 {
		line += fmt.Sprintf(", %d refused", n)
	}
	return v.text(w, p, line+".", "refused")
}
