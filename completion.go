package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

// Shell completion. The bash and zsh scripts ask fgsdeploy itself for the
// candidates of the word being completed: they run the words typed before
// it (plus the word itself when it starts with "-") followed by
// --generate-bash-completion, and fgsdeploy prints one candidate a line,
// which the shell filters by what is typed. fish gets urfave/cli's static
// script of commands and flags, plus the same call for function names.
// Candidates come from the command tree and, for function names,
// environments and aliases, from the manifest, read leniently: a manifest
// with errors (or none) gives no candidates and no output on stderr.

const bashCompletion = `# fgsdeploy bash completion: source <(fgsdeploy completion bash)
_fgsdeploy_complete() {
  local cur words
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -o bashdefault -o default -F _fgsdeploy_complete fgsdeploy
`

const zshCompletion = `#compdef fgsdeploy
# fgsdeploy zsh completion: source <(fgsdeploy completion zsh)
_fgsdeploy() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [ "$funcstack[1]" = "_fgsdeploy" ]; then
  _fgsdeploy "$@"
else
  compdef _fgsdeploy fgsdeploy
fi
`

// fishDynamic completes function names (and --target, --env, --alias
// values) in fish by the same call as bash and zsh.
const fishDynamic = `
function __fgsdeploy_complete --description 'Ask fgsdeploy for the candidates'
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    if string match -q -- '-*' $cur
        set words $words $cur
    end
    $words[1] $words[2..-1] --generate-bash-completion 2>/dev/null
end
complete -c fgsdeploy -n '__fish_seen_subcommand_from versions promote rollback invoke logs' -f -a '(__fgsdeploy_complete)'
complete -c fgsdeploy -n '__fish_seen_subcommand_from plan apply' -l target -x -a '(__fgsdeploy_complete)'
complete -c fgsdeploy -n '__fish_seen_subcommand_from promote rollback' -l alias -x -a '(__fgsdeploy_complete)'
complete -c fgsdeploy -n '__fish_seen_subcommand_from invoke logs' -l qualifier -x -a '(__fgsdeploy_complete)'
complete -c fgsdeploy -l env -s e -x -a '(__fgsdeploy_complete)'
`

func completionCmd(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return withHint(fmt.Errorf("completion takes one shell name: bash, zsh or fish"), "source <(fgsdeploy completion bash)")
			}
			switch sh := c.Args().First(); sh {
			case "bash":
				_, err := io.WriteString(stdout, bashCompletion)
				return err
			case "zsh":
				_, err := io.WriteString(stdout, zshCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = io.WriteString(stdout, s+fishDynamic)
				return err
			default:
				return fmt.Errorf("completion: unknown shell %q (want bash, zsh or fish)", sh)
			}
		},
	}
}

// completeWords prints the candidates for the word that follows words
// (the arguments after the program's name, as the completion scripts pass
// them). It never fails: what it cannot work out has no candidates, and
// the shell falls back to file names.
func completeWords(app *cli.App, words []string, w io.Writer) {
	var (
		cmd        *cli.Command
		pos        []string              // the command's arguments so far
		values     = map[string]string{} // chdir, file, env, alias as typed
		pending    cli.Flag              // a flag whose value is the word being completed
		partial    bool                  // the last word is a flag being typed
		scopeFlags = app.Flags
	)
	for i := 0; i < len(words); i++ {
		word, last := words[i], i == len(words)-1
		if last && strings.HasPrefix(word, "-") && findFlag(scopeFlags, word) == nil {
			// A flag being typed, "-" and "--" too (plan --<TAB>): the
			// scripts pass the word being completed when it starts with -.
			partial = true
			continue
		}
		if strings.HasPrefix(word, "-") && word != "-" && word != "--" {
			f := findFlag(scopeFlags, word)
			_, value, hasValue := strings.Cut(word, "=")
			_, isBool := f.(*cli.BoolFlag)
			switch {
			case f == nil:
				partial = last // a flag being typed (or one that does not exist)
			case isBool || hasValue:
				values[f.Names()[0]] = value
			case last:
				pending = f
			default:
				values[f.Names()[0]] = words[i+1]
				i++
			}
			continue
		}
		if cmd == nil {
			if cmd = app.Command(word); cmd == nil {
				return // not a command: nothing to offer
			}
			scopeFlags = mergeFlags(cmd.Flags, app.Flags) // global flags also go after the command
			continue
		}
		pos = append(pos, word)
	}
	var out []string
	switch {
	case pending != nil:
		out = flagValues(cmd, pending.Names()[0], values, pos)
	case partial:
		out = flagNames(scopeFlags)
	case cmd == nil:
		for _, c := range app.VisibleCommands() {
			out = append(out, c.Name)
		}
	case len(pos) == 0 && (cmd.Name == "versions" || cmd.Name == "promote" || cmd.Name == "rollback" || cmd.Name == "invoke" || cmd.Name == "logs"):
		out = completionManifest(values).functions
	case len(pos) == 0 && cmd.Name == "completion":
		out = []string{"bash", "zsh", "fish"}
	}
	for _, s := range out {
		fmt.Fprintln(w, s)
	}
}

// mergeFlags is a's flags then those of b that a does not name.
func mergeFlags(a, b []cli.Flag) []cli.Flag {
	out := append([]cli.Flag(nil), a...)
	for _, f := range b {
		if findFlag(a, "--"+f.Names()[0]) == nil {
			out = append(out, f)
		}
	}
	return out
}

func findFlag(flags []cli.Flag, word string) cli.Flag {
	name, _, _ := strings.Cut(strings.TrimLeft(word, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// flagNames lists flags as they are typed: --name, and -n for one letter.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		for _, n := range f.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	return out
}

// flagValues lists the values of the flag being completed, where they are
// known: function names for --target, the manifest's environments for
// --env, the declared aliases for --alias, the formats for --format, and
// for --qualifier latest, the function's declared aliases and the version
// its manifest publishes. The live versions are not offered: knowing them
// takes a request to FunctionGraph, and completion answers at once,
// offline.
func flagValues(cmd *cli.Command, flag string, values map[string]string, pos []string) []string {
	switch flag {
	case "qualifier":
		m := completionManifest(values)
		all := []string{"latest"}
		for _, name := range m.functions {
			if len(pos) == 0 || pos[0] == name {
				all = append(append(all, m.aliases[name]...), m.versions[name]...)
			}
		}
		return uniqueSorted(all)
	case "target":
		return completionManifest(values).functions
	case "env":
		return completionManifest(values).environments
	case "alias":
		m := completionManifest(values)
		if len(pos) > 0 {
			return m.aliases[pos[0]]
		}
		var all []string
		for _, as := range m.aliases {
			all = append(all, as...)
		}
		return uniqueSorted(all)
	case "format":
		if cmd != nil && cmd.Name == "plan" {
			return []string{"text", "json", "markdown"}
		}
		return []string{"text", "json"}
	}
	return nil // a path, a number, a URL: the shell's own completion
}

// manifestNames is what completion reads from a manifest.
type manifestNames struct {
	functions    []string
	environments []string
	aliases      map[string][]string // by function, defaults' included
	versions     map[string][]string // publish.version, when written without ${}
}

// completionManifest reads the manifest that -C, -f and --env (as typed so
// far) name, leniently: no interpolation, no validation, no error. A
// manifest that cannot be read or parsed gives no names.
func completionManifest(values map[string]string) manifestNames {
	out := manifestNames{aliases: map[string][]string{}, versions: map[string][]string{}}
	file := values["file"]
	if file == "" {
		file = "function.yaml"
	}
	if dir := values["chdir"]; dir != "" && !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return out
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	top := mapping(doc.Content[0])
	fns := mapping(top["functions"])
	envs := mapping(top["environments"])
	if ov := mapping(envs[values["env"]]); values["env"] != "" {
		for k, v := range mapping(ov["functions"]) {
			if _, ok := fns[k]; !ok {
				fns[k] = v
			}
		}
	}
	defaults := mapping(top["defaults"])
	defaultAliases := keys(mapping(defaults["aliases"]))
	for name, fn := range fns {
		out.functions = append(out.functions, name)
		out.aliases[name] = uniqueSorted(append(keys(mapping(mapping(fn)["aliases"])), defaultAliases...))
		v, ok := mapping(mapping(fn)["publish"])["version"]
		if !ok {
			v = mapping(defaults["publish"])["version"]
		}
		if v != nil && v.Kind == yaml.ScalarNode && v.Value != "" && !strings.Contains(v.Value, "$") {
			out.versions[name] = []string{v.Value}
		}
	}
	sort.Strings(out.functions)
	out.environments = keys(envs)
	return out
}

// mapping returns a YAML mapping's values by key (aliases resolved, merge
// keys skipped), or nil when n is not a mapping.
func mapping(n *yaml.Node) map[string]*yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value != "<<" {
			m[k.Value] = n.Content[i+1]
		}
	}
	return m
}

func keys(m map[string]*yaml.Node) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
