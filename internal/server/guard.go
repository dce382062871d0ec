package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/clearance-dev/clearance/internal/review"
	"github.com/google/go-github/v60/github"
)

// errMoved says that the pull request changed while it was evaluated: the
// evaluation is redone at once rather than counted as a failure.
var errMoved = errors.New("the pull request changed while it was evaluated")

// guard is the review.GitHub an evaluation runs through. Several replicas
// may evaluate the same pull request at the same time (an approval arriving
// at one while another evaluates the previous push); the guard makes them
// converge on the outcome for the latest state:
//
//   - It records what the snapshot read: the head and base of the pull
//     request, its reviews, and the base branch's commit.
//   - It reads the pull request a second time, to check that the head and
//     base have not moved before anything is written. That read starts as
//     soon as the snapshot's read is answered, side by side with the rest
//     of the gather, so it adds no round trip; if the first write comes
//     later than verifyFresh after it (a slow gather: a large register
//     loaded), the first write reads the pull request once more. If the
//     head or the base has moved, nothing is written (every write fails
//     with errMoved) and the evaluation is redone. When the pull request
//     cannot be read again, only a check that is not a success may still
//     be written: a "could not evaluate" check is always safe, anything
//     else waits for the retry.
//   - After writing (see after), it reads the pull request, its reviews and
//     the base branch again; if any changed, the writes may have replaced a
//     newer replica's, so the evaluation is redone. This, not the read
//     before writing, is what makes replicas converge: a push between that
//     read and the writes is always caught here.
//
// The check run is written for the head commit the evaluation saw (its
// CheckOutput.HeadSHA comes from the snapshot), never for "the current
// head". Verification reads are the same requests as the snapshot's, so an
// unchanged answer is a 304 that costs no rate limit.
type guard struct {
	review.GitHub
	gh     *github.Client
	repo   review.Repo
	number int
	bot    string
	hooks  guardHooks

	// verifyFresh is how long a verification read stays good for the
	// first write (defaultVerifyFresh).
	verifyFresh time.Duration

	// wmu serialises the first write's verification.
	wmu                       sync.Mutex
	mu                        sync.Mutex
	sawPR, sawReviews         bool
	head, base, baseSHA, revs string
	// branches are the branch tips read, by name: the review may read the
	// base branch before the pull request (guessing its name), so the
	// base's tip is looked up once the base is known.
	branches map[string]string
	// early is the second read of the pull request, started as soon as
	// the first was answered; nil until then.
	early          *verification
	verified       bool
	verifyErr      error
	writes         int
	createdComment bool
}

// defaultVerifyFresh: a verification read older than this when the first
// write comes is made again. A warm evaluation writes about one round trip
// after it.
const defaultVerifyFresh = time.Second

// verification is a read of the pull request made to verify its head and
// base.
type verification struct {
	done chan struct{}
	err  error     // nil, errMoved, or why it could not be read
	at   time.Time // when the answer came
}

// guardHooks let tests act at the guard's two moments; both nil in
// production.
type guardHooks struct {
	// verify runs just before the read that verifies the head and base.
	verify func(review.Repo, int)
	// write runs before the first write, once verified.
	write func(review.Repo, int)
}

func newGuard(inner review.GitHub, gh *github.Client, repo review.Repo, number int, bot string, hooks guardHooks) *guard {
	return &guard{GitHub: inner, gh: gh, repo: repo, number: number, bot: bot, hooks: hooks, verifyFresh: defaultVerifyFresh}
}

func (g *guard) ours(repo review.Repo, number int) bool {
	return strings.EqualFold(repo.Owner, g.repo.Owner) && strings.EqualFold(repo.Name, g.repo.Name) && number == g.number
}

// PullRequest records the head and base the snapshot saw, and starts the
// read that verifies them before the first write.
func (g *guard) PullRequest(ctx context.Context, repo review.Repo, number int) (*review.PullRequest, error) {
	pr, err := g.GitHub.PullRequest(ctx, repo, number)
	if err == nil && g.ours(repo, number) {
		g.mu.Lock()
		if !g.sawPR {
			g.sawPR, g.head, g.base = true, pr.HeadSHA, pr.BaseRef
			v := &verification{done: make(chan struct{})}
			g.early = v
			go func() {
				defer close(v.done)
				if g.hooks.verify != nil {
					g.hooks.verify(g.repo, g.number)
				}
				v.err = g.checkHead(ctx)
				v.at = time.Now()
			}()
		}
		g.mu.Unlock()
	}
	return pr, err
}

// settle waits for the verification read, if one was started: nothing the
// guard started may still run once the evaluation ends.
func (g *guard) settle() {
	g.mu.Lock()
	v := g.early
	g.mu.Unlock()
	if v != nil {
		<-v.done
	}
}

// Reviews records the reviews the snapshot saw.
func (g *guard) Reviews(ctx context.Context, repo review.Repo, number int) ([]review.Review, error) {
	rs, err := g.GitHub.Reviews(ctx, repo, number)
	if err == nil && g.ours(repo, number) {
		g.mu.Lock()
		if !g.sawReviews {
			g.sawReviews, g.revs = true, g.reviewsKey(rs)
		}
		g.mu.Unlock()
	}
	return rs, err
}

// BranchSHA records the base branch's commit the snapshot saw.
func (g *guard) BranchSHA(ctx context.Context, repo review.Repo, branch string) (string, error) {
	sha, err := g.GitHub.BranchSHA(ctx, repo, branch)
	if err == nil {
		g.mu.Lock()
		if g.sawPR && branch == g.base && g.baseSHA == "" {
			g.baseSHA = sha
		}
		if g.branches == nil {
			g.branches = map[string]string{}
		}
		if _, ok := g.branches[branch]; !ok {
			g.branches[branch] = sha
		}
		g.mu.Unlock()
	}
	return sha, err
}

// ChangedFiles lists the changed files, leaving a submodule without a
// blob SHA: the files API gives a submodule the commit it points at, which
// the blob API does not have (404), so the review would fail to read it
// forever instead of reporting that no draft is there
// (review.ChangedFile.ReadErr).
func (g *guard) ChangedFiles(ctx context.Context, repo review.Repo, number int) ([]review.ChangedFile, error) {
	files, err := g.GitHub.ChangedFiles(ctx, repo, number)
	for i := range files {
		if isSubmodulePatch(files[i].Patch, files[i].SHA) {
			files[i].SHA = ""
		}
	}
	return files, err
}

// isSubmodulePatch reports whether a file's patch is GitHub's for a
// submodule pointing at sha: "+Subproject commit <sha>".
func isSubmodulePatch(patch, sha string) bool {
	return sha != "" && strings.Contains(patch, "\n+Subproject commit "+sha)
}

// reviewsKey identifies a list of reviews, leaving out the bot's own (its
// inline findings): they change nothing the decision reads.
func (g *guard) reviewsKey(rs []review.Review) string {
	var keys []string
	for _, r := range rs {
		if g.bot != "" && strings.EqualFold(r.User, g.bot) {
			continue
		}
		keys = append(keys, fmt.Sprintf("%d/%s/%s", r.ID, r.State, r.CommitID))
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// beforeWrite runs before every write: the first time, it checks that the
// pull request has not moved. check is the check run about to be written,
// if that is the write.
func (g *guard) beforeWrite(ctx context.Context, check *review.CheckOutput) error {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	if !g.verified {
		g.verified = true
		g.verifyErr = g.verify(ctx)
		if g.hooks.write != nil {
			g.hooks.write(g.repo, g.number)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch err := g.verifyErr; {
	case err == nil:
	case errors.Is(err, errMoved):
		return err
	case check != nil && check.Conclusion != review.ConclusionSuccess:
		// Unverified, but a check that is not a success cannot let
		// anything through.
	default:
		return err
	}
	g.writes++
	return nil
}

// verify says whether the first write may go out: it takes the answer of
// the read started with the snapshot, reading again when that read failed
// or is older than verifyFresh.
func (g *guard) verify(ctx context.Context) error {
	g.mu.Lock()
	v := g.early
	g.mu.Unlock()
	if v == nil {
		return errors.New("the pull request was not read before writing")
	}
	<-v.done
	if (v.err == nil && time.Since(v.at) <= g.verifyFresh) || errors.Is(v.err, errMoved) {
		return v.err
	}
	return g.checkHead(ctx)
}

// checkHead reads the pull request again and compares its head and base.
func (g *guard) checkHead(ctx context.Context) error {
	g.mu.Lock()
	sawPR, head, base := g.sawPR, g.head, g.base
	g.mu.Unlock()
	if !sawPR {
		return errors.New("the pull request was not read before writing")
	}
	pr, _, err := g.gh.PullRequests.Get(ctx, g.repo.Owner, g.repo.Name, g.number)
	if err != nil {
		return fmt.Errorf("reading the pull request again before writing: %w", err)
	}
	switch {
	case pr.GetHead().GetSHA() != head:
		return fmt.Errorf("%w: its head moved from %.7s to %.7s", errMoved, head, pr.GetHead().GetSHA())
	case pr.GetBase().GetRef() != base:
		return fmt.Errorf("%w: its base changed from %s to %s", errMoved, base, pr.GetBase().GetRef())
	}
	return nil
}

// wrote is the number of writes let through.
func (g *guard) wrote() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.writes
}

// after checks, once the writes are done, that nothing the decision read
// has changed meanwhile: the head and base, the reviews, the base branch.
// It returns an error wrapping errMoved when something has.
func (g *guard) after(ctx context.Context) error {
	g.mu.Lock()
	sawReviews, revs, baseSHA := g.sawReviews, g.revs, g.baseSHA
	if baseSHA == "" && g.sawPR {
		baseSHA = g.branches[g.base]
	}
	g.mu.Unlock()
	// A doubled summary comment is removed first: whatever else has
	// changed, the redone evaluation edits one comment, never two.
	if err := g.dedupeComments(ctx); err != nil {
		return err
	}
	if err := g.checkHead(ctx); err != nil {
		return err
	}
	if sawReviews {
		var all []review.Review
		opts := &github.ListOptions{PerPage: 100}
		for {
			rs, resp, err := g.gh.PullRequests.ListReviews(ctx, g.repo.Owner, g.repo.Name, g.number, opts)
			if err != nil {
				return fmt.Errorf("reading the reviews again after writing: %w", err)
			}
			for _, r := range rs {
				all = append(all, review.Review{ID: r.GetID(), User: r.GetUser().GetLogin(), State: r.GetState(), CommitID: r.GetCommitID()})
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
		if g.reviewsKey(all) != revs {
			return fmt.Errorf("%w: a review was submitted or dismissed", errMoved)
		}
	}
	if baseSHA != "" {
		ref, _, err := g.gh.Git.GetRef(ctx, g.repo.Owner, g.repo.Name, "heads/"+g.base)
		if err != nil {
			return fmt.Errorf("reading the base branch again after writing: %w", err)
		}
		if sha := ref.GetObject().GetSHA(); sha != baseSHA {
			return fmt.Errorf("%w: the base branch %s moved from %.7s to %.7s", errMoved, g.base, baseSHA, sha)
		}
	}
	return nil
}

// dedupeComments: two replicas evaluating a new pull request at once may
// each create the summary comment. The one that created a comment looks
// for others and deletes all but the oldest (the one every evaluation
// edits); the evaluation is then redone so that the one left says what it
// should.
func (g *guard) dedupeComments(ctx context.Context) error {
	g.mu.Lock()
	created := g.createdComment
	g.mu.Unlock()
	if !created || g.bot == "" {
		return nil
	}
	var ids []int64
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := g.gh.Issues.ListComments(ctx, g.repo.Owner, g.repo.Name, g.number, opts)
		if err != nil {
			return fmt.Errorf("listing comments after writing the summary: %w", err)
		}
		for _, c := range cs {
			if strings.EqualFold(c.GetUser().GetLogin(), g.bot) && strings.Contains(c.GetBody(), review.SummaryMarker) {
				ids = append(ids, c.GetID())
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(ids) < 2 {
		return nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids[1:] {
		if _, err := g.gh.Issues.DeleteComment(ctx, g.repo.Owner, g.repo.Name, id); err != nil {
			var er *github.ErrorResponse
			if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
				continue // the other replica deleted it
			}
			return fmt.Errorf("deleting a duplicate summary comment: %w", err)
		}
	}
	return fmt.Errorf("%w: another replica wrote the summary comment too; the duplicates are deleted", errMoved)
}

// Writes.

func (g *guard) AddLabels(ctx context.Context, repo review.Repo, number int, labels []string) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	return g.GitHub.AddLabels(ctx, repo, number, labels)
}

func (g *guard) RemoveLabel(ctx context.Context, repo review.Repo, number int, label string) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	return g.GitHub.RemoveLabel(ctx, repo, number, label)
}

func (g *guard) RequestReviewers(ctx context.Context, repo review.Repo, number int, users, teams []string) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	return g.GitHub.RequestReviewers(ctx, repo, number, users, teams)
}

func (g *guard) CreateComment(ctx context.Context, repo review.Repo, number int, body string) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	g.mu.Lock()
	g.createdComment = true
	g.mu.Unlock()
	return g.GitHub.CreateComment(ctx, repo, number, body)
}

func (g *guard) EditComment(ctx context.Context, repo review.Repo, id int64, body string) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	return g.GitHub.EditComment(ctx, repo, id, body)
}

func (g *guard) CreateReview(ctx context.Context, repo review.Repo, number int, commit string, comments []review.InlineComment) error {
	if err := g.beforeWrite(ctx, nil); err != nil {
		return err
	}
	return g.GitHub.CreateReview(ctx, repo, number, commit, comments)
}

func (g *guard) CreateCheckRun(ctx context.Context, repo review.Repo, out review.CheckOutput) (int64, error) {
	if err := g.beforeWrite(ctx, &out); err != nil {
		return 0, err
	}
	return g.GitHub.CreateCheckRun(ctx, repo, out)
}

func (g *guard) UpdateCheckRun(ctx context.Context, repo review.Repo, id int64, out review.CheckOutput) error {
	if err := g.beforeWrite(ctx, &out); err != nil {
		return err
	}
	return g.GitHub.UpdateCheckRun(ctx, repo, id, out)
}
