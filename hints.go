package main

// Commands in hints: every fgsdeploy command a message suggests is one
// that works as printed, in the directory the user ran fgsdeploy from,
// with the flags that found the project and the service
// (TestScripts runs them: the scripts' runhints).

import (
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// locatingFlags are the flags a hinted command repeats when the run was
// given them: they say where the project is and which service it talks
// to. Values from environment variables need no repeating.
var locatingFlags = []string{"chdir", "file", "env", "local", "region", "project-id", "endpoint", "iam-endpoint", "lts-endpoint", "obs-endpoint"}

// recordedFlags are what a saved plan records itself (apply PLANFILE
// takes them from the file).
var recordedFlags = []string{"file", "env", "local"}

// hintCommand is "fgsdeploy ARGS..." followed by the locating flags this
// run was given, quoted for a POSIX shell where they need it.
func hintCommand(c *cli.Context, args ...string) string {
	return commandLine(c, nil, args)
}

// savedPlanCommand is the command that applies the plan saved to file:
// the flags the plan records are not repeated.
func savedPlanCommand(c *cli.Context, file string) string {
	return commandLine(c, recordedFlags, []string{"apply", file})
}

func commandLine(c *cli.Context, skip, args []string) string {
	words := append([]string{"fgsdeploy"}, args...)
	for _, name := range locatingFlags {
		if slices.Contains(skip, name) {
			continue
		}
		switch name {
		case "chdir":
			// -C was applied (and cleared) before the command ran.
			if dir, _ := c.App.Metadata[chdirKey].(string); dir != "" {
				words = append(words, "-C", dir)
			}
		case "local":
			if boolean(c, "local") {
				words = append(words, "--local")
			}
		default:
			if lc, set := lookup(c, name); set {
				words = append(words, "--"+name, lc.String(name))
			}
		}
	}
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// chdirKey is where chdir keeps the -C directory it applied, in the app's
// metadata, for hints.
const chdirKey = "chdir"

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// shellQuote quotes s for a POSIX shell unless it is plain.
func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
