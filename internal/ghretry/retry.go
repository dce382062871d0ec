// Package ghretry is an http.RoundTripper that retries GitHub API requests
// that failed for passing reasons: server errors (5xx), timeouts, connection
// resets, and rate limits, primary (X-RateLimit-Remaining: 0 with
// X-RateLimit-Reset) and secondary (403 or 429 with Retry-After). It waits
// with exponential backoff and full jitter, never past the request's
// context deadline nor a total budget, and reports the rate-limit budget it
// sees so callers can expose it and slow down before it runs out.
package ghretry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Transport retries requests through Base.
type Transport struct {
	// Base does the requests; http.DefaultTransport when nil.
	Base http.RoundTripper
	// MaxAttempts is how many times one request is tried (default 5).
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the wait between attempts (defaults
	// 200 ms and 10 s); a Retry-After or rate-limit reset further away than
	// MaxWait is not waited for.
	MinBackoff, MaxBackoff time.Duration
	// MaxWait is the longest single wait for a rate limit (default 60 s).
	MaxWait time.Duration
	// Sleep waits; tests replace it. It must return early when ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now gives the time (rate-limit resets); time.Now when nil.
	Now func() time.Time
	// OnResponse, when set, sees every response (metrics, rate limits).
	OnResponse func(req *http.Request, resp *http.Response, err error, attempt int)

	mu        sync.Mutex
	remaining int
	limit     int
	reset     time.Time
	budgets   map[string]RateLimit // by WithBudget key
}

// RateLimit is the last primary rate-limit state seen.
type RateLimit struct {
	Limit, Remaining int
	Reset            time.Time
}

// Low reports whether less than frac of the limit remains (Remaining <
// frac × Limit) in a window that has not yet reset at now: work that can
// wait (sweeps) should wait until Reset, keeping the rest for evaluations.
func (rl RateLimit) Low(frac float64, now time.Time) bool {
	return rl.Limit > 0 && float64(rl.Remaining) < frac*float64(rl.Limit) && now.Before(rl.Reset)
}

// RateLimit returns the last rate-limit headers seen (zero before any), of
// whichever budget answered last.
func (t *Transport) RateLimit() RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return RateLimit{Limit: t.limit, Remaining: t.remaining, Reset: t.reset}
}

// RateLimitOf returns the last rate-limit headers seen on requests whose
// context carried WithBudget(key): one budget of GitHub's (an
// installation's, the App's), as one Transport serves them all.
func (t *Transport) RateLimitOf(key string) RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.budgets[key]
}

type budgetKey struct{}

// WithBudget names the rate-limit budget the requests made with ctx draw
// on (e.g. "installation:42"), for RateLimitOf.
func WithBudget(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, budgetKey{}, key)
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempts := t.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	minB, maxB, maxWait := t.MinBackoff, t.MaxBackoff, t.MaxWait
	if minB <= 0 {
		minB = 200 * time.Millisecond
	}
	if maxB <= 0 {
		maxB = 10 * time.Second
	}
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	sleep := t.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	// The body must be sent again on a retry.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := t.base().RoundTrip(r)
		t.observe(ctx, resp)
		if t.OnResponse != nil {
			t.OnResponse(r, resp, err, attempt)
		}
		wait, retry := t.classify(resp, err, attempt, minB, maxB)
		if err != nil && !idempotent(r.Method) && !neverSent(err) {
			// A POST or PATCH whose connection broke may have been done
			// already: sending it again could post a comment twice. The
			// caller's next evaluation sees what happened and repairs it.
			retry = false
		}
		if !retry || attempt >= attempts || ctx.Err() != nil {
			return resp, err
		}
		if wait > maxWait {
			return resp, err // a reset too far away: give the answer back
		}
		if dl, ok := ctx.Deadline(); ok && t.now().Add(wait).After(dl) {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("giving up after %d attempts: %w", attempt, err)
		}
	}
}

func (t *Transport) observe(ctx context.Context, resp *http.Response) {
	if resp == nil {
		return
	}
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	lim, err2 := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	if err1 != nil || err2 != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.remaining, t.limit = rem, lim
	if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		t.reset = time.Unix(reset, 0)
	}
	// A token request draws on the App's budget, not the one named.
	token := resp.Request != nil && strings.HasSuffix(resp.Request.URL.Path, "/access_tokens")
	if key, ok := ctx.Value(budgetKey{}).(string); ok && !token {
		if t.budgets == nil {
			t.budgets = map[string]RateLimit{}
		}
		t.budgets[key] = RateLimit{Limit: lim, Remaining: rem, Reset: t.reset}
	}
}

// classify says whether to retry and how long to wait first.
func (t *Transport) classify(resp *http.Response, err error, attempt int, minB, maxB time.Duration) (time.Duration, bool) {
	backoff := func() time.Duration {
		d := minB << (attempt - 1)
		if d > maxB || d <= 0 {
			d = maxB
		}
		// Full jitter, never below the minimum.
		return minB + time.Duration(rand.Int64N(int64(d-minB)+1))
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, false
		}
		return backoff(), true
	}
	switch {
	case resp.StatusCode >= 500:
		return backoff(), true
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusForbidden:
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if secs, err := strconv.Atoi(ra); err == nil {
				return time.Duration(secs)*time.Second + backoff()/4, true
			}
		}
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
				wait := time.Unix(reset, 0).Sub(t.now()) + time.Second
				return max(wait, minB), true
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			return backoff(), true
		}
		return 0, false // a plain 403: permission, not a limit
	}
	return 0, false
}

// idempotent methods may be sent twice without harm.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// neverSent reports errors that happened before the request left: the
// connection could not be made.
func neverSent(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
