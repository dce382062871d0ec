package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
)

// TestRoundTripsWebhookToCheck: from a synchronize webhook to the finished
// check, the server makes at most 4 sequential round trips to GitHub (issue
// 5), caches warm: the pull request, its files, its reviews and the base
// branch's tip side by side; then the check runs on the new head, the
// changed draft's text and the guard's second read of the pull request
// side by side; then the writes that do not depend on each other; then the
// check run. The reads the guard makes after the check is written are not
// on that path. Counted from the calls' arrival and answer times on the
// fake GitHub (githubtest.RoundTrips), so a slow machine does not change
// the figure.
// roundTripLatency is added to every call while round trips are counted.
const roundTripLatency = 200 * time.Millisecond

func TestRoundTripsWebhookToCheck(t *testing.T) {
	h := newHarness(t, nil)
	drafts := pick(h.files, grittingPost, libraryPost, floodPost)
	n := h.open("drafts", "dana", drafts)
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "!success", "comms approval")

	// A changed draft and an unchanged one, 200 ms per call: calls made side
	// by side then overlap even when a loaded machine starts one of them
	// late (at 20 ms, a starved scheduler once made two look sequential).
	h.gh.SetFaults(githubtest.Faults{Latency: roundTripLatency})
	defer h.gh.SetFaults(githubtest.Faults{})
	for i := range 2 {
		h.gh.ResetCalls()
		edited := strings.Replace(drafts[grittingPost], "Frost is forecast tonight.", fmt.Sprintf("Frost is forecast tonight (%d).", i), 1)
		if edited == drafts[grittingPost] {
			t.Fatal("the edit changed nothing")
		}
		h.push(n, map[string]string{grittingPost: edited})
		calls := h.gh.Calls()
		var path []githubtest.Call
		var checkWrite *githubtest.Call
		for i, c := range calls {
			if (c.Method == "POST" || c.Method == "PATCH") && strings.HasPrefix(c.Path, "/repos/"+owner+"/"+repoName+"/check-runs") {
				checkWrite = &calls[i]
				break
			}
		}
		if checkWrite == nil {
			t.Fatalf("push %d: no check run written; calls:\n%s", i, listCalls(calls))
		}
		for _, c := range calls {
			if c.Start.Before(checkWrite.End) {
				path = append(path, c)
			}
		}
		if rt := githubtest.RoundTrips(path); rt > 4 {
			t.Errorf("push %d: %d sequential round trips from webhook to check; want at most 4. Calls up to the check:\n%s", i, rt, listCalls(path))
		} else {
			t.Logf("push %d: %d round trips, %d calls up to the check:\n%s", i, rt, len(path), listCalls(path))
		}
	}
}

// listCalls lists calls with their times relative to the first.
func listCalls(calls []githubtest.Call) string {
	if len(calls) == 0 {
		return ""
	}
	t0 := calls[0].Start
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "  %4d–%4d ms  %-6s %s -> %d\n", c.Start.Sub(t0).Milliseconds(), c.End.Sub(t0).Milliseconds(), c.Method, c.Path, c.Status)
	}
	return b.String()
}
