package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLargePullRequestsFit: a pull request of a few hundred drafts, and
// one of 3,000 files (GitHub's most in a listing), each get one comment
// within GitHub's 65,536-character limit and a check within its 65,535,
// and nothing GitHub refuses is written or retried.
func TestLargePullRequestsFit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		drafts int
	}{{"300 drafts", 300}, {"3,000 files", 3000}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			files := map[string]string{}
			for i := range tc.drafts {
				body := fmt.Sprintf("We think residents of ward %d should check the new bin collection days before Monday. Our crews will start the new round at 7am and we know some streets will change.", i)
				if i%3 == 0 {
					body = fmt.Sprintf("Opening hours for library %d: https://www.northbridge.gov.uk/libraries/%d", i, i)
				}
				files[fmt.Sprintf("posts/bulk/%04d-a-rather-long-file-name-for-a-draft-post.md", i)] = "---\nchannel: x\nauthor: Northbridge City Council\npublish_at: 2026-12-02T07:00:00Z\n---\n" + body + "\n"
			}
			n := h.open("bulk", "dana", files)
			h.wait()
			cs := h.botComments(n)
			if len(cs) != 1 {
				t.Fatalf("%d bot comments; want 1\n%s", len(cs), callList(h.writes()))
			}
			body := cs[0].GetBody()
			if c := utf8.RuneCountInString(body); c > 65536 {
				t.Errorf("comment is %d characters", c)
			}
			if !strings.Contains(body, "Not cleared yet") || !strings.Contains(body, "more posts") {
				t.Errorf("the comment does not say the verdict and that it summarises:\n%.3000s", body)
			}
			cr := h.expectCheck(n, "action_required", "Waiting for")
			if len(cr.GetOutput().GetSummary()) > 65535 || len(cr.GetOutput().GetText()) > 65535 {
				t.Errorf("check output %d + %d bytes", len(cr.GetOutput().GetSummary()), len(cr.GetOutput().GetText()))
			}
			comments := 0
			for _, c := range h.writes() {
				if c.Status == http.StatusUnprocessableEntity {
					t.Errorf("GitHub refused %s %s", c.Method, c.Path)
				}
				if c.Method == http.MethodPost && strings.HasSuffix(c.Path, "/comments") && strings.Contains(c.Path, "/issues/") {
					comments++
				}
			}
			if comments != 1 {
				t.Errorf("%d comments posted; want 1\n%s", comments, callList(h.writes()))
			}
			if strings.Contains(h.logs.String(), "will retry") {
				t.Errorf("an evaluation was retried:\n%.4000s", h.logs.String())
			}
		})
	}
}

// TestRefusedWriteIsNotRetried: a reviewer GitHub will not take (not a
// collaborator) is refused with a 422; the check is still written, and the
// job is not retried, for a retry would be refused the same way.
func TestRefusedWriteIsNotRetried(t *testing.T) {
	base := pick(exampleFiles(t), ".github/", "published/")
	base[".github/CODEOWNERS"] = strings.Replace(base[".github/CODEOWNERS"], "/posts/ ", "/posts/ @zed ", 1)
	base[".github/clearance.yml"] = strings.Replace(base[".github/clearance.yml"], "    - \"@northbridge/comms-team\"", "    - \"@northbridge/comms-team\"\n    - \"@zed\"", 1)
	h := newHarness(t, base)
	n := h.open("gritting", "dana", pick(h.files, "posts/2026-12-02-winter-gritting.md"))
	h.wait()
	h.expectCheck(n, "action_required")
	refusedCalls := 0
	for _, c := range h.writes() {
		if c.Status == http.StatusUnprocessableEntity {
			refusedCalls++
		}
	}
	if refusedCalls == 0 {
		t.Fatalf("GitHub refused nothing; the test does not test what it should:\n%s", callList(h.writes()))
	}
	logs := h.logs.String()
	if strings.Contains(logs, "will retry") || !strings.Contains(logs, "not retried") {
		t.Errorf("a refused write was retried, or not said so:\n%s", logs)
	}
	if len(h.botComments(n)) != 1 {
		t.Errorf("%d bot comments", len(h.botComments(n)))
	}
}
