package main

import (
	"time"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Times as fgsdeploy shows them: with their zone, always UTC, so that a
// log read anywhere says one instant (FunctionGraph writes China time).

// shownTime is a FunctionGraph time for people: "2026-12-07 21:13:10
// UTC". A time it cannot read is shown as FunctionGraph wrote it.
func shownTime(s string) string {
	t, err := apiclient.ParseTime(s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// jsonTime is a FunctionGraph time for scripts: RFC 3339 in UTC
// ("2026-12-07T21:13:10Z"), or as FunctionGraph wrote it when it cannot
// be read.
func jsonTime(s string) string {
	t, err := apiclient.ParseTime(s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}
