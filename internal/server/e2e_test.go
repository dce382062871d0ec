package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/review"
	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

const (
	labelPD      = "scenario: public-domain"
	labelPointer = "scenario: pointer"
	labelNew     = "scenario: new-content"

	floodPost    = "posts/2026-11-30-flood-defences-open.md"
	libraryPost  = "posts/2026-12-01-library-hours-link.md"
	grittingPost = "posts/2026-12-02-winter-gritting.md"
	floodRelease = "published/2026-10-14-flood-defences.md"
)

func TestPointerAndPublicDomainPass(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("free-posts", "dana", pick(h.files, floodPost, libraryPost))

	if got, want := h.labels(n), []string{labelPointer, labelPD}; !eq(got, want) {
		t.Errorf("labels %q; want %q", got, want)
	}
	if u, tm := h.requested(n); len(u)+len(tm) > 0 {
		t.Errorf("review requested from %q %q; want nobody", u, tm)
	}
	cr := h.expectCheck(n, "success", "2 drafts free to post")
	if cr.GetApp().GetID() != appID {
		t.Errorf("check written by app %d; want %d", cr.GetApp().GetID(), appID)
	}
	cs := h.botComments(n)
	if len(cs) != 1 {
		t.Fatalf("%d bot comments; want 1", len(cs))
	}
	for _, s := range []string{review.SummaryMarker, floodPost, libraryPost} {
		if !strings.Contains(cs[0].GetBody(), s) {
			t.Errorf("the comment does not mention %q:\n%s", s, cs[0].GetBody())
		}
	}
	if h.checkCount(n) != 1 {
		t.Errorf("%d check runs on the head; want 1", h.checkCount(n))
	}
}

func TestNewContentApprovalFlow(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("gritting", "dana", pick(h.files, grittingPost))

	h.expectCheck(n, "!success", "Waiting for", "policy", "comms", grittingPost)
	if got := h.labels(n); !eq(got, []string{labelNew}) {
		t.Errorf("labels %q; want %q", got, labelNew)
	}
	if u, tm := h.requested(n); len(u) != 0 || !eq(tm, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested users %q teams %q; want teams comms-team, policy-team", u, tm)
	}

	t.Log("policy approves: still waiting for comms")
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "!success", "comms approval")
	if strings.Contains(h.check(n).GetOutput().GetTitle(), "policy") {
		t.Errorf("title %q still waits for policy", h.check(n).GetOutput().GetTitle())
	}

	t.Log("comms approves: success")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success", "Approved")

	t.Log("a push that edits another file keeps the approvals")
	h.push(n, map[string]string{"notes/plan.txt": "schedule for December\n"})
	h.expectCheck(n, "success", "Approved")

	t.Log("a push that edits the draft makes them stale")
	edited := strings.Replace(h.files[grittingPost], "Frost is forecast tonight.", "Hard frost is forecast tonight.", 1)
	h.push(n, map[string]string{grittingPost: edited})
	h.expectCheck(n, "!success", "Waiting for", "policy", "comms")

	if cs := h.botComments(n); len(cs) != 1 {
		t.Errorf("%d bot comments; want 1 (edited in place)", len(cs))
	}
	// Nobody is asked twice: the teams were asked once, when the pull
	// request was opened.
	if got := h.gh.CallCount(http.MethodPost, "/repos/northbridge/content/pulls/1/requested_reviewers"); got != 1 {
		t.Errorf("reviews requested %d times; want 1", got)
	}
}

func TestChangesRequestedBlocksUntilDismissed(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("gritting", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success")

	id := h.review(n, "amir", "CHANGES_REQUESTED")
	h.expectCheck(n, "!success", "Changes requested by @amir")

	h.gh.DismissReview(owner, repoName, n, id)
	h.deliver("pull_request_review", h.reviewEvent("dismissed", n, "amir", "DISMISSED"))
	h.expectCheck(n, "success")
}

func TestApprovalByNonOwnerDoesNotCount(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("gritting", "dana", pick(h.files, grittingPost))
	h.review(n, "eve", "APPROVED")  // in no team
	h.review(n, "hank", "APPROVED") // housing team: owns replies/housing only
	h.expectCheck(n, "!success", "policy", "comms")

	h.review(n, "alice", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "success")
}

func TestConfigChangeNeedsPolicyAndUsesBaseConfig(t *testing.T) {
	h := newHarness(t, nil)
	// The pull request tries to drop the policy role and to stop treating
	// posts as drafts; the base config still governs its own review.
	relaxed := strings.Replace(h.files[".github/clearance.yml"], "required_roles: [policy, comms]", "required_roles: [comms]", 1)
	relaxed = strings.Replace(relaxed, "  - posts/**/*.md\n", "", 1)
	if relaxed == h.files[".github/clearance.yml"] {
		t.Fatal("the example config changed; update the test")
	}
	files := pick(h.files, grittingPost)
	files[".github/clearance.yml"] = relaxed
	n := h.open("relax", "dana", files)

	h.expectCheck(n, "!success", "policy approval of the change to .github/clearance.yml")
	if !strings.Contains(h.check(n).GetOutput().GetTitle(), grittingPost) {
		t.Errorf("title %q: the draft is still reviewed with the base config", h.check(n).GetOutput().GetTitle())
	}
	if _, tm := h.requested(n); !eq(tm, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested teams %q; want comms-team, policy-team", tm)
	}

	h.review(n, "carol", "APPROVED") // comms alone is not enough
	h.expectCheck(n, "!success", "policy")
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "success")
}

func TestCodeownersChangeNeedsPolicy(t *testing.T) {
	h := newHarness(t, nil)
	co := h.files[".github/CODEOWNERS"] + "/posts/ @northbridge/housing-team\n"
	n := h.open("owners", "dana", map[string]string{".github/CODEOWNERS": co})

	h.expectCheck(n, "!success", "policy approval of the change to .github/CODEOWNERS")
	if _, tm := h.requested(n); !eq(tm, []string{"policy-team"}) {
		t.Errorf("requested teams %q; want policy-team", tm)
	}
	h.review(n, "hank", "APPROVED") // the PR would make hank an owner; it does not count
	h.expectCheck(n, "!success")
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "success")
}

func TestDraftWithItsOwnPressReleaseIsNewContent(t *testing.T) {
	// The release is not on the base branch: it is added with the draft.
	base := pick(exampleFiles(t), ".github/", "published/2026-11-02", "published/2027-")
	h := newHarness(t, base)
	files := pick(h.files, floodPost, floodRelease)
	n := h.open("with-release", "dana", files)

	if got := h.labels(n); !eq(got, []string{labelNew}) {
		t.Errorf("labels %q; want %q", got, labelNew)
	}
	h.expectCheck(n, "!success", "policy", "comms", floodPost)

	// Once the release is on the base branch, the same draft is public.
	h.gh.Commit(owner, repoName, "main", pick(h.files, floodRelease))
	n2 := h.open("after-release", "dana", pick(h.files, floodPost))
	h.expectCheck(n2, "success")
	if got := h.labels(n2); !eq(got, []string{labelPD}) {
		t.Errorf("labels %q; want %q", got, labelPD)
	}
}

func TestRecheckFromWriterOnly(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("gritting", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.review(n, "carl", "APPROVED") // not in comms-team yet
	h.expectCheck(n, "!success", "comms approval")

	// carl joins comms-team: nothing on the pull request changed, so only
	// a recheck (which bypasses the membership cache) notices.
	h.gh.AddTeam(owner, "comms-team", "carl")
	h.gh.SetPermission(owner, repoName, "rita", "read")
	h.gh.SetPermission(owner, repoName, "wendy", "write")

	h.gh.ResetCalls()
	id := h.gh.AddIssueComment(owner, repoName, n, "rita", "/clearance recheck")
	h.deliver("issue_comment", h.commentEvent(n, "rita", "/clearance recheck", id))
	h.expectCheck(n, "!success", "comms approval")
	if got := h.gh.CallCount(http.MethodGet, "/repos/northbridge/content/collaborators/rita/permission"); got != 1 {
		t.Errorf("rita's permission read %d times; want 1", got)
	}
	if got := h.gh.CallCount(http.MethodGet, "/repos/northbridge/content/pulls/1"); got != 0 {
		t.Errorf("a recheck from a reader evaluated the pull request (%d reads)", got)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("a recheck from a reader wrote:\n%s", callList(w))
	}

	id = h.gh.AddIssueComment(owner, repoName, n, "wendy", "/clearance recheck")
	h.deliver("issue_comment", h.commentEvent(n, "wendy", " /clearance recheck\n", id))
	h.expectCheck(n, "success")

	// Other comments do nothing.
	h.gh.ResetCalls()
	id = h.gh.AddIssueComment(owner, repoName, n, "wendy", "looks good, /clearance recheck later")
	if r := h.deliver("issue_comment", h.commentEvent(n, "wendy", "looks good, /clearance recheck later", id)); r.status != http.StatusOK {
		t.Errorf("an ordinary comment: %d %s; want 200 ignored", r.status, r.body)
	}
	if c := h.gh.Calls(); len(c) != 0 {
		t.Errorf("an ordinary comment caused calls:\n%s", callList(c))
	}
}

func TestForgedSignatureRunsNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "gritting", pick(h.files, grittingPost))
	n := h.gh.OpenPR(owner, repoName, "gritting", "main", "x", "dana")
	h.wait()
	h.gh.ResetCalls()

	body := []byte(`{"action":"opened","number":1,"pull_request":{"number":1},"installation":{"id":77},` +
		`"repository":{"name":"content","owner":{"login":"northbridge"}}}`)
	for name, sig := range map[string]string{
		"missing":      "",
		"wrong secret": server.Sign([]byte("not-the-secret"), body),
		"sha1 only":    "sha1=0123456789abcdef0123456789abcdef01234567",
		"garbage":      "sha256=zz",
		"truncated":    server.Sign([]byte(secret), body)[:40],
	} {
		r := h.post(body, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "forged-" + name, "X-Hub-Signature-256": sig})
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s signature: %d %s; want 401", name, r.status, r.body)
		}
	}
	// A right signature over another body.
	r := h.post(append(body, ' '), map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "forged-body", "X-Hub-Signature-256": server.Sign([]byte(secret), body)})
	if r.status != http.StatusUnauthorized {
		t.Errorf("signature of another body: %d; want 401", r.status)
	}
	h.wait()
	if c := h.gh.Calls(); len(c) != 0 {
		t.Errorf("forged webhooks caused calls to GitHub:\n%s", callList(c))
	}
	if got := len(h.gh.CheckRuns(owner, repoName, h.head(n))); got != 0 {
		t.Errorf("%d check runs; want none", got)
	}
	// The same delivery ids, now signed, are processed: a rejected
	// delivery is not remembered.
	b := mustJSON(t, h.prEvent("opened", n, "dana"))
	r = h.post(b, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "forged-missing", "X-Hub-Signature-256": server.Sign([]byte(secret), b)})
	h.wait()
	if r.status != http.StatusAccepted {
		t.Errorf("signed delivery: %d %s; want 202", r.status, r.body)
	}
	h.expectCheck(n, "!success")
}

func TestRedeliveryChangesNothing(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("mixed", "dana", pick(h.files, grittingPost, floodPost, "posts/2026-12-04-recycling-week.md"))
	h.expectCheck(n, "!success")
	before := struct {
		labels   []string
		users    []string
		teams    []string
		checks   int
		comments int
		reviews  int
	}{labels: h.labels(n), checks: h.checkCount(n), comments: len(h.botComments(n)), reviews: len(h.gh.Reviews(owner, repoName, n))}
	before.users, before.teams = h.requested(n)
	if before.reviews != 1 {
		t.Errorf("%d reviews with inline findings; want 1", before.reviews)
	}

	// The same event again, with a new delivery id (GitHub sends a new id
	// for a new event; a tool may replay one): nothing is written.
	h.gh.ResetCalls()
	ev := h.prEvent("opened", n, "dana")
	h.deliver("pull_request", ev)
	h.deliver("pull_request", h.prEvent("reopened", n, "dana"))
	if w := h.writes(); len(w) != 0 {
		t.Errorf("re-running the event wrote to GitHub:\n%s", callList(w))
	}
	if h.gh.CallCount(http.MethodGet, "/repos/northbridge/content/pulls/1") == 0 {
		t.Error("the repeated event was not evaluated at all")
	}

	// The same delivery id again: recognised, nothing runs.
	h.deliverAs("same-id", "pull_request", ev)
	h.gh.ResetCalls()
	r := h.deliverAs("same-id", "pull_request", ev)
	if r.status != http.StatusOK || !strings.Contains(r.body, "already") {
		t.Errorf("repeated delivery: %d %s; want 200 already received", r.status, r.body)
	}
	if c := h.gh.Calls(); len(c) != 0 {
		t.Errorf("a repeated delivery caused calls:\n%s", callList(c))
	}

	users, teams := h.requested(n)
	switch {
	case !eq(h.labels(n), before.labels):
		t.Errorf("labels %q; were %q", h.labels(n), before.labels)
	case !eq(users, before.users) || !eq(teams, before.teams):
		t.Errorf("requests %q %q; were %q %q", users, teams, before.users, before.teams)
	case h.checkCount(n) != before.checks:
		t.Errorf("%d check runs; were %d", h.checkCount(n), before.checks)
	case len(h.botComments(n)) != before.comments:
		t.Errorf("%d comments; were %d", len(h.botComments(n)), before.comments)
	case len(h.gh.Reviews(owner, repoName, n)) != before.reviews:
		t.Errorf("%d reviews; were %d", len(h.gh.Reviews(owner, repoName, n)), before.reviews)
	}
}

func TestBotsOwnEventsAndOtherEventsIgnored(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("free", "dana", pick(h.files, libraryPost))
	h.gh.ResetCalls()

	// The bot's own review (its inline findings) is not a reason to run.
	r := h.deliver("pull_request_review", h.reviewEvent("submitted", n, botLogin, "COMMENTED"))
	if r.status != http.StatusOK || !strings.Contains(r.body, "clearance itself") {
		t.Errorf("bot's own event: %d %s; want 200 ignored", r.status, r.body)
	}
	for _, ev := range []struct {
		name    string
		payload any
	}{
		{"pull_request", h.prEvent("labeled", n, "dana")},
		{"pull_request", h.prEvent("edited", n, "dana")}, // title only
		{"issues", map[string]any{"action": "opened", "installation": map[string]any{"id": instID}}},
		{"star", map[string]any{"action": "created"}},
	} {
		if r := h.deliver(ev.name, ev.payload); r.status != http.StatusOK {
			t.Errorf("%s: %d %s; want 200", ev.name, r.status, r.body)
		}
	}
	for _, c := range h.gh.Calls() {
		if c.Path != "/app" && !strings.HasSuffix(c.Path, "/access_tokens") {
			t.Errorf("ignored events caused %s %s", c.Method, c.Path)
		}
	}
	// An edit that changes the base is evaluated.
	ev := h.prEvent("edited", n, "dana")
	ev.Changes = &github.EditChange{Base: &github.EditBase{Ref: &github.EditRef{From: github.String("old")}}}
	if r := h.deliver("pull_request", ev); r.status != http.StatusAccepted {
		t.Errorf("base change: %d %s; want 202", r.status, r.body)
	}
}

func TestPushToDefaultBranchReevaluatesOpenPRs(t *testing.T) {
	base := pick(exampleFiles(t), ".github/", "published/2026-11-02", "published/2027-")
	h := newHarness(t, base)
	n := h.open("flood", "dana", pick(h.files, floodPost))
	h.expectCheck(n, "!success") // the release is not published yet
	other := h.open("library", "dana", pick(h.files, libraryPost))
	h.expectCheck(other, "success")

	// A push that touches no config, CODEOWNERS or register: ignored.
	h.gh.Commit(owner, repoName, "main", map[string]string{"tools/build.sh": "echo\n"})
	r := h.deliver("push", h.pushEvent("refs/heads/main", "tools/build.sh"))
	if r.status != http.StatusOK {
		t.Errorf("unrelated push: %d %s; want 200 ignored", r.status, r.body)
	}
	// The release lands on main: the open pull requests are evaluated again.
	h.gh.Commit(owner, repoName, "main", pick(h.files, floodRelease))
	if r := h.deliver("push", h.pushEvent("refs/heads/main", floodRelease)); r.status != http.StatusAccepted {
		t.Errorf("register push: %d %s; want 202", r.status, r.body)
	}
	h.expectCheck(n, "success")
	if got := h.labels(n); !eq(got, []string{labelPD}) {
		t.Errorf("labels %q; want %q", got, labelPD)
	}
	h.expectCheck(other, "success")
	if h.checkCount(other) != 1 {
		t.Errorf("the unchanged pull request got %d check runs; want 1", h.checkCount(other))
	}
}

// TestPushToAnotherBaseBranchReevaluatesItsPRs: a pull request into a
// release branch is evaluated again when that branch changes (here the
// press release it quotes is withdrawn there), as for the default branch.
func TestPushToAnotherBaseBranchReevaluatesItsPRs(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "release", map[string]string{"RELEASE.txt": "r\n"})
	h.gh.Commit(owner, repoName, "f", pick(h.files, floodPost))
	n := h.gh.OpenPR(owner, repoName, "f", "release", "flood into release", "dana")
	h.deliver("pull_request", h.prEvent("opened", n, "dana"))
	h.expectCheck(n, "success")
	h.gh.Commit(owner, repoName, "release", nil, floodRelease)
	ev := h.pushEvent("refs/heads/release")
	ev.Commits = []*github.HeadCommit{{Removed: []string{floodRelease}}}
	if r := h.deliver("push", ev); r.status != http.StatusAccepted {
		t.Errorf("push to the release branch: %d %s; want 202", r.status, r.body)
	}
	h.expectCheck(n, "!success")
	// A push to a branch no pull request is based on costs one listing.
	h.gh.ResetCalls()
	if r := h.deliver("push", h.pushEvent("refs/heads/f", floodPost)); r.status != http.StatusAccepted {
		t.Errorf("push to a head branch: %d %s; want 202", r.status, r.body)
	}
	for _, c := range h.gh.Calls() {
		if c.Method != http.MethodGet {
			t.Errorf("a push to a branch no pull request is based on wrote %s %s", c.Method, c.Path)
		}
	}
}

func (h *harness) pushEvent(ref string, modified ...string) *github.PushEvent {
	return &github.PushEvent{
		Ref:     github.String(ref),
		Commits: []*github.HeadCommit{{Modified: modified}},
		Repo: &github.PushEventRepository{
			Name: github.String(repoName), FullName: github.String(owner + "/" + repoName),
			Owner: user(owner), DefaultBranch: github.String("main"),
		},
		Sender:       user("dana"),
		Installation: installation(instID),
	}
}

func TestInstallationEventsEvaluateOpenPRs(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	a := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	h.gh.Commit(owner, repoName, "b", pick(h.files, grittingPost))
	b := h.gh.OpenPR(owner, repoName, "b", "main", "b", "dana")

	r := h.deliver("installation", &github.InstallationEvent{
		Action: github.String("created"), Installation: installation(instID), Sender: user("admin"),
		Repositories: []*github.Repository{{Name: github.String(repoName), FullName: github.String(owner + "/" + repoName)}},
	})
	if r.status != http.StatusAccepted {
		t.Fatalf("installation created: %d %s", r.status, r.body)
	}
	h.expectCheck(a, "success")
	h.expectCheck(b, "!success")

	h.gh.Commit(owner, repoName, "c", pick(h.files, floodPost))
	c := h.gh.OpenPR(owner, repoName, "c", "main", "c", "dana")
	h.deliver("installation_repositories", &github.InstallationRepositoriesEvent{
		Action: github.String("added"), Installation: installation(instID), Sender: user("admin"),
		RepositoriesAdded: []*github.Repository{{Name: github.String(repoName), FullName: github.String(owner + "/" + repoName)}},
	})
	h.expectCheck(c, "success")
}

func TestCheckRerequestEvaluates(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	prRef := []*github.PullRequest{{Number: github.Int(n)}}
	h.deliver("check_suite", &github.CheckSuiteEvent{
		Action: github.String("requested"), CheckSuite: &github.CheckSuite{PullRequests: prRef},
		Repo: h.repoJSON(), Sender: user("dana"), Installation: installation(instID),
	})
	h.expectCheck(n, "success")
	h.deliver("check_run", &github.CheckRunEvent{
		Action: github.String("rerequested"), CheckRun: &github.CheckRun{PullRequests: prRef},
		Repo: h.repoJSON(), Sender: user("dana"), Installation: installation(instID),
	})
	h.expectCheck(n, "success")
	if h.checkCount(n) != 1 {
		t.Errorf("%d check runs; want 1 (the outcome did not change)", h.checkCount(n))
	}
}

func TestUnknownInstallationRunsNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	ev := h.prEvent("opened", n, "dana")
	ev.Installation = installation(999)
	r := h.deliver("pull_request", ev)
	if r.status != http.StatusOK || !strings.Contains(r.body, "no access") {
		t.Errorf("unknown installation: %d %s; want 200 ignored", r.status, r.body)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("wrote:\n%s", callList(w))
	}
}
