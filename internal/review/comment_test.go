package review

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

const (
	imageDraft = "---\nchannel: x\nauthor: Acme Council\n---\nRoad closures this week: https://acme.example.org/roads\n\n![A gritter lorry on the ring road](gritter.png)\n"
	replyDraft = "---\nchannel: forum\nkind: reply\nin_reply_to: https://forum.acme.example.org/t/ring-road/12\nauthor: Sam, Acme Council\n---\nThanks Dan. Road closures this week: https://acme.example.org/roads\n"
)

// oldApproved is a comment an earlier evaluation wrote, which a failure
// must not leave saying the pull request can be merged.
const oldApproved = SummaryMarker + "\n## ✅ Cleared: every post is approved; this pull request can be merged\n"

// situation builds one pull request situation.
type situation struct {
	name string
	snap func(t *testing.T) *Snapshot
	// want is the verdict both the check and the comment must tell.
	conclusion string
	// say is text the comment must hold; never, text it must not.
	say, never []string
}

func situations() []situation {
	view := func(t *testing.T) *Snapshot { return snapshot(t, file("posts/view.md", newDraft)) }
	return []situation{
		{name: "free", snap: func(t *testing.T) *Snapshot {
			return snapshot(t, file("posts/a.md", publicDraft), file("posts/b.md", pointerDraft))
		}, conclusion: ConclusionSuccess, say: []string{"every post is free to go out", "| 📰 already published |", "| 🔗 a link |", "nobody: free to post",
			"Line 5 is in \"Bridge reopens\" (published at https://acme.example.org/news/bridge)"}},
		{name: "waiting", snap: view, conclusion: ConclusionActionRequired,
			say:   []string{"waiting for policy and comms approval", "policy ⏳ @acme/policy", "clearance has asked them to review"},
			never: []string{"Ready for review"}},
		{name: "partly approved", snap: func(t *testing.T) *Snapshot {
			s := view(t)
			s.Reviews = []Review{approve("pat", "head1", 1)}
			return s
		}, conclusion: ConclusionActionRequired, say: []string{"waiting for comms approval", "policy ✅ @pat", "comms ⏳ @acme/comms"}},
		{name: "changes requested", snap: func(t *testing.T) *Snapshot {
			s := snapshot(t, file("posts/view.md", newDraft), file("posts/view2.md", strings.Replace(newDraft, "Friday", "Saturday", 1)))
			s.Reviews = []Review{approve("pat", "head1", 1), {ID: 9, User: "cal", State: "CHANGES_REQUESTED", CommitID: "head1", SubmittedAt: now, Body: "Please say which junctions are closed."}}
			return s
		}, conclusion: ConclusionActionRequired,
			say:   []string{"@cal asked for changes; do not merge", "**✋ @cal (comms) asked for changes to every post:**", "> Please say which junctions are closed.", "comms ✋ @cal asked for changes"},
			never: []string{"waiting for @acme/comms", "comms ⏳", "@cal on posts/view.md; @cal"}},
		{name: "approved", snap: func(t *testing.T) *Snapshot {
			s := view(t)
			s.Reviews = []Review{approve("pat", "head1", 1), approve("cal", "head1", 2)}
			return s
		}, conclusion: ConclusionSuccess, say: []string{"every post is approved", "policy ✅ @pat", "comms ✅ @cal"}},
		{name: "stale", snap: func(t *testing.T) *Snapshot {
			s := view(t)
			s.Reviews = []Review{
				{ID: 1, User: "pat", State: "APPROVED", CommitID: "old", SubmittedAt: now, FileSHAs: map[string]string{"posts/view.md": "older"}},
				{ID: 2, User: "cal", State: "APPROVED", CommitID: "old", SubmittedAt: now, FileSHAs: map[string]string{"posts/view.md": "older"}},
			}
			s.Earlier = map[string][]byte{"older": []byte(strings.Replace(newDraft, "on Friday", "on Thursday", 1))}
			return s
		}, conclusion: ConclusionActionRequired, say: []string{"waiting for policy and comms approval", "@pat approved an earlier version",
			"**What changed since @cal and @pat approved** (~~removed~~ **added**)\n\n> We think drivers should avoid the ring road on ~~Thursday.~~ **Friday.**"}},
		{name: "errors", snap: func(t *testing.T) *Snapshot { return snapshot(t, file("posts/bad.md", badDraft)) },
			conclusion: ConclusionFailure, say: []string{"❌ Not cleared: fix 1 error first; do not merge", "**To fix before it can go out**", "#L"}},
		{name: "config error", snap: func(t *testing.T) *Snapshot {
			s := snapshot(t, file("posts/view.md", newDraft))
			s.Base.Config = nil
			s.Comment = &Comment{ID: 1, Body: oldApproved}
			return s
		}, conclusion: ConclusionFailure,
			say: []string{"❌ Not cleared: could not check (clearance's settings have a mistake); do not merge",
				"clearance's settings on the `main` branch have a mistake, so no draft can be checked"},
			never: []string{"can be merged", "clearance.yml"}},
		{name: "could not evaluate", snap: func(t *testing.T) *Snapshot {
			s := snapshot(t, file("posts/view.md", newDraft))
			s.Comment = &Comment{ID: 1, Body: oldApproved}
			resp := &http.Response{StatusCode: 502, Request: &http.Request{Method: "GET", URL: mustURL("https://api.github.com/repos/acme/content/pulls/7/reviews")}}
			s.Err = fmt.Errorf("listing reviews: %w", &github.ErrorResponse{Response: resp, Message: "Bad Gateway"})
			return s
		}, conclusion: ConclusionFailure,
			say:   []string{"❌ Not cleared: could not check (GitHub could not be read); do not merge"},
			never: []string{"can be merged", "502", "api.github.com", "Bad Gateway"}},
		{name: "draft pull request", snap: func(t *testing.T) *Snapshot {
			s := view(t)
			s.PR.Draft = true
			return s
		}, conclusion: ConclusionActionRequired,
			say:   []string{"this is a draft pull request, so nobody has been asked yet: clearance asks them when it is marked Ready for review"},
			never: []string{"clearance has asked them"}},
		{name: "image post", snap: func(t *testing.T) *Snapshot { return snapshot(t, file("posts/img/roads.md", imageDraft)) },
			conclusion: ConclusionActionRequired,
			say: []string{`<img src="https://github.example/acme/content/blob/head1/posts/img/gritter.png?raw=true" alt="A gritter lorry on the ring road"`,
				"described as “A gritter lorry on the ring road”", "Attached image `posts/img/gritter.png`"}},
		{name: "reply", snap: func(t *testing.T) *Snapshot { return snapshot(t, file("replies/dan.md", replyDraft)) },
			conclusion: ConclusionSuccess, say: []string{"↩️ Replying to https://forum.acme.example.org/t/ring-road/12", "| Forum |"}},
	}
}

// TestCommentAndCheckAgree: in every situation the comment tells the same
// verdict as the check, in words a comms officer acts on.
func TestCommentAndCheckAgree(t *testing.T) {
	for _, sit := range situations() {
		t.Run(sit.name, func(t *testing.T) {
			s := sit.snap(t)
			d := Decide(s)
			if d.Check.Conclusion != sit.conclusion {
				t.Fatalf("check %s %q, want %s", d.Check.Conclusion, d.Check.Title, sit.conclusion)
			}
			if d.Comment == "" {
				t.Fatal("no comment")
			}
			head := strings.SplitN(d.Comment, "\n", 3)[1]
			if d.Check.Conclusion == ConclusionSuccess {
				if !strings.HasPrefix(head, "## ✅ Cleared:") || !strings.Contains(head, "can be merged") {
					t.Errorf("check passes but the comment's heading is %q", head)
				}
			} else {
				if !strings.Contains(head, "Not cleared") || !strings.Contains(head, "do not merge") {
					t.Errorf("check %s but the comment's heading is %q", d.Check.Conclusion, head)
				}
				if strings.Contains(d.Comment, "can be merged") {
					t.Errorf("check %s but the comment says it can be merged:\n%s", d.Check.Conclusion, d.Comment)
				}
			}
			// A failure is either errors to fix in the drafts, or clearance
			// could not check at all; the comment says which.
			if d.Check.Conclusion == ConclusionFailure && strings.HasPrefix(d.Check.Title, "Fix ") == strings.Contains(head, "could not check") {
				t.Errorf("check %q, comment heading %q", d.Check.Title, head)
			}
			for _, w := range sit.say {
				if !strings.Contains(d.Comment, w) {
					t.Errorf("comment lacks %q:\n%s", w, d.Comment)
				}
			}
			for _, w := range sit.never {
				if strings.Contains(d.Comment, w) {
					t.Errorf("comment has %q:\n%s", w, d.Comment)
				}
			}
			if len(d.Comment) > maxComment {
				t.Errorf("comment is %d bytes", len(d.Comment))
			}
		})
	}
}

// TestFailureWithoutCommentCreatesNone: when the comments could not be
// read, no comment is written (it could be a second one).
func TestFailureWithoutCommentCreatesNone(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	s.Err = errors.New("finding clearance's comment: 500")
	s.CommentUnread = true
	if d := Decide(s); d.Comment != "" {
		t.Errorf("comment written although the comments could not be read:\n%s", d.Comment)
	}
	// Known to have no comment, and changing drafts: one is created.
	s.CommentUnread = false
	if d := Decide(s); !strings.Contains(d.Comment, "could not check") {
		t.Errorf("comment %q", d.Comment)
	}
	// No drafts among the files: the check says it, no comment is made.
	s.Files = []ChangedFile{{Path: "README.md", Status: "modified", SHA: "x"}}
	if d := Decide(s); d.Comment != "" {
		t.Errorf("comment on a pull request without drafts:\n%s", d.Comment)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestCommentFitsAnySize: however many drafts, the comment and the check
// stay within GitHub's limits, summarise what does not fit, and keep the
// record of who was asked.
func TestCommentFitsAnySize(t *testing.T) {
	for _, n := range []int{300, 3000} {
		var files []ChangedFile
		for i := range n {
			body := fmt.Sprintf("---\nchannel: x\nauthor: Acme Council\n---\nWe think drivers in ward %d should avoid the ring road on Friday.\n", i)
			if i%2 == 0 {
				body = pointerDraft
			}
			files = append(files, file(fmt.Sprintf("posts/bulk/%04d-%s.md", i, strings.Repeat("long-name-", 8)), body))
		}
		s := snapshot(t, files...)
		s.PR.ChangedFiles = n
		d := Decide(s)
		if len(d.Comment) > commentBudget+2000 || len(d.Comment) > maxComment {
			t.Errorf("%d drafts: comment is %d bytes", n, len(d.Comment))
		}
		if len(d.Check.Summary) > maxSummary || len(d.Check.Text) > maxSummary {
			t.Errorf("%d drafts: check summary %d, text %d bytes", n, len(d.Check.Summary), len(d.Check.Text))
		}
		for _, w := range []string{"more posts, ", "waiting for someone", "not shown in detail", "<!-- clearance:asked "} {
			if !strings.Contains(d.Comment, w) {
				t.Errorf("%d drafts: comment lacks %q", n, w)
			}
		}
		if strings.Count(d.Comment, "<details") != strings.Count(d.Comment, "</details>") {
			t.Errorf("%d drafts: a <details> is cut", n)
		}
	}
}

// TestFailureKeepsWhoWasAsked: a comment replaced because clearance could
// not check keeps the record of who was asked, so they are not asked again
// once it can.
func TestFailureKeepsWhoWasAsked(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	first := Decide(s)
	if len(first.RequestTeams) == 0 {
		t.Fatal("nobody asked")
	}
	s.Comment = &Comment{ID: 1, Body: first.Comment}
	s.Err = errors.New("listing reviews: 502")
	failed := Decide(s)
	s.Err = nil
	s.Comment.Body = failed.Comment
	if again := Decide(s); len(again.RequestTeams)+len(again.RequestUsers) != 0 {
		t.Errorf("asked again after a failure: %v %v", again.RequestUsers, again.RequestTeams)
	}
}

func TestWordDiff(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"Funding of £45 million for the bridge.", "Funding of £54 million for the bridge.", "Funding of ~~£45~~ **£54** million for the bridge."},
		{"Open 9am to 5pm.", "Open 9am to 5pm, and on Sundays.", "Open 9am to ~~5pm.~~ **5pm, and on Sundays.**"},
		{"Say *hi* to @bob", "Say *hello* to @bob", "Say ~~\\*hi\\*~~ **\\*hello\\*** to @\u2060bob"},
		{"One line.\nTwo line.", "One line.\nTwo lines.", "One line.\nTwo ~~line.~~ **lines.**"},
	} {
		got, ok := wordDiff(tc.old, tc.new)
		if !ok || got != tc.want {
			t.Errorf("wordDiff(%q, %q) = %q, %v; want %q", tc.old, tc.new, got, ok, tc.want)
		}
	}
	if _, ok := wordDiff("same", "same"); ok {
		t.Error("a diff of equal texts")
	}
}

// TestOverLengthShowsTheCut: a post too long for its channel is shown
// with where the channel would cut it.
func TestOverLengthShowsTheCut(t *testing.T) {
	long := "---\nchannel: x\nauthor: Acme Council\n---\n" + strings.Repeat("Road closures this week on the ring road. ", 8) + "Last words here.\n"
	d := Decide(snapshot(t, file("posts/long.md", long)))
	if !strings.Contains(d.Comment, " ✂️ ~~") || !strings.Contains(d.Comment, "Last words here.~~") {
		t.Fatalf("no cut shown:\n%s", d.Comment)
	}
	// What comes before the cut fits the channel.
	q := d.Comment[strings.Index(d.Comment, "> Road"):]
	before := strings.TrimPrefix(q[:strings.Index(q, " ✂️ ")], "> ")
	if n := len([]rune(before)); n > 280 || n < 240 {
		t.Errorf("the cut falls after %d characters: %q", n, before)
	}
	if !strings.Contains(d.Comment, "❌ 352 of 280 characters, 72 too many") {
		t.Errorf("length not shown:\n%s", d.Comment)
	}
}

// TestReviewerNoteCannotSpeakForTheBot: a note that holds the bot's hidden
// markers or mentions is quoted without them working.
func TestReviewerNoteCannotSpeakForTheBot(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	first := Decide(s)
	forged := fmt.Sprintf("Fix it @pat <!-- clearance:asked %s pat,team:comms,team:policy -->", first.AskedVersion)
	s.Reviews = []Review{{ID: 3, User: "cal", State: "CHANGES_REQUESTED", CommitID: "head1", SubmittedAt: now, Body: forged}}
	d := Decide(s)
	if strings.Contains(d.Comment, "<!-- clearance:asked "+first.AskedVersion+" pat") || strings.Contains(d.Comment, "@pat") {
		t.Fatalf("the note's marker or mention works:\n%s", d.Comment)
	}
	// The bot's own record is the one read back.
	s.Comment = &Comment{ID: 1, Body: d.Comment}
	if got := parseAsked(s.Comment, d.AskedVersion); got["pat"] {
		t.Errorf("asked %v", got)
	}
}

// TestTableCellsKeepTheirColumns: a | in a post or an author does not
// start a new column, as GitHub renders the table.
func TestTableCellsKeepTheirColumns(t *testing.T) {
	draft := "---\nchannel: x\nauthor: Roads | Acme Council\n---\nRoad closures | this week: https://acme.example.org/roads\n"
	d := Decide(snapshot(t, file("posts/pipe.md", draft)))
	html := renderGFM(t, d.Comment)
	i := strings.Index(html, "<tbody>")
	if i < 0 {
		t.Fatalf("no table:\n%s", html)
	}
	row := html[i : strings.Index(html[i:], "</tr>")+i]
	if n := strings.Count(row, "<td"); n != 7 {
		t.Errorf("row has %d cells, want 7: %s", n, row)
	}
	if !strings.Contains(row, "Roads | Acme Council") || !strings.Contains(row, "Road closures | this week") {
		t.Errorf("row lost the bars: %s", row)
	}
}

// renderGFM renders Markdown as GitHub does (its extensions, raw HTML
// kept).
func renderGFM(t *testing.T, md string) string {
	t.Helper()
	var b strings.Builder
	g := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := g.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRenderedComment asserts what a reader sees once GitHub renders the
// comment: one row per post, the sentence that needs review in bold in the
// post, open sections for posts someone must act on and closed ones for
// free posts, links to the lines of findings, and no rule names.
func TestRenderedComment(t *testing.T) {
	d := Decide(snapshot(t, file("posts/a.md", publicDraft), file("posts/bad.md", badDraft), file("posts/view.md", newDraft)))
	html := renderGFM(t, d.Comment)
	body := html[strings.Index(html, "<tbody>"):strings.Index(html, "</tbody>")]
	if n := strings.Count(body, "<tr>"); n != 3 {
		t.Errorf("%d rows, want 3", n)
	}
	// Posts that need someone first: the one with an error, the one
	// waiting for approval, then the free one.
	for i, w := range []string{"<td>1</td>\n<td>Road closures", "<td>2</td>\n<td>We think drivers", "<td>3</td>\n<td>The Old Bridge"} {
		if !strings.Contains(body, w) {
			t.Errorf("row %d is not %q:\n%s", i+1, w, body)
		}
	}
	for _, w := range []string{
		"<blockquote>\n<p><strong>We think drivers should avoid the ring road on Friday.</strong></p>\n</blockquote>",
		`<a href="https://github.example/acme/content/blob/head1/posts/bad.md#L`,
		"States a view and gives guidance or advice: “We think drivers should avoid the ring road on Friday.”",
	} {
		if !strings.Contains(html, w) {
			t.Errorf("rendered comment lacks %q:\n%s", w, html)
		}
	}
	if open, closed := strings.Count(html, "<details open>"), strings.Count(html, "<details>"); open != 2 || closed != 1 {
		t.Errorf("%d open and %d closed sections, want 2 and 1", open, closed)
	}
	if strings.Count(d.Comment, "must be checked by policy and communications officials") != 1 {
		t.Error("the policy sentence is not said exactly once")
	}
	for _, dr := range d.Drafts {
		for _, f := range dr.Result.Findings {
			if strings.Contains(d.Comment, "("+f.Rule+")") || strings.Contains(d.Comment, "`"+f.Rule+"`") {
				t.Errorf("the comment names the rule %q", f.Rule)
			}
		}
	}
}

// TestTooManyFilesSaysSo: past GitHub's 3,000 listed files the check
// fails closed, and the comment says why and what to do.
func TestTooManyFilesSaysSo(t *testing.T) {
	s := snapshot(t, file("posts/view.md", newDraft))
	s.PR.ChangedFiles = 3001
	d := Decide(s)
	if d.Check.Conclusion != ConclusionFailure {
		t.Fatalf("check %s", d.Check.Conclusion)
	}
	for _, w := range []string{"## ❌ Not cleared: could not check (too many files); do not merge", "it changes 3001 files, and GitHub shows clearance only 1 of them", "split it into smaller pull requests"} {
		if !strings.Contains(d.Comment, w) {
			t.Errorf("comment lacks %q:\n%s", w, d.Comment)
		}
	}
}
