package server_test

import (
	"net/http"
	"testing"

	"github.com/google/go-github/v60/github"
)

// Approvals that count through a team stop counting when the person
// leaves it: the membership (or organization) event re-evaluates the open
// pull requests, and even without the event no success is written on a
// membership taken from the cache.

func (h *harness) membershipEvent(action, login, team string) *github.MembershipEvent {
	return &github.MembershipEvent{Action: github.String(action), Scope: github.String("team"), Member: user(login),
		Team: &github.Team{Slug: github.String(team), Name: github.String(team)}, Org: &github.Organization{Login: github.String(owner)},
		Sender: user("olga"), Installation: installation(instID)}
}

// TestMemberRemovedFromTeam: alice approved for the policy team; she
// leaves it, and the membership event turns the check back to waiting for
// policy. Leaving the organization does the same.
func TestMemberRemovedFromTeam(t *testing.T) {
	for _, how := range []string{"membership", "organization"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, nil)
			n := h.open("g", "dana", pick(h.files, grittingPost))
			h.review(n, "alice", "APPROVED") // policy-team
			h.review(n, "carol", "APPROVED") // comms-team
			h.expectCheck(n, "success")
			h.gh.RemoveTeamMember(owner, "policy-team", "alice")
			if how == "membership" {
				h.deliver("membership", h.membershipEvent("removed", "alice", "policy-team"))
			} else {
				h.deliver("organization", &github.OrganizationEvent{Action: github.String("member_removed"),
					Membership: &github.Membership{User: user("alice")}, Organization: &github.Organization{Login: github.String(owner)},
					Sender: user("olga"), Installation: installation(instID)})
			}
			h.expectCheck(n, "!success", "Waiting for policy")
		})
	}
}

// TestNoSuccessOnACachedMembership: the membership event never came (lost,
// or it reached another replica), and the cache still says alice is in
// the policy team. Carol's approval would make it a success: first GitHub
// is asked again about alice, and it is not one.
func TestNoSuccessOnACachedMembership(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "alice", "APPROVED") // cached: alice is in policy-team
	h.expectCheck(n, "!success", "Waiting for comms")
	h.gh.RemoveTeamMember(owner, "policy-team", "alice")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "!success", "Waiting for policy")

	// A pull request that waits costs no more look-ups than before: only
	// a success is confirmed.
	h.gh.ResetCalls()
	h.review(n, "carol", "COMMENTED")
	if got := h.gh.CallCount(http.MethodGet, "/orgs/"+owner+"/teams/policy-team/memberships/alice"); got != 0 {
		t.Errorf("a waiting pull request looked alice up %d times; the cache holds her answer", got)
	}
}

// TestMembershipAddedCounts: bea's approval did not count until she
// joined the policy team; the event makes it count.
func TestMembershipAddedCounts(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "bea", "APPROVED")
	h.review(n, "carol", "APPROVED")
	h.expectCheck(n, "!success", "Waiting for policy")
	h.gh.AddTeam(owner, "policy-team", "bea")
	h.deliver("membership", h.membershipEvent("added", "bea", "policy-team"))
	h.expectCheck(n, "success")
}
