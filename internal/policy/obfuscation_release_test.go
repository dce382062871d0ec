package policy_test

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// grittingRelease is a council's winter service release in our own words,
// modelled on the structure of real ones (fleet, salt stock, priority
// routes, a councillor's quotation, a campaign hashtag), e.g.
// https://www.rochdale.gov.uk/gritting-salt-winter-services/council-resources-winter
// and https://www.merton.gov.uk/streets-parking-transport/streets-and-pavements/gritting.
const grittingRelease = `---
title: Hartwell gritters ready for winter
published_at: 2026-11-02T09:00:00Z
url: https://www.hartwell.gov.uk/news/gritters-ready
---
# Hartwell gritters ready for winter

Hartwell District Council has 3,800 tonnes of salt in its depots and nine gritters ready for the winter season.

Priority routes, including bus routes and roads to hospitals and fire stations, are treated before temperatures fall below zero.

Councillor Dana Okafor, cabinet member for highways, said: "Our crews work through the night so that people can keep moving."

Residents can find the latest gritting updates on the council's website. #WinterReady
`

// TestHashtagsAndHiddenTextOnARelease: drafts as comms staff post them
// from the gritting release, with hashtags in every case and text hidden
// or disguised.
func TestHashtagsAndHiddenTextOnARelease(t *testing.T) {
	e := engineFor(t, testRepo(map[string]string{"published/gritting.md": grittingRelease}), testNow)
	const lift = "Hartwell District Council has 3,800 tonnes of salt in its depots and nine gritters ready for the winter season."
	for _, c := range []struct {
		name, body string
		want       policy.Scenario
		reason     string
	}{
		{"the campaign tag", lift + " #WinterReady", policy.PublicDomain, ""},
		{"the campaign tag in capitals", lift + " #WINTERREADY", policy.PublicDomain, ""},
		{"the campaign tag in lower case", lift + " #winterready", policy.PublicDomain, ""},
		{"topic tags in lower case", lift + " #gritteralert #roadsafety #hartwell", policy.PublicDomain, ""},
		{"thanks in a tag", lift + " #ThanksGritters", policy.PublicDomain, ""},
		{"a view in a lower-case tag", lift + " #itsadisgrace", policy.NewContent, `"#itsadisgrace" (read as "its a disgrace")`},
		{"a view in a capitals tag", lift + " #WEAREPROUD", policy.NewContent, `"#WEAREPROUD" (read as "we are proud")`},
		{"advice in a tag", lift + " #youshouldstayhome", policy.NewContent, `(read as "you should stay home")`},
		{"a view spelled out", lift + " Our crews are b r i l l i a n t.", policy.NewContent, `"b r i l l i a n t" (read as "brilliant")`},
		{"a view in a comment", lift + "\n\n<!-- the cuts to the fleet are a disgrace -->", policy.NewContent, "in hidden text"},
		{"a view displayed by an override", lift + " \u202e!tnellecxe era sweRc\u202c", policy.NewContent, "invisible characters that change the direction"},
		{"a deadline in a tag", lift + " #Closes31Jan", policy.NewContent, `"#Closes31Jan" (read as "closes 31 jan")`},
		{"a count in a tag", lift + " #Only5DaysLeft", policy.NewContent, `"#Only5DaysLeft" (read as "only 5 days left")`},
		{"a pointer with a count in a tag", "Gritting routes: https://www.hartwell.gov.uk/news/gritters-ready #10MoreGritters", policy.NewContent, `"#10MoreGritters"`},
		// Debatable: the release writes "3,800" (two words to clearance),
		// so the tag's "3800" is not found in it. Fail closed.
		{"the release's figure in a tag, written without its comma", lift + " #3800tonnes", policy.NewContent, `"#3800tonnes"`},
		{"a year in a tag", lift + " #Winter2026", policy.PublicDomain, ""},
		{"a quotation with a tag", "Councillor Dana Okafor, cabinet member for highways, said: \"Our crews work through the night so that people can keep moving.\" #WinterReady", policy.PublicDomain, ""},
	} {
		r := e.Evaluate("posts/gritting.md", []byte(draftSrc(std, c.body+"\n")))
		reasons := strings.Join(r.Reasons, "\n")
		if r.Scenario != c.want {
			t.Errorf("%s: %s, want %s\n%s", c.name, r.Scenario, c.want, reasons)
		} else if c.reason != "" && !strings.Contains(reasons, c.reason) {
			t.Errorf("%s: no reason says %q:\n%s", c.name, c.reason, reasons)
		}
	}
}
