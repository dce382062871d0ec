package policy_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

func TestParseDraftFrontMatter(t *testing.T) {
	src := "\ufeff---\r\n" +
		"channel: Mastodon\r\n" +
		"kind: reply\r\n" +
		"in_reply_to: https://forum.example.gov.uk/t/1\r\n" +
		"author: Press Office\r\n" +
		"sources:\r\n" +
		"  - published/a.md\r\n" +
		"  - https://www.example.gov.uk/b\r\n" +
		"scenario: Pointer\r\n" +
		"publish_at: 2026-12-01T09:00:00+01:00\r\n" +
		"title: A title\r\n" +
		"tags: [a, b]\r\n" +
		"notes: for reviewers\r\n" +
		"---\r\n" +
		"Hello.\r\n"
	d := policy.ParseDraft("posts/a.md", []byte(src))
	if len(d.Findings) != 0 {
		t.Fatalf("findings: %v", d.Findings)
	}
	want := policy.Draft{
		Channel:   "mastodon",
		Kind:      "reply",
		InReplyTo: "https://forum.example.gov.uk/t/1",
		Author:    "Press Office",
		Sources:   []string{"published/a.md", "https://www.example.gov.uk/b"},
		Claim:     policy.Pointer,
		PublishAt: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		BodyLine:  15,
		Plain:     "Hello.",
	}
	if d.Channel != want.Channel || d.Kind != want.Kind || d.InReplyTo != want.InReplyTo || d.Author != want.Author ||
		!slices.Equal(d.Sources, want.Sources) || d.Claim != want.Claim || !d.PublishAt.Equal(want.PublishAt) ||
		d.BodyLine != want.BodyLine || d.Plain != want.Plain {
		t.Errorf("got  %+v\nwant %+v", *d, want)
	}
	for field, line := range map[string]int{"channel": 2, "kind": 3, "author": 5, "sources": 6, "publish_at": 10, "notes": 13} {
		if got := d.FieldLine(field); got != line || !d.HasField(field) {
			t.Errorf("FieldLine(%s) = %d, want %d", field, got, line)
		}
	}
	if d.HasField("nope") || d.FieldLine("nope") != 1 {
		t.Errorf("absent field: %v %d", d.HasField("nope"), d.FieldLine("nope"))
	}
}

func TestParseDraftTimes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-12-01T09:00:00Z", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		{"2026-12-01", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-12-01T09:00:00", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		{"2026-12-01 09:00:00+02:00", time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)},
		{"'2026-12-01T09:00:00Z'", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
	} {
		d := policy.ParseDraft("posts/a.md", []byte(draftSrc("publish_at: "+c.in+"\n", "x\n")))
		if len(d.Findings) != 0 || !d.PublishAt.Equal(c.want) {
			t.Errorf("%s: %v %v", c.in, d.PublishAt, d.Findings)
		}
	}
}

func TestParseDraftKind(t *testing.T) {
	for _, c := range []struct {
		path, fields, want string
	}{
		{"posts/a.md", "", "post"},
		{"replies/a.md", "", "reply"},
		{"replies/forum/a.md", "", "reply"},
		{"posts/replies-to-bob.md", "", "post"},
		{"posts/a.md", "in_reply_to: https://x.example/1\n", "reply"},
		{"replies/a.md", "kind: post\n", "post"},
		{"posts/a.md", "kind: REPLY\n", "reply"},
	} {
		d := policy.ParseDraft(c.path, []byte(draftSrc(c.fields, "x\n")))
		if d.Kind != c.want {
			t.Errorf("%s %q: kind %q, want %q", c.path, c.fields, d.Kind, c.want)
		}
	}
}

// TestParseDraftBody checks the posted text, its words with their lines,
// links, sentences and quotations.
func TestParseDraftBody(t *testing.T) {
	body := `# Flood update

The **new** defences are _finished_. Read [the full
release](https://www.example.gov.uk/flood) or see https://www.example.gov.uk/map now!

<!-- note to self: check the map -->
![a photo of the wall](https://www.example.gov.uk/wall.jpg)

> Cllr Shah said: “A day for Quayside.”

- one
- two

    code here
`
	d := policy.ParseDraft("posts/a.md", []byte(draftSrc("author: A\n", body)))
	if len(d.Findings) != 0 {
		t.Fatalf("findings: %v", d.Findings)
	}
	if d.BodyLine != 4 {
		t.Errorf("BodyLine = %d", d.BodyLine)
	}
	wantPlain := "Flood update\n\nThe new defences are finished. Read the full\nrelease https://www.example.gov.uk/flood or see https://www.example.gov.uk/map now!\n\nCllr Shah said: “A day for Quayside.”\n\none\n\ntwo\n\ncode here"
	if d.Plain != wantPlain {
		t.Errorf("Plain =\n%q\nwant\n%q", d.Plain, wantPlain)
	}
	type w struct {
		word string
		line int
		link bool
	}
	var got []w
	for _, x := range d.Words {
		got = append(got, w{x.Word, x.Line, x.LinkText})
	}
	want := []w{
		{"flood", 4, false}, {"update", 4, false},
		{"the", 6, false}, {"new", 6, false}, {"defences", 6, false}, {"are", 6, false}, {"finished", 6, false},
		{"read", 6, false}, {"the", 6, true}, {"full", 6, true}, {"release", 7, true},
		{"or", 7, false}, {"see", 7, false}, {"now", 7, false},
		{"cllr", 12, false}, {"shah", 12, false}, {"said", 12, false}, {"a", 12, false}, {"day", 12, false}, {"for", 12, false}, {"quayside", 12, false},
		{"one", 14, false}, {"two", 15, false},
		{"code", 17, false}, {"here", 17, false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("words =\n%v\nwant\n%v", got, want)
	}
	var links []policy.Link
	links = append(links, d.Links...)
	wantLinks := []policy.Link{
		{URL: "https://www.example.gov.uk/flood", Line: 6},
		{URL: "https://www.example.gov.uk/map", Line: 7},
		{URL: "https://www.example.gov.uk/wall.jpg", Line: 10, Image: true},
	}
	if !slices.Equal(links, wantLinks) {
		t.Errorf("links = %v, want %v", links, wantLinks)
	}
	var sentences []string
	for _, s := range d.Sentences {
		sentences = append(sentences, s.Text)
		if s.Start >= s.End || s.End > len(d.Words) || d.Words[s.Start].Line != s.Line {
			t.Errorf("sentence %+v", s)
		}
	}
	wantSentences := []string{
		"Flood update",
		"The new defences are finished.",
		// A line break ends a sentence: it shows in the post.
		"Read the full",
		"release https://www.example.gov.uk/flood or see https://www.example.gov.uk/map now!",
		"Cllr Shah said: “A day for Quayside.”",
		"one", "two", "code here",
	}
	if !slices.Equal(sentences, wantSentences) {
		t.Errorf("sentences =\n%q\nwant\n%q", sentences, wantSentences)
	}
	if want := [][2]int{{17, 21}}; !slices.Equal(d.Quotes, want) {
		t.Errorf("quotes = %v, want %v", d.Quotes, want)
	}
}

func TestParseDraftQuotes(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{`He said "bus times change" today.`, []string{"bus times change"}},
		{`«Les bus» and „die Busse“ and “buses”.`, []string{"les bus", "die busse", "buses"}},
		{"An “open quote\n\nin another paragraph” is no quote.", nil},
		{`Don't split on apostrophes, it's fine.`, nil},
		{`"" and "one"`, []string{"one"}},
	} {
		d := policy.ParseDraft("posts/a.md", []byte(draftSrc("author: A\n", c.body+"\n")))
		var got []string
		for _, q := range d.Quotes {
			var ws []string
			for _, w := range d.Words[q[0]:q[1]] {
				ws = append(ws, w.Word)
			}
			got = append(got, strings.Join(ws, " "))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: quotes %q, want %q", c.body, got, c.want)
		}
	}
}

// TestParseDraftNeverFails: whatever the bytes, a draft comes back with its
// path, and findings point at lines of the file.
func TestParseDraftNeverFails(t *testing.T) {
	for _, src := range []string{
		"",
		"---",
		"---\n",
		"---\n---",
		"---\n---\n",
		"---\n...\nbody",
		"\ufeff",
		"---\nchannel: [\n---\n",
		"---\n: :\n---\n",
		"---\n" + strings.Repeat("- ", 100) + "\n---\n",
		"---\n" + strings.Repeat("[", 1000) + "\n---\n",
		"---\na: &a [x]\nb: [*a, *a, *a, *a]\n---\n",
		"---\nchannel: x\r\n---\r\nbody\r\n",
		"\x00",
		"\xff\xfe",
	} {
		d := policy.ParseDraft("posts/a.md", []byte(src))
		if d.Path != "posts/a.md" {
			t.Errorf("%q: path %q", src, d.Path)
		}
		lines := strings.Count(src, "\n") + 1
		for _, f := range d.Findings {
			if f.Line < 0 || f.Line > lines {
				t.Errorf("%q: finding at line %d of %d: %v", src, f.Line, lines, f)
			}
		}
	}
}

func TestParseDraftFrontMatterLimits(t *testing.T) {
	big := draftSrc("notes: "+strings.Repeat("x", 70<<10)+"\n", "body\n")
	d := policy.ParseDraft("posts/a.md", []byte(big))
	if f := findRule(d.Findings, policy.RuleFrontMatter); f == nil || f.Line != 2 {
		t.Errorf("large front matter: %v", d.Findings)
	}
	deep := draftSrc("a: "+strings.Repeat("[", 100)+strings.Repeat("]", 100)+"\n", "body\n")
	d = policy.ParseDraft("posts/a.md", []byte(deep))
	if f := findRule(d.Findings, policy.RuleFrontMatter); f == nil || !strings.Contains(f.Message, "nested more than 64 levels") {
		t.Errorf("deep front matter: %v", d.Findings)
	}
	var refs []string
	for range 200 {
		refs = append(refs, "*a")
	}
	bomb := draftSrc("a: &a [x, y]\nb: ["+strings.Join(refs, ", ")+"]\n", "body\n")
	d = policy.ParseDraft("posts/a.md", []byte(bomb))
	if f := findRule(d.Findings, policy.RuleFrontMatter); f == nil || !strings.Contains(f.Message, "too many YAML aliases") {
		t.Errorf("alias bomb: %v", d.Findings)
	}
}
