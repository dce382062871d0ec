package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

// Never success on an error path: whatever GitHub fails to answer, every
// check run written is either the right outcome or a failure that says it
// could not evaluate and will retry; never a success from a partial
// snapshot.

// approvedPR builds, on the fake only (no webhooks), a pull request that one
// calm evaluation passes only by reading everything: a new-content draft
// approved by policy (alice) and comms (carol) through their teams, on an
// older commit whose draft text equals the head's (so the approvals' file
// SHAs are read too), plus a free draft.
func approvedPR(h *harness) int {
	h.gh.Commit(owner, repoName, "approved", pick(h.files, grittingPost, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "approved", "main", "approved", "dana")
	h.gh.SubmitReview(owner, repoName, n, "alice", "APPROVED", "")
	h.gh.SubmitReview(owner, repoName, n, "carol", "APPROVED", "")
	h.gh.PushToPR(owner, repoName, n, map[string]string{"notes/plan.txt": "x\n"})
	return n
}

// expectNoWrongSuccess fails if a check run on sha is a success other than
// right (the right outcome, when it is a success; nil when it is not), if a
// failure on an error path does not say it could not evaluate and will
// retry, or if a check shows a secret.
func expectNoWrongSuccess(t *testing.T, h *harness, sha string, right *github.CheckRun) {
	t.Helper()
	for _, cr := range h.gh.CheckRuns(owner, repoName, sha) {
		if cr.GetName() != "clearance" {
			continue
		}
		title := cr.GetOutput().GetTitle()
		switch {
		case cr.GetConclusion() == "success" && (right == nil || cr.GetExternalID() != right.GetExternalID()):
			t.Errorf("check run %d is a success that is not the right outcome: %q", cr.GetID(), title)
		case strings.Contains(strings.ToLower(title), "could not evaluate") && !strings.Contains(title, "(will retry)"):
			t.Errorf("check run %d: %q does not say it will retry", cr.GetID(), title)
		}
		for _, s := range secretMarks {
			if strings.Contains(title+cr.GetOutput().GetSummary()+cr.GetOutput().GetText(), s) {
				t.Errorf("check run %d shows a secret (%q)", cr.GetID(), s)
			}
		}
	}
}

// expectOnlyCouldNotEvaluate fails unless every check run on sha is a
// failure that says it could not evaluate (or there is none).
func expectOnlyCouldNotEvaluate(t *testing.T, h *harness, sha string) {
	t.Helper()
	expectNoWrongSuccess(t, h, sha, nil)
	for _, cr := range h.gh.CheckRuns(owner, repoName, sha) {
		if cr.GetName() == "clearance" && !strings.Contains(cr.GetOutput().GetTitle(), "Could not evaluate") {
			t.Errorf("check run %d: %s %q; want could not evaluate", cr.GetID(), cr.GetConclusion(), cr.GetOutput().GetTitle())
		}
	}
}

// TestNoSuccessWhenAnyReadFails makes each endpoint an evaluation reads
// fail every time, one at a time, past the transport's and the queue's
// retries: no check is a success, any check written says it could not
// evaluate; once GitHub answers again the right outcome is written.
func TestNoSuccessWhenAnyReadFails(t *testing.T) {
	repo := "/repos/" + owner + "/" + repoName
	for _, ep := range []struct{ name, prefix string }{
		{"GET /app (the bot's login)", "/app"},
		{"installation token", "/app/installations/"},
		{"the pull request", repo + "/pulls/1"},
		{"changed files", repo + "/pulls/1/files"},
		{"reviews", repo + "/pulls/1/reviews"},
		{"review comments", repo + "/pulls/1/comments"},
		{"issue comments", repo + "/issues/1/comments"},
		{"check runs", repo + "/commits/"},
		{"base branch", repo + "/git/ref/"},
		{"tree", repo + "/git/trees/"},
		{"blobs", repo + "/git/blobs/"},
		{"file at a reviewed commit", repo + "/contents/"},
		{"team membership", "/orgs/" + owner + "/teams/"},
	} {
		t.Run(ep.name, func(t *testing.T) {
			h := newHarness(t, nil, unstarted(), quickAPIRetries())
			n := approvedPR(h)
			var mu sync.Mutex
			failing, hits := true, 0
			h.gh.SetFaults(githubtest.Faults{ErrorRate: 1, Match: func(method, path string) bool {
				mu.Lock()
				defer mu.Unlock()
				exact := ep.prefix == repo+"/pulls/1" || ep.prefix == "/app"
				match := method == "GET" && (path == ep.prefix || (!exact && strings.HasPrefix(path, ep.prefix)))
				if ep.prefix == "/app/installations/" {
					match = strings.HasSuffix(path, "/access_tokens")
				}
				if failing && match {
					hits++
					return true
				}
				return false
			}})
			if err := h.srv.Start(); err != nil {
				t.Fatal(err)
			}
			h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
			mu.Lock()
			failing = false
			got := hits
			mu.Unlock()
			if got == 0 {
				t.Fatalf("the evaluation never read %s", ep.prefix)
			}
			expectOnlyCouldNotEvaluate(t, h, h.head(n))
			if st := h.srv.Stats(); st.JobErrors == 0 {
				t.Errorf("stats %+v: the failure was not noticed", st)
			}

			// GitHub answers again: the next event gives the right outcome.
			if ep.prefix == "/app" {
				time.Sleep(2 * time.Second) // the bot's login is read again at most every 2 s
			}
			h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
			right := h.expectCheck(n, "success", "Approved")
			expectNoWrongSuccess(t, h, h.head(n), right)
		})
	}
}

// TestFaultKindsNeverWriteAWrongSuccess drives a few pull requests through
// their review while GitHub fails in one way at a time: 5xx answers,
// connection resets, secondary rate limits (403 and 429 with Retry-After),
// timeouts (answers slower than the evaluation's deadline), and an
// exhausted primary rate limit. Every check ever written is the right
// outcome or a could-not-evaluate; once GitHub behaves, each pull request
// ends right.
func TestFaultKindsNeverWriteAWrongSuccess(t *testing.T) {
	slowEvery := func(n int, d time.Duration) githubtest.Faults {
		var mu sync.Mutex
		calls := 0
		return githubtest.Faults{Latency: d, Match: func(method, path string) bool {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return calls%n == 0
		}}
	}
	for _, fk := range []struct {
		name   string
		faults githubtest.Faults
		limit  int // primary rate limit per hour, when set
	}{
		{"server errors", githubtest.Faults{ErrorRate: 0.4, Seed: 1}, 0},
		{"connection resets", githubtest.Faults{ErrorRate: 0.4, Reset: true, Seed: 2}, 0},
		{"secondary rate limits", githubtest.Faults{RateLimitEvery: 2}, 0},
		{"timeouts", slowEvery(4, time.Second), 0},
		{"primary rate limit", githubtest.Faults{}, 25},
	} {
		t.Run(fk.name, func(t *testing.T) {
			h := newHarness(t, nil, quickAPIRetries(), withConfig(func(c *server.Config) {
				c.EvalTimeout = 400 * time.Millisecond
			}))
			h.gh.Commit(owner, repoName, "free", pick(h.files, libraryPost))
			free := h.gh.OpenPR(owner, repoName, "free", "main", "free", "dana")
			h.gh.Commit(owner, repoName, "waiting", pick(h.files, grittingPost))
			waiting := h.gh.OpenPR(owner, repoName, "waiting", "main", "waiting", "dana")
			approved := approvedPR(h)
			prs := []int{free, waiting, approved}

			h.gh.SetFaults(fk.faults)
			if fk.limit > 0 {
				h.gh.SetRateLimit(fk.limit)
			}
			send := h.deliver
			if fk.limit > 0 {
				// A job that meets the primary limit is retried when the
				// window resets (an hour away): do not wait for it.
				send = func(event string, payload any) response {
					b := mustJSON(t, payload)
					h.mu.Lock()
					h.seq++
					d := fmt.Sprint("limited-", h.seq)
					h.mu.Unlock()
					return h.post(b, signedHeaders(event, d, b))
				}
			}
			for _, n := range prs {
				send("pull_request", h.prEvent("opened", n, "dana"))
			}
			h.gh.SubmitReview(owner, repoName, waiting, "alice", "APPROVED", "")
			send("pull_request_review", h.reviewEvent("submitted", waiting, "alice", "APPROVED"))
			if fk.limit > 0 {
				eventually(t, 30*time.Second, "every evaluation to meet the limit", func() bool {
					st := h.srv.Stats()
					return st.Running == 0 && st.Retries >= int64(len(prs))
				})
				if st := h.srv.Stats(); st.Waiting < len(prs) {
					t.Errorf("stats %+v: want the evaluations waiting for the reset", st)
				}
			}
			h.gh.SetFaults(githubtest.Faults{})
			h.gh.SetRateLimit(githubtest.DefaultRateLimit)
			faulty := 0
			for _, c := range h.gh.Calls() {
				if c.Fault != "" || c.Status == 403 || c.Status == 429 {
					faulty++
				}
			}
			t.Logf("%d of %d calls failed; stats %+v", faulty, len(h.gh.Calls()), h.srv.Stats())

			deliver := h.deliver
			if fk.limit > 0 {
				// go-github refuses, without asking, every request until
				// the window's reset an hour away; a new window is a
				// new server here.
				r := h.newReplica(quickAPIRetries())
				deliver = func(event string, payload any) response { return h.deliverTo(r, event, payload) }
			}
			for _, n := range prs {
				deliver("pull_request", h.prEvent("synchronize", n, "dana"))
			}
			rightFree := h.expectCheck(free, "success")
			h.expectCheck(waiting, "!success", "comms approval")
			rightApproved := h.expectCheck(approved, "success", "Approved")
			expectNoWrongSuccess(t, h, h.head(free), rightFree)
			expectNoWrongSuccess(t, h, h.head(waiting), nil)
			expectNoWrongSuccess(t, h, h.head(approved), rightApproved)
		})
	}
}
