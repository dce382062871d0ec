package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDemoWalksAPullRequestThroughReview runs the newcomer's demo and checks
// the story it tells: free drafts pass untouched, new content waits for
// both roles, an edit makes approvals stale, new approvals clear it.
func TestDemoWalksAPullRequestThroughReview(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "--repo", "../../examples/content"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	got := out.String()
	steps := strings.Split(got, "\n== ")
	if len(steps) != 8 {
		t.Fatalf("%d steps, want 7:\n%s", len(steps)-1, got)
	}
	want := []string{
		"✓ success — 2 drafts free to post (1 pointer, 1 public-domain)",
		"✗ action_required — Waiting for policy and comms approval of posts/2026-12-02-winter-gritting.md",
		"✗ action_required — Waiting for comms approval of posts/2026-12-02-winter-gritting.md",
		"✓ success — Approved: 1 draft cleared (1 new-content)",
		"✗ action_required — Waiting for policy and comms approval",
		"✓ success — Approved: 1 draft cleared (1 new-content)",
		"✗ failure — Fix 3 errors",
	}
	for i, w := range want {
		if !strings.Contains(steps[i+1], w) {
			t.Errorf("step %d lacks %q:\n%s", i+1, w, steps[i+1])
		}
	}
	if !strings.Contains(steps[1], "review requested: none") {
		t.Errorf("free drafts requested reviews:\n%s", steps[1])
	}
	if !strings.Contains(steps[2], "@northbridge/policy-team") || !strings.Contains(steps[2], "@northbridge/comms-team") {
		t.Errorf("new content did not request both teams:\n%s", steps[2])
	}
	if !strings.Contains(steps[5], "approved an earlier version") {
		t.Errorf("stale approvals not explained:\n%s", steps[5])
	}
	// The error case shows the findings on the lines of the diff and the
	// check's details.
	for _, w := range []string{"review comments on the diff (4):", "posts/2026-12-04-recycling-week.md line 1: **Error:** no author",
		"replies/housing/2026-11-28-damp-and-mould.md line 7: **Error:** the link https://intranet", "the check's details (Checks tab)", "link-internal"} {
		if !strings.Contains(steps[7], w) {
			t.Errorf("the error step lacks %q:\n%s", w, steps[7])
		}
	}
}
