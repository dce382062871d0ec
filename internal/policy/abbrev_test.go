package policy_test

import (
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// TestAbbreviationsEndNoSentence: a draft is split into sentences by the
// register's rule, so a sentence holding "Dr." or "9.30 a.m." lifted whole
// is published; and the register's sentence is still whole, so half of it is
// not.
func TestAbbreviationsEndNoSentence(t *testing.T) {
	const rel = `---
title: New assessment unit opens at Westgate Hospital
published_at: 2026-11-20T09:00:00Z
url: https://www.example-trust.nhs.uk/news/assessment-unit
---
Dr. Amara Osei, medical director at the trust, said the unit would see its first patients at 9.30 a.m. on Monday 30 November.

The unit has 24 assessment bays and will be open from 8 a.m. to 10 p.m. every day.
`
	e := engineFor(t, testRepo(map[string]string{"published/unit.md": rel}), testNow)
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
	}{
		{"a title abbreviation", "Dr. Amara Osei, medical director at the trust, said the unit would see its first patients at 9.30 a.m. on Monday 30 November.", policy.PublicDomain},
		{"times with a.m. and p.m.", "The unit has 24 assessment bays and will be open from 8 a.m. to 10 p.m. every day.", policy.PublicDomain},
		{"the sentence after the title only", "Amara Osei, medical director at the trust, said the unit would see its first patients at 9.30 a.m. on Monday 30 November.", policy.NewContent},
	} {
		t.Run(c.name, func(t *testing.T) {
			expectScenario(t, e, c.name, c.body, c.want, "")
		})
	}
}

// TestEmojiOfJudgement: an emoji that mocks or condemns states a view even
// beside published text; a warm or festive one does not.
func TestEmojiOfJudgement(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const flood = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
		reason     string
	}{
		{"anger", flood + " 😡", policy.NewContent, "It expresses a view with an emoji: 😡 (anger)"},
		{"eye-roll", "🙄 " + flood, policy.NewContent, "🙄 (scorn)"},
		{"laughing at it", flood + " 😂😂", policy.NewContent, "😂 (laughter at it)"},
		{"applause", flood + " 👏👏👏", policy.NewContent, "👏 (applause)"},
		{"a heart", flood + " 💙", policy.PublicDomain, ""},
		{"a picture", "🌊 " + flood, policy.PublicDomain, ""},
	} {
		t.Run(c.name, func(t *testing.T) { expectScenario(t, e, c.name, c.body, c.want, c.reason) })
	}
}

// TestInternalLinkIsNeverFree: published words beside an internal address
// are not published material: the draft needs review (and the link is an
// error).
func TestInternalLinkIsNeverFree(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const flood = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."
	expectScenario(t, e, "internal link", flood+" Rota: https://intranet.example.gov.uk/rota", policy.NewContent, "It names an internal address")
}

// TestLinkToAnEmbargoedRelease: a pointer to the page of a release still
// under embargo is not free, and is an error unless the post goes out after
// the embargo lifts.
func TestLinkToAnEmbargoedRelease(t *testing.T) {
	const rel = `---
title: New homes plan
published_at: 2026-11-20T09:00:00Z
embargo_until: 2026-12-08T00:01:00Z
url: https://www.northbridge.gov.uk/news/homes-plan
---
The council will build 400 new social homes by 2030.
`
	e := engineFor(t, testRepo(map[string]string{"published/homes.md": rel}), testNow)
	post := func(publishAt string) string {
		return "---\nchannel: x\nauthor: Northbridge City Council\npublish_at: " + publishAt + "\n---\nOur homes plan: https://www.northbridge.gov.uk/news/homes-plan\n"
	}
	r := e.Evaluate("posts/early.md", []byte(post("2026-12-01T09:00:00Z")))
	if r.Scenario != policy.NewContent || !hasRule(r, "embargoed-text") {
		t.Errorf("before the embargo lifts: %s, findings %v", r.Scenario, r.Findings)
	}
	r = e.Evaluate("posts/late.md", []byte(post("2026-12-09T09:00:00Z")))
	if r.Scenario != policy.NewContent || hasRule(r, "embargoed-text") {
		t.Errorf("after the embargo lifts: %s, findings %v; want new-content (not public yet) without an error", r.Scenario, r.Findings)
	}
}

// TestStaleWeekday: a weekday without a date in published text means a day
// near the release; posted more than six days later it is stale.
func TestStaleWeekday(t *testing.T) {
	const rel = `---
title: Water supply restored in Eastfield
published_at: 2026-11-16T09:00:00Z
url: https://www.northbridge.gov.uk/news/water
---
Customers who have not used their water since Tuesday should run their cold taps for two minutes.

Collections take place every Monday across the district.

The deadline to apply is 4pm on Friday, 15 January 2027.
`
	e := engineFor(t, testRepo(map[string]string{"published/water.md": rel}), testNow) // ten days later
	expectScenario(t, e, "a weekday alone", "Customers who have not used their water since Tuesday should run their cold taps for two minutes.", policy.NewContent, `It repeats "Tuesday" (line 6)`)
	expectScenario(t, e, "every Monday", "Collections take place every Monday across the district.", policy.PublicDomain, "")
	expectScenario(t, e, "a weekday with its date", "The deadline to apply is 4pm on Friday, 15 January 2027.", policy.PublicDomain, "")
	soon := engineFor(t, testRepo(map[string]string{"published/water.md": rel}), testNow.AddDate(0, 0, -8)) // two days after
	expectScenario(t, soon, "in the release's week", "Customers who have not used their water since Tuesday should run their cold taps for two minutes.", policy.PublicDomain, "")
}

// TestInstructionHashtags: a hashtag that opens with an instruction tells
// the reader what to do; one that invites ("#TakePart") or names a topic
// does not.
func TestInstructionHashtags(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const flood = "Northbridge City Council has completed the new flood defences along the River Wend, protecting more than 1,200 homes and 90 businesses in the Millbrook and Quayside areas."
	for _, c := range []struct {
		tag  string
		want policy.Scenario
	}{
		{"#StaySafe", policy.NewContent}, {"#KEEPWARM", policy.NewContent}, {"#checkonyourneighbours", policy.NewContent},
		{"#TakePart", policy.PublicDomain}, {"#StayTuned", policy.PublicDomain}, {"#CleanAirDay", policy.PublicDomain}, {"#OpenDay", policy.PublicDomain}, {"#RoadSafety", policy.PublicDomain}, {"#Northbridge", policy.PublicDomain},
	} {
		t.Run(c.tag, func(t *testing.T) { expectScenario(t, e, c.tag, flood+" "+c.tag, c.want, "") })
	}
}
