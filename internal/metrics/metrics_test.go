package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + metrics.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", metrics.Path, resp.Status)
	}
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestHandlerServesEveryCollector(t *testing.T) {
	m := metrics.New()
	m.Webhook("pull_request", metrics.OutcomeAccepted)
	m.Webhook("pull_request", metrics.OutcomeAccepted)
	m.Webhook("push", metrics.OutcomeIgnored)
	m.Evaluation("success", 300*time.Millisecond)
	m.Evaluation("", time.Second)
	m.Reconcile(metrics.OutcomeOK)
	m.ObserveQueue(func() (int, int) { return 3, 2 })
	m.ObserveQueue(func() (int, int) { return 99, 99 }) // ignored: registered once

	body := scrape(t, m)
	for _, want := range []string{
		`clearance_webhooks_total{event="pull_request",outcome="accepted"} 2`,
		`clearance_webhooks_total{event="push",outcome="ignored"} 1`,
		`clearance_evaluations_total{conclusion="success"} 1`,
		`clearance_evaluations_total{conclusion="error"} 1`,
		`clearance_evaluation_duration_seconds_count 2`,
		`clearance_reconcile_runs_total{outcome="ok"} 1`,
		`clearance_queue_waiting 3`,
		`clearance_queue_running 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
	if n, err := testutil.GatherAndCount(m.Registry()); err != nil || n == 0 {
		t.Errorf("GatherAndCount = %d, %v", n, err)
	}
	if problems, err := testutil.GatherAndLint(m.Registry()); err != nil {
		t.Fatal(err)
	} else {
		for _, p := range problems {
			if strings.HasPrefix(p.Metric, "clearance_") {
				t.Errorf("lint: %s: %s", p.Metric, p.Text)
			}
		}
	}
}

func TestEventLabelIsBounded(t *testing.T) {
	m := metrics.New()
	m.Webhook("made_up_event_1", metrics.OutcomeRejected)
	m.Webhook("made_up_event_2", metrics.OutcomeRejected)
	m.Webhook("", metrics.OutcomeRejected)
	body := scrape(t, m)
	if strings.Contains(body, "made_up") {
		t.Error("an unknown event name became a label value")
	}
	if !strings.Contains(body, `clearance_webhooks_total{event="other",outcome="rejected"} 2`) {
		t.Errorf("unknown events are not counted as other:\n%s", grep(body, "webhooks_total"))
	}
	if !strings.Contains(body, `clearance_webhooks_total{event="none",outcome="rejected"} 1`) {
		t.Errorf("a missing event is not counted as none")
	}
}

func TestRoute(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/repos/acme/posts/pulls/12/files", "GET /repos/{owner}/{repo}/pulls/{pull_number}/files"},
		{"GET", "/api/v3/repos/acme/posts/pulls/12", "GET /repos/{owner}/{repo}/pulls/{pull_number}"},
		{"GET", "/repos/acme/posts/contents/a/b/c.md", "GET /repos/{owner}/{repo}/contents/{path...}"},
		{"GET", "/repos/acme/posts/git/ref/heads/feature/x", "GET /repos/{owner}/{repo}/git/ref/{ref...}"},
		{"GET", "/repos/acme/posts/commits/0123abc/check-runs", "GET /repos/{owner}/{repo}/commits/{ref}/check-runs"},
		{"POST", "/app/installations/7/access_tokens", "POST /app/installations/{installation_id}/access_tokens"},
		{"DELETE", "/repos/a/b/issues/3/labels/scenario: pointer", "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"},
		{"GET", "/orgs/acme/teams/comms/memberships/carol", "GET /orgs/{org}/teams/{team_slug}/memberships/{username}"},
		{"GET", "/users/carol", "GET other"},
		{"GET", "/repos/acme", "GET other"},
		{"GET", "/repos/acme/posts/pulls/12/files/extra", "GET other"},
	} {
		if got := metrics.Route(c.method, c.path); got != c.want {
			t.Errorf("Route(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

// The transport against the fake GitHub: calls by route and status, and
// the rate limit left per installation.
func TestTransportAgainstFakeGitHub(t *testing.T) {
	gh := githubtest.NewServer(t)
	gh.CreateRepo("acme", "posts", "main", map[string]string{"README.md": "hi\n"})
	gh.Commit("acme", "posts", "week-1", map[string]string{"posts/a.md": "Hello\n"})
	pr := gh.OpenPR("acme", "posts", "week-1", "main", "Week 1", "alice")

	m := metrics.New()
	hc := &http.Client{Transport: &bearer{token: githubtest.PersonalToken, base: m.Transport(gh.HTTPClient().Transport)}}
	ctx := metrics.WithInstallation(context.Background(), 42)
	get := func(path string) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, gh.URL()+path, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	get("/repos/acme/posts/pulls/" + strconv.Itoa(pr))
	get("/repos/acme/posts/pulls/" + strconv.Itoa(pr) + "/files")
	get("/repos/acme/posts/pulls/" + strconv.Itoa(pr) + "/files")
	if st := get("/repos/acme/posts/pulls/999"); st != http.StatusNotFound {
		t.Fatalf("pull 999: %d", st)
	}

	body := scrape(t, m)
	for _, want := range []string{
		`clearance_github_api_calls_total{route="GET /repos/{owner}/{repo}/pulls/{pull_number}",status="200"} 1`,
		`clearance_github_api_calls_total{route="GET /repos/{owner}/{repo}/pulls/{pull_number}/files",status="200"} 2`,
		`clearance_github_api_calls_total{route="GET /repos/{owner}/{repo}/pulls/{pull_number}",status="404"} 1`,
		`clearance_github_api_call_duration_seconds_count{route="GET /repos/{owner}/{repo}/pulls/{pull_number}/files"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q\n%s", want, grep(body, "github_api_calls"))
		}
	}
	remaining := gh.RateLimitRemaining("user:" + githubtest.PersonalLogin)
	got := gaugeValue(t, m, "42", "core")
	if int(got) != remaining {
		t.Errorf("rate limit remaining = %v, the fake says %d", got, remaining)
	}
	if strings.Contains(body, githubtest.PersonalToken) {
		t.Error("the token shows in the metrics")
	}
}

func TestTransportCountsErrors(t *testing.T) {
	m := metrics.New()
	tr := m.Transport(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset") }))
	req, _ := http.NewRequest(http.MethodGet, "https://api.github.com/repos/a/b/pulls/1", nil)
	if _, err := tr.RoundTrip(req); err == nil {
		t.Fatal("want the error through")
	}
	if !strings.Contains(scrape(t, m), `clearance_github_api_calls_total{route="GET /repos/{owner}/{repo}/pulls/{pull_number}",status="error"} 1`) {
		t.Error("a failed request is not counted as error")
	}
}

// gaugeValue reads one series of the rate-limit gauge.
func gaugeValue(t *testing.T, m *metrics.Metrics, inst, resource string) float64 {
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "clearance_github_rate_limit_remaining" {
			continue
		}
		for _, mt := range mf.Metric {
			labels := map[string]string{}
			for _, l := range mt.Label {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["installation"] == inst && labels["resource"] == resource {
				return mt.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no rate-limit series for installation %s, resource %s", inst, resource)
	return 0
}

type bearer struct {
	token string
	base  http.RoundTripper
}

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func grep(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// FuzzRoute: any path gives a template clearance knows or "other", so the
// route label cannot grow with the paths requested.
func FuzzRoute(f *testing.F) {
	for _, p := range []string{"/repos/a/b/pulls/1", "/api/v3/repos/a/b/contents/x/y", "/", "", "//", "/repos//b/pulls/1", "/orgs/o/teams/t/memberships/u"} {
		f.Add("GET", p)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		got := metrics.Route(method, path)
		tmpl, ok := strings.CutPrefix(got, method+" ")
		if !ok {
			t.Fatalf("Route(%q, %q) = %q", method, path, got)
		}
		if tmpl != "other" && (!strings.HasPrefix(tmpl, "/") || strings.Contains(tmpl, "//")) {
			t.Fatalf("Route(%q, %q) = %q: not a template", method, path, got)
		}
		if tmpl != "other" && !strings.Contains(tmpl, "{") && tmpl != "/app" && tmpl != "/app/installations" &&
			tmpl != "/installation/repositories" && tmpl != "/rate_limit" {
			t.Fatalf("Route(%q, %q) = %q: a path without parameters", method, path, got)
		}
	})
}
