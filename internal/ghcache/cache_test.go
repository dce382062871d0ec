package ghcache_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/clearance-dev/clearance/internal/ghcache"
	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/google/go-github/v60/github"
)

type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

func TestRevalidationIsFreeAndGivesTheSameBody(t *testing.T) {
	fake := githubtest.NewServer(t)
	fake.CreateRepo("acme", "content", "main", map[string]string{"posts/a.md": "hello"})
	cache := &ghcache.Transport{Base: fake.HTTPClient().Transport}
	gh := github.NewClient(&http.Client{Transport: bearer{githubtest.PersonalToken, cache}})
	gh.BaseURL = fake.BaseURL()
	ctx := context.Background()
	principal := "user:" + githubtest.PersonalLogin

	first, _, err := gh.Repositories.Get(ctx, "acme", "content")
	if err != nil {
		t.Fatal(err)
	}
	after1 := fake.RateLimitRemaining(principal)
	for i := 0; i < 3; i++ {
		again, resp, err := gh.Repositories.Get(ctx, "acme", "content")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || again.GetFullName() != first.GetFullName() || again.GetDefaultBranch() != "main" {
			t.Fatalf("cached answer %d %v", resp.StatusCode, again)
		}
	}
	if got := fake.RateLimitRemaining(principal); got != after1 {
		t.Errorf("revalidations used the rate limit: %d -> %d", after1, got)
	}
	if hits, misses := cache.Stats(); hits != 3 || misses != 1 {
		t.Errorf("hits %d misses %d, want 3 and 1", hits, misses)
	}
	// A change is seen: the ETag no longer matches.
	if fc, _, _, err := gh.Repositories.GetContents(ctx, "acme", "content", "posts/a.md", nil); err != nil {
		t.Fatal(err)
	} else if c, _ := fc.GetContent(); c != "hello" {
		t.Fatalf("content %q", c)
	}
	fake.Commit("acme", "content", "main", map[string]string{"posts/a.md": "changed"})
	fc, _, _, err := gh.Repositories.GetContents(ctx, "acme", "content", "posts/a.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := fc.GetContent(); c != "changed" {
		t.Fatalf("content %q", c)
	}
}
