package githubtest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// review is a pull request review.
type review struct {
	id        int64
	user      string
	state     string // "APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"
	body      string
	commitID  string
	submitted time.Time
}

// reviewComment is a comment on a line (or file) of a pull request diff.
type reviewComment struct {
	id        int64
	reviewID  int64
	inReplyTo int64
	user      string
	body      string
	path      string
	line      int // 0 for file-level comments
	side      string
	startLine int
	startSide string
	position  int
	commitID  string
	diffHunk  string
	created   time.Time
}

// reviewStates maps the "event" of a review submission to its state.
var reviewStates = map[string]string{
	"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED", "": "PENDING",
}

// SubmitReview records a submitted review by user with state "APPROVED",
// "CHANGES_REQUESTED" or "COMMENTED" on commitSHA ("" for the current head)
// and returns its ID. A pending review request for user is fulfilled.
func (s *Server) SubmitReview(owner, repo string, number int, user, state, commitSHA string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	switch state {
	case "APPROVED", "CHANGES_REQUESTED", "COMMENTED":
	default:
		s.fatalf("SubmitReview: bad state %q", state)
	}
	if commitSHA == "" {
		commitSHA = r.branches[p.head]
	}
	if r.commit(commitSHA) == nil {
		s.fatalf("SubmitReview: no commit %s in %s", commitSHA, r.FullName)
	}
	rv := &review{id: s.nextID("review"), user: user, state: state, commitID: commitSHA, submitted: s.tick()}
	p.reviews = append(p.reviews, rv)
	p.users = removeFold(p.users, []string{user})
	p.updated = rv.submitted
	return rv.id
}

// DismissReview marks a review as dismissed (state "DISMISSED").
func (s *Server) DismissReview(owner, repo string, number int, reviewID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustPull(s.mustRepo(owner, repo), number)
	for _, rv := range p.reviews {
		if rv.id == reviewID {
			rv.state = "DISMISSED"
			return
		}
	}
	s.fatalf("DismissReview: no review %d on #%d", reviewID, number)
}

// Reviews returns a pull request's reviews (pending ones included) as the
// API renders them, oldest first.
func (s *Server) Reviews(owner, repo string, number int) []*github.PullRequestReview {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	var out []*github.PullRequestReview
	for _, rv := range p.reviews {
		out = append(out, s.reviewJSON(r, p, rv))
	}
	return out
}

// ReviewComments returns a pull request's review comments, oldest first.
func (s *Server) ReviewComments(owner, repo string, number int) []*github.PullRequestComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	p := s.mustPull(r, number)
	var out []*github.PullRequestComment
	for _, rc := range p.comments {
		out = append(out, s.reviewCommentJSON(r, p, rc))
	}
	return out
}

func (s *Server) reviewJSON(r *Repo, p *pull, rv *review) *github.PullRequestReview {
	out := &github.PullRequestReview{
		ID:                ptr(rv.id),
		NodeID:            ptr(nodeID("PullRequestReview", rv.id)),
		User:              s.userJSON(rv.user),
		Body:              ptr(rv.body),
		State:             ptr(rv.state),
		CommitID:          ptr(rv.commitID),
		HTMLURL:           ptr(fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", htmlBase, r.FullName, p.number, rv.id)),
		PullRequestURL:    ptr(fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), p.number)),
		AuthorAssociation: ptr(s.authorAssociation(r, rv.user)),
	}
	if rv.state != "PENDING" {
		out.SubmittedAt = ts(rv.submitted)
	}
	return out
}

func (s *Server) reviewCommentJSON(r *Repo, p *pull, rc *reviewComment) *github.PullRequestComment {
	out := &github.PullRequestComment{
		ID:                  ptr(rc.id),
		NodeID:              ptr(nodeID("PullRequestReviewComment", rc.id)),
		PullRequestReviewID: ptr(rc.reviewID),
		Body:                ptr(rc.body),
		Path:                ptr(rc.path),
		DiffHunk:            ptr(rc.diffHunk),
		CommitID:            ptr(rc.commitID),
		OriginalCommitID:    ptr(rc.commitID),
		User:                s.userJSON(rc.user),
		CreatedAt:           ts(rc.created),
		UpdatedAt:           ts(rc.created),
		AuthorAssociation:   ptr(s.authorAssociation(r, rc.user)),
		URL:                 ptr(fmt.Sprintf("%s/pulls/comments/%d", s.repoAPI(r), rc.id)),
		HTMLURL:             ptr(fmt.Sprintf("%s/%s/pull/%d#discussion_r%d", htmlBase, r.FullName, p.number, rc.id)),
		PullRequestURL:      ptr(fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), p.number)),
		SubjectType:         ptr("line"),
	}
	if rc.inReplyTo != 0 {
		out.InReplyTo = ptr(rc.inReplyTo)
	}
	if rc.line == 0 {
		out.SubjectType = ptr("file")
		return out
	}
	out.Line, out.OriginalLine = ptr(rc.line), ptr(rc.line)
	out.Side = ptr(rc.side)
	out.Position, out.OriginalPosition = ptr(rc.position), ptr(rc.position)
	if rc.startLine != 0 {
		out.StartLine, out.OriginalStartLine = ptr(rc.startLine), ptr(rc.startLine)
		out.StartSide = ptr(rc.startSide)
	}
	return out
}

// GET /repos/{owner}/{repo}/pulls/{number}/reviews
func (s *Server) listReviews(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var list []*review
	for _, rv := range p.reviews {
		if rv.state != "PENDING" || strings.EqualFold(rv.user, c.p.actor()) {
			list = append(list, rv)
		}
	}
	var out []*github.PullRequestReview
	for _, rv := range paginate(s, c, list) {
		out = append(out, s.reviewJSON(c.repo, p, rv))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

// GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}
func (s *Server) getReview(c *reqCtx) *response {
	p := s.pullFor(c)
	id, _ := c.number("id")
	if p != nil {
		for _, rv := range p.reviews {
			if rv.id == id && (rv.state != "PENDING" || strings.EqualFold(rv.user, c.p.actor())) {
				return jsonResp(http.StatusOK, s.reviewJSON(c.repo, p, rv))
			}
		}
	}
	return notFound()
}

// draftComment is a comment in a review submission or a single review
// comment.
type draftComment struct {
	Path        string `json:"path"`
	Body        string `json:"body"`
	Position    *int   `json:"position"`
	Line        *int   `json:"line"`
	Side        string `json:"side"`
	StartLine   *int   `json:"start_line"`
	StartSide   string `json:"start_side"`
	SubjectType string `json:"subject_type"`
}

// placeComment resolves a draft comment against the diff at commitSHA and
// fills in line, side, position and diff_hunk. Lines outside the diff are
// rejected as GitHub rejects them: within a review (single false) with
// "Unprocessable Entity" and string errors ("Line could not be resolved"),
// as a single comment (single true) with "Validation Failed" and an error
// object on pull_request_review_thread.line, the shapes GitHub's
// description gives each endpoint's 422.
func (s *Server) placeComment(r *Repo, p *pull, commitSHA string, d draftComment, rc *reviewComment, single bool) *response {
	fail := func(field, msg string) *response {
		if single {
			return validationFailed(apiError{Resource: "PullRequestReviewComment", Code: "custom",
				Field: "pull_request_review_thread." + field, Message: msg})
		}
		return unprocessable(strings.ToUpper(field[:1]) + strings.ReplaceAll(field[1:], "_", " ") + " " + msg)
	}
	if strings.TrimSpace(d.Body) == "" {
		if single {
			return validationFailed(apiError{Resource: "PullRequestReviewComment", Field: "body", Code: "missing_field"})
		}
		return unprocessable("Body can't be blank")
	}
	_, files := r.pullDiff(p, commitSHA)
	var fd *fileDiff
	for _, f := range files {
		if f.path == d.Path {
			fd = f
		}
	}
	if fd == nil {
		return fail("path", "could not be resolved")
	}
	rc.path, rc.body, rc.commitID = d.Path, d.Body, commitSHA
	if d.SubjectType == "file" {
		return nil
	}
	line, side := 0, d.Side
	switch {
	case d.Position != nil:
		var ok bool
		if line, side, ok = fd.atPosition(*d.Position); !ok {
			return fail("position", "could not be resolved")
		}
	case d.Line != nil:
		line = *d.Line
		if side == "" {
			side = "RIGHT"
		}
		if side != "RIGHT" && side != "LEFT" {
			return fail("side", "is not included in the list")
		}
	default:
		return fail("line", "could not be resolved")
	}
	pos, hi, li, ok := fd.position(line, side)
	if !ok {
		return fail("line", "could not be resolved")
	}
	rc.line, rc.side, rc.position, rc.diffHunk = line, side, pos, fd.diffHunk(hi, li)
	if d.StartLine != nil {
		startSide := d.StartSide
		if startSide == "" {
			startSide = side
		}
		if *d.StartLine >= line {
			return fail("start_line", "must precede the end line.")
		}
		if _, _, _, ok := fd.position(*d.StartLine, startSide); !ok {
			return fail("start_line", "could not be resolved")
		}
		rc.startLine, rc.startSide = *d.StartLine, startSide
	}
	return nil
}

// POST /repos/{owner}/{repo}/pulls/{number}/reviews
func (s *Server) createReview(c *reqCtx) *response {
	r := c.repo
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var body struct {
		CommitID *string        `json:"commit_id"`
		Body     string         `json:"body"`
		Event    string         `json:"event"`
		Comments []draftComment `json:"comments"`
	}
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	state, ok := reviewStates[body.Event]
	if !ok {
		// GitHub checks the body against its schema first.
		return errResp(http.StatusUnprocessableEntity, fmt.Sprintf(
			"Invalid request.\n\nFor 'properties/event', %q is not one of [\"APPROVE\", \"REQUEST_CHANGES\", \"COMMENT\"].", body.Event))
	}
	actor := c.p.actor()
	if strings.EqualFold(actor, p.author) {
		switch state {
		case "APPROVED":
			return unprocessable("Review Can not approve your own pull request")
		case "CHANGES_REQUESTED":
			return unprocessable("Review Can not request changes on your own pull request")
		}
	}
	if (state == "CHANGES_REQUESTED" || (state == "COMMENTED" && len(body.Comments) == 0)) && strings.TrimSpace(body.Body) == "" {
		return unprocessable(fmt.Sprintf("Review body is required when using the %s event", body.Event))
	}
	commitSHA := r.branches[p.head]
	if body.CommitID != nil {
		if r.commit(*body.CommitID) == nil {
			return unprocessable("Commit id is not part of the pull request")
		}
		commitSHA = *body.CommitID
	}
	var comments []*reviewComment
	for _, d := range body.Comments {
		rc := &reviewComment{user: actor}
		if e := s.placeComment(r, p, commitSHA, d, rc, false); e != nil {
			return e
		}
		comments = append(comments, rc)
	}
	now := s.tick()
	rv := &review{id: s.nextID("review"), user: actor, state: state, body: body.Body, commitID: commitSHA, submitted: now}
	p.reviews = append(p.reviews, rv)
	for _, rc := range comments {
		rc.id, rc.reviewID, rc.created = s.nextID("review_comment"), rv.id, now
		p.comments = append(p.comments, rc)
	}
	if state != "PENDING" {
		p.users = removeFold(p.users, []string{actor})
		p.updated = now
	}
	return jsonResp(http.StatusOK, s.reviewJSON(r, p, rv))
}

// GET /repos/{owner}/{repo}/pulls/{number}/comments
func (s *Server) listReviewComments(c *reqCtx) *response {
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var out []*github.PullRequestComment
	for _, rc := range paginate(s, c, p.comments) {
		out = append(out, s.reviewCommentJSON(c.repo, p, rc))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

// POST /repos/{owner}/{repo}/pulls/{number}/comments (a single comment,
// or a reply with in_reply_to); GitHub wraps it in a COMMENTED review.
func (s *Server) createReviewComment(c *reqCtx) *response {
	r := c.repo
	p := s.pullFor(c)
	if p == nil {
		return notFound()
	}
	var body struct {
		draftComment
		CommitID  string `json:"commit_id"`
		InReplyTo int64  `json:"in_reply_to"`
	}
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	rc := &reviewComment{user: c.p.actor()}
	if body.InReplyTo != 0 {
		var parent *reviewComment
		for _, x := range p.comments {
			if x.id == body.InReplyTo {
				parent = x
			}
		}
		if parent == nil {
			return notFound()
		}
		if strings.TrimSpace(body.Body) == "" {
			return validationFailed(apiError{Resource: "PullRequestReviewComment", Field: "body", Code: "missing_field"})
		}
		*rc = *parent
		rc.user, rc.body, rc.inReplyTo = c.p.actor(), body.Body, parent.id
	} else {
		if body.CommitID == "" {
			return validationFailed(apiError{Resource: "PullRequestReviewComment", Field: "commit_id", Code: "missing_field"})
		}
		if r.commit(body.CommitID) == nil {
			return validationFailed(apiError{Resource: "PullRequestReviewComment", Field: "commit_id", Code: "invalid"})
		}
		if e := s.placeComment(r, p, body.CommitID, body.draftComment, rc, true); e != nil {
			return e
		}
	}
	now := s.tick()
	rv := &review{id: s.nextID("review"), user: rc.user, state: "COMMENTED", commitID: rc.commitID, submitted: now}
	p.reviews = append(p.reviews, rv)
	rc.id, rc.reviewID, rc.created = s.nextID("review_comment"), rv.id, now
	p.comments = append(p.comments, rc)
	return jsonResp(http.StatusCreated, s.reviewCommentJSON(r, p, rc))
}
