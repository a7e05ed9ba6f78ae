package apiclient

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 12, 7, 21, 13, 10, 0, time.UTC)
	for _, s := range []string{
		"2026-12-08T05:13:10+08:00", // the function model's form
		"2026-12-07T21:13:10Z",
		"2026-12-08 05:13:10", // no zone: China time, as FunctionGraph writes it
		"2026-12-08T05:13:10",
		"2026-12-07T21:13:10.000Z",
	} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "yesterday", "2026-12-07", "1765141990"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) is not an error", s)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-08T05:13:10+08:00", "2026-12-08 05:13:10", "2026-12-08T05:13:10.5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			return
		}
		// What it reads, written in RFC 3339, reads back as the same time.
		again, err := ParseTime(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v, which reads back as %v, %v", s, got, again, err)
		}
	})
}
