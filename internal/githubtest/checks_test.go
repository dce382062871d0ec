package githubtest

import (
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestCheckRuns(t *testing.T) {
	s, client := fixture(t)
	head := s.Commit("acme", "posts", "f", map[string]string{"x.md": "x\n"})
	n := s.OpenPR("acme", "posts", "f", "main", "F", "alice")

	cr, resp, err := client.Checks.CreateCheckRun(ctx, "acme", "posts", github.CreateCheckRunOptions{
		Name: "clearance", HeadSHA: head, Status: github.String("in_progress"),
	})
	if err != nil || resp.StatusCode != 201 || cr.GetStatus() != "in_progress" || cr.GetApp().GetID() != DefaultAppID {
		t.Fatalf("create = %v, %v", cr, err)
	}
	if len(cr.PullRequests) != 1 || cr.PullRequests[0].GetNumber() != n {
		t.Errorf("pull_requests = %v", cr.PullRequests)
	}
	annotation := &github.CheckRunAnnotation{Path: github.String("x.md"), StartLine: github.Int(1), EndLine: github.Int(1),
		AnnotationLevel: github.String("warning"), Message: github.String("Too long for X")}
	updated, _, err := client.Checks.UpdateCheckRun(ctx, "acme", "posts", cr.GetID(), github.UpdateCheckRunOptions{
		Name:       "clearance",
		Conclusion: github.String("failure"),
		Output: &github.CheckRunOutput{Title: github.String("1 problem"), Summary: github.String("See annotations"),
			Annotations: []*github.CheckRunAnnotation{annotation}},
	})
	if err != nil || updated.GetStatus() != "completed" || updated.GetConclusion() != "failure" ||
		updated.GetOutput().GetAnnotationsCount() != 1 || updated.CompletedAt == nil {
		t.Fatalf("update = %v, %v", updated, err)
	}

	// A second run with the same name: filter=latest shows only the newest.
	if _, _, err := client.Checks.CreateCheckRun(ctx, "acme", "posts", github.CreateCheckRunOptions{
		Name: "clearance", HeadSHA: head, Conclusion: github.String("success"),
	}); err != nil {
		t.Fatal(err)
	}
	list, _, err := client.Checks.ListCheckRunsForRef(ctx, "acme", "posts", head, &github.ListCheckRunsOptions{
		CheckName: github.String("clearance"), AppID: github.Int64(DefaultAppID),
	})
	if err != nil || list.GetTotal() != 1 || list.CheckRuns[0].GetConclusion() != "success" {
		t.Fatalf("latest = %v, %v", list, err)
	}
	list, _, err = client.Checks.ListCheckRunsForRef(ctx, "acme", "posts", "f", &github.ListCheckRunsOptions{Filter: github.String("all")})
	if err != nil || list.GetTotal() != 2 {
		t.Fatalf("all = %v, %v", list, err)
	}
	list, _, err = client.Checks.ListCheckRunsForRef(ctx, "acme", "posts", head, &github.ListCheckRunsOptions{CheckName: github.String("other")})
	if err != nil || list.GetTotal() != 0 {
		t.Fatalf("other name = %v, %v", list, err)
	}
	if runs := s.CheckRuns("acme", "posts", head); len(runs) != 2 {
		t.Errorf("CheckRuns = %v", runs)
	}
	if a := s.CheckRunAnnotations("acme", "posts", cr.GetID()); len(a) != 1 || a[0].GetMessage() != "Too long for X" {
		t.Errorf("annotations = %v", a)
	}
	// Only GitHub Apps write check runs.
	_, _, err = s.Client(PersonalToken).Checks.CreateCheckRun(ctx, "acme", "posts", github.CreateCheckRunOptions{Name: "x", HeadSHA: head})
	errorResponse(t, err, 403)
}

func TestCheckRunValidation(t *testing.T) {
	s, client := fixture(t)
	head := s.BranchSHA("acme", "posts", "main")
	many := make([]*github.CheckRunAnnotation, 51)
	for i := range many {
		many[i] = &github.CheckRunAnnotation{Path: github.String("README.md"), StartLine: github.Int(1), EndLine: github.Int(1),
			AnnotationLevel: github.String("notice"), Message: github.String("m")}
	}
	out := func(title, summary string, ann []*github.CheckRunAnnotation) *github.CheckRunOutput {
		return &github.CheckRunOutput{Title: github.String(title), Summary: github.String(summary), Annotations: ann}
	}
	for _, tc := range []struct {
		name  string
		opt   github.CreateCheckRunOptions
		field string
	}{
		{"summary too long", github.CreateCheckRunOptions{Name: "c", HeadSHA: head, Output: out("t", strings.Repeat("s", 65536), nil)}, "output.summary"},
		{"title too long", github.CreateCheckRunOptions{Name: "c", HeadSHA: head, Output: out(strings.Repeat("t", 256), "s", nil)}, "output.title"},
		{"51 annotations", github.CreateCheckRunOptions{Name: "c", HeadSHA: head, Output: out("t", "s", many)}, "output.annotations"},
		{"completed without conclusion", github.CreateCheckRunOptions{Name: "c", HeadSHA: head, Status: github.String("completed")}, "conclusion"},
		{"bad conclusion", github.CreateCheckRunOptions{Name: "c", HeadSHA: head, Conclusion: github.String("great")}, "conclusion"},
		{"missing name", github.CreateCheckRunOptions{HeadSHA: head}, "name"},
	} {
		_, _, err := client.Checks.CreateCheckRun(ctx, "acme", "posts", tc.opt)
		er := errorResponse(t, err, 422)
		if er.Message != "Validation Failed" || len(er.Errors) == 0 || er.Errors[0].Field != tc.field || er.Errors[0].Resource != "CheckRun" {
			t.Errorf("%s: %+v", tc.name, er)
		}
	}
	// Exactly at the limits is fine.
	if _, _, err := client.Checks.CreateCheckRun(ctx, "acme", "posts", github.CreateCheckRunOptions{
		Name: "c", HeadSHA: head, Output: out(strings.Repeat("t", 255), strings.Repeat("s", 65535), many[:50]),
	}); err != nil {
		t.Fatal(err)
	}
	_, _, err := client.Checks.CreateCheckRun(ctx, "acme", "posts", github.CreateCheckRunOptions{Name: "c", HeadSHA: BlobSHA("x")})
	if er := errorResponse(t, err, 422); !strings.HasPrefix(er.Message, "No commit found for SHA") {
		t.Errorf("unknown sha: %+v", er)
	}
	if n := len(s.CheckRuns("acme", "posts", head)); n != 1 {
		t.Errorf("%d runs stored, want only the valid one", n)
	}
}

func TestCommitStatuses(t *testing.T) {
	s, client := fixture(t)
	head := s.BranchSHA("acme", "posts", "main")
	for _, st := range []string{"pending", "success"} {
		if _, _, err := client.Repositories.CreateStatus(ctx, "acme", "posts", head, &github.RepoStatus{
			State: github.String(st), Context: github.String("clearance"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	combined, _, err := client.Repositories.GetCombinedStatus(ctx, "acme", "posts", "main", nil)
	if err != nil || combined.GetState() != "success" || combined.GetTotalCount() != 1 {
		t.Fatalf("combined = %v, %v", combined, err)
	}
	if got := s.Statuses("acme", "posts", head); len(got) != 2 {
		t.Errorf("Statuses = %v", got)
	}
}
