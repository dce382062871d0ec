package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// worksRelease has a negation and a condition to leave out.
const worksRelease = `---
title: Mill Lane roadworks
published_at: 2026-10-01T09:00:00Z
url: https://www.northbridge.gov.uk/news/mill-lane
---
The council will not close Mill Lane during the works. Buses will run as normal unless the weather is severe.

The works will finish in March, the council said.

Today, the council opened the new depot on Mill Lane. In Eastfield, residents will park on Mill Road during the works.
`

// TestPublishedMeansWholeSentences: text counts as published only as whole
// sentences of one public document (a closing clause may be left out if
// it does not qualify the rest), and what a public-domain draft adds may
// not state new facts, change published text, or put a quotation in
// someone else's mouth. Each case names a reason that must be given.
func TestPublishedMeansWholeSentences(t *testing.T) {
	e := engineFor(t, testRepo(map[string]string{"published/works.md": worksRelease}), testNow)
	const flood = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
		reason     string
	}{
		{"a whole sentence", flood, policy.PublicDomain, "100% of its words are already published"},
		{"a whole sentence with its negation", "The council will not close Mill Lane during the works.", policy.PublicDomain, ""},
		{"the negation left out", "The council will close Mill Lane during the works.", policy.NewContent, "is close to text in \"Mill Lane roadworks\""},
		{"a figure changed", strings.Replace(flood, "1,200", "1,500", 1), policy.NewContent, "It changes published text"},
		{"a condition cut off", "Buses will run as normal.", policy.NewContent, ""},
		{"a condition cut off a longer sentence", "The council will not close Mill Lane during the works. Buses will run as normal.", policy.NewContent, ""},
		{"a closing attribution left out", "The works will finish in March.", policy.PublicDomain, ""},
		{"an opening 'Today,' left out", "The council opened the new depot on Mill Lane.", policy.PublicDomain, ""},
		{"an opening scope left out", "Residents will park on Mill Road during the works.", policy.NewContent, "close to text in"},
		{"a closing clause left out", "Northbridge City Council has completed the new flood defences along the River Wend.", policy.PublicDomain, ""},
		{"a sentence entered in the middle", "The new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas.", policy.NewContent, ""},
		{"a label before published text", "Update: " + flood, policy.PublicDomain, ""},
		{"a new date in the few words added", flood + " Works end Monday.", policy.NewContent, `adds figures, dates or times that are not in the published text: "monday"`},
		{"a quotation given to someone else", "Cllr Tom Baker said: “We are delighted that these defences are finished.”", policy.NewContent, "not the same"},
		{"a quotation given to someone else, with published text", flood + " Cllr Tom Baker said: “We are delighted that these defences are finished.”", policy.NewContent, `"tom", "baker"`},
		{"a quotation given to its speaker", "Councillor Priya Shah said: “We are delighted that these defences are finished.”", policy.PublicDomain, ""},
		{"a release's title over its link", "[River Wend flood defences completed](https://www.northbridge.gov.uk/news/flood-defences)", policy.PublicDomain, ""},
		{"a thread counter", "1/2 " + flood, policy.PublicDomain, ""},
		{"a label with an emoji", "NEW 📢 " + flood, policy.PublicDomain, ""},
		{"a label with a dash", "JUST IN – " + flood, policy.PublicDomain, ""},
		{"a hashtag after published text", flood + "\n\n#Northbridge #FloodDefences2026", policy.PublicDomain, ""},
		{"a speaker after a dash", "“We are delighted that these defences are finished.” – Councillor Priya Shah", policy.PublicDomain, ""},
		{"a promise written short", flood + " We'll refund every bill.", policy.NewContent, `"We'll"`},
	} {
		expectScenario(t, e, c.name, c.body, c.want, c.reason)
	}
}

// expectScenario evaluates a post with std front matter and body, and
// checks its scenario and that one of its reasons contains reason.
func expectScenario(t *testing.T, e *policy.Engine, name, body string, want policy.Scenario, reason string) {
	t.Helper()
	r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
	reasons := strings.Join(r.Reasons, "\n")
	switch {
	case r.Scenario != want:
		t.Errorf("%s: %s, want %s\n%s", name, r.Scenario, want, reasons)
	case reason != "" && !strings.Contains(strings.ToLower(reasons), strings.ToLower(reason)):
		t.Errorf("%s: no reason says %q:\n%s", name, reason, reasons)
	}
}

// TestInstructionsPromisesNamesImages: advice given as an instruction,
// promises and admissions, and images need review; invitations and proper
// names that contain a lexicon word do not.
func TestInstructionsPromisesNamesImages(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const link = " https://www.northbridge.gov.uk/x"
	for _, c := range []struct {
		body   string
		want   policy.Scenario
		reason string
	}{
		{"Call 999 if you see someone in the water:" + link, policy.NewContent, `It gives guidance or advice: "call"`},
		{"Boil your tap water before drinking it." + link, policy.NewContent, `"boil"`},
		{"Only come to A&E if it is an emergency:" + link, policy.NewContent, `"only come"`},
		{"Pool update: please keep children away from the water." + link, policy.NewContent, `"please keep"`},
		{"We will reopen the pool in May:" + link, policy.NewContent, `promise or an admission on the organisation's behalf: "we will"`},
		{"The delay was our fault. Complaints:" + link, policy.NewContent, `"our fault"`},
		{"![Map of the closures](map.png) Closures:" + link, policy.NewContent, "It attaches an image"},
		{"Find out more about the flood defences:" + link, policy.Pointer, ""},
		{"Check your bin collection day:" + link, policy.Pointer, ""},
		{"Pay your council tax online:" + link, policy.Pointer, ""},
		{"Get your tickets for the open day:" + link, policy.Pointer, ""},
		{"Submit your form by 5pm on Friday:" + link, policy.NewContent, `"Submit"`},
		{"Hi Sam, please call us on 0345 000 000 about your bin:" + link, policy.Pointer, ""},
		{"Find out if you are eligible:" + link, policy.Pointer, ""},
		{"Remember to book your place:" + link, policy.Pointer, ""},
		{"Vote for Jane Hollis on 7 May:" + link, policy.NewContent, `It expresses a view: "Vote for" (line 6).`},
		{"Hi Jo, we'll refund you in full. Details:" + link, policy.NewContent, `"we'll"`},
		{"Cllr Shah: “Bills will not go up this year.”" + link, policy.NewContent, "It quotes words that are not in any published document"},
		{"The defences cost £20 million: https://www.northbridge.gov.uk/news/flood-defences", policy.NewContent, `the release it links to does not have: "£20 million" (line 6)`},
		{"The defences cost £14.6 million: https://www.northbridge.gov.uk/news/flood-defences", policy.Pointer, ""},
		{"Live at 2pm: https://www.example.org/stream", policy.NewContent, `It states figures, dates or times ("2pm" (line 6)), but the page it links to is not a document in the register`},
		{"Watch the debate live: https://www.example.org/stream", policy.Pointer, ""},
		{"“We are delighted that these defences are finished.” – Cllr Tom Baker https://www.northbridge.gov.uk/news/flood-defences", policy.NewContent, `"tom", "baker"`},
		{"Stay tuned for updates:" + link, policy.Pointer, ""},
		{"Have your say on the plan:" + link, policy.Pointer, ""},
		{"Great Wessex Hospitals has new visiting times:" + link, policy.Pointer, ""},
		{"Dinner at the Best Western Plus Castleford Hotel:" + link, policy.Pointer, ""},
		{"A lecture on the Great Fire of London:" + link, policy.Pointer, ""},
		{"Great News From The Council:" + link, policy.NewContent, `It expresses a view: "great"`},
		{"Great news: the pool reopens in May." + link, policy.NewContent, `"Great"`},
		{"This is a disgrace:" + link, policy.NewContent, `"a disgrace"`},
		{"#ShameOnThem #VoteForChange" + link, policy.NewContent, `It expresses a view: "#ShameOnThem" (read as "shame on them")`},
		{"#FloodDefences are open:" + link, policy.Pointer, ""},
		{"Customers **sh**ould use the form:" + link, policy.NewContent, `"should"`},
		{"Customers sh<b>ou</b>ld use the form:" + link, policy.NewContent, `"should"`},
		{"Customers sh&#111;uld use the form:" + link, policy.NewContent, `"should"`},
		{"Y\u0585u \ua731\u029c\u1d0f\u1d1c\u029f\u1d05 read this:" + link, policy.NewContent, `(read as "should")`},
	} {
		expectScenario(t, e, fmt.Sprintf("%q", c.body), c.body, c.want, c.reason)
	}
}

// TestMarkingAcrossLines: a marking wrapped onto the next line reads as
// one once posted.
func TestMarkingAcrossLines(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for _, body := range []string{
		"The new bridge budget. Not for\npublication until Monday.",
		"Figures are official\nsensitive until the vote.",
		"*not for\npublication*",
		"Briefing: TOP\nSECRET",
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
		if f := findRule(r.Findings, policy.RuleMarking); f == nil || f.Line != 6 {
			t.Errorf("%q: findings %v; want a protective-marking error on line 6", body, r.Findings)
		}
	}
	// Capitals matter for SECRET: "top⏎secret plans" is not a marking.
	r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "Our top\nsecret recipe for mince pies: https://www.northbridge.gov.uk/x\n")))
	if f := findRule(r.Findings, policy.RuleMarking); f != nil {
		t.Errorf("lower-case top secret: %v", f)
	}
}

// TestIgnoreInstruction: lexicon.ignore turns an instruction verb off.
func TestIgnoreInstruction(t *testing.T) {
	body := draftSrc(std, "Boil water before use: https://www.northbridge.gov.uk/x\n")
	if r := engineFor(t, testRepo(nil), testNow).Evaluate("posts/a.md", []byte(body)); r.Scenario != policy.NewContent {
		t.Errorf("default: %s", r.Scenario)
	}
	tree := testRepo(map[string]string{".github/clearance.yml": testConfig + "lexicon:\n  ignore: [boil]\n"})
	if r := engineFor(t, tree, testNow).Evaluate("posts/a.md", []byte(body)); r.Scenario != policy.Pointer {
		t.Errorf("with boil ignored: %s %q", r.Scenario, r.Reasons)
	}
}

// TestPublishAtWithoutZone: a time without a zone is read as UTC, with a
// warning that says how to write it.
func TestPublishAtWithoutZone(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	for fm, warn := range map[string]bool{
		"publish_at: 2027-06-01T00:30:00\n":       true,
		"publish_at: 2027-06-01T00:30:00Z\n":      false,
		"publish_at: 2027-06-01T00:30:00+01:00\n": false,
		"publish_at: 2027-06-01\n":                false,
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std+fm, "Bus times: https://www.northbridge.gov.uk/x\n")))
		got := false
		for _, f := range r.Findings {
			got = got || f.Severity == policy.Warning && strings.Contains(f.Message, "has no time zone")
		}
		if got != warn {
			t.Errorf("%s: warning %v, want %v: %v", strings.TrimSpace(fm), got, warn, r.Findings)
		}
	}
}

// TestHeadingOverPublishedText: a heading of the draft's own over a
// published sentence leaves the sentence published; a sentence wrapped
// over two lines is read whole.
func TestHeadingOverPublishedText(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const flood = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."
	for body, want := range map[string]policy.Scenario{
		"## Flood works\n\n" + flood:                                                   policy.PublicDomain,
		strings.Replace(flood, " along the", "\nalong the", 1):                         policy.PublicDomain,
		strings.Replace(flood, " along the River Wend", "\nalong the River Thames", 1): policy.NewContent,
		"Customers no longer\nneed to boil water. " + flood:                            policy.NewContent,
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
		if r.Scenario != want {
			t.Errorf("%q: %s, want %s\n%s", body, r.Scenario, want, strings.Join(r.Reasons, "\n"))
		}
	}
}
