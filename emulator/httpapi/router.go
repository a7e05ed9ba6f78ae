package httpapi

import (
	"fmt"
	"strings"
)

// Router is a service's routing table: its APIs by method and path
// pattern, in the order they are added. A pattern's segments are literals
// or {parameters}; a last segment {...} matches the rest of the path,
// nothing included. T is what a request carries to its handler: each
// parameter's parser checks its segment and keeps what it read in T.
//
// The first route whose pattern matches a path decides which parameters
// are checked and in which order (left to right; the first error is the
// answer), whatever the method: a wrong method on a path with a bad
// function URN is refused for the URN, as FunctionGraph does. Then the
// first route whose pattern matches and that takes the method (or any
// method, "") handles the request.
type Router[T any] struct {
	routes  []route[T]
	parsers map[string]func(t *T, value string) *Error
}

type route[T any] struct {
	method  string // "" = any
	pattern []string
	handle  func(t *T) Response
}

// Param declares how parameter {name} is read: parse checks value, the
// path's segment, and keeps it in t.
func (rt *Router[T]) Param(name string, parse func(t *T, value string) *Error) {
	if rt.parsers == nil {
		rt.parsers = map[string]func(*T, string) *Error{}
	}
	rt.parsers[name] = parse
}

// Handle adds a route; method "" takes any method. Every parameter of
// the pattern must have been declared.
func (rt *Router[T]) Handle(method, pattern string, h func(t *T) Response) {
	segs := split(pattern)
	for i, s := range segs {
		name, ok := param(s)
		switch {
		case !ok:
		case name == "...":
			if i != len(segs)-1 {
				panic(fmt.Sprintf("httpapi: %s: {...} is not the last segment", pattern))
			}
		case rt.parsers[name] == nil:
			panic(fmt.Sprintf("httpapi: %s: parameter {%s} is not declared", pattern, name))
		}
	}
	rt.routes = append(rt.routes, route[T]{method: method, pattern: segs, handle: h})
}

// Serve routes a request for method and path, with t filled in by the
// parameters' parsers. found is false when no route's pattern matches the
// path, or none that matches takes the method: the caller answers then
// (the gateway's 404).
func (rt *Router[T]) Serve(t *T, method, path string) (resp Response, found bool) {
	segs := split(path)
	first := -1
	for i := range rt.routes {
		if rt.routes[i].matches(segs) {
			first = i
			break
		}
	}
	if first < 0 {
		return Response{}, false
	}
	if e := rt.parse(t, rt.routes[first], segs); e != nil {
		return Fail(e), true
	}
	for i, r := range rt.routes[first:] {
		if (r.method == "" || r.method == method) && r.matches(segs) {
			if i > 0 {
				// Parameters the first route did not have (parsing one
				// twice reads the same segment again).
				if e := rt.parse(t, r, segs); e != nil {
					return Fail(e), true
				}
			}
			return r.handle(t), true
		}
	}
	return Response{}, false
}

// parse runs the parsers of r's parameters on the path's segments, left
// to right.
func (rt *Router[T]) parse(t *T, r route[T], segs []string) *Error {
	for i, p := range r.pattern {
		if name, ok := param(p); ok && name != "..." {
			if e := rt.parsers[name](t, segs[i]); e != nil {
				return e
			}
		}
	}
	return nil
}

func (r route[T]) matches(segs []string) bool {
	for i, p := range r.pattern {
		if p == "{...}" {
			return true
		}
		if i >= len(segs) {
			return false
		}
		if _, ok := param(p); !ok && p != segs[i] {
			return false
		}
	}
	return len(segs) == len(r.pattern)
}

// split cuts a path into its segments, without the slashes at its ends:
// "/a/b/" and "/a/b" are the same path, "/a//b" has an empty segment.
func split(path string) []string { return strings.Split(strings.Trim(path, "/"), "/") }

// param tells whether a pattern segment is a {parameter}, and its name.
func param(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}
