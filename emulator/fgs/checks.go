package fgs

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// The checks that catch a client's mistakes (issue 22): what the SDK's
// models and the API references say a request has, refused where a client
// would otherwise pass a test it should fail. Where the references leave
// the rule open, only the strict mode applies it (docs/api-notes.md,
// rules 38-41).

// strictBody refuses, in strict mode, a body with a field the SDK's model
// of op does not have (bodyfields.go), naming the field: a misspelled or
// invented field never passes a test (rule 38).
func (s *Service) strictBody(op string, fn func(*stx, *call) httpapi.Response) func(*stx, *call) httpapi.Response {
	return func(t *stx, c *call) httpapi.Response {
		if s.opts.Strict {
			if f := unknownField(op, c.body); f != "" {
				return httpapi.Failf(400, "FSS.0400", "unknown field %s: the SDK's %s request body has no such field", f, op)
			}
		}
		return fn(t, c)
	}
}

// checkContentType refuses, in strict mode, a request without
// Content-Type: every request model of the SDK declares it and its client
// sends application/json on every operation, GET and DELETE included
// (functionGraph_meta.go); the API reference marks it mandatory (rule 39).
func (s *Service) checkContentType(r *http.Request) *httpapi.Error {
	if s.opts.Strict && r.Header.Get("Content-Type") == "" {
		return httpapi.Errorf(400, "FSS.0400", "Content-Type is required (application/json)")
	}
	return nil
}

// checkStrategy refuses, in strict mode, a config update whose
// strategy_config has no concurrency: the SDK's StrategyConfig has it
// without omitempty, and its zero value disables the function, so a body
// without it cannot mean "keep" (rule 40). Lenient keeps the live value.
func (s *Service) checkStrategy(present map[string]json.RawMessage) *httpapi.Error {
	raw, ok := present["strategy_config"]
	if !s.opts.Strict || !ok || string(raw) == "null" {
		return nil
	}
	var sc map[string]json.RawMessage
	if json.Unmarshal(raw, &sc) == nil {
		if _, has := sc["concurrency"]; !has {
			return httpapi.Errorf(400, "FSS.0400", "strategy_config.concurrency is required (0 disables the function)")
		}
	}
	return nil
}

// keepDependencies applies the strict reading of a code update without
// depend_version_list: the function keeps its dependencies (an update
// takes away only what it names; Terraform sends [] to remove them).
// Lenient: the list is what the body says, none when absent (rule 41).
func (s *Service) keepDependencies(body []byte, c *Code, was []string) {
	if !s.opts.Strict {
		return
	}
	var present map[string]json.RawMessage
	if json.Unmarshal(body, &present) != nil {
		return
	}
	if _, sent := present["depend_version_list"]; !sent {
		c.DependVersionList = was
	}
}

// checkEvent refuses an invocation whose event is JSON but not an object:
// the SDK's InvokeFunctionRequest body is a map (both modes).
func checkEvent(event []byte) *httpapi.Error {
	if t := bytes.TrimSpace(event); len(t) > 0 && t[0] != '{' {
		return httpapi.Errorf(400, "FSS.0400", "the event must be a JSON object (the SDK's invocation body is a map)")
	}
	return nil
}
