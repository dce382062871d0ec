package server

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/review"
)

// TestGuardCoversEveryWrite: the guard must see every write the review can
// make. If review.GitHub gains a method, decide whether it writes and, if
// so, wrap it in guard.go; then update the lists here.
func TestGuardCoversEveryWrite(t *testing.T) {
	reads := []string{"Archive", "Compare", "BotComment", "BotFingerprints", "Blob", "BranchSHA", "ChangedFiles", "CheckRuns",
		"CommitFiles", "Commits", "FileSHA", "IsTeamMember", "PullRequest", "Reviews", "Tree"}
	writes := []string{"AddLabels", "CreateCheckRun", "CreateComment", "CreateReview", "EditComment", "RemoveLabel",
		"RequestReviewers", "UpdateCheckRun"}
	known := map[string]bool{}
	for _, m := range append(reads, writes...) {
		known[m] = true
	}
	it := reflect.TypeOf((*review.GitHub)(nil)).Elem()
	var unknown []string
	for i := range it.NumMethod() {
		if name := it.Method(i).Name; !known[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("review.GitHub has methods the guard does not know: %s (a write must go through guard.beforeWrite)", strings.Join(unknown, ", "))
	}
}

// stubGitHub records writes; reads return a fixed pull request.
type stubGitHub struct {
	review.GitHub
	head   string
	writes []string
}

func (s *stubGitHub) PullRequest(context.Context, review.Repo, int) (*review.PullRequest, error) {
	return &review.PullRequest{Number: 1, HeadSHA: s.head, BaseRef: "main"}, nil
}
func (s *stubGitHub) AddLabels(context.Context, review.Repo, int, []string) error {
	s.writes = append(s.writes, "labels")
	return nil
}
func (s *stubGitHub) CreateCheckRun(_ context.Context, _ review.Repo, out review.CheckOutput) (int64, error) {
	s.writes = append(s.writes, "check "+out.Conclusion)
	return 1, nil
}

// TestGuardBeforeWrite: the head moved after the snapshot's read →
// nothing is written; the pull request cannot be read again → only a check
// that is not a success.
func TestGuardBeforeWrite(t *testing.T) {
	gh := githubtest.NewServer(t)
	gh.CreateRepo("o", "r", "main", map[string]string{"a.md": "a"})
	gh.Commit("o", "r", "b", map[string]string{"b.md": "b"})
	n := gh.OpenPR("o", "r", "b", "main", "t", "dana")
	gh.CreateInstallation(1, "o", "r")
	client := gh.InstallationClient(1)
	repo := review.Repo{Owner: "o", Name: "r"}
	ctx := context.Background()

	t.Run("head moved", func(t *testing.T) {
		inner := &stubGitHub{head: gh.PullRequest("o", "r", n).GetHead().GetSHA()}
		push := func(review.Repo, int) { gh.PushToPR("o", "r", n, map[string]string{"c.md": "c"}) }
		g := newGuard(inner, client, repo, n, "bot[bot]", guardHooks{verify: push})
		defer g.settle()
		if _, err := g.PullRequest(ctx, repo, n); err != nil {
			t.Fatal(err)
		}
		if err := g.AddLabels(ctx, repo, n, []string{"x"}); !errors.Is(err, errMoved) {
			t.Errorf("AddLabels: %v; want errMoved", err)
		}
		if _, err := g.CreateCheckRun(ctx, repo, review.CheckOutput{Conclusion: "failure"}); !errors.Is(err, errMoved) {
			t.Errorf("CreateCheckRun: %v; want errMoved", err)
		}
		if len(inner.writes) != 0 || g.wrote() != 0 {
			t.Errorf("wrote %q", inner.writes)
		}
	})
	t.Run("cannot verify", func(t *testing.T) {
		inner := &stubGitHub{head: gh.PullRequest("o", "r", n).GetHead().GetSHA()}
		fail := func(review.Repo, int) {
			gh.SetFaults(githubtest.Faults{ErrorRate: 1, Match: func(method, path string) bool { return path == "/repos/o/r/pulls/1" }})
		}
		defer gh.SetFaults(githubtest.Faults{})
		g := newGuard(inner, client, repo, n, "bot[bot]", guardHooks{verify: fail})
		defer g.settle()
		g.PullRequest(ctx, repo, n)
		if err := g.AddLabels(ctx, repo, n, []string{"x"}); err == nil {
			t.Error("AddLabels unverified: no error")
		}
		if _, err := g.CreateCheckRun(ctx, repo, review.CheckOutput{Conclusion: "success"}); err == nil {
			t.Error("a success unverified: no error")
		}
		if _, err := g.CreateCheckRun(ctx, repo, review.CheckOutput{Conclusion: "failure"}); err != nil {
			t.Errorf("a failure unverified: %v", err)
		}
		if strings.Join(inner.writes, ",") != "check failure" {
			t.Errorf("wrote %q; want only the failing check", inner.writes)
		}
	})
	t.Run("the first read failed, the second does not", func(t *testing.T) {
		inner := &stubGitHub{head: gh.PullRequest("o", "r", n).GetHead().GetSHA()}
		fail := func(review.Repo, int) {
			gh.SetFaults(githubtest.Faults{ErrorRate: 1, Match: func(method, path string) bool { return path == "/repos/o/r/pulls/1" }})
		}
		defer gh.SetFaults(githubtest.Faults{})
		g := newGuard(inner, client, repo, n, "bot[bot]", guardHooks{verify: fail})
		g.PullRequest(ctx, repo, n)
		g.settle()
		gh.SetFaults(githubtest.Faults{})
		if _, err := g.CreateCheckRun(ctx, repo, review.CheckOutput{Conclusion: "success"}); err != nil {
			t.Errorf("a success verified at the second try: %v", err)
		}
	})
	// The verification read is made alongside the gather; when the first
	// write comes later than verifyFresh after it, it is made again.
	for _, tc := range []struct {
		name  string
		fresh time.Duration
		want  error
	}{
		{"stale verification read again", 0, errMoved},
		{"fresh verification trusted", time.Hour, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner := &stubGitHub{head: gh.PullRequest("o", "r", n).GetHead().GetSHA()}
			g := newGuard(inner, client, repo, n, "bot[bot]", guardHooks{})
			g.verifyFresh = tc.fresh
			if _, err := g.PullRequest(ctx, repo, n); err != nil {
				t.Fatal(err)
			}
			g.settle()
			gh.PushToPR("o", "r", n, map[string]string{"d.md": tc.name})
			err := g.AddLabels(ctx, repo, n, []string{"x"})
			if !errors.Is(err, errMoved) && tc.want != nil || err != nil && tc.want == nil {
				t.Errorf("AddLabels after a push that followed the verification: %v; want %v", err, tc.want)
			}
		})
	}
}

func TestIsSubmodulePatch(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	for _, tc := range []struct {
		patch, sha string
		want       bool
	}{
		{"@@ -0,0 +1 @@\n+Subproject commit " + sha, sha, true},
		{"@@ -1 +1 @@\n-Subproject commit " + strings.Repeat("cd", 20) + "\n+Subproject commit " + sha, sha, true},
		{"@@ -0,0 +1 @@\n+Subproject commit " + sha, strings.Repeat("cd", 20), false},
		{"@@ -0,0 +1 @@\n+hello", sha, false},
		{"", "", false},
	} {
		if got := isSubmodulePatch(tc.patch, tc.sha); got != tc.want {
			t.Errorf("%q: %v", tc.patch, got)
		}
	}
}
