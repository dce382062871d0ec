package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
)

// maxCommentLength is GitHub's limit on issue comment bodies, in characters.
const maxCommentLength = 65536

// defaultLabelColor is the color of labels created implicitly by adding
// them to an issue.
const defaultLabelColor = "ededed"

var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

// issue is the issue side of a number: every pull request has one.
type issue struct {
	number   int
	pull     *pull
	labels   []*label
	comments []*issueComment
}

type label struct {
	id          int64
	name        string
	color       string
	description string
}

type issueComment struct {
	id      int64
	number  int
	user    string
	body    string
	created time.Time
	updated time.Time
}

// CreateLabel adds a repository label (color like "d73a4a").
func (s *Server) CreateLabel(owner, repo, name, color, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	if r.findLabel(name) != nil {
		s.fatalf("label %q already exists", name)
	}
	s.newLabel(r, name, color, description)
}

// Labels returns the names of the labels on an issue or pull request, in
// the order they were added.
func (s *Server) Labels(owner, repo string, number int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustIssue(s.mustRepo(owner, repo), number)
	out := []string{}
	for _, l := range is.labels {
		out = append(out, l.name)
	}
	return out
}

// IssueComments returns the comments on an issue or pull request (not
// review comments), oldest first.
func (s *Server) IssueComments(owner, repo string, number int) []*github.IssueComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	var out []*github.IssueComment
	for _, ic := range s.mustIssue(r, number).comments {
		out = append(out, s.issueCommentJSON(r, ic))
	}
	return out
}

// AddIssueComment posts a comment as user, for tests that need existing
// comments. It returns the comment ID.
func (s *Server) AddIssueComment(owner, repo string, number int, user, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	is := s.mustIssue(r, number)
	return s.addComment(r, is, user, body).id
}

func (s *Server) mustIssue(r *Repo, number int) *issue {
	is := r.issues[number]
	if is == nil {
		s.fatalf("no issue or pull request %s#%d", r.FullName, number)
	}
	return is
}

func (r *Repo) findLabel(name string) *label {
	for _, l := range r.labels {
		if strings.EqualFold(l.name, name) {
			return l
		}
	}
	return nil
}

func (s *Server) newLabel(r *Repo, name, color, description string) *label {
	l := &label{id: s.nextID("label"), name: name, color: strings.ToLower(color), description: description}
	r.labels = append(r.labels, l)
	return l
}

func (s *Server) labelJSON(r *Repo, l *label) *github.Label {
	return &github.Label{
		ID:          ptr(l.id),
		NodeID:      ptr(nodeID("Label", l.id)),
		URL:         ptr(s.repoAPI(r) + "/labels/" + url.PathEscape(l.name)),
		Name:        ptr(l.name),
		Color:       ptr(l.color),
		Description: ptr(l.description),
		Default:     ptr(false),
	}
}

func (s *Server) labelsJSON(r *Repo, ls []*label) []*github.Label {
	out := []*github.Label{}
	for _, l := range ls {
		out = append(out, s.labelJSON(r, l))
	}
	return out
}

func (s *Server) issueFor(c *reqCtx) *issue {
	n, ok := c.number("number")
	if !ok {
		return nil
	}
	return c.repo.issues[int(n)]
}

// GET /repos/{owner}/{repo}/labels
func (s *Server) listRepoLabels(c *reqCtx) *response {
	return jsonResp(http.StatusOK, s.labelsJSON(c.repo, paginate(s, c, c.repo.labels)))
}

// GET /repos/{owner}/{repo}/labels/{name}
func (s *Server) getRepoLabel(c *reqCtx) *response {
	l := c.repo.findLabel(c.params["name"])
	if l == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.labelJSON(c.repo, l))
}

// POST /repos/{owner}/{repo}/labels
func (s *Server) createRepoLabel(c *reqCtx) *response {
	var body struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
	}
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	body.Color = strings.TrimPrefix(body.Color, "#")
	if body.Color == "" {
		body.Color = defaultLabelColor
	}
	switch {
	case strings.TrimSpace(body.Name) == "":
		return validationFailed(apiError{Resource: "Label", Field: "name", Code: "missing_field"})
	case !hexColor.MatchString(body.Color):
		return validationFailed(apiError{Resource: "Label", Field: "color", Code: "invalid"})
	case utf8.RuneCountInString(body.Description) > 100:
		return validationFailed(apiError{Resource: "Label", Field: "description", Code: "invalid"})
	case c.repo.findLabel(body.Name) != nil:
		return validationFailed(apiError{Resource: "Label", Field: "name", Code: "already_exists"})
	}
	return jsonResp(http.StatusCreated, s.labelJSON(c.repo, s.newLabel(c.repo, body.Name, body.Color, body.Description)))
}

// GET /repos/{owner}/{repo}/issues/{number}/labels
func (s *Server) listIssueLabels(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.labelsJSON(c.repo, paginate(s, c, is.labels)))
}

// labelNames parses the bodies GitHub accepts for adding/replacing labels:
// ["a","b"], {"labels":["a","b"]} or {"labels":[{"name":"a"}]}.
func labelNames(c *reqCtx) ([]string, *response) {
	body := trimBody(c.body)
	var names []string
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &names); err != nil {
			return nil, errResp(http.StatusBadRequest, "Problems parsing JSON")
		}
		return names, nil
	}
	var obj struct {
		Labels []json.RawMessage `json:"labels"`
	}
	if e := decodeBody(c, &obj); e != nil {
		return nil, e
	}
	for _, raw := range obj.Labels {
		var n string
		if json.Unmarshal(raw, &n) != nil {
			var o struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(raw, &o) != nil {
				return nil, errResp(http.StatusBadRequest, "Problems parsing JSON")
			}
			n = o.Name
		}
		names = append(names, n)
	}
	return names, nil
}

// addLabels adds labels to an issue, creating unknown ones with the
// default color, as GitHub does.
func (s *Server) addLabels(r *Repo, is *issue, names []string) *response {
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return validationFailed(apiError{Resource: "Label", Field: "name", Code: "missing_field"})
		}
	}
	for _, n := range names {
		l := r.findLabel(n)
		if l == nil {
			l = s.newLabel(r, n, defaultLabelColor, "")
		}
		present := false
		for _, x := range is.labels {
			present = present || x == l
		}
		if !present {
			is.labels = append(is.labels, l)
		}
	}
	if is.pull != nil {
		is.pull.updated = s.tick()
	}
	return nil
}

// POST /repos/{owner}/{repo}/issues/{number}/labels
func (s *Server) addIssueLabels(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	names, e := labelNames(c)
	if e == nil {
		e = s.addLabels(c.repo, is, names)
	}
	if e != nil {
		return e
	}
	return jsonResp(http.StatusOK, s.labelsJSON(c.repo, is.labels))
}

// PUT /repos/{owner}/{repo}/issues/{number}/labels
func (s *Server) replaceIssueLabels(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	names, e := labelNames(c)
	if e != nil {
		return e
	}
	old := is.labels
	is.labels = nil
	if e := s.addLabels(c.repo, is, names); e != nil {
		is.labels = old
		return e
	}
	return jsonResp(http.StatusOK, s.labelsJSON(c.repo, is.labels))
}

// DELETE /repos/{owner}/{repo}/issues/{number}/labels
func (s *Server) removeAllIssueLabels(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	is.labels = nil
	return noContent()
}

// DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}
func (s *Server) removeIssueLabel(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	for i, l := range is.labels {
		if strings.EqualFold(l.name, c.params["name"]) {
			is.labels = append(is.labels[:i:i], is.labels[i+1:]...)
			if is.pull != nil {
				is.pull.updated = s.tick()
			}
			return jsonResp(http.StatusOK, s.labelsJSON(c.repo, is.labels))
		}
	}
	return errResp(http.StatusNotFound, "Label does not exist")
}

func (s *Server) issueCommentJSON(r *Repo, ic *issueComment) *github.IssueComment {
	kind := "issues"
	if is := r.issues[ic.number]; is != nil && is.pull != nil {
		kind = "pull"
	}
	return &github.IssueComment{
		ID:                ptr(ic.id),
		NodeID:            ptr(nodeID("IssueComment", ic.id)),
		Body:              ptr(ic.body),
		User:              s.userJSON(ic.user),
		CreatedAt:         ts(ic.created),
		UpdatedAt:         ts(ic.updated),
		AuthorAssociation: ptr(s.authorAssociation(r, ic.user)),
		URL:               ptr(fmt.Sprintf("%s/issues/comments/%d", s.repoAPI(r), ic.id)),
		HTMLURL:           ptr(fmt.Sprintf("%s/%s/%s/%d#issuecomment-%d", htmlBase, r.FullName, kind, ic.number, ic.id)),
		IssueURL:          ptr(fmt.Sprintf("%s/issues/%d", s.repoAPI(r), ic.number)),
	}
}

func (s *Server) addComment(r *Repo, is *issue, user, body string) *issueComment {
	now := s.tick()
	ic := &issueComment{id: s.nextID("issue_comment"), number: is.number, user: user, body: body, created: now, updated: now}
	is.comments = append(is.comments, ic)
	r.comments[ic.id] = ic
	if is.pull != nil {
		is.pull.updated = now
	}
	return ic
}

// checkCommentBody applies GitHub's body validation.
func checkCommentBody(body *string) *response {
	switch {
	case body == nil || strings.TrimSpace(*body) == "":
		return validationFailed(apiError{Resource: "IssueComment", Field: "body", Code: "missing_field"})
	case utf8.RuneCountInString(*body) > maxCommentLength:
		return validationFailed(apiError{Resource: "IssueComment", Field: "body", Code: "custom",
			Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxCommentLength)})
	}
	return nil
}

// GET /repos/{owner}/{repo}/issues/{number}/comments
func (s *Server) listIssueComments(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	out := []*github.IssueComment{}
	for _, ic := range paginate(s, c, is.comments) {
		out = append(out, s.issueCommentJSON(c.repo, ic))
	}
	return jsonResp(http.StatusOK, out)
}

// POST /repos/{owner}/{repo}/issues/{number}/comments
func (s *Server) createIssueComment(c *reqCtx) *response {
	is := s.issueFor(c)
	if is == nil {
		return notFound()
	}
	var body struct {
		Body *string `json:"body"`
	}
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	if e := checkCommentBody(body.Body); e != nil {
		return e
	}
	ic := s.addComment(c.repo, is, c.p.actor(), *body.Body)
	return jsonResp(http.StatusCreated, s.issueCommentJSON(c.repo, ic))
}

func (s *Server) commentFor(c *reqCtx) *issueComment {
	id, ok := c.number("id")
	if !ok {
		return nil
	}
	return c.repo.comments[id]
}

// GET /repos/{owner}/{repo}/issues/comments/{id}
func (s *Server) getIssueComment(c *reqCtx) *response {
	ic := s.commentFor(c)
	if ic == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.issueCommentJSON(c.repo, ic))
}

// PATCH /repos/{owner}/{repo}/issues/comments/{id}
func (s *Server) editIssueComment(c *reqCtx) *response {
	ic := s.commentFor(c)
	if ic == nil {
		return notFound()
	}
	var body struct {
		Body *string `json:"body"`
	}
	if e := decodeBody(c, &body); e != nil {
		return e
	}
	if e := checkCommentBody(body.Body); e != nil {
		return e
	}
	ic.body, ic.updated = *body.Body, s.tick()
	return jsonResp(http.StatusOK, s.issueCommentJSON(c.repo, ic))
}

// DELETE /repos/{owner}/{repo}/issues/comments/{id}
func (s *Server) deleteIssueComment(c *reqCtx) *response {
	ic := s.commentFor(c)
	if ic == nil {
		return notFound()
	}
	delete(c.repo.comments, ic.id)
	is := c.repo.issues[ic.number]
	for i, x := range is.comments {
		if x == ic {
			is.comments = append(is.comments[:i:i], is.comments[i+1:]...)
			break
		}
	}
	return noContent()
}
