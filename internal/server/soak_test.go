package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

// The soak test: thousands of webhook deliveries across hundreds of pull
// requests, to two replicas, while GitHub fails in every way the fake can
// (5xx, connection resets, secondary rate limits, latency) and each replica
// is restarted once, losing what it had queued. Afterwards every pull
// request must carry exactly the labels, review requests and check that a
// calm run gives: the same operations applied to a second fake GitHub with
// no faults and one server that evaluates each pull request once per phase.
//
// go test -short skips it. Sizes: CLEARANCE_SOAK_PRS (default 50, so that
// the README's test command stays quick; .ci/run runs it again with 200 as
// a step of its own), CLEARANCE_SOAK_SEED (default 1). docs/reliability.md
// has the figures.

func soakInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// soakKind is what happens to a pull request, and so how it should end.
type soakKind int

const (
	kindPointer  soakKind = iota // free to post: success
	kindPublic                   // public-domain: success
	kindApproved                 // new-content, policy and comms approve: success
	kindHalf                     // new-content, only policy approves: waiting for comms
	kindStale                    // approved, then the draft is edited: waiting for both
	kindChanges                  // approved, then a policy owner requests changes
	soakKinds
)

// world is one fake GitHub with the content repository.
type world struct {
	gh    *githubtest.Server
	key   []byte
	files map[string]string
}

func newWorld(t *testing.T, files map[string]string) *world {
	w := &world{gh: githubtest.NewServer(t), files: files}
	w.key = w.gh.RegisterApp(appID, appSlug)
	w.gh.CreateRepo(owner, repoName, "main", pick(files, ".github/", "published/"))
	w.gh.AddTeam(owner, "policy-team", "alice", "amir")
	w.gh.AddTeam(owner, "comms-team", "carol")
	w.gh.CreateInstallation(instID, owner, repoName)
	return w
}

func (w *world) repoJSON() *github.Repository {
	return (&harness{}).repoJSON()
}

func (w *world) prEvent(action string, n int) *github.PullRequestEvent {
	return &github.PullRequestEvent{Action: github.String(action), Number: github.Int(n), PullRequest: w.gh.PullRequest(owner, repoName, n),
		Repo: w.repoJSON(), Sender: user("dana"), Installation: installation(instID)}
}

func (w *world) reviewEvent(n int, who, state string) *github.PullRequestReviewEvent {
	return &github.PullRequestReviewEvent{Action: github.String("submitted"),
		Review:      &github.PullRequestReview{User: user(who), State: github.String(strings.ToLower(state))},
		PullRequest: w.gh.PullRequest(owner, repoName, n), Repo: w.repoJSON(), Sender: user(who), Installation: installation(instID)}
}

func (w *world) checkSuiteEvent(n int) map[string]any {
	return map[string]any{
		"action": "requested",
		"check_suite": map[string]any{"head_sha": w.gh.PullRequest(owner, repoName, n).GetHead().GetSHA(), "pull_requests": []map[string]any{{
			"number": n, "base": map[string]any{"ref": "main", "repo": map[string]any{"name": repoName}},
		}}},
		"repository": w.repoJSON(), "sender": user("dana"), "installation": installation(instID),
	}
}

// delivery is one webhook GitHub sends.
type delivery struct {
	id, event string
	body      []byte
}

// soakOp changes a pull request on GitHub and returns the webhooks GitHub
// sends for it.
type soakOp func(w *world) []delivery

// swappable is a replica's address: the load balancer keeps sending to it
// while the server behind it restarts (then it answers 503, and GitHub
// does not redeliver).
type swappable struct {
	cur atomic.Pointer[server.Server]
}

func (s *swappable) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if srv := s.cur.Load(); srv != nil {
		srv.ServeHTTP(rw, r)
		return
	}
	http.Error(rw, "no backend", http.StatusServiceUnavailable)
}

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	nPRs := soakInt("CLEARANCE_SOAK_PRS", 50)
	seed := uint64(soakInt("CLEARANCE_SOAK_SEED", 1))
	started := time.Now()
	files := exampleFiles(t)
	chaos, calm := newWorld(t, files), newWorld(t, files)
	// The soak compresses hours of traffic into a minute: GitHub's 5,000
	// requests an hour per installation would run out (and are tested on
	// their own in TestFaultKindsNeverWriteAWrongSuccess).
	chaos.gh.SetRateLimit(1 << 30)
	calm.gh.SetRateLimit(1 << 30)
	var baseline runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&baseline)
	goroutines := runtime.NumGoroutine()

	// The replicas under test, and the calm reference server.
	logs := &syncBuffer{}
	var logOut io.Writer = logs
	if f := os.Getenv("CLEARANCE_SOAK_LOG"); f != "" {
		lf, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		defer lf.Close()
		logOut = io.MultiWriter(logs, lf)
	}
	newServer := func(w *world, faulty bool, out io.Writer) *server.Server {
		cfg := server.Config{
			AppID: appID, PrivateKey: w.key, WebhookSecret: []byte(secret), APIURL: w.gh.BaseURL().String(),
			Logger: slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo})),
			Now:    func() time.Time { return evalNow }, ReconcileInterval: -1,
		}
		if faulty {
			cfg.Workers, cfg.QueueSize = 4, 300
			cfg.RetryDelay, cfg.MaxAttempts = 20*time.Millisecond, 4
			cfg.ReconcileInterval, cfg.FullReconcileEvery = 3*time.Second, -1
			cfg.APIAttempts, cfg.APIMinBackoff, cfg.APIMaxBackoff, cfg.APIMaxWait = 4, 2*time.Millisecond, 20*time.Millisecond, 100*time.Millisecond
		}
		srv, err := server.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		return srv
	}
	var lbs [2]*swappable
	var hooks [2]*httptest.Server
	for i := range lbs {
		lbs[i] = &swappable{}
		lbs[i].cur.Store(newServer(chaos, true, logOut))
		hooks[i] = httptest.NewServer(lbs[i])
		defer hooks[i].Close()
	}
	calmLogs := &syncBuffer{}
	calmSrv := newServer(calm, false, calmLogs)
	calmHook := httptest.NewServer(calmSrv)
	defer calmHook.Close()
	shutdownAll := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for _, lb := range lbs {
			if srv := lb.cur.Load(); srv != nil {
				srv.Shutdown(ctx)
			}
		}
		calmSrv.Shutdown(ctx)
	}
	defer shutdownAll()

	// Tally every call the fake sees, in bounded memory.
	var tallyMu sync.Mutex
	tally := map[string]int{}
	take := func() {
		calls := chaos.gh.TakeCalls()
		calm.gh.TakeCalls()
		tallyMu.Lock()
		defer tallyMu.Unlock()
		for _, c := range calls {
			tally["calls"]++
			switch {
			case c.Fault == "error":
				tally["5xx"]++
			case c.Fault == "reset":
				tally["resets"]++
			case c.Fault == "secondary-rate-limit":
				tally["secondary"]++
			}
			if c.Method != http.MethodGet && c.Method != http.MethodHead && !strings.HasSuffix(c.Path, "/access_tokens") && c.Status < 300 && c.Status > 0 {
				tally["writes"]++
			}
		}
	}
	stopTally := make(chan struct{})
	tallyDone := make(chan struct{})
	go func() {
		defer close(tallyDone)
		for {
			select {
			case <-stopTally:
				take()
				return
			case <-time.After(500 * time.Millisecond):
				take()
			}
		}
	}()

	// Sending webhooks: eight senders, each delivery to either replica.
	var answers sync.Map // status -> *atomic.Int64
	count := func(key string) {
		v, _ := answers.LoadOrStore(key, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	queue := make(chan delivery, 64)
	var inflight sync.WaitGroup // deliveries queued and not yet answered
	var senders sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	send := func(rng *rand.Rand, d delivery) {
		hook := hooks[rng.IntN(2)]
		req, _ := http.NewRequest(http.MethodPost, hook.URL+"/webhook", strings.NewReader(string(d.body)))
		for k, v := range signedHeaders(d.event, d.id, d.body) {
			req.Header.Set(k, v)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			count("error")
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "no backend"):
			count("lost while restarting")
		case resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "shutting down"):
			count("lost while shutting down")
		default:
			count(strconv.Itoa(resp.StatusCode))
		}
	}
	for i := range 8 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			for d := range queue {
				send(rng, d)
				inflight.Done()
			}
		}()
	}
	var sent atomic.Int64
	var seq atomic.Int64
	mk := func(w *world, event string, payload any) delivery {
		return delivery{id: fmt.Sprintf("soak-%d", seq.Add(1)), event: event, body: mustJSON(t, payload)}
	}

	// The scenario, from a seeded generator: the same operations for both
	// worlds.
	rng := rand.New(rand.NewPCG(seed, 99))
	edited := strings.Replace(files[grittingPost], "Frost is forecast tonight.", "Hard frost is forecast tonight.", 1)
	kinds := make([]soakKind, nPRs)
	for i := range kinds {
		kinds[i] = soakKind(rng.IntN(int(soakKinds)))
	}
	draftPath := func(i int) string { return fmt.Sprintf("posts/soak/%03d.md", i) }
	// Phase 1 opens every pull request (in order, so both worlds number
	// them alike) and pushes to some; phase 2 reviews and edits. Within
	// phase 2 the pull requests' operations interleave at random, each
	// pull request's own in order.
	var phase1, pushes []soakOp
	perPR := make([][]soakOp, nPRs)
	for i, k := range kinds {
		n := i + 1
		content := files[grittingPost]
		switch k {
		case kindPointer:
			content = files[libraryPost]
		case kindPublic:
			content = files[floodPost]
		}
		branch := fmt.Sprint("soak-", i)
		phase1 = append(phase1, func(w *world) []delivery {
			w.gh.Commit(owner, repoName, branch, map[string]string{draftPath(i): content})
			if got := w.gh.OpenPR(owner, repoName, branch, "main", "soak "+branch, "dana"); got != n {
				t.Errorf("opened #%d; want #%d", got, n)
			}
			open := mk(w, "pull_request", w.prEvent("opened", n))
			return []delivery{open, open /* redelivered: same id */, mk(w, "check_suite", w.checkSuiteEvent(n)),
				mk(w, "pull_request", w.prEvent("labeled", n))}
		})
		if rng.IntN(3) == 0 {
			pushes = append(pushes, func(w *world) []delivery {
				w.gh.PushToPR(owner, repoName, n, map[string]string{fmt.Sprintf("notes/%03d.txt", i): "plan\n"})
				return []delivery{mk(w, "pull_request", w.prEvent("synchronize", n)), mk(w, "check_suite", w.checkSuiteEvent(n))}
			})
		}
		review := func(who, state string) soakOp {
			return func(w *world) []delivery {
				w.gh.SubmitReview(owner, repoName, n, who, state, "")
				return []delivery{mk(w, "pull_request_review", w.reviewEvent(n, who, state)),
					mk(w, "pull_request_review", w.reviewEvent(n, who, state)), mk(w, "check_suite", w.checkSuiteEvent(n))}
			}
		}
		switch k {
		case kindApproved:
			perPR[i] = append(perPR[i], review("alice", "APPROVED"), review("carol", "APPROVED"))
		case kindHalf:
			perPR[i] = append(perPR[i], review("alice", "APPROVED"))
		case kindStale, kindChanges:
			perPR[i] = append(perPR[i], review("carol", "APPROVED"), review("amir", "APPROVED"))
		}
		switch k {
		case kindStale:
			perPR[i] = append(perPR[i], func(w *world) []delivery {
				w.gh.PushToPR(owner, repoName, n, map[string]string{draftPath(i): edited})
				return []delivery{mk(w, "pull_request", w.prEvent("synchronize", n)), mk(w, "check_suite", w.checkSuiteEvent(n))}
			})
		case kindChanges:
			perPR[i] = append(perPR[i], review("alice", "CHANGES_REQUESTED"))
		}
		// Events about the pull request that need no work.
		perPR[i] = append(perPR[i], func(w *world) []delivery {
			return []delivery{mk(w, "pull_request_review", w.reviewEvent(n, botLogin, "COMMENTED")), mk(w, "pull_request", w.prEvent("edited", n))}
		})
	}
	rng.Shuffle(len(pushes), func(i, j int) { pushes[i], pushes[j] = pushes[j], pushes[i] })
	phase1 = append(phase1, pushes...)
	var phase2 []soakOp
	for left := nPRs; left > 0; {
		i := rng.IntN(nPRs)
		if len(perPR[i]) == 0 {
			continue
		}
		phase2 = append(phase2, perPR[i][0])
		if perPR[i] = perPR[i][1:]; len(perPR[i]) == 0 {
			left--
		}
	}

	var retired []server.Stats // of the replicas' instances before their restart
	restart := func(i int) {
		old := lbs[i].cur.Swap(nil)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		if err := old.Shutdown(ctx); err != nil {
			t.Logf("replica %d restart: %v", i, err)
		}
		cancel()
		retired = append(retired, old.Stats())
		time.Sleep(100 * time.Millisecond) // deliveries meanwhile are lost
		lbs[i].cur.Store(newServer(chaos, true, logOut))
	}
	run := func(name string, ops []soakOp, restartAt int, restartWho int) {
		chaos.gh.SetFaults(githubtest.Faults{ErrorRate: 0.03, Reset: true, RateLimitEvery: 40, Latency: time.Millisecond, Seed: int64(seed)})
		for j, op := range ops {
			if j == restartAt {
				restart(restartWho)
			}
			lost := rng.IntN(100) < 3
			for _, d := range op(chaos) {
				if lost {
					// GitHub never delivers this operation's events (an
					// outage, a network failure): only the reconcile
					// can notice.
					count("never delivered")
					continue
				}
				inflight.Add(1)
				queue <- d
				sent.Add(1)
			}
			op(calm) // the calm world: same operation, no webhooks
		}
		t.Logf("%s: %d operations sent", name, len(ops))
	}
	// The calm reference: one evaluation of each pull request.
	calmPass := func() {
		for n := 1; n <= nPRs; n++ {
			body := mustJSON(t, calm.prEvent("synchronize", n))
			req, _ := http.NewRequest(http.MethodPost, calmHook.URL+"/webhook", strings.NewReader(string(body)))
			for k, v := range signedHeaders("pull_request", fmt.Sprint("calm-", seq.Add(1)), body) {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		waitIdle(t, calmSrv)
	}
	// quiesce waits until the work is done, as the replicas report it:
	// every pull request has a check of clearance's on its head that is
	// not a could-not-evaluate, no replica has an evaluation queued,
	// running or due, and each has finished a reconcile sweep with nothing
	// to do since that was first seen. It waits for those conditions, not
	// for an instant at which both replicas happen to be idle: on a slow
	// machine a replica's reconcile round (every 3 s here) may take most
	// of its interval.
	quiesce := func(name string) {
		deadline := time.Now().Add(10 * time.Minute) // a hang, not a slow machine
		var marks []int64                            // QuietSweeps when all was first seen done
		for {
			// Cheap enough not to slow the fake down (it serves one
			// request at a time): stop at the first pull request not done.
			pending := 0
			for n := 1; n <= nPRs && pending == 0; n++ {
				cr := newestCheck(chaos.gh, chaos.gh.BranchSHA(owner, repoName, fmt.Sprint("soak-", n-1)))
				if cr == nil || strings.Contains(cr.GetOutput().GetTitle(), "Could not evaluate") {
					pending = n
				}
			}
			var missing []string
			if pending > 0 {
				missing = append(missing, fmt.Sprintf("#%d (at least) has no current check", pending))
			}
			quiet := make([]int64, len(lbs))
			for i, lb := range lbs {
				st := lb.cur.Load().Stats()
				quiet[i] = st.QuietSweeps
				if st.Evaluating > 0 {
					missing = append(missing, fmt.Sprintf("replica %d has %d evaluations queued or running", i, st.Evaluating))
				}
			}
			switch {
			case len(missing) > 0:
				marks = nil // start again: not done yet
			case marks == nil:
				marks = quiet
			default:
				for i := range quiet {
					if quiet[i] <= marks[i] {
						missing = append(missing, fmt.Sprintf("replica %d has finished no reconcile round with nothing to do since", i))
					}
				}
				if len(missing) == 0 {
					t.Logf("%s: quiet after %v", name, time.Since(started).Round(time.Millisecond))
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not done after 10 minutes: %s", name, strings.Join(missing, "; "))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}

	// The periodic rounds (every 3 s here) catch the pull requests whose
	// head moved without a webhook. A lost review leaves the check on the
	// right head but out of date: only a full round (hourly by default,
	// and at start-up) catches that; one runs once the events are sent.
	settle := func(name string) {
		quiesce(name)
		srv := lbs[0].cur.Load()
		before := srv.Stats().Evaluations
		if err := server.ReconcileNow(srv, true); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Minute, "a full reconcile round", func() bool { return srv.Stats().Evaluations >= before+int64(nPRs) })
		quiesce(name + ", after a full reconcile")
	}
	run("phase 1 (open, push)", phase1, len(phase1)/2, 0)
	inflight.Wait()
	settle("phase 1")
	calmPass()
	heapMid := heap()

	run("phase 2 (review, edit)", phase2, len(phase2)/2, 1)
	inflight.Wait()
	close(queue)
	senders.Wait()
	settle("phase 2")
	chaos.gh.SetFaults(githubtest.Faults{})
	calmPass()
	close(stopTally)
	<-tallyDone

	// The comparison.
	stats := append([]server.Stats(nil), retired...)
	for _, lb := range lbs {
		stats = append(stats, lb.cur.Load().Stats())
	}
	mismatches := 0
	dupComments := 0
	outcomes := map[string]int{}
	for n := 1; n <= nPRs; n++ {
		got, want := prState(chaos.gh, n), prState(calm.gh, n)
		outcomes[want.conclusion]++
		if got.String() != want.String() {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("#%d (%v):\n got %s\nwant %s", n, kinds[n-1], got, want)
			}
		}
		if c := botCommentCount(chaos.gh, n); c > 1 {
			dupComments++
		}
		// No wrong success on the final head: where the pull request
		// ends a success, every success written on that commit is that
		// same outcome; where it never could pass on that commit (an
		// approval missing, or given on the earlier text), none at all.
		// (A pull request whose approvals are later blocked by a change
		// request was rightly a success on the same commit before.)
		head := chaos.gh.PullRequest(owner, repoName, n).GetHead().GetSHA()
		final := newestCheck(chaos.gh, head)
		for _, cr := range chaos.gh.CheckRuns(owner, repoName, head) {
			if cr.GetName() != "clearance" || cr.GetConclusion() != "success" {
				continue
			}
			switch k := kinds[n-1]; {
			case k == kindHalf || k == kindStale:
				t.Errorf("#%d (%v): a success on a commit that never had the approvals: %q", n, k, cr.GetOutput().GetTitle())
			case k != kindChanges && cr.GetExternalID() != final.GetExternalID():
				t.Errorf("#%d (%v): a success other than the final outcome: %q", n, k, cr.GetOutput().GetTitle())
			}
		}
	}
	for _, s := range secretMarks {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the logs contain a secret (%q)", s)
		}
	}
	if strings.Contains(logs.String(), "panicked") {
		t.Errorf("a job or webhook panicked")
	}

	// The state is a fixed point: a calm server evaluating each pull
	// request of the chaos world once writes nothing.
	chaos.gh.TakeCalls()
	fixed := newServer(chaos, false, io.Discard)
	fixedHook := httptest.NewServer(fixed)
	for n := 1; n <= nPRs; n++ {
		body := mustJSON(t, chaos.prEvent("synchronize", n))
		req, _ := http.NewRequest(http.MethodPost, fixedHook.URL+"/webhook", strings.NewReader(string(body)))
		for k, v := range signedHeaders("pull_request", fmt.Sprint("fixed-", n), body) {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	waitIdle(t, fixed)
	writes := 0
	for _, c := range chaos.gh.TakeCalls() {
		if c.Method != http.MethodGet && !strings.HasSuffix(c.Path, "/access_tokens") {
			writes++
		}
	}
	if writes != 0 {
		t.Errorf("a calm evaluation of the converged state wrote %d times", writes)
	}
	fixedHook.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	fixed.Shutdown(ctx)
	cancel()
	heapEnd := heap()
	shutdownAll()
	client.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond)

	var codes []string
	answers.Range(func(k, v any) bool {
		codes = append(codes, fmt.Sprintf("%s: %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(codes)
	var evals, moved, retries, stale, jobErrs, reconciles int64
	for _, s := range stats {
		evals += s.Evaluations
		moved += s.Moved
		retries += s.Retries
		stale += s.Stale
		jobErrs += s.JobErrors
		reconciles += s.Reconciles
	}
	tallyMu.Lock()
	t.Logf("SOAK %d pull requests (outcomes %v), %d webhook deliveries (answers %s), 2 replicas, each restarted once",
		nPRs, outcomes, sent.Load(), strings.Join(codes, ", "))
	t.Logf("SOAK GitHub API: %d calls, injected %d 5xx, %d connection resets, %d secondary rate limits; %d successful writes",
		tally["calls"], tally["5xx"], tally["resets"], tally["secondary"], tally["writes"])
	t.Logf("SOAK the 4 server instances (2 replicas, before and after their restart): %d evaluations, %d redone because the pull request moved, %d job retries, %d job errors, %d reconcile rounds finding %d stale checks",
		evals, moved, retries, jobErrs, reconciles, stale)
	t.Logf("SOAK result: %d of %d pull requests differ from the calm run; %d with a duplicate comment; calm re-evaluation wrote %d times",
		mismatches, nPRs, dupComments, writes)
	t.Logf("SOAK memory: heap %.1f MB at start, %.1f MB after phase 1, %.1f MB at the end (after GC); goroutines %d at start, %d at the end; took %v",
		float64(baseline.HeapAlloc)/(1<<20), float64(heapMid)/(1<<20), float64(heapEnd)/(1<<20), goroutines, runtime.NumGoroutine(), time.Since(started).Round(time.Second))
	tallyMu.Unlock()
	if heapEnd > 512<<20 {
		t.Errorf("heap %d MB after the soak", heapEnd>>20)
	}
}

func (k soakKind) String() string {
	return [...]string{"pointer", "public-domain", "approved", "half-approved", "stale approval", "changes requested"}[k]
}

// soakState is what a user sees on a pull request.
type soakState struct {
	labels, users, teams []string
	conclusion, title    string
}

func (s soakState) String() string {
	return fmt.Sprintf("labels %q, requested %q %q, check %s %q", s.labels, s.users, s.teams, s.conclusion, s.title)
}

func prState(gh *githubtest.Server, n int) soakState {
	var s soakState
	s.labels = gh.Labels(owner, repoName, n)
	sort.Strings(s.labels)
	s.users, s.teams = gh.RequestedReviewers(owner, repoName, n)
	sort.Strings(s.users)
	sort.Strings(s.teams)
	if cr := newestCheck(gh, gh.PullRequest(owner, repoName, n).GetHead().GetSHA()); cr != nil {
		s.conclusion, s.title = cr.GetConclusion(), cr.GetOutput().GetTitle()
	}
	return s
}

func newestCheck(gh *githubtest.Server, sha string) *github.CheckRun {
	var last *github.CheckRun
	for _, cr := range gh.CheckRuns(owner, repoName, sha) {
		if cr.GetName() == "clearance" && cr.GetApp().GetID() == appID && (last == nil || cr.GetID() > last.GetID()) {
			last = cr
		}
	}
	return last
}

func botCommentCount(gh *githubtest.Server, n int) int {
	c := 0
	for _, cm := range gh.IssueComments(owner, repoName, n) {
		if cm.GetUser().GetLogin() == botLogin {
			c++
		}
	}
	return c
}
