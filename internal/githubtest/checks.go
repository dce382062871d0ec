package githubtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
)

// Limits GitHub enforces on check runs.
const (
	maxCheckOutputText   = 65535 // output.summary and output.text, characters
	maxCheckTitle        = 255   // output.title, characters (fake's limit)
	maxAnnotationsPerReq = 50
	maxCheckActions      = 3
)

var (
	checkStatuses    = map[string]bool{"queued": true, "in_progress": true, "completed": true}
	checkConclusions = map[string]bool{
		"action_required": true, "cancelled": true, "failure": true, "neutral": true,
		"success": true, "skipped": true, "stale": true, "timed_out": true,
	}
	annotationLevels = map[string]bool{"notice": true, "warning": true, "failure": true}
	statusStates     = map[string]bool{"error": true, "failure": true, "pending": true, "success": true}
)

type checkRun struct {
	id          int64
	app         *app
	suite       int64
	name        string
	headSHA     string
	externalID  string
	detailsURL  string
	status      string
	conclusion  string
	startedAt   time.Time
	completedAt time.Time
	title       string
	summary     string
	text        string
	hasOutput   bool
	annotations []*github.CheckRunAnnotation
}

type commitStatus struct {
	id          int64
	sha         string
	state       string
	context     string
	description string
	targetURL   string
	creator     string
	created     time.Time
}

// CheckRuns returns the check runs on a commit (all of them, not only the
// latest per name), oldest first, as the API renders them.
func (s *Server) CheckRuns(owner, repo, sha string) []*github.CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	var out []*github.CheckRun
	for _, cr := range r.checkRuns {
		if cr.headSHA == sha {
			out = append(out, s.checkRunJSON(r, cr))
		}
	}
	return out
}

// CheckRunAnnotations returns every annotation sent for a check run.
func (s *Server) CheckRunAnnotations(owner, repo string, id int64) []*github.CheckRunAnnotation {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cr := range s.mustRepo(owner, repo).checkRuns {
		if cr.id == id {
			return append([]*github.CheckRunAnnotation(nil), cr.annotations...)
		}
	}
	return nil
}

// Statuses returns the commit statuses on a commit, oldest first.
func (s *Server) Statuses(owner, repo, sha string) []*github.RepoStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	var out []*github.RepoStatus
	for _, st := range r.statuses {
		if st.sha == sha {
			out = append(out, s.statusJSON(r, st))
		}
	}
	return out
}

func (s *Server) checkRunJSON(r *Repo, cr *checkRun) *github.CheckRun {
	api := fmt.Sprintf("%s/check-runs/%d", s.repoAPI(r), cr.id)
	out := &github.CheckRun{
		ID:         ptr(cr.id),
		NodeID:     ptr(nodeID("CheckRun", cr.id)),
		HeadSHA:    ptr(cr.headSHA),
		ExternalID: ptr(cr.externalID),
		URL:        ptr(api),
		HTMLURL:    ptr(fmt.Sprintf("%s/%s/runs/%d", htmlBase, r.FullName, cr.id)),
		DetailsURL: ptr(cr.detailsURL),
		Status:     ptr(cr.status),
		StartedAt:  ts(cr.startedAt),
		Name:       ptr(cr.name),
		CheckSuite: &github.CheckSuite{ID: ptr(cr.suite)},
		App:        s.appJSON(cr.app),
		Output: &github.CheckRunOutput{
			AnnotationsCount: ptr(len(cr.annotations)),
			AnnotationsURL:   ptr(api + "/annotations"),
		},
		PullRequests: []*github.PullRequest{},
	}
	if cr.hasOutput {
		out.Output.Title, out.Output.Summary = ptr(cr.title), ptr(cr.summary)
		if cr.text != "" {
			out.Output.Text = ptr(cr.text)
		}
	}
	if cr.status == "completed" {
		out.Conclusion = ptr(cr.conclusion)
		out.CompletedAt = ts(cr.completedAt)
	}
	for _, n := range sortedPullNumbers(r) {
		p := r.pulls[n]
		if p.state == "open" && r.branches[p.head] == cr.headSHA {
			mini := func(branch string) *github.PullRequestBranch {
				return &github.PullRequestBranch{Ref: ptr(branch), SHA: ptr(r.branches[branch]),
					Repo: &github.Repository{ID: ptr(r.ID), URL: ptr(s.repoAPI(r)), Name: ptr(r.Name)}}
			}
			out.PullRequests = append(out.PullRequests, &github.PullRequest{
				URL: ptr(fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), n)), ID: ptr(p.id), Number: ptr(n),
				Head: mini(p.head), Base: mini(p.base),
			})
		}
	}
	return out
}

func sortedPullNumbers(r *Repo) []int {
	var ns []int
	for n := range r.pulls {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

// checkRunBody is the body of POST and PATCH check-runs.
type checkRunBody struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string `json:"title"`
		Summary     *string `json:"summary"`
		Text        *string `json:"text"`
		Annotations []struct {
			Path            *string `json:"path"`
			StartLine       *int    `json:"start_line"`
			EndLine         *int    `json:"end_line"`
			StartColumn     *int    `json:"start_column"`
			EndColumn       *int    `json:"end_column"`
			AnnotationLevel *string `json:"annotation_level"`
			Message         *string `json:"message"`
			Title           *string `json:"title"`
			RawDetails      *string `json:"raw_details"`
		} `json:"annotations"`
	} `json:"output"`
	Actions []struct {
		Label       string `json:"label"`
		Description string `json:"description"`
		Identifier  string `json:"identifier"`
	} `json:"actions"`
}

// apply validates b and, when valid, applies it to cr. Every problem is
// reported at once in one 422 "Validation Failed".
func (s *Server) applyCheckRun(cr *checkRun, b *checkRunBody, create bool) *response {
	var errs []apiError
	bad := func(field, code, msg string) {
		errs = append(errs, apiError{Resource: "CheckRun", Field: field, Code: code, Message: msg})
	}
	if create && (b.Name == nil || strings.TrimSpace(*b.Name) == "") {
		bad("name", "missing_field", "")
	}
	if !create && b.Name != nil && strings.TrimSpace(*b.Name) == "" {
		bad("name", "invalid", "")
	}
	if b.Status != nil && !checkStatuses[*b.Status] {
		bad("status", "invalid", "")
	}
	if b.Conclusion != nil && !checkConclusions[*b.Conclusion] {
		bad("conclusion", "invalid", "")
	}
	completed := (b.Status != nil && *b.Status == "completed") || b.Conclusion != nil
	if completed && b.Conclusion == nil && cr.conclusion == "" {
		bad("conclusion", "missing_field", "conclusion is required when status is completed")
	}
	parseTime := func(field string, v *string) time.Time {
		if v == nil {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			bad(field, "invalid", "")
		}
		return t
	}
	started := parseTime("started_at", b.StartedAt)
	completedAt := parseTime("completed_at", b.CompletedAt)
	var annotations []*github.CheckRunAnnotation
	if o := b.Output; o != nil {
		if o.Title == nil || *o.Title == "" {
			bad("output.title", "missing_field", "")
		} else if utf8.RuneCountInString(*o.Title) > maxCheckTitle {
			bad("output.title", "custom", fmt.Sprintf("title is too long (maximum is %d characters)", maxCheckTitle))
		}
		if o.Summary == nil || *o.Summary == "" {
			bad("output.summary", "missing_field", "")
		} else if utf8.RuneCountInString(*o.Summary) > maxCheckOutputText {
			bad("output.summary", "custom", fmt.Sprintf("summary is too long (maximum is %d characters)", maxCheckOutputText))
		}
		if o.Text != nil && utf8.RuneCountInString(*o.Text) > maxCheckOutputText {
			bad("output.text", "custom", fmt.Sprintf("text is too long (maximum is %d characters)", maxCheckOutputText))
		}
		if len(o.Annotations) > maxAnnotationsPerReq {
			bad("output.annotations", "custom", fmt.Sprintf("only %d annotations may be sent per request", maxAnnotationsPerReq))
		}
		for i, a := range o.Annotations {
			field := func(f string) string { return fmt.Sprintf("output.annotations[%d].%s", i, f) }
			switch {
			case a.Path == nil || *a.Path == "":
				bad(field("path"), "missing_field", "")
			case a.StartLine == nil || *a.StartLine < 1:
				bad(field("start_line"), "missing_field", "")
			case a.EndLine == nil || *a.EndLine < *a.StartLine:
				bad(field("end_line"), "missing_field", "")
			case a.AnnotationLevel == nil || !annotationLevels[*a.AnnotationLevel]:
				bad(field("annotation_level"), "invalid", "")
			case a.Message == nil || *a.Message == "":
				bad(field("message"), "missing_field", "")
			case (a.StartColumn != nil || a.EndColumn != nil) && *a.StartLine != *a.EndLine:
				bad(field("start_column"), "invalid", "start_column and end_column may only be used when start_line equals end_line")
			default:
				annotations = append(annotations, &github.CheckRunAnnotation{
					Path: a.Path, StartLine: a.StartLine, EndLine: a.EndLine, StartColumn: a.StartColumn,
					EndColumn: a.EndColumn, AnnotationLevel: a.AnnotationLevel, Message: a.Message,
					Title: a.Title, RawDetails: a.RawDetails,
				})
			}
		}
	}
	if len(b.Actions) > maxCheckActions {
		bad("actions", "custom", fmt.Sprintf("no more than %d actions may be sent", maxCheckActions))
	}
	for _, a := range b.Actions {
		if a.Label == "" || utf8.RuneCountInString(a.Label) > 20 || utf8.RuneCountInString(a.Description) > 40 ||
			a.Identifier == "" || utf8.RuneCountInString(a.Identifier) > 20 {
			bad("actions", "invalid", "")
			break
		}
	}
	if len(errs) > 0 {
		return validationFailed(errs...)
	}

	now := s.tick()
	if b.Name != nil {
		cr.name = *b.Name
	}
	if b.DetailsURL != nil {
		cr.detailsURL = *b.DetailsURL
	}
	if b.ExternalID != nil {
		cr.externalID = *b.ExternalID
	}
	if b.Status != nil {
		cr.status = *b.Status
	}
	if !started.IsZero() {
		cr.startedAt = started
	} else if create {
		cr.startedAt = now
	}
	if completed {
		cr.status = "completed"
		if b.Conclusion != nil {
			cr.conclusion = *b.Conclusion
		}
		cr.completedAt = now
		if !completedAt.IsZero() {
			cr.completedAt = completedAt
		}
	}
	if o := b.Output; o != nil {
		cr.hasOutput = true
		cr.title, cr.summary = *o.Title, *o.Summary
		if o.Text != nil {
			cr.text = *o.Text
		}
		cr.annotations = append(cr.annotations, annotations...)
	}
	return nil
}

// checkApp returns the App behind a check-run request; check runs can only
// be written by GitHub Apps.
func checkApp(c *reqCtx) (*app, *response) {
	if c.p.kind != kindInstallation {
		return nil, errResp(http.StatusForbidden, "You must authenticate via a GitHub App.")
	}
	return c.p.app, nil
}

// POST /repos/{owner}/{repo}/check-runs
func (s *Server) createCheckRun(c *reqCtx) *response {
	a, e := checkApp(c)
	if e != nil {
		return e
	}
	var b checkRunBody
	if e := decodeBody(c, &b); e != nil {
		return e
	}
	if b.HeadSHA == nil || *b.HeadSHA == "" {
		return validationFailed(apiError{Resource: "CheckRun", Field: "head_sha", Code: "missing_field"})
	}
	if c.repo.commit(strings.ToLower(*b.HeadSHA)) == nil {
		return errResp(http.StatusUnprocessableEntity, "No commit found for SHA: "+*b.HeadSHA)
	}
	cr := &checkRun{app: a, headSHA: strings.ToLower(*b.HeadSHA), status: "queued"}
	if e := s.applyCheckRun(cr, &b, true); e != nil {
		return e
	}
	cr.id = s.nextID("check_run")
	suiteKey := fmt.Sprintf("%d/%s", a.id, cr.headSHA)
	if c.repo.suites[suiteKey] == 0 {
		c.repo.suites[suiteKey] = s.nextID("check_suite")
	}
	cr.suite = c.repo.suites[suiteKey]
	c.repo.checkRuns = append(c.repo.checkRuns, cr)
	return jsonResp(http.StatusCreated, s.checkRunJSON(c.repo, cr))
}

func (s *Server) checkRunFor(c *reqCtx) *checkRun {
	id, ok := c.number("id")
	if !ok {
		return nil
	}
	for _, cr := range c.repo.checkRuns {
		if cr.id == id {
			return cr
		}
	}
	return nil
}

// GET /repos/{owner}/{repo}/check-runs/{id}
func (s *Server) getCheckRun(c *reqCtx) *response {
	cr := s.checkRunFor(c)
	if cr == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.checkRunJSON(c.repo, cr))
}

// PATCH /repos/{owner}/{repo}/check-runs/{id}
func (s *Server) updateCheckRun(c *reqCtx) *response {
	a, e := checkApp(c)
	if e != nil {
		return e
	}
	cr := s.checkRunFor(c)
	if cr == nil {
		return notFound()
	}
	if cr.app != a {
		return errResp(http.StatusForbidden, fmt.Sprintf("Invalid app_id `%d` - check run can only be modified by the GitHub App that created it.", a.id))
	}
	var b checkRunBody
	if e := decodeBody(c, &b); e != nil {
		return e
	}
	if e := s.applyCheckRun(cr, &b, false); e != nil {
		return e
	}
	return jsonResp(http.StatusOK, s.checkRunJSON(c.repo, cr))
}

// GET /repos/{owner}/{repo}/check-runs/{id}/annotations
func (s *Server) listCheckRunAnnotations(c *reqCtx) *response {
	cr := s.checkRunFor(c)
	if cr == nil {
		return notFound()
	}
	type annotation struct {
		*github.CheckRunAnnotation
		BlobHRef string `json:"blob_href"`
	}
	out := []annotation{}
	for _, a := range paginate(s, c, cr.annotations) {
		out = append(out, annotation{a, htmlBase + "/" + c.repo.FullName + "/blob/" + cr.headSHA + "/" + a.GetPath()})
	}
	return jsonResp(http.StatusOK, out)
}

// GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name=&status=&app_id=&filter=
//
// filter=latest (the default) keeps only the newest run per name and App.
// Runs are listed newest first.
func (s *Server) listCheckRunsForRef(c *reqCtx, ref string) *response {
	cm := c.repo.resolve(ref)
	if cm == nil {
		return errResp(http.StatusUnprocessableEntity, "No commit found for SHA: "+ref)
	}
	name, status, filter := c.query("check_name"), c.query("status"), c.query("filter")
	var appID int64
	if v := c.query("app_id"); v != "" {
		appID, _ = strconv.ParseInt(v, 10, 64)
	}
	seen := map[string]bool{}
	var list []*checkRun
	for i := len(c.repo.checkRuns) - 1; i >= 0; i-- {
		cr := c.repo.checkRuns[i]
		if cr.headSHA != cm.sha || (name != "" && cr.name != name) || (status != "" && cr.status != status) ||
			(appID != 0 && cr.app.id != appID) {
			continue
		}
		key := fmt.Sprintf("%d/%s", cr.app.id, cr.name)
		if filter != "all" && seen[key] {
			continue
		}
		seen[key] = true
		list = append(list, cr)
	}
	out := []*github.CheckRun{}
	for _, cr := range paginate(s, c, list) {
		out = append(out, s.checkRunJSON(c.repo, cr))
	}
	return jsonResp(http.StatusOK, struct {
		TotalCount int                `json:"total_count"`
		CheckRuns  []*github.CheckRun `json:"check_runs"`
	}{len(list), out})
}

func (s *Server) statusJSON(r *Repo, st *commitStatus) *github.RepoStatus {
	return &github.RepoStatus{
		ID:          ptr(st.id),
		NodeID:      ptr(nodeID("StatusContext", st.id)),
		URL:         ptr(s.repoAPI(r) + "/statuses/" + st.sha),
		State:       ptr(st.state),
		TargetURL:   nonEmpty(st.targetURL),
		Description: nonEmpty(st.description),
		Context:     ptr(st.context),
		Creator:     s.userJSON(st.creator),
		AvatarURL:   s.userJSON(st.creator).AvatarURL,
		CreatedAt:   ts(st.created),
		UpdatedAt:   ts(st.created),
	}
}

// POST /repos/{owner}/{repo}/statuses/{sha}
func (s *Server) createStatus(c *reqCtx) *response {
	sha := strings.ToLower(c.params["sha"])
	if c.repo.commit(sha) == nil {
		return errResp(http.StatusUnprocessableEntity, "No commit found for SHA: "+c.params["sha"])
	}
	var b struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if e := decodeBody(c, &b); e != nil {
		return e
	}
	switch {
	case !statusStates[b.State]:
		return validationFailed(apiError{Resource: "Status", Field: "state", Code: "custom",
			Message: "state is not included in the list"})
	case utf8.RuneCountInString(b.Description) > 140:
		return validationFailed(apiError{Resource: "Status", Field: "description", Code: "custom",
			Message: "description is too long (maximum is 140 characters)"})
	}
	if b.Context == "" {
		b.Context = "default"
	}
	st := &commitStatus{id: s.nextID("status"), sha: sha, state: b.State, context: b.Context,
		description: b.Description, targetURL: b.TargetURL, creator: c.p.actor(), created: s.tick()}
	c.repo.statuses = append(c.repo.statuses, st)
	return jsonResp(http.StatusCreated, s.statusJSON(c.repo, st))
}

// statusesFor lists a commit's statuses, newest first.
func statusesFor(r *Repo, sha string) []*commitStatus {
	var out []*commitStatus
	for i := len(r.statuses) - 1; i >= 0; i-- {
		if r.statuses[i].sha == sha {
			out = append(out, r.statuses[i])
		}
	}
	return out
}

// GET /repos/{owner}/{repo}/commits/{ref}/statuses
func (s *Server) listStatuses(c *reqCtx, ref string) *response {
	cm := c.repo.resolve(ref)
	if cm == nil {
		return notFound()
	}
	out := []*github.RepoStatus{}
	for _, st := range paginate(s, c, statusesFor(c.repo, cm.sha)) {
		out = append(out, s.statusJSON(c.repo, st))
	}
	return jsonResp(http.StatusOK, out)
}

// GET /repos/{owner}/{repo}/commits/{ref}/status: the latest status per
// context, combined (failure if any error/failure, pending if any pending or
// none at all, success otherwise).
func (s *Server) combinedStatus(c *reqCtx, ref string) *response {
	cm := c.repo.resolve(ref)
	if cm == nil {
		return notFound()
	}
	seen := map[string]bool{}
	statuses := []*github.RepoStatus{}
	state := "success"
	for _, st := range statusesFor(c.repo, cm.sha) {
		if seen[st.context] {
			continue
		}
		seen[st.context] = true
		sj := s.statusJSON(c.repo, st)
		sj.Creator = nil // a simple-commit-status has no creator
		statuses = append(statuses, sj)
		switch {
		case st.state == "error" || st.state == "failure":
			state = "failure"
		case st.state == "pending" && state != "failure":
			state = "pending"
		}
	}
	if len(statuses) == 0 {
		state = "pending"
	}
	// GitHub sends the repository itself, not go-github's repository_url.
	return jsonResp(http.StatusOK, struct {
		State      string               `json:"state"`
		Statuses   []*github.RepoStatus `json:"statuses"`
		SHA        string               `json:"sha"`
		TotalCount int                  `json:"total_count"`
		Repository *github.Repository   `json:"repository"`
		CommitURL  string               `json:"commit_url"`
		URL        string               `json:"url"`
	}{state, statuses, cm.sha, len(statuses), s.repoJSON(c.repo),
		s.repoAPI(c.repo) + "/commits/" + cm.sha, s.repoAPI(c.repo) + "/commits/" + cm.sha + "/status"})
}
