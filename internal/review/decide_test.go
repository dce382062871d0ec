package review

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const testConfig = `roles:
  policy: ["@acme/policy"]
  comms: ["@acme/comms", "@carol"]
`

const testCodeowners = `/posts/ @acme/policy @acme/comms
/.github/ @acme/policy
`

const release = `---
title: Bridge reopens
url: https://acme.example.org/news/bridge
published_at: 2026-10-01
---
The Old Bridge will reopen to traffic on Monday 7 December after six months of repairs to its deck and railings.
`

const (
	publicDraft  = "---\nchannel: x\nauthor: Acme Council\n---\nThe Old Bridge will reopen to traffic on Monday 7 December after six months of repairs to its deck and railings.\n"
	pointerDraft = "---\nchannel: x\nauthor: Acme Council\n---\nRoad closures this week: https://acme.example.org/roads\n"
	newDraft     = "---\nchannel: x\nauthor: Acme Council\n---\nWe think drivers should avoid the ring road on Friday.\n"
	badDraft     = "---\nchannel: x\n---\nRoad closures this week: https://acme.example.org/roads\n"
)

func base(t *testing.T, files map[string]string) *policy.Base {
	t.Helper()
	tree := policy.MapTree{
		".github/clearance.yml": []byte(testConfig),
		".github/CODEOWNERS":    []byte(testCodeowners),
		"published/bridge.md":   []byte(release),
	}
	for p, c := range files {
		tree[p] = []byte(c)
	}
	b := policy.LoadBase(tree)
	if len(b.ConfigErrors) > 0 {
		t.Fatalf("config: %v", b.ConfigErrors)
	}
	return b
}

// addedPatch is the patch GitHub shows for an added file.
func addedPatch(content string) string {
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	var b strings.Builder
	b.WriteString("@@ -0,0 +1," + itoa(len(lines)) + " @@\n")
	for _, l := range lines {
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func file(path, content string) ChangedFile {
	return ChangedFile{Path: path, Status: "added", SHA: "sha-" + path + "-" + itoa(len(content)), Content: []byte(content), Patch: addedPatch(content)}
}

func snapshot(t *testing.T, files ...ChangedFile) *Snapshot {
	return &Snapshot{
		Repo:    Repo{Owner: "acme", Name: "content"},
		PR:      PullRequest{Number: 7, Author: "alice", State: "open", HeadSHA: "head1", BaseRef: "main", HTMLURL: "https://github.example/acme/content/pull/7"},
		Base:    base(t, nil),
		Files:   files,
		Members: map[string]map[string]bool{"acme/policy": {"pat": true}, "acme/comms": {"cal": true}},
		AppID:   42,
		Now:     now,
	}
}

func approve(user, commit string, at int) Review {
	return Review{ID: int64(at), User: user, State: "APPROVED", CommitID: commit, SubmittedAt: now.Add(time.Duration(at) * time.Minute)}
}

func TestFreeDraftsPassWithoutReviewers(t *testing.T) {
	s := snapshot(t, file("posts/a.md", publicDraft), file("posts/b.md", pointerDraft))
	d := Decide(s)
	if d.Check.Conclusion != ConclusionSuccess {
		t.Fatalf("conclusion %s (%s)", d.Check.Conclusion, d.Check.Title)
	}
	if got := strings.Join(d.Labels, ","); got != "scenario: pointer,scenario: public-domain" {
		t.Errorf("labels %q", got)
	}
	if len(d.RequestUsers)+len(d.RequestTeams) > 0 {
		t.Errorf("requested %v %v, want nobody", d.RequestUsers, d.RequestTeams)
	}
	if !strings.Contains(d.Comment, SummaryMarker) || !strings.Contains(d.Comment, "posts/a.md") {
		t.Errorf("comment lacks marker or draft:\n%s", d.Comment)
	}
	if d.Check.Title != "2 drafts free to post (1 pointer, 1 public-domain)" {
		t.Errorf("title %q", d.Check.Title)
	}
}

func TestNewContentNeedsEachRole(t *testing.T) {
	f := file("posts/view.md", newDraft)
	s := snapshot(t, f)
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("new-content without approval passed")
	}
	if d.Check.Title != "Waiting for policy and comms approval of posts/view.md" {
		t.Errorf("title %q", d.Check.Title)
	}
	if got := strings.Join(d.RequestTeams, ","); got != "comms,policy" {
		t.Errorf("teams %q", got)
	}
	if got := strings.Join(d.Labels, ","); got != "scenario: new-content" {
		t.Errorf("labels %q", got)
	}

	s.Reviews = []Review{approve("pat", "head1", 1)}
	d = Decide(s)
	if d.Check.Conclusion == ConclusionSuccess || d.Check.Title != "Waiting for comms approval of posts/view.md" {
		t.Fatalf("after policy approval: %s %q", d.Check.Conclusion, d.Check.Title)
	}
	// pat has reviewed: the policy team is not asked again; comms still is.
	if got := strings.Join(d.RequestTeams, ","); got != "comms" {
		t.Errorf("teams after policy approval %q", got)
	}

	s.Reviews = append(s.Reviews, approve("cal", "head1", 2))
	d = Decide(s)
	if d.Check.Conclusion != ConclusionSuccess {
		t.Fatalf("after both approvals: %s %q", d.Check.Conclusion, d.Check.Title)
	}
	if len(d.RequestTeams)+len(d.RequestUsers) != 0 {
		t.Errorf("requests after approval: %v %v", d.RequestUsers, d.RequestTeams)
	}
}

func TestDirectUserOwnerFromRoles(t *testing.T) {
	// carol is listed under roles.comms by name; CODEOWNERS must name her.
	s := snapshot(t, file("posts/view.md", newDraft))
	s.Base = base(t, map[string]string{".github/CODEOWNERS": "/posts/ @acme/policy @carol\n"})
	s.Reviews = []Review{approve("pat", "head1", 1), approve("carol", "head1", 2)}
	if d := Decide(s); d.Check.Conclusion != ConclusionSuccess {
		t.Fatalf("%s %q", d.Check.Conclusion, d.Check.Title)
	}
}

func TestStaleApprovals(t *testing.T) {
	f := file("posts/view.md", newDraft)
	s := snapshot(t, f)
	s.PR.HeadSHA = "head2"
	// Approved on head1, where the draft had the same blob: still counts.
	same := approve("pat", "head1", 1)
	same.FileSHAs = map[string]string{"posts/view.md": f.SHA}
	other := approve("cal", "head1", 2)
	other.FileSHAs = map[string]string{"posts/view.md": "older-blob"}
	s.Reviews = []Review{same, other}
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("approval of an older text counted")
	}
	if d.Check.Title != "Waiting for comms approval of posts/view.md" {
		t.Errorf("title %q", d.Check.Title)
	}
	if !strings.Contains(d.Comment, "@cal approved an earlier version") {
		t.Errorf("comment does not mention the stale approval:\n%s", d.Comment)
	}
	// A review whose FileSHAs were not gathered never counts.
	s.Reviews = []Review{approve("pat", "head1", 1), approve("cal", "head1", 2)}
	if d := Decide(s); d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("approval on another commit with unknown text counted")
	}
}

func TestChangesRequestedBlocksUntilApproved(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	s.Reviews = []Review{approve("pat", "head1", 1), approve("cal", "head1", 2),
		{ID: 3, User: "pat", State: "CHANGES_REQUESTED", CommitID: "head1", SubmittedAt: now.Add(3 * time.Minute)}}
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess || !strings.HasPrefix(d.Check.Title, "Changes requested by @pat") {
		t.Fatalf("%s %q", d.Check.Conclusion, d.Check.Title)
	}
	// A later COMMENTED review does not lift it; a later approval does.
	s.Reviews = append(s.Reviews, Review{ID: 4, User: "pat", State: "COMMENTED", CommitID: "head1", SubmittedAt: now.Add(4 * time.Minute)})
	if d := Decide(s); d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("a comment lifted the change request")
	}
	s.Reviews = append(s.Reviews, approve("pat", "head1", 5))
	if d := Decide(s); d.Check.Conclusion != ConclusionSuccess {
		t.Fatalf("after re-approval: %s %q", d.Check.Conclusion, d.Check.Title)
	}
}

func TestNonOwnerAndAuthorApprovalsDoNotCount(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	s.Reviews = []Review{approve("mallory", "head1", 1), approve("alice", "head1", 2), approve("cal", "head1", 3)}
	s.Members["acme/policy"]["alice"] = true // the author is in the policy team
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("non-owner or self-approval counted")
	}
	if d.Check.Title != "Waiting for policy approval of posts/view.md" {
		t.Errorf("title %q", d.Check.Title)
	}
}

func TestRequestsAreNotRepeated(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	s.Base = base(t, map[string]string{".github/CODEOWNERS": "/posts/ @pat @alice @cal @acme/comms\n", ".github/clearance.yml": "roles:\n  policy: ['@pat', '@alice']\n  comms: ['@cal', '@acme/comms']\n"})
	s.PR.RequestedUsers = []string{"cal"}
	d := Decide(s)
	if got := strings.Join(d.RequestUsers, ","); got != "pat" {
		t.Errorf("users %q, want pat only (alice is the author, cal already requested)", got)
	}
	if got := strings.Join(d.RequestTeams, ","); got != "comms" {
		t.Errorf("teams %q", got)
	}
	s.PR.Draft = true
	if d := Decide(s); len(d.RequestUsers)+len(d.RequestTeams) > 0 {
		t.Errorf("requested reviewers on a draft pull request")
	}
}

func TestGovernedFilesNeedPolicyApproval(t *testing.T) {
	cfg := ChangedFile{Path: ".github/clearance.yml", Status: "modified", SHA: "cfg2", Patch: "@@ -1 +1 @@\n-a\n+b\n"}
	s := snapshot(t, cfg)
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("a config change passed without policy approval")
	}
	if !strings.Contains(d.Check.Title, "policy approval of the change to .github/clearance.yml") {
		t.Errorf("title %q", d.Check.Title)
	}
	if got := strings.Join(d.RequestTeams, ","); got != "policy" {
		t.Errorf("teams %q", got)
	}
	s.Reviews = []Review{approve("cal", "head1", 1)}
	if d := Decide(s); d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("comms approval passed a config change")
	}
	s.Reviews = []Review{approve("pat", "head1", 1)}
	if d := Decide(s); d.Check.Conclusion != ConclusionSuccess {
		t.Fatalf("policy approval: %s %q", d.Check.Conclusion, d.Check.Title)
	}
	// Adding a CODEOWNERS at the root is governed too (it could shadow).
	s = snapshot(t, ChangedFile{Path: "CODEOWNERS", Status: "added", SHA: "co"})
	if d := Decide(s); d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("a new CODEOWNERS passed without approval")
	}
}

func TestErrorsFailEvenWhenApproved(t *testing.T) {
	s := snapshot(t, file("posts/bad.md", badDraft))
	d := Decide(s)
	if d.Check.Conclusion != ConclusionFailure || d.Check.Title != "Fix 1 error in posts/bad.md" {
		t.Fatalf("%s %q", d.Check.Conclusion, d.Check.Title)
	}
	// The error is on a line of the diff: a review comment there, not an
	// annotation too (the Files tab would show it twice); the check's
	// details name it.
	if len(d.Check.Annotations) != 0 {
		t.Errorf("annotations %+v", d.Check.Annotations)
	}
	if !strings.Contains(d.Check.Text, "`posts/bad.md:") {
		t.Errorf("check details:\n%s", d.Check.Text)
	}
	if len(d.Inline) != 1 || d.Inline[0].Path != "posts/bad.md" {
		t.Fatalf("inline %+v", d.Inline)
	}
	// Not on a line of the diff (a modified file, the finding elsewhere):
	// an annotation, as no review comment can go there.
	mod := file("posts/bad.md", badDraft)
	mod.Status, mod.Patch = "modified", "@@ -5,1 +5,1 @@\n-Old\n+Road closures this week: https://acme.example.org/roads"
	if d := Decide(snapshot(t, mod)); len(d.Check.Annotations) != 1 || d.Check.Annotations[0].Level != "failure" || len(d.Inline) != 0 {
		t.Errorf("annotations %+v, inline %+v", d.Check.Annotations, d.Inline)
	}
	// Already posted: not posted again.
	s.Fingerprints = map[string]bool{d.Inline[0].Fingerprint: true}
	if d := Decide(s); len(d.Inline) != 0 {
		t.Errorf("finding posted twice")
	}
}

func TestFailClosed(t *testing.T) {
	s := snapshot(t, file("posts/a.md", publicDraft))
	s.Err = errors.New("GitHub answered 502")
	d := Decide(s)
	if d.Check.Conclusion != ConclusionFailure || !strings.Contains(d.Check.Title, "will retry") {
		t.Fatalf("%s %q", d.Check.Conclusion, d.Check.Title)
	}
	s = snapshot(t, file("posts/a.md", publicDraft))
	s.Base = policy.LoadBase(policy.MapTree{".github/clearance.yml": []byte("rolez: 1\n")})
	d = Decide(s)
	if d.Check.Conclusion != ConclusionFailure || !strings.Contains(d.Check.Summary, ".github/clearance.yml:1") {
		t.Fatalf("bad config: %s %q\n%s", d.Check.Conclusion, d.Check.Title, d.Check.Summary)
	}
	s = snapshot(t, ChangedFile{Path: "posts/link.md", Status: "added", ReadErr: "posts/link.md is a symbolic link"})
	if d := Decide(s); d.Check.Conclusion == ConclusionSuccess {
		t.Fatal("an unreadable draft passed")
	}
}

func TestNoDraftsNoComment(t *testing.T) {
	s := snapshot(t, ChangedFile{Path: "README.md", Status: "modified", SHA: "x"})
	d := Decide(s)
	if d.Check.Conclusion != ConclusionSuccess || d.Comment != "" || len(d.Labels) != 0 {
		t.Fatalf("%+v", d)
	}
	s.Comment = &Comment{ID: 1, Body: SummaryMarker + "old"}
	if d := Decide(s); !strings.Contains(d.Comment, "no longer changes any drafts") {
		t.Errorf("stale comment not replaced: %q", d.Comment)
	}
}

func TestForeignCheckIsFlagged(t *testing.T) {
	s := snapshot(t, file("posts/a.md", publicDraft))
	s.CheckRuns = []CheckRun{{ID: 1, Name: "clearance", AppID: 99, HeadSHA: "head1", Status: "completed", Conclusion: "success"}}
	if d := Decide(s); !strings.Contains(d.Check.Summary, "another app also wrote a check named `clearance`") {
		t.Errorf("summary does not flag the impostor:\n%s", d.Check.Summary)
	}
}

func TestDiffLines(t *testing.T) {
	f := ChangedFile{Patch: "@@ -3,4 +3,5 @@ title\n ctx\n-old\n+new\n+new2\n ctx\n ctx\n@@ -20 +21 @@\n-x\n+y"}
	got := diffLines(f)
	for _, l := range []int{3, 4, 5, 6, 7, 21} {
		if !got[l] {
			t.Errorf("line %d not commentable", l)
		}
	}
	for _, l := range []int{1, 2, 8, 20, 22} {
		if got[l] {
			t.Errorf("line %d commentable", l)
		}
	}
}

func TestDecideIsDeterministic(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft), file("posts/a.md", publicDraft), file("posts/bad.md", badDraft))
	a, b := Decide(s), Decide(s)
	if OutputID(a.Check) != OutputID(b.Check) || a.Comment != b.Comment {
		t.Fatal("two decisions on one snapshot differ")
	}
}

func TestClip(t *testing.T) {
	s := strings.Repeat("é", 100)
	got := clip(s, 51, "…")
	if len(got) > 51 || !strings.HasSuffix(got, "…") {
		t.Fatalf("clip %q (%d bytes)", got, len(got))
	}
	for _, r := range got {
		if r == '\uFFFD' {
			t.Fatal("clip split a character")
		}
	}
}

func TestCheckNameNamesAnotherBase(t *testing.T) {
	s := snapshot(t, file("posts/a.md", publicDraft))
	s.PR.DefaultBranch = "main"
	if d := Decide(s); d.Check.Name != "clearance" {
		t.Errorf("into main: %q", d.Check.Name)
	}
	// Into another branch the name carries it, so a pull request into a
	// laxer branch with the same head commit cannot satisfy main's check.
	s.PR.BaseRef = "release-2026"
	if d := Decide(s); d.Check.Name != "clearance (release-2026)" {
		t.Errorf("into release-2026: %q", d.Check.Name)
	}
}

// TestFourEyes: an approval does not count from someone who authored or
// committed a commit of the pull request that changed the draft; a commit
// of theirs that changed another file does not matter; four_eyes: false
// counts them.
func TestFourEyes(t *testing.T) {
	f := file("posts/view.md", newDraft)
	s := snapshot(t, f)
	s.Reviews = []Review{approve("pat", "head1", 1), approve("cal", "head1", 2)}
	s.Commits = []Commit{{SHA: "c1aaaaaaaa", People: []string{"alice"}, Files: []string{"posts/view.md"}},
		{SHA: "c2bbbbbbbb", People: []string{"Pat"}, Files: []string{"posts/view.md"}}}
	d := Decide(s)
	if d.Check.Conclusion == ConclusionSuccess || d.Check.Title != "Waiting for policy approval of posts/view.md" {
		t.Fatalf("pat pushed the text and approved it: %s %q", d.Check.Conclusion, d.Check.Title)
	}
	if got := d.Drafts[0].OwnWords; got["pat"] != "c2bbbbbbbb" || len(got) != 1 {
		t.Errorf("left out: %v", got)
	}
	if !strings.Contains(d.Comment, "@pat approved, but that does not count: @pat wrote or pushed a change to this text in this pull request (commit c2bbbbb)") {
		t.Errorf("the comment does not say why pat's approval is left out:\n%s", d.Comment)
	}
	// pat's commit changed another draft only: the approval counts here.
	s.Commits[1].Files = []string{"posts/other.md"}
	if d := Decide(s); d.Check.Conclusion != ConclusionSuccess {
		t.Errorf("pat changed another file: %s %q", d.Check.Conclusion, d.Check.Title)
	}
	// Turned off.
	s.Commits[1].Files = []string{"posts/view.md"}
	off := false
	s.Base.Config.FourEyes = &off
	if d := Decide(s); d.Check.Conclusion != ConclusionSuccess {
		t.Errorf("four_eyes: false: %s %q", d.Check.Conclusion, d.Check.Title)
	}
}
