package server

import "github.com/clearance-dev/clearance/internal/review"

// SetBeforeVerify makes f run in every evaluation of s once the snapshot
// has read the pull request, just before the guard reads it again to
// verify that its head and base have not moved (that read runs alongside
// the rest of the gather). Set it before Start.
func SetBeforeVerify(s *Server, f func(repo review.Repo, number int)) { s.hooks.verify = f }

// SetBeforeWrite makes f run in every evaluation of s just before its first
// write, after the guard's verification. Set it before Start.
func SetBeforeWrite(s *Server, f func(repo review.Repo, number int)) { s.hooks.write = f }

// ReconcileNow queues a reconcile round at once, full or only of stale
// checks, as the periodic loop does.
func ReconcileNow(s *Server, full bool) error { return s.ReconcileNow(full) }
