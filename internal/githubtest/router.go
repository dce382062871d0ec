package githubtest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// authKind says which principals a route accepts.
type authKind int

const (
	authToken        authKind = iota // installation token or personal token
	authJWT                          // GitHub App JWT
	authInstallation                 // installation token only
	authNone                         // anyone, including anonymous callers
)

// route is one served endpoint. Patterns are written like GitHub's docs:
// "{name}" matches one path segment, a final "{name...}" matches the rest of
// the path (zero or more segments, joined with "/").
type route struct {
	method  string
	pattern string
	auth    authKind
	h       func(*Server, *reqCtx) *response
	free    bool // does not count against the rate limit (GET /rate_limit)
	repo    bool // pattern starts with /repos/{owner}/{repo}: resolve and check access
	segs    []string
}

// reqCtx is what a handler sees of a request.
type reqCtx struct {
	r      *http.Request
	body   []byte
	params map[string]string
	p      *principal // nil when anonymous
	repo   *Repo      // set for /repos/{owner}/{repo}/... routes
	header http.Header
}

func (c *reqCtx) query(name string) string { return c.r.URL.Query().Get(name) }

// number parses a numeric path parameter.
func (c *reqCtx) number(name string) (int64, bool) {
	n, err := strconv.ParseInt(c.params[name], 10, 64)
	return n, err == nil && n > 0
}

var routes []*route

func handle(method, pattern string, auth authKind, h func(*Server, *reqCtx) *response) *route {
	rt := &route{method: method, pattern: pattern, auth: auth, h: h}
	rt.segs = strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	rt.repo = strings.HasPrefix(pattern, "/repos/{owner}/{repo}") && auth != authJWT
	routes = append(routes, rt)
	return rt
}

func init() {
	G, P, U, D, A := http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut
	const repo = "/repos/{owner}/{repo}"

	handle(G, "/rate_limit", authNone, (*Server).getRateLimit).free = true
	handle(G, "/raw/{owner}/{repo}/{ref}/{path...}", authNone, (*Server).getRaw)

	// Apps (apps.go)
	handle(G, "/app", authJWT, (*Server).getApp)
	handle(G, "/app/installations", authJWT, (*Server).listInstallations)
	handle(G, "/app/installations/{id}", authJWT, (*Server).getInstallation)
	handle(P, "/app/installations/{id}/access_tokens", authJWT, (*Server).createAccessToken)
	handle(G, "/installation/repositories", authInstallation, (*Server).listInstallationRepos)
	handle(G, repo+"/installation", authJWT, (*Server).getRepoInstallation)

	// Repositories (repos.go)
	handle(G, repo, authToken, (*Server).getRepo)
	handle(G, repo+"/contents/{path...}", authToken, (*Server).getContents)
	handle(G, repo+"/collaborators/{user}", authToken, (*Server).checkCollaborator)
	handle(G, repo+"/collaborators/{user}/permission", authToken, (*Server).getPermission)
	handle(G, repo+"/commits/{ref...}", authToken, (*Server).getCommitRoutes)
	handle(G, repo+"/compare/{basehead...}", authToken, (*Server).compareCommits)
	handle(P, repo+"/statuses/{sha}", authToken, (*Server).createStatus)

	// Git database (git.go)
	handle(G, repo+"/git/blobs/{sha}", authToken, (*Server).getBlob)
	handle(G, repo+"/git/trees/{sha...}", authToken, (*Server).getTree)
	handle(G, repo+"/git/commits/{sha}", authToken, (*Server).getGitCommit)
	handle(G, repo+"/git/ref/{ref...}", authToken, (*Server).getRef)

	// Pull requests (pulls.go, reviews.go)
	handle(G, repo+"/pulls", authToken, (*Server).listPulls)
	handle(G, repo+"/pulls/{number}", authToken, (*Server).getPull)
	handle(G, repo+"/pulls/{number}/files", authToken, (*Server).listPullFiles)
	handle(G, repo+"/pulls/{number}/commits", authToken, (*Server).listPullCommits)
	handle(G, repo+"/pulls/{number}/reviews", authToken, (*Server).listReviews)
	handle(P, repo+"/pulls/{number}/reviews", authToken, (*Server).createReview)
	handle(G, repo+"/pulls/{number}/reviews/{id}", authToken, (*Server).getReview)
	handle(G, repo+"/pulls/{number}/comments", authToken, (*Server).listReviewComments)
	handle(P, repo+"/pulls/{number}/comments", authToken, (*Server).createReviewComment)
	handle(G, repo+"/pulls/{number}/requested_reviewers", authToken, (*Server).listRequestedReviewers)
	handle(P, repo+"/pulls/{number}/requested_reviewers", authToken, (*Server).requestReviewers)
	handle(D, repo+"/pulls/{number}/requested_reviewers", authToken, (*Server).removeRequestedReviewers)

	// Issues (issues.go)
	handle(G, repo+"/labels", authToken, (*Server).listRepoLabels)
	handle(P, repo+"/labels", authToken, (*Server).createRepoLabel)
	handle(G, repo+"/labels/{name}", authToken, (*Server).getRepoLabel)
	handle(G, repo+"/issues/{number}/labels", authToken, (*Server).listIssueLabels)
	handle(P, repo+"/issues/{number}/labels", authToken, (*Server).addIssueLabels)
	handle(A, repo+"/issues/{number}/labels", authToken, (*Server).replaceIssueLabels)
	handle(D, repo+"/issues/{number}/labels", authToken, (*Server).removeAllIssueLabels)
	handle(D, repo+"/issues/{number}/labels/{name}", authToken, (*Server).removeIssueLabel)
	handle(G, repo+"/issues/{number}/comments", authToken, (*Server).listIssueComments)
	handle(P, repo+"/issues/{number}/comments", authToken, (*Server).createIssueComment)
	handle(G, repo+"/issues/comments/{id}", authToken, (*Server).getIssueComment)
	handle(U, repo+"/issues/comments/{id}", authToken, (*Server).editIssueComment)
	handle(D, repo+"/issues/comments/{id}", authToken, (*Server).deleteIssueComment)

	// Checks (checks.go)
	handle(P, repo+"/check-runs", authToken, (*Server).createCheckRun)
	handle(G, repo+"/check-runs/{id}", authToken, (*Server).getCheckRun)
	handle(U, repo+"/check-runs/{id}", authToken, (*Server).updateCheckRun)
	handle(G, repo+"/check-runs/{id}/annotations", authToken, (*Server).listCheckRunAnnotations)

	// Organizations (orgs.go)
	handle(G, "/orgs/{org}/teams/{slug}", authToken, (*Server).getTeam)
	handle(G, "/orgs/{org}/teams/{slug}/members", authToken, (*Server).listTeamMembers)
	handle(G, "/orgs/{org}/teams/{slug}/memberships/{user}", authToken, (*Server).getTeamMembership)
}

// splitPath returns the unescaped path and its unescaped segments (without
// the leading empty one). Segments are unescaped one by one so that an
// escaped "/" inside a segment (a label name, say) stays inside it.
func splitPath(u *url.URL) (string, []string) {
	raw := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		if v, err := url.PathUnescape(r); err == nil {
			segs[i] = v
		} else {
			segs[i] = r
		}
	}
	return u.Path, segs
}

// matchRoute finds the route for a method and path. A path served only for
// other methods is not found, as on GitHub (404, not 405). HEAD is served by
// GET routes.
func matchRoute(method string, segs []string) (*route, map[string]string) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, rt := range routes {
		if rt.method != method {
			continue
		}
		if params, ok := matchSegs(rt.segs, segs); ok {
			return rt, params
		}
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "...}") {
			params[p[1:len(p)-4]] = strings.Trim(strings.Join(segs[min(i, len(segs)):], "/"), "/")
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, len(pattern) == len(segs)
}
