package review

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Reviewer gathers, decides and applies. It holds caches of immutable data
// (blobs by SHA, file SHAs at a commit), the base branches' indexes (by
// repository and branch, derived from one commit to the next), short-lived
// team memberships, and what the bot last read or wrote of each pull
// request's comments (checked against the pull request's comment counts
// before use); losing them costs API calls, never correctness.
type Reviewer struct {
	// AppID is the bot's GitHub App id; 0 in Action mode.
	AppID int64
	// Now gives the time; time.Now when nil.
	Now func() time.Time
	// MemberTTL is how long a team membership answer is reused.
	MemberTTL time.Duration
	// NoCache turns every cache above off: each evaluation reads all it
	// needs from GitHub. It is the naive baseline of the benchmarks.
	NoCache bool
	// ArchiveMin is how many register documents not in the blob cache make
	// a full load of the base read the repository's tarball (one call)
	// instead of each blob; 0 means 32, negative never.
	ArchiveMin int

	blobs    *byteLRU
	bases    *baseCache
	flight   flight
	mu       sync.Mutex
	fileSHAs map[string]string
	members  map[string]memberEntry
	// commitPaths caches the paths each commit changed, by SHA.
	commitPaths map[string][]string
	prs         map[string]*prMemo
	branches    map[string]string // repository -> last base branch seen
}

type memberEntry struct {
	ok      bool
	expires time.Time
}

// Bounds of the caches.
const (
	// MaxBases and MaxBaseDocs bound the base branches kept, across
	// repositories, least recently used out first: in number, and in
	// register documents (a 10,000-document index takes about 75 MB; see
	// docs/benchmarks.md).
	MaxBases    = 32
	MaxBaseDocs = 250_000
	maxFileSHAs = 200_000
)

// NewReviewer returns a Reviewer with empty caches.
func NewReviewer(appID int64) *Reviewer {
	return &Reviewer{
		AppID:     appID,
		MemberTTL: 5 * time.Minute,
		blobs:     newByteLRU(256 << 20),
		bases:     newBaseCache(MaxBases, MaxBaseDocs),
		fileSHAs:  map[string]string{},
		members:   map[string]memberEntry{},
		prs:       map[string]*prMemo{},
		branches:  map[string]string{},
	}
}

func (rv *Reviewer) now() time.Time {
	if rv.Now != nil {
		return rv.Now()
	}
	return time.Now()
}

// BaseStats reports the base branches held and their register documents.
func (rv *Reviewer) BaseStats() (bases, docs int) { return rv.bases.stats() }

// TimeoutGrace is how long Review may take, past ctx's deadline, to write
// the check that says the evaluation ran out of time.
const TimeoutGrace = 15 * time.Second

// Review gathers one pull request, decides, and applies the decision.
func (rv *Reviewer) Review(ctx context.Context, gh GitHub, repo Repo, number int) (*Snapshot, *Decision, error) {
	snap, memo := rv.gather(ctx, gh, repo, number)
	if snap.PR.HeadSHA == "" {
		// Without a head commit there is nothing to write a check on.
		return snap, nil, snap.Err
	}
	if snap.Err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The time limit ran out while reading. The check that says so
		// (not a success) is still written, within a short grace: else
		// the pull request would show nothing until the retry.
		snap.Err = fmt.Errorf("GitHub answered too slowly and the evaluation ran out of time (%w)", snap.Err)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), TimeoutGrace)
		defer cancel()
	}
	dec := Decide(snap)
	if snap.Err == nil && dec.Check.Conclusion == ConclusionSuccess && len(snap.cachedMembers) > 0 {
		if changed, err := rv.confirmMembers(ctx, gh, snap); err != nil {
			snap.Err = err
			dec = Decide(snap)
		} else if changed {
			dec = Decide(snap)
		}
	}
	ctx, notes := withWriteNotes(ctx)
	err := Apply(ctx, gh, snap, dec)
	if snap.Err == nil && memo != nil {
		rv.afterApply(snap, *memo, notes)
	}
	if snap.Err != nil {
		err = errors.Join(snap.Err, err)
	}
	return snap, dec, err
}

// future is a value being read.
type future[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func async[T any](f func() (T, error)) *future[T] {
	fu := &future[T]{done: make(chan struct{})}
	go func() {
		defer close(fu.done)
		fu.v, fu.err = f()
	}()
	return fu
}

func done[T any](v T) *future[T] {
	fu := &future[T]{done: make(chan struct{}), v: v}
	close(fu.done)
	return fu
}

func (fu *future[T]) get() (T, error) {
	<-fu.done
	return fu.v, fu.err
}

// Gather reads everything one evaluation needs. Reads run as soon as what
// they depend on is known, so that a warm evaluation is two round trips of
// reads: the pull request, its files and reviews, and the base branch's tip
// (its name guessed from the last evaluation) together; then the check
// runs on the head, the drafts' new texts, file SHAs for approvals of older
// commits and team memberships. On failure the snapshot's Err says why;
// what was read stays.
func (rv *Reviewer) Gather(ctx context.Context, gh GitHub, repo Repo, number int) *Snapshot {
	s, _ := rv.gather(ctx, gh, repo, number)
	return s
}

// gather is Gather; it also returns what to remember of the pull request
// (nil on failure).
func (rv *Reviewer) gather(ctx context.Context, gh GitHub, repo Repo, number int) (*Snapshot, *prMemo) {
	s := &Snapshot{Repo: repo, AppID: rv.AppID, Now: rv.now(), Members: map[string]map[string]bool{}}
	memo := rv.memo(repo, number)
	prF := async(func() (*PullRequest, error) { return gh.PullRequest(ctx, repo, number) })
	filesF := async(func() ([]ChangedFile, error) { return gh.ChangedFiles(ctx, repo, number) })
	reviewsF := async(func() ([]Review, error) { return gh.Reviews(ctx, repo, number) })
	guess := rv.guessBranch(repo, memo)
	var guessF *future[string]
	if guess != "" {
		guessF = async(func() (string, error) { return gh.BranchSHA(ctx, repo, guess) })
	}
	pr, err := prF.get()
	if err != nil {
		// Nothing may still run once Gather returns.
		filesF.get()
		reviewsF.get()
		if guessF != nil {
			guessF.get()
		}
		s.Err = fmt.Errorf("reading pull request #%d: %w", number, err)
		s.CommentUnread = true
		return s, nil
	}
	s.PR = *pr

	checksF := async(func() ([]CheckRun, error) { return gh.CheckRuns(ctx, repo, pr.HeadSHA, "") })
	// The bot's comment and inline findings: as remembered while the pull
	// request's counts say nothing was added or deleted there.
	commentF := done(memo.comment)
	if !memo.commentOK || !pr.Counted || memo.comments != pr.Comments {
		commentF = async(func() (*Comment, error) { return gh.BotComment(ctx, repo, number) })
	}
	fpsF := done(memo.fps)
	if !memo.fpsOK || !pr.Counted || memo.reviewComments != pr.ReviewComments {
		fpsF = async(func() (map[string]bool, error) { return gh.BotFingerprints(ctx, repo, number) })
	}
	baseF := async(func() (*baseState, error) {
		var sha string
		var err error
		if guessF != nil && guess == pr.BaseRef {
			sha, err = guessF.get()
		} else {
			if guessF != nil {
				guessF.get()
			}
			sha, err = gh.BranchSHA(ctx, repo, pr.BaseRef)
		}
		if err != nil {
			return nil, err
		}
		return rv.baseAt(ctx, gh, repo, pr.BaseRef, sha)
	})

	var errs []error
	fail := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	var err1, err2, err3 error
	s.Files, err1 = filesF.get()
	if err1 == nil && !listedAt(s.Files, pr.HeadSHA) {
		// The files were listed in parallel with the pull request, and may
		// be of an older head (a push between the two reads): the decision
		// would then be about other texts than the check's commit. List
		// them again now the head is known: never older than the head (a
		// newer head fails the writes' check that it has not moved).
		s.Files, err1 = gh.ChangedFiles(ctx, repo, number)
	}
	s.Reviews, err2 = reviewsF.get()
	st, err3 := baseF.get()
	fail("listing the changed files", err1)
	fail("listing reviews", err2)
	fail("reading the base branch "+pr.BaseRef, err3)
	if st != nil {
		s.Base, s.BaseSHA = st.base, st.commit
	}
	if err1 == nil {
		rv.noteFileSHAs(s)
	}
	// What depends on the files, the reviews and the base.
	var dErr, fErr, mErr, lErr, cErr error
	if len(errs) == 0 && s.Base.Config != nil {
		var wg sync.WaitGroup
		var links map[int]string
		wg.Add(5)
		go func() { defer wg.Done(); cErr = rv.commitFiles(ctx, gh, s) }()
		go func() { defer wg.Done(); dErr = rv.readDrafts(ctx, gh, s) }()
		go func() { defer wg.Done(); fErr = rv.reviewFileSHAs(ctx, gh, s) }()
		go func() { defer wg.Done(); mErr = rv.memberships(ctx, gh, s) }()
		go func() { defer wg.Done(); links, lErr = rv.links(ctx, gh, s) }()
		wg.Wait()
		for i, why := range links {
			s.Files[i].Content, s.Files[i].ReadErr = nil, why
		}
	}
	if len(errs) == 0 && s.Base.Config != nil && dErr == nil && fErr == nil {
		// The texts approvals were given on, where a draft changed since:
		// the comment shows what changed. Mostly cached blobs; one that
		// cannot be read only leaves the change unshown.
		_ = rv.earlierTexts(ctx, gh, s)
	}
	var err4, err5, err6 error
	s.CheckRuns, err4 = checksF.get()
	s.Comment, err5 = commentF.get()
	s.CommentUnread = err5 != nil
	s.Fingerprints, err6 = fpsF.get()
	fail("finding clearance's comment", err5)
	fail("listing review comments", err6)
	fail("listing check runs", err4)
	for _, err := range []error{dErr, fErr, mErr, lErr, cErr} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		s.Err = errors.Join(errs...)
		return s, nil
	}
	m := &prMemo{baseRef: pr.BaseRef, comment: s.Comment, fps: s.Fingerprints,
		comments: pr.Comments, reviewComments: pr.ReviewComments, commentOK: pr.Counted, fpsOK: pr.Counted}
	rv.remember(repo, number, *m)
	return s, m
}

// listedAt reports whether a listing of a pull request's files is known
// to be of head: every file present at head says so (GitHub's contents URL
// names the commit); an empty listing, or one of removed files only, is not.
func listedAt(files []ChangedFile, head string) bool {
	seen := false
	for _, f := range files {
		if f.Status == "removed" {
			continue
		}
		if f.Commit != head {
			return false
		}
		seen = true
	}
	return seen
}

// noteFileSHAs remembers the blob SHAs of the changed files at the head
// they were listed for, when the listing says which commit that is and it
// is the head the pull request had: a later approval of that commit is
// then checked without asking GitHub what the files were.
func (rv *Reviewer) noteFileSHAs(s *Snapshot) {
	if rv.NoCache {
		return
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for _, f := range s.Files {
		if f.Commit == "" || f.Commit != s.PR.HeadSHA {
			continue
		}
		if len(rv.fileSHAs) > maxFileSHAs {
			clear(rv.fileSHAs)
		}
		rv.fileSHAs[fileSHAKey(s.Repo, f.Commit, f.Path)] = f.SHA // "" when removed
		if f.PreviousPath != "" && f.PreviousPath != f.Path {
			rv.fileSHAs[fileSHAKey(s.Repo, f.Commit, f.PreviousPath)] = ""
		}
	}
}

func fileSHAKey(repo Repo, commit, path string) string {
	return strings.ToLower(repo.String()) + "\x00" + commit + "\x00" + path
}

// readDrafts reads the head content of the changed drafts, by blob SHA.
func (rv *Reviewer) readDrafts(ctx context.Context, gh GitHub, s *Snapshot) error {
	engine := s.Base.Engine(s.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i := range s.Files {
		f := &s.Files[i]
		if !engine.IsDraft(f.Path) || f.Status == "removed" {
			continue
		}
		if f.SHA == "" {
			f.ReadErr = "GitHub gives no content for this file (is it a submodule?); put the draft itself here"
			continue
		}
		if data, ok := contentFromPatch(f); ok {
			// An added file whose whole text is in the patch costs no call;
			// the blob SHA proves the reconstruction exact.
			f.Content = data
			if !rv.NoCache {
				rv.blobs.put(f.SHA, data)
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// From the base repository, which holds a pull request's
			// commits even when they come from a fork the App cannot see.
			data, err := rv.blob(ctx, gh, s.Repo, f.SHA)
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("reading %s: %w", f.Path, err))
				mu.Unlock()
				return
			}
			f.Content = data
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// contentFromPatch rebuilds an added file from its patch, when GitHub
// gave the whole file as one hunk, and checks it against the blob SHA.
func contentFromPatch(f *ChangedFile) ([]byte, bool) {
	if f.Status != "added" || f.Patch == "" || f.SHA == "" {
		return nil, false
	}
	head, rest, ok := strings.Cut(f.Patch, "\n")
	if !ok || !strings.HasPrefix(head, "@@ -0,0 +1") {
		return nil, false
	}
	var b strings.Builder
	newline := true
	for _, l := range strings.Split(rest, "\n") {
		switch {
		case strings.HasPrefix(l, "+"):
			b.WriteString(l[1:])
			b.WriteByte('\n')
		case strings.HasPrefix(l, `\`):
			newline = false
		case l == "":
		default:
			return nil, false
		}
	}
	data := b.String()
	if !newline {
		data = strings.TrimSuffix(data, "\n")
	}
	if GitBlobSHA([]byte(data)) != f.SHA {
		return nil, false
	}
	return []byte(data), true
}

// GitBlobSHA is git's object name for a blob with this content.
func GitBlobSHA(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (rv *Reviewer) blob(ctx context.Context, gh GitHub, repo Repo, sha string) ([]byte, error) {
	if !rv.NoCache {
		if b, ok := rv.blobs.get(sha); ok {
			return b, nil
		}
	}
	b, err := gh.Blob(ctx, repo, sha)
	if err != nil {
		return nil, err
	}
	if !rv.NoCache {
		rv.blobs.put(sha, b)
	}
	return b, nil
}

// reviewFileSHAs records, for approvals and change requests given on an
// older commit, the blob SHA each changed draft and governed file had then:
// from what the listing of that commit's files said, else asked of GitHub,
// all at once.
func (rv *Reviewer) reviewFileSHAs(ctx context.Context, gh GitHub, s *Snapshot) error {
	engine := s.Base.Engine(s.Now)
	governed := governedPaths()
	var paths []string
	for i := range s.Files { // by index: readDrafts writes the Content beside
		if p := s.Files[i].Path; engine.IsDraft(p) || governed[p] {
			paths = append(paths, p)
		}
	}
	type lookup struct {
		review int
		path   string
	}
	var todo []lookup
	rv.mu.Lock()
	for i := range s.Reviews {
		r := &s.Reviews[i]
		if r.CommitID == "" || r.CommitID == s.PR.HeadSHA || (r.State != "APPROVED" && r.State != "CHANGES_REQUESTED") {
			continue
		}
		r.FileSHAs = map[string]string{}
		for _, p := range paths {
			if sha, ok := rv.fileSHAs[fileSHAKey(s.Repo, r.CommitID, p)]; ok && !rv.NoCache {
				r.FileSHAs[p] = sha
			} else {
				todo = append(todo, lookup{i, p})
			}
		}
	}
	rv.mu.Unlock()
	// Each commit and path once, eight at a time.
	type key struct{ commit, path string }
	shas := map[key]string{}
	var keys []key
	for _, l := range todo {
		k := key{s.Reviews[l.review].CommitID, l.path}
		if _, ok := shas[k]; !ok {
			shas[k] = ""
			keys = append(keys, k)
		}
	}
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 8)
	)
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			sha, err := gh.FileSHA(ctx, s.Repo, k.commit, k.path)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fmt.Errorf("reading %s at %.7s: %w", k.path, k.commit, err)
				}
				return
			}
			shas[k] = sha
		}()
	}
	wg.Wait()
	if first != nil {
		for _, l := range todo {
			if r := s.Reviews[l.review]; r.CommitID != "" {
				return fmt.Errorf("reading %s as reviewed by %s: %w", l.path, r.User, first)
			}
		}
		return first
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for _, l := range todo {
		r := &s.Reviews[l.review]
		sha := shas[key{r.CommitID, l.path}]
		r.FileSHAs[l.path] = sha
		if !rv.NoCache {
			if len(rv.fileSHAs) > maxFileSHAs {
				clear(rv.fileSHAs)
			}
			rv.fileSHAs[fileSHAKey(s.Repo, r.CommitID, l.path)] = sha
		}
	}
	return nil
}

// memberships looks up, for the teams that own changed files, whether each
// reviewer is a member, all at once. Bots are in no team.
func (rv *Reviewer) memberships(ctx context.Context, gh GitHub, s *Snapshot) error {
	teams := map[string]bool{}
	if s.Base.Owners != nil {
		for i := range s.Files { // by index: readDrafts writes the Content beside
			owners, _ := s.Base.Owners.Match(s.Files[i].Path)
			for _, o := range owners {
				if n := strings.ToLower(strings.TrimPrefix(o, "@")); strings.Contains(n, "/") && !strings.Contains(n, "@") {
					teams[n] = true
				}
			}
		}
	}
	for _, list := range s.Base.Config.Roles {
		for _, o := range list {
			if n := strings.ToLower(strings.TrimPrefix(o, "@")); strings.Contains(n, "/") {
				teams[n] = true
			}
		}
	}
	reviewers := map[string]bool{}
	for i := range s.Reviews { // by index: reviewFileSHAs writes beside
		if l := strings.ToLower(s.Reviews[i].User); !strings.HasSuffix(l, "[bot]") {
			reviewers[l] = true
		}
	}
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 8)
	)
	record := func(team, login string, ok bool) {
		if ok {
			if s.Members[team] == nil {
				s.Members[team] = map[string]bool{}
			}
			s.Members[team][login] = true
		}
	}
	for _, team := range sortedSet(teams) {
		org, slug, _ := strings.Cut(team, "/")
		for _, login := range sortedSet(reviewers) {
			key := team + "\x00" + login
			rv.mu.Lock()
			e, ok := rv.members[key]
			rv.mu.Unlock()
			if ok && !rv.NoCache && !rv.now().After(e.expires) {
				mu.Lock()
				record(team, login, e.ok)
				if e.ok {
					s.cachedMembers = append(s.cachedMembers, key)
				}
				mu.Unlock()
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				member, err := gh.IsTeamMember(ctx, org, slug, login)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if first == nil {
						first = fmt.Errorf("checking whether %s is in team %s: %w", login, team, err)
					}
					return
				}
				record(team, login, member)
				if !rv.NoCache {
					rv.mu.Lock()
					rv.members[key] = memberEntry{ok: member, expires: rv.now().Add(rv.MemberTTL)}
					rv.mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	return first
}

// maxEarlier bounds the earlier texts read for one evaluation.
const maxEarlier = 20

// earlierTexts reads the texts of drafts that approvals were given on,
// where the draft has changed since (see Snapshot.Earlier).
func (rv *Reviewer) earlierTexts(ctx context.Context, gh GitHub, s *Snapshot) error {
	engine := s.Base.Engine(s.Now)
	now := map[string]string{}
	for i := range s.Files {
		if f := &s.Files[i]; f.Status != "removed" && engine.IsDraft(f.Path) {
			now[f.Path] = f.SHA
		}
	}
	var shas []string
	seen := map[string]bool{}
	for _, r := range s.Reviews {
		if r.State != "APPROVED" {
			continue
		}
		for p, sha := range r.FileSHAs {
			if cur, ok := now[p]; ok && sha != "" && sha != cur && !seen[sha] && len(shas) < maxEarlier {
				seen[sha] = true
				shas = append(shas, sha)
			}
		}
	}
	if len(shas) == 0 {
		return nil
	}
	s.Earlier = map[string][]byte{}
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for _, sha := range shas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, err := rv.blob(ctx, gh, s.Repo, sha)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fmt.Errorf("reading an earlier text (%.7s): %w", sha, err)
				}
				return
			}
			s.Earlier[sha] = data
		}()
	}
	wg.Wait()
	return first
}
