package policy_test

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// TestAccordingTo: "according to" gives a figure to whoever follows it. A
// draft may leave it out when that is the release's own voice; left out
// when it is a third party, the third party's figure would become the
// poster's own.
func TestAccordingTo(t *testing.T) {
	const rel = `---
title: Vehicle crime falls across the county
published_at: 2026-11-20T09:00:00Z
url: https://www.northbridge.gov.uk/news/vehicle-crime
---
Thefts of catalytic converters rose by 40 per cent last year, according to the Kestrel Insurance Bureau.

Vehicle crime in the county fell by 12 per cent over the same period, according to the council.

According to the Kestrel Insurance Bureau, most thefts happen at night.
`
	e := engineFor(t, testRepo(map[string]string{"published/crime.md": rel}), testNow)
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
	}{
		{"a third party's figure, its source dropped", "Thefts of catalytic converters rose by 40 per cent last year.", policy.NewContent},
		{"a third party's figure with its source", "Thefts of catalytic converters rose by 40 per cent last year, according to the Kestrel Insurance Bureau.", policy.PublicDomain},
		{"the release's own figure, its source dropped", "Vehicle crime in the county fell by 12 per cent over the same period.", policy.PublicDomain},
		{"an opening third-party source dropped", "Most thefts happen at night.", policy.NewContent},
	} {
		t.Run(c.name, func(t *testing.T) { expectScenario(t, e, c.name, c.body, c.want, "") })
	}
}

// TestRepostFrom: "Repost from @x:" is a repost prefix, like "RT @x:".
func TestRepostFrom(t *testing.T) {
	e := framingEngine(t)
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
	}{
		{"repost from", "Repost from @NorthbridgeCC: The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain},
		{"reposting from", "Reposting from @NorthbridgeCC – the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain},
	} {
		t.Run(c.name, func(t *testing.T) { expectScenario(t, e, c.name, c.body, c.want, "") })
	}
}

// TestRepostOfAQuotation: a repost prefix before a published sentence that
// holds a quotation is not taken for words put in the speaker's mouth.
func TestRepostOfAQuotation(t *testing.T) {
	const rel = `---
title: Appeal after collision on Harbour Road
published_at: 2026-11-20T09:00:00Z
url: https://www.westmoor.police.example.uk/news/harbour-road
---
Sergeant Lewis Farrant, of the Roads Policing Unit, said: "We are keen to speak to anyone who was driving along Harbour Road between 6pm and 6.20pm."
`
	e := engineFor(t, testRepo(map[string]string{"published/appeal.md": rel}), testNow)
	expectScenario(t, e, "repost of a quotation", `Repost from @WestmoorPolice: Sergeant Lewis Farrant, of the Roads Policing Unit, said: "We are keen to speak to anyone who was driving along Harbour Road between 6pm and 6.20pm."`, policy.PublicDomain, "")
	expectScenario(t, e, "a speaker's words put in another's mouth", `Chief Constable Ann Hale said: "We are keen to speak to anyone who was driving along Harbour Road between 6pm and 6.20pm."`, policy.NewContent, "")
}

// TestChangedPlaceFirst: a name changed in a sentence's first word is a
// changed fact, as anywhere else; a common word there is not a name.
func TestChangedPlaceFirst(t *testing.T) {
	const rel = `---
title: Tap-and-go fares for town buses
published_at: 2026-11-20T09:00:00Z
url: https://www.transport.example.gov.au/news/tap-and-go
---
Marrabool will be the first community to benefit, with 18 local buses to be fitted with the new readers.
`
	e := engineFor(t, testRepo(map[string]string{"published/tap.md": rel}), testNow)
	r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "Coolabah will be the first community to benefit, with 18 local buses to be fitted with the new readers.\n")))
	f := findRule(r.Findings, "changed-fact")
	if r.Scenario != policy.NewContent || f == nil || !strings.Contains(f.Message, `"Coolabah"`) || !strings.Contains(strings.ToLower(f.Message), "marrabool") {
		t.Errorf("a place changed in the first word: %s %v", r.Scenario, r.Findings)
	}
	r = e.Evaluate("posts/b.md", []byte(draftSrc(std, "Everyone will be the first community to benefit, with 18 local buses to be fitted with the new readers.\n")))
	if r.Scenario != policy.NewContent || findRule(r.Findings, "changed-fact") != nil {
		t.Errorf("a common word first: %s %v; want new-content, not a changed name", r.Scenario, r.Findings)
	}
}

// TestFigureLeftOut: leaving a figure out with the words around it changes
// no figure the post states: the sentence is named as not the published
// one, without a changed-fact error; changing a figure is one.
func TestFigureLeftOut(t *testing.T) {
	const rel = `---
title: Bursary opens
published_at: 2026-11-20T09:00:00Z
url: https://www.example.ie/news/bursary
---
Applications open on 2 November 2026 and close at 5pm on 29 January 2027.

The depot includes 12 charging bays and nine plug-in chargers, and will support 210 electric buses.
`
	e := engineFor(t, testRepo(map[string]string{"published/bursary.md": rel}), testNow)
	for _, c := range []struct {
		body    string
		changed bool
	}{
		{"Applications close at 5pm on 29 January 2027.", false},
		{"The depot includes 12 bays and will support 210 electric buses.", false},
		{"Applications open on 2 November 2026 and close at 5pm on 28 January 2027.", true},
		{"The depot includes 14 charging bays and nine plug-in chargers, and will support 210 electric buses.", true},
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, c.body+"\n")))
		if got := findRule(r.Findings, "changed-fact") != nil; got != c.changed || r.Scenario != policy.NewContent {
			t.Errorf("%q: %s, changed-fact %v; want new-content, changed-fact %v (%v)", c.body, r.Scenario, got, c.changed, r.Findings)
		}
	}
}

// TestQuotationsWhole: a published quotation counts only whole (or as
// whole sentences of it): cut short at a comma inside it, it says what the
// speaker did not say as it stands.
func TestQuotationsWhole(t *testing.T) {
	const rel = `---
title: Vehicle theft grant
published_at: 2026-11-20T09:00:00Z
url: https://www.example.ca/news/theft
---
"Vehicle theft is not a victimless crime, and this funding will help police recover stolen cars faster," said Minister Dana Roy.

“Our pupils will start the day fed and ready to learn,” said Sam Okafor, headteacher of Hill Primary School.

At the opening she called it "a historic day for the town".
`
	e := engineFor(t, testRepo(map[string]string{"published/theft.md": rel}), testNow)
	for _, c := range []struct {
		body string
		want policy.Scenario
	}{
		{`"Vehicle theft is not a victimless crime," said Minister Dana Roy.`, policy.NewContent},
		{`"Vehicle theft is not a victimless crime, and this funding will help police recover stolen cars faster," said Minister Dana Roy.`, policy.PublicDomain},
		{"“Our pupils will start the day fed and ready to learn,” said Sam Okafor, headteacher of Hill Primary School.", policy.PublicDomain},
		{`"this funding will help police recover stolen cars faster," said Minister Dana Roy.`, policy.NewContent}, // begun mid-clause
	} {
		expectScenario(t, e, c.body, c.body, c.want, "")
	}
}
