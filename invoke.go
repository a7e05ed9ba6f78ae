package main

// invoke: run a function once and print what it returned.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

func invokeCmd(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "invoke",
		Usage:     "invoke a function: its result on stdout, the request id (and the log with --log) on stderr",
		ArgsUsage: "NAME",
		Flags: flags(commonFlags(), remoteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "qualifier", Usage: "invoke version or alias `Q` (default: latest)"},
			&cli.StringFlag{Name: "payload", Usage: "the event, a `JSON` document (default {})"},
			&cli.StringFlag{Name: "payload-file", Usage: "read the event from `FILE` (- reads stdin)"},
			&cli.BoolFlag{Name: "async", Usage: "queue the invocation and print its request id"},
			&cli.BoolFlag{Name: "log", Usage: "print the last 4 KB of the function's log to stderr"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
		}),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			if c.Bool("async") && c.Bool("log") {
				return withHint(errors.New("--log needs a synchronous invocation"), "invoke without --log, then read the log with the logs command and the request id the invocation prints")
			}
			payload, err := payloadArg(c, stdin)
			if err != nil {
				return err
			}
			s, fn, urn, err := functionArg(c, stderr)
			if err != nil {
				return err
			}
			defer s.Close()
			target, _, err := qualified(c.Context, s.client, urn, c.String("qualifier"))
			if err != nil {
				return fmt.Errorf("invoke %s: %w", fn.Name, err)
			}
			if c.Bool("async") {
				id, err := s.client.InvokeAsync(c.Context, target, payload)
				if err != nil {
					return fmt.Errorf("invoke %s: %w", fn.Name, err)
				}
				if format == "json" {
					return writeInvocation(stdout, &apiclient.Invocation{RequestID: id, Status: 202})
				}
				fmt.Fprintf(stderr, "fgsdeploy: request id %s (queued; its log: %s)\n", id, hintCommand(c, logsArgs(c, fn.Name, id)...))
				return nil
			}
			inv, err := s.client.Invoke(c.Context, target, payload, c.Bool("log"))
			if err != nil {
				return fmt.Errorf("invoke %s: %w", fn.Name, err)
			}
			if format == "json" {
				if err := writeInvocation(stdout, inv); err != nil {
					return err
				}
			} else {
				result := inv.Result
				if result != "" && !strings.HasSuffix(result, "\n") {
					result += "\n"
				}
				io.WriteString(stdout, result)
				if c.Bool("log") && inv.Log != "" {
					io.WriteString(stderr, strings.TrimRight(inv.Log, "\n")+"\n")
				}
				fmt.Fprintf(stderr, "fgsdeploy: request id %s\n", inv.RequestID)
			}
			if inv.Failed() {
				return invocationError(c, s.client, fn.Name, target, inv)
			}
			return nil
		},
	}
}

// payloadArg is the event of --payload or --payload-file: a JSON document,
// {} when neither is given.
func payloadArg(c *cli.Context, stdin io.Reader) ([]byte, error) {
	inline, file := c.String("payload"), c.String("payload-file")
	var raw []byte
	what := "--payload"
	switch {
	case c.IsSet("payload") && file != "":
		return nil, errors.New("--payload and --payload-file: give one of them")
	case c.IsSet("payload"):
		raw = []byte(inline)
	case file == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("--payload-file -: %w", err)
		}
		raw, what = b, "--payload-file -"
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--payload-file: %w", err)
		}
		raw, what = b, "--payload-file "+file
	default:
		return []byte("{}"), nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, withHint(fmt.Errorf("%s is not JSON: %v", what, err), `the event is a JSON document, for example --payload '{"name": "world"}'`)
	}
	if _, isObject := v.(map[string]any); !isObject {
		// The SDK's InvokeFunctionRequest.Body is a map: FunctionGraph
		// takes an object.
		return nil, withHint(fmt.Errorf("%s is a JSON %s, not an object: the event FunctionGraph takes is a JSON object", what, jsonKind(v)), `wrap the value, for example --payload '{"items": [1, 2]}'`)
	}
	return raw, nil
}

// jsonKind names the kind of a decoded JSON value.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// qualified returns the URN of version or alias q of the function with
// unqualified URN urn, and the alias when q names one. A name that is both
// an alias and a version is the alias. "" is latest, unqualified.
func qualified(ctx context.Context, api *apiclient.Client, urn, q string) (string, *apiclient.Alias, error) {
	switch q {
	case "":
		return urn, nil, nil
	case "latest":
		return urn + ":latest", nil, nil
	}
	a, err := api.GetAlias(ctx, urn, q)
	switch {
	case err == nil:
		return urn + ":!" + q, a, nil
	case apiclient.IsNotFound(err):
		return urn + ":" + q, nil, nil
	}
	return "", nil, fmt.Errorf("read alias %s: %w", q, err)
}

// logsArgs is the logs command that reads the log of invocation id of
// name: of the version or alias invoked, whose log target may not be
// latest's.
func logsArgs(c *cli.Context, name, id string) []string {
	args := []string{"logs", name, "--request-id", id}
	if q := c.String("qualifier"); q != "" {
		args = append(args, "--qualifier", q)
	}
	return args
}

// invocationError says how an invocation failed: the status, and the
// error's type and message as the function's runtime reported them.
func invocationError(c *cli.Context, api *apiclient.Client, name, urn string, inv *apiclient.Invocation) error {
	status := fmt.Sprintf("status %d", inv.Status)
	if inv.ErrorCode != "" {
		status += ", " + inv.ErrorCode
	}
	what := "failed"
	if inv.TimedOut() {
		what = "timed out"
	}
	err := fmt.Errorf("%s: the function %s (%s)", name, what, status)
	if typ, msg := inv.FunctionError(); typ != "" || msg != "" {
		err = fmt.Errorf("%s: the function %s (%s): %s", name, what, status, strings.TrimPrefix(typ+": "+msg, ": "))
	}
	if _, lerr := api.LogTarget(c.Context, urn); !errors.Is(lerr, apiclient.ErrNoLogTarget) {
		return withHint(err, "its log: %s", hintCommand(c, logsArgs(c, name, inv.RequestID)...))
	}
	// It does not log to LTS: only an invocation's answer holds its log.
	again := []string{"invoke", name, "--log"}
	for _, f := range []string{"qualifier", "payload", "payload-file"} {
		if c.IsSet(f) {
			again = append(again, "--"+f, c.String(f))
		}
	}
	return withHint(err, "the function does not log to LTS; the end of its log: %s", hintCommand(c, again...))
}

// writeInvocation prints an invocation as the JSON document of
// invoke --format json: {request_id, status, result, log}.
func writeInvocation(w io.Writer, inv *apiclient.Invocation) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		RequestID string `json:"request_id"`
		Status    int    `json:"status"`
		Result    string `json:"result"`
		Log       string `json:"log"`
	}{inv.RequestID, inv.Status, inv.Result, inv.Log})
}
