package githubtest

import (
	"math"
	"net/http"
	"time"
)

// Faults configures fault injection; see SetFaults. The zero value injects
// nothing.
type Faults struct {
	// ErrorRate is the fraction (0..1) of calls answered with a server
	// error: 500 or 502, or, when Reset is set, also connection resets.
	ErrorRate float64
	// Latency is added before every affected call is served.
	Latency time.Duration
	// RateLimitEvery makes every Nth affected call (N, 2N, 3N, ...) hit a
	// secondary rate limit: 403 for the first, 429 for the second, and so
	// on alternately, with a Retry-After header. 0 disables it.
	RateLimitEvery int
	// Reset makes a third of the ErrorRate faults connection resets (the
	// connection is hijacked and closed with RST) instead of 500/502.
	Reset bool
	// Seed makes the choice of faulty calls deterministic: the same seed
	// and the same order of calls give the same faults.
	Seed int64
	// RetryAfter is the Retry-After of secondary rate limits, in whole
	// seconds (0 sends "0", which go-github honours without blocking).
	RetryAfter time.Duration
	// Match, when set, limits faults (and Latency) to the calls it accepts.
	Match func(method, path string) bool
}

// Fault kinds recorded in Call.Fault.
const (
	faultError     = "error"
	faultSecondary = "secondary-rate-limit"
	faultReset     = "reset"
)

// fault is the decision for one call.
type fault struct {
	kind       string // "", faultError, faultSecondary, faultReset
	status     int
	latency    time.Duration
	retryAfter int
}

type faultState struct {
	cfg         Faults
	n           uint64 // affected calls so far
	secondaries uint64
}

// SetFaults replaces the fault configuration and restarts its call count,
// so the same Faults applied before the same calls gives the same faults.
// A Faults without ErrorRate, Latency or RateLimitEvery (e.g. Faults{})
// turns injection off.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ErrorRate <= 0 && f.Latency <= 0 && f.RateLimitEvery <= 0 {
		s.faults = nil
		return
	}
	s.faults = &faultState{cfg: f}
}

// next decides the fault for the next call. It is nil-safe.
func (fs *faultState) next(method, path string) fault {
	if fs == nil || (fs.cfg.Match != nil && !fs.cfg.Match(method, path)) {
		return fault{}
	}
	fs.n++
	f := fault{latency: fs.cfg.Latency}
	if every := fs.cfg.RateLimitEvery; every > 0 && fs.n%uint64(every) == 0 {
		fs.secondaries++
		f.kind, f.status = faultSecondary, http.StatusForbidden
		if fs.secondaries%2 == 0 {
			f.status = http.StatusTooManyRequests
		}
		f.retryAfter = int(math.Ceil(fs.cfg.RetryAfter.Seconds()))
		return f
	}
	x := splitmix64(uint64(fs.cfg.Seed) ^ (fs.n * 0x9E3779B97F4A7C15))
	if float64(x>>11)/(1<<53) >= fs.cfg.ErrorRate {
		return f
	}
	pick := splitmix64(x) % 3
	switch {
	case fs.cfg.Reset && pick == 0:
		f.kind = faultReset
	case pick == 1:
		f.kind, f.status = faultError, http.StatusBadGateway
	default:
		f.kind, f.status = faultError, http.StatusInternalServerError
	}
	return f
}

// splitmix64 is a small, well-mixed deterministic hash.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}
