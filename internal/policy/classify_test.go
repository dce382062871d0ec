package policy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

// testNow is the fixed "now" of the engine tests: after the flood release,
// before the bridge embargo lifts.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// floodRelease is a published press release.
const floodRelease = `---
title: River Wend flood defences completed
published_at: 2026-10-14T10:00:00Z
url: https://www.northbridge.gov.uk/news/flood-defences
---
# River Wend flood defences completed

Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas.

Councillor Priya Shah said: "We are delighted that these defences are finished. Residents should sign up for free flood warnings."

At the opening she called it "a historic day for Quayside". The scheme cost £14.6 million.
`

// bridgeRelease is under embargo until 1 December 2026 00:01 UTC.
const bridgeRelease = `---
title: Funding for the new Wend Crossing
published_at: 2026-12-01T00:01:00Z
embargo_until: 2026-12-01T00:01:00Z
---
Northbridge City Council has secured £48 million of government funding to replace the Wend Crossing with a new bridge for buses, cyclists and pedestrians.
`

// poolRelease has a publication date in the future and no embargo field.
const poolRelease = `---
title: Eastfield pool opening date
published_at: 2027-01-10
---
The new Eastfield swimming pool will open to the public in the spring of 2027 after a two year build.
`

const testConfig = `drafts:
  - posts/**/*.md
  - replies/**/*.md
  - statements/**/*.md
roles:
  policy: ["@org/policy-team"]
  comms: ["@org/comms-team"]
always_review:
  - statements/**
internal_domains:
  - intranet.example.gov.uk
`

const testCodeowners = `# owners
/posts/      @org/policy-team @org/comms-team
/replies/    @org/policy-team @org/comms-team
/statements/ @org/policy-team @org/comms-team
/replies/housing/ @org/housing-team @org/comms-team
`

// testRepo is a small content repo; extra files are added or replace files.
func testRepo(extra map[string]string) policy.MapTree {
	t := policy.MapTree{
		".github/clearance.yml":     []byte(testConfig),
		".github/CODEOWNERS":        []byte(testCodeowners),
		"published/flood.md":        []byte(floodRelease),
		"published/bridge.md":       []byte(bridgeRelease),
		"published/pool.md":         []byte(poolRelease),
		"published/README-notes.md": []byte("Just notes, no front matter."),
	}
	for p, v := range extra {
		if v == "" {
			delete(t, p)
			continue
		}
		t[p] = []byte(v)
	}
	return t
}

// engineFor loads a tree's base and returns its engine at now.
func engineFor(t testing.TB, tree policy.MapTree, now time.Time) *policy.Engine {
	t.Helper()
	base := policy.LoadBase(tree)
	if len(base.ConfigErrors) > 0 {
		t.Fatalf("config errors: %v", base.ConfigErrors)
	}
	return base.Engine(now)
}

// std is front matter with nothing wrong.
const std = "channel: linkedin\nkind: post\nauthor: Northbridge City Council\n"

// draftSrc builds a draft file from front matter fields and a body.
func draftSrc(fields, body string) string {
	return "---\n" + fields + "---\n" + body
}

// neutralWords are words in no lexicon and no register document.
var neutralWords = strings.Fields("bus timetable changes from today at the station library opens hours on weekdays and saturdays details here see times for each stop in town centre routes")

// prose returns n neutral words as one sentence.
func prose(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = neutralWords[i%len(neutralWords)]
	}
	return strings.Join(w, " ") + "."
}

// findingKeys summarises findings as "severity rule:line", sorted.
func findingKeys(fs []policy.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s:%d", f.Severity, f.Rule, f.Line))
	}
	slices.Sort(out)
	return out
}

func findRule(fs []policy.Finding, rule string) *policy.Finding {
	for i := range fs {
		if fs[i].Rule == rule {
			return &fs[i]
		}
	}
	return nil
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	if s == nil {
		s = []string{}
	}
	return s
}

func TestScenarios(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const link = " https://www.northbridge.gov.uk/news/buses"
	cases := []struct {
		name     string
		path     string
		src      string
		want     policy.Scenario
		findings []string // findingKeys; nil means none
		reason   string   // a substring of one of the reasons
	}{
		{name: "pointer: a link and a few words",
			src:  draftSrc(std, "Bus times are changing:"+link+"\n"),
			want: policy.Pointer, reason: "with 4 words of its own"},
		{name: "pointer: 30 words of prose",
			src:  draftSrc(std, prose(30)+link+"\n"),
			want: policy.Pointer, reason: "with 30 words of its own (a pointer may have up to 30)"},
		{name: "pointer: 31 words is new content",
			src:  draftSrc(std, prose(31)+link+"\n"),
			want: policy.NewContent, reason: "has 31 words of its own, more than a pointer's 30"},
		{name: "pointer: link text does not count",
			src:  draftSrc(std, "See ["+strings.TrimSuffix(prose(40), ".")+"]("+strings.TrimSpace(link)+")\n"),
			want: policy.Pointer, reason: "with 1 word of its own"},
		{name: "pointer: a view makes it new content",
			src:  draftSrc(std, "Great news for bus users:"+link+"\n"),
			want: policy.NewContent, reason: `"great" (line 6)`},
		{name: "pointer: advice makes it new content",
			src:  draftSrc(std, "Read this before you travel, you must:"+link+"\n"),
			want: policy.NewContent, reason: "It gives guidance or advice"},
		{name: "no link is not a pointer",
			src:  draftSrc(std, "Bus times change on Monday.\n"),
			want: policy.NewContent, reason: "None of its words are in the published documents"},
		{name: "a mailto link is not a pointer",
			src:  draftSrc(std, "Write to us: <buses@northbridge.gov.uk>\n"),
			want: policy.NewContent},
		{name: "public domain: a sentence of a press release",
			src:  draftSrc(std, "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas.\n"),
			want: policy.PublicDomain, reason: `Line 6 is in "River Wend flood defences completed" (published/flood.md), published 14 October 2026 10:00 UTC`},
		{name: "public domain: exactly 80% covered",
			src:  draftSrc(std, "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas. Bus stops move soon as works end.\n"),
			want: policy.PublicDomain, reason: "80% of its words are already published (80% needed)"},
		{name: "public domain: 70% covered is new content",
			src:  draftSrc(std, "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas. Bus stops move soon as the works end near the old quay.\n"),
			want: policy.NewContent, reason: "Only 70% of its words are in published documents (80% needed"},
		{name: "public domain: case, punctuation, line breaks and look-alikes ignored",
			src:  draftSrc(std, "NORTHBRIDGE city council — has completed\nthe new flood-defences along the R\u0456ver W\u0435nd: protecting more than 1,200 homes\nand 90 ｂｕｓｉｎｅｓｓｅｓ in the Mill\u200bbrook and Quayside areas!\n"),
			want: policy.PublicDomain, reason: "Lines 6–8 are in"},
		{name: "public domain: a published quotation may state a view",
			src:  draftSrc(std, "“We are delighted that these defences are finished. Residents should sign up for free flood warnings.” Cllr Shah.\n"),
			want: policy.PublicDomain},
		{name: "public domain: a short published quotation counts once the document is matched",
			src:  draftSrc(std, "Northbridge City Council has completed the new flood defences along the River Wend. Cllr Shah: “a historic day for Quayside”.\n"),
			want: policy.PublicDomain},
		{name: "a short quotation alone is not found",
			src:  draftSrc(std, "Cllr Shah: “a historic day for Quayside”.\n"),
			want: policy.NewContent, reason: `"historic" (line 6)`},
		{name: "a short quotation is found in a named source",
			src:  draftSrc(std+"sources: [published/flood.md]\n", "Flood works done. Cllr Shah: “a historic day for Quayside”.\n"),
			want: policy.NewContent, reason: "Only 70% of its words"},
		{name: "a view in an unpublished quotation",
			src:  draftSrc(std, "“We are delighted that the bridge is finished, and residents should sign up for free flood warnings.” Cllr Shah.\n"),
			want: policy.NewContent, reason: `It expresses a view: "we are delighted" (line 6)`},
		{name: "a view added to published text",
			src:  draftSrc(std, "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas. Great news!\n"),
			want: policy.NewContent, reason: `"great" (line 6)`},
		{name: "a view hidden by a zero-width space",
			src:  draftSrc(std, "You sh\u200bould read this:"+link+"\n"),
			want: policy.NewContent, reason: `(read as "should") (line 6)`},
		{name: "a view hidden by a soft hyphen",
			src:  draftSrc(std, "We recom\u00admend this:"+link+"\n"),
			want: policy.NewContent, reason: `(read as "we recommend") (line 6)`},
		{name: "a view hidden by Cyrillic look-alikes",
			src:  draftSrc(std, "You sh\u043euld r\u0435ad this:"+link+"\n"),
			want: policy.NewContent, reason: `(read as "should") (line 6)`},
		{name: "a view hidden by full-width letters",
			src:  draftSrc(std, "You ｓｈｏｕｌｄ read this:"+link+"\n"),
			want: policy.NewContent, reason: `(read as "should") (line 6)`},
		{name: "a view split over a line break and in capitals",
			src:  draftSrc(std, "I\nTHINK you will like it:"+link+"\n"),
			want: policy.NewContent, reason: `"i think" (line 6)`},
		{name: "a paraphrase is new content",
			src:  draftSrc(std, "The council has finished building flood walls by the River Wend that protect about 1,200 houses and 90 firms in Millbrook and Quayside.\n"),
			want: policy.NewContent, reason: "New text, not in any published document"},
		{name: "text under embargo is not public and is an error",
			src:      draftSrc(std, "Northbridge City Council has secured £48 million of government funding to replace the Wend Crossing with a new bridge for buses, cyclists and pedestrians.\n"),
			want:     policy.NewContent,
			findings: []string{"error embargoed-text:6"}},
		{name: "text under embargo with publish_at before the embargo lifts",
			src:      draftSrc(std+"publish_at: 2026-11-30T09:00:00Z\n", "Northbridge City Council has secured £48 million of government funding to replace the Wend Crossing.\n"),
			want:     policy.NewContent,
			findings: []string{"error embargoed-text:7"}},
		{name: "text under embargo with publish_at after the embargo: no error, still new",
			src:    draftSrc(std+"publish_at: 2026-12-01T09:00:00Z\n", "Northbridge City Council has secured £48 million of government funding to replace the Wend Crossing.\n"),
			want:   policy.NewContent,
			reason: "which is not public until 1 December 2026 00:01 UTC; the post is set to go out at 1 December 2026 09:00 UTC"},
		{name: "text of a document published in the future",
			src:      draftSrc(std, "The new Eastfield swimming pool will open to the public in the spring.\n"),
			want:     policy.NewContent,
			findings: []string{"error embargoed-text:6"}},
		{name: "always_review makes a pointer new content",
			path:   "statements/a.md",
			src:    draftSrc(std, "Bus times are changing:"+link+"\n"),
			want:   policy.NewContent,
			reason: `Its path matches "statements/**" under always_review in .github/clearance.yml, so it always needs review. On its text alone it would be pointer.`},
		{name: "a stricter claim is followed",
			src:    draftSrc(std+"scenario: new-content\n", "Bus times are changing:"+link+"\n"),
			want:   policy.NewContent,
			reason: "The author marked it new-content"},
		{name: "a laxer claim is overruled with a warning",
			src:      draftSrc(std+"scenario: pointer\n", "You should check the bus times:"+link+"\n"),
			want:     policy.NewContent,
			findings: []string{"warning scenario-claim:5"}},
		{name: "claiming public-domain for new content is overruled with a warning",
			src:      draftSrc(std+"scenario: Public-Domain\n", "Bus times change on Monday.\n"),
			want:     policy.NewContent,
			findings: []string{"warning scenario-claim:5"}},
		{name: "claiming pointer for public-domain text is overruled with a warning",
			src:      draftSrc(std+"scenario: pointer\n", "Northbridge City Council has completed the new flood defences along the River Wend.\n"),
			want:     policy.PublicDomain,
			findings: []string{"warning scenario-claim:5"}},
		{name: "claiming public-domain for a pointer is stricter and followed",
			src:  draftSrc(std+"scenario: public-domain\n", "Bus times are changing:"+link+"\n"),
			want: policy.PublicDomain, reason: "The author marked it public-domain"},
		{name: "a matching claim changes nothing",
			src:  draftSrc(std+"scenario: pointer\n", "Bus times are changing:"+link+"\n"),
			want: policy.Pointer},
		{name: "binary draft",
			src:      draftSrc(std, "Bus times\x00 change:"+link+"\n"),
			want:     policy.NewContent,
			findings: []string{"error unreadable:0"},
			reason:   "could not read this draft properly"},
		{name: "invalid UTF-8",
			src:      draftSrc(std, "Bus times\n change \xff\xfe:"+link+"\n"),
			want:     policy.NewContent,
			findings: []string{"error unreadable:7"},
			reason:   "could not read this draft properly"},
		{name: "huge draft",
			src:      draftSrc(std, strings.Repeat("Bus times change on Monday. ", policy.MaxDraftBytes/20)+link),
			want:     policy.NewContent,
			findings: []string{"error unreadable:0"}},
		{name: "front matter that cannot be read",
			src:      draftSrc(std+"sources: [published/flood.md\n", "Bus times are changing:"+link+"\n"),
			want:     policy.NewContent,
			findings: []string{"error front-matter:5"}},
		{name: "empty body",
			src:      draftSrc(std, "\n<!-- nothing yet -->\n"),
			want:     policy.NewContent,
			findings: []string{"error empty-body:5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "posts/a.md"
			}
			r := e.Evaluate(path, []byte(c.src))
			if r.Scenario != c.want {
				t.Errorf("scenario = %s, want %s\nreasons: %q\nfindings: %v", r.Scenario, c.want, r.Reasons, r.Findings)
			}
			if got, want := findingKeys(r.Findings), sortedCopy(c.findings); !slices.Equal(got, want) {
				t.Errorf("findings = %q, want %q\n%v", got, want, r.Findings)
			}
			if c.reason != "" && !strings.Contains(strings.ToLower(strings.Join(r.Reasons, "\n")), strings.ToLower(c.reason)) {
				t.Errorf("no reason contains %q:\n%s", c.reason, strings.Join(r.Reasons, "\n"))
			}
			if len(r.Reasons) == 0 {
				t.Errorf("no reasons")
			}
			if r.NeedsReview() != (r.Scenario == policy.NewContent) {
				t.Errorf("NeedsReview = %v for %s", r.NeedsReview(), r.Scenario)
			}
			if r.Scenario == policy.NewContent {
				if len(r.Reviewers["policy"]) == 0 || len(r.Reviewers["comms"]) == 0 {
					t.Errorf("reviewers = %v, want both roles", r.Reviewers)
				}
			} else if len(r.Reviewers) != 0 {
				t.Errorf("reviewers = %v for a draft that needs no review", r.Reviewers)
			}
		})
	}
}

func TestEmbargoLifted(t *testing.T) {
	src := draftSrc(std, "Northbridge City Council has secured £48 million of government funding to replace the Wend Crossing with a new bridge for buses, cyclists and pedestrians.\n")
	before := engineFor(t, testRepo(nil), time.Date(2026, 12, 1, 0, 0, 59, 0, time.UTC))
	if r := before.Evaluate("posts/a.md", []byte(src)); r.Scenario != policy.NewContent || findRule(r.Findings, policy.RuleEmbargoed) == nil {
		t.Errorf("a second before the embargo lifts: %s %v", r.Scenario, r.Findings)
	}
	after := engineFor(t, testRepo(nil), time.Date(2026, 12, 1, 0, 1, 0, 0, time.UTC))
	r := after.Evaluate("posts/a.md", []byte(src))
	if r.Scenario != policy.PublicDomain || len(r.Findings) != 0 {
		t.Errorf("when the embargo lifts: %s %v %q", r.Scenario, r.Findings, r.Reasons)
	}
}

// TestEmbargoedAndPublic: text found in both an embargoed and a published
// document is public: no embargo error. This holds for long runs and for
// short sentences, whichever document the register indexed first.
func TestEmbargoedAndPublic(t *testing.T) {
	const text = "Collection days stay the same over the winter holidays for every street in Northbridge."
	const short = "Recycling week starts on 4 January." // (a weekday alone would be stale: see weekdays.go)
	tree := testRepo(map[string]string{
		"published/a-embargoed.md": "---\ntitle: A\nembargo_until: 2027-01-01\n---\n" + text + "\n\nMore to follow.\n\n" + short + "\n",
		"published/b-public.md":    "---\ntitle: B\npublished_at: 2026-01-01\n---\n" + text + "\n\nSee the website.\n\n" + short + "\n",
	})
	e := engineFor(t, tree, testNow)
	for _, body := range []string{text, text + " " + short, short + " " + text} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
		if r.Scenario != policy.PublicDomain || len(r.Findings) != 0 || r.Coverage != 1 {
			t.Errorf("%q: %s %v %v %q", body, r.Scenario, r.Coverage, r.Findings, r.Reasons)
		}
	}
}

func TestFindings(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const link = " https://www.northbridge.gov.uk/news/buses"
	cases := []struct {
		name     string
		path     string
		src      string
		findings []string
		message  string // a substring of one finding's message
	}{
		{name: "clean", src: draftSrc(std, "Bus times:"+link+"\n")},
		{name: "no front matter", src: "Bus times:" + link + "\n",
			findings: []string{"error front-matter:1"}, message: "no front matter"},
		{name: "front matter not closed", src: "---\nchannel: x\nauthor: A\nBus times:" + link + "\n",
			findings: []string{"error front-matter:3"}, message: "the front matter is not closed: add a line --- after the last field"},
		{name: "yaml syntax error names its line", src: draftSrc("channel: x\nauthor: A\nkind: post\nsources:\n  - a\n - b\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:7"}, message: "the front matter cannot be read"},
		{name: "front matter a list", src: draftSrc("- channel\n- author\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:2"}, message: "fields of the form name: value"},
		{name: "field given twice", src: draftSrc(std+"author: Someone else\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:5"}, message: "author is given twice"},
		{name: "unknown field", src: draftSrc(std+"chanel: x\n", "Bus times:"+link+"\n"),
			findings: []string{"warning front-matter-field:5"}, message: `unknown field "chanel"`},
		{name: "bad kind", src: draftSrc(std+"kind: tweet\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:5"}, message: "kind is given twice"},
		{name: "bad kind value", src: draftSrc("channel: x\nauthor: A\nkind: tweet\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:4"}, message: `kind must be post or reply, not "tweet"`},
		{name: "bad scenario", src: draftSrc(std+"scenario: obvious\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:5"}, message: "scenario must be public-domain, pointer or new-content"},
		{name: "bad publish_at", src: draftSrc(std+"publish_at: next tuesday\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:5"}, message: "publish_at \"next tuesday\" is not a date"},
		{name: "author not a single value", src: draftSrc("channel: x\nkind: post\nauthor: [a, b]\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:4", "error author-missing:4"}},
		{name: "sources a mapping", src: draftSrc(std+"sources:\n  a: b\n", "Bus times:"+link+"\n"),
			findings: []string{"error front-matter:5"}, message: "sources must be a list"},
		{name: "reply without in_reply_to", src: draftSrc("channel: forum\nkind: reply\nauthor: A\n", "Thanks, see"+link+"\n"),
			findings: []string{"error reply-to-missing:3"}, message: "add in_reply_to:"},
		{name: "reply by folder without in_reply_to", path: "replies/forum/a.md", src: draftSrc("channel: forum\nauthor: A\n", "Thanks, see"+link+"\n"),
			findings: []string{"error reply-to-missing:1"}},
		{name: "reply with in_reply_to", path: "replies/forum/a.md", src: draftSrc("channel: forum\nauthor: A\nin_reply_to: https://forum.example.gov.uk/t/1\n", "Thanks, see"+link+"\n")},
		{name: "in_reply_to not an address", src: draftSrc(std+"in_reply_to: thread 4182\n", "Thanks, see"+link+"\n"),
			findings: []string{"error reply-to-missing:5"}, message: "in_reply_to must be the full address"},
		{name: "missing author", src: draftSrc("channel: x\nkind: post\n", "Bus times:"+link+"\n"),
			findings: []string{"error author-missing:1"}, message: "no author"},
		{name: "empty author", src: draftSrc("channel: x\nkind: post\nauthor: \n", "Bus times:"+link+"\n"),
			findings: []string{"error author-missing:4"}},
		{name: "marking OFFICIAL-SENSITIVE", src: draftSrc(std, "Bus times:"+link+"\n\nOFFICIAL-SENSITIVE\n"),
			findings: []string{"error protective-marking:8"}, message: `the marking "OFFICIAL SENSITIVE"`},
		{name: "marking not for publication in any case", src: draftSrc(std, "Bus times:"+link+"\nNot For Publication\n"),
			findings: []string{"error protective-marking:7"}},
		{name: "marking embargoed", src: draftSrc(std, "Embargoed until Monday. Bus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}},
		{name: "marking SECRET", src: draftSrc(std, "SECRET\nBus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}, message: `"SECRET"`},
		{name: "marking TOP SECRET", src: draftSrc(std, "TOP SECRET\nBus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}, message: `"TOP SECRET"`},
		{name: "marking hidden by zero-width characters", src: draftSrc(std, "SE\u200bCR\u2060ET\nBus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}},
		{name: "marking in full-width letters", src: draftSrc(std, "ＯＦＦＩＣＩＡＬ－ＳＥＮＳＩＴＩＶＥ\nBus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}},
		{name: "marking with Cyrillic look-alikes", src: draftSrc(std, "S\u0415CR\u0415T\nBus times:"+link+"\n"),
			findings: []string{"error protective-marking:6"}},
		{name: "marking in the front matter", src: draftSrc(std+"notes: NOT FOR PUBLICATION before Monday\n", "Bus times:"+link+"\n"),
			findings: []string{"error protective-marking:5"}},
		{name: "secret in lower-case prose is no marking", src: draftSrc(std, "The secret of good bus times:"+link+"\n")},
		{name: "Secret at the start of a sentence is no marking", src: draftSrc(std, "Secret garden tours:"+link+"\n")},
		{name: "http link", src: draftSrc(std, "Bus times:\nhttp://www.northbridge.gov.uk/buses\n"),
			findings: []string{"error link-insecure:7"}, message: "uses http://"},
		{name: "http Markdown link", src: draftSrc(std, "Bus\n[times](http://www.northbridge.gov.uk/buses)\n"),
			findings: []string{"error link-insecure:7"}},
		{name: "relative link", src: draftSrc(std, "Bus [times](/buses)\n"),
			findings: []string{"error link-insecure:6"}, message: "is not a full web address"},
		{name: "ftp link", src: draftSrc(std, "Bus [times](ftp://files.northbridge.gov.uk/buses)\n"),
			findings: []string{"error link-insecure:6"}, message: "not a web address readers can open"},
		{name: "internal domain from the config", src: draftSrc(std, "Bus times: https://intranet.example.gov.uk/buses\n"),
			findings: []string{"error link-internal:6"}, message: "on the list of internal sites in clearance's settings"},
		{name: "subdomain of an internal domain", src: draftSrc(std, "Bus times: https://wiki.intranet.example.gov.uk/buses\n"),
			findings: []string{"error link-internal:6"}},
		{name: "localhost", src: draftSrc(std, "Bus [times](https://localhost:8080/buses)\n"),
			findings: []string{"error link-internal:6"}, message: "an internal host name (localhost)"},
		{name: "loopback IP", src: draftSrc(std, "Bus [times](https://127.0.0.1/buses)\n"),
			findings: []string{"error link-internal:6"}, message: "a private network address (127.0.0.1)"},
		{name: "private IP", src: draftSrc(std, "Bus [times](https://10.1.2.3/buses)\n"),
			findings: []string{"error link-internal:6"}},
		{name: "private IP 192.168", src: draftSrc(std, "Bus [times](https://192.168.1.20/buses)\n"),
			findings: []string{"error link-internal:6"}},
		{name: "IPv6 loopback", src: draftSrc(std, "Bus [times](https://[::1]/buses)\n"),
			findings: []string{"error link-internal:6"}},
		{name: "a .local host", src: draftSrc(std, "Bus [times](https://sharepoint.northbridge.local/buses)\n"),
			findings: []string{"error link-internal:6"}},
		{name: "a single-label host", src: draftSrc(std, "Bus [times](https://intranet/buses)\n"),
			findings: []string{"error link-internal:6"}},
		{name: "a public IP is fine", src: draftSrc(std, "Bus [times](https://8.8.8.8/buses)\n")},
		{name: "a lookalike of an internal domain is fine", src: draftSrc(std, "Bus times: https://notintranet.example.gov.uk/buses\n")},
		{name: "empty body", src: draftSrc(std, ""),
			findings: []string{"error empty-body:5"}, message: "there is nothing to post"},
		{name: "empty body, file ends on the closing line", src: "---\n" + std + "---",
			findings: []string{"error empty-body:5"}},
		{name: "only whitespace", src: draftSrc(std, "\n\n   \n"),
			findings: []string{"error empty-body:5"}},
		{name: "over the channel's length", src: draftSrc("channel: bluesky\nkind: post\nauthor: A\n", strings.Repeat("Bus times. ", 40)+link+"\n"),
			findings: []string{"error length:6"}, message: "Bluesky allows 300"},
		{name: "over X's length", src: draftSrc("channel: x\nkind: post\nauthor: A\n", strings.Repeat("Bus times. ", 30)+"\n"),
			findings: []string{"error length:6"}},
		{name: "unknown channel", src: draftSrc("channel: myspace\nkind: post\nauthor: A\n", "Bus times:"+link+"\n"),
			findings: []string{"error channel:2"}, message: `unknown channel "myspace"`},
		{name: "channel in capitals", src: draftSrc("channel: LinkedIn\nkind: post\nauthor: A\n", "Bus times:"+link+"\n")},
		{name: "no channel", src: draftSrc("kind: post\nauthor: A\n", "Bus times:"+link+"\n"),
			findings: []string{"warning channel:1"}},
		{name: "missing source", src: draftSrc(std+"sources:\n  - published/flood.md\n  - published/nope.md\n  - https://www.example.gov.uk/x\n", "Bus times:"+link+"\n"),
			findings: []string{"warning source-missing:5"}, message: `source "published/nope.md" is not in the register`},
		{name: "source with ./ prefix exists", src: draftSrc(std+"sources: ./published/flood.md\n", "Bus times:"+link+"\n")},
		{name: "a source that is not a published document is missing", src: draftSrc(std+"sources: [published/README-notes.md]\n", "Bus times:"+link+"\n"),
			findings: []string{"warning source-missing:5"}, message: `source "published/README-notes.md" is not in the register`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "posts/a.md"
			}
			r := e.Evaluate(path, []byte(c.src))
			var fs []policy.Finding
			for _, f := range r.Findings {
				if f.Rule != policy.RuleNoApprover {
					fs = append(fs, f)
				}
				if f.Path != path {
					t.Errorf("finding path %q, want %q", f.Path, path)
				}
				if f.Message == "" {
					t.Errorf("finding without a message: %v", f)
				}
			}
			if got, want := findingKeys(fs), sortedCopy(c.findings); !slices.Equal(got, want) {
				t.Errorf("findings = %q, want %q\n%v", got, want, fs)
			}
			if c.message != "" {
				found := false
				for _, f := range fs {
					found = found || strings.Contains(f.Message, c.message)
				}
				if !found {
					t.Errorf("no finding says %q: %v", c.message, fs)
				}
			}
			lines := strings.Count(c.src, "\n") + 1
			for _, f := range r.Findings {
				if f.Line < 0 || f.Line > lines {
					t.Errorf("finding line %d outside the file's %d lines: %v", f.Line, lines, f)
				}
			}
		})
	}
}

// TestNoApprover covers drafts whose owners lack a required role.
func TestNoApprover(t *testing.T) {
	const body = "Bus times change on Monday.\n"
	cases := []struct {
		name     string
		extra    map[string]string
		path     string
		want     map[string][]string
		messages []string // one no-approver finding per entry, in order
	}{
		{name: "owners cover both roles", path: "posts/a.md",
			want: map[string][]string{"policy": {"@org/policy-team"}, "comms": {"@org/comms-team"}}},
		{name: "housing replies lack policy", path: "replies/housing/a.md",
			want:     map[string][]string{"policy": nil, "comms": {"@org/comms-team"}},
			messages: []string{"nobody can approve this draft for policy: its code owners (@org/housing-team, @org/comms-team, line 5 of .github/CODEOWNERS) include no one in the policy role. To fix it, add the line `/replies/housing/ @org/housing-team @org/comms-team @org/policy-team` at the end of .github/CODEOWNERS"}},
		{name: "no CODEOWNERS", path: "posts/a.md", extra: map[string]string{".github/CODEOWNERS": ""},
			want:     map[string][]string{"policy": nil, "comms": nil},
			messages: []string{"nobody can approve this draft for policy or comms: the repo has no CODEOWNERS file. To fix it, add the line `/posts/ @org/policy-team @org/comms-team` at the end of .github/CODEOWNERS"}},
		{name: "CODEOWNERS at the root covers nothing", path: "posts/deep/a.md", extra: map[string]string{".github/CODEOWNERS": "", "CODEOWNERS": "/replies/ @org/policy-team\n"},
			want:     map[string][]string{"policy": nil, "comms": nil},
			messages: []string{"nobody can approve this draft for policy or comms: no line of CODEOWNERS covers it. To fix it, add the line `/posts/deep/ @org/policy-team @org/comms-team` at the end of CODEOWNERS"}},
		{name: "a line without owners", path: "posts/a.md", extra: map[string]string{".github/CODEOWNERS": "/posts/ @org/policy-team @org/comms-team\n/posts/a.md\n"},
			want:     map[string][]string{"policy": nil, "comms": nil},
			messages: []string{"nobody can approve this draft for policy or comms: line 2 of .github/CODEOWNERS leaves it without owners."}},
		{name: "naming convention without roles", path: "posts/a.md", extra: map[string]string{".github/clearance.yml": "", ".github/CODEOWNERS": "/posts/ @org/press-office\n"},
			want:     map[string][]string{"policy": nil, "comms": nil},
			messages: []string{"add the line `/posts/ @org/press-office @your-org/policy-team @your-org/comms-team` at the end of .github/CODEOWNERS (or name the teams of each role under roles in .github/clearance.yml)"}},
		{name: "a role with nobody in it", path: "posts/a.md",
			extra:    map[string]string{".github/clearance.yml": "roles:\n  policy: ['@org/policy-team']\n  comms: []\n"},
			want:     map[string][]string{"policy": {"@org/policy-team"}, "comms": nil},
			messages: []string{"add the line `/posts/ @org/policy-team @org/comms-team @your-org/comms-team` at the end of .github/CODEOWNERS, and list that team under roles.comms in .github/clearance.yml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := engineFor(t, testRepo(c.extra), testNow)
			r := e.Evaluate(c.path, []byte(draftSrc(std, body)))
			if r.Scenario != policy.NewContent {
				t.Fatalf("scenario %s", r.Scenario)
			}
			for role, want := range c.want {
				if got := r.Reviewers[role]; !slices.Equal(got, want) {
					t.Errorf("reviewers[%s] = %q, want %q", role, got, want)
				}
			}
			if len(r.Reviewers) != len(c.want) {
				t.Errorf("reviewers = %v", r.Reviewers)
			}
			var got []policy.Finding
			for _, f := range r.Findings {
				if f.Rule == policy.RuleNoApprover {
					got = append(got, f)
				}
			}
			if len(got) != len(c.messages) {
				t.Fatalf("no-approver findings = %v, want %d", got, len(c.messages))
			}
			for i, f := range got {
				if f.Severity != policy.Error || f.Line != 1 || !strings.Contains(f.Message, c.messages[i]) {
					t.Errorf("finding %d = %v\nwant message containing %q", i, f, c.messages[i])
				}
			}
		})
	}
}

// TestReviewersByRole splits code owners into roles, with configured roles
// and with the naming convention when roles is not configured.
func TestReviewersByRole(t *testing.T) {
	cases := []struct {
		name       string
		config     string
		codeowners string
		want       map[string][]string
	}{
		{name: "naming convention",
			config:     "",
			codeowners: "/posts/ @org/policy-unit @org/Communications @alice @org/comms\n",
			want:       map[string][]string{"policy": {"@org/policy-unit"}, "comms": {"@org/Communications", "@org/comms"}}},
		{name: "naming convention with other required roles",
			config:     "required_roles: [legal, comms]\n",
			codeowners: "/posts/ @org/legal-team @org/comms-team @org/policy-team\n",
			want:       map[string][]string{"legal": {"@org/legal-team"}, "comms": {"@org/comms-team"}}},
		{name: "configured roles, case-insensitive, convention ignored",
			config:     "roles:\n  policy: ['@org/lawyers', 'bob']\n  comms: ['@Carol']\n",
			codeowners: "/posts/ @Org/Lawyers @org/policy-team @bob @carol\n",
			want:       map[string][]string{"policy": {"@Org/Lawyers", "@bob"}, "comms": {"@carol"}}},
		{name: "one owner in two roles",
			config:     "roles:\n  policy: ['@org/press']\n  comms: ['@org/press']\n",
			codeowners: "/posts/ @org/press\n",
			want:       map[string][]string{"policy": {"@org/press"}, "comms": {"@org/press"}}},
		{name: "three required roles",
			config:     "roles:\n  policy: ['@org/p']\n  comms: ['@org/c']\n  legal: ['@org/l']\nrequired_roles: [policy, comms, legal]\n",
			codeowners: "*.md @org/p @org/c @org/l\n",
			want:       map[string][]string{"policy": {"@org/p"}, "comms": {"@org/c"}, "legal": {"@org/l"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := policy.MapTree{".github/CODEOWNERS": []byte(c.codeowners)}
			if c.config != "" {
				tree[".github/clearance.yml"] = []byte(c.config)
			}
			e := engineFor(t, tree, testNow)
			r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "Bus times change on Monday.\n")))
			if len(r.Reviewers) != len(c.want) {
				t.Errorf("reviewers = %v, want %v", r.Reviewers, c.want)
			}
			for role, want := range c.want {
				if got := r.Reviewers[role]; !slices.Equal(got, want) {
					t.Errorf("reviewers[%s] = %q, want %q", role, got, want)
				}
			}
			if f := findRule(r.Findings, policy.RuleNoApprover); f != nil {
				t.Errorf("unexpected %v", f)
			}
		})
	}
}

func TestUnreadableResult(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	r := e.Unreadable("posts/link.md", "posts/link.md is a symbolic link, not a file")
	if r.Scenario != policy.NewContent {
		t.Errorf("scenario %s", r.Scenario)
	}
	if got := findingKeys(r.Findings); !slices.Equal(got, []string{"error unreadable:0"}) {
		t.Errorf("findings %q", got)
	}
	if r.Errors() != 1 {
		t.Errorf("Errors() = %d", r.Errors())
	}
}

// TestCustomLexiconAndThresholds: the config extends the lexicon and the
// markings, and moves the thresholds and channel limits.
func TestCustomLexiconAndThresholds(t *testing.T) {
	tree := testRepo(map[string]string{".github/clearance.yml": testConfig + `lexicon:
  view: [superb value]
  guidance: [please]
  ignore: [great]
markings: [PROJECT NIGHTJAR]
thresholds:
  pointer_max_words: 3
  public_domain_coverage: 0.5
channels:
  x:
    max: 40
  intranet-forum:
    max: 10
`})
	e := engineFor(t, tree, testNow)
	const link = " https://www.northbridge.gov.uk/buses"
	cases := []struct {
		channel string
		body    string
		want    policy.Scenario
		rules   []string
	}{
		{"linkedin", "Great buses:" + link, policy.Pointer, nil},
		{"linkedin", "Please see:" + link, policy.NewContent, nil},
		{"linkedin", "Superb value buses:" + link, policy.NewContent, nil},
		{"linkedin", "Four words are many:" + link, policy.NewContent, nil},
		{"linkedin", "Project Nightjar:" + link, policy.NewContent, []string{"error protective-marking:6"}}, // a marking is never free
		{"linkedin", "Northbridge City Council has completed the new flood defences along the River Wend. Bus stops move soon as the works end.", policy.PublicDomain, nil},
		{"x", "Bus times:" + link, policy.Pointer, nil},
		{"x", "Bus times change:" + link, policy.Pointer, []string{"error length:6"}},
		{"intranet-forum", "Bus times change.", policy.NewContent, []string{"error length:6"}},
	}
	for _, c := range cases {
		r := e.Evaluate("posts/a.md", []byte(draftSrc("channel: "+c.channel+"\nkind: post\nauthor: A\n", c.body+"\n")))
		var rules []string
		for _, f := range r.Findings {
			if f.Rule != policy.RuleNoApprover {
				rules = append(rules, fmt.Sprintf("%s %s:%d", f.Severity, f.Rule, f.Line))
			}
		}
		if r.Scenario != c.want || !slices.Equal(rules, c.rules) {
			t.Errorf("%s %q: %s %q, want %s %q\n%q", c.channel, c.body, r.Scenario, rules, c.want, c.rules, r.Reasons)
		}
	}
}

// TestInternalHostsInText: a host under internal_domains is flagged
// wherever the post names it, with or without https://, in any width or
// with any full stop, but never inside a longer name, and once per line.
func TestInternalHostsInText(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const names = "the text names intranet.example.gov.uk, an internal site"
	cases := []struct {
		name     string
		body     string
		findings []string
		message  string
	}{
		{name: "bare host and path in prose", body: "Staff guidance is at intranet.example.gov.uk/hr/policy for colleagues.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "bare subdomain", body: "Bus times.\n\nSee wiki.intranet.example.gov.uk for the rota.\n",
			findings: []string{"error link-internal:8"}, message: "the text names wiki.intranet.example.gov.uk"},
		{name: "bare host at the end of a sentence", body: "Read INTRANET.EXAMPLE.GOV.UK.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "link text naming the host", body: "[intranet.example.gov.uk/hr](https://www.gov.uk)\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "image description naming the host", body: "Bus times:\n![screenshot of intranet.example.gov.uk](bus.png)\n",
			findings: []string{"error link-internal:7"}, message: names},
		{name: "e-mail address at the host", body: "Write to hr@intranet.example.gov.uk today.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "full-width bare host", body: "Guidance at ｉｎｔｒａｎｅｔ.example.gov.uk/hr today.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "ideographic full stops in a bare host", body: "Guidance at intranet。example。gov。uk today.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "full-width full stops and a zero-width space", body: "Guidance at intra\u200bnet．example｡gov.uk today.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "full-width link", body: "Read it: https://ｉｎｔｒａｎｅｔ.example.gov.uk/a\n",
			findings: []string{"error link-internal:6"}, message: "points to an internal site (intranet.example.gov.uk, on the list of internal sites in clearance's settings)"},
		{name: "ideographic full stops in a link", body: "Read it: https://intranet。example。gov。uk/a\n",
			findings: []string{"error link-internal:6"}, message: "points to an internal site (intranet.example.gov.uk, on the list of internal sites in clearance's settings)"},
		{name: "name split by Markdown emphasis", body: "Bus times.\n\nSee intranet.*example*.gov.uk now.\n",
			findings: []string{"error link-internal:8"}, message: names},
		{name: "name with escaped full stops", body: "See intranet\\.example\\.gov\\.uk now.\n",
			findings: []string{"error link-internal:6"}, message: names},
		{name: "a link is flagged once", body: "See https://intranet.example.gov.uk/hr (intranet.example.gov.uk).\n",
			findings: []string{"error link-internal:6"}, message: "the link https://intranet.example.gov.uk/hr points to"},
		{name: "a link reference is flagged once", body: "See [the guidance][g].\n\n[g]: https://intranet.example.gov.uk/hr\n",
			findings: []string{"error link-internal:6"}},
		{name: "link and a mention on another line", body: "See https://intranet.example.gov.uk/hr\n\nor intranet.example.gov.uk.\n",
			findings: []string{"error link-internal:6", "error link-internal:8"}},
		{name: "HTML comment is not posted", body: "Bus times:\n<!-- from intranet.example.gov.uk/buses -->\nhttps://www.northbridge.gov.uk/buses\n"},
		{name: "longer name before", body: "See notintranet.example.gov.uk/hr today.\n"},
		{name: "longer name after", body: "See intranet.example.gov.uk.evil.com/hr today.\n"},
		{name: "parent domain is not internal", body: "See example.gov.uk today.\n"},
		{name: "host with a hyphen after it", body: "See intranet.example.gov.uk-archive.org today.\n"},
		{name: "link without a host", body: "Go to https:///path\n",
			findings: []string{"error link-internal:6"}, message: "the link https:///path has no site name after https://; write the full address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Evaluate("posts/a.md", []byte(draftSrc(std, c.body)))
			var fs []policy.Finding
			for _, f := range r.Findings {
				if f.Rule == policy.RuleInternalLink || f.Rule == policy.RuleInsecureLink {
					fs = append(fs, f)
				}
			}
			if got, want := findingKeys(fs), sortedCopy(c.findings); !slices.Equal(got, want) {
				t.Errorf("findings = %q, want %q\n%v", got, want, fs)
			}
			if c.message != "" && (len(fs) == 0 || !strings.Contains(fs[0].Message, c.message)) {
				t.Errorf("message %v does not say %q", fs, c.message)
			}
		})
	}
	// Without internal_domains, a host name in the text is no finding.
	e = engineFor(t, testRepo(map[string]string{".github/clearance.yml": "drafts: [posts/**/*.md]\n"}), testNow)
	r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "See intranet.example.gov.uk/hr today.\n")))
	if f := findRule(r.Findings, policy.RuleInternalLink); f != nil {
		t.Errorf("flagged without internal_domains: %v", f)
	}
}
