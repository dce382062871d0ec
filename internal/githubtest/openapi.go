package githubtest

import (
	"net/url"
	"strings"
)

// This file is the fake's side of the checks against GitHub's REST OpenAPI
// description, which live in package spec (internal/githubtest/spec) so
// that the validator and the description are linked into tests only: the
// routes the fake serves, and the calls the description need not describe.

// offSpecRoutes are the fake's routes that are not part of GitHub's REST
// API, with the reason each is allowed. A call to any other route that has
// no operation in the description is a problem for package spec.
var offSpecRoutes = map[string]string{
	"GET /raw/{owner}/{repo}/{ref}/{path...}": "stand-in for raw.githubusercontent.com, which serves the contents API's download_url; not a REST API route",
}

// AllowOffSpec lets the checks of package spec accept calls to a path that
// has no operation in GitHub's REST description (reason is required).
// pattern is matched like the fake's routes: "{name}" is one segment, a
// final "{name...}" the rest of the path; method "" matches any method.
func (s *Server) AllowOffSpec(method, pattern, reason string) {
	if strings.TrimSpace(reason) == "" {
		panic("githubtest: AllowOffSpec needs a reason")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offSpec = append(s.offSpec, offSpecRule{method: method, segs: strings.Split(strings.TrimPrefix(pattern, "/"), "/"), reason: reason})
}

type offSpecRule struct {
	method string
	segs   []string
	reason string
}

// OffSpec reports whether a call with method and escaped path (as
// Exchange.EscapedPath records it) need not be in GitHub's REST
// description, and why: it is served by one of the fake's stand-ins for
// hosts other than api.github.com (see Route.OffSpec), or its path was
// allowed with AllowOffSpec.
func (s *Server) OffSpec(method, escapedPath string) (reason string, ok bool) {
	if rt, ok := RouteOf(method, escapedPath); ok && rt.OffSpec != "" {
		return rt.OffSpec, true
	}
	segs := pathSegs(escapedPath)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.offSpec {
		if _, ok := matchSegs(r.segs, segs); ok && (r.method == "" || strings.EqualFold(r.method, method)) {
			return r.reason, true
		}
	}
	return "", false
}

// A Route is one endpoint the fake serves.
type Route struct {
	Method string // "GET", "POST", ...
	// Pattern is written like GitHub's docs, e.g.
	// "/repos/{owner}/{repo}/pulls/{number}": "{name}" matches one path
	// segment, a final "{name...}" the rest of the path.
	Pattern string
	// OffSpec says why the route is not part of GitHub's REST API, for the
	// fake's stand-ins for other hosts (raw.githubusercontent.com,
	// codeload.github.com); it is "" for a REST API route.
	OffSpec string
}

// String returns the route as "METHOD pattern".
func (r Route) String() string { return r.Method + " " + r.Pattern }

// Routes returns the routes the fake serves, in the order they are matched.
func Routes() []Route {
	out := make([]Route, len(routes))
	for i, rt := range routes {
		out[i] = exported(rt)
	}
	return out
}

// RouteOf returns the route that serves a call with method and escaped path
// (as Exchange.EscapedPath records it). It reports false when no route
// does. HEAD calls are served by GET routes.
func RouteOf(method, escapedPath string) (Route, bool) {
	rt, _ := matchRoute(method, pathSegs(escapedPath))
	if rt == nil {
		return Route{}, false
	}
	return exported(rt), true
}

func exported(rt *route) Route {
	return Route{Method: rt.method, Pattern: rt.pattern, OffSpec: offSpecRoutes[rt.method+" "+rt.pattern]}
}

// pathSegs splits an escaped path into unescaped segments, as the router
// does.
func pathSegs(escapedPath string) []string {
	p, err := url.PathUnescape(escapedPath)
	if err != nil {
		p = escapedPath
	}
	_, segs := splitPath(&url.URL{Path: p, RawPath: escapedPath})
	return segs
}
