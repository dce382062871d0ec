package githubtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestNotFoundShapes(t *testing.T) {
	s, _ := fixture(t)
	token := s.InstallationToken(42)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/nope"},
		{"GET", "/repos/acme/posts/pulls/1"},
		{"GET", "/repos/acme/posts/pulls/abc"},
		{"DELETE", "/repos/acme/posts"},            // method not served: 404 like GitHub, not 405
		{"PUT", "/repos/acme/posts/pulls/1/files"}, // idem
		{"GET", "/repos/acme/posts/contents/missing.md"},
		{"GET", "/orgs/acme/teams/nobody/memberships/alice"},
	} {
		status, hdr, body := rawDo(t, s, tc.method, tc.path, token, "")
		var e struct {
			Message          string `json:"message"`
			DocumentationURL string `json:"documentation_url"`
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || status != 404 || e.Message != "Not Found" || e.DocumentationURL == "" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, body)
		}
		if hdr.Get("Content-Type") != "application/json; charset=utf-8" || hdr.Get("X-RateLimit-Remaining") == "" {
			t.Errorf("%s %s: headers %v", tc.method, tc.path, hdr)
		}
	}
	status, _, body := rawDo(t, s, "POST", "/repos/acme/posts/labels", token, "{not json")
	if status != 400 || body == "" {
		t.Errorf("bad JSON: %d %s", status, body)
	}
}

func TestCallsAndRateLimitHeaders(t *testing.T) {
	s, client := fixture(t)
	_, resp, err := client.Repositories.Get(ctx, "acme", "posts")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rate.Limit != DefaultRateLimit || resp.Rate.Remaining != DefaultRateLimit-1 || resp.Rate.Reset.IsZero() {
		t.Errorf("rate = %+v", resp.Rate)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset", "X-RateLimit-Resource"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	_, _, err = client.PullRequests.ListFiles(ctx, "acme", "posts", 7, &github.ListOptions{PerPage: 5, Page: 2})
	errorResponse(t, err, 404)

	calls := s.Calls()
	last := calls[len(calls)-1]
	want := Call{Seq: last.Seq, Method: "GET", Path: "/repos/acme/posts/pulls/7/files", Query: "page=2&per_page=5", Status: 404, Principal: "installation:42",
		Start: last.Start, End: last.End}
	if last != want || last.Start.IsZero() || last.End.Before(last.Start) {
		t.Errorf("last call = %+v, want %+v", last, want)
	}
	if got := s.RateLimitRemaining("installation:42"); got != DefaultRateLimit-2 {
		t.Errorf("remaining = %d", got)
	}
	s.ResetCalls()
	if len(s.Calls()) != 0 {
		t.Error("ResetCalls kept calls")
	}

	// GET /rate_limit does not count.
	rl, _, err := client.RateLimits(ctx)
	if err != nil || rl.Core.Remaining != DefaultRateLimit-2 || rl.Core.Limit != DefaultRateLimit {
		t.Fatalf("rate_limit = %+v, %v", rl, err)
	}
	if got := s.RateLimitRemaining("installation:42"); got != DefaultRateLimit-2 {
		t.Errorf("remaining after /rate_limit = %d", got)
	}
}

// TestConditionalRequests: a matching If-None-Match gets 304 and costs
// nothing, as on GitHub.
func TestConditionalRequests(t *testing.T) {
	s, _ := fixture(t)
	token := s.InstallationToken(42)
	status, hdr, body := rawGet(t, s, "/repos/acme/posts/contents/README.md", token, nil)
	etag := hdr.Get("ETag")
	if status != 200 || etag == "" || body == "" {
		t.Fatalf("first GET: %d etag %q", status, etag)
	}
	before, _ := strconv.Atoi(hdr.Get("X-RateLimit-Remaining"))
	for i := 0; i < 3; i++ {
		status, hdr, body = rawGet(t, s, "/repos/acme/posts/contents/README.md", token, map[string]string{"If-None-Match": etag})
		if status != 304 || body != "" || hdr.Get("ETag") != etag {
			t.Fatalf("conditional GET: %d %q", status, body)
		}
		if got, _ := strconv.Atoi(hdr.Get("X-RateLimit-Remaining")); got != before {
			t.Fatalf("304 changed Remaining: %d -> %d", before, got)
		}
	}
	// Through go-github: a 304 surfaces as an error response with status 304.
	client := s.Client(token)
	req, _ := client.NewRequest("GET", "repos/acme/posts/contents/README.md", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err := client.Do(ctx, req, nil)
	if resp == nil || resp.StatusCode != 304 || resp.Rate.Remaining != before {
		t.Fatalf("go-github conditional: %v %v", resp, err)
	}
	// A change gives a new ETag and a 200 that counts.
	s.Commit("acme", "posts", "main", map[string]string{"README.md": "# Changed\n"})
	status, hdr, _ = rawGet(t, s, "/repos/acme/posts/contents/README.md", token, map[string]string{"If-None-Match": etag})
	if got, _ := strconv.Atoi(hdr.Get("X-RateLimit-Remaining")); status != 200 || hdr.Get("ETag") == etag || got != before-1 {
		t.Fatalf("after change: %d etag %q remaining %d", status, hdr.Get("ETag"), got)
	}
	if n := len(s.Calls()); n != 5+1 { // 5 GETs + 1 go-github GET
		t.Errorf("recorded %d calls", n)
	}
}

func TestPrimaryRateLimit(t *testing.T) {
	s, client := fixture(t)
	s.SetRateLimit(2)
	for i := 0; i < 2; i++ { // the token request is charged to the App, not the installation
		if _, _, err := client.Repositories.Get(ctx, "acme", "posts"); err != nil {
			t.Fatal(i, err)
		}
	}
	// go-github now refuses to call until the reset, on its own.
	if _, _, err := client.Repositories.Get(ctx, "acme", "posts"); err == nil {
		t.Fatal("no client-side rate limit error")
	}
	calls := len(s.Calls())

	// A fresh client reaches the server, which answers 403 with GitHub's
	// primary rate-limit message and Remaining 0.
	_, resp, err := s.Client(s.InstallationToken(42)).Repositories.Get(ctx, "acme", "posts")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || resp.StatusCode != 403 || rle.Rate.Remaining != 0 || rle.Message != "API rate limit exceeded for installation ID 42." {
		t.Fatalf("err = %v (%T), resp = %v", err, err, resp)
	}
	if got := s.Calls(); len(got) != calls+1 || got[calls].Status != 403 || got[calls].Principal != "installation:42" {
		t.Errorf("calls = %+v", got[calls-1:])
	}
	// Another principal has its own budget.
	if _, _, err := s.Client(PersonalToken).Repositories.Get(ctx, "acme", "posts"); err != nil {
		t.Fatal(err)
	}
}

func TestTeamsAndPermissions(t *testing.T) {
	s, client := fixture(t)
	s.AddTeam("acme", "Social Media", "carol", "dave")
	s.SetPermission("acme", "posts", "bob", "maintain")

	m, resp, err := client.Teams.GetTeamMembershipBySlug(ctx, "acme", "social-media", "carol")
	if err != nil || resp.StatusCode != 200 || m.GetState() != "active" || m.GetRole() != "member" {
		t.Fatalf("membership = %v, %v", m, err)
	}
	_, _, err = client.Teams.GetTeamMembershipBySlug(ctx, "acme", "social-media", "bob")
	errorResponse(t, err, 404)
	members, _, err := client.Teams.ListTeamMembersBySlug(ctx, "acme", "social-media", nil)
	if err != nil || len(members) != 2 {
		t.Fatalf("members = %v, %v", members, err)
	}

	for user, want := range map[string][2]string{
		"bob":   {"write", "maintain"},
		"carol": {"read", "read"}, // org member: base permission
		"acme":  {"admin", "admin"},
		"eve":   {"none", "none"},
	} {
		var got struct {
			Permission string `json:"permission"`
			RoleName   string `json:"role_name"`
		}
		req, _ := client.NewRequest("GET", "repos/acme/posts/collaborators/"+user+"/permission", nil)
		if _, err := client.Do(ctx, req, &got); err != nil || got.Permission != want[0] || got.RoleName != want[1] {
			t.Errorf("%s: %+v, %v", user, got, err)
		}
	}
	ok, _, err := client.Repositories.IsCollaborator(ctx, "acme", "posts", "eve")
	if err != nil || ok {
		t.Errorf("eve collaborator = %v, %v", ok, err)
	}
	ok, _, err = client.Repositories.IsCollaborator(ctx, "acme", "posts", "bob")
	if err != nil || !ok {
		t.Errorf("bob collaborator = %v, %v", ok, err)
	}
}

func TestHeadRequest(t *testing.T) {
	s, _ := fixture(t)
	req, _ := http.NewRequest(http.MethodHead, s.URL()+"/repos/acme/posts", nil)
	req.Header.Set("Authorization", "token "+PersonalToken)
	status, hdr, body := do(t, s, req)
	if status != 200 || body != "" || hdr.Get("ETag") == "" {
		t.Errorf("HEAD: %d %q %v", status, body, hdr)
	}
}
