// Package review is one pull request's review: gather a snapshot of the
// pull request from GitHub through a small interface, decide what the bot
// should show (labels, review requests, the check, the comment) with a pure
// function, and apply that decision to GitHub as an idempotent diff.
//
// Nothing is kept between evaluations but caches (blobs by SHA, file SHAs
// at a commit, base branches' indexes, team memberships for a few minutes,
// and what the bot last read or wrote of a pull request's comments, checked
// against its comment counts): GitHub is the source of truth, so a restart
// loses nothing.
package review

import (
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

// Repo names a repository.
type Repo struct {
	Owner string
	Name  string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// PullRequest is what the review needs of a pull request.
type PullRequest struct {
	Number  int
	Title   string
	Author  string
	State   string // open, closed
	Draft   bool
	HeadSHA string
	BaseRef string // the base branch name
	BaseSHA string // the base commit GitHub reports for the pull request
	// DefaultBranch is the repository's default branch.
	DefaultBranch string
	HTMLURL       string
	// Labels on the pull request, by name.
	Labels []string
	// RequestedUsers and RequestedTeams are the pending review requests
	// (logins; team slugs).
	RequestedUsers []string
	RequestedTeams []string
	// HeadRepo is where the head branch lives: a fork differs from Repo.
	HeadRepo Repo
	// Comments and ReviewComments count the pull request's issue comments
	// and review comments, when Counted: an unchanged count tells that no
	// comment was added or deleted since.
	Comments, ReviewComments int
	Counted                  bool
	// ChangedFiles is how many files GitHub says the pull request
	// changes; its files API lists at most 3,000 of them.
	ChangedFiles int
}

// ChangedFile is a file the pull request changes.
type ChangedFile struct {
	Path         string
	PreviousPath string // for renames
	Status       string // added, modified, removed, renamed, copied, changed, unchanged
	SHA          string // blob SHA at head ("" when removed)
	Patch        string // unified diff, when GitHub gives one
	// Content is the file at head, read for drafts only.
	Content []byte
	// ReadErr says why Content could not be read (a submodule, a symbolic
	// link, too large, an API error). Such a draft never passes.
	ReadErr string
	// Commit is the commit the listing showed the file at, when GitHub
	// says (the ref of its contents URL): the head it was listed for.
	Commit string
}

// Review is one submitted review.
type Review struct {
	ID          int64
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
	CommitID    string
	SubmittedAt time.Time
	// FileSHAs holds, for the drafts and governed files of the pull
	// request, the blob SHA each had at CommitID ("" when absent then).
	// An approval counts for a file only if this equals the head SHA.
	FileSHAs map[string]string
	// Body is the reviewer's note; Paths are the files of its line
	// comments (read for change requests only).
	Body  string
	Paths []string
}

// Commit is one commit of a pull request.
type Commit struct {
	SHA string
	// People are the GitHub logins of its author and committer ("" when
	// GitHub knows no account for the email).
	People []string
	// Files are the paths it changed; nil when not read (only the commits
	// of someone who approved are read: see fourEyes).
	Files []string
}

// Comment is the bot's summary comment on the pull request.
type Comment struct {
	ID   int64
	Body string
}

// CheckRun is a check run on the head commit with the bot's check name.
type CheckRun struct {
	ID          int64
	Name        string
	AppID       int64
	HeadSHA     string
	Status      string
	Conclusion  string
	Title       string
	Summary     string
	Text        string
	ExternalID  string
	Annotations int
}

// Snapshot is everything one evaluation reads, gathered before deciding.
type Snapshot struct {
	Repo Repo
	PR   PullRequest
	// Base is the config, CODEOWNERS and register read from the base
	// branch — never from the pull request's head.
	Base *policy.Base
	// BaseSHA is the base-branch commit Base was read from.
	BaseSHA string
	Files   []ChangedFile
	Reviews []Review
	// Commits are the pull request's commits, for four eyes (see
	// policy.Config.FourEyes).
	Commits []Commit
	// Members records team memberships looked up for this evaluation:
	// Members["org/team"]["login"].
	Members map[string]map[string]bool
	// cachedMembers are the "org/team\x00login" memberships of Members
	// that came from the cache as yes: a success is not written on them
	// before GitHub confirms them (confirmMembers).
	cachedMembers []string
	// Comment is the bot's existing summary comment, if any.
	Comment *Comment
	// CommentUnread is set when the comments could not be read: whether
	// the bot has a comment is then unknown, and none is created (it could
	// be a second one).
	CommentUnread bool
	// Earlier holds, by blob SHA, texts of drafts as approved before they
	// changed (at most maxEarlier), to show what changed since.
	Earlier map[string][]byte
	// Fingerprints are the hidden fingerprints of the bot's inline review
	// comments already on the pull request.
	Fingerprints map[string]bool
	// CheckRuns on the head commit with the bot's check name, from any app.
	CheckRuns []CheckRun
	// AppID is the bot's own GitHub App id (0 in Action mode).
	AppID int64
	// Now is the time of the evaluation (embargoes).
	Now time.Time
	// Err, when set, is why the snapshot could not be completed. The
	// decision is then a failing check that says so; nothing passes.
	Err error
}
