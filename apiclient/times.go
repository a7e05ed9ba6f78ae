package apiclient

import (
	"fmt"
	"time"
)

// ServiceZone is the zone FunctionGraph writes its times in: China
// Standard Time, UTC+8 (the API reference's function model writes
// "2018-03-28T11:30:32+08:00").
var ServiceZone = time.FixedZone("UTC+8", 8*3600)

// ParseTime reads a FunctionGraph time (a function's, version's or
// alias's last_modified). With a zone it is RFC 3339, as the function
// model writes it; without one, as the reference's examples of single
// functions write it ("2019-10-25 15:37:27", also with a T), it is the
// same China time, ServiceZone (docs/api-notes.md, rule 30; the official
// SDK reads the wall clock of both forms as UTC, eight hours off).
// Fractions of seconds are accepted.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.ParseInLocation(layout, s, ServiceZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time FunctionGraph writes (RFC 3339, or 2006-01-02 15:04:05 in China time)", s)
}
