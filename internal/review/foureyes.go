package review

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Four eyes (policy.Config.FourEyes): an approval does not count for a
// draft from someone who authored or committed a commit of the pull request
// that changed it, as branch protection's "require approval of the most
// recent reviewable push" keeps a pusher from clearing their own push. The
// pull request's commits are listed when someone other than its author has
// approved (an ETag makes an unchanged list free); the files of a commit,
// which never change, are read only for the commits of someone who
// approved, once.

// maxCommitFiles bounds the cache of commits' changed paths.
const maxCommitFiles = 50_000

// commitFiles lists the commits when someone approved, and fills in
// Files for the commits of people who approved.
func (rv *Reviewer) commitFiles(ctx context.Context, gh GitHub, s *Snapshot) error {
	if !s.Base.Config.FourEyesOn() {
		return nil
	}
	approvers := map[string]bool{}
	for i := range s.Reviews { // by index: reviewFileSHAs writes beside
		if s.Reviews[i].State == "APPROVED" && !strings.EqualFold(s.Reviews[i].User, s.PR.Author) {
			approvers[strings.ToLower(s.Reviews[i].User)] = true
		}
	}
	if len(approvers) == 0 {
		return nil // no approval to weigh
	}
	commits, err := gh.Commits(ctx, s.Repo, s.PR.Number)
	if err != nil {
		return fmt.Errorf("listing the commits: %w", err)
	}
	s.Commits = commits
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, 8)
	)
	for i := range s.Commits {
		c := &s.Commits[i]
		if !approvedBy(c.People, approvers) {
			continue
		}
		rv.mu.Lock()
		files, ok := rv.commitPaths[c.SHA]
		rv.mu.Unlock()
		if ok && !rv.NoCache {
			c.Files = files
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			files, err := gh.CommitFiles(ctx, s.Repo, c.SHA)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("reading the files of commit %.7s: %w", c.SHA, err)
				}
				mu.Unlock()
				return
			}
			if files == nil {
				files = []string{}
			}
			c.Files = files
			rv.mu.Lock()
			if rv.commitPaths == nil || len(rv.commitPaths) >= maxCommitFiles {
				rv.commitPaths = map[string][]string{}
			}
			rv.commitPaths[c.SHA] = files
			rv.mu.Unlock()
		}()
	}
	wg.Wait()
	return first
}

func approvedBy(people []string, approvers map[string]bool) bool {
	for _, p := range people {
		if approvers[strings.ToLower(p)] {
			return true
		}
	}
	return false
}

// ownWordsNote says, for the comment, whose approval four eyes left out.
func ownWordsNote(dr *DraftReview) string {
	var b strings.Builder
	for _, who := range slices.Sorted(maps.Keys(dr.OwnWords)) {
		fmt.Fprintf(&b, "- @%s approved, but that does not count: @%s wrote or pushed a change to this text in this pull request (commit %.7s), and nobody clears their own words. Someone else in the role must approve.\n", who, who, dr.OwnWords[who])
	}
	return b.String()
}

// changedBy maps the lower-case login of each person who authored or
// committed a commit of the pull request that changed path to the first
// such commit. A commit whose files were not read counts as changing every
// path (it is a commit of someone who did not approve, so it changes
// nothing here; reading failed otherwise, and the evaluation failed).
func changedBy(s *Snapshot, path string) map[string]string {
	out := map[string]string{}
	for _, c := range s.Commits {
		touched := c.Files == nil
		for _, f := range c.Files {
			if f == path {
				touched = true
				break
			}
		}
		if !touched {
			continue
		}
		for _, p := range c.People {
			if l := strings.ToLower(p); out[l] == "" {
				out[l] = c.SHA
			}
		}
	}
	return out
}
