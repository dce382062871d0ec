package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// Apply makes GitHub match the decision, writing only what differs from
// the snapshot: a second Apply of the same decision writes nothing. The
// writes that do not depend on each other (labels, review requests, the
// comment, inline findings) are made in parallel; errors are collected; the
// check run is written last, so a failure before it leaves the old check
// (never a new success) in place.
func Apply(ctx context.Context, gh GitHub, s *Snapshot, d *Decision) error {
	notes, _ := ctx.Value(writeNotesKey{}).(*writeNotes)
	if notes == nil {
		notes = &writeNotes{}
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	// Labels: add the missing ones, remove the bot's stale ones.
	have := map[string]bool{}
	for _, l := range s.PR.Labels {
		have[l] = true
	}
	want := map[string]bool{}
	var add []string
	for _, l := range d.Labels {
		want[l] = true
		if !have[l] {
			add = append(add, l)
		}
	}
	if len(add) > 0 {
		run(func() {
			if err := gh.AddLabels(ctx, s.Repo, s.PR.Number, add); err != nil {
				fail(fmt.Errorf("adding labels: %w", err))
			}
		})
	}
	for _, l := range d.BotLabels {
		if have[l] && !want[l] {
			run(func() {
				if err := gh.RemoveLabel(ctx, s.Repo, s.PR.Number, l); err != nil && !errors.Is(err, ErrNotFound) {
					fail(fmt.Errorf("removing label %q: %w", l, err))
				}
			})
		}
	}
	if len(d.RequestUsers)+len(d.RequestTeams) > 0 {
		run(func() {
			if err := gh.RequestReviewers(ctx, s.Repo, s.PR.Number, d.RequestUsers, d.RequestTeams); err != nil {
				// A reviewer GitHub refuses (no access to the repo, say) must
				// not stop the check; the comment still names who must approve.
				fail(fmt.Errorf("requesting reviews: %w", err))
			}
		})
	}
	create := func() {
		err := gh.CreateComment(ctx, s.Repo, s.PR.Number, d.Comment)
		notes.mu.Lock()
		notes.commentBody, notes.created, notes.commentFailed = d.Comment, err == nil, err != nil
		notes.mu.Unlock()
		if err != nil {
			fail(fmt.Errorf("writing the comment: %w", err))
		}
	}
	switch {
	case d.Comment == "":
	case s.Comment == nil:
		run(create)
	case s.Comment.Body != d.Comment:
		run(func() {
			err := gh.EditComment(ctx, s.Repo, s.Comment.ID, d.Comment)
			if errors.Is(err, ErrNotFound) {
				create() // deleted meanwhile
				return
			}
			notes.mu.Lock()
			notes.commentID, notes.commentBody, notes.commentFailed = s.Comment.ID, d.Comment, err != nil
			notes.mu.Unlock()
			if err != nil {
				fail(fmt.Errorf("editing the comment: %w", err))
			}
		})
	}
	if len(d.Inline) > 0 {
		run(func() {
			err := gh.CreateReview(ctx, s.Repo, s.PR.Number, s.PR.HeadSHA, d.Inline)
			notes.mu.Lock()
			if err != nil {
				notes.reviewFailed = true
			} else {
				for _, ic := range d.Inline {
					notes.posted = append(notes.posted, ic.Fingerprint)
				}
			}
			notes.mu.Unlock()
			if err != nil {
				fail(fmt.Errorf("posting review comments: %w", err))
			}
		})
	}
	wg.Wait()
	if err := applyCheck(ctx, gh, s, d.Check); err != nil {
		errs = append(errs, fmt.Errorf("writing the check: %w", err))
	}
	return errors.Join(errs...)
}

// OutputID fingerprints a check output; it is stored as the check run's
// external_id so an unchanged outcome is recognised and not rewritten.
func OutputID(c CheckOutput) string {
	c.ExternalID = ""
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return "clearance:" + hex.EncodeToString(h[:12])
}

// applyCheck creates or updates the bot's check run on the head commit.
func applyCheck(ctx context.Context, gh GitHub, s *Snapshot, c CheckOutput) error {
	c.ExternalID = OutputID(c)
	var mine *CheckRun
	for i := range s.CheckRuns {
		cr := &s.CheckRuns[i]
		if cr.Name != c.Name || cr.HeadSHA != c.HeadSHA {
			continue
		}
		if s.AppID != 0 && cr.AppID != s.AppID {
			continue
		}
		if mine == nil || cr.ID > mine.ID {
			mine = cr
		}
	}
	if mine != nil && mine.ExternalID == c.ExternalID && mine.Status == "completed" {
		return nil
	}
	// A changed outcome is a new run rather than an update: GitHub keeps
	// the annotations of every update of a run, so updating would leave
	// findings that were fixed. Branch protection reads the newest run of a
	// name on the commit.
	_, err := gh.CreateCheckRun(ctx, s.Repo, c)
	return err
}
