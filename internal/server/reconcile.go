package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/clearance-dev/clearance/internal/metrics"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/review"
	"github.com/google/go-github/v60/github"
)

// Reconciling. GitHub does not redeliver a webhook that failed, a crash
// loses the work that was waiting, and a job may give up; so the server
// does not rely on events alone. At start-up, and then every
// ReconcileInterval (±10%), it lists the App's installations (GET
// /app/installations), their repositories and their open pull requests, and
// queues an evaluation of every pull request whose clearance check is
// missing, not for the current head, not completed, or says it could not
// evaluate. The first round after start-up, every FullReconcileEvery-th
// round, and the round after the server turned work away (a full queue, a
// job that gave up) evaluate every open pull request instead: that is what
// catches a lost review or config event, which leaves the check on the
// right head but out of date. Evaluations write only what differs, and
// reads revalidate with ETags (a 304 costs no rate limit), so a full round
// over unchanged pull requests is cheap.

// reconcileOnlyAtStart is the ReconcileInterval of CLEARANCE_RECONCILE_INTERVAL=off:
// one round at start-up, none after.
const reconcileOnlyAtStart = time.Duration(1<<63 - 1)

// couldNotEvaluate starts the title of a check written on an error path
// (internal/review): such a check is always re-evaluated.
const couldNotEvaluate = "could not evaluate"

// reconcileJob lists the installations and sweeps each.
func reconcileJob(onlyStale bool) job {
	return job{key: "reconcile", kind: jobReconcile, onlyStale: onlyStale}
}

// queueReconcile queues one round: full at start-up (round 0), after work
// was turned away or given up, and every FullReconcileEvery-th round.
func (s *Server) queueReconcile(round int) error {
	full := round == 0 || s.missed.Swap(false) ||
		(s.cfg.FullReconcileEvery > 0 && round%s.cfg.FullReconcileEvery == 0)
	s.stats.reconciles.Add(1)
	_, err := s.q.push(reconcileJob(!full))
	if err != nil && !errors.Is(err, errQueueClosed) {
		s.metrics.Reconcile(metrics.OutcomeError)
		s.missed.Store(true)
		s.log.Warn("reconcile not queued; trying again next round", "error", err.Error())
	}
	return err
}

// reconcileLoop queues a reconcile every interval (±10%) after the one
// Start queued, until the server stops.
func (s *Server) reconcileLoop() {
	defer s.loops.Done()
	if s.cfg.ReconcileInterval == reconcileOnlyAtStart {
		return
	}
	for round := 1; ; round++ {
		wait := s.cfg.ReconcileInterval
		if j := int64(wait / 5); j > 0 {
			wait += time.Duration(rand.Int64N(j)) - wait/10 // ±10%
		}
		t := time.NewTimer(wait)
		select {
		case <-s.stop:
			t.Stop()
			return
		case <-t.C:
		}
		if err := s.queueReconcile(round); errors.Is(err, errQueueClosed) {
			return
		}
	}
}

// reconcile queues a sweep of every installation of the App.
func (s *Server) reconcile(ctx context.Context, log *slog.Logger, j job) error {
	opts := &github.ListOptions{PerPage: 100}
	var insts []int64
	for {
		list, resp, err := s.clients.App().Apps.ListInstallations(ctx, opts)
		if err != nil {
			return fmt.Errorf("listing the App's installations (GET /app/installations): %w", err)
		}
		for _, in := range list {
			if in.SuspendedAt != nil {
				continue
			}
			insts = append(insts, in.GetID())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	all := len(insts)
	insts = s.shard(ctx, log, insts)
	var errs []error
	for _, id := range insts {
		ij := installationJob(id)
		ij.onlyStale, ij.events = j.onlyStale, []string{"reconcile"}
		if _, err := s.q.push(ij); err != nil {
			errs = append(errs, fmt.Errorf("installation %d: %w", id, err))
		}
	}
	log.Info("reconcile", "installations", all, "swept_here", len(insts), "only_stale", j.onlyStale)
	return errors.Join(errs...)
}

// staleness says why a pull request's check is out of date, "" when it is
// the App's completed check for the current head. An error reading the
// checks counts as out of date: better one evaluation too many.
func (s *Server) staleness(ctx context.Context, gh *github.Client, repo review.Repo, pr *github.PullRequest) string {
	head := pr.GetHead().GetSHA()
	if head == "" {
		return "the pull request has no head commit"
	}
	// The same request as the evaluation's (internal/review), so its ETag
	// revalidates: unchanged checks cost no rate limit.
	opts := &github.ListCheckRunsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var mine *github.CheckRun
	for {
		res, resp, err := gh.Checks.ListCheckRunsForRef(ctx, repo.Owner, repo.Name, head, opts)
		if err != nil {
			return "its checks could not be read: " + err.Error()
		}
		for _, cr := range res.CheckRuns {
			if cr.GetApp().GetID() != s.cfg.AppID || cr.GetHeadSHA() != head {
				continue
			}
			if mine == nil || cr.GetID() > mine.GetID() {
				mine = cr
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	switch {
	case mine == nil:
		return "no clearance check on the head commit"
	case mine.GetStatus() != "completed":
		return "the check on the head commit is " + mine.GetStatus()
	case strings.HasPrefix(strings.ToLower(mine.GetOutput().GetTitle()), couldNotEvaluate):
		return "the check says it could not evaluate"
	}
	return ""
}
