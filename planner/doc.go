// Package planner owns the plan: it reads each function's live state,
// builds its code package, compares every managed field with the manifest
// and returns the ordered steps (create, code, config, max instances,
// publish, aliases, prune) with the request bodies apply will send. It
// never writes to the API. Rendering (text, JSON, Markdown) and saved plan
// files live here too, apart from what apply decides on.
package planner
