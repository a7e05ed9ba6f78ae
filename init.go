package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/importer"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

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
			if err := chdir(c); err != nil {
				return err
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
			imp, err := importer.Import(c.Context, s.client, http.DefaultClient, c.String("package"), name, filepath.Dir(filepath.Join(cwd, file)))
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
