package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/review"
	"github.com/clearance-dev/clearance/internal/server"
)

// once runs f the first time the hook fires, and nothing after.
func once(f func()) func(review.Repo, int) {
	var o sync.Once
	return func(review.Repo, int) { o.Do(f) }
}

// TestReplicaWhenTheHeadMoves: replica A evaluates a pull request; the
// author pushes and replica B evaluates the new head while A is busy.
//
//   - The push lands between A's snapshot and A's check before writing
//     (that read runs alongside the gather): A finds the head moved,
//     writes nothing, and evaluates again.
//   - The push lands after that check, just before A's writes: A writes
//     its outcome for the commit it read, finds afterwards that the head
//     moved, and evaluates again.
//
// Either way the pull request ends as B left it, with one summary comment.
func TestReplicaWhenTheHeadMoves(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hook    func(*server.Server, func(review.Repo, int))
		onFirst int // check runs left on the commit the pull request left
	}{
		{"before the check before writing", server.SetBeforeVerify, 0},
		{"after the check, before writing", server.SetBeforeWrite, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			a, b := h.newReplica(unstarted()), h.newReplica()
			h.gh.Commit(owner, repoName, "g", pick(h.files, grittingPost))
			n := h.gh.OpenPR(owner, repoName, "g", "main", "g", "dana")
			first := h.head(n)
			edited := strings.Replace(h.files[grittingPost], "Frost is forecast tonight.", "Hard frost is forecast tonight.", 1)
			tc.hook(a.srv, once(func() {
				h.gh.PushToPR(owner, repoName, n, map[string]string{grittingPost: edited})
				h.deliverTo(b, "pull_request", h.prEvent("synchronize", n, "dana"))
			}))
			if err := a.srv.Start(); err != nil {
				t.Fatal(err)
			}
			h.deliverTo(a, "pull_request", h.prEvent("opened", n, "dana"))

			if runs := h.gh.CheckRuns(owner, repoName, first); len(runs) != tc.onFirst {
				t.Errorf("%d check runs on the commit the pull request left; want %d (written for the commit A read)", len(runs), tc.onFirst)
			}
			h.expectCheck(n, "!success", "Waiting for", "policy", "comms")
			if tc.onFirst == 0 && h.checkCount(n) != 1 {
				t.Errorf("%d check runs on the head; want 1 (A's second evaluation had nothing to change)", h.checkCount(n))
			}
			if len(h.botComments(n)) != 1 {
				t.Errorf("%d bot comments; want 1", len(h.botComments(n)))
			}
			if st := a.srv.Stats(); st.Moved != 1 || st.Evaluations != 2 || st.JobErrors != 0 {
				t.Errorf("replica A: %+v; want 1 evaluation redone, 2 in all, no errors", st)
			}
		})
	}
}

// TestReplicaRedoesWhenAnApprovalArrivesMeanwhile: an approval arrives at
// replica B while replica A evaluates the previous push. A's outcome, from
// before the approval, is written after B's; A notices the new review and
// evaluates again, so the pull request ends approved.
func TestReplicaRedoesWhenAnApprovalArrivesMeanwhile(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.newReplica(unstarted()), h.newReplica()
	if err := a.srv.Start(); err != nil {
		t.Fatal(err)
	}
	h.gh.Commit(owner, repoName, "g", pick(h.files, grittingPost))
	n := h.gh.OpenPR(owner, repoName, "g", "main", "g", "dana")
	h.deliverTo(a, "pull_request", h.prEvent("opened", n, "dana"))
	h.gh.SubmitReview(owner, repoName, n, "alice", "APPROVED", "")
	h.deliverTo(a, "pull_request_review", h.reviewEvent("submitted", n, "alice", "APPROVED"))
	h.expectCheck(n, "!success", "comms approval")

	// A push that keeps the draft: A evaluates it; comms approves while
	// A is between reading and writing, and B evaluates that.
	h.gh.PushToPR(owner, repoName, n, map[string]string{"notes/plan.txt": "x\n"})
	server.SetBeforeWrite(a.srv, once(func() {
		h.gh.SubmitReview(owner, repoName, n, "carol", "APPROVED", "")
		h.deliverTo(b, "pull_request_review", h.reviewEvent("submitted", n, "carol", "APPROVED"))
		if c := h.check(n); c.GetConclusion() != "success" {
			t.Errorf("B wrote %s %q; want success", c.GetConclusion(), c.GetOutput().GetTitle())
		}
	}))
	h.deliverTo(a, "pull_request", h.prEvent("synchronize", n, "dana"))

	h.expectCheck(n, "success", "Approved")
	if st := a.srv.Stats(); st.Moved != 1 {
		t.Errorf("replica A: %+v; want 1 evaluation redone", st)
	}
	runs := h.gh.CheckRuns(owner, repoName, h.head(n))
	if len(runs) != 3 {
		t.Errorf("%d check runs on the head; want 3 (B's success, A's outdated one, A's redone success)", len(runs))
	}
}

// TestReplicasConverge: two replicas behind a load balancer get the events
// of the same pull requests, each event at either, at the same time, with
// GitHub slow and failing now and then, while authors push and reviewers
// approve. Afterwards every pull request is as one calm evaluation leaves
// it: a third server evaluating each of them calmly writes nothing.
func TestReplicasConverge(t *testing.T) {
	h := newHarness(t, nil, quickAPIRetries())
	replicas := []*replica{{srv: h.srv, hook: h.hook, logs: h.logs}, h.newReplica(quickAPIRetries())}
	edited := strings.Replace(h.files[grittingPost], "Frost is forecast tonight.", "Hard frost is forecast tonight.", 1)
	var prs []int
	for i := range 6 {
		files := pick(h.files, grittingPost)
		if i%3 == 2 {
			files = pick(h.files, libraryPost, floodPost)
		}
		h.gh.Commit(owner, repoName, fmt.Sprint("b", i), files)
		prs = append(prs, h.gh.OpenPR(owner, repoName, fmt.Sprint("b", i), "main", fmt.Sprint("pr ", i), "dana"))
	}
	h.gh.SetFaults(githubtest.Faults{ErrorRate: 0.05, Latency: 2 * time.Millisecond, Seed: 7})

	rng := rand.New(rand.NewPCG(1, 2))
	var wg sync.WaitGroup
	var seqMu sync.Mutex
	seq := 0
	send := func(event string, payload any) {
		body := mustJSON(t, payload)
		seqMu.Lock()
		seq++
		d := fmt.Sprint("conv-", seq)
		r := replicas[rng.IntN(len(replicas))]
		seqMu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := h.postTo(r.hook, body, signedHeaders(event, d, body))
			if resp.status != http.StatusAccepted && resp.status != http.StatusOK {
				t.Errorf("%s: %d %s", event, resp.status, resp.body)
			}
		}()
	}
	for round := range 4 {
		for i, n := range prs {
			switch {
			case round == 0:
				send("pull_request", h.prEvent("opened", n, "dana"))
			case round == 1 && i%3 != 2:
				h.gh.SubmitReview(owner, repoName, n, "alice", "APPROVED", "")
				send("pull_request_review", h.reviewEvent("submitted", n, "alice", "APPROVED"))
			case round == 2 && i%3 == 0:
				h.gh.PushToPR(owner, repoName, n, map[string]string{grittingPost: edited})
				send("pull_request", h.prEvent("synchronize", n, "dana"))
			case round == 3 && i%3 != 2:
				h.gh.SubmitReview(owner, repoName, n, "carol", "APPROVED", "")
				send("pull_request_review", h.reviewEvent("submitted", n, "carol", "APPROVED"))
			}
			// Echoes at both replicas.
			send("check_suite", checkSuiteEvent(h, n))
		}
		time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
	}
	wg.Wait()
	for _, r := range replicas {
		waitIdle(t, r.srv)
	}
	h.gh.SetFaults(githubtest.Faults{})
	for i, r := range replicas {
		t.Logf("replica %d: %+v", i, r.srv.Stats())
	}
	// A failed evaluation may have given up (its check says so); one more
	// event each, as the reconcile would send, settles those.
	for _, n := range prs {
		if c := h.checkOn(h.head(n)); c == nil || strings.Contains(c.GetOutput().GetTitle(), "Could not evaluate") {
			h.deliverTo(replicas[0], "pull_request", h.prEvent("synchronize", n, "dana"))
		}
	}

	for i, n := range prs {
		switch {
		case i%3 == 2:
			h.expectCheck(n, "success", "free to post")
		case i%3 == 0:
			// The push changed the draft after alice's approval.
			h.expectCheck(n, "!success", "Waiting for policy approval")
		default:
			h.expectCheck(n, "success", "Approved")
		}
	}
	expectCalm(t, h, prs)
}

// checkSuiteEvent is check_suite requested for a pull request's head.
func checkSuiteEvent(h *harness, n int) map[string]any {
	return map[string]any{
		"action": "requested",
		"check_suite": map[string]any{"head_sha": h.head(n), "pull_requests": []map[string]any{{
			"number": n, "base": map[string]any{"ref": "main", "repo": map[string]any{"name": repoName}},
		}}},
		"repository":   h.repoJSON(),
		"sender":       user("dana"),
		"installation": installation(instID),
	}
}

// expectCalm evaluates each pull request once more with a new server and
// no faults, and fails if that writes anything: the state is what one calm
// evaluation gives.
func expectCalm(t *testing.T, h *harness, prs []int) {
	t.Helper()
	calm := h.newReplica()
	h.gh.ResetCalls()
	for _, n := range prs {
		h.deliverTo(calm, "pull_request", h.prEvent("synchronize", n, "dana"))
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("a calm evaluation of the converged state wrote:\n%s", callList(w))
	}
}
