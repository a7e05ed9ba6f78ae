package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/planner"
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

func schemaCmd(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "schema",
		Usage: "print the JSON Schema of function.yaml (for editors)",
		Action: func(c *cli.Context) error {
			_, err := stdout.Write(manifest.Schema)
			return err
		},
	}
}

func initCmd(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write function.yaml (and the code) from an existing function",
		ArgsUsage: "NAME",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "package", Value: "default", Usage: "the function's package `P`"},
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("init takes one function name, got %d arguments", c.NArg())
			}
			name := c.Args().First()
			if dir := str(c, "chdir"); dir != "" {
				if err := os.Chdir(dir); err != nil {
					return fmt.Errorf("chdir: %w", err)
				}
			}
			file := str(c, "file")
			if _, err := os.Stat(file); err == nil {
				return withHint(fmt.Errorf("%s already exists", file), "run init in an empty folder, or pass -f another.yaml")
			}
			cwd, err := os.Getwd()
			if err != nil {
				return err
			}
			s, err := connect(c.Context, c, &manifest.Project{File: file, Dir: cwd}, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			imp, err := planner.Import(c.Context, s.client, http.DefaultClient, c.String("package"), name, filepath.Dir(filepath.Join(cwd, file)))
			if err != nil {
				return err
			}
			if err := os.WriteFile(file, imp.Manifest, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s", file)
			if imp.CodePath != "" {
				fmt.Fprintf(stdout, " and %s", imp.CodePath)
			}
			fmt.Fprintln(stdout)
			if imp.Note != "" {
				fmt.Fprintf(stdout, "note: %s\n", imp.Note)
			}
			return nil
		},
	}
}
