package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/clearance-dev/clearance/internal/fstree"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/githubtest/spec"
	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

const (
	appID    int64 = 4242
	appSlug        = "clearance"
	botLogin       = "clearance[bot]"
	instID   int64 = 77
	owner          = "northbridge"
	repoName       = "content"
	secret         = "webhook-secret-3f9a0c1e"
)

// evalNow is the time evaluations see: after the example register's
// publication dates, before its embargo.
var evalNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// exampleFiles reads examples/content from disk: path -> content.
func exampleFiles(t testing.TB) map[string]string {
	t.Helper()
	files, err := fstree.ReadAll(filepath.Join("..", "..", "examples", "content"))
	if err != nil {
		t.Fatalf("reading examples/content: %v", err)
	}
	return files
}

// pick returns the files under the given prefixes.
func pick(all map[string]string, prefixes ...string) map[string]string {
	out := map[string]string{}
	for p, c := range all {
		for _, pre := range prefixes {
			if strings.HasPrefix(p, pre) {
				out[p] = c
			}
		}
	}
	return out
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is the real server on a loopback listener, talking to the fake
// GitHub through ghinstallation and go-github over HTTP.
type harness struct {
	t     *testing.T
	gh    *githubtest.Server
	srv   *server.Server
	hook  *httptest.Server
	key   []byte
	files map[string]string // examples/content
	logs  *syncBuffer
	mu    sync.Mutex // seq, for tests that deliver from several goroutines
	seq   int
}

// harnessOpt changes the server's config, or whether it is started.
type harnessOpt func(*server.Config, *bool)

// withConfig changes the server's config.
func withConfig(f func(*server.Config)) harnessOpt {
	return func(c *server.Config, _ *bool) { f(c) }
}

// unstarted leaves the workers stopped: work waits in the queue until the
// test calls h.srv.Start.
func unstarted() harnessOpt { return func(_ *server.Config, start *bool) { *start = false } }

// newHarness creates the content repo (base: the example config,
// CODEOWNERS and register, and base extra files), the teams, the App and
// its installation, and starts the server.
func newHarness(t *testing.T, base map[string]string, opts ...harnessOpt) *harness {
	t.Helper()
	h := &harness{t: t, gh: githubtest.NewServer(t), files: exampleFiles(t)}
	if base == nil {
		base = pick(h.files, ".github/", "published/")
	}
	h.key = h.gh.RegisterApp(appID, appSlug)
	h.gh.CreateRepo(owner, repoName, "main", base)
	h.gh.AddTeam(owner, "policy-team", "alice", "amir")
	h.gh.AddTeam(owner, "comms-team", "carol")
	h.gh.AddTeam(owner, "housing-team", "hank")
	h.gh.CreateInstallation(instID, owner, repoName)
	r := h.newReplica(opts...)
	h.srv, h.hook, h.logs = r.srv, r.hook, r.logs
	t.Cleanup(func() {
		// Every request the App sent must be one GitHub's REST
		// description allows. (The fake's answers are its owner's to
		// check.)
		for _, p := range spec.Problems(h.gh) {
			if isRequestProblem(p) && !strings.Contains(p, knownSpecGap) {
				t.Errorf("request not as GitHub describes it: %s", p)
			}
		}
	})
	return h
}

// replica is one instance of the server (one pod behind the load
// balancer) on the harness's fake GitHub.
type replica struct {
	srv  *server.Server
	hook *httptest.Server
	logs *syncBuffer
}

// baseConfig is the harness's server config, logging to logs.
func (h *harness) baseConfig(logs *syncBuffer) server.Config {
	return server.Config{
		AppID:         appID,
		PrivateKey:    h.key,
		WebhookSecret: []byte(secret),
		APIURL:        h.gh.BaseURL().String(),
		Workers:       4,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           func() time.Time { return evalNow },
		RetryDelay:    5 * time.Millisecond,
		MaxAttempts:   3,
		// Off unless a test turns it on (withReconcile): the tests that
		// count evaluations or calls expect only their events' work.
		ReconcileInterval: -1,
	}
}

// newReplica starts another server on the same fake GitHub; it is shut
// down (and its logs checked) when the test ends.
func (h *harness) newReplica(opts ...harnessOpt) *replica {
	h.t.Helper()
	t := h.t
	r := &replica{logs: &syncBuffer{}}
	cfg := h.baseConfig(r.logs)
	start := true
	for _, o := range opts {
		o(&cfg, &start)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	r.srv = srv
	r.hook = httptest.NewServer(srv)
	t.Cleanup(func() {
		r.hook.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		checkLogs(t, r.logs.String())
		if t.Failed() {
			t.Logf("server logs:\n%s", r.logs.String())
		}
	})
	if start {
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// withReconcile turns reconciling on, every interval.
func withReconcile(interval time.Duration) harnessOpt {
	return withConfig(func(c *server.Config) { c.ReconcileInterval = interval })
}

// quickAPIRetries makes the transport's retries fast (tests that make
// GitHub fail on purpose).
func quickAPIRetries() harnessOpt {
	return withConfig(func(c *server.Config) {
		c.APIAttempts, c.APIMinBackoff, c.APIMaxBackoff, c.APIMaxWait = 3, time.Millisecond, 5*time.Millisecond, 50*time.Millisecond
	})
}

// knownSpecGap is a request the fake's validator rejects wrongly: go-github
// adds labels with a bare JSON array, one of the bodies GitHub's
// description of "Add labels to an issue" allows (oneOf).
const knownSpecGap = "POST /repos/{owner}/{repo}/issues/{issue_number}/labels: request body: at /: value must be an object"

// isRequestProblem tells a problem of the App's request from one of the
// fake's answer.
func isRequestProblem(p string) bool {
	for _, s := range []string{"request body", "parameter", "no operation", "query "} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// secretMarks are what a secret looks like: the webhook secret, a PEM
// key, an installation token, an Authorization header, a JWT.
var secretMarks = []string{secret, "PRIVATE KEY", "ghs_", "Bearer ", "eyJ"}

// checkLogs fails when a secret shows in the logs.
func checkLogs(t *testing.T, logs string) {
	t.Helper()
	for _, s := range secretMarks {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain a secret (%q)", s)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line != "" && !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}

// response is a webhook's answer.
type response struct {
	status int
	body   string
}

// post sends a webhook with explicit headers and returns the answer.
func (h *harness) post(body []byte, headers map[string]string) response {
	h.t.Helper()
	return h.postTo(h.hook, body, headers)
}

// postTo sends a webhook to one replica.
func (h *harness) postTo(hook *httptest.Server, body []byte, headers map[string]string) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, hook.URL+"/webhook", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/test")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := hook.Client().Do(req)
	if err != nil {
		h.t.Fatalf("POST /webhook: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, strings.TrimSpace(string(b))}
}

// deliverAs sends a signed event with the given delivery id and waits
// until the server has processed it.
func (h *harness) deliverAs(delivery, event string, payload any) response {
	h.t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	r := h.post(body, map[string]string{
		"X-GitHub-Event":      event,
		"X-GitHub-Delivery":   delivery,
		"X-Hub-Signature-256": server.Sign([]byte(secret), body),
	})
	h.wait()
	return r
}

// deliver sends a signed event with a new delivery id, waits until it is
// processed, and fails unless it was accepted (202) or ignored (200).
func (h *harness) deliver(event string, payload any) response {
	h.t.Helper()
	h.mu.Lock()
	h.seq++
	delivery := fmt.Sprintf("00000000-0000-4000-8000-%012d", h.seq)
	h.mu.Unlock()
	r := h.deliverAs(delivery, event, payload)
	if r.status != http.StatusAccepted && r.status != http.StatusOK {
		h.t.Fatalf("delivering %s: %d %s", event, r.status, r.body)
	}
	return r
}

// deliverTo sends a signed event with a new delivery id to one replica,
// waits until that replica is idle, and fails unless it was taken.
func (h *harness) deliverTo(r *replica, event string, payload any) response {
	h.t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	h.seq++
	delivery := fmt.Sprintf("00000000-0000-4000-9000-%012d", h.seq)
	h.mu.Unlock()
	resp := h.postTo(r.hook, body, signedHeaders(event, delivery, body))
	if resp.status != http.StatusAccepted && resp.status != http.StatusOK {
		h.t.Fatalf("delivering %s: %d %s", event, resp.status, resp.body)
	}
	waitIdle(h.t, r.srv)
	return resp
}

// waitIdle waits until a server has processed everything it took.
func waitIdle(t *testing.T, srv *server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := srv.WaitIdle(ctx); err != nil {
		t.Fatalf("the server did not become idle: %v", err)
	}
}

// wait waits until the server's queue is idle.
func (h *harness) wait() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := h.srv.WaitIdle(ctx); err != nil {
		h.t.Fatalf("the server did not become idle: %v", err)
	}
}

// Payloads, in GitHub's shapes (go-github's structs).

func (h *harness) repoJSON() *github.Repository {
	return &github.Repository{
		ID: github.Int64(1), Name: github.String(repoName), FullName: github.String(owner + "/" + repoName),
		Owner:         &github.User{Login: github.String(owner), Type: github.String("Organization")},
		DefaultBranch: github.String("main"), Private: github.Bool(true),
	}
}

func user(login string) *github.User {
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return &github.User{Login: github.String(login), Type: github.String(typ)}
}

func installation(id int64) *github.Installation {
	return &github.Installation{ID: github.Int64(id)}
}

func (h *harness) prEvent(action string, number int, sender string) *github.PullRequestEvent {
	pr := h.gh.PullRequest(owner, repoName, number)
	if sender == "" {
		sender = pr.GetUser().GetLogin()
	}
	return &github.PullRequestEvent{
		Action: github.String(action), Number: github.Int(number), PullRequest: pr,
		Repo: h.repoJSON(), Sender: user(sender), Installation: installation(instID),
	}
}

func (h *harness) reviewEvent(action string, number int, reviewer, state string) *github.PullRequestReviewEvent {
	return &github.PullRequestReviewEvent{
		Action:       github.String(action),
		Review:       &github.PullRequestReview{User: user(reviewer), State: github.String(strings.ToLower(state))},
		PullRequest:  h.gh.PullRequest(owner, repoName, number),
		Repo:         h.repoJSON(),
		Sender:       user(reviewer),
		Installation: installation(instID),
	}
}

func (h *harness) commentEvent(number int, commenter, body string, id int64) *github.IssueCommentEvent {
	pr := h.gh.PullRequest(owner, repoName, number)
	return &github.IssueCommentEvent{
		Action: github.String("created"),
		Issue: &github.Issue{Number: github.Int(number), Title: pr.Title, User: pr.User,
			PullRequestLinks: &github.PullRequestLinks{URL: github.String(pr.GetURL())}},
		Comment:      &github.IssueComment{ID: github.Int64(id), Body: github.String(body), User: user(commenter)},
		Repo:         h.repoJSON(),
		Sender:       user(commenter),
		Installation: installation(instID),
	}
}

// open commits files to a new branch and opens a pull request by author,
// then delivers pull_request opened. It returns the number.
func (h *harness) open(branch, author string, files map[string]string) int {
	h.t.Helper()
	h.gh.Commit(owner, repoName, branch, files)
	n := h.gh.OpenPR(owner, repoName, branch, "main", "Drafts from "+branch, author)
	h.deliver("pull_request", h.prEvent("opened", n, author))
	return n
}

// push commits to the pull request and delivers synchronize.
func (h *harness) push(n int, files map[string]string) string {
	h.t.Helper()
	sha := h.gh.PushToPR(owner, repoName, n, files)
	h.deliver("pull_request", h.prEvent("synchronize", n, h.gh.PullRequest(owner, repoName, n).GetUser().GetLogin()))
	return sha
}

// approve submits a review and delivers pull_request_review submitted.
func (h *harness) review(n int, reviewer, state string) int64 {
	h.t.Helper()
	id := h.gh.SubmitReview(owner, repoName, n, reviewer, state, "")
	h.deliver("pull_request_review", h.reviewEvent("submitted", n, reviewer, state))
	return id
}

// State on the fake.

func (h *harness) head(n int) string { return h.gh.PullRequest(owner, repoName, n).GetHead().GetSHA() }

// check is the newest clearance check run on the pull request's head.
// checkName is the check's name for pull request n: "clearance" into
// main, "clearance (<base>)" into another branch.
func (h *harness) checkName(n int) string {
	if base := h.gh.PullRequest(owner, repoName, n).GetBase().GetRef(); base != "main" {
		return "clearance (" + base + ")"
	}
	return "clearance"
}

func (h *harness) check(n int) *github.CheckRun {
	h.t.Helper()
	var last *github.CheckRun
	name := h.checkName(n)
	for _, cr := range h.gh.CheckRuns(owner, repoName, h.head(n)) {
		if cr.GetName() == name && (last == nil || cr.GetID() > last.GetID()) {
			last = cr
		}
	}
	if last == nil {
		h.t.Fatalf("#%d: no clearance check run on %s", n, h.head(n))
	}
	return last
}

func (h *harness) checkCount(n int) int {
	c := 0
	for _, cr := range h.gh.CheckRuns(owner, repoName, h.head(n)) {
		if cr.GetName() == h.checkName(n) {
			c++
		}
	}
	return c
}

func (h *harness) labels(n int) []string {
	l := h.gh.Labels(owner, repoName, n)
	sort.Strings(l)
	return l
}

func (h *harness) requested(n int) (users, teams []string) {
	users, teams = h.gh.RequestedReviewers(owner, repoName, n)
	sort.Strings(users)
	sort.Strings(teams)
	return users, teams
}

// botComments are the bot's issue comments on the pull request.
func (h *harness) botComments(n int) []*github.IssueComment {
	var out []*github.IssueComment
	for _, c := range h.gh.IssueComments(owner, repoName, n) {
		if c.GetUser().GetLogin() == botLogin {
			out = append(out, c)
		}
	}
	return out
}

// writes are the recorded calls that change something on GitHub, except
// minting installation tokens.
func (h *harness) writes() []githubtest.Call {
	var out []githubtest.Call
	for _, c := range h.gh.Calls() {
		if c.Method == http.MethodGet || c.Method == http.MethodHead || strings.HasSuffix(c.Path, "/access_tokens") {
			continue
		}
		out = append(out, c)
	}
	return out
}

func callList(cs []githubtest.Call) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s %s -> %d\n", c.Method, c.Path, c.Status)
	}
	return b.String()
}

// expectCheck fails unless the newest check run has the conclusion
// (want "success", or "!success" for anything else) and its title
// contains each of titleHas.
func (h *harness) expectCheck(n int, want string, titleHas ...string) *github.CheckRun {
	h.t.Helper()
	cr := h.check(n)
	got := cr.GetConclusion()
	switch {
	case want == "!success" && (got == "success" || got == ""):
		h.t.Errorf("#%d: check %q is %q; want anything but success", n, cr.GetOutput().GetTitle(), got)
	case want != "!success" && got != want:
		h.t.Errorf("#%d: check %q is %q; want %q", n, cr.GetOutput().GetTitle(), got, want)
	}
	if cr.GetStatus() != "completed" {
		h.t.Errorf("#%d: check status %q; want completed", n, cr.GetStatus())
	}
	for _, s := range titleHas {
		if !strings.Contains(cr.GetOutput().GetTitle(), s) {
			h.t.Errorf("#%d: check title %q does not contain %q", n, cr.GetOutput().GetTitle(), s)
		}
	}
	return cr
}

func eq(a, b []string) bool { return slices.Equal(a, b) || (len(a) == 0 && len(b) == 0) }

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
