// Package metrics holds clearance's Prometheus collectors and the handler
// that serves them on /metrics.
//
// Every label has a small, fixed set of values: events and outcomes are
// strings the server chooses, API routes are templates
// ("GET /repos/{owner}/{repo}/pulls/{number}"), never raw paths, and the
// rate-limit gauge is per installation. Nothing secret (tokens, payloads,
// repository contents) is ever a label.
//
// Wiring, in the server:
//
//	m := metrics.New()
//	mux.Handle(metrics.Path, m.Handler())
//	cfg.Transport = m.Transport(cfg.Transport)  // API calls and rate limits
//	m.ObserveQueue(func() (waiting, running int) { st := srv.Stats(); return st.Waiting, st.Running })
//	ctx = metrics.WithInstallation(ctx, installationID)  // per job, for the rate-limit gauge
//	m.Webhook(event, metrics.OutcomeAccepted)
//	m.Evaluation(conclusion, time.Since(start))
//	m.Reconcile(metrics.OutcomeOK)
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the server serves the metrics.
const Path = "/metrics"

// Namespace prefixes every metric name.
const Namespace = "clearance"

// Webhook outcomes (the "outcome" label of clearance_webhooks_total).
const (
	OutcomeAccepted  = "accepted"   // work was queued
	OutcomeIgnored   = "ignored"    // a valid event that needs no work
	OutcomeDuplicate = "duplicate"  // a delivery id seen before
	OutcomeRejected  = "rejected"   // bad signature, malformed, too large
	OutcomeQueueFull = "queue_full" // answered 503
)

// Reconcile and evaluation outcomes that are not check conclusions.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// Metrics are the collectors, registered on their own registry (with the Go
// runtime and process collectors) so tests and several servers in one
// process do not collide.
type Metrics struct {
	reg *prometheus.Registry

	webhooks    *prometheus.CounterVec
	evaluations *prometheus.CounterVec
	evalSeconds prometheus.Histogram
	apiCalls    *prometheus.CounterVec
	apiSeconds  *prometheus.HistogramVec
	rateLimit   *prometheus.GaugeVec
	reconciles  *prometheus.CounterVec

	queueOnce sync.Once
}

// New creates the collectors and registers them.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "webhooks_total",
		Help: "Webhook deliveries received, by X-GitHub-Event and outcome (accepted, ignored, duplicate, rejected, queue_full).",
	}, []string{"event", "outcome"})
	m.evaluations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "evaluations_total",
		Help: "Pull request evaluations, by the conclusion of the check written (success, failure, ...) or error.",
	}, []string{"conclusion"})
	m.evalSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "evaluation_duration_seconds",
		Help:    "Time to gather, decide and apply one pull request's review.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120},
	})
	m.apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "github_api_calls_total",
		Help: "HTTP requests to GitHub's REST API, by route template and status code (\"error\" when no response).",
	}, []string{"route", "status"})
	m.apiSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "github_api_call_duration_seconds",
		Help:    "Latency of requests to GitHub's REST API, by route template.",
		Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.rateLimit = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "github_rate_limit_remaining",
		Help: "X-RateLimit-Remaining of the last GitHub answer, by installation (\"app\" for App-level calls) and resource.",
	}, []string{"installation", "resource"})
	m.reconciles = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "reconcile_runs_total",
		Help: "Reconcile runs (re-evaluations of open pull requests not prompted by a webhook), by outcome.",
	}, []string{"outcome"})
	m.reg.MustRegister(m.webhooks, m.evaluations, m.evalSeconds, m.apiCalls, m.apiSeconds, m.rateLimit, m.reconciles,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry the collectors are on, for tests and for
// registering more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text (or OpenMetrics)
// format. Mount it at Path.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Webhook counts one delivery.
func (m *Metrics) Webhook(event, outcome string) {
	m.webhooks.WithLabelValues(boundedEvent(event), outcome).Inc()
}

// Evaluation records one evaluation: the check's conclusion (or
// OutcomeError when none was written) and how long it took.
func (m *Metrics) Evaluation(conclusion string, d time.Duration) {
	if conclusion == "" {
		conclusion = OutcomeError
	}
	m.evaluations.WithLabelValues(conclusion).Inc()
	m.evalSeconds.Observe(d.Seconds())
}

// Reconcile counts one reconcile run by outcome (OutcomeOK, OutcomeError).
func (m *Metrics) Reconcile(outcome string) {
	m.reconciles.WithLabelValues(outcome).Inc()
}

// ObserveQueue exports the queue's depth, read from f at each scrape, as
// clearance_queue_waiting and clearance_queue_running. Only the first call
// registers.
func (m *Metrics) ObserveQueue(f func() (waiting, running int)) {
	m.queueOnce.Do(func() {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Namespace: Namespace, Name: "queue_waiting",
				Help: "Jobs waiting for a worker.",
			}, func() float64 { w, _ := f(); return float64(w) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Namespace: Namespace, Name: "queue_running",
				Help: "Jobs being worked on.",
			}, func() float64 { _, r := f(); return float64(r) }),
		)
	})
}

// knownEvents bounds the event label: GitHub adds events now and then, and
// a delivery with a forged signature still carries a header the sender
// chose; neither may create new series.
var knownEvents = map[string]bool{
	"ping": true, "pull_request": true, "pull_request_review": true, "pull_request_review_comment": true,
	"pull_request_review_thread": true, "issue_comment": true, "issues": true, "check_run": true,
	"check_suite": true, "push": true, "installation": true, "installation_repositories": true,
	"installation_target": true, "github_app_authorization": true, "status": true, "label": true,
	"create": true, "delete": true, "repository": true, "member": true, "membership": true,
	"organization": true, "team": true, "team_add": true, "merge_group": true, "workflow_run": true,
	"workflow_job": true, "meta": true, "security_advisory": true,
}

func boundedEvent(e string) string {
	if knownEvents[e] {
		return e
	}
	if e == "" {
		return "none"
	}
	return "other"
}

type ctxKey struct{}

// WithInstallation tags requests made with ctx as the installation's, for
// the rate-limit gauge. go-github passes the context on to the transport.
func WithInstallation(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

func installationOf(ctx context.Context) string {
	if id, ok := ctx.Value(ctxKey{}).(int64); ok && id != 0 {
		return strconv.FormatInt(id, 10)
	}
	return "app"
}

// Transport returns a RoundTripper that counts every request to GitHub by
// route template and status, times it, and records X-RateLimit-Remaining.
// Put it below the retrying transport so every attempt counts. base nil
// means http.DefaultTransport.
func (m *Metrics) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{m: m, base: base}
}

type transport struct {
	m    *Metrics
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	route := Route(req.Method, req.URL.Path)
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	t.m.apiSeconds.WithLabelValues(route).Observe(time.Since(start).Seconds())
	if err != nil {
		t.m.apiCalls.WithLabelValues(route, "error").Inc()
		return resp, err
	}
	t.m.apiCalls.WithLabelValues(route, strconv.Itoa(resp.StatusCode)).Inc()
	if rem, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); err == nil {
		res := resp.Header.Get("X-RateLimit-Resource")
		if res == "" {
			res = "core"
		}
		t.m.rateLimit.WithLabelValues(installationOf(req.Context()), res).Set(float64(rem))
	}
	return resp, nil
}

// routes are the REST routes clearance calls, as GitHub's description
// names them. "{x}" matches one path segment, "{x...}" the rest.
var routes = []string{
	"/app",
	"/app/installations",
	"/app/installations/{installation_id}",
	"/app/installations/{installation_id}/access_tokens",
	"/installation/repositories",
	"/rate_limit",
	"/repos/{owner}/{repo}",
	"/repos/{owner}/{repo}/installation",
	"/repos/{owner}/{repo}/contents/{path...}",
	"/repos/{owner}/{repo}/collaborators/{username}",
	"/repos/{owner}/{repo}/collaborators/{username}/permission",
	"/repos/{owner}/{repo}/commits/{ref}/check-runs",
	"/repos/{owner}/{repo}/commits/{ref}/status",
	"/repos/{owner}/{repo}/commits/{ref}/statuses",
	"/repos/{owner}/{repo}/commits/{ref}",
	"/repos/{owner}/{repo}/compare/{basehead...}",
	"/repos/{owner}/{repo}/statuses/{sha}",
	"/repos/{owner}/{repo}/git/blobs/{file_sha}",
	"/repos/{owner}/{repo}/git/trees/{tree_sha}",
	"/repos/{owner}/{repo}/git/commits/{commit_sha}",
	"/repos/{owner}/{repo}/git/ref/{ref...}",
	"/repos/{owner}/{repo}/pulls",
	"/repos/{owner}/{repo}/pulls/{pull_number}",
	"/repos/{owner}/{repo}/pulls/{pull_number}/files",
	"/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
	"/repos/{owner}/{repo}/pulls/{pull_number}/comments",
	"/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
	"/repos/{owner}/{repo}/labels",
	"/repos/{owner}/{repo}/labels/{name}",
	"/repos/{owner}/{repo}/issues/{issue_number}/labels",
	"/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
	"/repos/{owner}/{repo}/issues/{issue_number}/comments",
	"/repos/{owner}/{repo}/issues/comments/{comment_id}",
	"/repos/{owner}/{repo}/check-runs",
	"/repos/{owner}/{repo}/check-runs/{check_run_id}",
	"/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
	"/orgs/{org}/teams/{team_slug}",
	"/orgs/{org}/teams/{team_slug}/members",
	"/orgs/{org}/teams/{team_slug}/memberships/{username}",
}

var routeSegs = func() [][]string {
	out := make([][]string, len(routes))
	for i, r := range routes {
		out[i] = strings.Split(strings.TrimPrefix(r, "/"), "/")
	}
	return out
}()

// Route returns "METHOD template" for a request path, or "METHOD other"
// for a path clearance is not known to call. A GitHub Enterprise Server
// prefix (/api/v3) is ignored.
func Route(method, path string) string {
	path = strings.TrimPrefix(path, "/api/v3")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, tmpl := range routeSegs {
		if matchSegs(tmpl, segs) {
			return method + " " + routes[i]
		}
	}
	return method + " other"
}

func matchSegs(tmpl, segs []string) bool {
	for i, t := range tmpl {
		if strings.HasSuffix(t, "...}") {
			return i < len(segs)
		}
		if i >= len(segs) {
			return false
		}
		if strings.HasPrefix(t, "{") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if t != segs[i] {
			return false
		}
	}
	return len(tmpl) == len(segs)
}
