package review

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Client implements GitHub with go-github. Give it a github.Client whose
// transport authenticates as the App's installation (ghinstallation) or with
// a workflow token.
type Client struct {
	gh *github.Client
	// BotLogin is the bot's own login ("clearance[bot]"); its comments are
	// recognised by this and their hidden marker. Empty matches any author.
	BotLogin string
	// Download fetches the tarball GitHub redirects Archive to, without
	// the API's credentials (the URL carries its own); http.DefaultClient
	// when nil.
	Download *http.Client
	// MaxArchiveBytes bounds what Archive reads, uncompressed (default
	// 2 GiB); MaxArchiveFile bounds a file whose content it keeps (default
	// 8 MiB; larger ones get their SHA only).
	MaxArchiveBytes, MaxArchiveFile int64
}

// NewClient wraps a go-github client.
func NewClient(gh *github.Client, botLogin string) *Client {
	return &Client{gh: gh, BotLogin: botLogin}
}

const perPage = 100

// wrap turns go-github errors into ours: 404 is ErrNotFound.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w: %s", ErrNotFound, er.Message)
	}
	return err
}

// PullRequest implements GitHub.
func (c *Client) PullRequest(ctx context.Context, repo Repo, number int) (*PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, repo.Owner, repo.Name, number)
	if err != nil {
		return nil, wrap(err)
	}
	out := &PullRequest{
		Number:  pr.GetNumber(),
		Title:   pr.GetTitle(),
		Author:  pr.GetUser().GetLogin(),
		State:   pr.GetState(),
		Draft:   pr.GetDraft(),
		HeadSHA: pr.GetHead().GetSHA(),
		BaseRef: pr.GetBase().GetRef(),
		BaseSHA: pr.GetBase().GetSHA(),

		DefaultBranch: pr.GetBase().GetRepo().GetDefaultBranch(),
		HTMLURL:       pr.GetHTMLURL(),
		ChangedFiles:  pr.GetChangedFiles(),
	}
	if hr := pr.GetHead().GetRepo(); hr != nil {
		out.HeadRepo = Repo{Owner: hr.GetOwner().GetLogin(), Name: hr.GetName()}
	}
	for _, l := range pr.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, u := range pr.RequestedReviewers {
		out.RequestedUsers = append(out.RequestedUsers, u.GetLogin())
	}
	for _, t := range pr.RequestedTeams {
		out.RequestedTeams = append(out.RequestedTeams, t.GetSlug())
	}
	if pr.Comments != nil && pr.ReviewComments != nil {
		out.Comments, out.ReviewComments, out.Counted = pr.GetComments(), pr.GetReviewComments(), true
	}
	return out, nil
}

// refOf is the ref a contents URL names ("...?ref=<sha>"), or "".
func refOf(contentsURL string) string {
	u, err := url.Parse(contentsURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("ref")
}

// ChangedFiles implements GitHub (all pages; GitHub lists up to 3,000).
func (c *Client) ChangedFiles(ctx context.Context, repo Repo, number int) ([]ChangedFile, error) {
	var out []ChangedFile
	opts := &github.ListOptions{PerPage: perPage}
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, f := range files {
			out = append(out, ChangedFile{
				Path:         f.GetFilename(),
				PreviousPath: f.GetPreviousFilename(),
				Status:       f.GetStatus(),
				SHA:          f.GetSHA(),
				Patch:        f.GetPatch(),
				Commit:       refOf(f.GetContentsURL()),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// BranchSHA implements GitHub.
func (c *Client) BranchSHA(ctx context.Context, repo Repo, branch string) (string, error) {
	ref, _, err := c.gh.Git.GetRef(ctx, repo.Owner, repo.Name, "heads/"+branch)
	if err != nil {
		return "", wrap(err)
	}
	return ref.GetObject().GetSHA(), nil
}

// Tree implements GitHub.
func (c *Client) Tree(ctx context.Context, repo Repo, commit string) (*Tree, error) {
	t, _, err := c.gh.Git.GetTree(ctx, repo.Owner, repo.Name, commit, true)
	if err != nil {
		return nil, wrap(err)
	}
	out := &Tree{SHA: t.GetSHA(), Blobs: map[string]string{}, Special: map[string]string{}, Truncated: t.GetTruncated()}
	for _, e := range t.Entries {
		switch {
		case e.GetType() == "commit":
			out.Special[e.GetPath()] = "submodule"
		case e.GetType() == "blob" && e.GetMode() == "120000":
			out.Special[e.GetPath()] = "symbolic link"
		case e.GetType() == "blob":
			out.Blobs[e.GetPath()] = e.GetSHA()
		}
	}
	return out, nil
}

// Blob implements GitHub.
func (c *Client) Blob(ctx context.Context, repo Repo, sha string) ([]byte, error) {
	b, _, err := c.gh.Git.GetBlob(ctx, repo.Owner, repo.Name, sha)
	if err != nil {
		return nil, wrap(err)
	}
	if b.GetEncoding() == "base64" {
		return base64.StdEncoding.DecodeString(strings.ReplaceAll(b.GetContent(), "\n", ""))
	}
	return []byte(b.GetContent()), nil
}

// FileSHA implements GitHub.
func (c *Client) FileSHA(ctx context.Context, repo Repo, commit, path string) (string, error) {
	fc, _, _, err := c.gh.Repositories.GetContents(ctx, repo.Owner, repo.Name, path, &github.RepositoryContentGetOptions{Ref: commit})
	if err != nil {
		if errors.Is(wrap(err), ErrNotFound) {
			return "", nil
		}
		return "", wrap(err)
	}
	if fc == nil {
		return "", nil // a folder
	}
	return fc.GetSHA(), nil
}

// Reviews implements GitHub.
func (c *Client) Reviews(ctx context.Context, repo Repo, number int) ([]Review, error) {
	var out []Review
	opts := &github.ListOptions{PerPage: perPage}
	for {
		rs, resp, err := c.gh.PullRequests.ListReviews(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, r := range rs {
			out = append(out, Review{ID: r.GetID(), User: r.GetUser().GetLogin(), State: r.GetState(), CommitID: r.GetCommitID(), SubmittedAt: r.GetSubmittedAt().Time, Body: r.GetBody()})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, c.changeRequestPaths(ctx, repo, number, out)
}

// changeRequestPaths fills in, for change requests, the files their line
// comments are on, so the comment can tie each note to the drafts it is
// about. It costs one listing, made only when a change request exists.
func (c *Client) changeRequestPaths(ctx context.Context, repo Repo, number int, reviews []Review) error {
	at := map[int64]int{}
	for i, r := range reviews {
		if r.State == "CHANGES_REQUESTED" {
			at[r.ID] = i
		}
	}
	if len(at) == 0 {
		return nil
	}
	opts := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := c.gh.PullRequests.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return wrap(err)
		}
		for _, cm := range cs {
			if i, ok := at[cm.GetPullRequestReviewID()]; ok && cm.GetPath() != "" {
				reviews[i].Paths = appendNew(reviews[i].Paths, cm.GetPath())
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// Commits implements GitHub.
func (c *Client) Commits(ctx context.Context, repo Repo, number int) ([]Commit, error) {
	var out []Commit
	opts := &github.ListOptions{PerPage: perPage}
	for {
		cs, resp, err := c.gh.PullRequests.ListCommits(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, cm := range cs {
			out = append(out, Commit{SHA: cm.GetSHA(), People: people(cm.GetAuthor().GetLogin(), cm.GetCommitter().GetLogin())})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// people are the distinct logins among logins, "" left out.
func people(logins ...string) []string {
	var out []string
	for _, l := range logins {
		if l != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, l) }) {
			out = append(out, l)
		}
	}
	return out
}

// CommitFiles implements GitHub.
func (c *Client) CommitFiles(ctx context.Context, repo Repo, sha string) ([]string, error) {
	var out []string
	opts := &github.ListOptions{PerPage: perPage}
	for {
		cm, resp, err := c.gh.Repositories.GetCommit(ctx, repo.Owner, repo.Name, sha, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, f := range cm.Files {
			out = append(out, f.GetFilename())
			if f.GetPreviousFilename() != "" {
				out = append(out, f.GetPreviousFilename())
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// IsTeamMember implements GitHub: an active membership counts; a pending
// invitation does not.
func (c *Client) IsTeamMember(ctx context.Context, org, team, login string) (bool, error) {
	m, _, err := c.gh.Teams.GetTeamMembershipBySlug(ctx, org, team, login)
	if err != nil {
		if errors.Is(wrap(err), ErrNotFound) {
			return false, nil
		}
		return false, wrap(err)
	}
	return m.GetState() == "active", nil
}

func (c *Client) isBot(u *github.User) bool {
	return c.BotLogin == "" || strings.EqualFold(u.GetLogin(), c.BotLogin)
}

// BotComment implements GitHub.
func (c *Client) BotComment(ctx context.Context, repo Repo, number int) (*Comment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := c.gh.Issues.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, cm := range cs {
			if c.isBot(cm.GetUser()) && strings.Contains(cm.GetBody(), SummaryMarker) {
				return &Comment{ID: cm.GetID(), Body: cm.GetBody()}, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// BotFingerprints implements GitHub.
func (c *Client) BotFingerprints(ctx context.Context, repo Repo, number int) (map[string]bool, error) {
	out := map[string]bool{}
	opts := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := c.gh.PullRequests.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, cm := range cs {
			if fp := FingerprintOf(cm.GetBody()); fp != "" && c.isBot(cm.GetUser()) {
				out[fp] = true
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// CheckRuns implements GitHub.
func (c *Client) CheckRuns(ctx context.Context, repo Repo, sha, name string) ([]CheckRun, error) {
	var out []CheckRun
	opts := &github.ListCheckRunsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	if name != "" {
		opts.CheckName = github.String(name)
	}
	for {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, repo.Owner, repo.Name, sha, opts)
		if err != nil {
			return nil, wrap(err)
		}
		for _, cr := range res.CheckRuns {
			out = append(out, CheckRun{
				ID: cr.GetID(), Name: cr.GetName(), AppID: cr.GetApp().GetID(), HeadSHA: cr.GetHeadSHA(),
				Status: cr.GetStatus(), Conclusion: cr.GetConclusion(), ExternalID: cr.GetExternalID(),
				Title: cr.GetOutput().GetTitle(), Summary: cr.GetOutput().GetSummary(), Text: cr.GetOutput().GetText(),
				Annotations: cr.GetOutput().GetAnnotationsCount(),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// AddLabels implements GitHub (GitHub creates labels that do not exist).
func (c *Client) AddLabels(ctx context.Context, repo Repo, number int, labels []string) error {
	_, _, err := c.gh.Issues.AddLabelsToIssue(ctx, repo.Owner, repo.Name, number, labels)
	return wrap(err)
}

// RemoveLabel implements GitHub.
func (c *Client) RemoveLabel(ctx context.Context, repo Repo, number int, label string) error {
	// go-github puts the name in the path as it is: "a/b", "a?b" or "a#b"
	// would name another resource (GitHub answers 404) and "50%" fails.
	_, err := c.gh.Issues.RemoveLabelForIssue(ctx, repo.Owner, repo.Name, number, url.PathEscape(label))
	return wrap(err)
}

// RequestReviewers implements GitHub. When GitHub refuses the whole
// request (422: one reviewer lacks access, say), each reviewer is asked
// alone so the others still get the request.
func (c *Client) RequestReviewers(ctx context.Context, repo Repo, number int, users, teams []string) error {
	req := github.ReviewersRequest{Reviewers: users, TeamReviewers: teams}
	_, _, err := c.gh.PullRequests.RequestReviewers(ctx, repo.Owner, repo.Name, number, req)
	if err == nil || len(users)+len(teams) == 1 {
		return wrap(err)
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
		return wrap(err)
	}
	var errs []error
	for _, u := range users {
		if _, _, err := c.gh.PullRequests.RequestReviewers(ctx, repo.Owner, repo.Name, number, github.ReviewersRequest{Reviewers: []string{u}}); err != nil {
			errs = append(errs, fmt.Errorf("@%s: %w", u, wrap(err)))
		}
	}
	for _, t := range teams {
		if _, _, err := c.gh.PullRequests.RequestReviewers(ctx, repo.Owner, repo.Name, number, github.ReviewersRequest{TeamReviewers: []string{t}}); err != nil {
			errs = append(errs, fmt.Errorf("team %s: %w", t, wrap(err)))
		}
	}
	return errors.Join(errs...)
}

// CreateComment implements GitHub. The new comment's id is noted for the
// Reviewer (see withWrites), so it need not list the comments to find it.
func (c *Client) CreateComment(ctx context.Context, repo Repo, number int, body string) error {
	cm, _, err := c.gh.Issues.CreateComment(ctx, repo.Owner, repo.Name, number, &github.IssueComment{Body: github.String(body)})
	if err == nil {
		noteComment(ctx, cm.GetID())
	}
	return wrap(err)
}

// compareFiles is the most files GitHub's compare lists.
const compareFiles = 300

// Compare implements GitHub. The files are on the first page whatever
// the page size, which only bounds the commits listed.
func (c *Client) Compare(ctx context.Context, repo Repo, base, head string) (*Comparison, error) {
	cmp, _, err := c.gh.Repositories.CompareCommits(ctx, repo.Owner, repo.Name, base, head, &github.ListOptions{PerPage: 1})
	if err != nil {
		return nil, wrap(err)
	}
	out := &Comparison{Status: cmp.GetStatus(), Truncated: len(cmp.Files) >= compareFiles}
	for _, f := range cmp.Files {
		cf := ChangedFile{Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(), Status: f.GetStatus(), SHA: f.GetSHA()}
		if cf.Status == "removed" {
			cf.SHA = ""
		}
		out.Files = append(out.Files, cf)
	}
	return out, nil
}

// Archive implements GitHub: GET /repos/{owner}/{repo}/tarball/{commit}
// answers with a redirect to the download, which is streamed: a gzip'd tar
// whose files are under one top folder (<owner>-<repo>-<sha7>/).
func (c *Client) Archive(ctx context.Context, repo Repo, commit string, keep func(path string, size int64) bool) (*Archive, error) {
	link, _, err := c.gh.Repositories.GetArchiveLink(ctx, repo.Owner, repo.Name, github.Tarball, &github.RepositoryContentGetOptions{Ref: commit}, 0)
	if err != nil {
		return nil, wrap(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link.String(), nil)
	if err != nil {
		return nil, err
	}
	hc := c.Download
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading the tarball: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading the tarball: %s", resp.Status)
	}
	maxBytes, maxFile := c.MaxArchiveBytes, c.MaxArchiveFile
	if maxBytes <= 0 {
		maxBytes = 2 << 30
	}
	if maxFile <= 0 {
		maxFile = 8 << 20
	}
	return readTarball(resp.Body, keep, maxBytes, maxFile)
}

// EditComment implements GitHub.
func (c *Client) EditComment(ctx context.Context, repo Repo, id int64, body string) error {
	_, _, err := c.gh.Issues.EditComment(ctx, repo.Owner, repo.Name, id, &github.IssueComment{Body: github.String(body)})
	return wrap(err)
}

// CreateReview implements GitHub: one COMMENT review holding the comments.
func (c *Client) CreateReview(ctx context.Context, repo Repo, number int, commit string, comments []InlineComment) error {
	req := &github.PullRequestReviewRequest{
		CommitID: github.String(commit),
		Event:    github.String("COMMENT"),
		Body:     github.String(fmt.Sprintf("clearance found %s in the drafts; see the comments on the lines below. The summary comment says what to do next.", plural(len(comments), "problem"))),
	}
	for _, ic := range comments {
		req.Comments = append(req.Comments, &github.DraftReviewComment{
			Path: github.String(ic.Path), Line: github.Int(ic.Line), Side: github.String("RIGHT"), Body: github.String(ic.Body),
		})
	}
	_, _, err := c.gh.PullRequests.CreateReview(ctx, repo.Owner, repo.Name, number, req)
	return wrap(err)
}

// maxAnnotations is how many annotations GitHub takes per request.
const maxAnnotations = 50

func checkOutput(out CheckOutput, batch []Annotation) *github.CheckRunOutput {
	o := &github.CheckRunOutput{Title: github.String(out.Title), Summary: github.String(out.Summary)}
	if out.Text != "" {
		o.Text = github.String(out.Text)
	}
	for _, a := range batch {
		o.Annotations = append(o.Annotations, &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(a.Line), EndLine: github.Int(a.Line),
			AnnotationLevel: github.String(a.Level), Title: github.String(a.Title), Message: github.String(a.Message),
		})
	}
	return o
}

func batches(as []Annotation) [][]Annotation {
	var out [][]Annotation
	for len(as) > maxAnnotations {
		out = append(out, as[:maxAnnotations])
		as = as[maxAnnotations:]
	}
	return append(out, as)
}

// CreateCheckRun implements GitHub.
func (c *Client) CreateCheckRun(ctx context.Context, repo Repo, out CheckOutput) (int64, error) {
	bs := batches(out.Annotations)
	opts := github.CreateCheckRunOptions{
		Name: out.Name, HeadSHA: out.HeadSHA, Status: github.String("completed"), Conclusion: github.String(out.Conclusion),
		CompletedAt: &github.Timestamp{Time: time.Now()}, ExternalID: github.String(out.ExternalID), Output: checkOutput(out, bs[0]),
	}
	if out.DetailsURL != "" {
		opts.DetailsURL = github.String(out.DetailsURL)
	}
	cr, _, err := c.gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	if err != nil {
		return 0, wrap(err)
	}
	return cr.GetID(), c.moreAnnotations(ctx, repo, cr.GetID(), out, bs[1:])
}

// UpdateCheckRun implements GitHub. GitHub appends the annotations of each
// update to those the run already has.
func (c *Client) UpdateCheckRun(ctx context.Context, repo Repo, id int64, out CheckOutput) error {
	bs := batches(out.Annotations)
	opts := github.UpdateCheckRunOptions{
		Name: out.Name, Status: github.String("completed"), Conclusion: github.String(out.Conclusion),
		CompletedAt: &github.Timestamp{Time: time.Now()}, ExternalID: github.String(out.ExternalID), Output: checkOutput(out, bs[0]),
	}
	if out.DetailsURL != "" {
		opts.DetailsURL = github.String(out.DetailsURL)
	}
	if _, _, err := c.gh.Checks.UpdateCheckRun(ctx, repo.Owner, repo.Name, id, opts); err != nil {
		return wrap(err)
	}
	return c.moreAnnotations(ctx, repo, id, out, bs[1:])
}

func (c *Client) moreAnnotations(ctx context.Context, repo Repo, id int64, out CheckOutput, rest [][]Annotation) error {
	for _, b := range rest {
		opts := github.UpdateCheckRunOptions{Name: out.Name, Output: checkOutput(out, b)}
		if _, _, err := c.gh.Checks.UpdateCheckRun(ctx, repo.Owner, repo.Name, id, opts); err != nil {
			return wrap(err)
		}
	}
	return nil
}

// plainReadError says in plain words why GitHub could not be read, without
// the HTTP details (they go in the check's details).
func plainReadError(err error) string {
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "ran out of time"):
		return "GitHub answered too slowly"
	case errors.As(err, &rl) || errors.As(err, &ab):
		return "GitHub asked clearance to wait before asking it again"
	case errors.Is(err, ErrNotFound):
		return "something it needed was not on GitHub any more (a branch or file deleted meanwhile?)"
	}
	return "GitHub could not be read"
}
