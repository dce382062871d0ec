package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clearance-dev/clearance/internal/ghretry"
	"github.com/clearance-dev/clearance/internal/review"
)

const actionUsage = `Usage: app action [--pr N] [--bot-login LOGIN] [--fail-when-blocked] [--now RFC3339]

Reviews the pull request of a GitHub Actions run with the workflow's token,
as the App would: labels, review requests, the check and the summary
comment. For teams that cannot host the App (see docs/deploy.md, "Action
mode", for what a workflow token cannot do).

It reads what GitHub Actions sets:

  GITHUB_EVENT_NAME   pull_request, pull_request_target, pull_request_review,
                      issue_comment ("/clearance recheck"), push (to the
                      default branch: every open pull request into it),
                      workflow_dispatch and schedule (--pr N, or every open
                      pull request); other events do nothing
  GITHUB_EVENT_PATH   the event's payload
  GITHUB_REPOSITORY   owner/name
  GITHUB_TOKEN        the token to act with (pass it in: env: GITHUB_TOKEN:
                      ${{ github.token }})
  GITHUB_API_URL      default https://api.github.com
  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   written when set

Exit status: 0 when the review was written (whatever the check says,
unless --fail-when-blocked), 1 when something could not be read or
written, 2 for a usage error or a missing variable.

Options:
`

// defaultActionBot is who a workflow's GITHUB_TOKEN acts as.
const defaultActionBot = "github-actions[bot]"

// trustedAssociations may ask for a recheck from a comment.
var trustedAssociations = map[string]bool{"OWNER": true, "MEMBER": true, "COLLABORATOR": true}

func runAction(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return action(ctx, args, os.Getenv, stdout, stderr)
}

// actionEvent is the part of an event payload the action reads.
type actionEvent struct {
	Action      string `json:"action"`
	Number      int    `json:"number"`
	PullRequest *struct {
		Number int    `json:"number"`
		State  string `json:"state"`
	} `json:"pull_request"`
	Changes *struct {
		Base json.RawMessage `json:"base"`
	} `json:"changes"`
	Issue *struct {
		Number      int             `json:"number"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
	Comment *struct {
		Body              string `json:"body"`
		AuthorAssociation string `json:"author_association"`
	} `json:"comment"`
	Ref        string `json:"ref"`
	Deleted    bool   `json:"deleted"`
	Repository struct {
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
	Inputs map[string]any `json:"inputs"`
}

// actionTarget is what an event asks for: pull request numbers, or every
// open pull request (into base, when set).
type actionTarget struct {
	numbers []int
	all     bool
	base    string
	skip    string // why nothing is done
}

// actionTargets works out the pull requests an event is about. It is pure.
func actionTargets(eventName string, ev *actionEvent) actionTarget {
	switch eventName {
	case "pull_request", "pull_request_target":
		n := ev.Number
		if ev.PullRequest != nil && ev.PullRequest.Number != 0 {
			n = ev.PullRequest.Number
		}
		switch a := ev.Action; {
		case a == "opened" || a == "synchronize" || a == "reopened" || a == "ready_for_review":
		case a == "edited" && ev.Changes != nil && len(ev.Changes.Base) > 0:
		default:
			return actionTarget{skip: eventName + " " + a + " does not change the review"}
		}
		if ev.PullRequest != nil && ev.PullRequest.State == "closed" {
			return actionTarget{skip: "the pull request is closed"}
		}
		return actionTarget{numbers: []int{n}}
	case "pull_request_review":
		switch ev.Action {
		case "submitted", "edited", "dismissed":
		default:
			return actionTarget{skip: "pull_request_review " + ev.Action + " does not change the review"}
		}
		if ev.PullRequest == nil {
			return actionTarget{skip: "the payload names no pull request"}
		}
		return actionTarget{numbers: []int{ev.PullRequest.Number}}
	case "issue_comment":
		switch {
		case ev.Action != "created":
			return actionTarget{skip: "only new comments count"}
		case ev.Issue == nil || len(ev.Issue.PullRequest) == 0 || string(ev.Issue.PullRequest) == "null":
			return actionTarget{skip: "a comment on an issue, not a pull request"}
		case ev.Comment == nil || !strings.EqualFold(strings.TrimSpace(ev.Comment.Body), "/clearance recheck"):
			return actionTarget{skip: "not a /clearance recheck comment"}
		case !trustedAssociations[ev.Comment.AuthorAssociation]:
			return actionTarget{skip: "a recheck is taken from owners, members and collaborators only, not " + strings.ToLower(ev.Comment.AuthorAssociation)}
		}
		return actionTarget{numbers: []int{ev.Issue.Number}}
	case "push":
		branch, ok := strings.CutPrefix(ev.Ref, "refs/heads/")
		switch {
		case !ok || branch != ev.Repository.DefaultBranch:
			return actionTarget{skip: "a push to a branch other than the default branch"}
		case ev.Deleted:
			return actionTarget{skip: "the branch was deleted"}
		}
		return actionTarget{all: true, base: branch}
	case "workflow_dispatch", "schedule":
		if v, ok := ev.Inputs["pull-request"]; ok {
			if n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(fmt.Sprint(v)), "#")); err == nil && n > 0 {
				return actionTarget{numbers: []int{n}}
			}
		}
		return actionTarget{all: true}
	}
	return actionTarget{skip: "clearance does not act on " + eventName + " events"}
}

func action(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("action", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, actionUsage)
		fl.PrintDefaults()
	}
	prFlag := fl.Int("pr", 0, "review this pull request, whatever the event")
	botLogin := fl.String("bot-login", "", "the login the token acts as, whose comment is clearance's (default: "+defaultActionBot+" for a workflow token, the token's user otherwise)")
	failBlocked := fl.Bool("fail-when-blocked", false, "exit 1 when the check is not a success (the job then fails too)")
	nowFlag := fl.String("now", "", "evaluate as at this time (RFC 3339), for embargoes; default: now")
	timeout := fl.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "app action: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	var now time.Time
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "app action: --now %q is not a time like 2026-12-01T09:00:00Z\n", *nowFlag)
			return 2
		}
		now = t
	}

	// The environment GitHub Actions sets.
	var missing []string
	need := func(name, hint string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			missing = append(missing, name+": not set"+hint)
		}
		return v
	}
	repoFull := need("GITHUB_REPOSITORY", " (owner/name)")
	eventName := need("GITHUB_EVENT_NAME", "")
	eventPath := need("GITHUB_EVENT_PATH", "")
	token := need("GITHUB_TOKEN", "; pass the workflow's token to the step: env: GITHUB_TOKEN: ${{ github.token }}")
	if len(missing) > 0 {
		fmt.Fprintln(stderr, "app action: run it as a step of a GitHub Actions workflow; missing:")
		for _, m := range missing {
			fmt.Fprintf(stderr, "  %s\n", m)
		}
		return 2
	}
	owner, name, ok := strings.Cut(repoFull, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		fmt.Fprintf(stderr, "app action: GITHUB_REPOSITORY must be owner/name, not %q\n", repoFull)
		return 2
	}
	repo := review.Repo{Owner: owner, Name: name}
	apiURL := strings.TrimSpace(getenv("GITHUB_API_URL"))
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	base, err := url.Parse(strings.TrimSuffix(apiURL, "/") + "/")
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		fmt.Fprintf(stderr, "app action: GITHUB_API_URL must be an http(s) URL such as https://api.github.com, not %q\n", apiURL)
		return 2
	}

	var target actionTarget
	if *prFlag > 0 {
		target = actionTarget{numbers: []int{*prFlag}}
	} else {
		payload, err := os.ReadFile(eventPath)
		if err != nil {
			fmt.Fprintf(stderr, "app action: GITHUB_EVENT_PATH: %v\n", err)
			return 2
		}
		var ev actionEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			fmt.Fprintf(stderr, "app action: GITHUB_EVENT_PATH: the %s payload is not JSON: %v\n", eventName, err)
			return 2
		}
		target = actionTargets(eventName, &ev)
	}
	if target.skip != "" {
		fmt.Fprintf(stdout, "::notice title=clearance::Nothing to do: %s.\n", target.skip)
		writeOutputs(getenv, stderr, map[string]string{"reviewed": "0"}, "")
		return 0
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	hc := &http.Client{Transport: &ghretry.Transport{Base: http.DefaultTransport}}
	client := github.NewClient(hc).WithAuthToken(token)
	client.BaseURL, client.UploadURL = base, base

	bot := *botLogin
	if bot == "" {
		bot = tokenLogin(ctx, client, token, stdout)
	}
	rv := review.NewReviewer(0) // no App: any check run of our name is ours
	if !now.IsZero() {
		rv.Now = func() time.Time { return now }
	}
	gh := &actionGitHub{GitHub: review.NewClient(client, bot), gh: client, out: stdout}

	numbers := target.numbers
	if target.all {
		numbers, err = openPulls(ctx, client, repo, target.base)
		if err != nil {
			fmt.Fprintf(stdout, "::error title=clearance::Listing the open pull requests of %s: %s\n", repo, escapeData(err.Error()))
			return 1
		}
		if len(numbers) == 0 {
			fmt.Fprintf(stdout, "No open pull requests to review in %s.\n", repo)
		}
	}

	code := 0
	outputs := map[string]string{"reviewed": strconv.Itoa(len(numbers))}
	var summary strings.Builder
	for _, n := range numbers {
		snap, dec, err := rv.Review(ctx, gh, repo, n)
		if dec != nil {
			c := dec.Check
			fmt.Fprintf(stdout, "%s#%d: check %q on %s: %s: %s\n", repo, n, c.Name, short(c.HeadSHA), c.Conclusion, c.Title)
			if len(dec.Labels) > 0 {
				fmt.Fprintf(stdout, "  labels: %s\n", strings.Join(dec.Labels, ", "))
			}
			if len(dec.RequestUsers)+len(dec.RequestTeams) > 0 {
				fmt.Fprintf(stdout, "  review requested from: %s\n", strings.Join(append(atAll(dec.RequestUsers), teamHandles(repo.Owner, dec.RequestTeams)...), ", "))
			}
			fmt.Fprintf(&summary, "## clearance: #%d %s\n\n**%s**: %s\n\n%s\n\n", n, snap.PR.Title, c.Conclusion, c.Title, c.Summary)
			if len(numbers) == 1 {
				outputs["pull-request"] = strconv.Itoa(n)
				outputs["conclusion"] = c.Conclusion
				outputs["title"] = c.Title
				outputs["labels"] = strings.Join(dec.Labels, ",")
			}
			if *failBlocked && c.Conclusion != "success" {
				code = 1
			}
		}
		if err != nil {
			code = 1
			fmt.Fprintf(stdout, "::error title=clearance #%d::%s\n", n, escapeData(explain(err)))
		}
	}
	for _, w := range gh.warnings() {
		fmt.Fprintf(stdout, "::warning title=clearance::%s\n", escapeData(w))
	}
	writeOutputs(getenv, stderr, outputs, summary.String())
	return code
}

// tokenLogin finds who the token acts as. An installation token (a
// workflow's GITHUB_TOKEN is one) cannot read GET /user; it acts as
// github-actions[bot].
func tokenLogin(ctx context.Context, client *github.Client, token string, out io.Writer) string {
	if strings.HasPrefix(token, "ghs_") {
		return defaultActionBot
	}
	u, _, err := client.Users.Get(ctx, "")
	if err != nil || u.GetLogin() == "" {
		fmt.Fprintf(out, "::warning title=clearance::Cannot tell whom the token acts as (GET /user failed); taking %s. Set bot-login if the comment is written by someone else.\n", defaultActionBot)
		return defaultActionBot
	}
	return u.GetLogin()
}

// openPulls lists the open pull requests (into base, when set).
func openPulls(ctx context.Context, client *github.Client, repo review.Repo, base string) ([]int, error) {
	opts := &github.PullRequestListOptions{State: "open", Base: base, ListOptions: github.ListOptions{PerPage: 100}}
	var out []int
	for {
		prs, resp, err := client.PullRequests.List(ctx, repo.Owner, repo.Name, opts)
		if err != nil {
			return nil, err
		}
		for _, p := range prs {
			out = append(out, p.GetNumber())
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// writeOutputs appends step outputs to $GITHUB_OUTPUT and the summary to
// $GITHUB_STEP_SUMMARY, when the runner sets them.
func writeOutputs(getenv func(string) string, stderr io.Writer, outputs map[string]string, summary string) {
	if p := getenv("GITHUB_OUTPUT"); p != "" {
		var b strings.Builder
		for _, k := range []string{"reviewed", "pull-request", "conclusion", "title", "labels"} {
			if v, ok := outputs[k]; ok {
				// A value is one line; the title is, but be sure.
				fmt.Fprintf(&b, "%s=%s\n", k, strings.ReplaceAll(v, "\n", " "))
			}
		}
		if err := appendFile(p, b.String()); err != nil {
			fmt.Fprintf(stderr, "app action: GITHUB_OUTPUT: %v\n", err)
		}
	}
	if p := getenv("GITHUB_STEP_SUMMARY"); p != "" && summary != "" {
		if err := appendFile(p, summary); err != nil {
			fmt.Fprintf(stderr, "app action: GITHUB_STEP_SUMMARY: %v\n", err)
		}
	}
}

func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func atAll(logins []string) []string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = "@" + l
	}
	return out
}

func teamHandles(org string, slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = "@" + org + "/" + s
	}
	return out
}

// explain adds what to do to errors a workflow token typically meets.
func explain(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "Resource not accessible by integration") {
		msg += " — the workflow token may not write here. Give the job `permissions: {contents: read, pull-requests: write, issues: write, checks: write}`; " +
			"for pull requests from forks, run on pull_request_target (docs/deploy.md, Action mode)."
	}
	return msg
}

// actionGitHub is review.GitHub for a workflow token, which can do less
// than the App: what it cannot do is said, not hidden.
//
//   - Review requests GitHub refuses (teams, mostly) are a warning, not a
//     failure: the comment and the check title still name who must approve.
//   - Team membership a workflow token cannot see fails the evaluation with
//     an explanation, rather than quietly not counting the approval.
//   - A token that cannot write check runs (a personal token: only Apps
//     can) writes a commit status of the same name instead.
type actionGitHub struct {
	review.GitHub
	gh  *github.Client
	out io.Writer

	mu       sync.Mutex
	warns    []string
	teamSeen map[string]error
	statuses bool
}

func (a *actionGitHub) warn(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.warns = append(a.warns, fmt.Sprintf(format, args...))
}

func (a *actionGitHub) warnings() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.warns...)
}

// RequestReviewers implements review.GitHub.
func (a *actionGitHub) RequestReviewers(ctx context.Context, repo review.Repo, number int, users, teams []string) error {
	err := a.GitHub.RequestReviewers(ctx, repo, number, users, teams)
	if err != nil {
		a.warn("#%d: GitHub refused some review requests (%v). A workflow token cannot always request reviews, from teams especially; "+
			"the comment names who must approve. Ask them yourself, or run clearance as a GitHub App.", number, err)
	}
	return nil
}

// IsTeamMember implements review.GitHub. "Not a member" is believed only
// when the token can see the team at all.
func (a *actionGitHub) IsTeamMember(ctx context.Context, org, team, login string) (bool, error) {
	ok, err := a.GitHub.IsTeamMember(ctx, org, team, login)
	if err != nil {
		return false, fmt.Errorf("%w; %s", err, teamHelp(org, team))
	}
	if ok {
		return true, nil
	}
	if err := a.teamVisible(ctx, org, team); err != nil {
		return false, err
	}
	return false, nil
}

func (a *actionGitHub) teamVisible(ctx context.Context, org, team string) error {
	key := strings.ToLower(org + "/" + team)
	a.mu.Lock()
	if a.teamSeen == nil {
		a.teamSeen = map[string]error{}
	}
	err, done := a.teamSeen[key]
	a.mu.Unlock()
	if done {
		return err
	}
	_, _, gerr := a.gh.Teams.GetTeamBySlug(ctx, org, team)
	var er *github.ErrorResponse
	switch {
	case gerr == nil:
		err = nil
	case errors.As(gerr, &er) && er.Response != nil && (er.Response.StatusCode == http.StatusNotFound || er.Response.StatusCode == http.StatusForbidden):
		err = fmt.Errorf("this token cannot see the team @%s/%s (GitHub answered %d), so approvals by its members cannot be counted; %s",
			org, team, er.Response.StatusCode, teamHelp(org, team))
	default:
		return gerr // passing; not remembered
	}
	a.mu.Lock()
	a.teamSeen[key] = err
	a.mu.Unlock()
	return err
}

func teamHelp(org, team string) string {
	return "a workflow's GITHUB_TOKEN cannot read an organization's teams. Give the action a token that can " +
		"(the token input: a GitHub App installation token with Members read, or a fine-grained token with Members read), " +
		"or name people instead of @" + org + "/" + team + " in CODEOWNERS and under roles"
}

// CreateCheckRun implements review.GitHub; a token that may not write
// check runs writes a commit status instead.
func (a *actionGitHub) CreateCheckRun(ctx context.Context, repo review.Repo, out review.CheckOutput) (int64, error) {
	a.mu.Lock()
	useStatus := a.statuses
	a.mu.Unlock()
	if !useStatus {
		id, err := a.GitHub.CreateCheckRun(ctx, repo, out)
		var er *github.ErrorResponse
		if err == nil || !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusForbidden {
			return id, err
		}
		a.mu.Lock()
		a.statuses = true
		a.mu.Unlock()
		a.warn("This token may not write check runs (only GitHub Apps and workflow tokens can), so clearance writes a commit status named %q instead. "+
			"Require that status in branch protection; it has no annotations.", out.Name)
	}
	state := "failure"
	switch out.Conclusion {
	case "success", "neutral", "skipped":
		state = "success"
	}
	desc := out.Title
	if r := []rune(desc); len(r) > 140 {
		desc = string(r[:139]) + "…"
	}
	st := &github.RepoStatus{State: github.String(state), Context: github.String(out.Name), Description: github.String(desc)}
	if out.DetailsURL != "" {
		st.TargetURL = github.String(out.DetailsURL)
	}
	_, _, err := a.gh.Repositories.CreateStatus(ctx, repo.Owner, repo.Name, out.HeadSHA, st)
	return 0, err
}
