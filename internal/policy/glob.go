package policy

import (
	"path"
	"strings"
)

// Glob is a file pattern in the style of the config: path.Match per
// segment, plus "**" for any number of folders (zero included).
type Glob struct {
	pattern string
	segs    []string
}

// CompileGlob prepares a pattern. Leading "./" and "/" are ignored.
func CompileGlob(p string) Glob {
	p = strings.TrimPrefix(strings.TrimPrefix(p, "./"), "/")
	return Glob{pattern: p, segs: strings.Split(p, "/")}
}

// String returns the pattern as written.
func (g Glob) String() string { return g.pattern }

// Match reports whether the slash-separated repo path matches.
func (g Glob) Match(name string) bool {
	return matchSegs(g.segs, strings.Split(name, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// GlobSet is a list of globs; a path matches when any does.
type GlobSet []Glob

// CompileGlobs compiles patterns.
func CompileGlobs(ps []string) GlobSet {
	out := make(GlobSet, len(ps))
	for i, p := range ps {
		out[i] = CompileGlob(p)
	}
	return out
}

// Match returns the first glob that matches name, and whether one did.
func (s GlobSet) Match(name string) (Glob, bool) {
	for _, g := range s {
		if g.Match(name) {
			return g, true
		}
	}
	return Glob{}, false
}
