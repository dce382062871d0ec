package policy

import (
	"path"
	"strings"
)

// Symbolic links among the drafts. A link is never read through (GitHub
// shows a link as a file holding its target, and a checkout makes it a
// link again), so a link to a folder inside the draft folders would carry
// drafts that clearance never sees: whatever publishes from the repo reads
// through it. Such a link is an error, like a link where a draft should be.

// LinkTree is a Tree that knows which paths are symbolic links.
type LinkTree interface {
	Tree
	IsLink(path string) bool
}

// InDraftFolder reports whether a repo path lies where drafts are: a path
// below it could be a draft (it is a draft folder, or inside one).
func (e *Engine) InDraftFolder(p string) bool {
	return e.drafts.MatchBelow(p) || e.alwaysReview.MatchBelow(p)
}

// LinkProblem is the error for a symbolic link at p (to target, when known)
// where drafts are.
func LinkProblem(p, target string) string {
	to := ""
	if target != "" {
		to = " (to " + target + ")"
	}
	return p + " is a symbolic link" + to + ", and clearance does not follow links: whatever it points to would be posted without being checked. Put the drafts themselves here instead of a link."
}

// MatchBelow reports whether some path strictly below the folder dir could
// match the glob. Where the rest of the pattern could match anything it
// says yes (a link there fails closed).
func (g Glob) MatchBelow(dir string) bool {
	return matchBelow(g.segs, strings.Split(strings.Trim(dir, "/"), "/"))
}

// MatchBelow reports whether a path below dir could match any glob.
func (s GlobSet) MatchBelow(dir string) bool {
	for _, g := range s {
		if g.MatchBelow(dir) {
			return true
		}
	}
	return false
}

func matchBelow(pat, name []string) bool {
	for len(pat) > 0 {
		if len(name) == 0 || pat[0] == "**" {
			// The folder is used up with pattern left over, or "**" can
			// take the rest of it: a path below can match.
			return true
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return false // the pattern ends at or above the folder
}
