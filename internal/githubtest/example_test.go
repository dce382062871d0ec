package githubtest_test

import (
	"context"
	"fmt"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/google/go-github/v60/github"
)

// The App's view: an installation client (JWT -> installation token via
// ghinstallation) reading a pull request and writing back to it.
func Example() {
	s := githubtest.New() // in tests: githubtest.NewServer(t)
	defer s.Close()

	s.CreateRepo("acme", "posts", "main", map[string]string{"README.md": "# Planned posts\n"})
	s.Commit("acme", "posts", "week-1", map[string]string{"posts/monday.md": "Hello!\n"})
	pr := s.OpenPR("acme", "posts", "week-1", "main", "Week 1", "alice")
	s.CreateInstallation(42, "acme", "posts")

	ctx := context.Background()
	client := s.InstallationClient(42)
	files, _, _ := client.PullRequests.ListFiles(ctx, "acme", "posts", pr, nil)
	for _, f := range files {
		fmt.Println(f.GetStatus(), f.GetFilename(), f.GetSHA() == githubtest.BlobSHA("Hello!\n"))
		fmt.Printf("%q\n", f.GetPatch())
	}
	client.Issues.AddLabelsToIssue(ctx, "acme", "posts", pr, []string{"needs-review"})
	client.Issues.CreateComment(ctx, "acme", "posts", pr, &github.IssueComment{Body: github.String("Looks fine")})

	fmt.Println(s.Labels("acme", "posts", pr))
	fmt.Println(s.IssueComments("acme", "posts", pr)[0].GetUser().GetLogin())
	fmt.Println(s.CallCount("POST", "/app/installations/42/access_tokens"), "token request")
	// Output:
	// added posts/monday.md true
	// "@@ -0,0 +1 @@\n+Hello!"
	// [needs-review]
	// githubtest-app[bot]
	// 1 token request
}
