package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// Symbolic links among the drafts (see policy.LinkProblem). GitHub's list
// of a pull request's files does not say which are links: a link shows as a
// file whose text is its target, one line with no line break at its end. A
// changed file of that shape where drafts are is looked up in the head
// commit's tree (one call, only then), which gives its mode.

// linkShaped reports whether a changed file's status and patch are those of a symbolic
// link: its new text is one line with no line break at the end.
func linkShaped(status, patch string) (target string, ok bool) {
	if status == "removed" || patch == "" {
		return "", false
	}
	lines := strings.Split(patch, "\n")
	added, noEOL := 0, false
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "+"):
			added++
			target = l[1:]
			noEOL = i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline at end of file`)
		case strings.HasPrefix(l, " "):
			return "", false // a context line: the new text has more than one line
		}
	}
	return target, added == 1 && noEOL
}

// links finds the changed files that are symbolic links where drafts are,
// and says for each (by index in s.Files) why it fails.
func (rv *Reviewer) links(ctx context.Context, gh GitHub, s *Snapshot) (map[int]string, error) {
	engine := s.Base.Engine(s.Now)
	targets := map[int]string{}
	for i := range s.Files { // by index, fields only: readDrafts writes the Content beside
		f := &s.Files[i]
		if t, ok := linkShaped(f.Status, f.Patch); ok && (engine.IsDraft(f.Path) || engine.InDraftFolder(f.Path)) {
			targets[i] = t
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	tree, err := gh.Tree(ctx, s.Repo, s.PR.HeadSHA)
	if err != nil {
		return nil, fmt.Errorf("reading the head commit's files, to see which are links: %w", err)
	}
	out := map[int]string{}
	for i, t := range targets {
		p := s.Files[i].Path
		_, listed := tree.Blobs[p]
		switch {
		case tree.Special[p] == "symbolic link":
			out[i] = policy.LinkProblem(p, t)
		case !listed && tree.Special[p] == "" && tree.Truncated:
			out[i] = p + " could not be checked: GitHub did not list all of the head commit's files. Split the pull request, or ask whoever runs clearance."
		}
	}
	return out, nil
}
