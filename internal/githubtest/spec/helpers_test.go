package spec

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/google/go-github/v60/github"
)

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

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
func rawGet(t *testing.T, s *githubtest.Server, path, token string, hdr map[string]string) (int, http.Header, string) {
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

func do(t *testing.T, s *githubtest.Server, req *http.Request) (int, http.Header, string) {
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
