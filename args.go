package main

// The command line as words, before urfave/cli parses it: where the
// command is, flags moved before arguments, parse errors in the words
// users type.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// completionFlag, as the last argument, asks for the candidates of the
// next word (completion.go); the name is urfave/cli's, which the completion
// scripts have always used.
const completionFlag = "--generate-bash-completion"

// commandIndex returns the index in args of the command's name (after the
// global flags and their values), or len(args).
func commandIndex(app *cli.App, args []string) int {
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		if _, v := takesValue(app.Flags, args[i]); v {
			i++
		}
		i++
	}
	return i
}

// commandOf returns the command args run, or nil.
func commandOf(app *cli.App, args []string) *cli.Command {
	if i := commandIndex(app, args); i < len(args) {
		return app.Command(args[i])
	}
	return nil
}

// wantsJSON reports whether args ask cmd for --format json.
func wantsJSON(cmd *cli.Command, args []string) bool {
	if cmd == nil || !hasFlag(cmd.Flags, "format") {
		return false
	}
	format := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "format" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		format = value
	}
	return format == "json"
}

func hasFlag(flags []cli.Flag, name string) bool {
	known, _ := takesValue(flags, name)
	return known
}

// takesValue reports whether the flag arg (-name, --name or --name=value)
// is one of flags, and whether the next argument is its value.
func takesValue(flags []cli.Flag, arg string) (known, value bool) {
	name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return true, !isBool && !hasValue
			}
		}
	}
	return false, false
}

// flagsFirst moves a command's flags before its positional arguments, so
// that "versions hello --format json" works: urfave/cli v2 stops parsing
// flags at the first argument.
func flagsFirst(app *cli.App, args []string) []string {
	i := commandIndex(app, args)
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	var flags, pos []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		if a == "--" {
			pos = append(pos, rest[j:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			if _, v := takesValue(cmd.Flags, a); v && j+1 < len(rest) {
				flags = append(flags, rest[j+1])
				j++
			}
			continue
		}
		pos = append(pos, a)
	}
	out := append([]string(nil), args[:i+1]...)
	out = append(out, flags...)
	return append(out, pos...)
}

func usageError(c *cli.Context, err error, _ bool) error {
	name := "fgsdeploy"
	flags := c.App.Flags
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != name {
		name += " " + c.Command.Name
		flags = c.Command.Flags
	}
	msg := longFlags(err.Error())
	if m := undefinedFlag.FindStringSubmatch(err.Error()); m != nil {
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		if s := manifest.Suggest(m[1], names); s != "" {
			return withHint(errors.New(msg), "did you mean %s? its flags: %s --help", dashes(s), name)
		}
	}
	return withHint(errors.New(msg), "its flags: %s --help", name)
}

// undefinedFlag is the flag package's error for a flag no one defines.
var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`)

// dashes writes a flag's name as it is typed: --name, or -n.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// unknownCommand is the error for a first argument that is no command,
// with the command it may be a typo of.
func unknownCommand(c *cli.Context) error {
	word := c.Args().First()
	var names []string
	for _, cmd := range c.App.VisibleCommands() {
		names = append(names, cmd.Name)
	}
	if s := manifest.Suggest(word, names); s != "" {
		return withHint(fmt.Errorf("unknown command %q", word), "did you mean fgsdeploy %s? fgsdeploy --help lists the commands", s)
	}
	return withHint(fmt.Errorf("unknown command %q", word), "fgsdeploy --help lists the commands")
}

// flagName is a flag named in one of Go's flag package errors ("flag
// provided but not defined: -x", "invalid value "v" for flag -x: ...",
// "flag needs an argument: -x").
var flagName = regexp.MustCompile(`(defined: |for flag |for |argument: )-([A-Za-z0-9][A-Za-z0-9-]+)`)

// longFlags writes the flags a parse error names the way users type them:
// --parallelism, not -parallelism (one-letter flags keep one dash).
func longFlags(msg string) string {
	return flagName.ReplaceAllString(msg, "$1--$2")
}
