package githubtest

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/google/go-github/v60/github"
)

// maxContentSize is the largest file the contents API returns inline;
// larger files come back with encoding "none" and empty content.
const maxContentSize = 1 << 20

// permissions, strongest first, and their legacy names.
var permissionRank = map[string]int{"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}

var legacyPermission = map[string]string{
	"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read", "none": "none",
}

// SetPermission grants user a role on a repository: "admin", "maintain",
// "write", "triage", "read" or "none".
func (s *Server) SetPermission(owner, repo, user, perm string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := permissionRank[perm]; !ok {
		s.fatalf("unknown permission %q", perm)
	}
	s.mustRepo(owner, repo).perms[strings.ToLower(user)] = perm
}

// permission is user's effective role: an explicit grant, "admin" for the
// owning user, "read" for members of the owning organization (their base
// permission), "none" otherwise.
func (s *Server) permission(r *Repo, user string) string {
	if p, ok := r.perms[strings.ToLower(user)]; ok {
		return p
	}
	if strings.EqualFold(user, r.Owner) {
		return "admin"
	}
	if o := s.orgs[strings.ToLower(r.Owner)]; o != nil && o.members[strings.ToLower(user)] {
		return "read"
	}
	return "none"
}

// authorAssociation is GitHub's author_association of user on r.
func (s *Server) authorAssociation(r *Repo, user string) string {
	switch {
	case strings.EqualFold(user, r.Owner):
		return "OWNER"
	case s.orgs[strings.ToLower(r.Owner)] != nil && s.orgs[strings.ToLower(r.Owner)].members[strings.ToLower(user)]:
		return "MEMBER"
	case r.perms[strings.ToLower(user)] != "" && r.perms[strings.ToLower(user)] != "none":
		return "COLLABORATOR"
	}
	return "NONE"
}

func (s *Server) repoJSON(r *Repo) *github.Repository {
	api := s.repoAPI(r)
	pushed := r.created
	for _, sha := range r.branches {
		if w := r.commit(sha).committer.when; w.After(pushed) {
			pushed = w
		}
	}
	html := htmlBase + "/" + r.FullName
	open := 0
	for _, p := range r.pulls {
		if p.state == "open" {
			open++
		}
	}
	return &github.Repository{
		ID:               ptr(r.ID),
		NodeID:           ptr(nodeID("Repository", r.ID)),
		Name:             ptr(r.Name),
		FullName:         ptr(r.FullName),
		Owner:            s.userJSON(r.Owner),
		Private:          ptr(true),
		Visibility:       ptr("private"),
		Fork:             ptr(false),
		Archived:         ptr(false),
		Disabled:         ptr(false),
		IsTemplate:       ptr(false),
		DefaultBranch:    ptr(r.DefaultBranch),
		HTMLURL:          ptr(html),
		URL:              ptr(api),
		ArchiveURL:       ptr(api + "/{archive_format}{/ref}"),
		AssigneesURL:     ptr(api + "/assignees{/user}"),
		BlobsURL:         ptr(api + "/git/blobs{/sha}"),
		BranchesURL:      ptr(api + "/branches{/branch}"),
		CollaboratorsURL: ptr(api + "/collaborators{/collaborator}"),
		CommentsURL:      ptr(api + "/comments{/number}"),
		CommitsURL:       ptr(api + "/commits{/sha}"),
		CompareURL:       ptr(api + "/compare/{base}...{head}"),
		ContentsURL:      ptr(api + "/contents/{+path}"),
		ContributorsURL:  ptr(api + "/contributors"),
		DeploymentsURL:   ptr(api + "/deployments"),
		DownloadsURL:     ptr(api + "/downloads"),
		EventsURL:        ptr(api + "/events"),
		ForksURL:         ptr(api + "/forks"),
		GitCommitsURL:    ptr(api + "/git/commits{/sha}"),
		GitRefsURL:       ptr(api + "/git/refs{/sha}"),
		GitTagsURL:       ptr(api + "/git/tags{/sha}"),
		HooksURL:         ptr(api + "/hooks"),
		IssueCommentURL:  ptr(api + "/issues/comments{/number}"),
		IssueEventsURL:   ptr(api + "/issues/events{/number}"),
		IssuesURL:        ptr(api + "/issues{/number}"),
		KeysURL:          ptr(api + "/keys{/key_id}"),
		LabelsURL:        ptr(api + "/labels{/name}"),
		LanguagesURL:     ptr(api + "/languages"),
		MergesURL:        ptr(api + "/merges"),
		MilestonesURL:    ptr(api + "/milestones{/number}"),
		NotificationsURL: ptr(api + "/notifications{?since,all,participating}"),
		PullsURL:         ptr(api + "/pulls{/number}"),
		ReleasesURL:      ptr(api + "/releases{/id}"),
		StargazersURL:    ptr(api + "/stargazers"),
		StatusesURL:      ptr(api + "/statuses/{sha}"),
		SubscribersURL:   ptr(api + "/subscribers"),
		SubscriptionURL:  ptr(api + "/subscription"),
		TagsURL:          ptr(api + "/tags"),
		TeamsURL:         ptr(api + "/teams"),
		TreesURL:         ptr(api + "/git/trees{/sha}"),
		CloneURL:         ptr(html + ".git"),
		GitURL:           ptr("git:" + strings.TrimPrefix(html, "https:") + ".git"),
		SSHURL:           ptr("git@" + strings.TrimPrefix(htmlBase, "https://") + ":" + r.FullName + ".git"),
		SVNURL:           ptr(html),
		Size:             ptr(0),
		StargazersCount:  ptr(0),
		WatchersCount:    ptr(0),
		Watchers:         ptr(0),
		ForksCount:       ptr(0),
		OpenIssuesCount:  ptr(open),
		OpenIssues:       ptr(open),
		HasIssues:        ptr(true),
		HasProjects:      ptr(false),
		HasWiki:          ptr(false),
		HasPages:         ptr(false),
		HasDownloads:     ptr(true),
		HasDiscussions:   ptr(false),
		CreatedAt:        ts(r.created),
		UpdatedAt:        ts(pushed),
		PushedAt:         ts(pushed),
	}
}

// GET /repos/{owner}/{repo}
func (s *Server) getRepo(c *reqCtx) *response {
	// The full repository has counts the embedded ones lack.
	rj := s.repoJSON(c.repo)
	rj.NetworkCount, rj.SubscribersCount = ptr(0), ptr(0)
	return jsonResp(http.StatusOK, rj)
}

// GET /repos/{owner}/{repo}/contents/{path}?ref=
func (s *Server) getContents(c *reqCtx) *response {
	r := c.repo
	ref := c.query("ref")
	cm := r.resolve(ref)
	if cm == nil {
		return errResp(http.StatusNotFound, "No commit found for the ref "+ref)
	}
	if ref == "" {
		ref = r.DefaultBranch
	}
	p := c.params["path"]
	e, ok := r.lookupPath(cm.tree, p)
	if !ok {
		return notFound()
	}
	if e.typ == "blob" {
		data := r.objects[e.sha].data
		if strings.Contains(c.r.Header.Get("Accept"), "vnd.github.raw") || strings.Contains(c.r.Header.Get("Accept"), "vnd.github.v3.raw") {
			return &response{status: http.StatusOK, body: data,
				header: http.Header{"Content-Type": {"application/vnd.github.raw; charset=utf-8"}}}
		}
		rc := s.contentJSON(r, ref, cm.sha, p, e)
		rc.Encoding, rc.Content = ptr("base64"), ptr(base64Wrapped(data))
		if len(data) > maxContentSize {
			rc.Encoding, rc.Content = ptr("none"), ptr("")
		}
		return jsonResp(http.StatusOK, rc)
	}
	var out []*github.RepositoryContent
	for _, child := range r.objects[e.sha].tree {
		out = append(out, s.contentJSON(r, ref, cm.sha, path.Join(p, child.name), child))
	}
	return jsonResp(http.StatusOK, orEmpty(out))
}

// contentJSON renders a contents API entry without content.
func (s *Server) contentJSON(r *Repo, ref, commitSHA, p string, e treeEntry) *github.RepositoryContent {
	esc := (&url.URL{Path: p}).EscapedPath()
	rc := &github.RepositoryContent{
		Name: ptr(path.Base(p)),
		Path: ptr(p),
		SHA:  ptr(e.sha),
		URL:  ptr(s.repoAPI(r) + "/contents/" + esc + "?ref=" + url.QueryEscape(ref)),
	}
	if e.typ == "blob" {
		rc.Type = ptr("file")
		rc.Size = ptr(len(r.objects[e.sha].data))
		rc.GitURL = ptr(s.repoAPI(r) + "/git/blobs/" + e.sha)
		rc.HTMLURL = ptr(htmlBase + "/" + r.FullName + "/blob/" + ref + "/" + esc)
		rc.DownloadURL = ptr(s.base + "/raw/" + r.FullName + "/" + commitSHA + "/" + esc)
	} else {
		rc.Type = ptr("dir")
		rc.Size = ptr(0)
		rc.GitURL = ptr(s.repoAPI(r) + "/git/trees/" + e.sha)
		rc.HTMLURL = ptr(htmlBase + "/" + r.FullName + "/tree/" + ref + "/" + esc)
	}
	return rc
}

// GET /raw/{owner}/{repo}/{ref}/{path} serves download_url (the stand-in for
// raw.githubusercontent.com; no authentication, like a signed raw URL).
func (s *Server) getRaw(c *reqCtx) *response {
	r := s.repos[strings.ToLower(c.params["owner"]+"/"+c.params["repo"])]
	if r == nil {
		return notFound()
	}
	cm := r.resolve(c.params["ref"])
	if cm == nil {
		return notFound()
	}
	sha, ok := cm.files[c.params["path"]]
	if !ok {
		return notFound()
	}
	return &response{status: http.StatusOK, body: r.objects[sha].data,
		header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}}
}

// GET /repos/{owner}/{repo}/collaborators/{user}: 204 or 404
func (s *Server) checkCollaborator(c *reqCtx) *response {
	if s.permission(c.repo, c.params["user"]) == "none" {
		return notFound()
	}
	return noContent()
}

// GET /repos/{owner}/{repo}/collaborators/{user}/permission
func (s *Server) getPermission(c *reqCtx) *response {
	perm := s.permission(c.repo, c.params["user"])
	u := s.userJSON(c.params["user"])
	u.RoleName = ptr(perm)
	u.Permissions = map[string]bool{}
	for _, p := range []string{"read", "triage", "write", "maintain", "admin"} {
		name := map[string]string{"read": "pull", "write": "push"}[p]
		if name == "" {
			name = p
		}
		u.Permissions[name] = permissionRank[perm] >= permissionRank[p]
	}
	return jsonResp(http.StatusOK, struct {
		Permission string       `json:"permission"`
		RoleName   string       `json:"role_name"`
		User       *github.User `json:"user"`
	}{legacyPermission[perm], perm, u})
}

// commitFileJSON renders a diff entry as GitHub's file object.
func (s *Server) commitFileJSON(r *Repo, d *fileDiff, baseSHA, headSHA string) *github.CommitFile {
	at := headSHA
	if d.status == "removed" {
		at = baseSHA
	}
	esc := (&url.URL{Path: d.path}).EscapedPath()
	f := &github.CommitFile{
		SHA:         ptr(d.sha()),
		Filename:    ptr(d.path),
		Status:      ptr(d.status),
		Additions:   ptr(d.additions),
		Deletions:   ptr(d.deletions),
		Changes:     ptr(d.additions + d.deletions),
		BlobURL:     ptr(htmlBase + "/" + r.FullName + "/blob/" + at + "/" + esc),
		RawURL:      ptr(htmlBase + "/" + r.FullName + "/raw/" + at + "/" + esc),
		ContentsURL: ptr(s.repoAPI(r) + "/contents/" + esc + "?ref=" + at),
	}
	if d.hasPatch() {
		f.Patch = ptr(d.patch())
	}
	if d.prevPath != "" {
		f.PreviousFilename = ptr(d.prevPath)
	}
	return f
}

// repoCommitJSON renders a commit as the repository commits API does; with
// files it includes stats and the diff against the first parent.
func (s *Server) repoCommitJSON(r *Repo, cm *commitObj, withFiles bool) *github.RepositoryCommit {
	git := s.gitCommitJSON(r, cm)
	rc := &github.RepositoryCommit{
		SHA:         ptr(cm.sha),
		NodeID:      git.NodeID,
		HTMLURL:     git.HTMLURL,
		URL:         ptr(s.repoAPI(r) + "/commits/" + cm.sha),
		CommentsURL: ptr(s.repoAPI(r) + "/commits/" + cm.sha + "/comments"),
		Parents:     git.Parents,
	}
	git.SHA, git.NodeID, git.HTMLURL, git.Parents = nil, nil, nil, nil
	git.CommentCount = ptr(0)
	rc.Commit = git
	if cm.author.login != "" {
		rc.Author = s.userJSON(cm.author.login)
	}
	if cm.committer.login != "" {
		rc.Committer = s.userJSON(cm.committer.login)
	}
	if withFiles {
		parent := ""
		if len(cm.parents) > 0 {
			parent = cm.parents[0]
		}
		add, del := 0, 0
		rc.Files = []*github.CommitFile{}
		for _, d := range r.diff(parent, cm.sha) {
			rc.Files = append(rc.Files, s.commitFileJSON(r, d, parent, cm.sha))
			add, del = add+d.additions, del+d.deletions
		}
		rc.Stats = &github.CommitStats{Additions: ptr(add), Deletions: ptr(del), Total: ptr(add + del)}
	}
	return rc
}

// GET /repos/{owner}/{repo}/commits, /commits/{ref}, /commits/{ref}/check-runs,
// /commits/{ref}/status and /commits/{ref}/statuses. One route serves them
// all because refs may contain "/".
func (s *Server) getCommitRoutes(c *reqCtx) *response {
	rest := c.params["ref"]
	for suffix, h := range map[string]func(*reqCtx, string) *response{
		"/check-runs": s.listCheckRunsForRef,
		"/status":     s.combinedStatus,
		"/statuses":   s.listStatuses,
	} {
		if ref, ok := strings.CutSuffix(rest, suffix); ok && ref != "" {
			return h(c, ref)
		}
	}
	if rest == "" {
		return s.listCommits(c)
	}
	cm := c.repo.resolve(rest)
	if cm == nil {
		return errResp(http.StatusUnprocessableEntity, "No commit found for SHA: "+rest)
	}
	return jsonResp(http.StatusOK, s.repoCommitJSON(c.repo, cm, true))
}

// GET /repos/{owner}/{repo}/commits?sha=&path= (newest first)
func (s *Server) listCommits(c *reqCtx) *response {
	r := c.repo
	head := r.resolve(c.query("sha"))
	if head == nil {
		return notFound()
	}
	filter := strings.Trim(c.query("path"), "/")
	all := r.commitsBetween("", head.sha)
	var out []*github.RepositoryCommit
	for i := len(all) - 1; i >= 0; i-- {
		cm := all[i]
		if filter != "" {
			var before map[string]string
			if len(cm.parents) > 0 {
				before = r.commit(cm.parents[0]).files
			}
			if !touches(before, cm.files, filter) {
				continue
			}
		}
		out = append(out, s.repoCommitJSON(r, cm, false))
	}
	return jsonResp(http.StatusOK, paginate(s, c, orEmpty(out)))
}

// touches reports whether a path (file or directory) differs between two
// snapshots.
func touches(a, b map[string]string, p string) bool {
	in := func(f string) bool { return f == p || strings.HasPrefix(f, p+"/") }
	for f, sha := range b {
		if in(f) && a[f] != sha {
			return true
		}
	}
	for f := range a {
		if _, ok := b[f]; in(f) && !ok {
			return true
		}
	}
	return false
}

// GET /repos/{owner}/{repo}/compare/{base}...{head} (also base..head for a
// direct comparison)
func (s *Server) compareCommits(c *reqCtx) *response {
	r := c.repo
	bh := c.params["basehead"]
	base, head, threeDot := strings.Cut(bh, "...")
	if !threeDot {
		var ok bool
		if base, head, ok = strings.Cut(bh, ".."); !ok {
			return notFound()
		}
	}
	strip := func(ref string) (string, bool) {
		if owner, rest, ok := strings.Cut(ref, ":"); ok {
			return rest, strings.EqualFold(owner, r.Owner)
		}
		return ref, true
	}
	base, okb := strip(base)
	head, okh := strip(head)
	bc, hc := r.resolve(base), r.resolve(head)
	if !okb || !okh || bc == nil || hc == nil || base == "" || head == "" {
		return notFound()
	}
	mb := r.mergeBase(bc.sha, hc.sha)
	ahead := r.commitsBetween(bc.sha, hc.sha)
	behind := r.commitsBetween(hc.sha, bc.sha)
	status := "diverged"
	switch {
	case len(ahead) == 0 && len(behind) == 0:
		status = "identical"
	case len(behind) == 0:
		status = "ahead"
	case len(ahead) == 0:
		status = "behind"
	}
	from := bc.sha
	if threeDot {
		from = mb
	}
	var files []*github.CommitFile
	for _, d := range r.diff(from, hc.sha) {
		files = append(files, s.commitFileJSON(r, d, from, hc.sha))
	}
	var commits []*github.RepositoryCommit
	for _, cm := range ahead {
		commits = append(commits, s.repoCommitJSON(r, cm, false))
	}
	out := &github.CommitsComparison{
		BaseCommit:   s.repoCommitJSON(r, bc, false),
		Status:       ptr(status),
		AheadBy:      ptr(len(ahead)),
		BehindBy:     ptr(len(behind)),
		TotalCommits: ptr(len(ahead)),
		Commits:      orEmpty(commits),
		Files:        orEmpty(files),
		HTMLURL:      ptr(htmlBase + "/" + r.FullName + "/compare/" + bh),
		PermalinkURL: ptr(htmlBase + "/" + r.FullName + "/compare/" + bc.sha + "..." + hc.sha),
		DiffURL:      ptr(htmlBase + "/" + r.FullName + "/compare/" + bh + ".diff"),
		PatchURL:     ptr(htmlBase + "/" + r.FullName + "/compare/" + bh + ".patch"),
		URL:          ptr(s.repoAPI(r) + "/compare/" + bh),
	}
	if mb != "" {
		out.MergeBaseCommit = s.repoCommitJSON(r, r.commit(mb), false)
	}
	return jsonResp(http.StatusOK, out)
}
