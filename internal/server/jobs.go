package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/clearance-dev/clearance/internal/metrics"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/ghretry"
	"github.com/clearance-dev/clearance/internal/review"
	"github.com/google/go-github/v60/github"
)

// jobKind is what a job does.
type jobKind int

const (
	// jobEvaluate reviews one pull request.
	jobEvaluate jobKind = iota + 1
	// jobRecheck checks that a /clearance recheck comes from someone with
	// write access, then queues a fresh evaluation.
	jobRecheck
	// jobSweep queues an evaluation of every open pull request of a
	// repository (into branch, when set).
	jobSweep
	// jobInstallation sweeps every repository of an installation.
	jobInstallation
	// jobReconcile sweeps every installation of the App.
	jobReconcile
)

// evaluates says whether a job of this kind evaluates a pull request (and
// so writes to it), rather than listing what to evaluate.
func (k jobKind) evaluates() bool { return k == jobEvaluate || k == jobRecheck }

func (k jobKind) String() string {
	switch k {
	case jobEvaluate:
		return "evaluate"
	case jobRecheck:
		return "recheck"
	case jobSweep:
		return "sweep"
	case jobInstallation:
		return "installation"
	case jobReconcile:
		return "reconcile"
	}
	return "?"
}

// maxJobDeliveries bounds the delivery ids a coalesced job keeps for logs.
const maxJobDeliveries = 8

// job is a unit of work. Jobs with the same key are the same work (they
// read everything from GitHub when they run), so the queue merges them.
type job struct {
	key    string
	kind   jobKind
	inst   int64
	repo   review.Repo
	number int    // evaluate, recheck
	branch string // sweep: only pull requests into this branch ("" all)
	user   string // recheck: who asked
	// fresh evaluations bypass the reviewer's caches (team memberships):
	// a recheck is asked for when something outside the pull request
	// changed.
	fresh bool
	// onlyStale sweeps (reconcile) queue only the pull requests whose
	// check is missing or outdated; a full sweep queues every one.
	onlyStale bool
	// moves counts the evaluations in a row that found the pull request
	// changed under them (see guard).
	moves int
	// deliveries and events that asked for this work, for the logs.
	deliveries []string
	events     []string
	// attempt counts the failed runs before this one.
	attempt int
}

func repoKey(r review.Repo) string { return strings.ToLower(r.Owner + "/" + r.Name) }

func evaluateJob(inst int64, repo review.Repo, number int) job {
	return job{key: fmt.Sprintf("pr:%s#%d", repoKey(repo), number), kind: jobEvaluate, inst: inst, repo: repo, number: number}
}

func recheckJob(inst int64, repo review.Repo, number int, user string, commentID int64) job {
	return job{key: fmt.Sprintf("recheck:%s#%d:%d", repoKey(repo), number, commentID), kind: jobRecheck,
		inst: inst, repo: repo, number: number, user: user}
}

func sweepJob(inst int64, repo review.Repo, branch string) job {
	return job{key: "sweep:" + repoKey(repo) + ":" + branch, kind: jobSweep, inst: inst, repo: repo, branch: branch}
}

func installationJob(inst int64) job {
	return job{key: fmt.Sprintf("installation:%d", inst), kind: jobInstallation, inst: inst}
}

// merge folds a later job of the same key into j.
func (j job) merge(o job) job {
	j.inst = o.inst // the latest installation seen wins
	j.fresh = j.fresh || o.fresh
	j.onlyStale = j.onlyStale && o.onlyStale // a full sweep wins
	j.moves = min(j.moves, o.moves)
	j.attempt = min(j.attempt, o.attempt) // a new event starts afresh
	if j.user == "" {
		j.user = o.user
	}
	j.deliveries = appendBounded(j.deliveries, o.deliveries...)
	j.events = appendBounded(j.events, o.events...)
	return j
}

func appendBounded(xs []string, more ...string) []string {
	out := append([]string(nil), xs...)
	for _, m := range more {
		if len(out) >= maxJobDeliveries {
			break
		}
		out = append(out, m)
	}
	return out
}

// logAttrs are the job's fields for structured logs.
func (j job) logAttrs() []any {
	a := []any{"job", j.kind.String(), "installation", j.inst}
	if j.repo.Owner != "" {
		a = append(a, "repo", j.repo.String())
	}
	if j.number != 0 {
		a = append(a, "pr", j.number)
	}
	if j.branch != "" {
		a = append(a, "branch", j.branch)
	}
	if len(j.deliveries) > 0 {
		a = append(a, "deliveries", j.deliveries)
	}
	if len(j.events) > 0 {
		a = append(a, "events", j.events)
	}
	if j.attempt > 0 {
		a = append(a, "attempt", j.attempt+1)
	}
	if j.onlyStale {
		a = append(a, "only_stale", true)
	}
	return a
}

// worker takes jobs until the queue is closed and drained, or stopped.
func (s *Server) worker() {
	defer s.workers.Done()
	for {
		e, ok := s.q.next()
		if !ok {
			return
		}
		s.run(e.job)
		s.q.done(e)
	}
}

// run does one job within the evaluation deadline; a panic is logged and
// the server goes on.
func (s *Server) run(j job) {
	log := s.log.With(j.logAttrs()...)
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.EvalTimeout)
	defer cancel()
	ctx = ghretry.WithBudget(ctx, budgetKey(j.inst)) // budget.go
	if s.holdBack(j, log) {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.stats.jobErrors.Add(1)
			log.Error("job panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	start := time.Now()
	var err error
	switch j.kind {
	case jobEvaluate:
		err = s.evaluate(ctx, log, j)
	case jobRecheck:
		err = s.recheck(ctx, log, j)
	case jobSweep:
		err = s.sweep(ctx, log, j)
	case jobInstallation:
		err = s.sweepInstallation(ctx, log, j)
	case jobReconcile:
		err = s.reconcile(ctx, log, j)
		if err != nil {
			s.metrics.Reconcile(metrics.OutcomeError)
		} else {
			s.metrics.Reconcile(metrics.OutcomeOK)
		}
	}
	if err != nil {
		s.stats.jobErrors.Add(1)
		if unauthorized(err) && j.inst != 0 {
			// A token GitHub no longer takes (the App was uninstalled):
			// the retry asks for a new one, which tells.
			s.forget(j.inst)
		}
		attrs := []any{"error", err.Error(), "duration_ms", time.Since(start).Milliseconds()}
		switch {
		case errors.Is(err, ErrNoInstallation):
			log.Warn("job failed; not retried: no access to the installation", attrs...)
		case refused(err):
			// GitHub validated what was written and refused it (422): the
			// same evaluation would write the same and be refused again.
			// The next change to the pull request evaluates it anew.
			log.Error("job failed; not retried: GitHub refused what clearance wrote and would refuse it again", attrs...)
		case s.ctx.Err() != nil:
			log.Warn("job cancelled by the shutdown", attrs...)
		case j.attempt+1 >= s.cfg.MaxAttempts:
			// The next reconcile evaluates every open pull request.
			s.missed.Store(true)
			log.Error("job failed; giving up until the next reconcile", attrs...)
		default:
			d := s.retryDelay(j.attempt)
			if until := rateLimitWait(err); until > d {
				// GitHub said when it takes requests again: trying
				// earlier only fails again (go-github refuses without
				// asking until then).
				d = min(until, time.Hour)
			}
			j.attempt++
			if qerr := s.q.later(j, d); qerr != nil {
				s.missed.Store(true)
				log.Error("job failed; cannot retry", append(attrs, "retry_error", qerr.Error())...)
				return
			}
			s.stats.retries.Add(1)
			log.Warn("job failed; will retry", append(attrs, "retry_in", d.String())...)
		}
	}
}

// retryDelay is RetryDelay × 3^attempt, ±20%, at most 10 minutes.
func (s *Server) retryDelay(attempt int) time.Duration {
	d := s.cfg.RetryDelay
	for range attempt {
		d *= 3
	}
	d = min(d, 10*time.Minute)
	return d - d/5 + time.Duration(rand.Int64N(int64(d/5)*2+1))
}

// forget drops the cached client of an installation.
func (s *Server) forget(inst int64) {
	if f, ok := s.clients.(Forgetter); ok {
		f.Forget(inst)
	}
}

// unauthorized reports whether GitHub answered 401 (a token it does not
// take).
func unauthorized(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnauthorized
}

// refused reports whether every failure in err is GitHub refusing a
// request as invalid (422 Unprocessable Entity): a retry sends the same
// request and is refused the same way.
func refused(err error) bool {
	switch e := err.(type) {
	case nil:
		return false
	case *github.ErrorResponse:
		return e.Response != nil && e.Response.StatusCode == http.StatusUnprocessableEntity
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		for _, x := range errs {
			if !refused(x) {
				return false
			}
		}
		return len(errs) > 0
	case interface{ Unwrap() error }:
		return refused(e.Unwrap())
	}
	return false
}

// rateLimitWait is how long until GitHub takes requests again when err is
// a rate limit: the primary limit's reset, or a secondary limit's
// Retry-After. Zero otherwise.
func rateLimitWait(err error) time.Duration {
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return time.Until(rl.Rate.Reset.Time) + time.Second
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) && ab.RetryAfter != nil {
		return *ab.RetryAfter
	}
	return 0
}

// installationClient is the installation's go-github client.
func (s *Server) installationClient(ctx context.Context, inst int64) (*github.Client, error) {
	if inst == 0 {
		return nil, fmt.Errorf("%w: the event names no installation", ErrNoInstallation)
	}
	return s.clients.Installation(ctx, inst)
}

// maxMoves bounds the evaluations in a row that may be redone at once
// because the pull request changed under them; beyond it, the job fails and
// is retried with backoff like any other failure.
const maxMoves = 5

// evaluate reviews one pull request: gather, decide, apply. The writes go
// through a guard: before the first write it checks, with a read made
// alongside the gather, that the pull request's head and base have not
// moved since the snapshot (if they have, nothing is written and the
// evaluation is redone), and after writing it checks that
// nothing the decision read has changed meanwhile (head, base, reviews, the
// base branch), redoing the evaluation if it has. So replicas that evaluate
// the same pull request at once converge on the latest state.
func (s *Server) evaluate(ctx context.Context, log *slog.Logger, j job) error {
	s.stats.evaluations.Add(1)
	gh, err := s.installationClient(ctx, j.inst)
	if err != nil {
		return err
	}
	bot, err := s.botLogin(ctx)
	if err != nil {
		return fmt.Errorf("finding the bot's login: %w", err)
	}
	rv := s.reviewer
	if j.fresh {
		rv = s.newReviewer()
	}
	start := time.Now()
	g := newGuard(review.NewClient(gh, bot), gh, j.repo, j.number, bot, s.hooks)
	defer g.settle()
	snap, dec, err := rv.Review(ctx, g, j.repo, j.number)
	conclusion := ""
	if dec != nil && err == nil {
		conclusion = dec.Check.Conclusion
	}
	s.metrics.Evaluation(conclusion, time.Since(start))
	attrs := []any{"duration_ms", time.Since(start).Milliseconds()}
	if snap != nil && snap.PR.HeadSHA != "" {
		attrs = append(attrs, "head_sha", snap.PR.HeadSHA, "base", snap.PR.BaseRef)
	}
	if dec != nil {
		attrs = append(attrs, "conclusion", dec.Check.Conclusion, "title", dec.Check.Title,
			"drafts", len(dec.Drafts), "labels", dec.Labels,
			"requested_users", dec.RequestUsers, "requested_teams", dec.RequestTeams)
	}
	switch {
	case err == nil && g.wrote() > 0:
		// Another replica may have written a newer outcome meanwhile; if
		// what this one read has changed, its writes may be the older.
		err = g.after(ctx)
	case err != nil:
		// The job is retried anyway; but a summary comment it created
		// must not stay doubled by another replica's.
		g.dedupeComments(ctx)
	}
	if errors.Is(err, errMoved) {
		rv.Forget(j.repo, j.number) // what it remembers of the comments may be another replica's now
		return s.redo(log, j, err, attrs)
	}
	if err != nil {
		return fmt.Errorf("evaluating %s#%d: %w", j.repo, j.number, err)
	}
	log.Info("evaluated", append(attrs, "writes", g.wrote())...)
	return nil
}

// redo queues an evaluation again, at once, because the pull request
// changed while it ran.
func (s *Server) redo(log *slog.Logger, j job, why error, attrs []any) error {
	if j.moves+1 >= maxMoves {
		return fmt.Errorf("evaluating %s#%d: %w (%d times in a row)", j.repo, j.number, why, j.moves+1)
	}
	ev := evaluateJob(j.inst, j.repo, j.number)
	ev.fresh, ev.moves, ev.deliveries, ev.events = j.fresh, j.moves+1, j.deliveries, j.events
	res, err := s.q.push(ev)
	if err != nil {
		return fmt.Errorf("evaluating %s#%d: %w; and it cannot be queued again: %w", j.repo, j.number, why, err)
	}
	s.stats.moved.Add(1)
	log.Info("the pull request changed during the evaluation; evaluating it again",
		append(attrs, "reason", why.Error(), "queue", res.String())...)
	return nil
}

// writeRoles are the repository roles that may ask for a recheck.
var writeRoles = map[string]bool{"admin": true, "maintain": true, "write": true}

// recheck queues a fresh evaluation when the commenter may write to the
// repository; otherwise nothing happens.
func (s *Server) recheck(ctx context.Context, log *slog.Logger, j job) error {
	gh, err := s.installationClient(ctx, j.inst)
	if err != nil {
		return err
	}
	perm, err := permission(ctx, gh, j.repo, j.user)
	if err != nil {
		return fmt.Errorf("reading %s's permission on %s: %w", j.user, j.repo, err)
	}
	if !writeRoles[perm] {
		log.Info("recheck ignored: the commenter cannot write to the repository", "user", j.user, "permission", perm)
		return nil
	}
	ev := evaluateJob(j.inst, j.repo, j.number)
	ev.fresh, ev.deliveries, ev.events = true, j.deliveries, j.events
	res, err := s.q.push(ev)
	if err != nil {
		return fmt.Errorf("queueing the recheck: %w", err)
	}
	log.Info("recheck queued", "user", j.user, "permission", perm, "queue", res.String())
	return nil
}

// permission is user's role on repo: role_name when GitHub gives it
// (admin, maintain, write, triage, read or a custom role's base), else
// the legacy permission (admin, write, read, none).
func permission(ctx context.Context, gh *github.Client, repo review.Repo, user string) (string, error) {
	u := fmt.Sprintf("repos/%s/%s/collaborators/%s/permission", url.PathEscape(repo.Owner), url.PathEscape(repo.Name), url.PathEscape(user))
	req, err := gh.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	var p struct {
		Permission string `json:"permission"`
		RoleName   string `json:"role_name"`
	}
	if _, err := gh.Do(ctx, req, &p); err != nil {
		var er *github.ErrorResponse
		if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
			return "none", nil // not a collaborator
		}
		return "", err
	}
	// The legacy permission maps maintain to write, and custom roles to
	// their base role, so it decides; role_name is only for the logs.
	if p.RoleName == "maintain" && p.Permission == "write" {
		return "maintain", nil
	}
	return p.Permission, nil
}

// sweep queues an evaluation of each open pull request of a repository;
// an onlyStale sweep (a reconcile) only of those whose check is missing or
// outdated, and none that this server is already evaluating.
func (s *Server) sweep(ctx context.Context, log *slog.Logger, j job) error {
	gh, err := s.installationClient(ctx, j.inst)
	if err != nil {
		return err
	}
	opts := &github.PullRequestListOptions{State: "open", Base: j.branch, ListOptions: github.ListOptions{PerPage: 100}}
	var prs []*github.PullRequest
	for {
		list, resp, err := gh.PullRequests.List(ctx, j.repo.Owner, j.repo.Name, opts)
		if err != nil {
			return fmt.Errorf("listing the open pull requests of %s: %w", j.repo, err)
		}
		prs = append(prs, list...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	var errs []error
	queued, busy := 0, 0
	for _, pr := range prs {
		n := pr.GetNumber()
		ev := evaluateJob(j.inst, j.repo, n)
		ev.deliveries, ev.events = j.deliveries, j.events
		if j.onlyStale {
			if s.q.has(ev.key) {
				busy++
				continue // being evaluated now, or about to be
			}
			why := s.staleness(ctx, gh, j.repo, pr)
			if why == "" {
				continue
			}
			s.stats.stale.Add(1)
			log.Info("reconcile: the check is out of date", "pr", n, "head_sha", pr.GetHead().GetSHA(), "reason", why)
		}
		// A full sweep (the base branch's config changed, say) redoes an
		// evaluation running now, which may have read the old state.
		if _, err := s.q.pushFromSweep(ev, j.onlyStale); err != nil {
			errs = append(errs, fmt.Errorf("#%d: %w", n, err))
			continue
		}
		queued++
	}
	log.Info("swept", "open_pull_requests", len(prs), "queued", queued, "being_evaluated", busy, "not_queued", len(errs))
	if j.onlyStale && queued == 0 && busy == 0 && len(errs) == 0 {
		s.stats.quietSweeps.Add(1)
	}
	if len(errs) > 0 {
		return fmt.Errorf("queueing evaluations: %w", errors.Join(errs...))
	}
	return nil
}

// sweepInstallation sweeps each repository the installation can see.
func (s *Server) sweepInstallation(ctx context.Context, log *slog.Logger, j job) error {
	gh, err := s.installationClient(ctx, j.inst)
	if err != nil {
		return err
	}
	opts := &github.ListOptions{PerPage: 100}
	var repos []review.Repo
	for {
		list, resp, err := gh.Apps.ListRepos(ctx, opts)
		if err != nil {
			return fmt.Errorf("listing the installation's repositories: %w", err)
		}
		for _, r := range list.Repositories {
			if r.GetArchived() {
				continue
			}
			repos = append(repos, review.Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName()})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	var errs []error
	for _, r := range repos {
		sw := sweepJob(j.inst, r, "")
		sw.onlyStale, sw.deliveries, sw.events = j.onlyStale, j.deliveries, j.events
		if _, err := s.q.push(sw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r, err))
		}
	}
	log.Info("installation swept", "repositories", len(repos))
	return errors.Join(errs...)
}
