package githubtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestLabels(t *testing.T) {
	s, client := fixture(t)
	s.Commit("acme", "posts", "f", map[string]string{"x.md": "x\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")
	s.CreateLabel("acme", "posts", "needs review", "fbca04", "")

	labels, _, err := client.Issues.AddLabelsToIssue(ctx, "acme", "posts", n, []string{"Needs Review", "length: ok"})
	if err != nil || len(labels) != 2 {
		t.Fatalf("add = %v, %v", labels, err)
	}
	if labels[0].GetName() != "needs review" || labels[0].GetColor() != "fbca04" || labels[1].GetColor() != "ededed" {
		t.Errorf("labels = %v", labels)
	}
	if got := s.Labels("acme", "posts", n); fmt.Sprint(got) != "[needs review length: ok]" {
		t.Errorf("Labels = %v", got)
	}
	pr, _, _ := client.PullRequests.Get(ctx, "acme", "posts", n)
	if len(pr.Labels) != 2 {
		t.Errorf("PR labels = %v", pr.Labels)
	}

	if _, err := client.Issues.RemoveLabelForIssue(ctx, "acme", "posts", n, "needs review"); err != nil {
		t.Fatal(err)
	}
	_, err = client.Issues.RemoveLabelForIssue(ctx, "acme", "posts", n, "needs review")
	if er := errorResponse(t, err, 404); er.Message != "Label does not exist" {
		t.Errorf("message = %q", er.Message)
	}
	if got := s.Labels("acme", "posts", n); fmt.Sprint(got) != "[length: ok]" {
		t.Errorf("after remove = %v", got)
	}

	_, _, err = client.Issues.CreateLabel(ctx, "acme", "posts", &github.Label{Name: github.String("Length: OK"), Color: github.String("00ff00")})
	er := errorResponse(t, err, 422)
	if er.Message != "Validation Failed" || len(er.Errors) != 1 ||
		er.Errors[0] != (github.Error{Resource: "Label", Field: "name", Code: "already_exists"}) {
		t.Errorf("duplicate label: %+v", er)
	}
	_, _, err = client.Issues.CreateLabel(ctx, "acme", "posts", &github.Label{Name: github.String("x"), Color: github.String("nope")})
	if er := errorResponse(t, err, 422); er.Errors[0].Field != "color" || er.Errors[0].Code != "invalid" {
		t.Errorf("bad color: %+v", er)
	}
	l, resp, err := client.Issues.CreateLabel(ctx, "acme", "posts", &github.Label{Name: github.String("scheduled"), Color: github.String("0e8a16")})
	if err != nil || resp.StatusCode != 201 || l.GetName() != "scheduled" {
		t.Fatalf("create label = %v, %v", l, err)
	}
	all, _, err := client.Issues.ListLabels(ctx, "acme", "posts", nil)
	if err != nil || len(all) != 3 {
		t.Fatalf("repo labels = %v, %v", all, err)
	}
	_, _, err = client.Issues.ListLabelsByIssue(ctx, "acme", "posts", 99, nil)
	errorResponse(t, err, 404)
}

func TestIssueComments(t *testing.T) {
	s, client := fixture(t)
	s.Commit("acme", "posts", "f", map[string]string{"x.md": "x\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")
	s.AddIssueComment("acme", "posts", n, "alice", "Please check")

	c, resp, err := client.Issues.CreateComment(ctx, "acme", "posts", n, &github.IssueComment{Body: github.String("<!-- clearance -->\nAll good")})
	if err != nil || resp.StatusCode != 201 || c.GetUser().GetLogin() != DefaultAppSlug+"[bot]" || c.GetUser().GetType() != "Bot" {
		t.Fatalf("create = %v, %v", c, err)
	}
	if !strings.Contains(c.GetHTMLURL(), fmt.Sprintf("/pull/%d#issuecomment-", n)) {
		t.Errorf("html_url = %s", c.GetHTMLURL())
	}
	edited, _, err := client.Issues.EditComment(ctx, "acme", "posts", c.GetID(), &github.IssueComment{Body: github.String("<!-- clearance -->\nUpdated")})
	if err != nil || edited.GetBody() != "<!-- clearance -->\nUpdated" || !edited.GetUpdatedAt().After(edited.GetCreatedAt().Time) {
		t.Fatalf("edit = %v, %v", edited, err)
	}
	list, _, err := client.Issues.ListComments(ctx, "acme", "posts", n, nil)
	if err != nil || len(list) != 2 || list[1].GetBody() != "<!-- clearance -->\nUpdated" {
		t.Fatalf("list = %v, %v", list, err)
	}
	if got := s.IssueComments("acme", "posts", n); len(got) != 2 || got[0].GetUser().GetLogin() != "alice" {
		t.Errorf("IssueComments = %v", got)
	}

	_, _, err = client.Issues.CreateComment(ctx, "acme", "posts", n, &github.IssueComment{Body: github.String(strings.Repeat("x", 65537))})
	er := errorResponse(t, err, 422)
	if er.Errors[0].Field != "body" || er.Errors[0].Code != "custom" {
		t.Errorf("too long: %+v", er)
	}
	_, _, err = client.Issues.CreateComment(ctx, "acme", "posts", n, &github.IssueComment{})
	errorResponse(t, err, 422)
	_, _, err = client.Issues.EditComment(ctx, "acme", "posts", 999, &github.IssueComment{Body: github.String("x")})
	errorResponse(t, err, 404)
}
