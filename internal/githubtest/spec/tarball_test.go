package spec

import (
	"net/http"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/google/go-github/v60/github"
)

// TestTarballSpec makes the calls of githubtest's TestTarball (the link, the
// download, downloads with a wrong and with no token, an unknown ref) and
// checks that every one is one GitHub's description allows, or a documented
// stand-in.
func TestTarballSpec(t *testing.T) {
	s := githubtest.NewServer(t)
	s.CreateRepo("acme", "posts", "main", map[string]string{
		"README.md":           "# Planned posts\n",
		"posts/2024-01-01.md": "Happy new year!\n",
	})
	s.CommitSymlink("acme", "posts", "main", "latest.md", "posts/2024-01-01.md")
	s.CreateInstallation(42, "acme", "posts")
	client := s.InstallationClient(42)

	link, resp, err := client.Repositories.GetArchiveLink(ctx, "acme", "posts", github.Tarball, &github.RepositoryContentGetOptions{Ref: "main"}, 0)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("link: %v %v", resp, err)
	}
	bad := *link
	bad.RawQuery = "token=1." + strings.Repeat("0", 64)
	for u, want := range map[string]int{
		link.String():                        http.StatusOK,
		bad.String():                         http.StatusNotFound,
		strings.Split(link.String(), "?")[0]: http.StatusNotFound,
	} {
		r, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("%s: %d, want %d", u, r.StatusCode, want)
		}
	}
	if _, resp, err := client.Repositories.GetArchiveLink(ctx, "acme", "posts", github.Tarball, &github.RepositoryContentGetOptions{Ref: "nope"}, 0); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown ref: %v", err)
	}
	n := 0
	for _, x := range s.Exchanges() {
		if strings.Contains(x.Path, "/tarball/") || strings.HasPrefix(x.Path, "/_codeload/") {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d recorded tarball calls, want 5", n)
	}
	for _, p := range Problems(s) {
		if strings.Contains(p, "tarball") || strings.Contains(p, "_codeload") {
			t.Errorf("spec: %s", p)
		}
	}
}
