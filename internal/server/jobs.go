package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

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
)

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
	}
	if err != nil {
		s.stats.jobErrors.Add(1)
		attrs := []any{"error", err.Error(), "duration_ms", time.Since(start).Milliseconds()}
		switch {
		case errors.Is(err, ErrNoInstallation):
			log.Warn("job failed; not retried: no access to the installation", attrs...)
		case s.ctx.Err() != nil:
			log.Warn("job cancelled by the shutdown", attrs...)
		case j.attempt+1 >= s.cfg.MaxAttempts:
			log.Error("job failed; giving up", attrs...)
		default:
			d := s.retryDelay(j.attempt)
			j.attempt++
			if qerr := s.q.later(j, d); qerr != nil {
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

// installationClient is the installation's go-github client.
func (s *Server) installationClient(ctx context.Context, inst int64) (*github.Client, error) {
	if inst == 0 {
		return nil, fmt.Errorf("%w: the event names no installation", ErrNoInstallation)
	}
	return s.clients.Installation(ctx, inst)
}

// evaluate reviews one pull request: gather, decide, apply.
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
	snap, dec, err := rv.Review(ctx, review.NewClient(gh, bot), j.repo, j.number)
	attrs := []any{"duration_ms", time.Since(start).Milliseconds()}
	if snap != nil && snap.PR.HeadSHA != "" {
		attrs = append(attrs, "head_sha", snap.PR.HeadSHA, "base", snap.PR.BaseRef)
	}
	if dec != nil {
		attrs = append(attrs, "conclusion", dec.Check.Conclusion, "title", dec.Check.Title,
			"drafts", len(dec.Drafts), "labels", dec.Labels,
			"requested_users", dec.RequestUsers, "requested_teams", dec.RequestTeams)
	}
	if err != nil {
		return fmt.Errorf("evaluating %s#%d: %w", j.repo, j.number, err)
	}
	log.Info("evaluated", attrs...)
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

// sweep queues an evaluation of each open pull request of a repository.
func (s *Server) sweep(ctx context.Context, log *slog.Logger, j job) error {
	gh, err := s.installationClient(ctx, j.inst)
	if err != nil {
		return err
	}
	opts := &github.PullRequestListOptions{State: "open", Base: j.branch, ListOptions: github.ListOptions{PerPage: 100}}
	var numbers []int
	for {
		prs, resp, err := gh.PullRequests.List(ctx, j.repo.Owner, j.repo.Name, opts)
		if err != nil {
			return fmt.Errorf("listing the open pull requests of %s: %w", j.repo, err)
		}
		for _, pr := range prs {
			numbers = append(numbers, pr.GetNumber())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	var errs []error
	for _, n := range numbers {
		ev := evaluateJob(j.inst, j.repo, n)
		ev.deliveries, ev.events = j.deliveries, j.events
		if _, err := s.q.push(ev); err != nil {
			errs = append(errs, fmt.Errorf("#%d: %w", n, err))
		}
	}
	log.Info("swept", "open_pull_requests", len(numbers), "not_queued", len(errs))
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
		sw.deliveries, sw.events = j.deliveries, j.events
		if _, err := s.q.push(sw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r, err))
		}
	}
	log.Info("installation swept", "repositories", len(repos))
	return errors.Join(errs...)
}
