package review

import (
	"context"
	"errors"
)

// GitHub is what a review needs from GitHub. The real implementation is
// Client (go-github); tests use it against the fake GitHub over HTTP.
type GitHub interface {
	// Reads.
	PullRequest(ctx context.Context, repo Repo, number int) (*PullRequest, error)
	ChangedFiles(ctx context.Context, repo Repo, number int) ([]ChangedFile, error)
	// BranchSHA resolves a branch to its tip commit.
	BranchSHA(ctx context.Context, repo Repo, branch string) (string, error)
	// Tree lists the files (blobs) of a commit: path to blob SHA, plus the
	// paths that are symbolic links or submodules.
	Tree(ctx context.Context, repo Repo, commit string) (*Tree, error)
	Blob(ctx context.Context, repo Repo, sha string) ([]byte, error)
	// FileSHA is the blob SHA of path at commit, "" when absent.
	FileSHA(ctx context.Context, repo Repo, commit, path string) (string, error)
	Reviews(ctx context.Context, repo Repo, number int) ([]Review, error)
	// Commits lists the pull request's commits (GitHub lists at most 250),
	// without their files.
	Commits(ctx context.Context, repo Repo, number int) ([]Commit, error)
	// CommitFiles lists the paths a commit changed against its first
	// parent.
	CommitFiles(ctx context.Context, repo Repo, sha string) ([]string, error)
	IsTeamMember(ctx context.Context, org, team, login string) (bool, error)
	// BotComment finds the bot's summary comment (by SummaryMarker).
	BotComment(ctx context.Context, repo Repo, number int) (*Comment, error)
	// BotFingerprints lists the fingerprints of the bot's review comments.
	BotFingerprints(ctx context.Context, repo Repo, number int) (map[string]bool, error)
	CheckRuns(ctx context.Context, repo Repo, sha, name string) ([]CheckRun, error)
	// Compare lists the files that differ from base to head (GitHub's
	// three-dot compare, at most 300 files).
	Compare(ctx context.Context, repo Repo, base, head string) (*Comparison, error)
	// Archive reads a commit's files from the repository's tarball: one
	// API call however many files there are (the download itself does not
	// count against the rate limit). It returns every regular file's blob
	// SHA, and the content of those keep accepts.
	Archive(ctx context.Context, repo Repo, commit string, keep func(path string, size int64) bool) (*Archive, error)

	// Writes.
	AddLabels(ctx context.Context, repo Repo, number int, labels []string) error
	RemoveLabel(ctx context.Context, repo Repo, number int, label string) error
	RequestReviewers(ctx context.Context, repo Repo, number int, users, teams []string) error
	CreateComment(ctx context.Context, repo Repo, number int, body string) error
	EditComment(ctx context.Context, repo Repo, id int64, body string) error
	CreateReview(ctx context.Context, repo Repo, number int, commit string, comments []InlineComment) error
	// CreateCheckRun writes a new check run; UpdateCheckRun replaces one.
	// Annotations beyond the 50 GitHub takes per request are sent in
	// further updates by the implementation.
	CreateCheckRun(ctx context.Context, repo Repo, out CheckOutput) (int64, error)
	UpdateCheckRun(ctx context.Context, repo Repo, id int64, out CheckOutput) error
}

// Tree is a commit's files.
type Tree struct {
	SHA   string            // the tree's own SHA
	Blobs map[string]string // path -> blob SHA, regular files only
	// Special are paths that are not regular files: "symlink", "submodule".
	Special map[string]string
	// Truncated is set when GitHub could not list the whole tree.
	Truncated bool
}

// Comparison is what changed between two commits.
type Comparison struct {
	// Status is GitHub's: "ahead" (head descends from base), "identical",
	// "behind" or "diverged". Files is an exact diff of the two trees
	// only when ahead or identical.
	Status string
	// Files changed; SHA is the blob at head ("" when removed).
	Files []ChangedFile
	// Truncated is set when GitHub may not have listed every file.
	Truncated bool
}

// Archive is a commit's files read from its tarball.
type Archive struct {
	// Blobs maps every regular file to its blob SHA.
	Blobs map[string]string
	// Content holds the files that were asked for.
	Content map[string][]byte
	// Special are the paths that are not regular files: "symbolic link".
	Special map[string]string
}

// ErrNotFound is returned by GitHub implementations for a 404.
var ErrNotFound = errors.New("not found")
