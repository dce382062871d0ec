package githubtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Repo is a repository of the fake. Its exported fields are fixed at
// creation; everything else is reached through Server methods.
type Repo struct {
	ID            int64
	Owner         string
	Name          string
	FullName      string // "owner/name"
	DefaultBranch string

	created   time.Time
	objects   map[string]*object // git objects by SHA
	branches  map[string]string  // branch -> commit SHA
	diffs     map[string][]*fileDiff
	number    int // last issue/PR number
	pulls     map[int]*pull
	issues    map[int]*issue
	labels    []*label
	comments  map[int64]*issueComment
	perms     map[string]string // lower(login) -> permission
	checkRuns []*checkRun
	suites    map[string]int64 // "appID/headSHA" -> check suite ID
	statuses  []*commitStatus
	special   map[string]string // path+"\x00"+sha -> tree mode of a symlink or submodule (zz_special.go)
}

// object is a git object. data is what git hashes after the header.
type object struct {
	typ    string // "blob", "tree", "commit"
	data   []byte
	tree   []treeEntry // typ == "tree"
	commit *commitObj  // typ == "commit"
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	mode string // "100644" or "040000" as the API shows it
	typ  string // "blob" or "tree"
	sha  string
}

type signature struct {
	name, email string
	when        time.Time
	// login is the GitHub account the email belongs to ("" none): the
	// REST API's author and committer of a commit.
	login string
}

type commitObj struct {
	sha       string
	tree      string
	parents   []string
	message   string
	author    signature
	committer signature
	files     map[string]string // flattened snapshot: path -> blob SHA
}

// Commit identity used by the test helpers.
const (
	commitAuthorName  = "githubtest"
	commitAuthorEmail = "githubtest@users.noreply.github.com"
)

// BlobSHA is git's blob hash of content: sha1("blob <len>\x00" + content),
// i.e. what `git hash-object` prints.
func BlobSHA(content string) string { return hashObject("blob", []byte(content)) }

func hashObject(typ string, data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", typ, len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (r *Repo) put(o *object) string {
	sha := hashObject(o.typ, o.data)
	if _, ok := r.objects[sha]; !ok {
		r.objects[sha] = o
	}
	return sha
}

func (r *Repo) writeBlob(content []byte) string {
	return r.put(&object{typ: "blob", data: content})
}

// writeTree stores the tree objects for a flattened snapshot and returns the
// root tree's SHA. Entries are ordered as git orders them: by name, with
// subtree names compared as if they ended in "/".
func (r *Repo) writeTree(files map[string]string) string { return r.writeTreeAt("", files) }

// writeTreeAt is writeTree for the subtree at prefix ("" or "dir/").
func (r *Repo) writeTreeAt(prefix string, files map[string]string) string {
	entries := map[string]treeEntry{}
	subdirs := map[string]map[string]string{}
	for p, sha := range files {
		if dir, rest, ok := strings.Cut(p, "/"); ok {
			if subdirs[dir] == nil {
				subdirs[dir] = map[string]string{}
			}
			subdirs[dir][rest] = sha
		} else {
			mode, typ := r.entryMode(prefix+p, sha) // zz_special.go
			entries[p] = treeEntry{name: p, mode: mode, typ: typ, sha: sha}
		}
	}
	for dir, sub := range subdirs {
		entries[dir] = treeEntry{name: dir, mode: "040000", typ: "tree", sha: r.writeTreeAt(prefix+dir+"/", sub)}
	}
	list := make([]treeEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	sortKey := func(e treeEntry) string {
		if e.typ == "tree" {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(list, func(i, j int) bool { return sortKey(list[i]) < sortKey(list[j]) })
	var buf bytes.Buffer
	for _, e := range list {
		mode := e.mode
		if e.typ == "tree" {
			mode = "40000" // git writes tree modes without the leading zero
		}
		raw, _ := hex.DecodeString(e.sha)
		fmt.Fprintf(&buf, "%s %s\x00", mode, e.name)
		buf.Write(raw)
	}
	return r.put(&object{typ: "tree", data: buf.Bytes(), tree: list})
}

// writeCommit stores a commit object for a snapshot.
func (r *Repo) writeCommit(files map[string]string, parents []string, message string, sig signature) string {
	tree := r.writeTree(files)
	if !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&buf, "parent %s\n", p)
	}
	stamp := fmt.Sprintf("%s <%s> %d +0000", sig.name, sig.email, sig.when.Unix())
	fmt.Fprintf(&buf, "author %s\ncommitter %s\n\n%s", stamp, stamp, message)
	c := &commitObj{tree: tree, parents: parents, message: message, author: sig, committer: sig, files: files}
	c.sha = r.put(&object{typ: "commit", data: buf.Bytes(), commit: c})
	return r.objects[c.sha].commit.sha
}

func (r *Repo) commit(sha string) *commitObj {
	if o := r.objects[sha]; o != nil && o.typ == "commit" {
		return o.commit
	}
	return nil
}

// resolve turns a ref (branch, "refs/heads/x", "heads/x", full or
// abbreviated commit SHA; "" for the default branch) into a commit.
func (r *Repo) resolve(ref string) *commitObj {
	if ref == "" {
		ref = r.DefaultBranch
	}
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "refs/"), "heads/")
	if sha, ok := r.branches[ref]; ok {
		return r.commit(sha)
	}
	if c := r.commit(strings.ToLower(ref)); c != nil {
		return c
	}
	if len(ref) >= 4 && len(ref) < 40 && isHex(ref) {
		var found *commitObj
		for sha, o := range r.objects {
			if o.typ == "commit" && strings.HasPrefix(sha, strings.ToLower(ref)) {
				if found != nil {
					return nil // ambiguous
				}
				found = o.commit
			}
		}
		return found
	}
	return nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s + s[:len(s)%2])
	return err == nil
}

// lookupPath walks tree objects from root to p ("" is the root itself).
func (r *Repo) lookupPath(root, p string) (treeEntry, bool) {
	e := treeEntry{mode: "040000", typ: "tree", sha: root}
	if p == "" {
		return e, true
	}
	for _, part := range strings.Split(p, "/") {
		if e.typ != "tree" {
			return treeEntry{}, false
		}
		found := false
		for _, child := range r.objects[e.sha].tree {
			if child.name == part {
				e, found = child, true
				break
			}
		}
		if !found {
			return treeEntry{}, false
		}
	}
	return e, true
}

// ancestors returns every commit reachable from sha (inclusive).
func (r *Repo) ancestors(sha string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{sha}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[s] {
			continue
		}
		seen[s] = true
		if c := r.commit(s); c != nil {
			stack = append(stack, c.parents...)
		}
	}
	return seen
}

// mergeBase returns the best common ancestor of a and b (the newest
// commit reachable from both), or "" when they share no history.
func (r *Repo) mergeBase(a, b string) string {
	inA := r.ancestors(a)
	best := ""
	for sha := range r.ancestors(b) {
		if inA[sha] && (best == "" || r.commit(sha).committer.when.After(r.commit(best).committer.when)) {
			best = sha
		}
	}
	return best
}

// commitsBetween lists commits reachable from head but not from base,
// oldest first.
func (r *Repo) commitsBetween(base, head string) []*commitObj {
	exclude := map[string]bool{}
	if base != "" {
		exclude = r.ancestors(base)
	}
	var out []*commitObj
	for sha := range r.ancestors(head) {
		if !exclude[sha] {
			out = append(out, r.commit(sha))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].committer.when.Before(out[j].committer.when) })
	return out
}

// diff returns the file changes from commit a ("" for the empty tree) to b.
func (r *Repo) diff(a, b string) []*fileDiff {
	key := a + ".." + b
	if d, ok := r.diffs[key]; ok {
		return d
	}
	var old map[string]string
	if a != "" {
		old = r.commit(a).files
	}
	d := diffSnapshots(old, r.commit(b).files, func(sha string) []byte { return r.objects[sha].data })
	r.diffs[key] = d
	return d
}

// mustRepo finds a repository for a test helper.
func (s *Server) mustRepo(owner, name string) *Repo {
	r := s.repos[strings.ToLower(owner+"/"+name)]
	if r == nil {
		s.fatalf("no repository %s/%s", owner, name)
	}
	return r
}

// CreateRepo creates a private repository whose default branch (main when
// "") holds one commit with files (path -> content; paths use "/").
func (s *Server) CreateRepo(owner, name, defaultBranch string, files map[string]string) *Repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	if defaultBranch == "" {
		defaultBranch = "main"
	}
	key := strings.ToLower(owner + "/" + name)
	if s.repos[key] != nil {
		s.fatalf("repository %s/%s already exists", owner, name)
	}
	r := &Repo{
		ID: s.nextID("repo"), Owner: owner, Name: name, FullName: owner + "/" + name, DefaultBranch: defaultBranch,
		created: s.tick(), objects: map[string]*object{}, branches: map[string]string{},
		diffs: map[string][]*fileDiff{}, pulls: map[int]*pull{}, issues: map[int]*issue{},
		comments: map[int64]*issueComment{}, perms: map[string]string{}, suites: map[string]int64{},
	}
	snap := map[string]string{}
	s.applyFiles(r, snap, files, nil)
	r.branches[defaultBranch] = r.writeCommit(snap, nil, "Initial commit", s.signature())
	s.repos[key] = r
	s.repoList = append(s.repoList, r)
	return r
}

func (s *Server) signature() signature {
	return signature{name: commitAuthorName, email: commitAuthorEmail, when: s.tick()}
}

// applyFiles writes blobs for files into snap and removes deletes.
func (s *Server) applyFiles(r *Repo, snap, files map[string]string, deletes []string) {
	for _, p := range sortedKeys(files) {
		if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") ||
			path.Clean(p) != p || strings.HasPrefix(p, "../") || p == ".." {
			s.fatalf("bad file path %q", p)
		}
		snap[p] = r.writeBlob([]byte(files[p]))
	}
	for _, p := range deletes {
		if _, ok := snap[p]; !ok {
			s.fatalf("cannot delete %q: no such file", p)
		}
		delete(snap, p)
	}
	for p := range snap {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if _, ok := snap[dir]; ok {
				s.fatalf("%q is both a file and a directory", dir)
			}
		}
	}
}

// Commit adds a commit to branch (creating the branch from the default
// branch if needed) that writes files (path -> content) and deletes the
// paths in deletes. It returns the new commit's SHA. Open pull requests
// whose head is the branch now point at the new commit.
func (s *Server) Commit(owner, repo, branch string, files map[string]string, deletes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commitLocked(s.mustRepo(owner, repo), branch, files, deletes)
}

func (s *Server) commitLocked(r *Repo, branch string, files map[string]string, deletes []string) string {
	return s.commitEdit(r, branch, "", func(snap map[string]string) { s.applyFiles(r, snap, files, deletes) })
}

// commitEdit writes a commit on branch (created from the default branch
// if new) whose tree is the parent's edited by edit; message "" is
// "Update <branch>". Open pull requests of the branch are marked updated.
func (s *Server) commitEdit(r *Repo, branch, message string, edit func(snap map[string]string)) string {
	if branch == "" {
		branch = r.DefaultBranch
	}
	if message == "" {
		message = "Update " + branch
	}
	parentSHA, ok := r.branches[branch]
	if !ok {
		parentSHA = r.branches[r.DefaultBranch]
	}
	snap := map[string]string{}
	for p, sha := range r.commit(parentSHA).files {
		snap[p] = sha
	}
	edit(snap)
	sig := s.signature()
	if s.commitAs != "" {
		// A commit by a GitHub account (PushToPRAs): its noreply email.
		sig.name, sig.email, sig.login = s.commitAs, s.commitAs+"@users.noreply.github.com", s.commitAs
		s.commitAs = ""
	}
	sha := r.writeCommit(snap, []string{parentSHA}, message, sig)
	r.branches[branch] = sha
	for _, p := range r.pulls {
		if p.state == "open" && (p.head == branch || p.base == branch) {
			p.updated = sig.when
		}
	}
	return sha
}

// BranchSHA returns the commit SHA a branch points at ("" if none).
func (s *Server) BranchSHA(owner, repo, branch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustRepo(owner, repo).branches[branch]
}

// FileContent returns a file's content at ref (branch or SHA; "" for the
// default branch).
func (s *Server) FileContent(owner, repo, ref, filePath string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, repo)
	c := r.resolve(ref)
	if c == nil {
		return "", false
	}
	sha, ok := c.files[filePath]
	if !ok {
		return "", false
	}
	return string(r.objects[sha].data), true
}

// base64Wrapped encodes like GitHub (Ruby's Base64.encode64): lines of 60
// characters, each ending in "\n". Go's base64 decoders skip the newlines.
func base64Wrapped(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60])
		b.WriteByte('\n')
		enc = enc[60:]
	}
	if enc != "" {
		b.WriteString(enc)
		b.WriteByte('\n')
	}
	return b.String()
}

func (s *Server) repoAPI(r *Repo) string { return s.base + "/repos/" + r.FullName }

// GET /repos/{owner}/{repo}/git/blobs/{sha}
func (s *Server) getBlob(c *reqCtx) *response {
	sha := strings.ToLower(c.params["sha"])
	o := c.repo.objects[sha]
	if o == nil || o.typ != "blob" {
		return notFound()
	}
	if strings.Contains(c.r.Header.Get("Accept"), "raw") {
		return &response{status: http.StatusOK, body: o.data,
			header: http.Header{"Content-Type": {"application/vnd.github.raw; charset=utf-8"}}}
	}
	return jsonResp(http.StatusOK, &github.Blob{
		SHA:      ptr(sha),
		NodeID:   ptr(nodeID("Blob", c.repo.ID) + ":" + sha),
		Size:     ptr(len(o.data)),
		URL:      ptr(s.repoAPI(c.repo) + "/git/blobs/" + sha),
		Content:  ptr(base64Wrapped(o.data)),
		Encoding: ptr("base64"),
	})
}

// GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1 (sha may also be a
// commit SHA or a branch name)
func (s *Server) getTree(c *reqCtx) *response {
	r := c.repo
	sha := c.params["sha"]
	if o := r.objects[strings.ToLower(sha)]; o != nil && o.typ == "tree" {
		sha = strings.ToLower(sha)
	} else if cm := r.resolve(sha); cm != nil && sha != "" {
		sha = cm.tree
	} else {
		return notFound()
	}
	var entries []*github.TreeEntry
	var walk func(tree, prefix string)
	walk = func(tree, prefix string) {
		for _, e := range r.objects[tree].tree {
			te := &github.TreeEntry{Path: ptr(prefix + e.name), Mode: ptr(e.mode), Type: ptr(e.typ), SHA: ptr(e.sha)}
			if e.typ == "blob" {
				te.Size = ptr(len(r.objects[e.sha].data))
				te.URL = ptr(s.repoAPI(r) + "/git/blobs/" + e.sha)
			} else {
				te.URL = ptr(s.repoAPI(r) + "/git/trees/" + e.sha)
			}
			entries = append(entries, te)
			if e.typ == "tree" && c.query("recursive") != "" {
				walk(e.sha, prefix+e.name+"/")
			}
		}
	}
	walk(sha, "")
	return jsonResp(http.StatusOK, struct {
		SHA       string              `json:"sha"`
		URL       string              `json:"url"`
		Tree      []*github.TreeEntry `json:"tree"`
		Truncated bool                `json:"truncated"`
	}{sha, s.repoAPI(r) + "/git/trees/" + sha, orEmpty(entries), false})
}

// gitCommitJSON renders a commit as the git database API does.
func (s *Server) gitCommitJSON(r *Repo, cm *commitObj) *github.Commit {
	author := func(sg signature) *github.CommitAuthor {
		return &github.CommitAuthor{Name: ptr(sg.name), Email: ptr(sg.email), Date: ts(sg.when)}
	}
	var parents []*github.Commit
	for _, p := range cm.parents {
		parents = append(parents, &github.Commit{SHA: ptr(p), URL: ptr(s.repoAPI(r) + "/git/commits/" + p),
			HTMLURL: ptr(htmlBase + "/" + r.FullName + "/commit/" + p)})
	}
	return &github.Commit{
		SHA:       ptr(cm.sha),
		NodeID:    ptr(nodeID("Commit", r.ID) + ":" + cm.sha),
		URL:       ptr(s.repoAPI(r) + "/git/commits/" + cm.sha),
		HTMLURL:   ptr(htmlBase + "/" + r.FullName + "/commit/" + cm.sha),
		Author:    author(cm.author),
		Committer: author(cm.committer),
		Message:   ptr(strings.TrimSuffix(cm.message, "\n")),
		Tree:      &github.Tree{SHA: ptr(cm.tree)},
		Parents:   orEmpty(parents),
		Verification: &github.SignatureVerification{
			Verified: ptr(false), Reason: ptr("unsigned"),
		},
	}
}

// GET /repos/{owner}/{repo}/git/commits/{sha}
func (s *Server) getGitCommit(c *reqCtx) *response {
	cm := c.repo.commit(strings.ToLower(c.params["sha"]))
	if cm == nil {
		return notFound()
	}
	return jsonResp(http.StatusOK, s.gitCommitJSON(c.repo, cm))
}

// GET /repos/{owner}/{repo}/git/ref/{ref} (branches only: heads/{branch})
func (s *Server) getRef(c *reqCtx) *response {
	branch, ok := strings.CutPrefix(c.params["ref"], "heads/")
	sha := c.repo.branches[branch]
	if !ok || sha == "" {
		return notFound()
	}
	ref := "refs/heads/" + branch
	return jsonResp(http.StatusOK, &github.Reference{
		Ref:    ptr(ref),
		NodeID: ptr(nodeID("Ref", c.repo.ID) + ":" + ref),
		URL:    ptr(s.repoAPI(c.repo) + "/git/" + ref),
		Object: &github.GitObject{Type: ptr("commit"), SHA: ptr(sha), URL: ptr(s.repoAPI(c.repo) + "/git/commits/" + sha)},
	})
}
