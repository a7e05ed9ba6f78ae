package fgs

import "time"

// chinaTime is the zone FunctionGraph writes its times in.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// now is a function or version's last_modified, China time in whole
// seconds: with its offset as the API reference's function model writes it,
// "2018-03-28T11:30:32+08:00"; strictly, without a zone, as its examples
// of single functions do, "2019-10-25 15:37:27" (docs/api-notes.md, rule
// 23).
func (s *Service) now() string {
	if s.opts.Strict {
		return s.opts.Now().In(chinaTime).Format("2006-01-02 15:04:05")
	}
	return s.opts.Now().In(chinaTime).Format("2006-01-02T15:04:05-07:00")
}

// aliasNow is an alias's last_modified, as the alias examples write it:
// "2020-06-19T10:07:34+08:00".
func (s *Service) aliasNow() string {
	return s.opts.Now().In(chinaTime).Format("2006-01-02T15:04:05-07:00")
}
