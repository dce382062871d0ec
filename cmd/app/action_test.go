package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/clearance-dev/clearance/internal/fstree"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/githubtest/spec"
	"github.com/clearance-dev/clearance/internal/review"
	"github.com/google/go-github/v60/github"
)

// GitHub Actions' own App: a workflow's GITHUB_TOKEN is an installation
// token of it, and what it writes is by github-actions[bot].
const (
	actionsAppID  int64 = 15368
	actionsSlug         = "github-actions"
	actionsInstID int64 = 900
	actOwner            = "northbridge"
	actRepo             = "content"
	actNow              = "--now=2026-11-26T12:00:00Z"
)

// actionFixture is the fake GitHub with the example content repo, the
// example teams and a workflow token, plus the runner's files.
type actionFixture struct {
	t     *testing.T
	gh    *githubtest.Server
	token string
	files map[string]string // examples/content
	dir   string            // the runner's temp folder
	n     int               // events written
}

func exampleContent(t *testing.T) map[string]string {
	t.Helper()
	files, err := fstree.ReadAll(exampleRepo)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func only(all map[string]string, prefixes ...string) map[string]string {
	out := map[string]string{}
	for p, c := range all {
		for _, pre := range prefixes {
			if strings.HasPrefix(p, pre) {
				out[p] = c
			}
		}
	}
	return out
}

func newActionFixture(t *testing.T, teams bool) *actionFixture {
	t.Helper()
	f := &actionFixture{t: t, gh: githubtest.NewServer(t), files: exampleContent(t), dir: t.TempDir()}
	f.gh.RegisterApp(actionsAppID, actionsSlug)
	f.gh.CreateRepo(actOwner, actRepo, "main", only(f.files, ".github/", "published/"))
	if teams {
		f.gh.AddTeam(actOwner, "policy-team", "alice")
		f.gh.AddTeam(actOwner, "comms-team", "carol")
		f.gh.AddTeam(actOwner, "housing-team", "hank")
	}
	f.gh.CreateInstallation(actionsInstID, actOwner, actRepo)
	f.token = f.gh.InstallationToken(actionsInstID)
	t.Cleanup(func() {
		// Every request the action sent must be one GitHub's REST
		// description allows.
		for _, p := range spec.Problems(f.gh) {
			if isRequestProblem(p) && !strings.Contains(p, labelsBodyGap) {
				t.Errorf("request not as GitHub describes it: %s", p)
			}
		}
	})
	return f
}

// labelsBodyGap: go-github adds labels with a bare JSON array, one of the
// bodies GitHub's description allows (oneOf), which the fake's validator
// does not take.
const labelsBodyGap = "POST /repos/{owner}/{repo}/issues/{issue_number}/labels: request body: at /: value must be an object"

func isRequestProblem(p string) bool {
	for _, s := range []string{"request body", "parameter", "no operation", "query "} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// openPR opens a pull request adding the given example drafts.
func (f *actionFixture) openPR(branch string, drafts ...string) int {
	files := map[string]string{}
	for _, d := range drafts {
		c, ok := f.files[d]
		if !ok {
			f.t.Fatalf("no example %s", d)
		}
		files[d] = c
	}
	f.gh.Commit(actOwner, actRepo, branch, files)
	return f.gh.OpenPR(actOwner, actRepo, branch, "main", "Drafts for "+branch, "dave")
}

// event writes a payload as the runner does and returns its path.
func (f *actionFixture) event(payload any) string {
	f.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		f.t.Fatal(err)
	}
	f.n++
	p := filepath.Join(f.dir, fmt.Sprintf("event-%d.json", f.n))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *actionFixture) repoJSON() *github.Repository {
	return &github.Repository{
		Name: github.String(actRepo), FullName: github.String(actOwner + "/" + actRepo),
		Owner: &github.User{Login: github.String(actOwner)}, DefaultBranch: github.String("main"),
	}
}

func (f *actionFixture) prEvent(action string, n int) any {
	return &github.PullRequestEvent{
		Action: github.String(action), Number: github.Int(n),
		PullRequest: f.gh.PullRequest(actOwner, actRepo, n), Repo: f.repoJSON(),
		Sender: &github.User{Login: github.String("dave")},
	}
}

// result is one run of app action.
type result struct {
	code            int
	stdout, stderr  string
	output, summary string // $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY
}

// run runs app action for an event, with the workflow token unless env
// says otherwise.
func (f *actionFixture) run(eventName, eventPath string, env map[string]string, args ...string) result {
	f.t.Helper()
	out := filepath.Join(f.dir, "output")
	sum := filepath.Join(f.dir, "summary")
	os.Remove(out)
	os.Remove(sum)
	vars := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   eventName,
		"GITHUB_EVENT_PATH":   eventPath,
		"GITHUB_REPOSITORY":   actOwner + "/" + actRepo,
		"GITHUB_TOKEN":        f.token,
		"GITHUB_API_URL":      f.gh.URL(),
		"GITHUB_OUTPUT":       out,
		"GITHUB_STEP_SUMMARY": sum,
	}
	for k, v := range env {
		vars[k] = v
	}
	var stdout, stderr bytes.Buffer
	code := action(context.Background(), append([]string{actNow}, args...), func(k string) string { return vars[k] }, &stdout, &stderr)
	o, _ := os.ReadFile(out)
	s, _ := os.ReadFile(sum)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String(), output: string(o), summary: string(s)}
	if strings.Contains(r.stdout+r.stderr+r.output+r.summary, f.token) {
		f.t.Errorf("the token shows in the output")
	}
	return r
}

// state is what the pull request looks like on the fake GitHub.
type state struct {
	labels          []string
	users, teams    []string
	comments        []*github.IssueComment
	checks          []*github.CheckRun
	latest          *github.CheckRun
	statuses        []*github.RepoStatus
	reviewRequested int
}

func (f *actionFixture) state(n int) state {
	head := f.gh.PullRequest(actOwner, actRepo, n).GetHead().GetSHA()
	var st state
	st.labels = f.gh.Labels(actOwner, actRepo, n)
	st.users, st.teams = f.gh.RequestedReviewers(actOwner, actRepo, n)
	st.comments = f.gh.IssueComments(actOwner, actRepo, n)
	st.checks = f.gh.CheckRuns(actOwner, actRepo, head)
	for _, c := range st.checks {
		if st.latest == nil || c.GetID() > st.latest.GetID() {
			st.latest = c
		}
	}
	st.statuses = f.gh.Statuses(actOwner, actRepo, head)
	st.reviewRequested = f.gh.CallCount("POST", "/repos/"+actOwner+"/"+actRepo+"/pulls/"+strconv.Itoa(n)+"/requested_reviewers")
	return st
}

func TestActionReviewsAPullRequestEndToEnd(t *testing.T) {
	f := newActionFixture(t, true)
	const gritting = "posts/2026-12-02-winter-gritting.md"   // new-content
	const library = "posts/2026-12-01-library-hours-link.md" // pointer
	n := f.openPR("week-48", gritting, library)

	// opened: labels, review requests, a check waiting for approval, one
	// comment, all as github-actions[bot].
	r := f.run("pull_request", f.event(f.prEvent("opened", n)), nil)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st := f.state(n)
	if !contains(st.labels, "scenario: new-content") || !contains(st.labels, "scenario: pointer") {
		t.Errorf("labels %v", st.labels)
	}
	if !contains(st.teams, "policy-team") || !contains(st.teams, "comms-team") {
		t.Errorf("review requests: users %v, teams %v", st.users, st.teams)
	}
	if len(st.checks) != 1 || st.latest.GetName() != "clearance" || st.latest.GetConclusion() == "success" {
		t.Fatalf("checks: %+v", st.checks)
	}
	if st.latest.GetApp().GetSlug() != actionsSlug {
		t.Errorf("the check belongs to %q, want %q", st.latest.GetApp().GetSlug(), actionsSlug)
	}
	if len(st.comments) != 1 || st.comments[0].GetUser().GetLogin() != "github-actions[bot]" ||
		!strings.Contains(st.comments[0].GetBody(), review.SummaryMarker) {
		t.Fatalf("comments: %d, first by %q", len(st.comments), st.comments[0].GetUser().GetLogin())
	}
	for _, w := range []string{"reviewed=1\n", "pull-request=" + strconv.Itoa(n) + "\n", "conclusion=" + st.latest.GetConclusion() + "\n", "title=Waiting for policy and comms approval"} {
		if !strings.Contains(r.output, w) {
			t.Errorf("GITHUB_OUTPUT lacks %q:\n%s", w, r.output)
		}
	}
	if !strings.Contains(r.summary, "## clearance: #"+strconv.Itoa(n)) || !strings.Contains(r.summary, gritting) {
		t.Errorf("step summary:\n%s", r.summary)
	}
	if !strings.Contains(r.stdout, "labels: scenario: new-content, scenario: pointer") && !strings.Contains(r.stdout, "labels: scenario: pointer, scenario: new-content") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	// The same event again changes nothing.
	before := st
	r = f.run("pull_request", f.event(f.prEvent("synchronize", n)), nil)
	st = f.state(n)
	if r.code != 0 || len(st.comments) != 1 || len(st.checks) != len(before.checks) || st.reviewRequested != before.reviewRequested {
		t.Errorf("a second run wrote again: exit %d, %d comments, %d checks, %d review requests (was %d)\n%s",
			r.code, len(st.comments), len(st.checks), st.reviewRequested, before.reviewRequested, r.stdout)
	}

	// Policy approves: still waiting for comms.
	head := f.gh.PullRequest(actOwner, actRepo, n).GetHead().GetSHA()
	f.gh.SubmitReview(actOwner, actRepo, n, "alice", "APPROVED", head)
	reviewEvent := func() string {
		return f.event(&github.PullRequestReviewEvent{
			Action: github.String("submitted"), PullRequest: f.gh.PullRequest(actOwner, actRepo, n), Repo: f.repoJSON(),
		})
	}
	r = f.run("pull_request_review", reviewEvent(), nil)
	if st = f.state(n); r.code != 0 || st.latest.GetConclusion() == "success" || !strings.Contains(st.latest.GetOutput().GetTitle(), "comms") {
		t.Errorf("after policy's approval: exit %d, check %s %q", r.code, st.latest.GetConclusion(), st.latest.GetOutput().GetTitle())
	}

	// Comms approves: green.
	f.gh.SubmitReview(actOwner, actRepo, n, "carol", "APPROVED", head)
	r = f.run("pull_request_review", reviewEvent(), nil)
	if st = f.state(n); r.code != 0 || st.latest.GetConclusion() != "success" || !strings.Contains(r.output, "conclusion=success\n") {
		t.Errorf("after both approvals: exit %d, check %s %q\n%s", r.code, st.latest.GetConclusion(), st.latest.GetOutput().GetTitle(), r.stdout)
	}
	if len(st.comments) != 1 {
		t.Errorf("%d comments; the one comment is edited in place", len(st.comments))
	}

	// A push that edits the draft makes the approvals stale.
	f.gh.PushToPR(actOwner, actRepo, n, map[string]string{gritting: strings.Replace(f.files[gritting], "\n---\n", "\n---\nUpdated: ", 1)})
	r = f.run("pull_request", f.event(f.prEvent("synchronize", n)), nil)
	if st = f.state(n); r.code != 0 || st.latest.GetConclusion() == "success" {
		t.Errorf("after editing the draft: exit %d, check %s %q", r.code, st.latest.GetConclusion(), st.latest.GetOutput().GetTitle())
	}

	// --fail-when-blocked fails the job while the check is not green.
	r = f.run("pull_request", f.event(f.prEvent("synchronize", n)), nil, "--fail-when-blocked")
	if r.code != 1 {
		t.Errorf("--fail-when-blocked on a blocked pull request: exit %d", r.code)
	}
}

func TestActionEventsItActsOn(t *testing.T) {
	f := newActionFixture(t, true)
	n := f.openPR("week-48", "posts/2026-12-01-library-hours-link.md")
	issue := func(association, body string) string {
		return f.event(map[string]any{
			"action": "created",
			"issue":  map[string]any{"number": n, "pull_request": map[string]any{"url": "x"}},
			"comment": map[string]any{"body": body, "author_association": association,
				"user": map[string]any{"login": "erin"}},
			"repository": f.repoJSON(),
		})
	}
	for _, c := range []struct {
		name, event, path string
		args              []string
		reviewed          string // "" when skipped
	}{
		{"recheck from a member", "issue_comment", issue("MEMBER", " /clearance recheck\n"), nil, "1"},
		{"recheck from a stranger", "issue_comment", issue("NONE", "/clearance recheck"), nil, ""},
		{"another comment", "issue_comment", issue("OWNER", "looks good"), nil, ""},
		{"closed", "pull_request", f.event(f.prEvent("closed", n)), nil, ""},
		{"labeled", "pull_request_target", f.event(f.prEvent("labeled", n)), nil, ""},
		{"opened, from a fork's workflow", "pull_request_target", f.event(f.prEvent("opened", n)), nil, "1"},
		{"push to main sweeps", "push", f.event(map[string]any{"ref": "refs/heads/main", "repository": f.repoJSON()}), nil, "1"},
		{"push elsewhere", "push", f.event(map[string]any{"ref": "refs/heads/week-48", "repository": f.repoJSON()}), nil, ""},
		{"dispatch with a number", "workflow_dispatch", f.event(map[string]any{"inputs": map[string]any{"pull-request": "#" + strconv.Itoa(n)}}), nil, "1"},
		{"schedule sweeps", "schedule", f.event(map[string]any{"schedule": "0 * * * *"}), nil, "1"},
		{"an event it does not act on", "release", f.event(map[string]any{"action": "published"}), nil, ""},
		{"--pr whatever the event", "release", f.event(map[string]any{"action": "published"}), []string{"--pr", strconv.Itoa(n)}, "1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.run(c.event, c.path, nil, c.args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if c.reviewed == "" {
				if !strings.Contains(r.stdout, "::notice title=clearance::Nothing to do: ") || !strings.Contains(r.output, "reviewed=0\n") {
					t.Errorf("want a notice and reviewed=0:\n%s\n%s", r.stdout, r.output)
				}
				return
			}
			if !strings.Contains(r.output, "reviewed="+c.reviewed+"\n") {
				t.Errorf("GITHUB_OUTPUT:\n%s\nstdout:\n%s", r.output, r.stdout)
			}
		})
	}
	if st := f.state(n); len(st.comments) != 1 || st.latest.GetConclusion() != "success" {
		t.Errorf("after every event: %d comments, check %s", len(st.comments), st.latest.GetConclusion())
	}
}

// A team the token cannot see (as a workflow token cannot see any): the
// evaluation fails and says why, rather than not counting the approval.
func TestActionTeamsAWorkflowTokenCannotSee(t *testing.T) {
	f := newActionFixture(t, false) // the teams exist on GitHub, but not for this token
	n := f.openPR("week-48", "posts/2026-12-02-winter-gritting.md")
	f.gh.SubmitReview(actOwner, actRepo, n, "carol", "APPROVED", "")
	r := f.run("pull_request", f.event(f.prEvent("opened", n)), nil)
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout, "::error title=clearance #"+strconv.Itoa(n)+"::") || !strings.Contains(r.stdout, "cannot see the team @northbridge/") ||
		!strings.Contains(r.stdout, "GITHUB_TOKEN cannot read an organization's teams") {
		t.Errorf("stdout does not explain:\n%s", r.stdout)
	}
	if st := f.state(n); st.latest == nil || st.latest.GetConclusion() == "success" {
		t.Errorf("the check must not pass: %+v", st.latest)
	}
}

// A personal token (one with read:org, to see teams) may not write check
// runs; the action writes a commit status of the same name.
func TestActionWithAPersonalTokenWritesAStatus(t *testing.T) {
	f := newActionFixture(t, true)
	n := f.openPR("week-48", "posts/2026-12-01-library-hours-link.md")
	env := map[string]string{"GITHUB_TOKEN": githubtest.PersonalToken}
	r := f.run("pull_request", f.event(f.prEvent("opened", n)), env, "--bot-login", githubtest.PersonalLogin)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	st := f.state(n)
	if len(st.checks) != 0 || len(st.statuses) != 1 || st.statuses[0].GetContext() != "clearance" || st.statuses[0].GetState() != "success" {
		t.Errorf("checks %d, statuses %+v", len(st.checks), st.statuses)
	}
	if !strings.Contains(r.stdout, "::warning title=clearance::This token may not write check runs") {
		t.Errorf("no warning about the status:\n%s", r.stdout)
	}
	r = f.run("pull_request", f.event(f.prEvent("synchronize", n)), env, "--bot-login", githubtest.PersonalLogin)
	if st = f.state(n); r.code != 0 || len(st.comments) != 1 {
		t.Errorf("second run: exit %d, %d comments", r.code, len(st.comments))
	}
}

func TestActionSettings(t *testing.T) {
	f := newActionFixture(t, true)
	ev := f.event(map[string]any{"action": "opened"})
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no token", map[string]string{"GITHUB_TOKEN": ""}, nil, "GITHUB_TOKEN: not set; pass the workflow's token"},
		{"not in Actions", map[string]string{"GITHUB_EVENT_NAME": "", "GITHUB_EVENT_PATH": "", "GITHUB_REPOSITORY": ""}, nil, "GITHUB_REPOSITORY: not set"},
		{"bad repository", map[string]string{"GITHUB_REPOSITORY": "content"}, nil, "GITHUB_REPOSITORY must be owner/name"},
		{"bad API URL", map[string]string{"GITHUB_API_URL": "ftp://x"}, nil, "GITHUB_API_URL must be an http(s) URL"},
		{"no event file", map[string]string{"GITHUB_EVENT_PATH": filepath.Join(f.dir, "missing.json")}, nil, "GITHUB_EVENT_PATH: "},
		{"bad --now", nil, []string{"--now", "tomorrow"}, "--now \"tomorrow\" is not a time"},
		{"an argument", nil, []string{"12"}, "unexpected argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.run("pull_request", ev, c.env, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, c.want)
			}
		})
	}
	// Through the command switch: --help.
	var out, errOut bytes.Buffer
	if code := run([]string{"action", "--help"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "Usage: app action") {
		t.Errorf("app action --help: exit %d\n%s", code, errOut.String())
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
