package review_test

import (
	"context"
	"fmt"
	"github.com/clearance-dev/clearance/internal/fstree"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/clearance-dev/clearance/internal/ghcache"
	"github.com/clearance-dev/clearance/internal/ghretry"
	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/review"
)

// The call budget of issue 5, measured on the fake GitHub through the
// client stack the server uses (ghinstallation over the ETag cache over the
// retrying transport, as internal/server/clients.go wires it):
//
//   - a synchronize of a 10-draft pull request, caches warm, costs at most 4
//     reads that count against the rate limit, besides one blob read per
//     draft text never seen before; added drafts whose patch is complete
//     cost none;
//   - re-running an evaluation whose outcome is on GitHub writes nothing;
//   - webhook-to-check is at most 4 sequential round trips
//     (githubtest.RoundTrips, with latency added to every call).

const (
	budgetApp   int64 = 4242
	budgetInst  int64 = 77
	budgetOwner       = "northbridge"
	budgetRepo        = "content"
)

var budgetNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// exampleContent reads examples/content: path -> content.
func exampleContent(t testing.TB) map[string]string {
	t.Helper()
	files, err := fstree.ReadAll(filepath.Join("..", "..", "examples", "content"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// budgetEnv is the fake GitHub with the example repo, and a client stack
// like the server's.
type budgetEnv struct {
	t  testing.TB
	gh *githubtest.Server
	// tokens counts the installation tokens minted over all evaluations.
	tokens int
	rv     *review.Reviewer
	c      *review.Client
	repo   review.Repo
}

func newBudgetEnv(t testing.TB, base map[string]string) *budgetEnv {
	return newBudgetEnvWith(t, base, false)
}

// newBudgetEnvWith builds the environment; noCache turns the Reviewer's
// caches and the ETag cache off (the naive baseline).
func newBudgetEnvWith(t testing.TB, base map[string]string, noCache bool) *budgetEnv {
	gh := githubtest.NewServer(t)
	key := gh.RegisterApp(budgetApp, "clearance")
	gh.CreateRepo(budgetOwner, budgetRepo, "main", base)
	gh.AddTeam(budgetOwner, "policy-team", "alice")
	gh.AddTeam(budgetOwner, "comms-team", "carol")
	gh.AddTeam(budgetOwner, "housing-team", "hank")
	gh.CreateInstallation(budgetInst, budgetOwner, budgetRepo)
	var stack http.RoundTripper = &ghretry.Transport{}
	if !noCache {
		stack = &ghcache.Transport{Base: stack}
	}
	iatr, err := ghinstallation.NewAppsTransport(stack, budgetApp, key)
	if err != nil {
		t.Fatal(err)
	}
	iatr.BaseURL = gh.URL()
	tr := ghinstallation.NewFromAppsTransport(iatr, budgetInst)
	tr.InstallationTokenOptions = &github.InstallationTokenOptions{}
	client := github.NewClient(&http.Client{Transport: tr})
	client.BaseURL, client.UploadURL = gh.BaseURL(), gh.BaseURL()
	rv := review.NewReviewer(budgetApp)
	rv.Now = func() time.Time { return budgetNow }
	rv.NoCache = noCache
	return &budgetEnv{t: t, gh: gh, rv: rv, c: review.NewClient(client, "clearance[bot]"), repo: review.Repo{Owner: budgetOwner, Name: budgetRepo}}
}

// cost is what one evaluation cost on the fake.
type cost struct {
	counted int // calls charged to the installation's rate limit
	blobs   int // of which blob reads
	writes  []githubtest.Call
	calls   []githubtest.Call
	elapsed time.Duration
}

func (c cost) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d counted reads (%d blobs), %d writes, %d calls in %v:\n", c.counted-len(c.writes), c.blobs, len(c.writes), len(c.calls), c.elapsed.Round(time.Millisecond))
	for _, call := range c.calls {
		q := ""
		if call.Query != "" {
			q = "?" + call.Query
		}
		fmt.Fprintf(&b, "  %-6s %s%s -> %d\n", call.Method, call.Path, q, call.Status)
	}
	return b.String()
}

// reads are the counted reads.
func (c cost) reads() int { return c.counted - len(c.writes) }

// evaluate runs one evaluation of pull request n and returns its cost.
func (e *budgetEnv) evaluate(n int) (cost, *review.Decision) {
	e.t.Helper()
	e.gh.ResetCalls()
	before := e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst))
	start := time.Now()
	_, dec, err := e.rv.Review(context.Background(), e.c, e.repo, n)
	elapsed := time.Since(start)
	if err != nil {
		e.t.Fatalf("evaluating #%d: %v", n, err)
	}
	c := cost{elapsed: elapsed, calls: e.gh.Calls()}
	c.counted = before - e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst))
	for _, call := range c.calls {
		switch {
		case strings.HasSuffix(call.Path, "/access_tokens"):
			c.counted++ // the App's budget, not the installation's
		case call.Method != http.MethodGet && call.Method != http.MethodHead:
			c.writes = append(c.writes, call)
		case strings.Contains(call.Path, "/git/blobs/") && call.Status == http.StatusOK:
			c.blobs++
		}
	}
	for _, call := range c.calls {
		if strings.HasSuffix(call.Path, "/access_tokens") {
			c.counted--
			e.tokens++
		}
	}
	return c, dec
}

// tenDrafts is a pull request's drafts: the first four exist on the base
// branch and are changed, the other six are added.
func tenDrafts(files map[string]string, version int) map[string]string {
	out := map[string]string{}
	var existing []string
	for p := range files {
		if strings.HasPrefix(p, "posts/") {
			existing = append(existing, p)
		}
	}
	sort.Strings(existing)
	for i, p := range existing[:4] {
		out[p] = files[p] + fmt.Sprintf("\nMore details at the library from %d December.\n", 10+i+version)
	}
	for i := 0; i < 6; i++ {
		out[fmt.Sprintf("posts/2026-12-1%d-new-%d.md", i, i)] = fmt.Sprintf("---\nchannel: x\nauthor: Northbridge City Council\n---\nThe library on Station Road will open until %d every weekday from December (v%d).\n", 6+i, version)
	}
	return out
}

func pick(all map[string]string, prefixes ...string) map[string]string {
	out := map[string]string{}
	for p, c := range all {
		for _, pre := range prefixes {
			if strings.HasPrefix(p, pre) {
				out[p] = c
			}
		}
	}
	return out
}

// budgetScenario opens a 10-draft pull request, evaluates it, has it
// approved and evaluated again, then pushes a change to two drafts (one
// changed on the base branch, one added) and returns the pull request.
func budgetScenario(e *budgetEnv, files map[string]string) int {
	e.t.Helper()
	drafts := tenDrafts(files, 0)
	e.gh.Commit(budgetOwner, budgetRepo, "drafts", drafts)
	n := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "Ten drafts", "dana")
	c, _ := e.evaluate(n) // opened: cold caches
	e.t.Logf("opened (cold): %s", c)
	e.gh.SubmitReview(budgetOwner, budgetRepo, n, "alice", "APPROVED", "")
	c, _ = e.evaluate(n)
	e.t.Logf("approved: %s", c)
	next := tenDrafts(files, 1)
	var paths []string
	for p := range next {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// One draft that is on the base branch and one added draft change.
	e.gh.PushToPR(budgetOwner, budgetRepo, n, map[string]string{paths[0]: next[paths[0]], paths[9]: next[paths[9]]})
	return n
}

func TestCallBudgetSynchronize(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnv(t, pick(files, ".github/", "published/", "posts/"))
	n := budgetScenario(e, files)

	c, dec := e.evaluate(n) // synchronize, caches warm
	t.Logf("synchronize: %s", c)
	if len(dec.Drafts) != 10 {
		t.Fatalf("%d drafts evaluated, want 10", len(dec.Drafts))
	}
	// Of the two changed drafts, the added one is read from its patch.
	if c.blobs > 1 {
		t.Errorf("synchronize read %d blobs; want at most 1 (one new text of a changed draft)", c.blobs)
	}
	if got := c.reads() - c.blobs; got > 4 {
		t.Errorf("synchronize cost %d counted reads besides new texts; want at most 4", got)
	}

	// The installation token is reused (ghinstallation renews it a minute
	// before it expires, an hour after it is minted).
	if e.tokens != 1 {
		t.Errorf("%d installation tokens minted over 4 evaluations; want 1", e.tokens)
	}
	c, _ = e.evaluate(n) // the same again: nothing changed
	t.Logf("again: %s", c)
	if len(c.writes) != 0 {
		t.Errorf("re-running an evaluation wrote %d times; want none", len(c.writes))
	}
	if c.reads() > 2 {
		t.Errorf("re-running an evaluation cost %d counted reads; want at most 2", c.reads())
	}
}

// TestRoundTripsSynchronize: with latency added to every call, an
// evaluation of a synchronize takes at most 4 sequential round trips.
func TestRoundTripsSynchronize(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnv(t, pick(files, ".github/", "published/", "posts/"))
	n := budgetScenario(e, files)
	// Long enough that calls made side by side overlap even when a loaded
	// machine starts one late (20 ms once made two look sequential).
	const latency = 200 * time.Millisecond
	e.gh.SetFaults(githubtest.Faults{Latency: latency})
	c, _ := e.evaluate(n)
	// Counted from when each call arrived and was answered, so that a
	// slow machine does not change the figure.
	rounds := githubtest.RoundTrips(c.calls)
	t.Logf("synchronize with %v per call: %d round trips; %s", latency, rounds, c)
	if rounds > 4 {
		t.Errorf("synchronize took %d sequential round trips; want at most 4", rounds)
	}
}

// TestCallBudgetAfterOpened: a push right after the first evaluation (which
// created the comment and posted inline findings) stays within the budget:
// what the bot wrote is not read back.
func TestCallBudgetAfterOpened(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnv(t, pick(files, ".github/", "published/", "posts/"))
	drafts := tenDrafts(files, 0)
	drafts["posts/2026-12-20-bad.md"] = "---\nchannel: x\n---\nNo author here, and a link to https://intranet.northbridge.gov.uk/x\n"
	e.gh.Commit(budgetOwner, budgetRepo, "drafts", drafts)
	n := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "Drafts", "dana")
	c, _ := e.evaluate(n)
	t.Logf("opened: %s", c)
	if writesTo(c, "/pulls/1/reviews") == 0 || writesTo(c, "/issues/1/comments") == 0 {
		t.Fatalf("the first evaluation posted no inline findings or no comment")
	}
	next := tenDrafts(files, 1)
	e.gh.PushToPR(budgetOwner, budgetRepo, n, map[string]string{"posts/2026-12-10-new-0.md": next["posts/2026-12-10-new-0.md"]})
	c, _ = e.evaluate(n)
	t.Logf("synchronize: %s", c)
	if got := c.reads() - c.blobs; got > 4 {
		t.Errorf("synchronize after opened cost %d counted reads besides new texts; want at most 4", got)
	}
}

// TestCommentMemo: the bot's comment is not listed again while the pull
// request's comment count is unchanged; a comment deleted or added by
// someone else is noticed, and the bot's comment is written again once.
func TestCommentMemo(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnv(t, pick(files, ".github/", "published/", "posts/"))
	e.gh.Commit(budgetOwner, budgetRepo, "drafts", tenDrafts(files, 0))
	n := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "Drafts", "dana")
	e.evaluate(n)
	bot := func() []*github.IssueComment {
		var out []*github.IssueComment
		for _, c := range e.gh.IssueComments(budgetOwner, budgetRepo, n) {
			if c.GetUser().GetLogin() == "clearance[bot]" {
				out = append(out, c)
			}
		}
		return out
	}
	if len(bot()) != 1 {
		t.Fatalf("%d bot comments", len(bot()))
	}
	// Someone deletes it; the next change writes it again.
	admin := e.gh.Client(githubtest.PersonalToken)
	if _, err := admin.Issues.DeleteComment(context.Background(), budgetOwner, budgetRepo, bot()[0].GetID()); err != nil {
		t.Fatal(err)
	}
	e.gh.PushToPR(budgetOwner, budgetRepo, n, map[string]string{"posts/2026-12-10-new-0.md": tenDrafts(files, 5)["posts/2026-12-10-new-0.md"]})
	c, _ := e.evaluate(n)
	if callsTo(c, "/issues/1/comments") != 2 || len(bot()) != 1 { // listed, created
		t.Errorf("after a deletion: %s%d bot comments", c, len(bot()))
	}
	// A human comment: listed once more, nothing written.
	e.gh.AddIssueComment(budgetOwner, budgetRepo, n, "dana", "Looks good to me")
	c, _ = e.evaluate(n)
	if callsTo(c, "/issues/1/comments") != 1 || len(c.writes) != 0 {
		t.Errorf("after a human comment: %s", c)
	}
	c, _ = e.evaluate(n)
	if callsTo(c, "/issues/1/comments") != 0 || len(c.writes) != 0 {
		t.Errorf("nothing changed: %s", c)
	}
	// Forget makes the next evaluation list again.
	e.rv.Forget(e.repo, n)
	c, _ = e.evaluate(n)
	if callsTo(c, "/issues/1/comments") != 1 || callsTo(c, "/pulls/1/comments") != 1 {
		t.Errorf("after Forget: %s", c)
	}
}

func writesTo(c cost, part string) int {
	n := 0
	for _, call := range c.writes {
		if strings.Contains(call.Path, part) {
			n++
		}
	}
	return n
}
