package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// Shell completion scripts. bash and zsh ask the binary itself for
// candidates through urfave/cli's --generate-bash-completion; fish gets
// a static script generated from the command tree.

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

func completionCmd(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("completion takes one shell name: bash, zsh or fish")
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
				_, err = io.WriteString(stdout, s)
				return err
			default:
				return fmt.Errorf("completion: unknown shell %q (want bash, zsh or fish)", sh)
			}
		},
	}
}
