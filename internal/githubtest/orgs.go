package githubtest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"
)

// org is an organization: the owner of teams. An account becomes an
// organization when a team is added to it.
type org struct {
	login   string
	members map[string]bool // lower(login)
	teams   map[string]*team
	order   []string // team slugs in creation order
}

type team struct {
	id      int64
	name    string
	slug    string
	members []string // in the order added
}

var nonSlug = regexp.MustCompile(`[^a-z0-9_]+`)

// teamSlug turns a team name into its slug as GitHub does ("Social Media"
// -> "social-media").
func teamSlug(name string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// AddTeam creates team (a name or slug) in org if needed and adds members
// to it. Members of any team are members of the organization, which gives
// them read access to its repositories (the base permission). It returns
// the team's slug.
func (s *Server) AddTeam(orgLogin, teamName string, members ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[strings.ToLower(orgLogin)]
	if o == nil {
		o = &org{login: orgLogin, members: map[string]bool{}, teams: map[string]*team{}}
		s.orgs[strings.ToLower(orgLogin)] = o
	}
	slug := teamSlug(teamName)
	t := o.teams[slug]
	if t == nil {
		t = &team{id: s.nextID("team"), name: teamName, slug: slug}
		o.teams[slug] = t
		o.order = append(o.order, slug)
	}
	for _, m := range members {
		if !containsFold(t.members, m) {
			t.members = append(t.members, m)
		}
		o.members[strings.ToLower(m)] = true
	}
	return slug
}

// RemoveTeamMember takes login out of a team of org (as an owner does in
// the team's settings). The webhook GitHub sends for it (membership,
// removed) is the test's to deliver.
func (s *Server) RemoveTeamMember(orgLogin, teamName, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTeam(orgLogin, teamName)
	if t == nil {
		panic("githubtest: no team " + orgLogin + "/" + teamName)
	}
	t.members = slices.DeleteFunc(t.members, func(m string) bool { return strings.EqualFold(m, login) })
}

// findTeam finds a team of an organization by slug or name.
func (s *Server) findTeam(orgLogin, slugOrName string) *team {
	o := s.orgs[strings.ToLower(orgLogin)]
	if o == nil {
		return nil
	}
	if t := o.teams[strings.ToLower(slugOrName)]; t != nil {
		return t
	}
	return o.teams[teamSlug(slugOrName)]
}

func (s *Server) teamJSON(orgLogin string, t *team) *github.Team {
	api := fmt.Sprintf("%s/organizations/%d/team/%d", s.base, *s.userJSON(orgLogin).ID, t.id)
	return &github.Team{
		ID:              ptr(t.id),
		NodeID:          ptr(nodeID("Team", t.id)),
		Name:            ptr(t.name),
		Slug:            ptr(t.slug),
		Description:     ptr(""),
		Privacy:         ptr("closed"),
		Permission:      ptr("pull"),
		URL:             ptr(api),
		HTMLURL:         ptr(htmlBase + "/orgs/" + orgLogin + "/teams/" + t.slug),
		MembersURL:      ptr(api + "/members{/member}"),
		RepositoriesURL: ptr(api + "/repos"),
	}
}

// orgJSON renders an organization as teams embed it.
func (s *Server) orgJSON(login string) *github.Organization {
	u := s.userJSON(login)
	api := s.base + "/orgs/" + login
	return &github.Organization{
		Login: u.Login, ID: u.ID, NodeID: u.NodeID, AvatarURL: u.AvatarURL, HTMLURL: u.HTMLURL,
		URL: ptr(api), ReposURL: ptr(api + "/repos"), EventsURL: ptr(api + "/events"), HooksURL: ptr(api + "/hooks"),
		IssuesURL: ptr(api + "/issues"), MembersURL: ptr(api + "/members{/member}"),
		PublicMembersURL: ptr(api + "/public_members{/member}"), Type: ptr("Organization"),
		HasOrganizationProjects: ptr(true), HasRepositoryProjects: ptr(true),
		PublicRepos: ptr(0), PublicGists: ptr(0), Followers: ptr(0), Following: ptr(0),
		CreatedAt: ts(epoch), UpdatedAt: ts(epoch),
	}
}

// teamFor resolves {org} and {slug}. Installations only see the
// organization they are installed on.
func (s *Server) teamFor(c *reqCtx) (*org, *team) {
	orgLogin := c.params["org"]
	if c.p.kind == kindInstallation && !strings.EqualFold(c.p.inst.account, orgLogin) {
		return nil, nil
	}
	o := s.orgs[strings.ToLower(orgLogin)]
	if o == nil {
		return nil, nil
	}
	t := o.teams[strings.ToLower(c.params["slug"])]
	if t == nil {
		return nil, nil
	}
	return o, t
}

// GET /orgs/{org}/teams/{slug}
func (s *Server) getTeam(c *reqCtx) *response {
	o, t := s.teamFor(c)
	if t == nil {
		return notFound()
	}
	// The full team: its organization, counts and timestamps.
	tj := s.teamJSON(o.login, t)
	tj.MembersCount = ptr(len(t.members))
	repos := 0
	for _, r := range s.repoList {
		if strings.EqualFold(r.Owner, o.login) {
			repos++
		}
	}
	tj.ReposCount = ptr(repos)
	tj.Organization = s.orgJSON(o.login)
	return jsonResp(http.StatusOK, struct {
		*github.Team
		CreatedAt *github.Timestamp `json:"created_at"`
		UpdatedAt *github.Timestamp `json:"updated_at"`
	}{tj, ts(epoch), ts(epoch)})
}

// GET /orgs/{org}/teams/{slug}/members
func (s *Server) listTeamMembers(c *reqCtx) *response {
	_, t := s.teamFor(c)
	if t == nil {
		return notFound()
	}
	out := []*github.User{}
	for _, m := range paginate(s, c, t.members) {
		out = append(out, s.userJSON(m))
	}
	return jsonResp(http.StatusOK, out)
}

// GET /orgs/{org}/teams/{slug}/memberships/{user}: 200 {"state":"active",
// "role":"member"} for members, 404 otherwise.
func (s *Server) getTeamMembership(c *reqCtx) *response {
	o, t := s.teamFor(c)
	if t == nil || !containsFold(t.members, c.params["user"]) {
		return notFound()
	}
	return jsonResp(http.StatusOK, &github.Membership{
		URL:   ptr(fmt.Sprintf("%s/organizations/%d/team/%d/memberships/%s", s.base, *s.userJSON(o.login).ID, t.id, c.params["user"])),
		Role:  ptr("member"),
		State: ptr("active"),
	})
}
