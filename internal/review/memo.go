package review

import (
	"context"
	"fmt"
	"maps"
	"sync"
)

// prMemo is what the Reviewer remembers of one pull request from its last
// evaluation: its base branch, so the branch is read while the pull request
// itself is (not after it); and the bot's summary comment and inline
// findings as they were last read or written, with the pull request's
// comment counts at that time. While a count is unchanged, nothing was
// added or deleted there, so the list need not be read again: the bot's
// own writes would otherwise make every next listing a full read.
type prMemo struct {
	baseRef string

	comment   *Comment // nil: none
	comments  int      // the pull request's issue comments then
	commentOK bool

	fps            map[string]bool
	reviewComments int
	fpsOK          bool
}

// maxMemos bounds the pull requests remembered.
const maxMemos = 20000

func memoKey(repo Repo, number int) string { return fmt.Sprintf("%s#%d", repo, number) }

// memo returns a copy of what is remembered of a pull request (zero when
// nothing, or caches are off).
func (rv *Reviewer) memo(repo Repo, number int) prMemo {
	if rv.NoCache {
		return prMemo{}
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if m := rv.prs[memoKey(repo, number)]; m != nil {
		return *m
	}
	return prMemo{}
}

// remember stores what is known of a pull request.
func (rv *Reviewer) remember(repo Repo, number int, m prMemo) {
	if rv.NoCache {
		return
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if len(rv.prs) >= maxMemos {
		for k := range rv.prs { // drop an arbitrary one
			delete(rv.prs, k)
			break
		}
	}
	rv.prs[memoKey(repo, number)] = &m
	if m.baseRef != "" {
		if len(rv.branches) >= maxMemos {
			clear(rv.branches)
		}
		rv.branches[repo.String()] = m.baseRef
	}
}

// guessBranch is the base branch a pull request most likely has: its own
// last time, else the last one seen in the repository.
func (rv *Reviewer) guessBranch(repo Repo, m prMemo) string {
	if m.baseRef != "" || rv.NoCache {
		return m.baseRef
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return rv.branches[repo.String()]
}

// afterApply updates the memo with what Apply wrote. Anything uncertain
// (a write that failed) is forgotten, so the next evaluation reads it.
func (rv *Reviewer) afterApply(s *Snapshot, m prMemo, w *writeNotes) {
	m.baseRef = s.PR.BaseRef
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.commentFailed || (w.commentBody != "" && w.commentID == 0):
		m.commentOK = false
	case w.commentBody != "":
		m.comment = &Comment{ID: w.commentID, Body: w.commentBody}
		if w.created {
			m.comments++
		}
	}
	switch {
	case w.reviewFailed:
		m.fpsOK = false
	case len(w.posted) > 0:
		m.fps = maps.Clone(m.fps)
		if m.fps == nil {
			m.fps = map[string]bool{}
		}
		for _, fp := range w.posted {
			m.fps[fp] = true
		}
		m.reviewComments += len(w.posted)
	}
	rv.remember(s.Repo, s.PR.Number, m)
}

// writeNotes records what one evaluation's writes did. The GitHub
// implementation may be wrapped (the server guards writes), so the id of a
// new comment comes back through the context, not an interface method.
type writeNotes struct {
	mu            sync.Mutex
	commentID     int64
	commentBody   string
	created       bool
	commentFailed bool
	posted        []string // fingerprints of inline comments posted
	reviewFailed  bool
}

type writeNotesKey struct{}

func withWriteNotes(ctx context.Context) (context.Context, *writeNotes) {
	w := &writeNotes{}
	return context.WithValue(ctx, writeNotesKey{}, w), w
}

// noteComment records the id of a comment just created.
func noteComment(ctx context.Context, id int64) {
	if w, ok := ctx.Value(writeNotesKey{}).(*writeNotes); ok {
		w.mu.Lock()
		w.commentID = id
		w.mu.Unlock()
	}
}

// Forget drops what is remembered of a pull request's comments, so that
// its next evaluation lists them: for when something outside the
// evaluation may have changed them (another replica wrote, or deleted a
// duplicate).
func (rv *Reviewer) Forget(repo Repo, number int) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if m := rv.prs[memoKey(repo, number)]; m != nil {
		m.commentOK, m.fpsOK = false, false
	}
}
