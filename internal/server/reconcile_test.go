package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/review"
	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkOn is the newest clearance check run on sha, or nil.
func (h *harness) checkOn(sha string) *github.CheckRun {
	var last *github.CheckRun
	for _, cr := range h.gh.CheckRuns(owner, repoName, sha) {
		if cr.GetName() == "clearance" && (last == nil || cr.GetID() > last.GetID()) {
			last = cr
		}
	}
	return last
}

// TestReconcileAtStartEvaluatesPRsOpenedWhileDown: pull requests opened,
// pushed to and approved while no server ran (their webhooks lost) are all
// evaluated once a server starts, without any event.
func TestReconcileAtStartEvaluatesPRsOpenedWhileDown(t *testing.T) {
	h := newHarness(t, nil, unstarted(), withReconcile(time.Hour))
	h.gh.Commit(owner, repoName, "free", pick(h.files, libraryPost))
	free := h.gh.OpenPR(owner, repoName, "free", "main", "free", "dana")
	h.gh.Commit(owner, repoName, "new", pick(h.files, grittingPost))
	waiting := h.gh.OpenPR(owner, repoName, "new", "main", "new", "dana")
	h.gh.Commit(owner, repoName, "ok", pick(h.files, grittingPost))
	approved := h.gh.OpenPR(owner, repoName, "ok", "main", "ok", "dana")
	h.gh.SubmitReview(owner, repoName, approved, "alice", "APPROVED", "")
	h.gh.SubmitReview(owner, repoName, approved, "carol", "APPROVED", "")
	h.gh.Commit(owner, repoName, "gone", pick(h.files, grittingPost))
	closed := h.gh.OpenPR(owner, repoName, "gone", "main", "gone", "dana")
	h.gh.ClosePR(owner, repoName, closed)

	if err := h.srv.Start(); err != nil {
		t.Fatal(err)
	}
	h.wait()
	h.expectCheck(free, "success")
	h.expectCheck(waiting, "!success", "Waiting for")
	h.expectCheck(approved, "success", "Approved")
	if got := h.labels(waiting); !eq(got, []string{labelNew}) {
		t.Errorf("labels %q; want %q", got, labelNew)
	}
	if _, tm := h.requested(waiting); !eq(tm, []string{"comms-team", "policy-team"}) {
		t.Errorf("requested teams %q", tm)
	}
	if n := len(h.gh.CheckRuns(owner, repoName, h.head(closed))); n != 0 {
		t.Errorf("the closed pull request got %d check runs", n)
	}
	if st := h.srv.Stats(); st.Reconciles != 1 || st.Evaluations != 3 {
		t.Errorf("stats %+v: want 1 reconcile, 3 evaluations", st)
	}
}

// TestReconcileFindsMovedHeadAndFailedChecks: between full rounds, a
// periodic reconcile evaluates exactly the pull requests whose check is
// missing, for another commit, or says it could not evaluate.
func TestReconcileFindsMovedHeadAndFailedChecks(t *testing.T) {
	h := newHarness(t, nil, withReconcile(150*time.Millisecond), quickAPIRetries(),
		withConfig(func(c *server.Config) { c.FullReconcileEvery = -1 }))
	h.wait() // the full round at start-up: nothing open yet
	moved := h.open("moved", "dana", pick(h.files, grittingPost))
	calm := h.open("calm", "dana", pick(h.files, libraryPost))
	h.expectCheck(moved, "!success")
	h.expectCheck(calm, "success")
	calmCalls := func() int {
		return h.gh.CallCount(http.MethodGet, fmt.Sprintf("/repos/%s/%s/pulls/%d/files", owner, repoName, calm))
	}
	before := calmCalls()

	t.Log("a push whose webhook is lost: the next round evaluates the new head")
	old := h.head(moved)
	h.gh.PushToPR(owner, repoName, moved, map[string]string{"notes/x.txt": "x\n"})
	eventually(t, 10*time.Second, "a check on the new head", func() bool { return h.checkOn(h.head(moved)) != nil })
	h.wait()
	if h.head(moved) == old {
		t.Fatal("the push did not move the head")
	}
	h.expectCheck(moved, "!success", "Waiting for")
	time.Sleep(400 * time.Millisecond) // more rounds
	// The pull request whose check stayed current was not evaluated again.
	if got := calmCalls(); got != before {
		t.Errorf("the up-to-date pull request was evaluated again (%d more reads of its files)", got-before)
	}

	t.Log("an evaluation that gives up leaves a could-not-evaluate check; a round redoes it once GitHub answers")
	var mu sync.Mutex
	failing := true
	h.gh.SetFaults(githubtest.Faults{ErrorRate: 1, Match: func(method, path string) bool {
		mu.Lock()
		defer mu.Unlock()
		return failing && path == fmt.Sprintf("/repos/%s/%s/pulls/%d/reviews", owner, repoName, moved)
	}})
	h.gh.PushToPR(owner, repoName, moved, map[string]string{"notes/y.txt": "y\n"})
	eventually(t, 30*time.Second, "a could-not-evaluate check", func() bool {
		cr := h.checkOn(h.head(moved))
		return cr != nil && strings.Contains(cr.GetOutput().GetTitle(), "Could not evaluate")
	})
	if c := h.checkOn(h.head(moved)); c.GetConclusion() == "success" {
		t.Fatalf("could-not-evaluate check is a success")
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	eventually(t, 10*time.Second, "the check redone", func() bool {
		cr := h.checkOn(h.head(moved))
		return cr != nil && strings.Contains(cr.GetOutput().GetTitle(), "Waiting for")
	})
	h.gh.SetFaults(githubtest.Faults{})

	if st := h.srv.Stats(); st.Reconciles < 3 || st.Stale < 2 {
		t.Errorf("stats %+v: want at least 3 rounds that found 2 stale checks", st)
	}
}

// TestRestartLosesNothing: the server takes webhooks, then dies before
// evaluating them (its queue is lost, as in a crash); a new server on the
// same GitHub evaluates everything at start-up, including an approval whose
// only trace is on GitHub (the check is on the right head but outdated).
func TestRestartLosesNothing(t *testing.T) {
	h := newHarness(t, nil, withReconcile(time.Hour))
	n := h.open("gritting", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "!success", "comms approval")

	// The first server stops taking work from its queue: webhooks are
	// answered 202 and then lost with it.
	dying := h.newReplica(unstarted())
	h.gh.SubmitReview(owner, repoName, n, "carol", "APPROVED", "")
	body := mustJSON(t, h.reviewEvent("submitted", n, "carol", "APPROVED"))
	if r := h.postTo(dying.hook, body, signedHeaders("pull_request_review", "lost-1", body)); r.status != http.StatusAccepted {
		t.Fatalf("%d %s", r.status, r.body)
	}
	h.gh.Commit(owner, repoName, "library", pick(h.files, libraryPost))
	other := h.gh.OpenPR(owner, repoName, "library", "main", "library", "dana")
	body = mustJSON(t, h.prEvent("opened", other, "dana"))
	if r := h.postTo(dying.hook, body, signedHeaders("pull_request", "lost-2", body)); r.status != http.StatusAccepted {
		t.Fatalf("%d %s", r.status, r.body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no time at all: what waits is dropped
	if err := dying.srv.Shutdown(ctx); err == nil {
		t.Error("Shutdown with work waiting and no time: want an error")
	}
	h.expectCheck(n, "!success", "comms approval") // nothing ran

	restarted := h.newReplica(withReconcile(time.Hour))
	waitIdle(t, restarted.srv)
	h.expectCheck(n, "success", "Approved")
	h.expectCheck(other, "success")
}

// TestMissedWorkMakesTheNextRoundFull: when the server had to turn a
// webhook away (503: GitHub will not redeliver it), the next round
// evaluates every open pull request, so an approval whose only event was
// lost is counted within one interval even though the check was on the
// right head.
func TestMissedWorkMakesTheNextRoundFull(t *testing.T) {
	var block sync.Mutex // held: the next evaluation that writes waits
	reached := make(chan struct{}, 1)
	h := newHarness(t, nil, unstarted(), withReconcile(300*time.Millisecond), withConfig(func(c *server.Config) {
		c.FullReconcileEvery = -1
		c.QueueSize = 1
		c.Workers = 1
	}))
	server.SetBeforeWrite(h.srv, func(_ review.Repo, number int) {
		select {
		case reached <- struct{}{}:
		default:
		}
		block.Lock()
		block.Unlock()
	})
	if err := h.srv.Start(); err != nil {
		t.Fatal(err)
	}
	n := h.open("gritting", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "!success", "comms approval")
	x := h.open("other", "dana", pick(h.files, libraryPost))
	h.gh.SetPermission(owner, repoName, "rita", "read")

	h.gh.SubmitReview(owner, repoName, n, "carol", "APPROVED", "") // its webhook is lost
	time.Sleep(700 * time.Millisecond)                             // rounds that find nothing stale
	h.expectCheck(n, "!success", "comms approval")

	// The one worker is held in an evaluation of x; one job waits; the
	// next webhook is turned away.
	block.Lock()
	h.gh.PushToPR(owner, repoName, x, map[string]string{"notes/x.txt": "x\n"})
	b := mustJSON(t, h.prEvent("synchronize", x, "dana"))
	if r := h.post(b, signedHeaders("pull_request", "hold", b)); r.status != http.StatusAccepted {
		t.Fatalf("%d %s", r.status, r.body)
	}
	<-reached
	statuses := []int{}
	for i := range 2 {
		id := h.gh.AddIssueComment(owner, repoName, x, "rita", "/clearance recheck")
		b := mustJSON(t, h.commentEvent(x, "rita", "/clearance recheck", id))
		statuses = append(statuses, h.post(b, signedHeaders("issue_comment", fmt.Sprint("recheck-", i), b)).status)
	}
	block.Unlock()
	if statuses[1] != http.StatusServiceUnavailable {
		t.Fatalf("answers %v; want the second turned away with 503", statuses)
	}
	eventually(t, 10*time.Second, "the lost approval counted", func() bool {
		cr := h.checkOn(h.head(n))
		return cr != nil && cr.GetConclusion() == "success"
	})
	h.wait()
}

// TestQuietSweeps: a reconcile sweep counts as quiet only when it finds
// every open pull request's check current; one that finds work does not,
// so a quiet sweep after a point in time says the work is done.
func TestQuietSweeps(t *testing.T) {
	h := newHarness(t, nil, withReconcile(time.Hour), withConfig(func(c *server.Config) { c.FullReconcileEvery = -1 }))
	h.wait()
	n := h.open("calm", "dana", pick(h.files, grittingPost))
	h.expectCheck(n, "!success")
	round := func() server.Stats {
		t.Helper()
		if err := server.ReconcileNow(h.srv, false); err != nil {
			t.Fatal(err)
		}
		h.wait()
		return h.srv.Stats()
	}
	q0 := h.srv.Stats().QuietSweeps
	if st := round(); st.QuietSweeps != q0+1 || st.Evaluating != 0 {
		t.Fatalf("a round over current checks: %+v; want one more quiet sweep (%d), nothing evaluating", st, q0+1)
	}
	t.Log("a push whose webhook is lost: the next round has work, so is not quiet")
	h.gh.PushToPR(owner, repoName, n, map[string]string{"notes/x.txt": "x\n"})
	if st := round(); st.QuietSweeps != q0+1 || st.Stale < 1 {
		t.Fatalf("a round that found a stale check: %+v; want quiet sweeps still %d, a stale check found", st, q0+1)
	}
	if h.checkOn(h.head(n)) == nil {
		t.Fatal("no check on the new head")
	}
	if st := round(); st.QuietSweeps != q0+2 {
		t.Fatalf("the round after: %+v; want quiet sweeps %d", st, q0+2)
	}
}
