package server_test

import (
	"net/http"
	"strings"
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

// TestFourEyesPusherApprovingOwnText: dana opens the pull request; alice,
// a policy owner, pushes new text into it and approves it. Her approval
// does not count (she wrote that text), and the comment says so; amir's
// does.
func TestFourEyesPusherApprovingOwnText(t *testing.T) {
	h := newHarness(t, nil)
	n := h.open("g", "dana", pick(h.files, grittingPost))
	h.review(n, "carol", "APPROVED") // comms
	h.gh.PushToPRAs(owner, repoName, n, "alice", map[string]string{grittingPost: h.files[grittingPost] + "\nWe will grit the school routes first.\n"})
	h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
	h.review(n, "carol", "APPROVED") // comms again, on the new text
	h.review(n, "alice", "APPROVED")
	h.expectCheck(n, "!success", "Waiting for policy")
	if body := lastBody(h.botComments(n)); !strings.Contains(body, "@alice approved, but that does not count: @alice wrote or pushed a change to this text") {
		t.Errorf("the comment does not say why alice's approval is left out:\n%s", body)
	}
	h.review(n, "amir", "APPROVED") // policy, who did not write it
	h.expectCheck(n, "success")
}

func lastBody(cs []*github.IssueComment) string {
	if len(cs) == 0 {
		return ""
	}
	return cs[len(cs)-1].GetBody()
}
