package spec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// handledWebhooks are the events and actions the App handles (issue 3); the
// list in scripts/update-github-spec must agree.
var handledWebhooks = []string{
	"check_run.rerequested",
	"check_suite.requested",
	"check_suite.rerequested",
	"installation.created",
	"installation_repositories.added",
	"issue_comment.created",
	"pull_request.edited",
	"pull_request.opened",
	"pull_request.ready_for_review",
	"pull_request.reopened",
	"pull_request.synchronize",
	"pull_request_review.dismissed",
	"pull_request_review.edited",
	"pull_request_review.submitted",
	"push",
}

func TestWebhookExamplesCoverHandledEvents(t *testing.T) {
	if got := WebhookExamples(); !reflect.DeepEqual(got, handledWebhooks) {
		t.Errorf("committed examples = %v\nwant %v (run scripts/update-github-spec)", got, handledWebhooks)
	}
	sources := webhookSources(t)
	for _, name := range handledWebhooks {
		if src, ok := sources[name+".json"]; !ok || !strings.HasPrefix(src.Package, "@octokit/webhooks-examples@") {
			t.Errorf("SOURCES.json: %s has no source", name)
		}
	}
}

// TestWebhookExamplesParse decodes each example the way the App does, with
// go-github's ParseWebHook, and checks it against the webhook's schema in
// GitHub's OpenAPI description.
func TestWebhookExamplesParse(t *testing.T) {
	for _, name := range handledWebhooks {
		event, action, _ := strings.Cut(name, ".")
		t.Run(name, func(t *testing.T) {
			payload := WebhookExample(event, action)
			ev, err := github.ParseWebHook(event, payload)
			if err != nil {
				t.Fatalf("ParseWebHook(%q): %v", event, err)
			}
			var got string
			switch e := ev.(type) {
			case *github.PullRequestEvent:
				got = e.GetAction()
				if e.GetPullRequest().GetNumber() == 0 || e.GetRepo().GetFullName() == "" || e.GetPullRequest().GetHead().GetSHA() == "" {
					t.Errorf("pull request event without number, repository or head SHA")
				}
				if action == "edited" && e.GetChanges() == nil {
					t.Errorf("edited event without changes")
				}
			case *github.PullRequestReviewEvent:
				got = e.GetAction()
				if e.GetReview().GetState() == "" || e.GetPullRequest().GetNumber() == 0 {
					t.Errorf("review event without review state or pull request")
				}
			case *github.IssueCommentEvent:
				got = e.GetAction()
				if e.GetComment().GetBody() == "" || e.GetIssue().GetNumber() == 0 {
					t.Errorf("issue comment event without comment body or issue")
				}
			case *github.CheckRunEvent:
				got = e.GetAction()
				if e.GetCheckRun().GetHeadSHA() == "" {
					t.Errorf("check run event without head SHA")
				}
			case *github.CheckSuiteEvent:
				got = e.GetAction()
				if e.GetCheckSuite().GetHeadSHA() == "" {
					t.Errorf("check suite event without head SHA")
				}
			case *github.PushEvent:
				if !strings.HasPrefix(e.GetRef(), "refs/heads/") || e.GetRepo().GetDefaultBranch() == "" || len(e.Commits) == 0 {
					t.Errorf("push event: ref %q, default branch %q, %d commits", e.GetRef(), e.GetRepo().GetDefaultBranch(), len(e.Commits))
				}
			case *github.InstallationEvent:
				got = e.GetAction()
				if e.GetInstallation().GetID() == 0 {
					t.Errorf("installation event without installation ID")
				}
			case *github.InstallationRepositoriesEvent:
				got = e.GetAction()
				if e.GetInstallation().GetID() == 0 || len(e.RepositoriesAdded) == 0 {
					t.Errorf("installation_repositories event without installation or added repositories")
				}
			default:
				t.Fatalf("ParseWebHook(%q) = %T", event, ev)
			}
			if got != action {
				t.Errorf("action = %q, want %q", got, action)
			}
			// The examples are older than today's schemas, which require
			// fields added since (auto_merge, has_discussions, ...): that
			// drift is GitHub's and only logged. A derived example must add
			// none of its own: its schema errors are a subset of its source's.
			err = ValidateWebhookPayload(event, action, payload)
			if err != nil {
				t.Logf("example older than GitHub's schema: %v", err)
			}
			if src := webhookSources(t)[name+".json"]; src.DerivedFrom != "" {
				from := strings.TrimSuffix(src.DerivedFrom, ".json")
				fe, fa, _ := strings.Cut(from, ".")
				had := map[string]bool{}
				for _, line := range strings.Split(errText(ValidateWebhookPayload(fe, fa, WebhookExample(fe, fa))), "; ") {
					had[line] = true
				}
				for _, line := range strings.Split(errText(err), "; ") {
					if line != "" && !had[line] {
						t.Errorf("derived payload: %s (its source %s has no such error)", line, from)
					}
				}
			}
		})
	}
}

func TestWebhookExampleUnknown(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "pull_request.opened") {
			t.Errorf("recover() = %v, want a panic listing the examples", r)
		}
	}()
	WebhookExample("pull_request", "labeled")
}

func TestValidateWebhookPayloadRejects(t *testing.T) {
	var p map[string]any
	if err := json.Unmarshal(WebhookExample("pull_request", "opened"), &p); err != nil {
		t.Fatal(err)
	}
	delete(p, "pull_request")
	p["number"] = "one"
	b, _ := json.Marshal(p)
	err := ValidateWebhookPayload("pull_request", "opened", b)
	if err == nil || !strings.Contains(err.Error(), "pull_request") || !strings.Contains(err.Error(), "/number") {
		t.Errorf("ValidateWebhookPayload(broken) = %v, want errors at /number and pull_request", err)
	}
	var e map[string]any
	if err := json.Unmarshal(WebhookExample("pull_request", "edited"), &e); err != nil {
		t.Fatal(err)
	}
	delete(e["changes"].(map[string]any)["base"].(map[string]any), "sha")
	b, _ = json.Marshal(e)
	if err := ValidateWebhookPayload("pull_request", "edited", b); err == nil || !strings.Contains(err.Error(), "/changes/base") {
		t.Errorf("edited without changes.base.sha: %v", err)
	}
	if err := ValidateWebhookPayload("pull_request", "opened", WebhookExample("pull_request", "synchronize")); err == nil {
		t.Errorf("a synchronize payload passes as opened")
	}
}

type webhookSource struct {
	Package     string `json:"package"`
	DerivedFrom string `json:"derived_from"`
	Derived     string `json:"derived"`
}

func webhookSources(t *testing.T) map[string]webhookSource {
	t.Helper()
	b, err := webhookFS.ReadFile("testdata/webhooks/SOURCES.json")
	if err != nil {
		t.Fatal(err)
	}
	var sources map[string]webhookSource
	if err := json.Unmarshal(b, &sources); err != nil {
		t.Fatal(err)
	}
	return sources
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
