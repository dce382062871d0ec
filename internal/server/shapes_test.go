package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Pull requests of shapes found by a red-team of the App.

// TestMoreFilesThanGitHubLists: GitHub lists at most 3,000 of a pull
// request's files; a draft beyond them cannot be checked, so the check
// fails and says to split the pull request.
func TestMoreFilesThanGitHubLists(t *testing.T) {
	if testing.Short() {
		t.Skip("commits 3,001 files")
	}
	h := newHarness(t, nil)
	fs := map[string]string{}
	for i := range 3000 {
		fs[fmt.Sprintf("assets/a%04d.txt", i)] = fmt.Sprintf("asset %d\n", i)
	}
	fs["posts/zz-winter-gritting.md"] = h.files[grittingPost]
	h.gh.ResetCalls()
	n := h.open("huge", "dana", fs)
	// The listing (30 pages of 100) is read once per evaluation.
	pages := h.gh.CallCount(http.MethodGet, fmt.Sprintf("/repos/%s/%s/pulls/%d/files", owner, repoName, n))
	if evals := h.srv.Stats().Evaluations; pages != 30*int(evals) {
		t.Errorf("%d evaluations read %d pages of the file listing; want 30 each", evals, pages)
	}
	if got := h.gh.PullRequest(owner, repoName, n).GetChangedFiles(); got != 3001 {
		t.Fatalf("changed_files %d", got)
	}
	cr := h.expectCheck(n, "failure", "Too many files to check")
	if !strings.Contains(cr.GetOutput().GetSummary(), "split it into smaller pull requests") {
		t.Errorf("summary:\n%s", cr.GetOutput().GetSummary())
	}
}

// TestRegisterChangeNeedsPolicyApproval: what the register says is public
// decides what needs no review, so adding or changing a press release
// needs the policy role's approval, as the config does.
func TestRegisterChangeNeedsPolicyApproval(t *testing.T) {
	h := newHarness(t, nil)
	fake := "---\ntitle: Gritting\npublished_at: 2026-11-01T09:00:00Z\nurl: https://www.northbridge.gov.uk/news/2026/gritting\n---\n" +
		"Frost is forecast tonight. You should allow extra time and avoid driving on untreated roads if you can.\n"
	n := h.open("add-release", "dana", map[string]string{"published/2026-11-01-gritting.md": fake})
	cr := h.expectCheck(n, "!success", "policy approval of the change to published/2026-11-01-gritting.md")
	if s := cr.GetOutput().GetSummary(); !strings.Contains(s, "adds or changes a published document in the register") {
		t.Errorf("summary:\n%s", s)
	}
	h.review(n, "alice", "APPROVED") // policy
	h.expectCheck(n, "success")
}

// TestRegisterRemovalNeedsPolicyApproval: deleting a press release from
// the register (here the embargoed one) takes its protection with it, so it
// needs the policy role's approval like adding or changing one.
func TestRegisterRemovalNeedsPolicyApproval(t *testing.T) {
	h := newHarness(t, nil)
	const embargoed = "published/2027-12-01-bridge-funding.md"
	if _, ok := h.files[embargoed]; !ok {
		t.Fatalf("the example has no %s", embargoed)
	}
	h.gh.Commit(owner, repoName, "drop-release", nil, embargoed)
	n := h.gh.OpenPR(owner, repoName, "drop-release", "main", "Remove the bridge release", "dana")
	h.deliver("pull_request", h.prEvent("opened", n, "dana"))
	cr := h.expectCheck(n, "!success", "policy approval of the change to "+embargoed)
	if s := cr.GetOutput().GetSummary(); !strings.Contains(s, "removes a published document from the register") {
		t.Errorf("summary:\n%s", s)
	}
	h.review(n, "carol", "APPROVED") // comms only
	h.expectCheck(n, "!success")
	h.review(n, "alice", "APPROVED") // policy
	h.expectCheck(n, "success")
}

// TestFolderLinkAmongDrafts: a symbolic link to a folder inside the draft
// folders would carry the drafts behind it past review (a checkout follows
// it; GitHub lists only the link). It fails, naming the link and its
// target; an ordinary pull request costs no read of the head tree for it.
func TestFolderLinkAmongDrafts(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "linked", map[string]string{"notes/plan.md": viewDraft("We think the council got this badly wrong.")})
	h.gh.CommitSymlink(owner, repoName, "linked", "posts/linked", "../notes")
	n := h.gh.OpenPR(owner, repoName, "linked", "main", "Link the notes", "dana")
	h.deliver("pull_request", h.prEvent("opened", n, "dana"))
	h.expectCheck(n, "!success")
	if text := h.checkText(n); !strings.Contains(text, "posts/linked is a symbolic link (to ../notes)") {
		t.Errorf("the check does not name the link:\n%s", clipText(text, 3000))
	}
	// A text file of one line without a line break that is not a link
	// is looked up once, and is not an error.
	h.gh.ResetCalls()
	free := h.open("one-line", "dana", map[string]string{"posts/notes.txt": "see the plan", libraryPost: h.files[libraryPost]})
	h.expectCheck(free, "success")
	trees := h.gh.CallCount(http.MethodGet, fmt.Sprintf("/repos/%s/%s/git/trees/%s", owner, repoName, h.head(free)))
	if trees != 1 {
		t.Errorf("a one-line text file: %d reads of the head tree; want 1", trees)
	}
	h.gh.ResetCalls()
	plain := h.open("plain", "dana", pick(h.files, libraryPost))
	h.expectCheck(plain, "success")
	if trees := h.gh.CallCount(http.MethodGet, fmt.Sprintf("/repos/%s/%s/git/trees/%s", owner, repoName, h.head(plain))); trees != 0 {
		t.Errorf("an ordinary pull request read the head tree %d times", trees)
	}
}

// TestLabelNamesWithSlashes: a configured label with / ? # or % in its
// name is removed when it no longer applies.
func TestLabelNamesWithSlashes(t *testing.T) {
	for _, name := range []string{"clearance/needs-review", "needs review?", "review #1", "needs 100% sign-off"} {
		t.Run(name, func(t *testing.T) {
			ex := exampleFiles(t)
			base := pick(ex, ".github/", "published/")
			base[".github/clearance.yml"] = ex[".github/clearance.yml"] + fmt.Sprintf("labels:\n  new-content: %q\n", name)
			h := newHarness(t, base)
			n := h.open("g", "dana", pick(h.files, grittingPost))
			if !eq(h.labels(n), []string{name}) {
				t.Fatalf("labels %q; want %q", h.labels(n), name)
			}
			h.push(n, map[string]string{grittingPost: h.files[libraryPost]}) // now a pointer
			for _, l := range h.labels(n) {
				if l == name {
					t.Errorf("stale label kept: %q", h.labels(n))
				}
			}
		})
	}
}

// TestNoOwnerInARoleSaysWhatToDo: when a draft's code owners include
// nobody in a role, the next step says to add one, not to wait for
// "nobody".
func TestNoOwnerInARoleSaysWhatToDo(t *testing.T) {
	ex := exampleFiles(t)
	base := pick(ex, ".github/", "published/")
	base[".github/CODEOWNERS"] = ex[".github/CODEOWNERS"] + "/posts/special/  @northbridge/policy-team\n"
	h := newHarness(t, base)
	n := h.open("sp", "dana", map[string]string{"posts/special/gritting.md": h.files[grittingPost]})
	cr := h.check(n)
	s := cr.GetOutput().GetTitle() + "\n" + cr.GetOutput().GetSummary() + "\n" + cr.GetOutput().GetText()
	for _, c := range h.botComments(n) {
		s += "\n" + c.GetBody()
	}
	if strings.Contains(s, "nobody yet") || !strings.Contains(strings.ToLower(s), "no code owner of these drafts is in the comms role") {
		t.Errorf("check and comment:\n%s", s)
	}
}

// removeTeamRequests removes review requests as a person (or GitHub, once
// a team member has reviewed) does.
func removeTeamRequests(t *testing.T, h *harness, n int, teams ...string) {
	t.Helper()
	h.gh.AddPersonalToken("ghp_dana", "dana")
	h.gh.SetPermission(owner, repoName, "dana", "write")
	c := h.gh.Client("ghp_dana")
	req, err := c.NewRequest("DELETE", fmt.Sprintf("repos/%s/%s/pulls/%d/requested_reviewers", owner, repoName, n),
		map[string]any{"reviewers": []string{}, "team_reviewers": teams})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
}

// TestStaleApprovalsAskAgain: after an edit, the roles whose approvals no
// longer count are asked to review again (GitHub removes a team's request
// once a member reviews).
func TestStaleApprovalsAskAgain(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success")
	removeTeamRequests(t, h, n, "comms-team", "policy-team")
	h.push(n, map[string]string{grittingPost: strings.Replace(h.files[grittingPost], "from 8pm", "from 6pm", 1)})
	h.expectCheck(n, "!success", "Waiting for policy and comms approval")
	if _, teams := h.requested(n); !eq(teams, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested teams %q after the approvals went stale; want both asked again", teams)
	}
}

// TestRemovedRequestIsNotSentAgain: a review request someone removed is not
// sent again on every evaluation, only when the draft's text changes.
func TestRemovedRequestIsNotSentAgain(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	removeTeamRequests(t, h, n, "comms-team")
	h.gh.ResetCalls()
	for i := 1; i <= 3; i++ {
		h.push(n, map[string]string{"notes.txt": fmt.Sprintf("v%d\n", i)})
		removeTeamRequests(t, h, n, "comms-team")
	}
	if got := h.gh.CallCount("POST", fmt.Sprintf("/repos/%s/%s/pulls/%d/requested_reviewers", owner, repoName, n)); got != 0 {
		t.Errorf("asked again %d times after the request was removed; want none while the text is the same", got)
	}
	// A change to the draft's text asks again.
	h.push(n, map[string]string{grittingPost: strings.Replace(h.files[grittingPost], "from 8pm", "from 6pm", 1)})
	if _, teams := h.requested(n); !eq(teams, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested teams %q after an edit; want comms asked again", teams)
	}
}

// TestOnePersonInBothTeams: someone in both the policy and the comms team
// approves for one role; the other needs a second person, unless the
// config sets distinct_approvers: false.
func TestOnePersonInBothTeams(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		h := newHarness(t, nil)
		h.gh.AddTeam(owner, "policy-team", "bob")
		h.gh.AddTeam(owner, "comms-team", "bob")
		n := h.open("g", "dana", pick(h.files, grittingPost))
		h.review(n, "bob", "APPROVED")
		h.expectCheck(n, "!success", "Waiting for")
		var body string
		for _, c := range h.botComments(n) {
			body += c.GetBody()
		}
		if !strings.Contains(body, "@bob approved, but that approval counts for another role") {
			t.Errorf("comment does not say why bob's approval counts once:\n%s", body)
		}
		h.review(n, "carol", "APPROVED") // comms only
		h.expectCheck(n, "success")
	})
	t.Run("distinct_approvers: false", func(t *testing.T) {
		ex := exampleFiles(t)
		base := pick(ex, ".github/", "published/")
		base[".github/clearance.yml"] = ex[".github/clearance.yml"] + "distinct_approvers: false\n"
		h := newHarness(t, base)
		h.gh.AddTeam(owner, "policy-team", "bob")
		h.gh.AddTeam(owner, "comms-team", "bob")
		n := h.open("g", "dana", pick(h.files, grittingPost))
		h.review(n, "bob", "APPROVED")
		h.expectCheck(n, "success")
	})
}
