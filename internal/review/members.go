package review

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Team memberships are cached for MemberTTL, and GitHub's membership event
// reaches one replica only (or none, when a delivery is lost). So no
// success rests on the cache: before a success is written, every
// membership it may rest on that came from the cache is asked of GitHub
// again, and the decision is made again with the answers.

// confirmMembers asks GitHub again, uncached, about the memberships the
// snapshot took from the cache as yes. It reports whether any answer
// changed, and updates the snapshot and the cache.
func (rv *Reviewer) confirmMembers(ctx context.Context, gh GitHub, s *Snapshot) (changed bool, err error) {
	keys := append([]string(nil), s.cachedMembers...)
	sort.Strings(keys)
	for _, key := range keys {
		team, login, _ := strings.Cut(key, "\x00")
		org, slug, _ := strings.Cut(team, "/")
		member, err := gh.IsTeamMember(ctx, org, slug, login)
		if err != nil {
			return changed, fmt.Errorf("checking again whether %s is in team %s: %w", login, team, err)
		}
		rv.mu.Lock()
		rv.members[key] = memberEntry{ok: member, expires: rv.now().Add(rv.MemberTTL)}
		rv.mu.Unlock()
		if !member {
			delete(s.Members[team], login)
			changed = true
		}
	}
	s.cachedMembers = nil
	return changed, nil
}

// ForgetMember drops what the cache knows of login's team memberships: a
// membership event says they changed.
func (rv *Reviewer) ForgetMember(login string) {
	suffix := "\x00" + strings.ToLower(login)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for k := range rv.members {
		if strings.HasSuffix(k, suffix) {
			delete(rv.members, k)
		}
	}
}
