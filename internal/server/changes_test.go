package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// TestChangeRequestQuotedOnceForItsDrafts: carol (the comms team) asks for
// changes with a note and a line comment on one of two drafts. The comment
// quotes her note once, for that post, shows her change request in the
// comms row instead of "waiting for" her own team, and the check names
// her once.
func TestChangeRequestQuotedOnceForItsDrafts(t *testing.T) {
	h := newHarness(t, nil)
	other := strings.Replace(h.files[grittingPost], "Frost is forecast tonight.", "Snow is forecast tonight.", 1)
	n := h.open("two", "dana", map[string]string{grittingPost: h.files[grittingPost], "posts/2026-12-02-snow.md": other})
	h.gh.AddPersonalToken("ghp_carol", "carol")
	h.gh.SetPermission(owner, repoName, "carol", "write")
	c := h.gh.Client("ghp_carol")
	_, _, err := c.PullRequests.CreateReview(context.Background(), owner, repoName, n, &github.PullRequestReviewRequest{
		Body:  github.String("Please say which roads the gritters cover."),
		Event: github.String("REQUEST_CHANGES"),
		Comments: []*github.DraftReviewComment{{
			Path: github.String(grittingPost), Line: github.Int(7), Side: github.String("RIGHT"), Body: github.String("Which main roads?"),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver("pull_request_review", h.reviewEvent("submitted", n, "carol", "CHANGES_REQUESTED"))
	h.wait()
	cr := h.expectCheck(n, "action_required", "Changes requested by @carol on "+grittingPost)
	if strings.Count(cr.GetOutput().GetTitle(), "@carol") != 1 {
		t.Errorf("check title %q names carol more than once", cr.GetOutput().GetTitle())
	}
	cs := h.botComments(n)
	if len(cs) != 1 {
		t.Fatalf("%d bot comments", len(cs))
	}
	body := cs[0].GetBody()
	for _, w := range []string{
		"## ✋ Not cleared: @carol asked for changes; do not merge",
		"**✋ @carol (comms) asked for changes to post 1:**\n\n> Please say which roads the gritters cover.",
		"comms ✋ @carol asked for changes",
		"ake the changes @carol asked for and push them",
	} {
		if !strings.Contains(body, w) {
			t.Errorf("comment lacks %q:\n%s", w, body)
		}
	}
	if strings.Count(body, "Please say which roads") != 1 {
		t.Errorf("the note is quoted %d times", strings.Count(body, "Please say which roads"))
	}
	// The post carol did not comment on still waits for comms approval;
	// the one she did shows her change request, not "waiting for" her team.
	rows := strings.Split(body, "\n")
	for _, r := range rows {
		if strings.HasPrefix(r, "| 1 |") && strings.Contains(r, "comms ⏳") {
			t.Errorf("post 1 waits for comms beside carol's change request: %s", r)
		}
		if strings.HasPrefix(r, "| 2 |") && !strings.Contains(r, "comms ⏳") {
			t.Errorf("post 2 should wait for comms: %s", r)
		}
	}
}

// TestEditAfterApprovalShowsWhatChanged: after an edit, the comment shows
// the approvers what changed since they approved, word by word.
func TestEditAfterApprovalShowsWhatChanged(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success")
	h.push(n, map[string]string{grittingPost: strings.Replace(h.files[grittingPost], "if you can.", "if you can, and check on neighbours.", 1)})
	h.wait()
	h.expectCheck(n, "action_required", "Waiting for policy and comms approval")
	body := h.botComments(n)[0].GetBody()
	want := "**What changed since @alice and @carol approved** (~~removed~~ **added**)"
	if !strings.Contains(body, want) || !strings.Contains(body, "~~can.~~ **can, and check on neighbours.**") {
		t.Errorf("comment does not show what changed:\n%s", body)
	}
}
