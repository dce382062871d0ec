package policy_test

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// floodSentence is a whole sentence of the flood release (published).
const floodSentence = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."

// expectRead evaluates a post and checks its scenario, that a reason
// contains reason (when set) and that no reason contains notReason (when
// set).
func expectRead(t *testing.T, e *policy.Engine, name, body string, want policy.Scenario, reason, notReason string) *policy.Result {
	t.Helper()
	r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
	reasons := strings.Join(r.Reasons, "\n")
	switch {
	case r.Scenario != want:
		t.Errorf("%s: %s, want %s\n%s\n%v", name, r.Scenario, want, reasons, r.Findings)
	case reason != "" && !strings.Contains(reasons, reason):
		t.Errorf("%s: no reason says %q:\n%s", name, reason, reasons)
	case notReason != "" && strings.Contains(reasons, notReason):
		t.Errorf("%s: a reason says %q:\n%s", name, notReason, reasons)
	}
	return r
}

// TestBidiControls: characters that change the direction of the text
// are an error finding that names the line and says what to do, and the
// draft always needs review; text under a right-to-left override is read
// as displayed.
func TestBidiControls(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	// Displays "This is a disgrace" while its characters run backwards.
	r := expectRead(t, e, "right-to-left override", floodSentence+" \u202eecargsid a si sihT\u202c", policy.NewContent,
		`It expresses a view: "a disgrace`, "")
	f := findRule(r.Findings, policy.RuleBidi)
	if f == nil || f.Severity != policy.Error || f.Line != 6 ||
		!strings.Contains(f.Message, `Readers see "This is a disgrace" where its characters run "ecargsid a si sihT"`) ||
		!strings.Contains(f.Message, "Remove the invisible direction characters") {
		t.Errorf("finding %+v", f)
	}
	if !strings.Contains(r.Reasons[0], "invisible characters that change the direction") {
		t.Errorf("first reason %q", r.Reasons[0])
	}
	// Every control, even on published text that says nothing new.
	for _, c := range []rune{'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'} {
		body := strings.Replace(floodSentence, "flood", "flood"+string(c), 1)
		alone := "On its text alone it would be public-domain"
		if c == '\u202e' {
			alone = "" // the rest of the line reads backwards
		}
		r := expectRead(t, e, string(c), body, policy.NewContent, alone, "")
		if f := findRule(r.Findings, policy.RuleBidi); f == nil || f.Severity != policy.Error || f.Line != 6 {
			t.Errorf("U+%04X: finding %+v", c, f)
		}
	}
	// In the front matter: the author's name displayed backwards.
	r = e.Evaluate("posts/a.md", []byte("---\nchannel: x\nauthor: \u202elicnuoC ytiC egdirbhtroN\u202c\n---\n"+floodSentence+"\n"))
	if f := findRule(r.Findings, policy.RuleBidi); f == nil || f.Line != 3 || f.Severity != policy.Error ||
		!strings.Contains(f.Message, `"Northbridge City Council"`) || r.Scenario != policy.NewContent {
		t.Errorf("front matter: %s %+v", r.Scenario, f)
	}
	// Marks beside right-to-left text have a use: a warning, and review.
	r = expectRead(t, e, "a mark in Arabic text", "\u0645\u0631\u062d\u0628\u0627 \u200fNorthbridge\u200f", policy.NewContent, "invisible characters", "")
	if f := findRule(r.Findings, policy.RuleBidi); f == nil || f.Severity != policy.Warning || f.Line != 6 {
		t.Errorf("mark in Arabic text: finding %+v", f)
	}
	// An override is an error even there.
	r = expectRead(t, e, "an override in Arabic text", "\u0645\u0631\u062d\u0628\u0627 \u202eNorthbridge\u202c", policy.NewContent, "", "")
	if f := findRule(r.Findings, policy.RuleBidi); f == nil || f.Severity != policy.Error {
		t.Errorf("override in Arabic text: finding %+v", f)
	}
	// Written as character references, they are posted as the characters.
	for _, ref := range []string{"&#8238;", "&#x202E;", "&rlm;", "&lrm;"} {
		r := expectRead(t, e, ref, floodSentence+" "+ref+"ecargsid a si sihT", policy.NewContent, "", "")
		if f := findRule(r.Findings, policy.RuleBidi); f == nil || f.Severity != policy.Error || f.Line != 6 {
			t.Errorf("%s: finding %+v", ref, f)
		}
	}
	// Without them, the same text passes.
	expectRead(t, e, "no controls", floodSentence, policy.PublicDomain, "", "")
}

// TestSpelledOutWords: words spelled out letter by letter or split by a
// character readers read through are read as the word they display.
func TestSpelledOutWords(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, c := range []struct{ name, add, reason string }{
		{"spaced letters", "d i s g r a c e", `"d i s g r a c e" (read as "disgrace")`},
		{"spaced capitals in a sentence", "It is a D I S G R A C E.", `"a D I S G R A C E" (read as "a disgrace")`},
		{"letters and full stops", "D.I.S.G.R.A.C.E", `(read as "disgrace")`},
		{"letters and hyphens", "d-i-s-g-r-a-c-e", `(read as "disgrace")`},
		{"letters and two spaces", "s  h  a  m  e", `(read as "shame")`},
		{"letters and three spaces", "s   h   a   m   e", `(read as "shame")`},
		{"a phrase spelled out", "w e t h i n k", `(read as "we think")`},
		{"a Markdown backslash", `Residents sh\ould sign up.`, `"sh\\ould" (read as "should")`},
		{"a backslash in a view", `A disgr\ace.`, `(read as "disgrace")`},
		{"a bar", "A disgr|ace.", `(read as "disgrace")`},
		{"an escaped asterisk", `A disgr\*ace.`, `(read as "disgrace")`},
		{"two backslashes", `Sh\am\e on them.`, `(read as "shame")`},
		{"letters as sentences", "D. I. S. G. R. A. C. E.", `"D. I. S. G. R. A. C. E" (read as "disgrace")`},
		{"letters on lines", "d\ni\ns\ng\nr\na\nc\ne", `(read as "disgrace")`},
		{"letters and emoji", "d🔥i🔥s🔥g🔥r🔥a🔥c🔥e", `(read as "disgrace")`},
		{"a word hyphenated at the end of a line", "It is a dis-\ngrace.", `"dis-grace" (read as "disgrace")`},
		{"a hair space", "A dis\u200agrace.", `(read as "disgrace")`},
		{"a narrow no-break space", "Residents sh\u202fould sign up.", `(read as "should")`},
		{"letters and no-break spaces", "d\u00a0i\u00a0s\u00a0g\u00a0r\u00a0a\u00a0c\u00a0e", `(read as "disgrace")`},
	} {
		expectRead(t, e, c.name, floodSentence+" "+c.add, policy.NewContent, c.reason, "")
	}
	// Letters that spell no view are not one, and hyphenated words are
	// words of their own.
	long := floodSentence + " At the opening she called it \"a historic day for Quayside\". The scheme cost £14.6 million."
	for _, add := range []string{"Routes A, B and C.", "Plan B.", "U.S.A.", "A-Z", "Well-being.", "Options (a) (b) (c).", "Grades A, B, C, D and E."} {
		expectRead(t, e, add, long+" "+add, policy.PublicDomain, "", "read as")
	}
}

// TestInvisibleCharactersInWords: format characters inside a word are
// dropped, so the word reads as displayed.
func TestInvisibleCharactersInWords(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, c := range []struct{ name, ch string }{
		{"zero-width space", "\u200b"}, {"zero-width non-joiner", "\u200c"}, {"zero-width joiner", "\u200d"},
		{"soft hyphen", "\u00ad"}, {"word joiner", "\u2060"}, {"variation selector", "\ufe0f"},
		{"combining grapheme joiner", "\u034f"}, {"tag character", "\U000e0041"}, {"byte order mark", "\ufeff"},
	} {
		expectRead(t, e, c.name, floodSentence+" A dis"+c.ch+"grace.", policy.NewContent, `(read as "a disgrace")`, "")
		expectRead(t, e, c.name+" in should", floodSentence+" Residents sh"+c.ch+"ould sign up.", policy.NewContent, `(read as "should")`, "")
	}
}

// TestLetterSymbols: symbols that display as letters (circled, squared,
// in brackets, negative, regional indicators) are read as those letters.
func TestLetterSymbols(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, add := range []string{"ⒹⒾⓈⒼⓇⒶⒸⒺ", "🄳🄸🅂🄶🅁🄰🄲🄴", "🅳🅸🆂🅶🆁🅰🅲🅴", "🅓🅘🅢🅖🅡🅐🅒🅔", "⒟⒤⒮⒢⒭⒜⒞⒠", "🇩🇮🇸🇬🇷🇦🇨🇪", "🇩 🇮 🇸 🇬 🇷 🇦 🇨 🇪"} {
		expectRead(t, e, add, floodSentence+" "+add, policy.NewContent, `(read as "disgrace")`, "")
	}
	// A flag is read as its two letters, which say nothing.
	expectRead(t, e, "a flag", floodSentence+" 🇬🇧", policy.PublicDomain, "", "")
}

// TestHTMLCommentsAreRead: an HTML comment is not posted, but it is read
// as part of the post, with a warning that it will not be visible.
func TestHTMLCommentsAreRead(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, c := range []struct {
		name, body string
		line       int
	}{
		{"inline", floodSentence + " <!-- we think this is a disgrace -->", 6},
		{"a block", floodSentence + "\n\n<!--\nwe think this\nis a disgrace\n-->", 8},
		{"before the text", "<!-- shameful -->\n\n" + floodSentence, 6},
	} {
		r := expectRead(t, e, c.name, c.body, policy.NewContent, "in hidden text (an HTML comment, a title or a link definition), read though not posted", "")
		f := findRule(r.Findings, policy.RuleHiddenText)
		if f == nil || f.Severity != policy.Warning || f.Line != c.line || !strings.Contains(f.Message, "will not be visible") {
			t.Errorf("%s: finding %+v", c.name, f)
		}
		if strings.Contains(r.Text, "disgrace") || strings.Contains(r.Text, "shameful") {
			t.Errorf("%s: the comment is in the posted text %q", c.name, r.Text)
		}
	}
	// Titles are shown only when the pointer rests on them: read too.
	for _, c := range []struct {
		name, body string
		line       int
	}{
		{"a link title", floodSentence + "\n\n[Read more](https://www.northbridge.gov.uk/news/flood-defences \"We think it is a disgrace\")", 8},
		{"an image title", floodSentence + "\n\n![The wall](wall.jpg \"Shameful\")", 8},
		{"a title attribute", floodSentence + " <span title=\"we think it is a disgrace\">More soon.</span>", 6},
		// A link definition no link uses shows nothing: a common way to
		// write a comment in Markdown.
		{"a link definition used as a comment", floodSentence + "\n\n[//]: # (We think it is a disgrace)", 8},
		{"a link definition's label", floodSentence + "\n\n[we think it is a disgrace]: <>", 8},
	} {
		r := expectRead(t, e, c.name, c.body, policy.NewContent, "in hidden text", "")
		if f := findRule(r.Findings, policy.RuleHiddenText); f == nil || f.Line != c.line || !strings.Contains(f.Message, "is not posted") {
			t.Errorf("%s: finding %+v", c.name, f)
		}
	}
	// A link definition a link uses is the link: no warning.
	r0 := expectRead(t, e, "a reference link", floodSentence+" [Read more][1]\n\n[1]: https://www.northbridge.gov.uk/news/flood-defences", policy.PublicDomain, "", "")
	if f := findRule(r0.Findings, policy.RuleHiddenText); f != nil {
		t.Errorf("reference link: finding %+v", f)
	}
	// A note with no view or new fact: a warning, no review.
	r := expectRead(t, e, "a note", floodSentence+"\n\n<!-- lifted from the flood release -->", policy.PublicDomain, "", "")
	if f := findRule(r.Findings, policy.RuleHiddenText); f == nil || f.Line != 8 {
		t.Errorf("note: finding %+v", f)
	}
	// A figure in a comment is a new fact.
	expectRead(t, e, "a figure", floodSentence+" <!-- cost £20 million -->", policy.NewContent, "", "")
}

// TestHashtagsReadAsWords: a hashtag is read as words whatever its case,
// and a view or an idiom of view in it needs review; a topic tag does not.
func TestHashtagsReadAsWords(t *testing.T) {
	cfg := testConfig + "lexicon:\n  view: [\"about time\", \"at last\"]\n"
	e := engineFor(t, testRepo(map[string]string{".github/clearance.yml": cfg}), testNow)
	for _, c := range []struct{ tag, read string }{
		{"#SHAMEONTHEM", "shame on them"},
		{"#shameonthem", "shame on them"},
		{"#ShameOnThem", "shame on them"},
		{"#ShameONTHEM", "shame on them"},
		{"#wethinkitsadisgrace", "we think its a disgrace"},
		{"#WeThinkItsADisgrace", "we think its a disgrace"},
		{"#AboutTime", "about time"},
		{"#ABOUTTIME", "about time"},
		{"#itsabouttime", "its about time"},
		{"#atlast", "at last"},
		{"#NeverForget2026", "never forget 2026"},
		{"#MillbrookDeservesBetter", "millbrook deserves better"},
		{"＃shameonthem", "shame on them"}, // a full-width hash sign is one
	} {
		expectRead(t, e, c.tag, floodSentence+" "+c.tag, policy.NewContent, `"`+c.tag+`" (read as "`+c.read+`")`, "")
	}
	// A run of letters longer than any post is not read as words (that
	// would be slow) but needs review as it stands.
	expectRead(t, e, "a very long run", floodSentence+" "+strings.Repeat("wethinkitsadisgrace", 20)+".", policy.NewContent, "too long to read as words", "")
	expectRead(t, e, "many letters spelled out", floodSentence+" "+strings.Repeat("d i s g r a c e ", 50), policy.NewContent, `(read as "disgrace disgrace`, "")
	// Words run together outside a hashtag are read the same way.
	for _, c := range []struct{ add, read string }{
		{"wethinkitsadisgrace", "we think its a disgrace"},
		{"SHAMEONTHEM", "shame on them"},
		{"It is adisgrace.", "a disgrace"},
		{"ShameOnThem", "shame on them"},
	} {
		expectRead(t, e, c.add, floodSentence+" "+c.add, policy.NewContent, `(read as "`+c.read+`")`, "")
	}
	long := floodSentence + " At the opening she called it \"a historic day for Quayside\". The scheme cost £14.6 million."
	for _, add := range []string{"Lovelace Road is open.", "Thanks to Bestwood and Greatorex.", "Meet the team on LinkedIn.", "Watch on YouTube."} {
		expectRead(t, e, add, long+" "+add, policy.PublicDomain, "", "read as")
	}
	for _, tags := range []string{
		"#RoadSafety #Northbridge #WinterReady",
		"#roadsafety #northbridge #winterready",
		"#ROADSAFETY #FLOODAWARENESS",
		"#Quayside2026 #RiverWend #FloodDefences",
		"#millbrookfloodscheme",
		"#90Businesses", // the release's figure
	} {
		expectRead(t, e, tags, floodSentence+"\n\n"+tags, policy.PublicDomain, "", "")
	}
}
