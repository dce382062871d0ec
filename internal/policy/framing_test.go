package policy_test

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// clubsRelease is modelled on the structure of a UK department's release
// on breakfast clubs (as reported at
// https://cityuniversitynews.co.uk/uncategorized/20260202/9531/500-primary-schools-in-england-are-set-to-receive-free-breakfast-clubs):
// an opening reporting clause in the department's voice, a minister's
// statement, a third party's claim, a denial, a deadline. The words are
// our own.
const clubsRelease = `---
title: 750 more primary schools to get free breakfast clubs
published_at: 2026-11-02T09:00:00Z
url: https://www.gov.uk/government/news/750-more-primary-schools-to-get-free-breakfast-clubs
---
# 750 more primary schools to get free breakfast clubs

The Department for Education today announced £45 million to open free breakfast clubs in 750 more primary schools.

Opening the debate, the Minister announced that every school in the scheme will be funded for three years.

The government said that the clubs save families up to £400 a year.

Critics said that the money will not cover the cost of staff.

The department denied that schools will be asked to pay for food.

Ministers confirmed that clubs will stay free unless a school opts out.

Applications close on 5 December 2026 and schools can apply through the online portal.

In Eastfield, the Minister said that parents will save up to £400 a year.

Speaking at the launch in Leeds, the Minister said that the first clubs will serve hot meals every day.

Schools Minister Jo Bell said: "Every child deserves a good breakfast."

Launching the scheme, Jo Bell announced that teachers will be trained to run the clubs.

TUC General Secretary Lee Ruiz said that the clubs will need more staff in rural areas.

The scheme will cost less than planned, the Institute for Fiscal Studies said.

The first clubs will open in 120 schools in the north, the department said.

Most parents will still pay for after-school care, a spokesperson for Families Together said.

The Office for Budget Checks said that the scheme will run over budget by 2028.

Union rep Lee Park said: "The plan is rushed. We have said that staff will need extra pay for early shifts."

Professor Kim Lee met the Minister in Leeds on Monday.

Professor Kim Lee said that breakfast clubs make little difference to exam results.

The Minister for Schools, Jo Bell, said that the first clubs will open in January.

The shadow minister said that the scheme has no money for rural schools.

The department previously said that clubs would open in every primary school in September.
`

// councilRelease is a council's release whose voice is the council,
// named in its web address.
const councilRelease = `---
title: Mill Road to close for resurfacing
published_at: 2026-11-20T09:00:00Z
url: https://www.northbridge.gov.uk/news/mill-road-resurfacing
---
Northbridge City Council has confirmed that Mill Road will close for resurfacing from 7 December for two weeks.

Residents said that the diversion will add twenty minutes to journeys.

The road will reopen to traffic before Christmas, and buses will use Station Street during the works.

The council today opened a consultation on parking along Mill Road and Station Street.

The council has not yet confirmed that the Christmas market will return to Station Street in the spring.
`

func framingEngine(t *testing.T) *policy.Engine {
	return engineFor(t, testRepo(map[string]string{"published/clubs.md": clubsRelease, "published/mill.md": councilRelease}), testNow)
}

// TestLeadingFrames: a greeting, a repost prefix or a dropped reporting
// clause in the release's own voice leaves a published sentence published;
// a greeting that carries content, a reporting clause that negates, doubts
// or qualifies, or one whose speaker is a third party, does not.
func TestLeadingFrames(t *testing.T) {
	e := framingEngine(t)
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
		reason     string
	}{
		{"a greeting with a name and a comma", "Hi Sam, applications close on 5 December 2026 and schools can apply through the online portal.", policy.PublicDomain, ""},
		{"a greeting with a dash", "Hi Jo – the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"thanks and a name", "Thanks Priya! Applications close on 5 December 2026 and schools can apply through the online portal.", policy.PublicDomain, ""},
		{"thanks for the question", "Thanks for your question, Sam. Applications close on 5 December 2026 and schools can apply through the online portal.", policy.PublicDomain, ""},
		{"hello with a handle", "Hello @sam_j, applications close on 5 December 2026 and schools can apply through the online portal.", policy.PublicDomain, ""},
		{"a greeting that carries a place", "Hi Eastfield, the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"a greeting that carries content", "Hi residents of Eastfield, the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, ""},
		{"a greeting that carries a view", "Hi Sam, sadly the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, "sadly"},
		{"a repost prefix with a colon", "RT @NorthbridgeCC: The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"a repost prefix without a colon", "RT @NorthbridgeCC The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"via a handle", "Via @NorthbridgeCC: the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"the department's announcement dropped", "£45 million to open free breakfast clubs in 750 more primary schools.", policy.PublicDomain, ""},
		{"the minister's announcement dropped with its opener", "Every school in the scheme will be funded for three years.", policy.PublicDomain, ""},
		{"the government's voice dropped", "The clubs save families up to £400 a year.", policy.PublicDomain, ""},
		{"the council's confirmation kept", "Northbridge City Council has confirmed that Mill Road will close for resurfacing from 7 December for two weeks.", policy.PublicDomain, "100% of its words"},
		{"the council's confirmation dropped", "Mill Road will close for resurfacing from 7 December for two weeks.", policy.PublicDomain, ""},
		{"a critic's claim made the poster's own", "The money will not cover the cost of staff.", policy.NewContent, `leaves out the words that open it there, "critics said that"`},
		{"residents' claim made the poster's own", "The diversion will add twenty minutes to journeys.", policy.NewContent, ""},
		{"a denial dropped", "Schools will be asked to pay for food.", policy.NewContent, `"the department denied that", and those words may deny, doubt`},
		{"a condition cut off after a dropped clause", "Clubs will stay free.", policy.NewContent, ""},
		{"a negation dropped", "The Christmas market will return to Station Street in the spring.", policy.NewContent, "negate, limit or set a condition"},
		{"a scope dropped with the reporting clause", "Parents will save up to £400 a year.", policy.NewContent, `"in eastfield the minister said that", and those words may set where or for whom it holds`},
		{"where the minister spoke dropped", "The first clubs will serve hot meals every day.", policy.PublicDomain, ""},
		{"a minister the release names with her title", "Teachers will be trained to run the clubs.", policy.PublicDomain, ""},
		{"a quotation's speaker dropped", "Every child deserves a good breakfast.", policy.PublicDomain, ""},
		{"a union leader's claim", "The clubs will need more staff in rural areas.", policy.NewContent, `"tuc general secretary lee ruiz said that"`},
		{"a closing third-party attribution dropped", "The scheme will cost less than planned.", policy.NewContent, `leaves out the words that close it there, "the institute for fiscal studies said", which give it to someone other than the release's own voice`},
		{"we, inside a third party's quotation", "Staff will need extra pay for early shifts.", policy.NewContent, ""},
		{"someone who met the minister is not the minister", "Breakfast clubs make little difference to exam results.", policy.NewContent, ""},
		{"a spokesperson for someone else", "Most parents will still pay for after-school care.", policy.NewContent, ""},
		{"an office for something else", "The scheme will run over budget by 2028.", policy.NewContent, ""},
		{"a department for something", "£45 million to open free breakfast clubs in 750 more primary schools.", policy.PublicDomain, ""},
		{"a closing own attribution dropped", "The first clubs will open in 120 schools in the north.", policy.PublicDomain, ""},
		{"a speaker named between commas", "The first clubs will open in January.", policy.NewContent, ""},
		{"a shadow minister's claim", "The scheme has no money for rural schools.", policy.NewContent, ""},
		{"what was said before", "Clubs would open in every primary school in September.", policy.NewContent, "cannot tell that it is the release's own voice"},
		{"a greeting whose name the release has", "Hi Northbridge, the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, ""},
		{"a greeting with a title", "Dear Mr Patel, the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"a greeting to all", "Good morning all: the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"a greeting on its own line", "Hi Sam,\n\nThe road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"a greeting without a comma", "Hi Sam the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, ""},
		{"thanks for something else", "Thanks for the extra money, Sam. The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, ""},
		{"a greeting in te reo Māori", "Kia ora Hemi, the road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"thanks for the kind words", "Thanks for the kind words. Applications close on 5 December 2026 and schools can apply through the online portal.", policy.PublicDomain, ""},
		{"a quotation, its speaker and a hashtag", "“Every child deserves a good breakfast.” – Schools Minister Jo Bell #BreakfastClubs", policy.PublicDomain, ""},
		{"a repost of two handles", "RT @NorthbridgeCC @NorthbridgeBus: The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.PublicDomain, ""},
		{"RT without a handle", "RT The road will reopen to traffic before Christmas, and buses will use Station Street during the works.", policy.NewContent, ""},
		{"a dropped clause with its condition kept", "Clubs will stay free unless a school opts out.", policy.PublicDomain, ""},
	} {
		expectScenario(t, e, c.name, c.body, c.want, c.reason)
	}
}

// TestAddedWhoAndWhen: words a public-domain draft or a pointer adds may
// state no figure and still be false: a speaker the release does not name
// as who says it, or a time word ("today", "this week") the release's date
// no longer bears out on the day the post goes out (publish_at, else now).
func TestAddedWhoAndWhen(t *testing.T) {
	e := framingEngine(t)
	const road = "The road will reopen to traffic before Christmas, and buses will use Station Street during the works."
	const link = "https://www.northbridge.gov.uk/news/mill-road-resurfacing"
	for _, c := range []struct {
		name, fm, body string
		want           policy.Scenario
		reason         string
	}{
		{"another body as the speaker", "", "Treasury announced: " + road, policy.NewContent, `does not name "treasury" as who says it`},
		{"a third party as the speaker", "", "Critics said: " + road, policy.NewContent, `does not name "critics"`},
		{"a speaker the release quotes on something else", "", "Critics said: The clubs save families up to £400 a year.", policy.NewContent, `does not name "critics"`},
		{"the release's minister, by her title", "", "Schools Minister Jo Bell said: The clubs save families up to £400 a year.", policy.PublicDomain, ""},
		{"the speaker after the verb", "", road + " Announced by the Treasury.", policy.NewContent, `does not name "treasury"`},
		{"the release's own body, named in its address", "", "Northbridge City Council confirmed: " + road, policy.PublicDomain, ""},
		{"the release's own voice, as it names itself", "", "The council has confirmed: " + road, policy.PublicDomain, ""},
		{"we, posted by the release's body", "", "We announced: " + road, policy.PublicDomain, ""},
		{"we, posted by another body", "author: Department for Transport\n", "We announced: " + road, policy.NewContent, `does not name "we"`},
		{"today, a week after the release", "", "Today: " + road, policy.NewContent, `It says "Today" (line 6), but "Mill Road to close for resurfacing" (published/mill.md) was published on 20 November 2026 09:00 UTC and gives no date that fits: posted now, on 26 November 2026 12:00 UTC, the post would say`},
		{"today, on the day of the release", "publish_at: 2026-11-20T12:00:00Z\n", "Today: " + road, policy.PublicDomain, ""},
		{"this week, the week after", "", "This week: " + road, policy.NewContent, `"This week"`},
		{"this week, in the same week", "publish_at: 2026-11-22T10:00:00Z\n", "This week: " + road, policy.PublicDomain, ""},
		{"yesterday, the day after", "publish_at: 2026-11-21T08:00:00Z\n", "Yesterday the council confirmed: " + road, policy.PublicDomain, ""},
		{"yesterday, later", "publish_at: 2026-11-23T08:00:00Z\n", "Yesterday the council confirmed: " + road, policy.NewContent, `"Yesterday"`},
		{"another body and a stale today", "", "Treasury announced today: " + road, policy.NewContent, `"today"`},
		{"a pointer saying today", "", "Today: " + link, policy.NewContent, `"Today"`},
		{"a pointer giving another speaker", "", "Treasury announced: " + link, policy.NewContent, `does not name "treasury"`},
		{"a pointer without either", "", "Mill Road resurfacing: " + link, policy.Pointer, ""},
		{"have your say is no attribution", "", "Have your say on the works: " + link, policy.Pointer, ""},
		{"anonymous sources", "", "Sources say: " + road, policy.NewContent, `does not name "sources"`},
		{"told, by no one in particular", "", "Residents were told: " + road, policy.NewContent, `"Residents were told"`},
		{"a denial, even in the release's voice", "", "The council denied: " + road, policy.NewContent, `It says "denied" (line 6): that puts the published text beside it in doubt`},
		{"a claim", "", "Campaigners claim: " + road, policy.NewContent, `"claim"`},
		{"not true", "", "Not true: " + road, policy.NewContent, `It expresses a view: "Not true"`},
		{"a myth", "", "Myth. " + road, policy.NewContent, `"Myth"`},
		{"an insult as a greeting's name", "", "Hi Idiots, " + road, policy.NewContent, `"Idiots"`},
		{"a published today, on the day", "publish_at: 2026-11-20T17:00:00Z\n", "The council today opened a consultation on parking along Mill Road and Station Street.", policy.PublicDomain, ""},
		{"a published today, days later", "", "The council today opened a consultation on parking along Mill Road and Station Street.", policy.NewContent, `It repeats "today" (line 6) from "Mill Road to close for resurfacing" (published/mill.md), published on 20 November 2026 09:00 UTC`},
		{"today, the day the release gives", "publish_at: 2026-12-07T08:00:00Z\n", "Road closed from today: " + link, policy.Pointer, ""},
		{"this week, a week the release gives", "publish_at: 2026-12-09T08:00:00Z\n", "Mill Road closes this week: " + link, policy.Pointer, ""},
		{"this week, another week", "publish_at: 2026-12-16T08:00:00Z\n", "Mill Road closes this week: " + link, policy.NewContent, `"this week"`},
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(strings.Replace(std, "author: Northbridge City Council\n", "", 1)+authorOr(c.fm)+c.fm, c.body+"\n")))
		reasons := strings.Join(r.Reasons, "\n")
		switch {
		case r.Scenario != c.want:
			t.Errorf("%s: %s, want %s\n%s", c.name, r.Scenario, c.want, reasons)
		case c.reason != "" && !strings.Contains(reasons, c.reason):
			t.Errorf("%s: no reason says %q:\n%s", c.name, c.reason, reasons)
		}
	}
}

// authorOr is the standard author unless fm gives one.
func authorOr(fm string) string {
	if strings.Contains(fm, "author:") {
		return ""
	}
	return "author: Northbridge City Council\n"
}

// TestMarkingBesidePublishedText: a protective marking beside published
// text is an error that fails the check, and the draft is never free: the
// published words may come from material not cleared for release.
func TestMarkingBesidePublishedText(t *testing.T) {
	e := framingEngine(t)
	const road = "The road will reopen to traffic before Christmas, and buses will use Station Street during the works."
	for _, body := range []string{
		"OFFICIAL-SENSITIVE: " + road,
		"[OFFICIAL – SENSITIVE] " + road,
		road + "\n\nOfficial-Sensitive",
		"Hi Sam, " + road + " (OFFICIAL SENSITIVE)",
		"RT @NorthbridgeCC: " + road + " NOT FOR PUBLICATION",
	} {
		r := e.Evaluate("posts/a.md", []byte(draftSrc(std, body+"\n")))
		if f := findRule(r.Findings, policy.RuleMarking); f == nil || f.Severity != policy.Error || r.Errors() == 0 || r.Scenario != policy.NewContent {
			t.Errorf("%q: %s, findings %v; want a protective-marking error", body, r.Scenario, r.Findings)
		}
	}
}

// TestWordShape: a question that opens with a verb is not an
// instruction, "eligible for" is not advice, and idioms of view ("at
// last", "about time", "finally") are views.
func TestWordShape(t *testing.T) {
	e := framingEngine(t)
	const link = " https://www.northbridge.gov.uk/x"
	const road = "The road will reopen to traffic before Christmas, and buses will use Station Street during the works."
	for _, c := range []struct {
		body   string
		want   policy.Scenario
		reason string
	}{
		{"Run a regional museum? Applications are open:" + link, policy.Pointer, ""},
		{"Drive a taxi in Northbridge? Renew your licence online:" + link, policy.Pointer, ""},
		{"Run a regional museum. Applications are open:" + link, policy.NewContent, `"Run"`},
		{"Boil your water? You should, until we say so:" + link, policy.NewContent, `"should"`},
		{"Avoid the bridge?" + link, policy.NewContent, `"Avoid"`},
		{"You may be eligible for a home energy grant:" + link, policy.Pointer, ""},
		{"Residents over 65 are eligible for free travel:" + link, policy.NewContent, `"are eligible"`},
		{"At last! " + road, policy.NewContent, `It expresses a view: "At last"`},
		{"About time. " + road, policy.NewContent, `"About time"`},
		{road + " Finally!", policy.NewContent, `"Finally"`},
		{"As at last year's fair, " + strings.ToLower(road[:1]) + road[1:], policy.NewContent, "close to text"},
	} {
		expectScenario(t, e, c.body, c.body, c.want, c.reason)
	}
}

// TestOwnVoiceOfOfficials: a trust's chief nurse, a government named by
// its own domain ("Welsh Government" for gov.wales) and a police force
// for police.uk are the release's own voice; a charity's director is not.
func TestOwnVoiceOfOfficials(t *testing.T) {
	e := engineFor(t, testRepo(map[string]string{
		"published/trust.md": `---
title: New day surgery unit opens
published_at: 2026-11-20T09:00:00Z
url: https://www.wessexhospitals.nhs.uk/news/day-surgery-unit
---
Chief Nurse Angela Moss said: "The new unit means most patients will go home on the day of their operation."

Patient Voice director Sam Hill said: "Patients will still wait too long for a first appointment."

Greenpeace director Jo Hart visited the unit.

Jo Hart said that the unit will use too much energy.
`,
		"published/wales.md": `---
title: Improved pay offer for health staff
published_at: 2026-11-20T09:00:00Z
url: https://www.gov.wales/improved-pay-offer-health-staff
---
A Welsh Government spokesperson said: "An improved pay offer has been made to health trade unions after further talks."
`,
		"published/police.md": `---
title: Witness appeal after collision
published_at: 2026-11-20T09:00:00Z
url: https://www.wessex.police.uk/news/witness-appeal
---
Police said that the road was closed for six hours while officers examined the scene.
`,
	}), testNow)
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
	}{
		{"a trust's chief nurse", "The new unit means most patients will go home on the day of their operation.", policy.PublicDomain},
		{"a charity's director", "Patients will still wait too long for a first appointment.", policy.NewContent},
		{"a charity's director, named elsewhere", "The unit will use too much energy.", policy.NewContent},
		{"a government by its own domain", "An improved pay offer has been made to health trade unions after further talks.", policy.PublicDomain},
		{"a police force by its own domain", "The road was closed for six hours while officers examined the scene.", policy.PublicDomain},
	} {
		expectScenario(t, e, c.name, c.body, c.want, "")
	}
}
