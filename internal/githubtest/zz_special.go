package githubtest

import (
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Special tree entries, forks, retargeted pull requests and uninstalled
// Apps: the unusual shapes a pull request can take, for hostile-input
// tests.

// Tree modes of the special entries, as git writes them.
const (
	modeSymlink   = "120000"
	modeSubmodule = "160000"
)

// entryMode is the mode and type of the tree entry for path with object
// sha: a regular file unless CommitSymlink or CommitSubmodule made it
// special.
func (r *Repo) entryMode(path, sha string) (mode, typ string) {
	switch r.special[path+"\x00"+sha] {
	case modeSymlink:
		return modeSymlink, "blob"
	case modeSubmodule:
		return modeSubmodule, "commit"
	}
	return "100644", "blob"
}

func (r *Repo) markSpecial(path, sha, mode string) {
	if r.special == nil {
		r.special = map[string]string{}
	}
	r.special[path+"\x00"+sha] = mode
}

// CommitSymlink commits a symbolic link at path pointing at target to
// branch (see Commit) and returns the new commit's SHA. As in git, the link
// is a blob holding the target with mode 120000: trees show the mode, and
// the pull request files API lists it like a file whose text is the target.
func (s *Server) CommitSymlink(owner, repo, branch, path, target string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	r.markSpecial(path, BlobSHA(target), modeSymlink)
	return s.commitLocked(r, branch, map[string]string{path: target}, nil)
}

// CommitSubmodule commits a submodule (a gitlink: mode 160000, type
// "commit") at path pointing at commitSHA of another repository, to branch,
// and returns the new commit's SHA. The blob API has no object of that SHA
// (404), as on GitHub; the pull request files API lists the path with that
// SHA and a "Subproject commit" patch.
func (s *Server) CommitSubmodule(owner, repo, branch, path, commitSHA string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	commitSHA = strings.ToLower(commitSHA)
	if len(commitSHA) != 40 || !isHex(commitSHA) {
		s.fatalf("CommitSubmodule: %q is not a commit SHA", commitSHA)
	}
	if _, ok := r.objects[commitSHA]; !ok {
		// Not a blob: only the diff reads its text, which is what GitHub
		// shows for a submodule.
		r.objects[commitSHA] = &object{typ: "gitlink", data: []byte("Subproject commit " + commitSHA + "\n")}
	}
	r.markSpecial(path, commitSHA, modeSubmodule)
	return s.commitEdit(r, branch, "Add submodule "+path, func(snap map[string]string) {
		s.applyFiles(r, snap, nil, nil)
		snap[path] = commitSHA
	})
}

// RetargetPR changes the base branch of an open pull request, as editing it
// on GitHub does (the webhook is pull_request "edited" with changes.base).
func (s *Server) RetargetPR(owner, repo string, number int, base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	if r.branches[base] == "" {
		s.fatalf("RetargetPR: no branch %q in %s", base, r.FullName)
	}
	p.base = base
	p.updated = s.tick()
}

// OpenForkPR opens a pull request whose head branch lives in forkOwner's
// fork of the repository. The commits are those of branch in this
// repository (GitHub keeps a fork pull request's commits in the base
// repository too, under refs/pull); the pull request shows head.repo as the
// fork, head.label as "forkOwner:branch" and head.user as forkOwner.
func (s *Server) OpenForkPR(owner, repo, forkOwner, branch, base, title, author string) int {
	n := s.OpenPR(owner, repo, branch, base, title, author)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustPull(s.mustRepo(owner, repo), n).fork = forkOwner
	return n
}

// forkHead shows a fork pull request's head as in the fork.
func (s *Server) forkHead(r *Repo, p *pull, out *github.PullRequest) {
	if p.fork == "" || out.Head == nil {
		return
	}
	fork := s.repoJSON(r)
	fork.ID = ptr(r.ID + 1_000_000)
	fork.NodeID = ptr(nodeID("Repository", fork.GetID()))
	fork.FullName = ptr(p.fork + "/" + r.Name)
	fork.Owner = s.userJSON(p.fork)
	fork.Fork = ptr(true)
	fork.Private = ptr(false)
	fork.Visibility = ptr("public")
	fork.HTMLURL = ptr(htmlBase + "/" + fork.GetFullName())
	fork.URL = ptr(s.base + "/repos/" + fork.GetFullName())
	out.Head.Repo = fork
	out.Head.User = s.userJSON(p.fork)
	out.Head.Label = ptr(fmt.Sprintf("%s:%s", p.fork, p.head))
}

// RemoveInstallation uninstalls the App from an installation: its tokens
// stop working (401), new ones are refused (404) and GET
// /app/installations no longer lists it.
func (s *Server) RemoveInstallation(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.insts[id]; !ok {
		s.fatalf("RemoveInstallation: unknown installation %d", id)
	}
	delete(s.insts, id)
	for i, x := range s.instOrder {
		if x == id {
			s.instOrder = append(s.instOrder[:i:i], s.instOrder[i+1:]...)
			break
		}
	}
	for tok, t := range s.tokens {
		if t.inst.id == id {
			delete(s.tokens, tok)
		}
	}
}

// TakeCalls returns the calls recorded since the start or the last
// ResetCalls or TakeCalls, and forgets them (and their exchanges) at once,
// so that a long test can tally every call in bounded memory.
func (s *Server) TakeCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls, s.exchanges = nil, nil
	return out
}
