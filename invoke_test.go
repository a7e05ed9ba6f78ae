package main

import (
	"encoding/json"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdJSONEnv sets a variable of the script to a string at the top of a
// JSON document (stdout, stderr or a file), such as the request id of an
// invocation: jsonenv VAR FILE KEY
func cmdJSONEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonenv VAR FILE KEY")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[1])), &doc); err != nil {
		ts.Fatalf("%s is not a JSON object: %v", args[1], err)
	}
	v, ok := doc[args[2]].(string)
	if !ok {
		ts.Fatalf("%s has no string %q", args[1], args[2])
	}
	ts.Setenv(args[0], v)
}
