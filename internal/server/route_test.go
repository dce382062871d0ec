package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest/spec"
	"github.com/google/go-github/v60/github"
)

// example parses GitHub's example payload of an event ("event.action"),
// with an installation added (repository webhooks carry none; App webhooks
// always do) and edits applied.
func example(t *testing.T, name string, edit func(map[string]any)) (string, any) {
	t.Helper()
	event, action, _ := strings.Cut(name, ".")
	var m map[string]any
	if err := json.Unmarshal(spec.WebhookExample(event, action), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["installation"]; !ok {
		m["installation"] = map[string]any{"id": 5}
	}
	if edit != nil {
		edit(m)
	}
	b, _ := json.Marshal(m)
	parsed, err := github.ParseWebHook(event, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return event, parsed
}

// TestRouteGitHubExamples routes GitHub's own example payloads
// (@octokit/webhooks-examples) of every event the App handles.
func TestRouteGitHubExamples(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(map[string]any)
		jobs   []string // job keys; none: ignored
		ignore string   // part of the reason, when ignored
	}{
		{name: "pull_request.opened", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request.synchronize", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request.reopened", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request.ready_for_review", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request.edited", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request.edited", edit: func(m map[string]any) { m["changes"] = map[string]any{"title": map[string]any{"from": "x"}} },
			ignore: "does not change"},
		{name: "pull_request_review.submitted", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request_review.edited", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "pull_request_review.dismissed", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "issue_comment.created", ignore: "not a pull request"},
		{name: "issue_comment.created", edit: func(m map[string]any) {
			m["issue"].(map[string]any)["pull_request"] = map[string]any{"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}
		}, ignore: "not a /clearance recheck"},
		{name: "issue_comment.created", edit: func(m map[string]any) {
			m["issue"].(map[string]any)["pull_request"] = map[string]any{"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}
			m["comment"].(map[string]any)["body"] = "/clearance recheck"
		}, jobs: []string{"recheck:codertocat/hello-world#1:"}},
		{name: "check_run.rerequested", ignore: "no open pull request"},
		{name: "check_suite.requested", ignore: "no open pull request"},
		{name: "check_suite.rerequested", jobs: []string{"pr:codertocat/hello-world#2"}},
		{name: "push", jobs: []string{"sweep:codertocat/hello-world:master"}},
		{name: "push", edit: func(m map[string]any) { m["ref"] = "refs/heads/release" }, jobs: []string{"sweep:codertocat/hello-world:release"}},
		{name: "push", edit: func(m map[string]any) { m["ref"] = "refs/tags/v1" }, ignore: "a tag"},
		{name: "installation.created", jobs: []string{"installation:957387"}},
		{name: "installation_repositories.added", jobs: []string{"sweep:codertocat/space:"}},
		{name: "pull_request.opened", edit: func(m map[string]any) { delete(m, "pull_request"); delete(m, "number") },
			ignore: "names no repository or pull request"},
		{name: "pull_request.opened", edit: func(m map[string]any) { delete(m, "repository") },
			ignore: "names no repository or pull request"},
	} {
		event, parsed := example(t, tc.name, tc.edit)
		rt := route(event, parsed)
		var keys []string
		for _, j := range rt.jobs {
			keys = append(keys, j.key)
		}
		if len(keys) != len(tc.jobs) {
			t.Errorf("%s: jobs %q (ignored: %q); want %q", tc.name, keys, rt.ignore, tc.jobs)
			continue
		}
		for i := range keys {
			if !strings.HasPrefix(keys[i], tc.jobs[i]) {
				t.Errorf("%s: job %q; want %q", tc.name, keys[i], tc.jobs[i])
			}
		}
		if tc.ignore != "" && !strings.Contains(rt.ignore, tc.ignore) {
			t.Errorf("%s: ignored because %q; want %q", tc.name, rt.ignore, tc.ignore)
		}
		if len(tc.jobs) > 0 && (rt.ignore != "" || rt.inst == 0) {
			t.Errorf("%s: ignore %q, installation %d", tc.name, rt.ignore, rt.inst)
		}
	}
	// Every example the fake holds is one the App handles.
	for _, name := range spec.WebhookExamples() {
		event, _, _ := strings.Cut(name, ".")
		if !handledEvents[event] {
			t.Errorf("example %s is for an event the server does not handle", name)
		}
	}
}
