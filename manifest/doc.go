// Package manifest owns function.yaml: it loads one manifest, interpolates
// ${VAR}, ${VAR:-default} and $$ from a lookup it is given, deep-merges
// defaults and the selected environments overlay, decodes strictly
// (unknown keys, wrong types and duplicate keys are errors) and validates
// every field against FunctionGraph's own rules. Every problem is reported
// at once as FILE:LINE:COL: PATH: MESSAGE. It does no network I/O.
package manifest
