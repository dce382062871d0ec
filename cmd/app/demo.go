package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clearance-dev/clearance/internal/fstree"
	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

const demoUsage = `Usage: app demo [--repo DIR] [--verbose]

Shows the GitHub App at work without a GitHub account: it starts a fake
GitHub on this machine holding the content repo (default examples/content),
starts the real clearance server against it, opens pull requests, sends
the signed webhooks GitHub would send, walks one pull request through review
and approval, and prints what the bot did at each step. Nothing leaves the
machine.

Options:
`

const (
	demoApp    int64 = 1001
	demoInst   int64 = 2002
	demoOwner        = "northbridge"
	demoRepo         = "content"
	demoSecret       = "demo-webhook-secret"
)

// demo is one run of the walkthrough.
type demo struct {
	out     io.Writer
	gh      *githubtest.Server
	srv     *server.Server
	hook    *httptest.Server
	files   map[string]string
	seq     int
	verbose bool
}

func runDemo(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, demoUsage); fl.PrintDefaults() }
	repo := fl.String("repo", "examples/content", "the content repo to load into the fake GitHub")
	verbose := fl.Bool("verbose", false, "also print the full comment and the server's logs")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	d := &demo{out: stdout, verbose: *verbose}
	if err := d.run(*repo, stderr); err != nil {
		fmt.Fprintf(stderr, "app demo: %v\n", err)
		return 1
	}
	return 0
}

func pickFiles(all map[string]string, prefixes ...string) map[string]string {
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

func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.out, format+"\n", args...) }

func (d *demo) run(root string, stderr io.Writer) error {
	files, err := fstree.ReadAll(root)
	if err != nil {
		return fmt.Errorf("reading %s: %w", root, err)
	}
	d.files = files
	d.gh = githubtest.New()
	defer d.gh.Close()
	key := d.gh.RegisterApp(demoApp, "clearance")
	d.gh.CreateRepo(demoOwner, demoRepo, "main", pickFiles(files, ".github/", "published/"))
	d.gh.AddTeam(demoOwner, "policy-team", "alice")
	d.gh.AddTeam(demoOwner, "comms-team", "carol")
	d.gh.AddTeam(demoOwner, "housing-team", "hank")
	d.gh.SetPermission(demoOwner, demoRepo, "dana", "write")
	d.gh.CreateInstallation(demoInst, demoOwner, demoRepo)

	logs := io.Discard
	if d.verbose {
		logs = stderr
	}
	srv, err := server.New(server.Config{
		AppID: demoApp, PrivateKey: key, WebhookSecret: []byte(demoSecret), APIURL: d.gh.BaseURL().String(),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		return err
	}
	d.srv = srv
	d.hook = httptest.NewServer(srv)
	defer d.hook.Close()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()

	d.say("clearance demo: a fake GitHub at %s holds %s/%s with the config, CODEOWNERS and", d.gh.URL(), demoOwner, demoRepo)
	d.say("press releases of %s. The real clearance server runs against it at %s.", root, d.hook.URL)
	d.say("Teams: @%s/policy-team (alice), @%s/comms-team (carol). Dana writes the drafts.\n", demoOwner, demoOwner)

	// 1. Drafts that need nobody's time.
	free := pickFiles(files, "posts/2026-11-30-flood-defences-open.md", "posts/2026-12-01-library-hours-link.md")
	if len(free) > 0 {
		n, err := d.open("dana/free-posts", "Flood defences and library hours", free)
		if err != nil {
			return err
		}
		d.step("Dana opens pull request #%d with a post quoting a published press release and a post that is just a link.", n)
		d.show(n)
	}

	// 2. New content: review and approval.
	gritting := pickFiles(files, "posts/2026-12-02-winter-gritting.md")
	if len(gritting) == 0 {
		return fmt.Errorf("%s has no posts/2026-12-02-winter-gritting.md to walk through review", root)
	}
	n, err := d.open("dana/gritting", "Winter gritting advice", gritting)
	if err != nil {
		return err
	}
	d.step("Dana opens pull request #%d with a post that gives advice (new content).", n)
	d.show(n)

	d.step("alice (policy team) approves.")
	if err := d.review(n, "alice", "APPROVED"); err != nil {
		return err
	}
	d.show(n)

	d.step("carol (comms team) approves.")
	if err := d.review(n, "carol", "APPROVED"); err != nil {
		return err
	}
	d.show(n)

	d.step("Dana pushes an edit to the post: the approvals were for the old text.")
	path := "posts/2026-12-02-winter-gritting.md"
	edited := strings.Replace(gritting[path], "if you can.", "if you can, and check on elderly neighbours.", 1)
	d.gh.PushToPR(demoOwner, demoRepo, n, map[string]string{path: edited})
	if err := d.deliver("pull_request", d.prEvent("synchronize", n, "dana")); err != nil {
		return err
	}
	d.show(n)

	d.step("alice and carol approve the new text.")
	if err := d.review(n, "alice", "APPROVED"); err != nil {
		return err
	}
	if err := d.review(n, "carol", "APPROVED"); err != nil {
		return err
	}
	d.show(n)

	// 3. Errors: what the author must fix, on the lines of the diff.
	broken := pickFiles(files, "posts/2026-12-04-recycling-week.md", "replies/housing/2026-11-28-damp-and-mould.md")
	if len(broken) > 0 {
		n, err := d.open("dana/mistakes", "Recycling week and a housing reply", broken)
		if err != nil {
			return err
		}
		d.step("Dana opens pull request #%d with a post that has no author and a reply that links to the intranet.", n)
		d.show(n)
		d.showFindings(n)
	}

	calls := d.gh.Calls()
	d.say("\nDone. The bot made %d calls to the fake GitHub in all. To run it for real, see docs/deploy.md.", len(calls))
	return nil
}

func (d *demo) step(format string, args ...any) {
	d.say("\n== "+format, args...)
}

// open pushes files to a branch, opens a pull request and sends the
// webhook.
func (d *demo) open(branch, title string, files map[string]string) (int, error) {
	d.gh.Commit(demoOwner, demoRepo, branch, files)
	n := d.gh.OpenPR(demoOwner, demoRepo, branch, "main", title, "dana")
	return n, d.deliver("pull_request", d.prEvent("opened", n, "dana"))
}

func (d *demo) review(n int, user, state string) error {
	pr := d.gh.PullRequest(demoOwner, demoRepo, n)
	d.gh.SubmitReview(demoOwner, demoRepo, n, user, state, pr.GetHead().GetSHA())
	return d.deliver("pull_request_review", &github.PullRequestReviewEvent{
		Action:       github.String("submitted"),
		Review:       &github.PullRequestReview{User: &github.User{Login: github.String(user)}, State: github.String(strings.ToLower(state))},
		PullRequest:  d.gh.PullRequest(demoOwner, demoRepo, n),
		Repo:         d.repoJSON(),
		Sender:       &github.User{Login: github.String(user)},
		Installation: &github.Installation{ID: github.Int64(demoInst)},
	})
}

func (d *demo) repoJSON() *github.Repository {
	return &github.Repository{
		ID: github.Int64(1), Name: github.String(demoRepo), FullName: github.String(demoOwner + "/" + demoRepo),
		Owner: &github.User{Login: github.String(demoOwner), Type: github.String("Organization")}, DefaultBranch: github.String("main"),
	}
}

func (d *demo) prEvent(action string, n int, sender string) *github.PullRequestEvent {
	return &github.PullRequestEvent{
		Action: github.String(action), Number: github.Int(n), PullRequest: d.gh.PullRequest(demoOwner, demoRepo, n),
		Repo: d.repoJSON(), Sender: &github.User{Login: github.String(sender)}, Installation: &github.Installation{ID: github.Int64(demoInst)},
	}
}

// deliver signs and posts a webhook, then waits until it is processed.
func (d *demo) deliver(event string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	d.seq++
	req, _ := http.NewRequest(http.MethodPost, d.hook.URL+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("demo-%d", d.seq))
	req.Header.Set("X-Hub-Signature-256", server.Sign([]byte(demoSecret), body))
	resp, err := d.hook.Client().Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("the server answered %s to %s", resp.Status, event)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return d.srv.WaitIdle(ctx)
}

// show prints what the pull request looks like now.
func (d *demo) show(n int) {
	pr := d.gh.PullRequest(demoOwner, demoRepo, n)
	labels := d.gh.Labels(demoOwner, demoRepo, n)
	sort.Strings(labels)
	users, teams := d.gh.RequestedReviewers(demoOwner, demoRepo, n)
	var req []string
	for _, u := range users {
		req = append(req, "@"+u)
	}
	for _, t := range teams {
		req = append(req, "@"+demoOwner+"/"+t)
	}
	d.say("   labels:           %s", orNone(strings.Join(labels, ", ")))
	d.say("   review requested: %s", orNone(strings.Join(req, ", ")))
	runs := d.gh.CheckRuns(demoOwner, demoRepo, pr.GetHead().GetSHA())
	if len(runs) > 0 {
		last := runs[len(runs)-1]
		for _, r := range runs {
			if r.GetID() > last.GetID() {
				last = r
			}
		}
		mark := "✗"
		if last.GetConclusion() == "success" {
			mark = "✓"
		}
		d.say("   check %s:      %s %s — %s", last.GetName(), mark, last.GetConclusion(), last.GetOutput().GetTitle())
	} else {
		d.say("   check:            none yet")
	}
	comments := d.gh.IssueComments(demoOwner, demoRepo, n)
	for _, c := range comments {
		body := c.GetBody()
		if !strings.Contains(body, "clearance:summary") {
			continue
		}
		d.say("   comment (%d in all on the pull request, edited in place):", len(comments))
		if d.verbose {
			for _, l := range strings.Split(body, "\n") {
				d.say("     | %s", l)
			}
			continue
		}
		// The verdict, the table of posts and who approved what.
		for _, l := range strings.Split(body, "\n") {
			switch {
			case strings.HasPrefix(l, "## "), strings.HasPrefix(l, "**What to do next"),
				strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| # "),
				strings.HasPrefix(l, "- ") && strings.ContainsAny(l, "⏳✅✋❌"):
				d.say("     %s", clipEnd(l, 150))
			}
		}
	}
}

// showFindings prints the review comments clearance left on the lines of
// the diff, and the start of the check's details (the Checks tab).
func (d *demo) showFindings(n int) {
	comments := d.gh.ReviewComments(demoOwner, demoRepo, n)
	d.say("   review comments on the diff (%d):", len(comments))
	for _, c := range comments {
		first, _, _ := strings.Cut(c.GetBody(), "\n")
		d.say("     %s line %d: %s", c.GetPath(), c.GetLine(), clipEnd(first, 120))
	}
	pr := d.gh.PullRequest(demoOwner, demoRepo, n)
	runs := d.gh.CheckRuns(demoOwner, demoRepo, pr.GetHead().GetSHA())
	if len(runs) == 0 {
		return
	}
	last := runs[len(runs)-1]
	for _, r := range runs {
		if r.GetID() > last.GetID() {
			last = r
		}
	}
	d.say("   the check's details (Checks tab), first lines:")
	shown := 0
	for _, l := range strings.Split(last.GetOutput().GetText(), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if shown == 12 {
			d.say("     …")
			break
		}
		d.say("     %s", clipEnd(l, 150))
		shown++
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
