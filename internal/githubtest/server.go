package githubtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// htmlBase is the host used for html_url fields. API URLs (url, *_url fields
// that clients may follow) point at the fake itself.
const htmlBase = "https://github.com"

// epoch is where the logical clock starts; see Server.tick.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Server is a fake GitHub REST API. Create one with NewServer (or New and
// Close). All state is in memory and protected by one mutex, so a Server may
// be used from concurrent requests and test goroutines alike.
type Server struct {
	srv  *httptest.Server
	base string // "http://127.0.0.1:port"
	t    testing.TB

	mu      sync.Mutex
	now     func() time.Time // wall clock: tokens and rate-limit windows
	logical time.Time        // logical clock: object timestamps
	ids     map[string]int64
	// commitAs is the account of the next commit written (PushToPRAs).
	commitAs string

	repos     map[string]*Repo // key: lower("owner/name")
	repoList  []*Repo          // creation order
	users     map[string]int64 // lower(login) -> user ID
	orgs      map[string]*org  // lower(org login)
	apps      map[int64]*app
	appOrder  []int64
	curApp    int64 // App that CreateInstallation attaches to
	insts     map[int64]*installation
	instOrder []int64
	tokens    map[string]*instToken // installation access tokens
	pats      map[string]string     // personal token -> login

	budgets   map[string]*budget
	rateLimit int

	faults    *faultState
	calls     []Call
	exchanges []Exchange // parallel to calls
	offSpec   []offSpecRule
	seq       int
}

// Call is one recorded HTTP request.
type Call struct {
	Seq       int    // 1-based arrival order since the server started
	Method    string // HTTP method
	Path      string // unescaped URL path, e.g. "/repos/o/r/pulls/1/files"
	Query     string // raw query string, e.g. "per_page=2&page=3"
	Status    int    // status written; 0 for an injected connection reset
	Principal string // "installation:42", "app:1", "user:login", or "" (anonymous)
	Fault     string // injected fault: "", "error", "secondary-rate-limit" or "reset"
	// Start is when the request arrived, End when its answer was ready
	// (after any injected latency): wall-clock times, for RoundTrips.
	Start, End time.Time
}

// New starts a fake GitHub on a loopback address. Call Close when done;
// NewServer does that through t.Cleanup.
func New() *Server {
	s := &Server{
		now:       time.Now,
		logical:   epoch,
		ids:       map[string]int64{},
		repos:     map[string]*Repo{},
		users:     map[string]int64{},
		orgs:      map[string]*org{},
		apps:      map[int64]*app{},
		insts:     map[int64]*installation{},
		tokens:    map[string]*instToken{},
		pats:      map[string]string{PersonalToken: PersonalLogin},
		budgets:   map[string]*budget{},
		rateLimit: DefaultRateLimit,
	}
	s.registerDefaultApp()
	s.srv = httptest.NewServer(s)
	s.base = s.srv.URL
	return s
}

// NewServer starts a fake GitHub and closes it when the test ends. Test
// helpers that fail (unknown repository, unknown branch, ...) report through
// t.Fatalf.
func NewServer(t testing.TB) *Server {
	s := New()
	s.t = t
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// URL is the server's base URL without a trailing slash, e.g.
// "http://127.0.0.1:41234". It is what ghinstallation's BaseURL wants.
func (s *Server) URL() string { return s.base }

// BaseURL is URL with a trailing slash: what go-github's Client.BaseURL wants.
func (s *Server) BaseURL() *url.URL {
	u, _ := url.Parse(s.base + "/")
	return u
}

// HTTPClient returns an http.Client whose transport is closed with the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Client returns a go-github client pointed at the fake that authenticates
// with token ("" for none), e.g. PersonalToken or an installation token.
func (s *Server) Client(token string) *github.Client {
	hc := s.srv.Client()
	if token != "" {
		hc = &http.Client{Transport: &tokenTransport{token: token, base: hc.Transport}}
	}
	return s.wrap(hc)
}

// wrap points a go-github client built on hc at the fake.
func (s *Server) wrap(hc *http.Client) *github.Client {
	c := github.NewClient(hc)
	c.BaseURL = s.BaseURL()
	c.UploadURL = s.BaseURL()
	return c
}

type tokenTransport struct {
	token string
	base  http.RoundTripper
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "token "+t.token)
	return t.base.RoundTrip(r2)
}

// SetClock replaces the wall clock used for token expiry and rate-limit
// windows (default time.Now). Object timestamps use the logical clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Calls returns a copy of every request recorded since the start or the last
// ResetCalls, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls forgets the recorded calls (and their exchanges).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.exchanges = nil
}

// Exchange is a recorded call with what was sent and answered: the request
// headers and body as received, and the response headers and body as
// written (after the pipeline added ETags and the common headers; a HEAD
// request records the body a GET would have had). Response fields are empty
// for an injected connection reset.
type Exchange struct {
	Call
	EscapedPath    string // the path as sent, e.g. "/repos/o/r/labels/a%2Fb"
	RequestHeader  http.Header
	RequestBody    []byte
	ResponseHeader http.Header
	ResponseBody   []byte
}

// Exchanges returns a copy of every recorded exchange since the start or
// the last ResetCalls, in arrival order (the same calls as Calls).
// spec.Validate (package internal/githubtest/spec) checks them against
// GitHub's REST description.
func (s *Server) Exchanges() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Exchange(nil), s.exchanges...)
}

// record appends a call and its exchange; resp is nil for a reset. It runs
// under s.mu.
func (s *Server) record(call Call, r *http.Request, body []byte, resp *response) {
	s.calls = append(s.calls, call)
	x := Exchange{Call: call, EscapedPath: r.URL.EscapedPath(), RequestHeader: r.Header.Clone(), RequestBody: body}
	if resp != nil {
		x.ResponseHeader = resp.hdr().Clone()
		x.ResponseBody = resp.body
	}
	s.exchanges = append(s.exchanges, x)
}

// CallCount counts recorded calls with the given method ("" for any) and
// exact unescaped path.
func (s *Server) CallCount(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if (method == "" || c.Method == method) && c.Path == path {
			n++
		}
	}
	return n
}

// fatalf reports a misuse of a test helper. Helpers hold s.mu through a defer,
// so the runtime.Goexit in t.Fatalf releases it.
func (s *Server) fatalf(format string, args ...any) {
	if s.t != nil {
		s.t.Helper()
		s.t.Fatalf("githubtest: "+format, args...)
	}
	panic(fmt.Sprintf("githubtest: "+format, args...))
}

// tick advances the logical clock by a minute and returns the new time.
func (s *Server) tick() time.Time {
	s.logical = s.logical.Add(time.Minute)
	return s.logical
}

// nextID returns the next ID of a kind of object, starting at 1.
func (s *Server) nextID(kind string) int64 {
	s.ids[kind]++
	return s.ids[kind]
}

// nodeID builds a legacy GraphQL node ID the way GitHub does:
// base64("0" + len(kind) + ":" + kind + id), e.g. "MDQ6VXNlcjE=" for User 1.
func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("0%d:%s%d", len(kind), kind, id)))
}

func ptr[T any](v T) *T { return &v }

func ts(t time.Time) *github.Timestamp { return &github.Timestamp{Time: t.UTC()} }

// userJSON renders a user, organization or bot account.
func (s *Server) userJSON(login string) *github.User {
	key := strings.ToLower(login)
	id, ok := s.users[key]
	if !ok {
		id = s.nextID("user")
		s.users[key] = id
	}
	typ := "User"
	switch {
	case strings.HasSuffix(login, "[bot]"):
		typ = "Bot"
	case s.orgs[key] != nil:
		typ = "Organization"
	}
	api := s.base + "/users/" + url.PathEscape(login)
	return &github.User{
		Login:             ptr(login),
		ID:                ptr(id),
		NodeID:            ptr(nodeID(typ, id)),
		Type:              ptr(typ),
		SiteAdmin:         ptr(false),
		URL:               ptr(api),
		HTMLURL:           ptr(htmlBase + "/" + login),
		AvatarURL:         ptr(fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id)),
		GravatarID:        ptr(""),
		FollowersURL:      ptr(api + "/followers"),
		FollowingURL:      ptr(api + "/following{/other_user}"),
		GistsURL:          ptr(api + "/gists{/gist_id}"),
		StarredURL:        ptr(api + "/starred{/owner}{/repo}"),
		SubscriptionsURL:  ptr(api + "/subscriptions"),
		OrganizationsURL:  ptr(api + "/orgs"),
		ReposURL:          ptr(api + "/repos"),
		EventsURL:         ptr(api + "/events{/privacy}"),
		ReceivedEventsURL: ptr(api + "/received_events"),
	}
}

// ServeHTTP implements http.Handler: the whole request pipeline (fault
// injection, authentication, rate limiting, routing, conditional requests,
// headers, call recording).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path, segs := splitPath(r.URL)
	rt, params := matchRoute(r.Method, segs)

	s.mu.Lock()
	s.seq++
	call := Call{Seq: s.seq, Method: r.Method, Path: path, Query: r.URL.RawQuery, Start: time.Now()}
	f := s.faults.next(r.Method, path)
	s.mu.Unlock()

	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-r.Context().Done():
		}
	}

	s.mu.Lock()
	c := &reqCtx{r: r, body: body, params: params, header: http.Header{}}
	resp := s.serve(c, rt, f)
	if c.p != nil {
		call.Principal = c.p.String()
	}
	call.Fault = f.kind
	call.End = time.Now()
	if f.kind == faultReset {
		s.record(call, r, body, nil)
		s.mu.Unlock()
		resetConn(w)
		return
	}
	call.Status = resp.status
	s.record(call, r, body, resp)
	s.mu.Unlock()

	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if resp.body != nil {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead && resp.body != nil {
		_, _ = w.Write(resp.body)
	}
}

// serve runs under s.mu and produces the response for one request.
func (s *Server) serve(c *reqCtx, rt *route, f fault) *response {
	r := c.r
	p, authErr := s.authenticate(r)
	c.p = p
	b := s.budgetFor(p)
	free := rt != nil && rt.free

	var resp *response
	charge := !free
	switch {
	case f.kind == faultSecondary:
		resp = secondaryRateLimitResponse(f.status, f.retryAfter)
		charge = false
	case f.kind == faultError:
		resp = errResp(f.status, http.StatusText(f.status))
		if f.status == http.StatusInternalServerError {
			resp = errResp(f.status, "Server Error")
		}
		charge = false
	case authErr != nil:
		resp = authErr
	case charge && b.remaining() <= 0:
		resp = s.primaryRateLimitResponse(p)
		charge = false
	case rt == nil:
		resp = notFound()
	default:
		resp = s.dispatch(c, rt)
	}

	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && resp.status == http.StatusOK && resp.body != nil {
		etag := etagFor(resp.body)
		resp.hdr().Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			resp = &response{status: http.StatusNotModified, header: http.Header{"Etag": {etag}}}
			charge = false
		}
	}
	if charge {
		b.used++
	}
	for k, v := range c.header {
		resp.hdr()[k] = v
	}
	if len(resp.body) > 0 && resp.hdr().Get("Content-Type") == "" {
		resp.hdr().Set("Content-Type", "application/json; charset=utf-8")
	}
	s.commonHeaders(resp, b)
	return resp
}

// dispatch checks route-specific authentication and repository access, then
// calls the handler.
func (s *Server) dispatch(c *reqCtx, rt *route) *response {
	p := c.p
	if rt.auth != authNone && p == nil {
		return errResp(http.StatusUnauthorized, "Requires authentication")
	}
	switch rt.auth {
	case authJWT:
		if p.kind != kindApp {
			return errResp(http.StatusUnauthorized, "A JSON web token could not be decoded")
		}
	case authInstallation:
		if p.kind != kindInstallation {
			return errResp(http.StatusForbidden, "You must authenticate with an installation access token in order to list repositories for an installation.")
		}
	case authToken:
		if p.kind == kindApp {
			return errResp(http.StatusForbidden, "Resource not accessible by integration")
		}
	}
	if owner, ok := c.params["owner"]; ok && rt.repo {
		repo := s.repos[strings.ToLower(owner+"/"+c.params["repo"])]
		if repo == nil || (p.kind != kindApp && !s.canSee(p, repo)) {
			return notFound()
		}
		c.repo = repo
	}
	return rt.h(s, c)
}

// commonHeaders adds the headers GitHub sends on every response.
func (s *Server) commonHeaders(resp *response, b *budget) {
	h := resp.hdr()
	s.ids["request"]++
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("GHTEST:%08X", s.ids["request"]))
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("Server", "github.com")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
	if resp.status == http.StatusOK || resp.status == http.StatusNotModified {
		h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
	}
	b.setHeaders(h)
}

// resetConn hijacks the connection and closes it with an RST.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// trimBody is bytes.TrimSpace, named for readability at call sites.
func trimBody(b []byte) []byte { return bytes.TrimSpace(b) }
