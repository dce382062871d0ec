package githubtest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

const (
	// DefaultRateLimit is the hourly budget of each installation, App and
	// user, as on GitHub.
	DefaultRateLimit = 5000
	// AnonymousRateLimit is the hourly budget shared by unauthenticated calls.
	AnonymousRateLimit = 60
)

// budget is one principal's primary rate limit window.
type budget struct {
	limit int
	used  int
	reset time.Time
}

func (b *budget) remaining() int { return max(0, b.limit-b.used) }

func (b *budget) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining()))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(b.used, b.limit)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

// budgetFor returns p's budget (nil p: the anonymous one), starting a new
// hour-long window when the previous one has passed.
func (s *Server) budgetFor(p *principal) *budget {
	key := ""
	if p != nil {
		key = p.String()
	}
	now := s.now()
	b := s.budgets[key]
	if b == nil {
		limit := s.rateLimit
		if p == nil {
			limit = AnonymousRateLimit
		}
		b = &budget{limit: limit}
		s.budgets[key] = b
	}
	if !now.Before(b.reset) {
		b.used = 0
		b.reset = now.Add(time.Hour).Truncate(time.Second)
	}
	return b
}

// SetRateLimit sets the hourly budget of every authenticated principal,
// current and future (default DefaultRateLimit). Calls already made in the
// current window still count.
func (s *Server) SetRateLimit(limit int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit = limit
	for key, b := range s.budgets {
		if key != "" {
			b.limit = limit
		}
	}
}

// RateLimitRemaining returns what X-RateLimit-Remaining would say for a
// principal, written as in Call.Principal ("installation:42", "app:1",
// "user:login"; "" for anonymous callers).
func (s *Server) RateLimitRemaining(principal string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.budgets[principal]
	if b == nil {
		if principal == "" {
			return AnonymousRateLimit
		}
		return s.rateLimit
	}
	if !s.now().Before(b.reset) {
		return b.limit
	}
	return b.remaining()
}

// primaryRateLimitResponse is GitHub's 403 for an exhausted budget.
func (s *Server) primaryRateLimitResponse(p *principal) *response {
	var msg string
	switch {
	case p == nil:
		msg = "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
	case p.kind == kindInstallation:
		msg = fmt.Sprintf("API rate limit exceeded for installation ID %d.", p.inst.id)
	case p.kind == kindApp:
		msg = fmt.Sprintf("API rate limit exceeded for app ID %d.", p.app.id)
	default:
		msg = fmt.Sprintf("API rate limit exceeded for user ID %d.", *s.userJSON(p.login).ID)
	}
	return jsonResp(http.StatusForbidden, errorBody{
		Message:          msg,
		DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
		Status:           "403",
	})
}

// secondaryRateLimitResponse is GitHub's 403/429 for a secondary rate limit.
func secondaryRateLimitResponse(status int, retryAfter int) *response {
	r := jsonResp(status, errorBody{
		Message:          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID GHTEST.",
		DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
		Status:           strconv.Itoa(status),
	})
	r.hdr().Set("Retry-After", strconv.Itoa(retryAfter))
	return r
}

// GET /rate_limit (free: does not count against the limit)
func (s *Server) getRateLimit(c *reqCtx) *response {
	b := s.budgetFor(c.p)
	// The resource's name is the key (and the X-RateLimit-Resource
	// header); the body has no "resource" field.
	type rate struct {
		Limit     int   `json:"limit"`
		Used      int   `json:"used"`
		Remaining int   `json:"remaining"`
		Reset     int64 `json:"reset"`
	}
	core := rate{b.limit, min(b.used, b.limit), b.remaining(), b.reset.Unix()}
	fresh := func(limit int, _ string) rate {
		return rate{limit, 0, limit, b.reset.Unix()}
	}
	return jsonResp(http.StatusOK, map[string]any{
		"resources": map[string]rate{
			"core":                 core,
			"search":               fresh(30, "search"),
			"graphql":              fresh(b.limit, "graphql"),
			"integration_manifest": fresh(5000, "integration_manifest"),
			"code_search":          fresh(10, "code_search"),
		},
		"rate": core,
	})
}
