package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

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
