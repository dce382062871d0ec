package review

import (
	"strings"
	"testing"
)

// TestEvidenceOfFreePosts: a post free because it is published shows each
// sentence beside the release that has it (title linked to its page, and
// the date), and names the words no release has.
func TestEvidenceOfFreePosts(t *testing.T) {
	greeted := strings.Replace(publicDraft, "The Old Bridge will reopen", "Hi Sam, the Old Bridge will reopen", 1)
	s := snapshot(t, file("posts/public.md", publicDraft), file("posts/greeted.md", greeted))
	d := Decide(s)
	html := renderGFM(t, d.Comment)
	for _, want := range []string{
		"<strong>The evidence</strong>",
		`<td>The Old Bridge will reopen to traffic on Monday 7 December after six months of repairs to its deck and railings.</td>`,
		`<a href="https://acme.example.org/news/bridge">“Bridge reopens”</a>, 1 October 2026`,
		"not in any release: &quot;Hi Sam&quot;",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the rendered comment lacks %q:\n%s", want, html)
		}
	}
	// A post that needs review shows no evidence table.
	s = snapshot(t, file("posts/view.md", newDraft))
	if html := renderGFM(t, Decide(s).Comment); strings.Contains(html, "The evidence") {
		t.Errorf("a new-content post shows evidence:\n%s", html)
	}
}

// TestChangedFactDiff: a changed fact shows in the comment as a word
// diff, the published words struck through and the post's in bold.
func TestChangedFactDiff(t *testing.T) {
	changed := strings.Replace(publicDraft, "Monday 7 December", "Monday 14 December", 1)
	d := Decide(snapshot(t, file("posts/changed.md", changed)))
	html := renderGFM(t, d.Comment)
	if !strings.Contains(html, "<del>7 December</del> <strong>14 December</strong>") && !strings.Contains(html, "<del>7</del> <strong>14</strong>") {
		t.Errorf("no word diff of the changed date in the rendered comment:\n%s", html)
	}
}
