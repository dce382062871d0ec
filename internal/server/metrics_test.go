package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsCountWebhooksEvaluationsAndCalls scrapes /metrics after one
// pull request and checks the counters the deployment's dashboards use.
func TestMetricsCountWebhooksEvaluationsAndCalls(t *testing.T) {
	h := newHarness(t, nil)
	h.open("free-posts", "dana", pick(h.files, libraryPost))
	h.post([]byte("{}"), map[string]string{"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": "sha256=00"})

	resp, err := http.Get(h.hook.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`clearance_webhooks_total{event="pull_request",outcome="accepted"} 1`,
		`clearance_webhooks_total{event="pull_request",outcome="rejected"} 1`,
		`clearance_evaluations_total{conclusion="success"} 1`,
		`clearance_github_api_calls_total{`,
		`clearance_queue_waiting 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, secret := range []string{secret, "ghs_", "Bearer"} {
		if strings.Contains(body, secret) {
			t.Errorf("/metrics shows a secret (%q)", secret)
		}
	}
}
