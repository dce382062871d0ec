package review

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

// Reviewer gathers, decides and applies. It holds caches of immutable data
// only (blobs by SHA, file SHAs at a commit, base-branch indexes by tree
// SHA) and short-lived team memberships; losing them costs API calls, never
// correctness.
type Reviewer struct {
	// AppID is the bot's GitHub App id; 0 in Action mode.
	AppID int64
	// Now gives the time; time.Now when nil.
	Now func() time.Time
	// MemberTTL is how long a team membership answer is reused.
	MemberTTL time.Duration

	blobs    *byteLRU
	bases    *baseCache
	mu       sync.Mutex
	fileSHAs map[string]string
	members  map[string]memberEntry
}

type memberEntry struct {
	ok      bool
	expires time.Time
}

// NewReviewer returns a Reviewer with empty caches.
func NewReviewer(appID int64) *Reviewer {
	return &Reviewer{
		AppID:     appID,
		MemberTTL: 5 * time.Minute,
		blobs:     newByteLRU(256 << 20),
		bases:     newBaseCache(16),
		fileSHAs:  map[string]string{},
		members:   map[string]memberEntry{},
	}
}

func (rv *Reviewer) now() time.Time {
	if rv.Now != nil {
		return rv.Now()
	}
	return time.Now()
}

// Review gathers one pull request, decides, and applies the decision.
func (rv *Reviewer) Review(ctx context.Context, gh GitHub, repo Repo, number int) (*Snapshot, *Decision, error) {
	snap := rv.Gather(ctx, gh, repo, number)
	if snap.PR.HeadSHA == "" {
		// Without a head commit there is nothing to write a check on.
		return snap, nil, snap.Err
	}
	dec := Decide(snap)
	err := Apply(ctx, gh, snap, dec)
	if snap.Err != nil {
		err = errors.Join(snap.Err, err)
	}
	return snap, dec, err
}

// Gather reads everything one evaluation needs. Independent reads run in
// parallel. On failure the snapshot's Err says why; what was read stays.
func (rv *Reviewer) Gather(ctx context.Context, gh GitHub, repo Repo, number int) *Snapshot {
	s := &Snapshot{Repo: repo, AppID: rv.AppID, Now: rv.now(), Members: map[string]map[string]bool{}}
	pr, err := gh.PullRequest(ctx, repo, number)
	if err != nil {
		s.Err = fmt.Errorf("reading pull request #%d: %w", number, err)
		return s
	}
	s.PR = *pr

	var (
		wg              sync.WaitGroup
		mu              sync.Mutex
		errs            []error
		files           []ChangedFile
		reviews         []Review
		comment         *Comment
		fps             map[string]bool
		checks          []CheckRun
		base            *policy.Base
		baseSHA, basErr = "", error(nil)
	)
	fail := func(what string, err error) {
		mu.Lock()
		errs = append(errs, fmt.Errorf("%s: %w", what, err))
		mu.Unlock()
	}
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() {
		var err error
		if files, err = gh.ChangedFiles(ctx, repo, number); err != nil {
			fail("listing the changed files", err)
		}
	})
	run(func() {
		var err error
		if reviews, err = gh.Reviews(ctx, repo, number); err != nil {
			fail("listing reviews", err)
		}
	})
	run(func() {
		var err error
		if comment, err = gh.BotComment(ctx, repo, number); err != nil {
			fail("finding clearance's comment", err)
		}
	})
	run(func() {
		var err error
		if fps, err = gh.BotFingerprints(ctx, repo, number); err != nil {
			fail("listing review comments", err)
		}
	})
	run(func() {
		var err error
		if checks, err = gh.CheckRuns(ctx, repo, pr.HeadSHA, ""); err != nil {
			fail("listing check runs", err)
		}
	})
	run(func() {
		base, baseSHA, basErr = rv.loadBase(ctx, gh, repo, pr.BaseRef)
		if basErr != nil {
			fail("reading the base branch "+pr.BaseRef, basErr)
		}
	})
	wg.Wait()
	s.Files, s.Reviews, s.Comment, s.Fingerprints, s.CheckRuns, s.Base, s.BaseSHA = files, reviews, comment, fps, checks, base, baseSHA
	if len(errs) > 0 {
		s.Err = errors.Join(errs...)
		return s
	}
	if base.Config == nil {
		return s // Decide reports the config errors
	}
	if err := rv.readDrafts(ctx, gh, s); err != nil {
		s.Err = err
		return s
	}
	if err := rv.reviewFileSHAs(ctx, gh, s); err != nil {
		s.Err = err
		return s
	}
	if err := rv.memberships(ctx, gh, s); err != nil {
		s.Err = err
	}
	return s
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
			rv.blobs.put(f.SHA, data)
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
	if b, ok := rv.blobs.get(sha); ok {
		return b, nil
	}
	b, err := gh.Blob(ctx, repo, sha)
	if err != nil {
		return nil, err
	}
	rv.blobs.put(sha, b)
	return b, nil
}

// reviewFileSHAs records, for reviews given on an older commit, the blob
// SHA each changed draft and governed file had then.
func (rv *Reviewer) reviewFileSHAs(ctx context.Context, gh GitHub, s *Snapshot) error {
	engine := s.Base.Engine(s.Now)
	governed := governedPaths()
	var paths []string
	for _, f := range s.Files {
		if engine.IsDraft(f.Path) || governed[f.Path] {
			paths = append(paths, f.Path)
		}
	}
	for i := range s.Reviews {
		r := &s.Reviews[i]
		if r.CommitID == "" || r.CommitID == s.PR.HeadSHA || (r.State != "APPROVED" && r.State != "CHANGES_REQUESTED") {
			continue
		}
		r.FileSHAs = map[string]string{}
		for _, p := range paths {
			key := s.Repo.String() + "\x00" + r.CommitID + "\x00" + p
			rv.mu.Lock()
			sha, ok := rv.fileSHAs[key]
			rv.mu.Unlock()
			if !ok {
				var err error
				sha, err = gh.FileSHA(ctx, s.Repo, r.CommitID, p)
				if err != nil {
					return fmt.Errorf("reading %s as reviewed by %s: %w", p, r.User, err)
				}
				rv.mu.Lock()
				if len(rv.fileSHAs) > 100000 {
					rv.fileSHAs = map[string]string{}
				}
				rv.fileSHAs[key] = sha
				rv.mu.Unlock()
			}
			r.FileSHAs[p] = sha
		}
	}
	return nil
}

// memberships looks up, for the teams that own changed files, whether each
// reviewer who approved or requested changes is a member.
func (rv *Reviewer) memberships(ctx context.Context, gh GitHub, s *Snapshot) error {
	teams := map[string]bool{}
	if s.Base.Owners != nil {
		for _, f := range s.Files {
			owners, _ := s.Base.Owners.Match(f.Path)
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
	for _, r := range s.Reviews {
		reviewers[strings.ToLower(r.User)] = true
	}
	teamList := sortedSet(teams)
	logins := sortedSet(reviewers)
	for _, team := range teamList {
		org, slug, _ := strings.Cut(team, "/")
		for _, login := range logins {
			key := team + "\x00" + login
			rv.mu.Lock()
			e, ok := rv.members[key]
			rv.mu.Unlock()
			if !ok || rv.now().After(e.expires) {
				member, err := gh.IsTeamMember(ctx, org, slug, login)
				if err != nil {
					return fmt.Errorf("checking whether %s is in team %s: %w", login, team, err)
				}
				e = memberEntry{ok: member, expires: rv.now().Add(rv.MemberTTL)}
				rv.mu.Lock()
				rv.members[key] = e
				rv.mu.Unlock()
			}
			if e.ok {
				if s.Members[team] == nil {
					s.Members[team] = map[string]bool{}
				}
				s.Members[team][login] = true
			}
		}
	}
	return nil
}

// loadBase reads config, CODEOWNERS and register from the tip of the base
// branch, reusing the index when the tree has not changed.
func (rv *Reviewer) loadBase(ctx context.Context, gh GitHub, repo Repo, branch string) (*policy.Base, string, error) {
	sha, err := gh.BranchSHA(ctx, repo, branch)
	if err != nil {
		return nil, "", err
	}
	tree, err := gh.Tree(ctx, repo, sha)
	if err != nil {
		return nil, sha, err
	}
	if tree.Truncated {
		return nil, sha, fmt.Errorf("the base branch has too many files for GitHub to list at once")
	}
	key := repo.String() + "\x00" + tree.SHA
	if b := rv.bases.get(key); b != nil {
		return b, sha, nil
	}
	bt := &blobTree{ctx: ctx, gh: gh, rv: rv, repo: repo, tree: tree}
	if err := rv.prefetchRegister(ctx, gh, repo, bt); err != nil {
		return nil, sha, err
	}
	base := policy.LoadBase(bt)
	if bt.err != nil {
		return nil, sha, bt.err
	}
	rv.bases.put(key, base)
	return base, sha, nil
}

// prefetchRegister reads the register's blobs that are not cached yet,
// several at a time, so a first look at a large register is not one round
// trip after another. Which files are the register comes from the config.
func (rv *Reviewer) prefetchRegister(ctx context.Context, gh GitHub, repo Repo, bt *blobTree) error {
	globs := policy.DefaultConfig().Register
	if data, err := bt.ReadFile(policy.ConfigPath); err == nil {
		if cfg, errs := policy.ParseConfig(policy.ConfigPath, data); len(errs) == 0 {
			globs = cfg.Register
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	reg := policy.CompileGlobs(globs)
	todo := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sha := range todo {
				if _, err := rv.blob(ctx, gh, repo, sha); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for p, sha := range bt.tree.Blobs {
		if _, ok := reg.Match(p); ok {
			if _, cached := rv.blobs.get(sha); !cached {
				todo <- sha
			}
		}
	}
	close(todo)
	wg.Wait()
	return first
}

// blobTree is a policy.Tree over a GitHub tree, reading blobs on demand.
type blobTree struct {
	ctx  context.Context
	gh   GitHub
	rv   *Reviewer
	repo Repo
	tree *Tree
	mu   sync.Mutex
	err  error
}

func (t *blobTree) Paths() []string {
	out := make([]string, 0, len(t.tree.Blobs))
	for p := range t.tree.Blobs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (t *blobTree) ReadFile(p string) ([]byte, error) {
	sha, ok := t.tree.Blobs[p]
	if !ok {
		if kind, ok := t.tree.Special[p]; ok {
			return nil, fmt.Errorf("%s is a %s, not a file", p, kind)
		}
		return nil, fs.ErrNotExist
	}
	b, err := t.rv.blob(t.ctx, t.gh, t.repo, sha)
	if err != nil {
		t.mu.Lock()
		if t.err == nil {
			t.err = fmt.Errorf("reading %s: %w", p, err)
		}
		t.mu.Unlock()
	}
	return b, err
}
