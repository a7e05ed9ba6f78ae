package fgs

import "time"

// chinaTime is the zone FunctionGraph writes its times in.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// now is a function or version's last_modified, in the format of the API
// reference's examples: "2019-10-25 15:37:27", China time, whole seconds.
func (s *Service) now() string {
	return s.opts.Now().In(chinaTime).Format("2006-01-02 15:04:05")
}

// aliasNow is an alias's last_modified, as the alias examples write it:
// "2020-06-19T10:07:34+08:00".
func (s *Service) aliasNow() string {
	return s.opts.Now().In(chinaTime).Format("2006-01-02T15:04:05-07:00")
}
