package githubtest

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// gitBin returns the path of git, skipping the test when it is missing.
func gitBin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not on PATH")
	}
	return p
}

// runGit runs git in dir with a clean, deterministic environment.
func runGit(t *testing.T, dir, stdin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(gitBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var blobSamples = []string{
	"",
	"hello\n",
	"no trailing newline",
	"Ünïcödé ✓ posts\n",
	"binary\x00data\xff",
	strings.Repeat("long line of a planned post. ", 5000),
}

func TestBlobSHA(t *testing.T) {
	for _, content := range blobSamples {
		h := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(content), content)))
		if got, want := BlobSHA(content), hex.EncodeToString(h[:]); got != want {
			t.Errorf("BlobSHA(%.20q) = %s, want %s", content, got, want)
		}
	}
	if BlobSHA("") != "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" {
		t.Errorf("empty blob SHA = %s", BlobSHA(""))
	}
}

func TestBlobSHAMatchesGitHashObject(t *testing.T) {
	dir := t.TempDir()
	for _, content := range blobSamples {
		got := strings.TrimSpace(runGit(t, dir, content, nil, "hash-object", "--stdin"))
		if got != BlobSHA(content) {
			t.Errorf("git hash-object(%.20q) = %s, BlobSHA = %s", content, got, BlobSHA(content))
		}
	}
}

// TestTreeAndCommitMatchGit builds the same snapshot with real git and
// compares tree and commit SHAs.
func TestTreeAndCommitMatchGit(t *testing.T) {
	files := map[string]string{
		"README.md":            "# Planned posts\n",
		"posts/2024-01-01.md":  "Happy new year!\n",
		"posts/a-b.md":         "dash sorts before slash\n",
		"posts.txt":            "a file next to a directory of the same stem\n",
		"posts/deep/nested.md": "deep\n",
		"z":                    "",
	}
	s := NewServer(t)
	s.CreateRepo("acme", "posts", "main", files)
	client := s.Client(PersonalToken)
	head := s.BranchSHA("acme", "posts", "main")
	commit, _, err := client.Git.GetCommit(ctx, "acme", "posts", head)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	runGit(t, dir, "", nil, "init", "-q")
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, dir, "", nil, "add", "-A")
	tree := strings.TrimSpace(runGit(t, dir, "", nil, "write-tree"))
	if tree != commit.GetTree().GetSHA() {
		t.Fatalf("tree = %s, git write-tree = %s", commit.GetTree().GetSHA(), tree)
	}
	when := fmt.Sprintf("@%d +0000", commit.GetAuthor().GetDate().Unix())
	env := []string{
		"GIT_AUTHOR_NAME=" + commit.GetAuthor().GetName(), "GIT_AUTHOR_EMAIL=" + commit.GetAuthor().GetEmail(), "GIT_AUTHOR_DATE=" + when,
		"GIT_COMMITTER_NAME=" + commit.GetAuthor().GetName(), "GIT_COMMITTER_EMAIL=" + commit.GetAuthor().GetEmail(), "GIT_COMMITTER_DATE=" + when,
	}
	sha := strings.TrimSpace(runGit(t, dir, commit.GetMessage()+"\n", env, "commit-tree", tree))
	if sha != head {
		t.Fatalf("commit = %s, git commit-tree = %s", head, sha)
	}
}

func TestBlobsTreesContents(t *testing.T) {
	s, client := fixture(t)
	const post = "Happy new year!\n"
	sha := BlobSHA(post)

	blob, _, err := client.Git.GetBlob(ctx, "acme", "posts", sha)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(blob.GetContent())
	if err != nil || string(raw) != post || blob.GetSHA() != sha || blob.GetSize() != len(post) {
		t.Fatalf("blob = %v (%q, %v)", blob, raw, err)
	}
	_, _, err = client.Git.GetBlob(ctx, "acme", "posts", BlobSHA("nope"))
	errorResponse(t, err, 404)

	tree, _, err := client.Git.GetTree(ctx, "acme", "posts", "main", true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range tree.Entries {
		paths = append(paths, e.GetType()+":"+e.GetPath())
		if e.GetPath() == "posts/2024-01-01.md" && e.GetSHA() != sha {
			t.Errorf("tree entry sha = %s", e.GetSHA())
		}
	}
	if got := strings.Join(paths, " "); got != "blob:README.md tree:posts blob:posts/2024-01-01.md" {
		t.Errorf("recursive tree = %s", got)
	}
	flat, _, err := client.Git.GetTree(ctx, "acme", "posts", tree.GetSHA(), false)
	if err != nil || len(flat.Entries) != 2 {
		t.Fatalf("flat tree = %v, %v", flat, err)
	}

	// Contents: a file (base64, wrapped like GitHub), a directory, a miss.
	fc, dc, _, err := client.Repositories.GetContents(ctx, "acme", "posts", "posts/2024-01-01.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := fc.GetContent()
	if err != nil || text != post || fc.GetSHA() != sha || fc.GetEncoding() != "base64" || dc != nil {
		t.Fatalf("file content = %v %q %v", fc, text, err)
	}
	_, dc, _, err = client.Repositories.GetContents(ctx, "acme", "posts", "posts", nil)
	if err != nil || len(dc) != 1 || dc[0].GetType() != "file" || dc[0].GetName() != "2024-01-01.md" {
		t.Fatalf("dir content = %v, %v", dc, err)
	}
	status, hdr, body := rawGet(t, s, "/repos/acme/posts/contents/posts/2024-01-01.md", PersonalToken,
		map[string]string{"Accept": "application/vnd.github.raw"})
	if status != 200 || body != post || !strings.HasPrefix(hdr.Get("Content-Type"), "application/vnd.github.raw") {
		t.Errorf("raw content: %d %q %v", status, body, hdr)
	}
	_, _, resp, err := client.Repositories.GetContents(ctx, "acme", "posts", "posts/missing.md", nil)
	errorResponse(t, err, 404)
	if resp.StatusCode != 404 {
		t.Fatal(resp.StatusCode)
	}

	// ref= selects the branch; DownloadContents follows download_url.
	s.Commit("acme", "posts", "draft", map[string]string{"posts/2024-02-01.md": "Draft\n"})
	opt := &github.RepositoryContentGetOptions{Ref: "draft"}
	fc, _, _, err = client.Repositories.GetContents(ctx, "acme", "posts", "posts/2024-02-01.md", opt)
	if err != nil || fc.GetSHA() != BlobSHA("Draft\n") {
		t.Fatalf("content on draft = %v, %v", fc, err)
	}
	_, _, _, err = client.Repositories.GetContents(ctx, "acme", "posts", "posts/2024-02-01.md", nil)
	errorResponse(t, err, 404)
	rc, _, err := client.Repositories.DownloadContents(ctx, "acme", "posts", "posts/2024-02-01.md", opt)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := new(strings.Builder)
	if _, err := fmt.Fprint(buf, readAll(t, rc)); err != nil || buf.String() != "Draft\n" {
		t.Fatalf("download = %q", buf.String())
	}
}

func TestCommitsAndCompare(t *testing.T) {
	s, client := fixture(t)
	base := s.BranchSHA("acme", "posts", "main")
	s.Commit("acme", "posts", "feature", map[string]string{"posts/new.md": "New\n"})
	head := s.Commit("acme", "posts", "feature", map[string]string{"README.md": "# Posts\n"}, "posts/2024-01-01.md")
	s.Commit("acme", "posts", "main", map[string]string{"other.md": "on main\n"})

	c, _, err := client.Repositories.GetCommit(ctx, "acme", "posts", head, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.GetSHA() != head || len(c.Files) != 2 || c.GetStats().GetTotal() != 3 {
		t.Fatalf("commit = %v", c)
	}

	cmp, _, err := client.Repositories.CompareCommits(ctx, "acme", "posts", "main", "feature", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.GetStatus() != "diverged" || cmp.GetAheadBy() != 2 || cmp.GetBehindBy() != 1 || cmp.GetMergeBaseCommit().GetSHA() != base {
		t.Fatalf("compare = %s ahead %d behind %d base %s", cmp.GetStatus(), cmp.GetAheadBy(), cmp.GetBehindBy(), cmp.GetMergeBaseCommit().GetSHA())
	}
	got := map[string]string{}
	for _, f := range cmp.Files {
		got[f.GetFilename()] = f.GetStatus() + " " + f.GetSHA()
	}
	want := map[string]string{
		"README.md":           "modified " + BlobSHA("# Posts\n"),
		"posts/new.md":        "added " + BlobSHA("New\n"),
		"posts/2024-01-01.md": "removed " + BlobSHA("Happy new year!\n"),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("compare files = %v, want %v", got, want)
	}

	_, _, err = client.Repositories.GetCommit(ctx, "acme", "posts", "0000000000000000000000000000000000000000", nil)
	errorResponse(t, err, 422)

	commits, _, err := client.Repositories.ListCommits(ctx, "acme", "posts", &github.CommitsListOptions{SHA: "feature"})
	if err != nil || len(commits) != 3 || commits[0].GetSHA() != head {
		t.Fatalf("commits = %d, %v", len(commits), err)
	}
}

func TestRenameDetection(t *testing.T) {
	s := NewServer(t)
	s.CreateRepo("acme", "posts", "main", map[string]string{"old.md": "same\n", "b.md": "b\n"})
	base := s.BranchSHA("acme", "posts", "main")
	head := s.Commit("acme", "posts", "main", map[string]string{"new.md": "same\n"}, "old.md")
	s.mu.Lock()
	r := s.mustRepo("acme", "posts")
	diffs := r.diff(base, head)
	s.mu.Unlock()
	if len(diffs) != 1 || diffs[0].status != "renamed" || diffs[0].prevPath != "old.md" || diffs[0].path != "new.md" || diffs[0].hasPatch() {
		t.Fatalf("diffs = %+v", diffs[0])
	}
}

func readAll(t *testing.T, r interface{ Read([]byte) (int, error) }) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func gitOnPath() bool {
	_, err := exec.LookPath("git")
	return err == nil
}

// gitDiff returns `git diff --no-index -U3` of two contents without the
// file headers: the form of GitHub's "patch" field.
func gitDiff(t *testing.T, a, b string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"a": a, "b": b} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gitBin(t), "diff", "--no-index", "--no-color", "-U3", "a", "b")
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("git diff: %v", err)
	}
	text := string(out)
	if i := strings.Index(text, "@@"); i >= 0 {
		text = text[i:]
	}
	return strings.TrimSuffix(text, "\n")
}
