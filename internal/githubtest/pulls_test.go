package githubtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestPullFilesPagination(t *testing.T) {
	s, client := fixture(t)
	files := map[string]string{}
	for i := 1; i <= 7; i++ {
		files[fmt.Sprintf("posts/p%d.md", i)] = fmt.Sprintf("Post %d\nline two\n", i)
	}
	s.Commit("acme", "posts", "week", files)
	n := s.OpenPR("acme", "posts", "week", "main", "Posts for the week", "alice")

	var all []*github.CommitFile
	var pages []int
	opt := &github.ListOptions{PerPage: 3}
	for {
		got, resp, err := client.PullRequests.ListFiles(ctx, "acme", "posts", n, opt)
		if err != nil {
			t.Fatal(err)
		}
		if opt.Page == 0 {
			if resp.LastPage != 3 || resp.NextPage != 2 {
				t.Errorf("first page: next %d last %d", resp.NextPage, resp.LastPage)
			}
			link := resp.Header.Get("Link")
			if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="last"`) || !strings.Contains(link, "per_page=3") {
				t.Errorf("Link = %s", link)
			}
		}
		pages = append(pages, len(got))
		all = append(all, got...)
		if resp.NextPage == 0 {
			if resp.PrevPage != 2 || resp.FirstPage != 1 {
				t.Errorf("last page: prev %d first %d", resp.PrevPage, resp.FirstPage)
			}
			break
		}
		opt.Page = resp.NextPage
	}
	if fmt.Sprint(pages) != "[3 3 1]" || len(all) != 7 {
		t.Fatalf("pages = %v", pages)
	}
	for i, f := range all {
		name := fmt.Sprintf("posts/p%d.md", i+1)
		content := files[name]
		if f.GetFilename() != name || f.GetStatus() != "added" || f.GetSHA() != BlobSHA(content) ||
			f.GetAdditions() != 2 || f.GetDeletions() != 0 || f.GetChanges() != 2 {
			t.Errorf("file %d = %v", i, f)
		}
		if want := fmt.Sprintf("@@ -0,0 +1,2 @@\n+Post %d\n+line two", i+1); f.GetPatch() != want {
			t.Errorf("patch = %q, want %q", f.GetPatch(), want)
		}
	}
	if c := s.CallCount("GET", fmt.Sprintf("/repos/acme/posts/pulls/%d/files", n)); c != 3 {
		t.Errorf("recorded %d file-list calls, want 3", c)
	}
}

func TestPageSizeDefaultsAndCap(t *testing.T) {
	s, client := fixture(t)
	files := map[string]string{}
	for i := 0; i < 120; i++ {
		files[fmt.Sprintf("posts/%03d.md", i)] = fmt.Sprint(i)
	}
	s.Commit("acme", "posts", "bulk", files)
	n := s.OpenPR("acme", "posts", "bulk", "", "Bulk", "alice")
	got, resp, err := client.PullRequests.ListFiles(ctx, "acme", "posts", n, nil)
	if err != nil || len(got) != 30 || resp.LastPage != 4 {
		t.Fatalf("default page: %d files, last %d, %v", len(got), resp.LastPage, err)
	}
	got, resp, err = client.PullRequests.ListFiles(ctx, "acme", "posts", n, &github.ListOptions{PerPage: 500})
	if err != nil || len(got) != 100 || resp.NextPage != 2 {
		t.Fatalf("capped page: %d files, next %d, %v", len(got), resp.NextPage, err)
	}
	got, _, err = client.PullRequests.ListFiles(ctx, "acme", "posts", n, &github.ListOptions{PerPage: 100, Page: 9})
	if err != nil || len(got) != 0 {
		t.Fatalf("page past the end: %d, %v", len(got), err)
	}
}

func TestPullFileStatusesAndPatches(t *testing.T) {
	s, client := fixture(t)
	var old, cur []string
	for i := 1; i <= 20; i++ {
		old = append(old, fmt.Sprintf("line %d", i))
	}
	cur = append(cur, old...)
	cur[9] = "line 10 (edited)"
	cur = append(cur, "appended")
	s.Commit("acme", "posts", "main", map[string]string{
		"posts/long.md": "Title\n" + strings.Join(old, "\n") + "\n",
		"gone.md":       "bye\n",
		"moved.md":      "moving\n",
	})
	s.Commit("acme", "posts", "edit", map[string]string{
		"posts/long.md": "Title\n" + strings.Join(cur, "\n"), // no trailing newline
		"renamed.md":    "moving\n",
		"image.png":     "\x89PNG\x00\x01",
	}, "gone.md", "moved.md")
	n := s.OpenPR("acme", "posts", "edit", "main", "Edit", "alice")
	files, _, err := client.PullRequests.ListFiles(ctx, "acme", "posts", n, nil)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*github.CommitFile{}
	var summary []string
	for _, f := range files {
		byName[f.GetFilename()] = f
		summary = append(summary, f.GetStatus()+":"+f.GetFilename())
	}
	if got := strings.Join(summary, " "); got != "removed:gone.md added:image.png modified:posts/long.md renamed:renamed.md" {
		t.Fatalf("files = %s", got)
	}
	if f := byName["renamed.md"]; f.GetPreviousFilename() != "moved.md" || f.Patch != nil || f.GetChanges() != 0 {
		t.Errorf("rename = %v", f)
	}
	if f := byName["image.png"]; f.Patch != nil || f.GetSHA() != BlobSHA("\x89PNG\x00\x01") {
		t.Errorf("binary = %v", f)
	}
	if f := byName["gone.md"]; f.GetPatch() != "@@ -1 +0,0 @@\n-bye" || f.GetSHA() != BlobSHA("bye\n") || f.GetDeletions() != 1 {
		t.Errorf("removed = %v", f)
	}
	long := byName["posts/long.md"]
	want := strings.Join([]string{
		"@@ -8,7 +8,7 @@ line 6", // git's default funcname: nearest line starting with a letter
		" line 7", " line 8", " line 9", "-line 10", "+line 10 (edited)", " line 11", " line 12", " line 13",
		"@@ -19,3 +19,4 @@ line 17",
		" line 18", " line 19", " line 20", "+appended", `\ No newline at end of file`,
	}, "\n")
	if long.GetPatch() != want {
		t.Errorf("patch =\n%s\nwant\n%s", long.GetPatch(), want)
	}
	if long.GetAdditions() != 2 || long.GetDeletions() != 1 {
		t.Errorf("+%d -%d", long.GetAdditions(), long.GetDeletions())
	}

	// The same patch as real git, when available.
	if gitOnPath() {
		if out := gitDiff(t, "Title\n"+strings.Join(old, "\n")+"\n", "Title\n"+strings.Join(cur, "\n")); out != long.GetPatch() {
			t.Errorf("git diff =\n%s\nfake =\n%s", out, long.GetPatch())
		}
	}
}

func TestPullsListAndGet(t *testing.T) {
	s, client := fixture(t)
	s.Commit("acme", "posts", "a", map[string]string{"a.md": "a\n"})
	s.Commit("acme", "posts", "b", map[string]string{"b.md": "b\n"})
	na := s.OpenPR("acme", "posts", "a", "main", "A", "alice")
	nb := s.OpenPR("acme", "posts", "b", "main", "B", "bob")
	s.ClosePR("acme", "posts", nb)

	open, _, err := client.PullRequests.List(ctx, "acme", "posts", &github.PullRequestListOptions{State: "open"})
	if err != nil || len(open) != 1 || open[0].GetNumber() != na {
		t.Fatalf("open = %v, %v", open, err)
	}
	all, _, err := client.PullRequests.List(ctx, "acme", "posts", &github.PullRequestListOptions{State: "all"})
	if err != nil || len(all) != 2 || all[0].GetNumber() != nb {
		t.Fatalf("all (newest first) = %v, %v", all, err)
	}

	pr, _, err := client.PullRequests.Get(ctx, "acme", "posts", na)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetHead().GetRef() != "a" || pr.GetHead().GetSHA() != s.BranchSHA("acme", "posts", "a") ||
		pr.GetBase().GetRef() != "main" || pr.GetUser().GetLogin() != "alice" || pr.GetChangedFiles() != 1 || pr.GetState() != "open" {
		t.Fatalf("pr = %v", pr)
	}
	// Pushing moves the head.
	sha := s.PushToPR("acme", "posts", na, map[string]string{"a2.md": "more\n"})
	pr, _, _ = client.PullRequests.Get(ctx, "acme", "posts", na)
	if pr.GetHead().GetSHA() != sha || pr.GetChangedFiles() != 2 || pr.GetCommits() != 2 {
		t.Fatalf("after push: head %s files %d commits %d", pr.GetHead().GetSHA(), pr.GetChangedFiles(), pr.GetCommits())
	}
	_, _, err = client.PullRequests.Get(ctx, "acme", "posts", 99)
	errorResponse(t, err, 404)
}

func TestRequestedReviewers(t *testing.T) {
	s, client := fixture(t)
	s.Commit("acme", "posts", "f", map[string]string{"x.md": "x\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")
	s.AddTeam("acme", "Social Media", "carol")
	s.SetPermission("acme", "posts", "bob", "write")

	_, _, err := client.PullRequests.RequestReviewers(ctx, "acme", "posts", n, github.ReviewersRequest{Reviewers: []string{"alice"}})
	if er := errorResponse(t, err, 422); er.Message != "Review cannot be requested from pull request author." {
		t.Errorf("message = %q", er.Message)
	}
	_, _, err = client.PullRequests.RequestReviewers(ctx, "acme", "posts", n, github.ReviewersRequest{Reviewers: []string{"mallory"}})
	if er := errorResponse(t, err, 422); !strings.HasPrefix(er.Message, "Reviews may only be requested from collaborators.") {
		t.Errorf("message = %q", er.Message)
	}
	pr, resp, err := client.PullRequests.RequestReviewers(ctx, "acme", "posts", n, github.ReviewersRequest{
		Reviewers: []string{"bob", "carol"}, TeamReviewers: []string{"social-media"},
	})
	if err != nil || resp.StatusCode != 201 || len(pr.RequestedReviewers) != 2 || pr.RequestedTeams[0].GetSlug() != "social-media" {
		t.Fatalf("request = %v, %v", pr, err)
	}
	users, teams := s.RequestedReviewers("acme", "posts", n)
	if fmt.Sprint(users, teams) != "[bob carol] [social-media]" {
		t.Fatalf("requested = %v %v", users, teams)
	}
	rv, _, err := client.PullRequests.ListReviewers(ctx, "acme", "posts", n, nil)
	if err != nil || len(rv.Users) != 2 || len(rv.Teams) != 1 {
		t.Fatalf("list = %v, %v", rv, err)
	}
	if _, err := client.PullRequests.RemoveReviewers(ctx, "acme", "posts", n, github.ReviewersRequest{Reviewers: []string{"carol"}}); err != nil {
		t.Fatal(err)
	}
	// A submitted review fulfils the request.
	s.SubmitReview("acme", "posts", n, "bob", "APPROVED", "")
	users, teams = s.RequestedReviewers("acme", "posts", n)
	if len(users) != 0 || fmt.Sprint(teams) != "[social-media]" {
		t.Fatalf("after review = %v %v", users, teams)
	}
}

func TestReviews(t *testing.T) {
	s, client := fixture(t)
	first := s.Commit("acme", "posts", "f", map[string]string{"posts/x.md": "one\ntwo\nthree\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")
	approve := s.SubmitReview("acme", "posts", n, "bob", "APPROVED", first)
	s.PushToPR("acme", "posts", n, map[string]string{"posts/x.md": "one\n2\nthree\n"})
	s.SubmitReview("acme", "posts", n, "carol", "CHANGES_REQUESTED", "")
	s.DismissReview("acme", "posts", n, approve)

	reviews, _, err := client.PullRequests.ListReviews(ctx, "acme", "posts", n, &github.ListOptions{PerPage: 1})
	if err != nil || len(reviews) != 1 {
		t.Fatal(reviews, err)
	}
	reviews, _, err = client.PullRequests.ListReviews(ctx, "acme", "posts", n, nil)
	if err != nil || len(reviews) != 2 {
		t.Fatal(reviews, err)
	}
	if r := reviews[0]; r.GetUser().GetLogin() != "bob" || r.GetState() != "DISMISSED" || r.GetCommitID() != first || r.SubmittedAt == nil {
		t.Errorf("review 0 = %v", r)
	}
	if r := reviews[1]; r.GetUser().GetLogin() != "carol" || r.GetState() != "CHANGES_REQUESTED" || r.GetCommitID() == first {
		t.Errorf("review 1 = %v", r)
	}

	// The App comments on lines of the diff.
	rev, _, err := client.PullRequests.CreateReview(ctx, "acme", "posts", n, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"),
		Body:  github.String("Two notes"),
		Comments: []*github.DraftReviewComment{
			{Path: github.String("posts/x.md"), Line: github.Int(2), Side: github.String("RIGHT"), Body: github.String("Spell it out")},
			{Path: github.String("posts/x.md"), Line: github.Int(3), Body: github.String("Fine")},
		},
	})
	if err != nil || rev.GetState() != "COMMENTED" || rev.GetUser().GetLogin() != DefaultAppSlug+"[bot]" {
		t.Fatalf("review = %v, %v", rev, err)
	}
	comments, _, err := client.PullRequests.ListComments(ctx, "acme", "posts", n, nil)
	if err != nil || len(comments) != 2 {
		t.Fatalf("comments = %v, %v", comments, err)
	}
	c0 := comments[0]
	if c0.GetLine() != 2 || c0.GetSide() != "RIGHT" || c0.GetPullRequestReviewID() != rev.GetID() ||
		c0.GetDiffHunk() != "@@ -0,0 +1,3 @@\n+one\n+2" || c0.GetPosition() != 2 {
		t.Errorf("comment = %v", c0)
	}
	if got := s.ReviewComments("acme", "posts", n); len(got) != 2 || got[1].GetBody() != "Fine" {
		t.Errorf("ReviewComments = %v", got)
	}

	// Lines outside the diff, and unknown paths, are rejected like GitHub.
	for _, tc := range []struct {
		path string
		line int
		msg  string
	}{
		{"posts/x.md", 10, "Line could not be resolved"},
		{"README.md", 1, "Path could not be resolved"},
	} {
		_, _, err = client.PullRequests.CreateReview(ctx, "acme", "posts", n, &github.PullRequestReviewRequest{
			Event:    github.String("COMMENT"),
			Comments: []*github.DraftReviewComment{{Path: github.String(tc.path), Line: github.Int(tc.line), Body: github.String("x")}},
		})
		er := errorResponse(t, err, 422)
		if len(er.Errors) != 1 || er.Errors[0].Message != tc.msg {
			t.Errorf("%s:%d: %+v", tc.path, tc.line, er)
		}
	}
	// The PR author cannot approve; someone else can.
	s.AddPersonalToken("ghp_alice", "alice")
	_, _, err = s.Client("ghp_alice").PullRequests.CreateReview(ctx, "acme", "posts", n,
		&github.PullRequestReviewRequest{Event: github.String("APPROVE")})
	if er := errorResponse(t, err, 422); len(er.Errors) != 1 || er.Errors[0].Message != "Review Can not approve your own pull request" {
		t.Errorf("self-approval: %+v", er)
	}
	if _, _, err := s.Client(PersonalToken).PullRequests.CreateReview(ctx, "acme", "posts", n,
		&github.PullRequestReviewRequest{Event: github.String("APPROVE")}); err != nil {
		t.Fatal(err)
	}
}

func TestSingleReviewCommentAndReply(t *testing.T) {
	s, client := fixture(t)
	head := s.Commit("acme", "posts", "f", map[string]string{"posts/x.md": "one\ntwo\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")
	c, resp, err := client.PullRequests.CreateComment(ctx, "acme", "posts", n, &github.PullRequestComment{
		Body: github.String("Typo?"), CommitID: github.String(head), Path: github.String("posts/x.md"), Line: github.Int(2), Side: github.String("RIGHT"),
	})
	if err != nil || resp.StatusCode != 201 || c.GetLine() != 2 || c.GetCommitID() != head {
		t.Fatalf("comment = %v, %v", c, err)
	}
	reply, _, err := client.PullRequests.CreateCommentInReplyTo(ctx, "acme", "posts", n, "No", c.GetID())
	if err != nil || reply.GetInReplyTo() != c.GetID() || reply.GetPath() != "posts/x.md" || reply.GetLine() != 2 {
		t.Fatalf("reply = %v, %v", reply, err)
	}
	if rv := s.Reviews("acme", "posts", n); len(rv) != 2 || rv[0].GetState() != "COMMENTED" {
		t.Errorf("reviews = %v", rv)
	}
	_, _, err = client.PullRequests.CreateComment(ctx, "acme", "posts", n, &github.PullRequestComment{
		Body: github.String("x"), Path: github.String("posts/x.md"), Line: github.Int(1),
	})
	if er := errorResponse(t, err, 422); er.Errors[0].Field != "commit_id" {
		t.Errorf("missing commit_id: %+v", er)
	}
}
