package manifest

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of function.yaml, for editors:
// add "# yaml-language-server: $schema=<URL or path of this file>" at the
// top of a manifest. `fgsdeploy schema` prints it. Load's own checks are
// stricter (value ranges that depend on the runtime, code paths, secrets).
//
//go:embed schema.json
var Schema []byte
