package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest/spec"
	"github.com/google/go-github/v60/github"
)

// offlineClients never reach GitHub: the fuzzed server is never started,
// so the jobs it queues never run.
type offlineClients struct{}

func (offlineClients) App() *github.Client { return github.NewClient(nil) }
func (offlineClients) Installation(_ context.Context, id int64) (*github.Client, error) {
	if id%2 == 1 {
		return nil, ErrNoInstallation // some installations are gone
	}
	return github.NewClient(nil), nil
}

const fuzzSecret = "fuzz-secret"

// FuzzWebhook feeds the webhook handler signed deliveries of any event
// name and body: parsing (JSON or form), routing and queueing must never
// panic, and the answer is always one the server documents: 200 (ignored,
// ping, already received), 202 (queued), 400 (malformed), 413 (too large)
// or 503 (queue full). route's jobs are always well-formed.
func FuzzWebhook(f *testing.F) {
	for _, name := range spec.WebhookExamples() {
		event, action, _ := strings.Cut(name, ".")
		f.Add(event, spec.WebhookExample(event, action), false)
	}
	f.Add("ping", []byte(`{"zen":"x","hook_id":1}`), false)
	f.Add("pull_request", []byte(`{"action":"opened","number":1,"installation":{"id":2},"repository":{"name":"r","owner":{"login":"o"}}}`), false)
	f.Add("pull_request", []byte(`payload=%7B%22action%22%3A%22opened%22%7D`), true)
	f.Add("issue_comment", []byte(`{"action":"created","issue":{"number":3,"pull_request":{}},"comment":{"body":"/clearance recheck"},"installation":{"id":4},"repository":{"name":"r","owner":{"login":"o"}}}`), false)
	f.Add("push", []byte(`{"ref":"refs/heads/main","repository":{"name":"r","owner":{"name":"o"},"master_branch":"main"},"installation":{"id":6},"commits":[]}`), false)
	f.Add("installation_repositories", []byte(`{"action":"added","installation":{"id":8},"repositories_added":[{"full_name":"o/r"},{"full_name":"nope"}]}`), false)

	srv, err := New(Config{
		WebhookSecret: []byte(fuzzSecret), Clients: offlineClients{}, QueueSize: 50, DeliveryMemory: 100,
		MaxBodyBytes: 1 << 20, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		f.Fatal(err)
	}
	seq := 0
	f.Fuzz(func(t *testing.T, event string, payload []byte, form bool) {
		if parsed, err := github.ParseWebHook(event, payload); err == nil {
			checkRoute(t, event, route(event, parsed))
		}
		seq++
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(payload))
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", "d-"+string(rune('a'+seq%26))+strings.Repeat("x", seq%7))
		req.Header.Set("X-Hub-Signature-256", Sign([]byte(fuzzSecret), payload))
		if form {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable:
		default:
			t.Fatalf("%s %q: answered %d %s", event, payload, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), fuzzSecret) {
			t.Fatalf("the answer shows the secret")
		}
	})
}

// checkRoute fails on a job that could not run: no repository, no pull
// request number, or a key that does not name its work.
func checkRoute(t *testing.T, event string, rt routed) {
	t.Helper()
	if rt.ignore != "" && len(rt.jobs) > 0 {
		t.Fatalf("%s: ignored (%s) yet asks for %d jobs", event, rt.ignore, len(rt.jobs))
	}
	for _, j := range rt.jobs {
		if j.key == "" || j.kind == 0 {
			t.Fatalf("%s: job without key or kind: %+v", event, j)
		}
		if j.kind != jobInstallation && (j.repo.Owner == "" || j.repo.Name == "") {
			t.Fatalf("%s: %s job without a repository: %+v", event, j.kind, j)
		}
		if (j.kind == jobEvaluate || j.kind == jobRecheck) && j.number <= 0 {
			t.Fatalf("%s: %s job without a pull request: %+v", event, j.kind, j)
		}
		if j.kind == jobRecheck && j.user == "" {
			t.Fatalf("%s: recheck without a user: %+v", event, j)
		}
	}
}
