package review

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// Conclusions the bot writes. Only success lets a required check pass.
const (
	ConclusionSuccess        = "success"
	ConclusionFailure        = "failure"
	ConclusionActionRequired = "action_required"
)

// Markers hidden in the bot's comments so it finds its own text again.
const (
	SummaryMarker     = "<!-- clearance:summary -->"
	fingerprintPrefix = "<!-- clearance:finding:"
)

// Decision is what the pull request should look like on GitHub.
type Decision struct {
	Drafts   []DraftReview
	Governed []GovernedFile
	// Labels the pull request should carry among the bot's own labels,
	// and the bot's labels (all scenario labels) it may remove.
	Labels    []string
	BotLabels []string
	// Review requests to make (logins and team slugs), already reduced to
	// those not requested or reviewed before.
	RequestUsers []string
	RequestTeams []string
	// Asked are the reviewers the bot has asked for this version of the
	// drafts (AskedVersion), kept in its comment: once asked, a reviewer
	// whose request someone removed is not asked again until the text
	// changes.
	Asked        []string
	AskedVersion string
	Check        CheckOutput
	// Comment is the summary comment's body; "" means no comment is wanted
	// (no drafts, and none before).
	Comment string
	// Inline are review comments on draft lines for findings not yet posted.
	Inline []InlineComment

	// status is the verdict the check and the comment both tell; why
	// says why clearance could not check, when it could not.
	status status
	// baseErrs counts the errors on the base branch that keep the check
	// red (see baseErrors).
	baseErrs int
	why      string
}

// status is the one verdict on a pull request, told alike by the check's
// conclusion and the comment's heading.
type status int

const (
	statusCleared   status = iota // success: it can be merged
	statusWaiting                 // approvals missing
	statusChanges                 // a reviewer asked for changes
	statusErrors                  // drafts have errors to fix
	statusUnchecked               // clearance could not check it
)

// DraftReview is one changed draft: the engine's result and the approvals.
type DraftReview struct {
	File   ChangedFile
	Result *policy.Result
	// Approved lists, per required role, who approved the current text.
	Approved map[string][]string
	// Stale lists, per role, approvals given on an older text.
	Stale map[string][]string
	// Missing are the required roles with no approval of the current text.
	Missing []string
	// Shared lists, per role, approvers who count for another role
	// already (see policy.Config.DistinctApprovers).
	Shared map[string][]string
	// OwnWords lists approvers left out under four eyes: they authored or
	// committed a commit of the pull request that changed this draft
	// (login -> that commit's SHA).
	OwnWords map[string]string
	// Blockers requested changes and have not approved since; Notes are
	// their reviews, in the same order.
	Blockers []string
	Notes    []Review
}

// Cleared reports whether the draft may be merged: no errors, and either
// free to post or approved by every required role with nobody blocking.
func (d *DraftReview) Cleared() bool {
	if d.Result.Errors() > 0 || len(d.Blockers) > 0 {
		return false
	}
	return !d.Result.NeedsReview() || len(d.Missing) == 0
}

// GovernedFile is a change to the config or CODEOWNERS, which decide how
// review works: it needs the policy role's approval, so a pull request can
// never relax its own review.
type GovernedFile struct {
	File     ChangedFile
	Owners   []string // who can approve: policy-role owners of the file
	Approved []string
	Blockers []string
	// Register is set for a document of the register of published
	// material: once merged, drafts that copy it need no review.
	Register bool
}

// what says what the change is, for the check and the comment.
func (g *GovernedFile) what() string {
	switch {
	case g.Register && g.File.Status == "removed":
		return "removes a published document from the register (once merged, clearance no longer knows what it said or when it may be published: an embargo it set no longer protects its text)"
	case g.Register:
		return "adds or changes a published document in the register (once merged, drafts that copy it go out without review)"
	}
	return "changes how review works"
}

// Cleared reports whether the governed change is approved.
func (g *GovernedFile) Cleared() bool { return len(g.Approved) > 0 && len(g.Blockers) == 0 }

// CheckOutput is the check run to write on the head commit.
type CheckOutput struct {
	Name        string
	HeadSHA     string
	Conclusion  string
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	DetailsURL  string
	// ExternalID fingerprints the rest (see OutputID); set when written.
	ExternalID string
}

// Annotation is a finding on a line, shown in the check and the diff.
type Annotation struct {
	Path    string
	Line    int
	Level   string // notice, warning, failure
	Title   string
	Message string
}

// InlineComment is a finding posted as a review comment on a draft's line.
type InlineComment struct {
	Path        string
	Line        int
	Body        string
	Fingerprint string
}

// CheckName is the check run's name for a pull request: the configured
// name for pull requests into the default branch, and the name followed by
// the base branch for others ("clearance (release-2026)"). Check runs
// belong to a commit, not a pull request: without the suffix, a second pull
// request with the same head commit into a laxer branch could turn the
// first one's required check green.
func CheckName(cfg *policy.Config, pr PullRequest) string {
	if pr.DefaultBranch == "" || pr.BaseRef == "" || pr.BaseRef == pr.DefaultBranch {
		return cfg.CheckName
	}
	return cfg.CheckName + " (" + pr.BaseRef + ")"
}

// governedPaths are the files that decide how review works.
func governedPaths() map[string]bool {
	m := map[string]bool{policy.ConfigPath: true}
	for _, p := range policy.CodeownersPaths {
		m[p] = true
	}
	return m
}

// Decide works out the decision from a snapshot. It is pure: the same
// snapshot always gives the same decision.
func Decide(s *Snapshot) *Decision {
	d := &Decision{}
	cfg := policy.DefaultConfig()
	if s.Base != nil && s.Base.Config != nil {
		cfg = s.Base.Config
	}
	d.Check = CheckOutput{Name: CheckName(cfg, s.PR), HeadSHA: s.PR.HeadSHA, DetailsURL: s.PR.HTMLURL}
	for _, sc := range policy.Scenarios {
		d.BotLabels = append(d.BotLabels, cfg.LabelFor(sc))
	}
	switch {
	case s.Err != nil:
		d.Check.Conclusion = ConclusionFailure
		d.Check.Title = "Could not evaluate this pull request (will retry)"
		why := plainReadError(s.Err)
		d.Check.Summary = fmt.Sprintf("clearance could not check this pull request: %s.\n\nThis is usually a passing problem at GitHub, and clearance tries again by itself. Until it has checked, do not merge. If this message stays, comment `/clearance recheck` on this pull request, or ask whoever runs clearance.", why)
		d.Check.Text = fmt.Sprintf("What went wrong, for whoever runs clearance:\n\n```\n%s\n```\n", clip(s.Err.Error(), maxSummary-100, "…"))
		d.Labels = currentBotLabels(s.PR.Labels, d.BotLabels) // leave labels alone
		d.status = statusUnchecked
		d.Comment = failedComment(s, d, why, why, "clearance tries again by itself; if this message stays, comment `/clearance recheck` or ask whoever runs clearance.")
		return d
	case s.PR.ChangedFiles > len(s.Files):
		// Files GitHub does not list cannot be checked: fail closed.
		d.Check.Conclusion = ConclusionFailure
		d.Check.Title = fmt.Sprintf("Too many files to check: %d changed, GitHub lists %d", s.PR.ChangedFiles, len(s.Files))
		d.Check.Summary = fmt.Sprintf("This pull request changes %d files, and GitHub lets clearance see only the first %d of them, so some drafts could go unchecked.\n\n**What to do:** split it into smaller pull requests (fewer than 3,000 files each).", s.PR.ChangedFiles, len(s.Files))
		d.Labels = currentBotLabels(s.PR.Labels, d.BotLabels)
		d.status = statusUnchecked
		d.Comment = failedComment(s, d, "too many files", fmt.Sprintf("it changes %d files, and GitHub shows clearance only %d of them", s.PR.ChangedFiles, len(s.Files)), "split it into smaller pull requests, each with fewer than 3,000 files.")
		return d
	case s.Base == nil || s.Base.Config == nil:
		d.Check.Conclusion = ConclusionFailure
		d.Check.Title = fmt.Sprintf("The config %s on %s has errors", policy.ConfigPath, s.PR.BaseRef)
		var b strings.Builder
		fmt.Fprintf(&b, "clearance cannot review drafts until its config on the base branch `%s` is fixed:\n\n", s.PR.BaseRef)
		if s.Base != nil {
			for i, e := range s.Base.ConfigErrors {
				if i == 50 {
					fmt.Fprintf(&b, "- and %d more\n", len(s.Base.ConfigErrors)-i)
					break
				}
				fmt.Fprintf(&b, "- `%s`\n", clip(e.Error(), 1000, "…"))
			}
		}
		fmt.Fprintf(&b, "\n**What to do:** fix %s in a pull request to `%s` (that pull request needs the policy team's approval), then comment `/clearance recheck` here.", policy.ConfigPath, s.PR.BaseRef)
		d.Check.Summary = b.String()
		d.Labels = currentBotLabels(s.PR.Labels, d.BotLabels)
		d.status = statusUnchecked
		d.Comment = failedComment(s, d, "clearance's settings have a mistake", fmt.Sprintf("clearance's settings on the `%s` branch have a mistake, so no draft can be checked", s.PR.BaseRef),
			fmt.Sprintf("whoever looks after clearance's settings fixes them (the check's details say where) in a pull request to `%s`; then comment `/clearance recheck` here.", s.PR.BaseRef))
		return d
	}
	engine := s.Base.Engine(s.Now)
	governed := governedPaths()
	latest := latestReviews(s.Reviews, s.PR.Author)
	// Who reviewed the current head: asking them again is noise. A
	// review of an older commit does not count: the text may have
	// changed since, and GitHub dropped their review request.
	reviewed := map[string]bool{}
	for _, r := range s.Reviews {
		if r.CommitID == "" || r.CommitID == s.PR.HeadSHA {
			reviewed[strings.ToLower(r.User)] = true
		}
	}
	drafts := map[string]bool{}
	for _, f := range s.Files {
		if f.Status != "removed" && engine.IsDraft(f.Path) && !governed[f.Path] && !engine.IsRegister(f.Path) {
			drafts[f.Path] = true
		}
	}
	for _, f := range s.Files {
		switch {
		case governed[f.Path] || governed[f.PreviousPath]:
			d.Governed = append(d.Governed, decideGoverned(s, f, latest))
		case engine.IsRegister(f.Path) || f.PreviousPath != "" && engine.IsRegister(f.PreviousPath):
			// What the register says is public decides what needs no
			// review: changing it needs the policy role, as the config
			// does. Removing a document needs it too: it also takes away
			// what the document protected (its embargo, what clearance
			// can tell reviewers about a draft that copies it).
			g := decideGoverned(s, f, latest)
			g.Register = true
			d.Governed = append(d.Governed, g)
		case f.Status == "removed":
			continue
		case engine.IsDraft(f.Path), f.ReadErr != "" && engine.InDraftFolder(f.Path):
			// (A file that is not a draft but could not be read where
			// drafts are is a link to a folder of them: it fails too.)
			d.Drafts = append(d.Drafts, decideDraft(s, engine, f, latest, drafts))
		}
	}
	sort.SliceStable(d.Drafts, func(i, j int) bool { return d.Drafts[i].File.Path < d.Drafts[j].File.Path })

	// Labels: one per scenario present.
	present := map[policy.Scenario]bool{}
	for _, dr := range d.Drafts {
		present[dr.Result.Scenario] = true
	}
	for _, sc := range policy.Scenarios {
		if present[sc] {
			d.Labels = append(d.Labels, cfg.LabelFor(sc))
		}
	}
	d.AskedVersion = askVersion(d)
	asked := parseAsked(s.Comment, d.AskedVersion)
	d.requestReviewers(s, cfg, reviewed, asked)
	d.Asked = sortedSet(asked)
	for _, u := range d.RequestUsers {
		d.Asked = appendNew(d.Asked, u)
	}
	for _, t := range d.RequestTeams {
		d.Asked = appendNew(d.Asked, "team:"+t)
	}
	sort.Strings(d.Asked)
	d.Check = decideCheck(s, cfg, d)
	d.Check.Annotations = annotations(d)
	d.Inline = inlineComments(s, d)
	d.Comment = renderComment(s, cfg, d)
	return d
}

// currentBotLabels returns the bot labels the pull request has now.
func currentBotLabels(have, bot []string) []string {
	var out []string
	for _, l := range have {
		for _, b := range bot {
			if l == b {
				out = append(out, l)
			}
		}
	}
	return out
}

// failedComment is the comment when clearance could not check the pull
// request: it says so, why in plain words (short in the heading), and not
// to merge. It replaces
// the bot's comment, which may say something older; when there is none it
// is created only for a pull request that changes drafts (as far as the
// files read tell), and never when the comments could not be read (it
// could be a second comment).
func failedComment(s *Snapshot, d *Decision, short, why, todo string) string {
	if s.CommentUnread {
		return ""
	}
	if s.Comment == nil && !mayHaveDrafts(s) {
		return ""
	}
	d.why = short
	var b strings.Builder
	b.WriteString(SummaryMarker + "\n")
	fmt.Fprintf(&b, "## %s\n\n", heading(d))
	fmt.Fprintf(&b, "clearance could not check this pull request: %s. Until it has, nobody can tell whether its posts may go out.\n\n", why)
	fmt.Fprintf(&b, "**What to do next:** %s\n\n", todo)
	b.WriteString(footer)
	if s.Comment != nil {
		// Who was asked to review stays recorded: once clearance can
		// check again, they are not asked a second time.
		if m := askedRE.FindString(s.Comment.Body); m != "" {
			b.WriteString(m + "\n")
		}
	}
	return b.String()
}

// mayHaveDrafts reports whether a pull request whose check failed before
// review may change drafts: when its files were listed, one of them is a
// draft by the base config (else the default one); when they were not,
// it may.
func mayHaveDrafts(s *Snapshot) bool {
	if len(s.Files) == 0 {
		return s.PR.ChangedFiles > 0
	}
	cfg := policy.DefaultConfig()
	if s.Base != nil && s.Base.Config != nil {
		cfg = s.Base.Config
	}
	e := policy.NewEngine(cfg, nil, nil, s.Now)
	for _, f := range s.Files {
		if e.IsDraft(f.Path) || f.PreviousPath != "" && e.IsDraft(f.PreviousPath) {
			return true
		}
	}
	return false
}

// latestReviews keeps each reviewer's latest review that says something
// about approval (COMMENTED reviews do not change an approval, as on
// GitHub). The author's own reviews never count.
func latestReviews(reviews []Review, author string) map[string]Review {
	sorted := append([]Review(nil), reviews...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].SubmittedAt.Equal(sorted[j].SubmittedAt) {
			return sorted[i].SubmittedAt.Before(sorted[j].SubmittedAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	out := map[string]Review{}
	for _, r := range sorted {
		login := strings.ToLower(r.User)
		if login == strings.ToLower(author) {
			continue
		}
		switch r.State {
		case "APPROVED", "CHANGES_REQUESTED", "DISMISSED":
			out[login] = r
		}
	}
	return out
}

// isOwner reports whether login is one of owners, directly or through a
// team membership recorded in the snapshot.
func isOwner(s *Snapshot, owners []string, login string) bool {
	l := strings.ToLower(login)
	for _, o := range owners {
		n := strings.ToLower(strings.TrimPrefix(o, "@"))
		if strings.Contains(n, "/") {
			if s.Members[n][l] {
				return true
			}
		} else if n == l {
			return true
		}
	}
	return false
}

// current reports whether a review was given on the file's current text.
func current(r Review, f ChangedFile, headSHA string) bool {
	if r.CommitID == headSHA {
		return true
	}
	sha, ok := r.FileSHAs[f.Path]
	return ok && sha != "" && sha == f.SHA
}

// about reports whether a change request is about the draft at path: the
// drafts its line comments are on, or every draft when they are on none.
func about(r Review, drafts map[string]bool, path string) bool {
	on := false
	for _, p := range r.Paths {
		if drafts[p] {
			on = true
			if p == path {
				return true
			}
		}
	}
	return !on
}

func decideDraft(s *Snapshot, e *policy.Engine, f ChangedFile, latest map[string]Review, drafts map[string]bool) DraftReview {
	var res *policy.Result
	if f.ReadErr != "" {
		res = e.Unreadable(f.Path, f.ReadErr)
	} else {
		res = e.Evaluate(f.Path, f.Content)
	}
	dr := DraftReview{File: f, Result: res, Approved: map[string][]string{}, Stale: map[string][]string{}}
	if !res.NeedsReview() {
		return dr
	}
	logins := sortedLogins(latest)
	for _, login := range logins {
		r := latest[login]
		if r.State == "CHANGES_REQUESTED" && isOwner(s, res.Owners, login) && about(r, drafts, f.Path) {
			dr.Blockers = append(dr.Blockers, r.User)
			dr.Notes = append(dr.Notes, r)
		}
	}
	var wrote map[string]string // four eyes: who changed this text in the pull request
	if s.Base.Config.FourEyesOn() {
		wrote = changedBy(s, f.Path)
	}
	for _, role := range s.Base.Config.RequiredRoles {
		owners := res.Reviewers[role]
		for _, login := range logins {
			r := latest[login]
			if r.State != "APPROVED" || !isOwner(s, owners, login) {
				continue
			}
			if sha := wrote[login]; sha != "" {
				if dr.OwnWords == nil {
					dr.OwnWords = map[string]string{}
				}
				dr.OwnWords[r.User] = sha
				continue
			}
			if current(r, f, s.PR.HeadSHA) {
				dr.Approved[role] = append(dr.Approved[role], r.User)
			} else {
				dr.Stale[role] = append(dr.Stale[role], r.User)
			}
		}
	}
	if s.Base.Config.Distinct() {
		dr.distinctApprovers(s.Base.Config.RequiredRoles)
	}
	for _, role := range s.Base.Config.RequiredRoles {
		if len(dr.Approved[role]) == 0 {
			dr.Missing = append(dr.Missing, role)
		}
	}
	return dr
}

// distinctApprovers makes each role's approval come from a different
// person: it matches approvers to roles (as many roles as can be), and a
// role left without a person of its own keeps its approvers in Shared
// instead of Approved.
func (dr *DraftReview) distinctApprovers(roles []string) {
	match := map[string]string{} // login -> role
	var try func(role string, seen map[string]bool) bool
	try = func(role string, seen map[string]bool) bool {
		for _, u := range dr.Approved[role] {
			l := strings.ToLower(u)
			if seen[l] {
				continue
			}
			seen[l] = true
			if other, taken := match[l]; !taken || try(other, seen) {
				match[l] = role
				return true
			}
		}
		return false
	}
	matched := map[string]bool{}
	for _, role := range roles {
		if try(role, map[string]bool{}) {
			matched[role] = true
		}
	}
	for _, role := range roles {
		var keep []string
		for _, u := range dr.Approved[role] {
			if r, ok := match[strings.ToLower(u)]; !ok || r == role {
				keep = append(keep, u)
			}
		}
		if !matched[role] && len(dr.Approved[role]) > 0 {
			if dr.Shared == nil {
				dr.Shared = map[string][]string{}
			}
			dr.Shared[role] = dr.Approved[role]
			keep = nil
		}
		dr.Approved[role] = keep
	}
}

// policyRole is the role that approves changes to how review works.
const policyRole = "policy"

func decideGoverned(s *Snapshot, f ChangedFile, latest map[string]Review) GovernedFile {
	g := GovernedFile{File: f}
	cfg := s.Base.Config
	if s.Base.Owners != nil {
		owners, _ := s.Base.Owners.Match(f.Path)
		for _, o := range owners {
			for _, r := range cfg.RoleOf(o) {
				if r == policyRole {
					g.Owners = append(g.Owners, o)
				}
			}
		}
	}
	if len(g.Owners) == 0 {
		g.Owners = append(g.Owners, cfg.Roles[policyRole]...)
	}
	for _, login := range sortedLogins(latest) {
		r := latest[login]
		if !isOwner(s, g.Owners, login) {
			continue
		}
		switch {
		case r.State == "CHANGES_REQUESTED":
			g.Blockers = append(g.Blockers, r.User)
		case r.State == "APPROVED" && current(r, f, s.PR.HeadSHA):
			g.Approved = append(g.Approved, r.User)
		}
	}
	return g
}

func sortedLogins(m map[string]Review) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// requestReviewers asks the owners of the roles still missing, once: not
// the author, not anyone already requested or who has reviewed, and no team
// one of whose members has reviewed. Nothing is requested on draft pull
// requests or when every draft is free to post.
// askVersion identifies the text that needs review: the drafts that need
// review and the governed files, by path and blob.
func askVersion(d *Decision) string {
	h := sha1.New()
	for _, dr := range d.Drafts {
		if dr.Result.NeedsReview() {
			fmt.Fprintf(h, "%s@%s\n", dr.File.Path, dr.File.SHA)
		}
	}
	for _, g := range d.Governed {
		fmt.Fprintf(h, "%s@%s\n", g.File.Path, g.File.SHA)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// askedRE reads the reviewers asked for, from the bot's comment.
var askedRE = regexp.MustCompile(`<!-- clearance:asked ([0-9a-f]+) ([^ ]*) -->`)

// parseAsked returns who the bot asked for version, as its comment
// records ("login", "team:slug").
func parseAsked(c *Comment, version string) map[string]bool {
	asked := map[string]bool{}
	if c == nil {
		return asked
	}
	m := askedRE.FindStringSubmatch(c.Body)
	if m == nil || m[1] != version {
		return asked
	}
	for _, a := range strings.Split(m[2], ",") {
		if a != "" {
			asked[strings.ToLower(a)] = true
		}
	}
	return asked
}

func (d *Decision) requestReviewers(s *Snapshot, cfg *policy.Config, reviewed, asked map[string]bool) {
	if s.PR.Draft || s.PR.State == "closed" {
		return
	}
	requestedU := lowerSet(s.PR.RequestedUsers)
	requestedT := lowerSet(s.PR.RequestedTeams)
	users, teams := map[string]bool{}, map[string]bool{}
	want := func(owners []string) {
		for _, o := range owners {
			n := strings.TrimPrefix(o, "@")
			if strings.Contains(n, "@") { // an e-mail owner cannot be requested
				continue
			}
			if org, slug, ok := strings.Cut(n, "/"); ok {
				if !strings.EqualFold(org, s.Repo.Owner) || requestedT[strings.ToLower(slug)] || asked["team:"+strings.ToLower(slug)] {
					continue
				}
				memberReviewed := false
				for login := range reviewed {
					if s.Members[strings.ToLower(n)][login] {
						memberReviewed = true
					}
				}
				if !memberReviewed {
					teams[slug] = true
				}
				continue
			}
			l := strings.ToLower(n)
			if l == strings.ToLower(s.PR.Author) || requestedU[l] || reviewed[l] || asked[l] {
				continue
			}
			users[n] = true
		}
	}
	for _, dr := range d.Drafts {
		if !dr.Result.NeedsReview() {
			continue
		}
		for _, role := range dr.Missing {
			want(dr.Result.Reviewers[role])
		}
	}
	for _, g := range d.Governed {
		if len(g.Approved) == 0 {
			want(g.Owners)
		}
	}
	d.RequestUsers = sortedSet(users)
	d.RequestTeams = sortedSet(teams)
}

func lowerSet(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[strings.ToLower(x)] = true
	}
	return m
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// annotations turns findings into check annotations, but for those on a
// line of the diff: those are review comments on that line (see
// inlineComments), and the Files tab would show them twice. The check's
// details list every finding.
func annotations(d *Decision) []Annotation {
	var out []Annotation
	for _, dr := range d.Drafts {
		lines := diffLines(dr.File)
		for _, f := range dr.Result.Findings {
			if f.Line > 0 && lines[f.Line] && (f.Path == "" || f.Path == dr.File.Path) {
				continue
			}
			level := "warning"
			if f.Severity == policy.Error {
				level = "failure"
			}
			path := f.Path
			if path == "" {
				path = dr.File.Path
			}
			out = append(out, Annotation{Path: path, Line: max(f.Line, 1), Level: level, Title: f.Rule, Message: f.Message})
		}
	}
	return out
}

// Fingerprint identifies a finding in a hidden marker so it is posted once.
func Fingerprint(f policy.Finding) string {
	h := sha256.Sum256([]byte(f.Path + "\x00" + f.Rule + "\x00" + f.Message))
	return hex.EncodeToString(h[:8])
}

// inlineComments are the findings not yet posted, on lines in the diff.
func inlineComments(s *Snapshot, d *Decision) []InlineComment {
	var out []InlineComment
	for _, dr := range d.Drafts {
		lines := diffLines(dr.File)
		for _, f := range dr.Result.Findings {
			if f.Line <= 0 || !lines[f.Line] {
				continue
			}
			fp := Fingerprint(f)
			if s.Fingerprints[fp] {
				continue
			}
			sev := "Warning"
			if f.Severity == policy.Error {
				sev = "Error"
			}
			// The rule's name is for maintainers: it is in the check's
			// details, not here.
			body := fmt.Sprintf("**%s:** %s\n\n%s%s -->", sev, f.Message, fingerprintPrefix, fp)
			out = append(out, InlineComment{Path: dr.File.Path, Line: f.Line, Body: body, Fingerprint: fp})
		}
	}
	return out
}

// FingerprintOf extracts the fingerprint from a comment body, or "".
func FingerprintOf(body string) string {
	i := strings.Index(body, fingerprintPrefix)
	if i < 0 {
		return ""
	}
	rest := body[i+len(fingerprintPrefix):]
	j := strings.Index(rest, " -->")
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// diffLines returns the head-side line numbers that a review comment may
// be attached to: lines inside the patch's hunks. An added file without a
// patch (too large for GitHub to show) has none.
func diffLines(f ChangedFile) map[int]bool {
	out := map[int]bool{}
	line := 0
	for _, l := range strings.Split(f.Patch, "\n") {
		if strings.HasPrefix(l, "@@") {
			// @@ -a,b +c,d @@
			var a, b, c, dd int
			if n, _ := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &dd); n == 4 {
				line = c
			} else if n, _ := fmt.Sscanf(l, "@@ -%d +%d,%d @@", &a, &c, &dd); n == 3 {
				line = c
			} else if n, _ := fmt.Sscanf(l, "@@ -%d,%d +%d @@", &a, &b, &c); n == 3 {
				line = c
			} else if n, _ := fmt.Sscanf(l, "@@ -%d +%d @@", &a, &c); n == 2 {
				line = c
			} else {
				line = 0
			}
			continue
		}
		if line == 0 || strings.HasPrefix(l, "-") || strings.HasPrefix(l, `\`) {
			continue
		}
		out[line] = true
		line++
	}
	return out
}
