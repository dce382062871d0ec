package review

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// GitHub's limits on check run output: its "characters" are bytes in
// practice (github/rest-api-description#5399), so lengths here are bytes.
const (
	maxSummary = 65535
	maxTitle   = 255
	// summaryRowsBudget is where the check's table of drafts stops, to
	// leave room for the errors and the next step.
	summaryRowsBudget = 40000
)

// decideCheck works out the check's conclusion and title, and the
// verdict the comment tells too.
func decideCheck(s *Snapshot, cfg *policy.Config, d *Decision) CheckOutput {
	c := CheckOutput{Name: CheckName(cfg, s.PR), HeadSHA: s.PR.HeadSHA, DetailsURL: s.PR.HTMLURL}
	var errPaths, waiting []string
	missingRoles := map[string]bool{}
	errCount := 0
	blockedOn := map[string][]string{} // blocker -> paths
	var blockers []string
	block := func(users []string, path string) {
		for _, u := range users {
			if _, ok := blockedOn[u]; !ok {
				blockers = append(blockers, u)
			}
			blockedOn[u] = append(blockedOn[u], path)
		}
	}
	// An error on the base branch (a register document or CODEOWNERS
	// that cannot be read) keeps the check red, as it makes check exit
	// 1 and validate report an error: the severities agree. A pull
	// request that changes the file is fixing it, so there it does not.
	for _, f := range baseErrors(s) {
		errCount++
		d.baseErrs++
		if !slices.Contains(errPaths, f.Path) {
			errPaths = append(errPaths, f.Path)
		}
	}
	for _, dr := range d.Drafts {
		if n := dr.Result.Errors(); n > 0 {
			errCount += n
			errPaths = append(errPaths, dr.File.Path)
		}
		if dr.Result.NeedsReview() {
			block(dr.Blockers, dr.File.Path)
			if len(dr.Missing) > 0 {
				waiting = append(waiting, dr.File.Path)
				for _, r := range dr.Missing {
					missingRoles[r] = true
				}
			}
		}
	}
	var govWaiting []string
	for _, g := range d.Governed {
		if len(g.Blockers) > 0 {
			block(g.Blockers, g.File.Path)
		} else if len(g.Approved) == 0 {
			govWaiting = append(govWaiting, g.File.Path)
		}
	}
	switch {
	case errCount > 0:
		c.Conclusion = ConclusionFailure
		c.Title = fmt.Sprintf("Fix %s in %s", plural(errCount, "error"), listPaths(errPaths))
		d.status = statusErrors
	case len(blockers) > 0:
		c.Conclusion = ConclusionActionRequired
		var parts []string
		for _, u := range blockers {
			parts = append(parts, fmt.Sprintf("@%s on %s", u, listPaths(blockedOn[u])))
		}
		c.Title = "Changes requested by " + strings.Join(parts, "; ")
		d.status = statusChanges
	case len(waiting) > 0 || len(govWaiting) > 0:
		c.Conclusion = ConclusionActionRequired
		var parts []string
		if len(waiting) > 0 {
			parts = append(parts, fmt.Sprintf("%s approval of %s", joinAnd(orderedRoles(cfg, missingRoles)), listPaths(waiting)))
		}
		if len(govWaiting) > 0 {
			parts = append(parts, fmt.Sprintf("policy approval of the change to %s", listPaths(govWaiting)))
		}
		c.Title = "Waiting for " + strings.Join(parts, " and ")
		d.status = statusWaiting
	case len(d.Drafts) == 0 && len(d.Governed) == 0:
		c.Conclusion = ConclusionSuccess
		c.Title = "No drafts in this pull request"
		d.status = statusCleared
	default:
		c.Conclusion = ConclusionSuccess
		c.Title = clearedTitle(d)
		d.status = statusCleared
	}
	c.Title = clip(c.Title, maxTitle, "…")
	c.Summary = clip(renderSummary(s, cfg, d), maxSummary, cutNote)
	c.Text = clip(renderDetails(d), maxSummary, cutNote)
	return c
}

func clearedTitle(d *Decision) string {
	counts := map[policy.Scenario]int{}
	for _, dr := range d.Drafts {
		counts[dr.Result.Scenario]++
	}
	var parts []string
	for _, sc := range policy.Scenarios {
		if counts[sc] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[sc], sc))
		}
	}
	if counts[policy.NewContent] > 0 {
		return fmt.Sprintf("Approved: %s cleared (%s)", plural(len(d.Drafts), "draft"), strings.Join(parts, ", "))
	}
	if len(d.Drafts) == 0 {
		return "Approved: the change to how review works is approved"
	}
	return fmt.Sprintf("%s free to post (%s)", plural(len(d.Drafts), "draft"), strings.Join(parts, ", "))
}

func orderedRoles(cfg *policy.Config, set map[string]bool) []string {
	var out []string
	for _, r := range cfg.RequiredRoles {
		if set[r] {
			out = append(out, r)
		}
	}
	return out
}

func listPaths(ps []string) string {
	if len(ps) <= 2 {
		return strings.Join(ps, " and ")
	}
	return fmt.Sprintf("%s and %d more files", ps[0], len(ps)-1)
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func atAll(logins []string) []string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = "@" + l
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// clip cuts s to at most n bytes on a character boundary, ending with
// suffix when it cuts.
func clip(s string, n int, suffix string) string {
	if len(s) <= n {
		return s
	}
	cut := n - len(suffix)
	if cut < 0 {
		cut, suffix = n, ""
	}
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + suffix
}

const cutNote = "\n\n…(cut short to fit GitHub's limit: open the files in the pull request for the rest)"

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

// renderSummary is the check run's summary: a table of drafts, then the
// governed files, then what to do next.
func renderSummary(s *Snapshot, cfg *policy.Config, d *Decision) string {
	var b strings.Builder
	if len(d.Drafts) > 0 {
		b.WriteString("| Draft | Scenario | Why | Approval |\n|---|---|---|---|\n")
		for i := range d.Drafts {
			dr := &d.Drafts[i]
			if b.Len() > summaryRowsBudget {
				fmt.Fprintf(&b, "| and %d more drafts | | | |\n", len(d.Drafts)-i)
				break
			}
			why := ""
			if len(dr.Result.Reasons) > 0 {
				why = clip(dr.Result.Reasons[0], 300, "…")
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", dr.File.Path, dr.Result.Scenario, cell(why), cell(desk(s, cfg, dr, "; ")))
		}
	}
	for i, g := range d.Governed {
		if i == 50 {
			fmt.Fprintf(&b, "\nand %d more such files.\n", len(d.Governed)-i)
			break
		}
		fmt.Fprintf(&b, "\n`%s` %s: it needs approval from the policy role (%s). ", g.File.Path, g.what(), strings.Join(g.Owners, " or "))
		if len(g.Approved) > 0 {
			fmt.Fprintf(&b, "Approved by %s. The change takes effect only after it is merged.\n", strings.Join(atAll(g.Approved), ", "))
		} else {
			b.WriteString("The change takes effect only after it is merged; until then the base branch's rules apply.\n")
		}
	}
	var errs []string
	for _, dr := range d.Drafts {
		for _, f := range dr.Result.Findings {
			if f.Severity == policy.Error {
				errs = append(errs, fmt.Sprintf("- `%s` line %d: %s", dr.File.Path, max(f.Line, 1), f.Message))
			}
		}
	}
	if len(errs) > 0 {
		if len(errs) > 100 {
			errs = append(errs[:100], fmt.Sprintf("- and %d more", len(errs)-100))
		}
		b.WriteString("\n**Errors to fix:**\n\n" + strings.Join(errs, "\n") + "\n")
	}
	if s.Base != nil && len(s.Base.Findings) > 0 {
		// CODEOWNERS lines skipped (as GitHub skips them), register
		// documents that cannot be read: the review goes on without them,
		// and an error keeps the check red until it is fixed.
		fmt.Fprintf(&b, "\n**Problems on the base branch `%s`** (fix them in a pull request to it; until then they are left out, and an error keeps this check red):\n\n", s.PR.BaseRef)
		for i, f := range s.Base.Findings {
			if i == 20 {
				fmt.Fprintf(&b, "- and %d more\n", len(s.Base.Findings)-i)
				break
			}
			where := fmt.Sprintf("line %d", max(f.Line, 1))
			msg := strings.TrimPrefix(f.Message, where+": ")
			sev := "Warning"
			if f.Severity == policy.Error {
				sev = "Error"
			}
			fmt.Fprintf(&b, "- %s: `%s` %s: %s\n", sev, f.Path, where, msg)
		}
	}
	if notes := foreignChecks(s, cfg); notes != "" {
		b.WriteString("\n" + notes + "\n")
	}
	b.WriteString("\n**Next:** " + nextStep(s, d) + "\n")
	return b.String()
}

// foreignChecks flags check runs with the bot's name written by another
// app: branch protection must require the check from clearance's app.
func foreignChecks(s *Snapshot, cfg *policy.Config) string {
	if s.AppID == 0 {
		return ""
	}
	var others []string
	for _, cr := range s.CheckRuns {
		if cr.Name == CheckName(cfg, s.PR) && cr.AppID != s.AppID {
			others = append(others, fmt.Sprintf("app %d (%s)", cr.AppID, cr.Conclusion))
		}
	}
	if len(others) == 0 {
		return ""
	}
	sort.Strings(others)
	return fmt.Sprintf("⚠️ **Warning:** another app also wrote a check named `%s` on this commit: %s. Only clearance's own check counts; make sure branch protection requires `%s` from the clearance app, not from any source.", CheckName(cfg, s.PR), strings.Join(others, ", "), CheckName(cfg, s.PR))
}

// nextStep says in plain words what to do now.
func nextStep(s *Snapshot, d *Decision) string {
	var steps []string
	errs, waiting := false, map[string][]string{}
	var blockers []string
	var roles []string
	for i := range d.Drafts {
		dr := &d.Drafts[i]
		if dr.Result.Errors() > 0 {
			errs = true
		}
		blockers = append(blockers, dr.Blockers...)
		for _, role := range dr.Missing {
			if len(dr.blockersIn(s, role)) > 0 {
				continue // the change request says what to do
			}
			if _, ok := waiting[role]; !ok {
				roles = append(roles, role)
			}
			waiting[role] = appendNew(waiting[role], dr.Result.Reviewers[role]...)
		}
	}
	for _, g := range d.Governed {
		blockers = append(blockers, g.Blockers...)
		if len(g.Approved) == 0 && len(g.Blockers) == 0 {
			if _, ok := waiting[policyRole]; !ok {
				roles = append(roles, policyRole)
			}
			waiting[policyRole] = appendNew(waiting[policyRole], g.Owners...)
		}
	}
	if be := baseErrors(s); len(be) > 0 {
		steps = append(steps, fmt.Sprintf("fix the %s on the base branch `%s` listed above (%s) in a pull request to it, which needs the policy role's approval; then comment `/clearance recheck` here.", plural(len(be), "error"), s.PR.BaseRef, be[0].Path))
	}
	if errs {
		steps = append(steps, "fix the errors clearance found (each is shown with its line) and push the change; clearance checks again by itself.")
	}
	if len(blockers) > 0 {
		who := strings.Join(atAll(appendNew(nil, blockers...)), " and ")
		steps = append(steps, fmt.Sprintf("make the changes %s asked for and push them, then ask %s for a new review (the ↻ beside their name under Reviewers).", who, who))
	}
	if len(roles) > 0 {
		var who, nobody []string
		for _, r := range roles {
			if len(waiting[r]) == 0 {
				nobody = append(nobody, r)
				continue
			}
			who = append(who, fmt.Sprintf("%s approval from %s", r, strings.Join(waiting[r], " or ")))
		}
		if len(who) > 0 {
			asked := "clearance has asked them to review."
			if s.PR.Draft {
				asked = "this is a draft pull request, so nobody has been asked yet: clearance asks them when it is marked Ready for review."
			} else if s.PR.State == "closed" {
				asked = "this pull request is closed, so nobody is asked."
			}
			steps = append(steps, fmt.Sprintf("get %s; %s They approve with GitHub's Review changes → Approve. An approval counts for the text it was given on: editing a draft afterwards needs a new approval.", strings.Join(who, ", and "), asked))
		}
		if len(nobody) > 0 {
			steps = append(steps, fmt.Sprintf("no code owner of these drafts is in the %s role, so nobody can approve them yet: add one to CODEOWNERS as the errors say (that change needs the policy role's approval), then comment `/clearance recheck`.", joinAnd(nobody)))
		}
	}
	if len(steps) == 0 {
		if len(d.Drafts) == 0 && len(d.Governed) == 0 {
			return "nothing to check; this pull request can be merged."
		}
		return "nothing more is needed from clearance; this pull request can be merged."
	}
	if len(steps) == 1 {
		return steps[0]
	}
	var b strings.Builder
	for i, st := range steps {
		fmt.Fprintf(&b, "\n%d. %s", i+1, strings.ToUpper(st[:1])+st[1:])
	}
	return b.String()
}

func appendNew(list []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, y := range list {
			if strings.EqualFold(x, y) {
				dup = true
			}
		}
		if !dup {
			list = append(list, x)
		}
	}
	return list
}

// baseErrors are the error findings on the base branch about files this
// pull request does not change.
func baseErrors(s *Snapshot) []policy.Finding {
	if s.Base == nil {
		return nil
	}
	changed := map[string]bool{}
	for _, f := range s.Files {
		changed[f.Path] = true
		if f.PreviousPath != "" {
			changed[f.PreviousPath] = true
		}
	}
	var out []policy.Finding
	for _, f := range s.Base.Findings {
		if f.Severity == policy.Error && !changed[f.Path] {
			out = append(out, f)
		}
	}
	return out
}
