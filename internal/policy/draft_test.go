package policy_test

import (
	"fmt"
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
		// (A time without a zone gets a warning: TestPublishAtWithoutZone.)
		if len(d.Findings) != 0 && c.in != "2026-12-01T09:00:00" || !d.PublishAt.Equal(c.want) {
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
		// The image's description is public too: read after the text.
		{"a", 10, false}, {"photo", 10, false}, {"of", 10, false}, {"the", 10, false}, {"wall", 10, false},
		// A comment is not posted, but it is read too, last.
		{"note", 9, false}, {"to", 9, false}, {"self", 9, false}, {"check", 9, false}, {"the", 9, false}, {"map", 9, false},
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
		"a photo of the wall",
		"note to self: check the map",
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

// Anything a reader would see is something to post: emoji, symbols, CJK.
// Only blank lines, invisible characters and comments are nothing.
func TestEmptyBodyIsWhatShowsNothing(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for body, empty := range map[string]bool{
		"🎉\n":                           false,
		strings.Repeat("😀", 140) + "\n": false,
		"👩‍👩‍👧‍👦\n":                     false,
		"🇬🇧🇫🇷\n":                        false,
		"→ ★ ✓\n":                       false,
		"你好\n":                          false,
		"\u200b\u2060\ufe0f\n":          true,
		"\u00a0 \u3000\n\u2800\n":       true,
		"<!-- later -->\n":              true,
		"\n\n":                          true,
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc("channel: x\nauthor: A\n", body)))
		if got := hasRule(r, policy.RuleEmptyBody); got != empty {
			t.Errorf("%q: empty-body %v, want %v: %v", body, got, empty, r.Findings)
		}
	}
}

// The empty-body error points at a line of the file: the closing ---.
func TestEmptyBodyLine(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, src := range []string{
		"---\nchannel: x\nauthor: A\n---\n",
		"---\nchannel: x\nauthor: A\n---",
		"---\nchannel: x\nauthor: A\n---\n\n<!-- nothing yet -->\n\n",
	} {
		r := e.Evaluate("posts/a.md", []byte(src))
		f := findRule(r.Findings, policy.RuleEmptyBody)
		if f == nil || f.Line != 4 {
			t.Errorf("%q: %v, want empty-body at line 4", src, r.Findings)
		}
	}
}

// Image descriptions are public on X, Bluesky and Mastodon: a view in one
// counts. They count as the post's own words, not toward its length.
func TestAltTextIsRead(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	src := draftSrc("channel: x\nauthor: A\n", "![We think this is the best plan ever](https://www.example.gov.uk/p.png) Our plan: https://www.example.gov.uk/plan\n")
	r := e.Evaluate("posts/a.md", []byte(src))
	if r.Scenario != policy.NewContent {
		t.Errorf("a view in alt text: %s %v", r.Scenario, r.Reasons)
	}
	d := policy.ParseDraft("posts/a.md", []byte(src))
	if strings.Contains(d.Plain, "think") || len(d.Parts) != 1 || strings.Contains(d.Parts[0].Text, "think") {
		t.Errorf("alt text is in the posted text: %q", d.Plain)
	}
	if !slices.Contains(draftWords(d), "think") {
		t.Errorf("alt words not read: %v", draftWords(d))
	}
	for _, w := range d.Words {
		if w.Line != 5 {
			t.Errorf("word %+v not on line 5", w)
		}
	}
	// A neutral description is own words of a pointer too.
	src = draftSrc("channel: x\nauthor: A\n", "!["+prose(30)+"](https://www.example.gov.uk/p.png) Timetable: https://www.example.gov.uk/plan\n")
	if r := e.Evaluate("posts/a.md", []byte(src)); r.Scenario == policy.Pointer {
		t.Errorf("31 words with the alt text is not a pointer: %v", r.Reasons)
	}
}

// What is wrong with the front matter, in plain words, on the right line,
// and only that: no "no author" for an author that could not be read.
func TestFrontMatterMessages(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, c := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"not closed", "---\nchannel: x\nauthor: Press Office\nHello world from the council today.\n",
			3, "the front matter is not closed: add a line --- after the last field"},
		{"blank line first", "\n---\nchannel: x\nauthor: Press Office\n---\nHello.\n",
			1, "remove the blank line before --- (line 2)"},
		{"closed with ----", "---\nchannel: x\nauthor: Press Office\n----\nHello.\n",
			4, `this line is "----", but the front matter must end with a line of exactly three hyphens ---`},
		{"closed with dashes", "---\nchannel: x\nauthor: Press Office\n— — —\nHello.\n",
			4, "exactly three hyphens ---"},
		{"closed with an indented ---", "---\nchannel: x\nauthor: Press Office\n  ---\nHello.\n",
			4, "remove the spaces before --- on this line"},
		{"opened with ----", "----\nchannel: x\nauthor: Press Office\n---\nHello.\n",
			1, `the first line is "----"`},
		{"toml", "+++\nchannel = \"x\"\n+++\nHello.\n", 1, "between lines ---"},
		{"a colon in a value", "---\nchannel: x\nauthor: Press Office: Northbridge\n---\nHello.\n",
			3, `a value that contains ": " must be in quotes, e.g. author: "Press Office: Northbridge"`},
		{"an unclosed quote", "---\nchannel: x\nauthor: \"Press Office\nin_reply_to: x\n---\nHello.\n",
			3, `the quotation mark " that starts this value is not closed`},
		{"a tab", "---\nchannel: x\n\tauthor: Press Office\n---\nHello.\n",
			3, "this line starts with a tab"},
		{"a tab further down", "---\nchannel: x\nauthor: A\n\tnotes: b\n---\nHello.\n",
			4, "this line starts with a tab"},
		{"an @ value", "---\nchannel: x\nauthor: @press\n---\nHello.\n",
			3, `a value cannot start with @ unless it is in quotes: write author: "@press"`},
		{"no space after the colon", "---\nchannel:x\nauthor:Press Office\n---\nHello.\n",
			2, "put a space after the colon: channel: x"},
		{"an indented field", "---\nchannel: x\n  author: Press\n---\nHello.\n",
			3, "this line is indented"},
		{"no colon", "---\nchannel: x\nauthor Press\ntitle: t\n---\nHello.\n",
			3, "this line is not a field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.Evaluate("posts/a.md", []byte(c.src))
			var got []policy.Finding
			for _, f := range r.Findings {
				if f.Rule != policy.RuleEmptyBody {
					got = append(got, f)
				}
			}
			if len(got) != 1 || got[0].Rule != policy.RuleFrontMatter || got[0].Line != c.line || !strings.Contains(got[0].Message, c.want) {
				t.Fatalf("findings %v\nwant one front-matter finding at line %d with %q", got, c.line, c.want)
			}
			for _, jargon := range []string{"mapping", "stream", "violates", "token", "scalar", "expected"} {
				if strings.Contains(got[0].Message, jargon) {
					t.Errorf("%q in %q", jargon, got[0].Message)
				}
			}
			if r.Scenario != policy.NewContent {
				t.Errorf("scenario %s", r.Scenario)
			}
		})
	}
}

// Field names are lower case: Author: gets a hint, in the unknown-field
// warning and in the missing-author error.
func TestFieldNameHints(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	r := e.Evaluate("posts/a.md", []byte("---\nChannel: x\nAuthor: Press Office\n---\nHello.\n"))
	want := map[string]string{
		"front-matter-field:2": "did you mean channel:? Field names are lower case",
		"front-matter-field:3": "did you mean author:? Field names are lower case",
		"author-missing:3":     "no author: this line has Author:; did you mean author:? Field names are lower case",
	}
	if len(r.Findings) != len(want) {
		t.Errorf("findings %v", r.Findings)
	}
	for _, f := range r.Findings {
		if w, ok := want[fmt.Sprintf("%s:%d", f.Rule, f.Line)]; !ok || !strings.Contains(f.Message, w) {
			t.Errorf("%v, want %q", f, w)
		}
	}
	for src, hint := range map[string]string{
		"---\nchannel: x\nauthr: A\n---\nHello.\n":                                "did you mean author:?",
		"---\nchannel: x\nauthor: A\nin-reply-to: https://x.org/1\n---\nHello.\n": "did you mean in_reply_to:?",
		"---\nchannel: x\nauthor: A\nsoruces: [a]\n---\nHello.\n":                 "did you mean sources:?",
		"---\nchannel: x\nauthor: A\ncolour: red\n---\nHello.\n":                  "the fields are author, channel",
	} {
		d := policy.ParseDraft("posts/a.md", []byte(src))
		if f := findRule(d.Findings, policy.RuleUnknownField); f == nil || !strings.Contains(f.Message, hint) {
			t.Errorf("%q: %v, want %q", src, d.Findings, hint)
		}
	}
}

// An author is text naming who the post is from.
func TestAuthorMustBeText(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, v := range []string{"true", "5", "null", "~", "2026-01-01"} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc("channel: x\nauthor: "+v+"\n", "Hello.\n")))
		f := findRule(r.Findings, policy.RuleMissingAuthor)
		if f == nil || f.Line != 3 || len(r.Findings) != 1 {
			t.Errorf("author: %s: %v", v, r.Findings)
		}
	}
	r := e.Evaluate("posts/a.md", []byte(draftSrc("channel: x\nauthor: \"true\"\n", "Hello.\n")))
	if f := findRule(r.Findings, policy.RuleMissingAuthor); f != nil {
		t.Errorf("a quoted author is text: %v", f)
	}
	r = e.Evaluate("posts/a.md", []byte(draftSrc("channel: x\nauthor: true\n", "Hello.\n")))
	if f := findRule(r.Findings, policy.RuleMissingAuthor); f == nil || !strings.Contains(f.Message, "author: true is not a name") {
		t.Errorf("%v", r.Findings)
	}
}

// A reply with no in_reply_to is told why it counts as a reply.
func TestReplyWithoutAddressSaysWhy(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, c := range []struct {
		path, fields string
		line         int
		want         string
	}{
		{"replies/forum/r.md", "channel: forum\nauthor: A\n", 1, "this is a reply (it is in the replies/ folder) but has no in_reply_to: add in_reply_to: with the address of the post or comment it answers"},
		{"posts/r.md", "channel: forum\nauthor: A\nkind: reply\n", 4, "this is a reply (it says kind: reply) but has no in_reply_to: add in_reply_to:"},
		{"posts/r.md", "channel: forum\nauthor: A\nkind: reply\nin_reply_to:\n", 5, "in_reply_to is empty"},
		{"replies/r.md", "channel: forum\nauthor: A\nIn_Reply_To: https://forum.example.gov.uk/t/1\n", 4, "did you mean in_reply_to:?"},
	} {
		r := e.Evaluate(c.path, []byte(draftSrc(c.fields, "Hello Dan, thanks for your message today.\n")))
		f := findRule(r.Findings, policy.RuleMissingReplyTo)
		if f == nil || f.Line != c.line || !strings.Contains(f.Message, c.want) {
			t.Errorf("%s %q: %v, want line %d %q", c.path, c.fields, r.Findings, c.line, c.want)
		}
	}
}
