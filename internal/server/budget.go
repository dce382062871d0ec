package server

import (
	"fmt"
	"log/slog"
	"time"
)

// The rate-limit budget. Every job's requests name their installation's
// budget (ghretry.WithBudget), so AppClients.Retry.RateLimitOf tells what
// is left of it. When less than lowBudget of the hourly limit remains,
// work that can wait (a sweep after a push to the base branch, a new
// installation's sweep) is put off: the rest is kept for evaluations that
// people are waiting on, and the next reconcile, by then after the reset,
// evaluates every open pull request instead.

// lowBudget is the share of the limit below which sweeps wait.
const lowBudget = 0.05

func budgetKey(inst int64) string { return fmt.Sprintf("installation:%d", inst) }

// RateLimit is what is left of an installation's rate limit, as GitHub
// last said (zero before any call): for metrics and logs.
func (s *Server) RateLimit(inst int64) (remaining, limit int, reset time.Time) {
	if ac, ok := s.clients.(*AppClients); ok {
		rl := ac.Retry.RateLimitOf(budgetKey(inst))
		return rl.Remaining, rl.Limit, rl.Reset
	}
	return 0, 0, time.Time{}
}

// holdBack reports whether j is a sweep to put off because its
// installation's budget is nearly spent; it then marks the work missed.
func (s *Server) holdBack(j job, log *slog.Logger) bool {
	if j.kind != jobSweep && j.kind != jobInstallation {
		return false
	}
	ac, ok := s.clients.(*AppClients)
	if !ok {
		return false
	}
	rl := ac.Retry.RateLimitOf(budgetKey(j.inst))
	if !rl.Low(lowBudget, time.Now()) {
		return false
	}
	s.missed.Store(true)
	log.Warn("sweep put off until the rate limit resets; the next reconcile does it",
		"rate_limit_remaining", rl.Remaining, "rate_limit", rl.Limit, "reset", rl.Reset.UTC().Format(time.RFC3339))
	return true
}
