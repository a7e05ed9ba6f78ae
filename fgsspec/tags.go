package fgsspec

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Function tags (FunctionGraph's tag API: CreateTags, DeleteTags,
// ListFunctionTags, ShowResInstanceInfo). Two sources give the rules of a
// tag, and they differ:
//
//   - [HW] functiongraph_06_1023 (CreateTags, 2025-10-31) and
//     functiongraph_06_1021 (ShowResInstanceInfo), the KvItem table: a key
//     of 1 to 36 characters of A-Z, a-z, 0-9, '-', '_' and the CJK
//     characters U+4E00 to U+9FFF; a value of 0 to 36 of the same and '.';
//   - [HW] functiongraph_01_1839 (the user guide's "Configuring Tags", the
//     TMS rules): a key of at most 128 UTF-8 letters, digits, spaces and
//     _.:=+-@, not starting with _sys_ (system tags) nor with a space, not
//     ending with a space; a value of at most 255, which may be empty, with
//     /  as well; at most 20 tags per function (also the Notes and
//     Constraints page, functiongraph_01_0150).
//
// What passes here passes both: the API reference's character sets and
// lengths, the guide's _sys_ prefix and its 20 tags. The SDK's models
// (KvItem, TagItem, UpdateFunctionTagsRequestBody) say only "键" and "值".
// Neither source says whether keys are case-sensitive; the manifest takes
// the harsher reading and refuses two keys of one function that differ
// only in case (CheckTagKeysDistinct).

const (
	// TagKeyMaxLength is the longest tag key, in characters ([HW]
	// functiongraph_06_1023: 1-36; the guide allows 128).
	TagKeyMaxLength = 36
	// TagValueMaxLength is the longest tag value, in characters ([HW]
	// functiongraph_06_1023: 0-36; the guide allows 255).
	TagValueMaxLength = 36
	// MaxTags is the most tags a function may carry ([HW]
	// functiongraph_01_1839 and functiongraph_01_0150: 20).
	MaxTags = 20
	// SystemTagPrefix starts the keys of system tags, which tenants
	// cannot set ([HW] functiongraph_01_1839).
	SystemTagPrefix = "_sys_"
)

// tagRune reports whether r may appear in a tag key (and, with dot, in a
// value): ASCII letters and digits, '-', '_' and U+4E00 to U+9FFF.
func tagRune(r rune, dot bool) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		return true
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return dot && r == '.'
}

// CheckTagKey applies the rules of a tag key.
func CheckTagKey(k string) error {
	n := utf8.RuneCountInString(k)
	switch {
	case k == "":
		return errors.New("is empty")
	case !utf8.ValidString(k):
		return errors.New("is not valid UTF-8")
	case n > TagKeyMaxLength:
		return fmt.Errorf("is %d characters long; at most %d", n, TagKeyMaxLength)
	case strings.HasPrefix(k, SystemTagPrefix):
		return fmt.Errorf("starts with %s, which marks system tags", SystemTagPrefix)
	}
	for _, r := range k {
		if !tagRune(r, false) {
			return fmt.Errorf("has %q: a tag key takes letters, digits, - and _ only", r)
		}
	}
	return nil
}

// CheckTagValue applies the rules of a tag value (which may be empty).
func CheckTagValue(v string) error {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return errors.New("is not valid UTF-8")
	case n > TagValueMaxLength:
		return fmt.Errorf("is %d characters long; at most %d", n, TagValueMaxLength)
	}
	for _, r := range v {
		if !tagRune(r, true) {
			return fmt.Errorf("has %q: a tag value takes letters, digits, ., - and _ only", r)
		}
	}
	return nil
}

// SameTagKey reports whether two keys are the same key under the reading
// where keys are not case-sensitive.
func SameTagKey(a, b string) bool { return strings.EqualFold(a, b) }

// The TMS rules of the user guide ([HW] functiongraph_01_1839), the
// wider reading: what a tag set in the console may look like. The
// emulator's lenient mode takes them; fgsdeploy never writes a tag they
// allow and CheckTagKey or CheckTagValue refuse.
const (
	TMSTagKeyMaxLength   = 128
	TMSTagValueMaxLength = 255
)

func tmsRune(r rune, value bool) bool {
	switch {
	case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ':
		return true
	case strings.ContainsRune("_.:=+-@", r):
		return true
	}
	return value && r == '/'
}

// CheckTMSTagKey applies the user guide's rules of a tag key.
func CheckTMSTagKey(k string) error {
	n := utf8.RuneCountInString(k)
	switch {
	case k == "":
		return errors.New("is empty")
	case !utf8.ValidString(k):
		return errors.New("is not valid UTF-8")
	case n > TMSTagKeyMaxLength:
		return fmt.Errorf("is %d characters long; at most %d", n, TMSTagKeyMaxLength)
	case strings.HasPrefix(k, SystemTagPrefix):
		return fmt.Errorf("starts with %s, which marks system tags", SystemTagPrefix)
	case strings.TrimSpace(k) != k:
		return errors.New("starts or ends with a space")
	}
	for _, r := range k {
		if !tmsRune(r, false) {
			return fmt.Errorf("has %q", r)
		}
	}
	return nil
}

// CheckTMSTagValue applies the user guide's rules of a tag value.
func CheckTMSTagValue(v string) error {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return errors.New("is not valid UTF-8")
	case n > TMSTagValueMaxLength:
		return fmt.Errorf("is %d characters long; at most %d", n, TMSTagValueMaxLength)
	}
	for _, r := range v {
		if !tmsRune(r, true) {
			return fmt.Errorf("has %q", r)
		}
	}
	return nil
}
