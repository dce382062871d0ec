package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/fstree"
	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/review"
)

// TestSeveritiesAgree: check, validate and the App give every problem
// they share the same severity. The repo has one of each kind of problem
// the three can report: a draft error, a draft warning, a new-content
// draft nobody can approve, a CODEOWNERS line GitHub skips and a register
// document that does not count as published. A new kind of problem, or a
// severity changed in one place only, makes this test fail.
func TestSeveritiesAgree(t *testing.T) {
	files := map[string]string{
		".github/clearance.yml": "drafts: [posts/**/*.md, replies/**/*.md]\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/comms\"]\ninternal_domains: [intranet.example.gov.uk]\n",
		".github/CODEOWNERS":    "/posts/ @acme/policy @acme/comms\n/replies/ @acme/comms\n/statements/ not-an-owner!\n",
		// An internal link (error) and no channel (warning).
		"posts/a.md": "---\nauthor: Press Office\n---\nOur guidance: https://intranet.example.gov.uk/guide\n",
		// New-content, and no policy owner: no-approver.
		"replies/b.md": "---\nchannel: forum\nkind: reply\nin_reply_to: https://forum.example.org/t/1\nauthor: Press Office\n---\nWe think this is the best plan for the town.\n",
		// A register document that does not count as published.
		"published/typo.md": "---\ntitle: T\npublished_at: someday\n---\nText.\n",
	}
	dir := writeValidateRepo(t, files)

	// check, as JSON.
	var rep checkReport
	_, out, _ := runApp(t, "check", "--repo", dir, "--format", "json", fixedNow)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, out)
	}
	// validate, as JSON.
	var vrep validateReport
	_, vout, _ := validateIn(t, nil, "--repo", dir, "--format", "json")
	if err := json.Unmarshal([]byte(vout), &vrep); err != nil {
		t.Fatalf("validate --format json: %v\n%s", err, vout)
	}
	validateSev := func(path string, line int, contains string) string {
		for _, p := range vrep.Problems {
			if p.Path == path && (line < 0 || p.Line == line) && strings.Contains(p.Message, contains) {
				return p.Severity
			}
		}
		return ""
	}
	// The App, on a pull request that adds the drafts, on this base.
	tree, err := fstree.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := time.Parse(time.RFC3339, strings.TrimPrefix(fixedNow, "--now="))
	snap := &review.Snapshot{
		PR:   review.PullRequest{Number: 1, Author: "writer", State: "open", HeadSHA: "head", BaseRef: "main", DefaultBranch: "main"},
		Base: policy.LoadBase(tree),
		Now:  now,
	}
	for _, p := range []string{"posts/a.md", "replies/b.md"} {
		snap.Files = append(snap.Files, review.ChangedFile{Path: p, Status: "added", SHA: "sha-" + p, Content: []byte(files[p])})
	}
	d := review.Decide(snap)
	appLevel := map[string]string{} // path rule -> error or warning
	for _, a := range d.Check.Annotations {
		lvl := "warning"
		if a.Level == "failure" {
			lvl = "error"
		}
		appLevel[a.Path+" "+a.Title] = lvl
	}

	seen := map[string]bool{}
	for _, f := range rep.Files {
		for _, fd := range f.Findings {
			seen[fd.Rule] = true
			key := fd.Path + " " + fd.Rule
			if got := appLevel[key]; got != string(fd.Severity) {
				t.Errorf("%s: check says %s, the App %q", key, fd.Severity, got)
			}
			if fd.Rule == policy.RuleNoApprover {
				if got := validateSev(f.Path, -1, "no code owner"); got != string(fd.Severity) {
					t.Errorf("%s: check says %s, validate %q", key, fd.Severity, got)
				}
			}
		}
	}
	for _, fd := range rep.Problems {
		seen[fd.Rule] = true
		msg := fd.Message
		if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
			msg = msg[i+2:]
		}
		if got := validateSev(fd.Path, fd.Line, firstWords(msg)); got != string(fd.Severity) {
			t.Errorf("%s:%d [%s]: check says %s, validate %q", fd.Path, fd.Line, fd.Rule, fd.Severity, got)
		}
		// The App lists problems on the base branch; an error keeps
		// its check red, a warning does not.
		sev := "Warning"
		if fd.Severity == policy.Error {
			sev = "Error"
		}
		if !strings.Contains(d.Check.Summary, fmt.Sprintf("- %s: `%s` line %d:", sev, fd.Path, max(fd.Line, 1))) {
			t.Errorf("%s:%d [%s]: the App does not list it as a %s:\n%s", fd.Path, fd.Line, fd.Rule, fd.Severity, d.Check.Summary)
		}
	}
	for _, rule := range []string{policy.RuleInternalLink, policy.RuleChannel, policy.RuleNoApprover, policy.RuleCodeowners, policy.RuleRegister} {
		if !seen[rule] {
			t.Errorf("the repo does not show a %s problem; the test no longer covers it", rule)
		}
	}
	if d.Check.Conclusion != review.ConclusionFailure {
		t.Errorf("App conclusion %s, want failure", d.Check.Conclusion)
	}
}

// TestAppBaseErrorsBlock: an error on the base branch (a register document
// that does not count as published) keeps the App's check red, as it makes
// check exit 1, unless the pull request changes that file.
func TestAppBaseErrorsBlock(t *testing.T) {
	files := goodRepo()
	files["published/typo.md"] = "---\ntitle: T\npublished_at: someday\n---\nText.\n"
	files["posts/a.md"] = "---\nchannel: x\nauthor: Press Office\n---\nRead the report: https://example.org/report\n"
	dir := writeValidateRepo(t, files)
	tree, err := fstree.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runApp(t, "check", "--repo", dir, fixedNow); code != 1 {
		t.Fatalf("check: exit %d, want 1\n%s", code, out)
	}
	decide := func(changed ...string) *review.Decision {
		s := &review.Snapshot{
			PR:   review.PullRequest{Number: 1, Author: "writer", State: "open", HeadSHA: "head", BaseRef: "main", DefaultBranch: "main"},
			Base: policy.LoadBase(tree),
			Now:  time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		}
		for _, p := range changed {
			s.Files = append(s.Files, review.ChangedFile{Path: p, Status: "modified", SHA: "sha-" + p, Content: []byte(files[p])})
		}
		return review.Decide(s)
	}
	if d := decide("posts/a.md"); d.Check.Conclusion != review.ConclusionFailure || !strings.Contains(d.Check.Summary, "published/typo.md") || !strings.Contains(d.Check.Summary, "fix the 1 error on the base branch") {
		t.Errorf("a pointer beside a broken register document: %s %q\n%s", d.Check.Conclusion, d.Check.Title, d.Check.Summary)
	}
	if d := decide("published/typo.md"); d.Check.Conclusion == review.ConclusionFailure {
		t.Errorf("the pull request that fixes the register document fails: %q\n%s", d.Check.Title, d.Check.Summary)
	}
}

// firstWords is the start of a message, to find it in another tool's
// output.
func firstWords(s string) string {
	if len(s) > 30 {
		return s[:30]
	}
	return s
}
