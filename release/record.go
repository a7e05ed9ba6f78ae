package release

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// Record is what fgsdeploy keeps of an alias's history in the alias's
// description, after the user's own text: where rollback returns, and
// which version was rolled back.
//
// It is written " (fgsdeploy:previous=v41)", " (fgsdeploy:reverted=v42)"
// or " (fgsdeploy:previous=v41 reverted=v42)" after the user's text (with
// no user text, without the space and the parentheses). The first form is
// the one fgsdeploy has always written, so aliases moved by an earlier
// fgsdeploy read the same.
type Record struct {
	// Previous is where the alias pointed before fgsdeploy last moved it:
	// where rollback (without --to) sends it when no canary is in
	// progress.
	Previous string
	// Reverted is a version a rollback took the alias off (wholly, or a
	// canary called off). An alias declared $published does not go back to
	// it: only a new release (another version) moves the alias again.
	Reverted string
}

// recordRe finds the record at the end of an alias description: the
// legacy "fgsdeploy:previous=V" and the key=value pairs of Record, with or
// without the parentheses.
var recordRe = regexp.MustCompile(`\s*\(?fgsdeploy:([a-z]+=[A-Za-z0-9_.-]+(?: [a-z]+=[A-Za-z0-9_.-]+)*)\)?$`)

// SplitAliasDescription returns the user's part of an alias description
// and fgsdeploy's record (zero when there is none). Keys it does not know
// are ignored.
func SplitAliasDescription(d string) (user string, r Record) {
	m := recordRe.FindStringSubmatchIndex(d)
	if m == nil {
		return d, Record{}
	}
	for _, kv := range strings.Fields(d[m[2]:m[3]]) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "previous":
			r.Previous = v
		case "reverted":
			r.Reverted = v
		}
	}
	return d[:m[0]], r
}

// AliasDescription joins a user's description and a record. The whole
// stays within FunctionGraph's 512 characters: a user's description is at
// most 448 (the manifest checks), which leaves room for one version name
// of up to 42 characters; when both of the record's versions do not fit,
// Previous is left out (rollback then needs --to) and Reverted, which
// keeps a rolled-back version from getting traffic again, stays.
func AliasDescription(user string, r Record) string {
	join := func(r Record) string {
		var parts []string
		if r.Previous != "" {
			parts = append(parts, "previous="+r.Previous)
		}
		if r.Reverted != "" {
			parts = append(parts, "reverted="+r.Reverted)
		}
		if len(parts) == 0 {
			return user
		}
		rec := "fgsdeploy:" + strings.Join(parts, " ")
		if user == "" {
			return rec
		}
		return user + " (" + rec + ")"
	}
	d := join(r)
	if utf8.RuneCountInString(d) > fgsspec.DescriptionMaxLength && r.Reverted != "" {
		d = join(Record{Reverted: r.Reverted})
	}
	return d
}
