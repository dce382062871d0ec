package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

// Bypass attempts that e2e_test.go does not already cover (it covers an
// approval by a non-owner, changing the config or CODEOWNERS in the pull
// request, adding the quoted press release in the same pull request, and a
// recheck from a reader). Each must leave the check not a success.

const viewPost = "posts/2026-12-09-cycle-lanes.md"

func viewDraft(body string) string {
	return "---\nchannel: x\nkind: post\nauthor: Northbridge City Council\npublish_at: 2026-12-09T07:00:00Z\n---\n" + body + "\n"
}

// TestLyingScenarioClaim: a draft that states a view but claims to be
// public-domain or a pointer is still new-content, with a warning on the
// claim's line.
func TestLyingScenarioClaim(t *testing.T) {
	h := newHarness(t, nil)
	for _, claim := range []string{"public-domain", "pointer"} {
		src := strings.Replace(viewDraft("We believe residents should back the new cycle lanes."), "kind: post\n", "kind: post\nscenario: "+claim+"\n", 1)
		n := h.open("claim-"+claim, "dana", map[string]string{viewPost: src})
		h.expectCheck(n, "!success", "Waiting for", "policy", "comms")
		if got := h.labels(n); !eq(got, []string{labelNew}) {
			t.Errorf("%s claim: labels %q; want %q", claim, got, labelNew)
		}
		if text := h.checkText(n); !strings.Contains(text, viewPost+":4: scenario-claim") {
			t.Errorf("%s claim: no warning on the claim's line:\n%s", claim, clipText(text, 2000))
		}
	}
}

// TestHiddenViewIsFound: zero-width characters, soft hyphens and Cyrillic
// or Greek look-alike letters do not hide a view from the reviewer.
func TestHiddenViewIsFound(t *testing.T) {
	h := newHarness(t, nil)
	for name, body := range map[string]string{
		"zero-width space":    "We b\u200believe residents should back the new cycle lanes.",
		"zero-width joiner":   "We\u200d believe residents should back the new cycle lanes.",
		"soft hyphen":         "We be\u00adlieve residents should back the new cycle lanes.",
		"Cyrillic look-alike": "We b\u0435li\u0435v\u0435 residents should back the new cycle lanes.",
		"Greek look-alike":    "We bel\u03b9eve residents sh\u03bfuld back the new cycle lanes.",
		"fullwidth letters":   "We \uff42\uff45\uff4c\uff49\uff45\uff56\uff45 residents should back the new cycle lanes.",
	} {
		n := h.open("hidden-"+strings.ReplaceAll(name, " ", "-"), "dana", map[string]string{viewPost: viewDraft(body)})
		if got := h.labels(n); !eq(got, []string{labelNew}) {
			t.Errorf("%s: labels %q; want %q (the view was not found)", name, got, labelNew)
		}
		h.expectCheck(n, "!success")
	}
}

// TestSelfApprovalDoesNotCount: the author belongs to the policy team; her
// own approval does not count for it (GitHub refuses self-approval; the
// bot does not rely on that).
func TestSelfApprovalDoesNotCount(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("self", "alice", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "!success", "policy approval")
	h.review(n, "amir", "APPROVED") // another policy member
	h.expectCheck(n, "success")
}

// TestApprovalOnOlderTextDoesNotCount: approvals given on a commit where
// the draft read differently do not count, even when submitted after the
// push that changed it.
func TestApprovalOnOlderTextDoesNotCount(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("older", "dana", pick(h.files, grittingPost))
	first := h.head(n)
	edited := strings.Replace(h.files[grittingPost], "avoid driving", "never drive", 1)
	h.push(n, map[string]string{grittingPost: edited})
	for _, who := range []string{"alice", "carol"} {
		h.gh.SubmitReview(owner, repoName, n, who, "APPROVED", first)
		h.deliver("pull_request_review", h.reviewEvent("submitted", n, who, "APPROVED"))
	}
	h.expectCheck(n, "!success", "Waiting for", "policy", "comms")
	if cs := h.botComments(n); len(cs) != 1 || !strings.Contains(cs[0].GetBody(), "@alice approved an earlier version") {
		t.Errorf("the comment does not say the approvals were for an earlier text")
	}
	// Approvals of the current text count.
	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success")
}

// TestRetargetIsReevaluated: changing the pull request's base re-evaluates
// it against the new base's config, both ways; a laxer branch's outcome
// does not stay on the head once the pull request points at main again.
func TestRetargetIsReevaluated(t *testing.T) {
	h := newHarness(t, nil)
	lax := strings.Replace(h.files[".github/clearance.yml"], "required_roles: [policy, comms]", "required_roles: [comms]", 1)
	h.gh.Commit(owner, repoName, "lax", map[string]string{".github/clearance.yml": lax})
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "!success", "policy approval")

	retarget := func(base, from string) {
		h.gh.RetargetPR(owner, repoName, n, base)
		ev := h.prEvent("edited", n, "dana")
		ev.Changes = &github.EditChange{Base: &github.EditBase{Ref: &github.EditRef{From: github.String(from)}}}
		if r := h.deliver("pull_request", ev); r.status != http.StatusAccepted {
			t.Fatalf("edited with a base change: %d %s", r.status, r.body)
		}
	}
	retarget("lax", "main")
	h.expectCheck(n, "success") // lax's own rules: comms is enough
	retarget("main", "lax")
	h.expectCheck(n, "!success", "policy approval")
	// Merging lax into main is itself a change to the config.
	m := h.gh.OpenPR(owner, repoName, "lax", "main", "lax", "dana")
	h.deliver("pull_request", h.prEvent("opened", m, "dana"))
	h.expectCheck(m, "!success", "policy approval of the change to .github/clearance.yml")
}

// TestForkPullRequest: a pull request from a fork the App cannot see is
// reviewed from the base repository, with the base's config, even when the
// fork changes the config to let itself through.
func TestForkPullRequest(t *testing.T) {
	h := newHarness(t, nil)
	relaxed := strings.Replace(h.files[".github/clearance.yml"], "required_roles: [policy, comms]", "required_roles: []", 1)
	files := pick(h.files, grittingPost)
	files[".github/clearance.yml"] = relaxed
	h.gh.Commit(owner, repoName, "mallory-branch", files)
	n := h.gh.OpenForkPR(owner, repoName, "mallory", "mallory-branch", "main", "helpful fix", "mallory")
	pr := h.gh.PullRequest(owner, repoName, n)
	if !pr.GetHead().GetRepo().GetFork() || pr.GetHead().GetRepo().GetFullName() != "mallory/"+repoName {
		t.Fatalf("head repo %q fork=%v; the fake did not make a fork pull request", pr.GetHead().GetRepo().GetFullName(), pr.GetHead().GetRepo().GetFork())
	}
	h.deliver("pull_request", h.prEvent("opened", n, "mallory"))
	h.expectCheck(n, "!success", "policy", "comms", grittingPost, "policy approval of the change to .github/clearance.yml")
	if _, tm := h.requested(n); !eq(tm, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested teams %q", tm)
	}
	h.review(n, "carol", "APPROVED")
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "success")
	if st := h.srv.Stats(); st.JobErrors != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestForgedRecheck: /clearance recheck from users without write access
// (read, triage, no access at all), or in an edited comment, or on an
// issue, runs no evaluation.
func TestForgedRecheck(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.gh.SetPermission(owner, repoName, "tina", "triage")
	h.gh.SetPermission(owner, repoName, "rita", "read")
	h.gh.ResetCalls()
	for _, who := range []string{"tina", "rita", "stranger"} {
		id := h.gh.AddIssueComment(owner, repoName, n, who, "/clearance recheck")
		h.deliver("issue_comment", h.commentEvent(n, who, "/clearance recheck", id))
	}
	edited := h.commentEvent(n, "rita", "/clearance recheck", 999)
	edited.Action = github.String("edited")
	if r := h.deliver("issue_comment", edited); r.status != http.StatusOK {
		t.Errorf("edited comment: %d %s; want 200 ignored", r.status, r.body)
	}
	onIssue := h.commentEvent(n, "wendy", "/clearance recheck", 998)
	onIssue.Issue.PullRequestLinks = nil
	if r := h.deliver("issue_comment", onIssue); r.status != http.StatusOK {
		t.Errorf("comment on an issue: %d %s; want 200 ignored", r.status, r.body)
	}
	if got := h.gh.CallCount(http.MethodGet, "/repos/northbridge/content/pulls/1"); got != 0 {
		t.Errorf("forged rechecks evaluated the pull request (%d reads)", got)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("forged rechecks wrote:\n%s", callList(w))
	}
}

// TestImpostorCheckIsFlagged: another App writes a successful check named
// "clearance" on the head. clearance's own check stays what it is, its
// summary warns about the impostor, and the reconcile does not take the
// impostor's check for its own.
func TestImpostorCheckIsFlagged(t *testing.T) {
	h := newHarness(t, nil, unstarted(), withReconcile(time.Hour))
	h.gh.RegisterApp(5555, "impostor")
	h.gh.CreateInstallation(88, owner, repoName)
	h.gh.Commit(owner, repoName, "g", pick(h.files, grittingPost))
	n := h.gh.OpenPR(owner, repoName, "g", "main", "g", "dana")
	imp := h.gh.InstallationClient(88)
	_, _, err := imp.Checks.CreateCheckRun(context.Background(), owner, repoName, github.CreateCheckRunOptions{
		Name: "clearance", HeadSHA: h.head(n), Status: github.String("completed"), Conclusion: github.String("success"),
		Output: &github.CheckRunOutput{Title: github.String("All good"), Summary: github.String("trust me")},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Start: the reconcile finds no check of clearance's own on the head.
	if err := h.srv.Start(); err != nil {
		t.Fatal(err)
	}
	h.wait()
	cr := h.expectCheck(n, "!success", "Waiting for")
	if cr.GetApp().GetID() != appID {
		t.Fatalf("newest check from app %d", cr.GetApp().GetID())
	}
	if s := cr.GetOutput().GetSummary(); !strings.Contains(s, "another app also wrote a check named `clearance`") || !strings.Contains(s, "5555") {
		t.Errorf("the summary does not flag the impostor:\n%s", s)
	}
}

// TestSharedHeadIntoLaxerBranch: a second pull request with the same head
// commit into a branch with laxer rules gets its own check name, so its
// success does not satisfy the check main requires.
func TestSharedHeadIntoLaxerBranch(t *testing.T) {
	h := newHarness(t, nil)
	lax := strings.Replace(h.files[".github/clearance.yml"], "required_roles: [policy, comms]", "required_roles: [comms]", 1)
	h.gh.Commit(owner, repoName, "lax", map[string]string{".github/clearance.yml": lax})
	n := h.open("g", "dana", pick(h.files, grittingPost))
	m := h.gh.OpenPR(owner, repoName, "g", "lax", "same head, laxer base", "dana")
	h.deliver("pull_request", h.prEvent("opened", m, "dana"))
	h.review(m, "carol", "APPROVED")
	h.expectCheck(m, "success")
	if h.head(m) != h.head(n) {
		t.Fatal("the two pull requests do not share their head")
	}
	// main's required check on that commit is still n's own, not success.
	h.expectCheck(n, "!success", "Waiting for policy and comms approval")
}

// TestWebhookSecretRotation: during a rotation (CLEARANCE_WEBHOOK_SECRET
// the new secret, CLEARANCE_WEBHOOK_SECRET_PREVIOUS the old), deliveries
// signed with either are taken and run; any other signature is refused. Once
// the previous secret is unset, the old one is refused too.
func TestWebhookSecretRotation(t *testing.T) {
	const newSecret = "rotated-" + secret
	for _, tc := range []struct {
		name     string
		previous string
		signers  map[string]int // who signs -> status wanted
	}{
		{"during the rotation", secret, map[string]int{"new": http.StatusAccepted, "old": http.StatusAccepted, "guess": http.StatusUnauthorized}},
		{"after it", "", map[string]int{"new": http.StatusAccepted, "old": http.StatusUnauthorized}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, withConfig(func(c *server.Config) {
				c.WebhookSecret, c.WebhookSecretPrevious = []byte(newSecret), []byte(tc.previous)
			}))
			keys := map[string]string{"new": newSecret, "old": secret, "guess": "not-" + secret}
			for signer, want := range tc.signers {
				h.gh.Commit(owner, repoName, "rot-"+signer, pick(h.files, grittingPost))
				n := h.gh.OpenPR(owner, repoName, "rot-"+signer, "main", "rotation", "dana")
				body, err := json.Marshal(h.prEvent("opened", n, "dana"))
				if err != nil {
					t.Fatal(err)
				}
				r := h.post(body, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "rot-" + signer,
					"X-Hub-Signature-256": server.Sign([]byte(keys[signer]), body)})
				h.wait()
				if r.status != want {
					t.Errorf("signed with %q: %d %q; want %d", signer, r.status, r.body, want)
				}
				ran := h.checkOn(h.head(n)) != nil
				if ran != (want == http.StatusAccepted) {
					t.Errorf("signed with %q: evaluated %v", signer, ran)
				}
			}
		})
	}
}
