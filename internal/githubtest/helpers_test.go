package githubtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

var ctx = context.Background()

// fixture starts a server with repository acme/posts and installation 42 of
// the default App on it, and returns a client authenticated through the
// full ghinstallation flow.
func fixture(t *testing.T) (*Server, *github.Client) {
	t.Helper()
	s := NewServer(t)
	s.CreateRepo("acme", "posts", "main", map[string]string{
		"README.md":           "# Planned posts\n",
		"posts/2024-01-01.md": "Happy new year!\n",
	})
	s.CreateInstallation(42, "acme", "posts")
	return s, s.InstallationClient(42)
}

// errorResponse asserts err is a *github.ErrorResponse with status code.
func errorResponse(t *testing.T, err error, code int) *github.ErrorResponse {
	t.Helper()
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("err = %v (%T), want *github.ErrorResponse", err, err)
	}
	if er.Response.StatusCode != code {
		t.Fatalf("status = %d, want %d (%v)", er.Response.StatusCode, code, err)
	}
	return er
}

// rawGet performs a GET with the given token and returns status, headers
// and body.
func rawGet(t *testing.T, s *Server, path, token string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, s, req)
}

func do(t *testing.T, s *Server, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func rawDo(t *testing.T, s *Server, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	return do(t, s, req)
}
