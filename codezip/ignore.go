package codezip

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreRule is one pattern of a .fgsignore file.
type ignoreRule struct {
	pattern gitignore.Pattern
	where   string // FILE:LINE: PATTERN
}

// match applies rules as git applies .gitignore files: the last pattern
// that matches decides, and a negated one (!) includes again.
func match(rules []ignoreRule, path []string, isDir bool) (string, bool) {
	for i := len(rules) - 1; i >= 0; i-- {
		switch rules[i].pattern.Match(path, isDir) {
		case gitignore.Exclude:
			return rules[i].where, true
		case gitignore.Include:
			return "", false
		}
	}
	return "", false
}

// ParseIgnore reads .fgsignore text (gitignore syntax) found in the
// directory domain (path components relative to the code directory).
func ParseIgnore(text string, domain []string) []gitignore.Pattern {
	rules := parseRules(text, domain, ".fgsignore")
	ps := make([]gitignore.Pattern, len(rules))
	for i, r := range rules {
		ps[i] = r.pattern
	}
	return ps
}

// parseRules reads .fgsignore text found in the directory domain; where is
// the file's path inside the package, for Excluded.Rule.
func parseRules(text string, domain []string, where string) []ignoreRule {
	var rules []ignoreRule
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rules = append(rules, ignoreRule{gitignore.ParsePattern(line, domain), fmt.Sprintf("%s:%d: %s", where, i+1, line)})
	}
	return rules
}
