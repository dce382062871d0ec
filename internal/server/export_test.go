package server

import "github.com/clearance-dev/clearance/internal/review"

// SetBeforeWrite makes f run in every evaluation of s just before its first
// write (before the guard reads the pull request again). Set it before
// Start.
func SetBeforeWrite(s *Server, f func(repo review.Repo, number int)) { s.beforeWrite = f }

// ReconcileNow queues a reconcile round at once, full or only of stale
// checks, as the periodic loop does.
func ReconcileNow(s *Server, full bool) error {
	_, err := s.q.push(reconcileJob(!full))
	return err
}
