package policy_test

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// figuresRelease is made up, in the shape of a UK department's funding
// announcement (dateline, headline figure, count with its noun, deadline,
// time, quotation with title); modelled on the structure of
// https://www.gov.uk/government/news (school funding releases), in our own
// words.
const figuresRelease = `---
title: 750 more primary schools to get free breakfast clubs
published_at: 2026-11-02T09:00:00Z
url: https://www.example.gov.uk/news/breakfast-clubs
---
LONDON, 5 September

The Department for Education has announced £45 million to expand free breakfast clubs to 750 more primary schools.

Schools can apply until 30 November 2026, and the first clubs will open at 8am on 5 January 2027.

Applications close at 4:30 p.m. on 30 November 2026.

Clubs open at 8 a.m. GMT on school days.

About 1,200 pupils at each new school are expected to benefit, and the cost of a place will fall by 9% for parents.
`

// TestFiguresWithUnits: figures are compared with their units and what
// they count, not as bare numbers; characters that change a figure are
// read as part of it; a pointer to a page outside the register may not
// state figures.
func TestFiguresWithUnits(t *testing.T) {
	e := engineFor(t, testRepo(map[string]string{"published/clubs.md": figuresRelease}), testNow)
	const link = " https://www.example.gov.uk/news/breakfast-clubs"
	const lift = "The Department for Education has announced £45 million to expand free breakfast clubs to 750 more primary schools."
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
		reason     string
	}{
		// A pointer's figures against the release it links to.
		{"a money figure whose number is only in the dateline", "£5 million for breakfast clubs:" + link, policy.NewContent, `does not have: "£5 million" (line 6)`},
		{"the release's own figure", "£45 million for breakfast clubs:" + link, policy.Pointer, ""},
		{"the same figure written short", "£45m for breakfast clubs:" + link, policy.Pointer, ""},
		{"the same figure in words", "45 million pounds for breakfast clubs:" + link, policy.Pointer, ""},
		{"another currency", "$45m for breakfast clubs:" + link, policy.NewContent, `"$45m"`},
		{"a count with its noun", "1200 pupils per school to benefit:" + link, policy.Pointer, ""},
		{"a count of something else", "1,200 schools to benefit:" + link, policy.NewContent, `"1,200 schools"`},
		{"a percentage", "Places 9 per cent cheaper:" + link, policy.Pointer, ""},
		{"a changed percentage", "Places 19% cheaper:" + link, policy.NewContent, `"19%"`},
		{"a percentage is not a count", "9 schools:" + link, policy.NewContent, `"9 schools"`},
		{"a deadline as published", "Apply by 30 November:" + link, policy.Pointer, ""},
		{"a deadline in another form", "Apply by 30/11/2026:" + link, policy.Pointer, ""},
		{"a deadline with the month first", "Apply by November 30th:" + link, policy.Pointer, ""},
		{"a changed deadline", "Apply by 31 November:" + link, policy.NewContent, `"31 November"`},
		{"a date's day is not the money", "Apply by 45 November:" + link, policy.NewContent, ""},
		{"a time as published", "Clubs open at 08:00 on 5 January:" + link, policy.Pointer, ""},
		{"a changed time", "Clubs open at 9am on 5 January:" + link, policy.NewContent, `"9am"`},
		{"a year not stated", "Clubs open in 2028:" + link, policy.NewContent, `"2028"`},
		{"the release's year", "Clubs open in 2027:" + link, policy.Pointer, ""},
		{"a weekday the release's date falls on", "Clubs open on Tuesday 5 January:" + link, policy.Pointer, ""},
		{"a weekday it does not", "Clubs open on Friday:" + link, policy.NewContent, `"Friday"`},
		{"the weekday of the release's date, alone", "Clubs open on Tuesday:" + link, policy.NewContent, `"Tuesday"`},
		{"the wrong weekday for the date", "Clubs open on Monday 5 January:" + link, policy.NewContent, `"Monday"`},
		{"a count of the same number but something else", "750 more teachers:" + link, policy.NewContent, `"750 more teachers"`},
		{"a count with fewer words", "750 schools:" + link, policy.Pointer, ""},
		{"a figure in the title", "750 more primary schools:" + link, policy.Pointer, ""},
		{"a link with tracking parameters is the same release", "£45m for breakfast clubs:" + link + "?utm_source=x&utm_medium=social", policy.Pointer, ""},
		{"other parameters are another page", "£45m for breakfast clubs:" + link + "?page=2", policy.NewContent, "not a document in the register"},
		// A pointer to a page that is not in the register.
		{"figures and no register document", "Bills rise 9% from April: https://www.example.org/bills", policy.NewContent, `("9%" (line 6), "April" (line 6)), but the page it links to is not a document in the register`},
		{"no figures and no register document", "Read about the new bills: https://www.example.org/bills", policy.Pointer, ""},
		{"a phone number is not a figure", "Questions? Call us on 0345 000 0000: https://www.example.org/bills", policy.Pointer, ""},
		// Published sentences: the words match, the figure does not.
		{"a published sentence", lift, policy.PublicDomain, ""},
		{"a time written p.m. does not end the sentence", "Applications close at 4:30 p.m. on 30 November 2026.", policy.PublicDomain, ""},
		{"nor before a time zone", "Clubs open at 8 a.m. GMT on school days.", policy.PublicDomain, ""},
		{"but a capital after it starts one", "Applications close at 4:30 p.m. Call the school if your child has an allergy.", policy.NewContent, `"Call"`},
		{"a currency symbol changed", "The Department for Education has announced $45 million to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `"$45 million" (line 6) is not in "750 more primary schools to get free breakfast clubs" (published/clubs.md) as written: it says "£45 million"`},
		{"a fraction added", "The Department for Education has announced £45½ million to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `"£45½ million" (with the fraction ½)`},
		{"a superscript added", "The Department for Education has announced £45⁵ million to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `(with a superscript digit)`},
		{"a superscript after a year", "Schools can apply until 30 November 2026², and the first clubs will open at 8am on 5 January 2027.", policy.NewContent, `"30 November 2026²" (with a superscript digit)`},
		{"a strike-through over a digit", "The Department for Education has announced £4\u03365 million to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `(with a mark drawn over a digit)`},
		{"a slash over a digit", "The Department for Education has announced £45 million to expand free breakfast clubs to 7\u033850 more primary schools.", policy.NewContent, "\"7\u033850 more primary schools\" (with a mark drawn over a digit)"},
		{"a lone fraction", "The Department for Education has announced £45 million ½ to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `the fraction ½`},
		{"a word struck through", "The Department for Education has announced £45 million to expand f\u0336r\u0336e\u0336e\u0336 breakfast clubs to 750 more primary schools.", policy.NewContent, "crossed out with marks drawn through their letters: \"f\u0336r\u0336e\u0336e\u0336\" (line 6)"},
		{"a word struck through in a pointer", "S\u0336o\u0336o\u0336n\u0336 breakfast clubs:" + link, policy.NewContent, "crossed out"},
		{"a decimal point added", "The Department for Education has announced £4.5 million to expand free breakfast clubs to 750 more primary schools.", policy.NewContent, `says "£4.5 million" where "750 more primary schools to get free breakfast clubs" (published 2 November 2026) says "£45 million"`},
	} {
		expectScenario(t, e, c.name, c.body, c.want, c.reason)
	}
}

// TestChangedFacts: a sentence close to a published one but not the same
// says what differs, in both words; a changed figure, date, name, title,
// negation or modal verb is an error (changed-fact) naming both values.
func TestChangedFacts(t *testing.T) {
	release := figuresRelease + "\nIn an emergency, call 999: nobody who needs urgent care should stay away from the clubs.\n\nThe scheme could reach every primary school by 2030, Education Secretary Jane Morrow said.\n\nParents should not pay for a place at a free club.\n\n" +
		"“Every child deserves a good breakfast before lessons,” said Jane Morrow, Education Secretary.\n\n“Our pupils will start the day fed and ready to learn,” said Sam Okafor, headteacher of Hill Primary School.\n"
	e := engineFor(t, testRepo(map[string]string{"published/clubs.md": release, "published/works.md": worksRelease}), testNow)
	const title = `"750 more primary schools to get free breakfast clubs" (published 2 November 2026)`
	for _, c := range []struct {
		name, body string
		finding    string // a substring of the changed-fact finding; "" for none
		reason     string // a substring of a reason
	}{
		{"a changed amount", "The Department for Education has announced £54 million to expand free breakfast clubs to 750 more primary schools.",
			`a changed figure: it says "£54 million" where ` + title + ` says "£45 million"`, `says "£54 million" where`},
		{"a changed count", "The Department for Education has announced £45 million to expand free breakfast clubs to 570 more primary schools.",
			`it says "570 more primary schools" where ` + title + ` says "750 more primary schools"`, ""},
		{"what a count counts changed", "The Department for Education has announced £45 million to expand free breakfast clubs to 750 more secondary schools.",
			`a changed figure: "750 more secondary schools" (line 6) is not in "750 more primary schools to get free breakfast clubs" (published/clubs.md) as written: it says "750 more primary schools"`, ""},
		{"a changed date", "Schools can apply until 30 October 2026, and the first clubs will open at 8am on 5 January 2027.",
			`it says "30 October 2026" where ` + title + ` says "30 November 2026"`, ""},
		{"a changed time", "Schools can apply until 30 November 2026, and the first clubs will open at 9am on 5 January 2027.",
			`it says "9am" where ` + title + ` says "8am"`, ""},
		{"could becomes will", "The scheme will reach every primary school by 2030, Education Secretary Jane Morrow said.",
			`a changed negation or modal verb: it says "will" where ` + title + ` says "could"`, ""},
		{"should not becomes will", "Parents will pay for a place at a free club.",
			`it says "will" where ` + title + ` says "should not"`, ""},
		{"nobody becomes everyone", "In an emergency, call 999: everyone who needs urgent care should stay away from the clubs.",
			`a changed negation or modal verb: it says "everyone" where ` + title + ` says "nobody"`, ""},
		{"a negation left out", "The council will close Mill Lane during the works.",
			`it leaves out "not", which "Mill Lane roadworks" (published 1 October 2026) has`, ""},
		{"a changed name", "The scheme could reach every primary school by 2030, Education Secretary Jane Marlow said.",
			`a changed name or title: it says "Marlow" where ` + title + ` says "Morrow"`, ""},
		{"a changed title", "The scheme could reach every primary school by 2030, Health Secretary Jane Morrow said.",
			`a changed name or title: it says "Health" where`, ""},
		{"a quotation given to someone else", "Cllr Tom Baker said: “We are delighted that these defences are finished.”",
			`a published quotation is given to a speaker or title its document does not name: "tom", "baker"`, ""},
		{"a quotation given to another speaker the release names", "“Our pupils will start the day fed and ready to learn,” said Jane Morrow, Education Secretary.",
			`a published quotation is given to a speaker or title its document does not name: "jane", "morrow", "education", "secretary"`, ""},
		{"a quotation and its own speaker", "“Our pupils will start the day fed and ready to learn,” said Sam Okafor, headteacher of Hill Primary School.", "", ""},
		{"another word changed: named, not an error", "The Department for Education has announced £45 million to expand new breakfast clubs to 750 more primary schools.",
			"", `it says "new" where ` + title + ` says "free"`},
		{"a published sentence: nothing changed", "Parents should not pay for a place at a free club.", "", ""},
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, c.body+"\n")))
		var got []string
		for _, f := range r.Findings {
			if f.Rule == policy.RuleChangedFact {
				if f.Severity != policy.Error {
					t.Errorf("%s: changed-fact is a %s, want an error", c.name, f.Severity)
				}
				got = append(got, f.Message)
			}
		}
		all := strings.Join(got, "\n")
		switch {
		case c.finding == "" && len(got) > 0:
			t.Errorf("%s: unexpected changed-fact: %s", c.name, all)
		case c.finding != "" && !strings.Contains(all, c.finding):
			t.Errorf("%s: no changed-fact says %q:\n%s\nreasons:\n%s", c.name, c.finding, all, strings.Join(r.Reasons, "\n"))
		}
		if c.reason != "" && !strings.Contains(strings.Join(r.Reasons, "\n"), c.reason) {
			t.Errorf("%s: no reason says %q:\n%s", c.name, c.reason, strings.Join(r.Reasons, "\n"))
		}
		if c.finding != "" && r.Scenario != policy.NewContent {
			t.Errorf("%s: %s, want new-content", c.name, r.Scenario)
		}
	}
}

// TestChangedFactsEdges: at the start or the end of a sentence a draft
// may put its own words or leave some out; only a changed figure, name or
// negation there is a changed fact.
func TestChangedFactsEdges(t *testing.T) {
	release := figuresRelease + "\nNorthgate Building Society will receive £190,000 to run the clubs' payments.\n\nTo join, a school must have run a club for at least one year.\n"
	e := engineFor(t, testRepo(map[string]string{"published/clubs.md": release}), testNow)
	for _, c := range []struct {
		name, body string
		finding    string
	}{
		{"a name changed at the start", "Northgate Bank will receive £190,000 to run the clubs' payments.", `it says "Bank" where`},
		{"a number word changed at the end", "To join, a school must have run a club for at least two years.", `it says "two years" where`},
		{"the same figure written another way", "The Department for Education has announced £45m to expand free breakfast clubs to 750 more primary schools.", ""},
		{"a percentage written in words", "About 1,200 pupils at each new school are expected to benefit, and the cost of a place will fall by 9 per cent for parents.", ""},
		{"a date written another way", "Schools can apply until 30/11/2026, and the first clubs will open at 8am on 5 January 2027.", ""},
		{"thanks before a published sentence", "Thanks for asking! Schools can apply until 30 November 2026, and the first clubs will open at 8am on 5 January 2027.", ""},
		{"hashtags inside a published sentence", "The Department for Education has announced £45 million to expand free #BreakfastClubs to 750 more primary schools.", ""},
		{"a figure added at the end: named, reviewed, not an error", "The Department for Education has announced £45 million to expand free breakfast clubs to 750 more primary schools in 2027.", ""},
		{"a figure added in the middle", "The Department for Education has announced £45 million in 2027 to expand free breakfast clubs to 750 more primary schools.", `a changed figure: it adds "2027"`},
		{"decimals added to a figure", "The Department for Education has announced £45.5 million to expand free breakfast clubs to 750 more primary schools.", `it says "£45.5 million" where`},
		{"a sentence cut short before a figure", "Schools can apply until 30 November 2026.", ""},
		{"a greeting for a dateline", "Hi Sam – the first clubs will open at 8am on 5 January 2027.", ""},
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, c.body+"\n")))
		var got []string
		for _, f := range r.Findings {
			if f.Rule == policy.RuleChangedFact {
				got = append(got, f.Message)
			}
		}
		all := strings.Join(got, "\n")
		if c.finding == "" && len(got) > 0 || c.finding != "" && !strings.Contains(all, c.finding) {
			t.Errorf("%s: changed-fact findings:\n%s\nwant %q\nreasons:\n%s", c.name, all, c.finding, strings.Join(r.Reasons, "\n"))
		}
	}
}
