package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// GitHub's limits on check run output.
const (
	maxSummary = 65535
	maxTitle   = 255
)

// decideCheck works out the check's conclusion and title.
func decideCheck(s *Snapshot, cfg *policy.Config, d *Decision) CheckOutput {
	c := CheckOutput{Name: CheckName(cfg, s.PR), HeadSHA: s.PR.HeadSHA, DetailsURL: s.PR.HTMLURL}
	var errPaths, blocked, waiting []string
	missingRoles := map[string]bool{}
	errCount := 0
	for _, dr := range d.Drafts {
		if n := dr.Result.Errors(); n > 0 {
			errCount += n
			errPaths = append(errPaths, dr.File.Path)
		}
		if dr.Result.NeedsReview() {
			if len(dr.Blockers) > 0 {
				blocked = append(blocked, fmt.Sprintf("%s on %s", strings.Join(atAll(dr.Blockers), ", "), dr.File.Path))
			}
			if len(dr.Missing) > 0 {
				waiting = append(waiting, dr.File.Path)
				for _, r := range dr.Missing {
					missingRoles[r] = true
				}
			}
		}
	}
	var govWaiting, govBlocked []string
	for _, g := range d.Governed {
		if len(g.Blockers) > 0 {
			govBlocked = append(govBlocked, fmt.Sprintf("%s on %s", strings.Join(atAll(g.Blockers), ", "), g.File.Path))
		} else if len(g.Approved) == 0 {
			govWaiting = append(govWaiting, g.File.Path)
		}
	}
	switch {
	case errCount > 0:
		c.Conclusion = ConclusionFailure
		c.Title = fmt.Sprintf("Fix %s in %s", plural(errCount, "error"), listPaths(errPaths))
	case len(blocked)+len(govBlocked) > 0:
		c.Conclusion = ConclusionActionRequired
		c.Title = "Changes requested by " + strings.Join(append(blocked, govBlocked...), "; ")
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
	case len(d.Drafts) == 0 && len(d.Governed) == 0:
		c.Conclusion = ConclusionSuccess
		c.Title = "No drafts in this pull request"
	default:
		c.Conclusion = ConclusionSuccess
		c.Title = clearedTitle(d)
	}
	c.Title = clip(c.Title, maxTitle, "…")
	c.Summary = clip(renderSummary(s, cfg, d), maxSummary, cutNote)
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
	return fmt.Sprintf("%s and %d more drafts", ps[0], len(ps)-1)
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

const cutNote = "\n\n…(cut short: see the pull request comment for the rest)"

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// approvalText describes a draft's approvals for tables.
func approvalText(cfg *policy.Config, dr *DraftReview) string {
	if !dr.Result.NeedsReview() {
		return "not needed"
	}
	var parts []string
	for _, role := range cfg.RequiredRoles {
		switch {
		case len(dr.Approved[role]) > 0:
			parts = append(parts, fmt.Sprintf("%s ✅ %s", role, strings.Join(atAll(dr.Approved[role]), ", ")))
		case len(dr.Result.Reviewers[role]) == 0:
			parts = append(parts, fmt.Sprintf("%s ❌ nobody can approve", role))
		default:
			parts = append(parts, fmt.Sprintf("%s ⏳ %s", role, strings.Join(dr.Result.Reviewers[role], " or ")))
		}
	}
	if len(dr.Blockers) > 0 {
		parts = append(parts, "changes requested by "+strings.Join(atAll(dr.Blockers), ", "))
	}
	return strings.Join(parts, "; ")
}

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
			why := ""
			if len(dr.Result.Reasons) > 0 {
				why = dr.Result.Reasons[0]
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", dr.File.Path, dr.Result.Scenario, cell(why), cell(approvalText(cfg, dr)))
		}
	}
	for _, g := range d.Governed {
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
		b.WriteString("\n**Errors to fix:**\n\n" + strings.Join(errs, "\n") + "\n")
	}
	if s.Base != nil && len(s.Base.Findings) > 0 {
		// CODEOWNERS lines skipped (as GitHub skips them), register
		// documents that cannot be read: the review goes on without them.
		fmt.Fprintf(&b, "\n**Problems on the base branch `%s`** (fix them in a pull request to it; until then they are left out):\n\n", s.PR.BaseRef)
		for i, f := range s.Base.Findings {
			if i == 20 {
				fmt.Fprintf(&b, "- and %d more\n", len(s.Base.Findings)-i)
				break
			}
			where := fmt.Sprintf("line %d", max(f.Line, 1))
			msg := strings.TrimPrefix(f.Message, where+": ")
			fmt.Fprintf(&b, "- `%s` %s: %s\n", f.Path, where, msg)
		}
	}
	if notes := foreignChecks(s, cfg); notes != "" {
		b.WriteString("\n" + notes + "\n")
	}
	b.WriteString("\n**Next:** " + nextStep(d) + "\n")
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
func nextStep(d *Decision) string {
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
			if _, ok := waiting[role]; !ok {
				roles = append(roles, role)
			}
			waiting[role] = appendNew(waiting[role], dr.Result.Reviewers[role]...)
		}
	}
	for _, g := range d.Governed {
		blockers = append(blockers, g.Blockers...)
		if len(g.Approved) == 0 {
			if _, ok := waiting[policyRole]; !ok {
				roles = append(roles, policyRole)
			}
			waiting[policyRole] = appendNew(waiting[policyRole], g.Owners...)
		}
	}
	if errs {
		steps = append(steps, "fix the errors listed above and push the change; clearance checks again by itself.")
	}
	if len(blockers) > 0 {
		steps = append(steps, fmt.Sprintf("make the changes %s asked for, push them, and ask for a new review.", strings.Join(atAll(appendNew(nil, blockers...)), " and ")))
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
			steps = append(steps, fmt.Sprintf("get %s; clearance has asked them to review. They approve with GitHub's Review changes → Approve. An approval counts for the text it was given on: editing a draft afterwards needs a new approval.", strings.Join(who, ", and ")))
		}
		if len(nobody) > 0 {
			steps = append(steps, fmt.Sprintf("no code owner of these drafts is in the %s role, so nobody can approve them yet: add one to CODEOWNERS as the errors above say (that change needs the policy role's approval), then comment `/clearance recheck`.", joinAnd(nobody)))
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

// renderComment is the summary comment: for each draft a preview, its
// length against the channel's limit, the scenario and why, findings,
// approvals, and what to do next.
func renderComment(s *Snapshot, cfg *policy.Config, d *Decision) string {
	if len(d.Drafts) == 0 {
		if s.Comment != nil {
			return SummaryMarker + "\n## clearance\n\nThis pull request no longer changes any drafts, so there is nothing for clearance to review.\n"
		}
		return ""
	}
	var b strings.Builder
	b.WriteString(SummaryMarker + "\n")
	fmt.Fprintf(&b, "## clearance: %s\n\n", d.Check.Title)
	for i := range d.Drafts {
		dr := &d.Drafts[i]
		r := dr.Result
		fmt.Fprintf(&b, "### `%s` — %s\n\n", dr.File.Path, r.Scenario)
		if r.Text != "" {
			for _, line := range strings.Split(clip(r.Text, 4000, "…"), "\n") {
				b.WriteString("> " + line + "\n")
			}
			b.WriteString("\n")
		}
		var meta []string
		if r.Channel != "" {
			if r.LengthLimit > 0 {
				mark := "✅"
				if r.Length > r.LengthLimit {
					mark = "❌"
				}
				meta = append(meta, fmt.Sprintf("%s: %d/%d characters %s", r.Channel, r.Length, r.LengthLimit, mark))
			} else {
				meta = append(meta, fmt.Sprintf("%s: %d characters", r.Channel, r.Length))
			}
		}
		if r.Author != "" {
			meta = append(meta, "posted as "+r.Author)
		}
		if len(meta) > 0 {
			b.WriteString(strings.Join(meta, " · ") + "\n\n")
		}
		b.WriteString("**Why " + string(r.Scenario) + ":**\n")
		for _, reason := range r.Reasons {
			b.WriteString("- " + reason + "\n")
		}
		if len(r.Findings) > 0 {
			b.WriteString("\n**Findings:**\n")
			for _, f := range r.Findings {
				icon := "⚠️"
				if f.Severity == policy.Error {
					icon = "❌"
				}
				fmt.Fprintf(&b, "- %s line %d: %s\n", icon, max(f.Line, 1), f.Message)
			}
		}
		if r.NeedsReview() {
			b.WriteString("\n**Approvals:**\n")
			for _, role := range cfg.RequiredRoles {
				switch {
				case len(dr.Approved[role]) > 0:
					fmt.Fprintf(&b, "- %s: ✅ approved by %s on this version\n", role, strings.Join(atAll(dr.Approved[role]), ", "))
				case len(r.Reviewers[role]) == 0:
					fmt.Fprintf(&b, "- %s: ❌ nobody can approve (see the findings)\n", role)
				default:
					line := fmt.Sprintf("- %s: ⏳ waiting for %s", role, strings.Join(r.Reviewers[role], " or "))
					if sh := dr.Shared[role]; len(sh) > 0 {
						line += fmt.Sprintf(" (%s approved, but that approval counts for another role: each role needs a different person)", strings.Join(atAll(sh), ", "))
					}
					if st := dr.Stale[role]; len(st) > 0 {
						line += fmt.Sprintf(" (%s approved an earlier version; the text has changed since)", strings.Join(atAll(st), ", "))
					}
					b.WriteString(line + "\n")
				}
			}
			if len(dr.Blockers) > 0 {
				fmt.Fprintf(&b, "- changes requested by %s\n", strings.Join(atAll(dr.Blockers), ", "))
			}
			b.WriteString(ownWordsNote(dr))
		}
		b.WriteString("\n")
	}
	for _, g := range d.Governed {
		fmt.Fprintf(&b, "### `%s` — %s\n\nThis needs approval from the policy role (%s) and takes effect only once merged.\n\n", g.File.Path, g.what(), strings.Join(g.Owners, " or "))
	}
	b.WriteString("**What to do next:** " + nextStep(d) + "\n\n")
	b.WriteString("<sub>Comment `/clearance recheck` to run the check again.</sub>\n")
	if len(d.Asked) > 0 {
		// Who was asked to review this version: not asked again.
		fmt.Fprintf(&b, "<!-- clearance:asked %s %s -->\n", d.AskedVersion, strings.Join(d.Asked, ","))
	}
	return b.String()
}
