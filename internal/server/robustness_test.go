package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

func signedHeaders(event, delivery string, body []byte) map[string]string {
	return map[string]string{
		"X-GitHub-Event":      event,
		"X-GitHub-Delivery":   delivery,
		"X-Hub-Signature-256": server.Sign([]byte(secret), body),
	}
}

func TestMalformedWebhooks(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.ResetCalls()

	big := bytes.Repeat([]byte("a"), server.DefaultMaxBodyBytes+1)
	if r := h.post(big, signedHeaders("pull_request", "big", big)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a %d-byte body: %d %s; want 413", len(big), r.status, r.body)
	}

	resp, err := h.hook.Client().Get(h.hook.URL + "/webhook")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /webhook: %d; want 405", resp.StatusCode)
	}

	body := []byte(`{"action":"opened"}`)
	noEvent := signedHeaders("", "d1", body)
	delete(noEvent, "X-GitHub-Event")
	if r := h.post(body, noEvent); r.status != http.StatusBadRequest {
		t.Errorf("no X-GitHub-Event: %d %s; want 400", r.status, r.body)
	}
	noDelivery := signedHeaders("pull_request", "", body)
	delete(noDelivery, "X-GitHub-Delivery")
	if r := h.post(body, noDelivery); r.status != http.StatusBadRequest {
		t.Errorf("no X-GitHub-Delivery: %d %s; want 400", r.status, r.body)
	}
	bad := []byte(`{"action":"opened","pull_request":`)
	if r := h.post(bad, signedHeaders("pull_request", "d2", bad)); r.status != http.StatusBadRequest {
		t.Errorf("invalid JSON: %d %s; want 400", r.status, r.body)
	}
	wrongShape := []byte(`{"action":7}`)
	if r := h.post(wrongShape, signedHeaders("pull_request", "d3", wrongShape)); r.status != http.StatusBadRequest {
		t.Errorf("wrong JSON shape: %d %s; want 400", r.status, r.body)
	}
	ping := []byte(`{"zen":"Design for failure.","hook_id":5}`)
	if r := h.post(ping, signedHeaders("ping", "d4", ping)); r.status != http.StatusOK || r.body != "pong" {
		t.Errorf("ping: %d %s; want 200 pong", r.status, r.body)
	}
	h.wait()
	if c := h.gh.Calls(); len(c) != 0 {
		t.Errorf("malformed webhooks caused calls:\n%s", callList(c))
	}
	if st := h.srv.Stats(); st.Rejected < 4 {
		t.Errorf("stats %+v: want at least 4 rejected", st)
	}
}

func TestFormEncodedWebhook(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	body := []byte("payload=" + url.QueryEscape(string(mustJSON(t, h.prEvent("opened", n, "dana")))))
	hd := signedHeaders("pull_request", "form-1", body)
	hd["Content-Type"] = "application/x-www-form-urlencoded"
	if r := h.post(body, hd); r.status != http.StatusAccepted {
		t.Fatalf("form webhook: %d %s; want 202", r.status, r.body)
	}
	h.wait()
	h.expectCheck(n, "success")
}

func TestQueueFullAnswers503AndRedeliveryWorks(t *testing.T) {
	h := newHarness(t, nil, unstarted(), withConfig(func(c *server.Config) { c.QueueSize = 2 }))
	var prs []int
	for _, b := range []string{"a", "b", "c"} {
		h.gh.Commit(owner, repoName, b, pick(h.files, libraryPost))
		prs = append(prs, h.gh.OpenPR(owner, repoName, b, "main", b, "dana"))
	}
	post := func(n int, delivery string) response {
		b := mustJSON(t, h.prEvent("opened", n, "dana"))
		return h.post(b, signedHeaders("pull_request", delivery, b))
	}
	for i, n := range prs[:2] {
		if r := post(n, fmt.Sprint("q-", i)); r.status != http.StatusAccepted {
			t.Fatalf("#%d: %d %s; want 202", n, r.status, r.body)
		}
	}
	// Another event for a waiting pull request needs no room.
	if r := post(prs[0], "q-again"); r.status != http.StatusAccepted || !strings.Contains(r.body, "coalesced") {
		t.Errorf("event for a waiting PR: %d %s; want 202 coalesced", r.status, r.body)
	}
	if r := post(prs[2], "q-2"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("third PR with a queue of 2: %d %s; want 503", r.status, r.body)
	}
	if err := h.srv.Start(); err != nil {
		t.Fatal(err)
	}
	h.wait()
	// GitHub's "Redeliver" keeps the delivery id: the failed one is taken.
	if r := post(prs[2], "q-2"); r.status != http.StatusAccepted {
		t.Fatalf("redelivery after 503: %d %s; want 202", r.status, r.body)
	}
	h.wait()
	for _, n := range prs {
		h.expectCheck(n, "success")
	}
	if st := h.srv.Stats(); st.QueueFull != 1 || st.Evaluations != 3 {
		t.Errorf("stats %+v: want 1 queue-full answer and 3 evaluations", st)
	}
}

func TestBurstForOnePRIsOneEvaluation(t *testing.T) {
	h := newHarness(t, nil, unstarted())
	h.gh.Commit(owner, repoName, "g", pick(h.files, grittingPost))
	n := h.gh.OpenPR(owner, repoName, "g", "main", "g", "dana")
	h.gh.SubmitReview(owner, repoName, n, "alice", "APPROVED", "")
	for i := range 20 {
		var b []byte
		event := "pull_request"
		if i%2 == 0 {
			b = mustJSON(t, h.prEvent("synchronize", n, "dana"))
		} else {
			event = "pull_request_review"
			b = mustJSON(t, h.reviewEvent("submitted", n, "alice", "APPROVED"))
		}
		r := h.post(b, signedHeaders(event, fmt.Sprint("burst-", i), b))
		if r.status != http.StatusAccepted {
			t.Fatalf("event %d: %d %s", i, r.status, r.body)
		}
		if i > 0 && !strings.Contains(r.body, "coalesced") {
			t.Errorf("event %d: %s; want coalesced", i, r.body)
		}
	}
	if st := h.srv.Stats(); st.Waiting != 1 {
		t.Errorf("%d jobs waiting; want 1", st.Waiting)
	}
	if err := h.srv.Start(); err != nil {
		t.Fatal(err)
	}
	h.wait()
	if st := h.srv.Stats(); st.Evaluations != 1 {
		t.Errorf("%d evaluations for a burst of 20 events; want 1", st.Evaluations)
	}
	h.expectCheck(n, "!success", "comms")
	if h.checkCount(n) != 1 {
		t.Errorf("%d check runs; want 1", h.checkCount(n))
	}
}

func TestShutdownDeadlineCancelsRunningWork(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	// GitHub hangs on the pull request: the evaluation cannot finish.
	h.gh.SetFaults(githubtest.Faults{Latency: time.Minute, Match: func(method, path string) bool {
		return path == "/repos/northbridge/content/pulls/1"
	}})
	b := mustJSON(t, h.prEvent("opened", n, "dana"))
	if r := h.post(b, signedHeaders("pull_request", "slow", b)); r.status != http.StatusAccepted {
		t.Fatalf("%d %s", r.status, r.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := h.srv.Shutdown(ctx)
	if err == nil {
		t.Error("Shutdown returned nil; want the deadline error")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	h.gh.SetFaults(githubtest.Faults{})
	if got := len(h.gh.CheckRuns(owner, repoName, h.head(n))); got != 0 {
		t.Errorf("%d check runs written by a cancelled evaluation", got)
	}
	if r := h.post(b, signedHeaders("pull_request", "late", b)); r.status != http.StatusServiceUnavailable {
		t.Errorf("webhook after shutdown: %d %s; want 503", r.status, r.body)
	}
	resp, err := h.hook.Client().Get(h.hook.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz after shutdown: %d; want 503", resp.StatusCode)
	}
}

func TestReadiness(t *testing.T) {
	h := newHarness(t, nil)
	get := func(h *harness, path string) (int, string) {
		resp, err := h.hook.Client().Get(h.hook.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(h, "/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get(h, "/readyz"); code != 200 || !strings.Contains(body, botLogin) {
		t.Errorf("/readyz: %d %s; want 200 naming %s", code, body, botLogin)
	}

	// An App id GitHub does not know: the server starts, is not ready, and
	// writes nothing.
	h2 := newHarness(t, nil, withConfig(func(c *server.Config) { c.AppID = 9999 }))
	if code, body := get(h2, "/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get(h2, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "GET /app") {
		t.Errorf("/readyz with an unknown App: %d %s; want 503 saying why", code, body)
	}
	h2.gh.Commit(owner, repoName, "a", pick(h2.files, libraryPost))
	n := h2.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	h2.deliver("pull_request", h2.prEvent("opened", n, "dana"))
	if w := h2.writes(); len(w) != 0 {
		t.Errorf("wrote without being able to authenticate:\n%s", callList(w))
	}
	if st := h2.srv.Stats(); st.JobErrors != 3 || st.Retries != 2 {
		t.Errorf("stats %+v: want 3 failed attempts, 2 of them retried", st)
	}
}

func TestFailedEvaluationIsRetried(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, libraryPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	var mu sync.Mutex
	// Five failures in a row outlast the transport's own retries
	// (internal/ghretry), so the queue's retry is what recovers.
	failures := 5
	h.gh.SetFaults(githubtest.Faults{ErrorRate: 1, Match: func(method, path string) bool {
		mu.Lock()
		defer mu.Unlock()
		if path == "/repos/northbridge/content/pulls/1/files" && failures > 0 {
			failures--
			return true
		}
		return false
	}})
	h.deliver("pull_request", h.prEvent("opened", n, "dana"))
	runs := h.gh.CheckRuns(owner, repoName, h.head(n))
	if len(runs) != 2 {
		t.Fatalf("%d check runs; want 2 (could not evaluate, then the retry's)", len(runs))
	}
	if c, title := runs[0].GetConclusion(), runs[0].GetOutput().GetTitle(); c == "success" || !strings.Contains(title, "will retry") {
		t.Errorf("first run: %s %q; want a failure that says it will retry", c, title)
	}
	h.expectCheck(n, "success")
	if st := h.srv.Stats(); st.Retries != 1 || st.Evaluations != 2 {
		t.Errorf("stats %+v: want 1 retry, 2 evaluations", st)
	}
}
