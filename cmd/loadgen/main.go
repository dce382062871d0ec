// Command loadgen runs the real clearance server against the fake GitHub
// (internal/githubtest) and measures what issue 5 asks: API calls per
// evaluation, evaluations per second, how fast webhooks are acknowledged
// while deliveries pour in, and the time from webhook to finished check
// with latency added to every API call. Each measurement is made twice in
// the same run, with the server as it is and with its caches off (the naive
// baseline: Config.NoCache, which turns off the reviewer's caches and the
// ETag revalidation), and the ratio is printed.
//
//	go run ./cmd/loadgen                     # the figures in docs/benchmarks.md
//	go run ./cmd/loadgen -prs 20 -rate 100   # smaller
//
// Nothing leaves the machine: both servers listen on loopback.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/clearance-dev/clearance/internal/fstree"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

const (
	appID    int64 = 4242
	instID   int64 = 77
	owner          = "northbridge"
	repoName       = "content"
	secret         = "loadgen-webhook-secret"
)

// evalNow is the time evaluations see: after the example register's
// publication dates.
var evalNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type options struct {
	repo     string
	prs      int
	register int
	rate     int
	duration time.Duration
	latency  time.Duration
	samples  int
	workers  int
	calls    bool
	// sweep measures the reconcile's cost per installation instead.
	sweep         bool
	installations int
}

func main() {
	var o options
	flag.StringVar(&o.repo, "repo", "examples/content", "the content repo whose config, CODEOWNERS, register and posts the fake holds")
	flag.IntVar(&o.prs, "prs", 50, "pull requests, of 10 drafts each")
	flag.IntVar(&o.register, "register", 200, "press releases generated into the register, besides the repo's")
	flag.IntVar(&o.rate, "rate", 200, "webhook deliveries per second in the acknowledgement test")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "how long deliveries are sent in the acknowledgement test")
	flag.DurationVar(&o.latency, "latency", 50*time.Millisecond, "added to every API call in the latency test")
	flag.IntVar(&o.samples, "samples", 20, "synchronize events timed in the latency test")
	flag.IntVar(&o.workers, "workers", server.DefaultWorkers, "the server's workers")
	flag.BoolVar(&o.calls, "calls", false, "print the API calls of one synchronize evaluation")
	flag.BoolVar(&o.sweep, "sweep", false, "measure the reconcile's API calls per installation with 1, 2 and 6 replicas, sharded or not (-prs per installation)")
	flag.IntVar(&o.installations, "installations", 20, "installations in the -sweep measurement")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// result is one mode's figures.
type result struct {
	name string
	// Per evaluation of a synchronize of a 10-draft pull request.
	counted, calls, writes, blobs float64
	evalsPerSec                   float64
	ackP50, ackP99                time.Duration
	acks                          int
	latP50, latP90, latMax        time.Duration
	// Cold: the first evaluation of each pull request.
	coldCounted float64
}

func run(o options, out io.Writer) error {
	files, err := readRepo(o.repo)
	if err != nil {
		return err
	}
	if o.sweep {
		return runSweep(o, files, out)
	}
	fmt.Fprintf(out, "clearance load driver: %d pull requests of 10 drafts, register of %d documents, %d workers, GOMAXPROCS %d\n",
		o.prs, o.register+countPrefix(files, "published/"), o.workers, runtime.GOMAXPROCS(0))
	var results []*result
	for _, noCache := range []bool{false, true} {
		r, err := measure(o, files, noCache, out)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	report(out, o, results[0], results[1])
	return nil
}

// env is one fake GitHub and one server.
type env struct {
	o     options
	gh    *githubtest.Server
	srv   *server.Server
	hook  *httptest.Server
	files map[string]string
	seq   atomic.Int64
	repo  *github.Repository
}

func newEnv(o options, files map[string]string, noCache bool) (*env, error) {
	e := &env{o: o, gh: githubtest.New(), files: files}
	key := e.gh.RegisterApp(appID, "clearance")
	base := pick(files, ".github/", "published/", "posts/")
	for i := 0; i < o.register; i++ {
		base[fmt.Sprintf("published/2025/%02d/release-%05d.md", 1+i%12, i)] = release(i)
	}
	e.gh.CreateRepo(owner, repoName, "main", base)
	e.gh.AddTeam(owner, "policy-team", "alice", "amir")
	e.gh.AddTeam(owner, "comms-team", "carol")
	e.gh.AddTeam(owner, "housing-team", "hank")
	e.gh.CreateInstallation(instID, owner, repoName)
	e.gh.SetRateLimit(1 << 30) // the budget is measured, not enforced
	srv, err := server.New(server.Config{
		AppID: appID, PrivateKey: key, WebhookSecret: []byte(secret), APIURL: e.gh.BaseURL().String(),
		Workers: o.workers, QueueSize: 100000, ReconcileInterval: -1,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:     func() time.Time { return evalNow },
		NoCache: noCache,
	})
	if err != nil {
		return nil, err
	}
	e.srv = srv
	e.hook = httptest.NewServer(srv)
	e.repo = &github.Repository{ID: github.Int64(1), Name: github.String(repoName), FullName: github.String(owner + "/" + repoName),
		Owner: &github.User{Login: github.String(owner), Type: github.String("Organization")}, DefaultBranch: github.String("main")}
	return e, srv.Start()
}

func (e *env) close() {
	e.hook.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e.srv.Shutdown(ctx)
	e.gh.Close()
}

// post signs and sends a delivery; it returns how long the answer took.
func (e *env) post(event string, payload any) (time.Duration, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, e.hook.URL+"/webhook", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("loadgen-%d", e.seq.Add(1)))
	req.Header.Set("X-Hub-Signature-256", server.Sign([]byte(secret), body))
	start := time.Now()
	resp, err := e.hook.Client().Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		return took, fmt.Errorf("%s delivery answered %s", event, resp.Status)
	}
	return took, nil
}

func (e *env) wait() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	return e.srv.WaitIdle(ctx)
}

func (e *env) prEvent(action string, n int) *github.PullRequestEvent {
	return &github.PullRequestEvent{Action: github.String(action), Number: github.Int(n), PullRequest: e.gh.PullRequest(owner, repoName, n),
		Repo: e.repo, Sender: &github.User{Login: github.String("dana")}, Installation: &github.Installation{ID: github.Int64(instID)}}
}

func (e *env) reviewEvent(n int, reviewer string) *github.PullRequestReviewEvent {
	return &github.PullRequestReviewEvent{Action: github.String("submitted"),
		Review:      &github.PullRequestReview{User: &github.User{Login: github.String(reviewer)}, State: github.String("approved")},
		PullRequest: e.gh.PullRequest(owner, repoName, n), Repo: e.repo,
		Sender: &github.User{Login: github.String(reviewer)}, Installation: &github.Installation{ID: github.Int64(instID)}}
}

// usage is what the fake saw between two points.
type usage struct {
	counted, calls, writes, blobs int
	evals                         int64
}

func (e *env) usage() usage {
	u := usage{counted: -e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", instID)), evals: e.srv.Stats().Evaluations}
	for _, c := range e.gh.Calls() {
		u.calls++
		if c.Method != http.MethodGet && c.Method != http.MethodHead && !strings.HasSuffix(c.Path, "/access_tokens") {
			u.writes++
		}
		if strings.Contains(c.Path, "/git/blobs/") && c.Status == http.StatusOK {
			u.blobs++
		}
	}
	return u
}

func (u usage) since(v usage) usage {
	return usage{counted: u.counted - v.counted, calls: u.calls - v.calls, writes: u.writes - v.writes, blobs: u.blobs - v.blobs, evals: u.evals - v.evals}
}

// measure runs the four measurements on a fresh fake and server.
func measure(o options, files map[string]string, noCache bool, out io.Writer) (*result, error) {
	r := &result{name: "clearance"}
	if noCache {
		r.name = "caches off"
	}
	e, err := newEnv(o, files, noCache)
	if err != nil {
		return nil, err
	}
	defer e.close()
	fmt.Fprintf(out, "\n[%s] opening %d pull requests ...\n", r.name, o.prs)

	// Open the pull requests: the first evaluation of each, caches cold
	// for the first.
	prs := make([]int, o.prs)
	u0 := e.usage()
	for i := range prs {
		branch := fmt.Sprintf("drafts-%d", i+1)
		e.gh.Commit(owner, repoName, branch, tenDrafts(files, i+1, 0))
		prs[i] = e.gh.OpenPR(owner, repoName, branch, "main", "Ten drafts", "dana")
		if prs[i] != i+1 {
			return nil, fmt.Errorf("pull request #%d, expected #%d", prs[i], i+1)
		}
		if _, err := e.post("pull_request", e.prEvent("opened", prs[i])); err != nil {
			return nil, err
		}
	}
	if err := e.wait(); err != nil {
		return nil, err
	}
	u := e.usage().since(u0)
	r.coldCounted = float64(u.counted) / float64(max(u.evals, 1))
	// An approval each, evaluated.
	for _, n := range prs {
		e.gh.SubmitReview(owner, repoName, n, "alice", "APPROVED", "")
		if _, err := e.post("pull_request_review", e.reviewEvent(n, "alice")); err != nil {
			return nil, err
		}
	}
	if err := e.wait(); err != nil {
		return nil, err
	}

	// 1. Calls per evaluation and evaluations per second: a push to two
	// drafts of every pull request, delivered at once.
	for _, n := range prs {
		e.gh.PushToPR(owner, repoName, n, pushTwo(files, n, 1))
	}
	e.gh.ResetCalls()
	u0 = e.usage()
	start := time.Now()
	for _, n := range prs {
		if _, err := e.post("pull_request", e.prEvent("synchronize", n)); err != nil {
			return nil, err
		}
	}
	if err := e.wait(); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	u = e.usage().since(u0)
	evals := float64(max(u.evals, 1))
	r.counted, r.calls, r.writes, r.blobs = float64(u.counted)/evals, float64(u.calls)/evals, float64(u.writes)/evals, float64(u.blobs)/evals
	r.evalsPerSec = float64(u.evals) / elapsed.Seconds()
	fmt.Fprintf(out, "[%s] synchronize: %d evaluations in %v\n", r.name, u.evals, elapsed.Round(time.Millisecond))
	if o.calls {
		fmt.Fprintf(out, "[%s] calls per synchronize evaluation, by endpoint and status:\n", r.name)
		byKind := map[string]int{}
		for _, c := range e.gh.Calls() {
			byKind[fmt.Sprintf("%-6s %-45s %d", c.Method, endpoint(c.Path), c.Status)]++
		}
		for _, k := range slices.Sorted(maps.Keys(byKind)) {
			fmt.Fprintf(out, "  %s  %5.2f\n", k, float64(byKind[k])/evals)
		}
	}

	// 2. Webhook acknowledgement while deliveries arrive at o.rate a
	// second, with o.latency on every API call: the server is busy.
	e.gh.SetFaults(githubtest.Faults{Latency: o.latency})
	acks, err := e.flood(prs)
	if err != nil {
		return nil, err
	}
	r.acks = len(acks)
	r.ackP50, r.ackP99 = percentile(acks, 0.50), percentile(acks, 0.99)
	fmt.Fprintf(out, "[%s] %d deliveries at %d/s acknowledged; draining the queue ...\n", r.name, len(acks), o.rate)
	if err := e.wait(); err != nil {
		return nil, err
	}

	// 3. Webhook to finished check with o.latency per call, one push at a
	// time: the critical path of one evaluation.
	var lats []time.Duration
	for i := 0; i < o.samples; i++ {
		n := prs[i%len(prs)]
		head := e.gh.PushToPR(owner, repoName, n, pushTwo(files, n, 2+i))
		e.gh.ResetCalls()
		start := time.Now()
		if _, err := e.post("pull_request", e.prEvent("synchronize", n)); err != nil {
			return nil, err
		}
		if err := e.waitCheck(head, start.Add(time.Minute)); err != nil {
			return nil, err
		}
		lats = append(lats, time.Since(start))
		if err := e.wait(); err != nil {
			return nil, err
		}
		if o.calls && i == o.samples-1 {
			fmt.Fprintf(out, "[%s] the calls of one synchronize evaluation (%v each):\n", r.name, o.latency)
			for _, c := range e.gh.Calls() {
				q := ""
				if c.Query != "" {
					q = "?" + c.Query
				}
				fmt.Fprintf(out, "  %-6s %s%s -> %d\n", c.Method, c.Path, q, c.Status)
			}
		}
	}
	e.gh.SetFaults(githubtest.Faults{})
	r.latP50, r.latP90, r.latMax = percentile(lats, 0.5), percentile(lats, 0.9), percentile(lats, 1)
	return r, nil
}

// waitCheck polls the fake (in process, no HTTP) until a completed check
// run is on head.
func (e *env) waitCheck(head string, deadline time.Time) error {
	for time.Now().Before(deadline) {
		for _, cr := range e.gh.CheckRuns(owner, repoName, head) {
			if cr.GetName() == "clearance" && cr.GetStatus() == "completed" {
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("no check run on " + head)
}

// flood sends deliveries at o.rate a second for o.duration, from several
// senders, and returns each acknowledgement's time. The mix is what a busy
// repository sends: pushes, reviews, label changes (ignored), and check
// suites.
func (e *env) flood(prs []int) ([]time.Duration, error) {
	total := int(float64(e.o.rate) * e.o.duration.Seconds())
	interval := time.Second / time.Duration(e.o.rate)
	// Payloads are made beforehand: making them reads the fake.
	type delivery struct {
		event   string
		payload any
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ds := make([]delivery, total)
	for i := range ds {
		n := prs[rng.IntN(len(prs))]
		switch k := rng.IntN(10); {
		case k < 4:
			ds[i] = delivery{"pull_request", e.prEvent("synchronize", n)}
		case k < 6:
			ds[i] = delivery{"pull_request_review", e.reviewEvent(n, "amir")}
		case k < 8:
			ds[i] = delivery{"pull_request", e.prEvent("labeled", n)}
		default:
			ev := e.prEvent("synchronize", n)
			ds[i] = delivery{"check_suite", &github.CheckSuiteEvent{Action: github.String("requested"),
				CheckSuite: &github.CheckSuite{HeadSHA: ev.PullRequest.Head.SHA, PullRequests: []*github.PullRequest{ev.PullRequest}},
				Repo:       e.repo, Sender: ev.Sender, Installation: ev.Installation}}
		}
	}
	var (
		mu    sync.Mutex
		acks  []time.Duration
		first error
		wg    sync.WaitGroup
	)
	start := time.Now()
	for i, d := range ds {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			took, err := e.post(d.event, d.payload)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
			}
			acks = append(acks, took)
		}()
	}
	wg.Wait()
	return acks, first
}

// endpoint is a call's path with its numbers and SHAs left out.
func endpoint(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if i > 3 && (len(s) == 40 || strings.Trim(s, "0123456789") == "") && s != "" {
			parts[i] = "*"
		}
	}
	if len(parts) > 6 && parts[4] == "contents" {
		parts = append(parts[:5], "*")
	}
	return strings.Join(parts, "/")
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func report(out io.Writer, o options, a, b *result) {
	ratio := func(x, y float64) string {
		if x == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f×", y/x)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	rt := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(o.latency)) }
	fmt.Fprintf(out, "\n%-58s %14s %14s %8s\n", "", a.name, b.name, "ratio")
	row := func(name, x, y, r string) { fmt.Fprintf(out, "%-58s %14s %14s %8s\n", name, x, y, r) }
	row("counted calls per evaluation, opened (first look)", fmt.Sprintf("%.1f", a.coldCounted), fmt.Sprintf("%.1f", b.coldCounted), ratio(a.coldCounted, b.coldCounted))
	row("counted calls per evaluation, synchronize", fmt.Sprintf("%.1f", a.counted), fmt.Sprintf("%.1f", b.counted), ratio(a.counted, b.counted))
	row("  of which writes", fmt.Sprintf("%.1f", a.writes), fmt.Sprintf("%.1f", b.writes), "")
	row("  of which blob reads (1 new draft text per push here)", fmt.Sprintf("%.1f", a.blobs), fmt.Sprintf("%.1f", b.blobs), "")
	ra, rb := a.counted-a.writes-a.blobs, b.counted-b.writes-b.blobs
	row("  other reads (the budget: at most 4)", fmt.Sprintf("%.1f", ra), fmt.Sprintf("%.1f", rb), ratio(ra, rb))
	row("all calls per evaluation (304s included), synchronize", fmt.Sprintf("%.1f", a.calls), fmt.Sprintf("%.1f", b.calls), ratio(a.calls, b.calls))
	row("evaluations per second (no added latency)", fmt.Sprintf("%.0f", a.evalsPerSec), fmt.Sprintf("%.0f", b.evalsPerSec), ratio(b.evalsPerSec, a.evalsPerSec))
	row(fmt.Sprintf("webhook ack p50, %d deliveries at %d/s", a.acks, o.rate), ms(a.ackP50), ms(b.ackP50), "")
	row(fmt.Sprintf("webhook ack p99, %d deliveries at %d/s", a.acks, o.rate), ms(a.ackP99), ms(b.ackP99), "")
	row(fmt.Sprintf("webhook to check p50, %v per call", o.latency), ms(a.latP50), ms(b.latP50), ratio(float64(a.latP50), float64(b.latP50)))
	row(fmt.Sprintf("webhook to check p90, %v per call", o.latency), ms(a.latP90), ms(b.latP90), ratio(float64(a.latP90), float64(b.latP90)))
	row(fmt.Sprintf("webhook to check max, %v per call", o.latency), ms(a.latMax), ms(b.latMax), "")
	row("  p50 in sequential round trips", rt(a.latP50), rt(b.latP50), "")
}

// Content.

func readRepo(root string) (map[string]string, error) {
	files, err := fstree.ReadAll(root)
	if err != nil {
		return nil, fmt.Errorf("reading %s (run from the repository root, or give -repo): %w", root, err)
	}
	return files, nil
}

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

func countPrefix(files map[string]string, prefix string) int {
	n := 0
	for p := range files {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// release is a generated press release.
func release(i int) string {
	return fmt.Sprintf("---\ntitle: Release %d\npublished_at: 2025-%02d-%02d\n---\nThe council confirmed that project %d in ward %d will receive %d pounds for repairs to roads, bridges and pavements across the district this winter, with work starting in the spring.\n", i, 1+i%12, 1+i%28, i, i%40, 1000+i)
}

// tenDrafts are one pull request's drafts: four of the repo's posts
// changed, six added.
func tenDrafts(files map[string]string, pr, version int) map[string]string {
	out := map[string]string{}
	var posts []string
	for p := range files {
		if strings.HasPrefix(p, "posts/") {
			posts = append(posts, p)
		}
	}
	sort.Strings(posts)
	for i, p := range posts[:min(4, len(posts))] {
		out[p] = files[p] + fmt.Sprintf("\nMore at the library from %d December (pull request %d, version %d).\n", 10+i, pr, version)
	}
	for i, added := 0, 10-len(out); i < added; i++ {
		out[fmt.Sprintf("posts/pr-%d/new-%d.md", pr, i)] = fmt.Sprintf("---\nchannel: x\nauthor: Northbridge City Council\n---\nThe library on Station Road will open until %d every weekday from December (pull request %d, version %d).\n", 6+i, pr, version)
	}
	return out
}

// pushTwo changes two drafts of a pull request: one changed from the base
// branch (its new text is read by blob SHA) and one added (read from its
// patch).
func pushTwo(files map[string]string, pr, version int) map[string]string {
	next := tenDrafts(files, pr, version)
	var paths []string
	for p := range next {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	out := map[string]string{}
	for _, p := range []string{paths[0], paths[len(paths)-1]} {
		out[p] = next[p]
	}
	return out
}
