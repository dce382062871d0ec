package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
)

// TestTimeoutWritesCheck: when the time limit runs out while the pull
// request is read, the check still says so (not a success), with what to
// do, instead of showing nothing until the retry.
func TestTimeoutWritesCheck(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnv(t, pick(files, ".github/", "published/"))
	e.gh.Commit(budgetOwner, budgetRepo, "drafts", pick(files, "posts/2026-12-01-library-hours-link.md"))
	n := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "Drafts", "dana")
	e.gh.SetFaults(githubtest.Faults{Latency: time.Second, Match: func(method, path string) bool {
		return strings.HasSuffix(path, "/files")
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, dec, err := e.rv.Review(ctx, e.c, e.repo, n)
	if err == nil {
		t.Fatal("no error from an evaluation that ran out of time")
	}
	if dec == nil || dec.Check.Conclusion == "success" {
		t.Fatalf("decision %+v; want a check that is not a success", dec)
	}
	head := e.gh.PullRequest(budgetOwner, budgetRepo, n).GetHead().GetSHA()
	runs := e.gh.CheckRuns(budgetOwner, budgetRepo, head)
	if len(runs) != 1 {
		t.Fatalf("%d check runs on the head; want the one that says the evaluation ran out of time", len(runs))
	}
	cr := runs[0]
	if cr.GetConclusion() != "failure" || !strings.Contains(cr.GetOutput().GetTitle(), "Could not evaluate") ||
		!strings.Contains(cr.GetOutput().GetSummary(), "answered too slowly") ||
		!strings.Contains(cr.GetOutput().GetText(), "ran out of time") || !strings.Contains(cr.GetOutput().GetSummary(), "/clearance recheck") {
		t.Errorf("check %s %q:\n%s", cr.GetConclusion(), cr.GetOutput().GetTitle(), cr.GetOutput().GetSummary())
	}
}
