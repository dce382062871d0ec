package githubtest

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// maxPullFiles is how many files GitHub lists for a pull request.
const maxPullFiles = 3000

// pull is a pull request. Its head and base SHAs are read from the branches,
// so commits to either branch move the pull request along, as on GitHub.
type pull struct {
	id       int64
	number   int
	title    string
	body     string
	author   string
	head     string // branch
	base     string // branch
	state    string // "open", "closed"
	created  time.Time
	updated  time.Time
	closed   time.Time
	users    []string // requested reviewers
	teams    []string // requested team slugs
	reviews  []*review
	comments []*reviewComment
	fork     string // owner of the fork the head branch lives in; "" for this repository (zz_special.go)
}

// OpenPR opens a pull request from branch head into branch base (the
// default branch when "") on behalf of author, and returns its number.
// Pull requests and issues share one sequence of numbers.
func (s *Server) OpenPR(owner, repo, head, base, title, author string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	if _, h, ok := strings.Cut(head, ":"); ok {
		head = h
	}
	if base == "" {
		base = r.DefaultBranch
	}
	if r.branches[head] == "" {
		s.fatalf("OpenPR: no branch %q in %s", head, r.FullName)
	}
	if r.branches[base] == "" {
		s.fatalf("OpenPR: no branch %q in %s", base, r.FullName)
	}
	r.number++
	now := s.tick()
	p := &pull{id: s.nextID("pull"), number: r.number, title: title, author: author,
		head: head, base: base, state: "open", created: now, updated: now}
	r.pulls[p.number] = p
	r.issues[p.number] = &issue{number: p.number, pull: p}
	return p.number
}

// PushToPR commits to the pull request's head branch (see Commit) and
// returns the new head SHA.
func (s *Server) PushToPR(owner, repo string, number int, files map[string]string, deletes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	return s.commitLocked(r, p.head, files, deletes)
}

// PushToPRAs is PushToPR by login: the commit's author and committer are
// that GitHub account (the pull request commits API shows them).
func (s *Server) PushToPRAs(owner, repo string, number int, login string, files map[string]string, deletes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	s.commitAs = login
	return s.commitLocked(r, p.head, files, deletes)
}

// GET /repos/{owner}/{repo}/pulls/{number}/commits: oldest first, at most
// 250, as on GitHub.
func (s *Server) listPullCommits(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	headSHA := c.repo.branches[p.head]
	all := c.repo.commitsBetween(c.repo.mergeBase(c.repo.branches[p.base], headSHA), headSHA)
	all = all[:min(len(all), 250)]
	var out []*github.RepositoryCommit
	for _, cm := range paginate(s, c, all) {
		out = append(out, s.repoCommitJSON(c.repo, cm, false))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

// ClosePR closes a pull request without merging it.
func (s *Server) ClosePR(owner, repo string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustPull(s.mustRepo(owner, repo), number)
	p.state, p.closed = "closed", s.tick()
	p.updated = p.closed
}

// PullRequest returns the pull request as GET /pulls/{number} renders it.
func (s *Server) PullRequest(owner, repo string, number int) *github.PullRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	return s.pullJSON(r, s.mustPull(r, number), true)
}

// RequestedReviewers returns the users and team slugs whose review is
// requested on a pull request, in request order.
func (s *Server) RequestedReviewers(owner, repo string, number int) (users, teams []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustPull(s.mustRepo(owner, repo), number)
	return append([]string(nil), p.users...), append([]string(nil), p.teams...)
}

func (s *Server) mustPull(r *Repo, number int) *pull {
	p := r.pulls[number]
	if p == nil {
		s.fatalf("no pull request %s#%d", r.FullName, number)
	}
	return p
}

// pullFor finds the pull request of a {number} path parameter.
func (s *Server) pullFor(c *reqCtx) *pull {
	n, ok := c.number("number")
	if !ok {
		return nil
	}
	return c.repo.pulls[int(n)]
}

// pullDiff is the pull request's diff: merge base of base and head to head.
func (r *Repo) pullDiff(p *pull, headSHA string) (base string, files []*fileDiff) {
	base = r.mergeBase(r.branches[p.base], headSHA)
	return base, r.diff(base, headSHA)
}

func (s *Server) branchJSON(r *Repo, branch string) *github.PullRequestBranch {
	return &github.PullRequestBranch{
		Label: ptr(r.Owner + ":" + branch),
		Ref:   ptr(branch),
		SHA:   ptr(r.branches[branch]),
		User:  s.userJSON(r.Owner),
		Repo:  s.repoJSON(r),
	}
}

func (s *Server) pullJSON(r *Repo, p *pull, full bool) *github.PullRequest {
	api := fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), p.number)
	html := fmt.Sprintf("%s/%s/pull/%d", htmlBase, r.FullName, p.number)
	out := &github.PullRequest{
		ID:                ptr(p.id),
		NodeID:            ptr(nodeID("PullRequest", p.id)),
		Number:            ptr(p.number),
		State:             ptr(p.state),
		Locked:            ptr(false),
		Title:             ptr(p.title),
		Body:              ptr(p.body),
		User:              s.userJSON(p.author),
		Draft:             ptr(false),
		CreatedAt:         ts(p.created),
		UpdatedAt:         ts(p.updated),
		Head:              s.branchJSON(r, p.head),
		Base:              s.branchJSON(r, p.base),
		URL:               ptr(api),
		HTMLURL:           ptr(html),
		DiffURL:           ptr(html + ".diff"),
		PatchURL:          ptr(html + ".patch"),
		IssueURL:          ptr(fmt.Sprintf("%s/issues/%d", s.repoAPI(r), p.number)),
		CommitsURL:        ptr(api + "/commits"),
		ReviewCommentsURL: ptr(api + "/comments"),
		ReviewCommentURL:  ptr(s.repoAPI(r) + "/pulls/comments{/number}"),
		CommentsURL:       ptr(fmt.Sprintf("%s/issues/%d/comments", s.repoAPI(r), p.number)),
		StatusesURL:       ptr(s.repoAPI(r) + "/statuses/" + r.branches[p.head]),
		AuthorAssociation: ptr(s.authorAssociation(r, p.author)),
		Labels:            []*github.Label{},
		RequestedReviewers: func() []*github.User {
			out := []*github.User{}
			for _, u := range p.users {
				out = append(out, s.userJSON(u))
			}
			return out
		}(),
		RequestedTeams: func() []*github.Team {
			out := []*github.Team{}
			for _, t := range p.teams {
				out = append(out, s.teamJSON(r.Owner, s.orgs[strings.ToLower(r.Owner)].teams[t]))
			}
			return out
		}(),
	}
	s.forkHead(r, p, out) // zz_special.go
	for _, l := range r.issues[p.number].labels {
		out.Labels = append(out.Labels, s.labelJSON(r, l))
	}
	if p.state == "closed" {
		out.ClosedAt = ts(p.closed)
	}
	if full {
		headSHA := r.branches[p.head]
		base, files := r.pullDiff(p, headSHA)
		add, del := 0, 0
		for _, d := range files {
			add, del = add+d.additions, del+d.deletions
		}
		out.Merged = ptr(false)
		out.Mergeable = ptr(true)
		out.MergeableState = ptr("clean")
		out.Rebaseable = ptr(true)
		out.MaintainerCanModify = ptr(false)
		out.Commits = ptr(len(r.commitsBetween(base, headSHA)))
		out.Additions = ptr(add)
		out.Deletions = ptr(del)
		out.ChangedFiles = ptr(len(files))
		out.Comments = ptr(len(r.issues[p.number].comments))
		out.ReviewComments = ptr(len(p.comments))
	}
	return out
}

// GET /repos/{owner}/{repo}/pulls?state=&head=&base=&sort=&direction=
func (s *Server) listPulls(c *reqCtx) *response {
	r := c.repo
	state := c.query("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		return validationFailed(apiError{Resource: "PullRequest", Field: "state", Code: "invalid"})
	}
	head := c.query("head")
	if _, h, ok := strings.Cut(head, ":"); ok {
		head = h
	}
	var list []*pull
	for _, p := range r.pulls {
		if (state == "all" || p.state == state) && (head == "" || p.head == head) &&
			(c.query("base") == "" || p.base == c.query("base")) {
			list = append(list, p)
		}
	}
	sortBy := c.query("sort")
	dir := c.query("direction")
	if dir == "" {
		dir = "desc"
		if sortBy != "" && sortBy != "created" {
			dir = "asc"
		}
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if dir == "asc" {
			a, b = b, a
		}
		if sortBy == "updated" && !a.updated.Equal(b.updated) {
			return a.updated.After(b.updated)
		}
		return a.number > b.number
	})
	var out []*github.PullRequest
	for _, p := range paginate(s, c, list) {
		out = append(out, s.pullJSON(r, p, false))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

// GET /repos/{owner}/{repo}/pulls/{number}
func (s *Server) getPull(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.pullJSON(c.repo, p, true))
}

// GET /repos/{owner}/{repo}/pulls/{number}/files
func (s *Server) listPullFiles(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	headSHA := c.repo.branches[p.head]
	base, files := c.repo.pullDiff(p, headSHA)
	files = files[:min(len(files), maxPullFiles)]
	var out []*github.CommitFile
	for _, d := range paginate(s, c, files) {
		out = append(out, s.commitFileJSON(c.repo, d, base, headSHA))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

type reviewersBody struct {
	Reviewers     []string `json:"reviewers"`
	TeamReviewers []string `json:"team_reviewers"`
}

// GET /repos/{owner}/{repo}/pulls/{number}/requested_reviewers
func (s *Server) listRequestedReviewers(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	pj := s.pullJSON(c.repo, p, false)
	return jsonResp(http.StatusOK, struct {
		Users []*github.User `json:"users"`
		Teams []*github.Team `json:"teams"`
	}{pj.RequestedReviewers, pj.RequestedTeams})
}

// POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers
//
// As on GitHub: the author cannot be requested (422 "Review cannot be
// requested from pull request author."), and users must have access to the
// repository and teams must exist in the owning organization (422 "Reviews
// may only be requested from collaborators...").
func (s *Server) requestReviewers(c *reqCtx) *response {
	r := c.repo
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var body reviewersBody
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	if raw := rawFields(c); raw["reviewers"] == nil && raw["team_reviewers"] == nil {
		return errResp(http.StatusUnprocessableEntity,
			"Invalid request.\n\nNo subschema in \"anyOf\" matched.\n\"reviewers\" wasn't supplied.\n\"team_reviewers\" wasn't supplied.")
	}
	notCollab := errResp(http.StatusUnprocessableEntity, fmt.Sprintf(
		"Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s repository.", r.FullName))
	for _, u := range body.Reviewers {
		if strings.EqualFold(u, p.author) {
			return errResp(http.StatusUnprocessableEntity, "Review cannot be requested from pull request author.")
		}
		if s.permission(r, u) == "none" {
			return notCollab
		}
	}
	var slugs []string
	for _, t := range body.TeamReviewers {
		tm := s.findTeam(r.Owner, t)
		if tm == nil {
			return notCollab
		}
		slugs = append(slugs, tm.slug)
	}
	for _, u := range body.Reviewers {
		if !containsFold(p.users, u) {
			p.users = append(p.users, u)
		}
	}
	for _, t := range slugs {
		if !containsFold(p.teams, t) {
			p.teams = append(p.teams, t)
		}
	}
	p.updated = s.tick()
	return jsonResp(http.StatusCreated, s.pullJSON(r, p, false))
}

// DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers
func (s *Server) removeRequestedReviewers(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var body reviewersBody
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	// GitHub's description requires "reviewers" here, even when only
	// teams are removed ("reviewers": []); go-github before v66 omits an
	// empty list and gets this 422.
	switch raw := rawFields(c); {
	case raw["reviewers"] == nil:
		return errResp(http.StatusUnprocessableEntity, "Invalid request.\n\n\"reviewers\" wasn't supplied.")
	case string(raw["reviewers"]) == "null":
		return errResp(http.StatusUnprocessableEntity, "Invalid request.\n\nFor 'properties/reviewers', nil is not an array.")
	}
	p.users = removeFold(p.users, body.Reviewers)
	var slugs []string
	for _, t := range body.TeamReviewers {
		if tm := s.findTeam(c.repo.Owner, t); tm != nil {
			slugs = append(slugs, tm.slug)
		}
	}
	p.teams = removeFold(p.teams, slugs)
	p.updated = s.tick()
	return jsonResp(http.StatusOK, s.pullJSON(c.repo, p, false))
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func removeFold(list, drop []string) []string {
	var out []string
	for _, x := range list {
		if !containsFold(drop, x) {
			out = append(out, x)
		}
	}
	return out
}
