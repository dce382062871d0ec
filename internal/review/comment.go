package review

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/channel"
	"github.com/clearance-dev/clearance/internal/policy"
)

// GitHub refuses an issue comment over 65,536 characters. A character is
// at most one byte of the body's UTF-8 only for ASCII, and never more than
// one per byte, so budgets in bytes keep within it.
const (
	maxComment = 65536
	// commentBudget is what the comment may take; the rest is headroom
	// for the parts written after the budget is checked (the footer).
	commentBudget = 60000
	// tableBudget is where the table of posts stops.
	tableBudget = 20000
	// noteBudget bounds each reviewer's note quoted in the comment.
	noteBudget = 1500
	maxNotes   = 10
)

const footer = "<sub>Comment `/clearance recheck` to run the check again.</sub>\n"

// heading is the comment's one-line verdict: the same as the check's
// conclusion, in plain words.
func heading(d *Decision) string {
	switch d.status {
	case statusCleared:
		reviewed, free := 0, 0
		for i := range d.Drafts {
			if d.Drafts[i].Result.NeedsReview() {
				reviewed++
			} else {
				free++
			}
		}
		switch {
		case len(d.Drafts) == 0:
			return "✅ Cleared: the change is approved; this pull request can be merged"
		case free == 0:
			return "✅ Cleared: every post is approved; this pull request can be merged"
		case reviewed == 0:
			return "✅ Cleared: every post is free to go out; this pull request can be merged"
		}
		return "✅ Cleared: every post is approved or free to go out; this pull request can be merged"
	case statusWaiting:
		return "⏳ Not cleared yet: waiting for " + waitingRoles(d) + " approval; do not merge until then"
	case statusChanges:
		var who []string
		for i := range d.Drafts {
			who = appendNew(who, d.Drafts[i].Blockers...)
		}
		for _, g := range d.Governed {
			who = appendNew(who, g.Blockers...)
		}
		return "✋ Not cleared: " + joinAnd(atAll(who)) + " asked for changes; do not merge"
	case statusErrors:
		n := d.baseErrs
		for i := range d.Drafts {
			n += d.Drafts[i].Result.Errors()
		}
		return fmt.Sprintf("❌ Not cleared: fix %s first; do not merge", plural(n, "error"))
	}
	return "❌ Not cleared: could not check (" + d.why + "); do not merge"
}

// waitingRoles names the roles whose approval is missing, in config order
// as the drafts list them.
func waitingRoles(d *Decision) string {
	var roles []string
	for i := range d.Drafts {
		roles = appendNew(roles, d.Drafts[i].Missing...)
	}
	for _, g := range d.Governed {
		if len(g.Approved) == 0 {
			roles = appendNew(roles, policyRole)
		}
	}
	return joinAnd(roles)
}

// blockersIn are the draft's blockers who can approve it in role.
func (dr *DraftReview) blockersIn(s *Snapshot, role string) []string {
	var out []string
	for _, b := range dr.Blockers {
		if isOwner(s, dr.Result.Reviewers[role], b) {
			out = append(out, b)
		}
	}
	return out
}

// rank orders posts for the reader: those that need someone first.
func rank(dr *DraftReview) int {
	switch {
	case dr.Result.Errors() > 0:
		return 0
	case len(dr.Blockers) > 0:
		return 1
	case dr.Result.NeedsReview() && len(dr.Missing) > 0:
		return 2
	case dr.Result.NeedsReview():
		return 3
	}
	return 4
}

// post is one draft as the comment shows it.
type post struct {
	n     int // 1-based, as numbered in the table
	dr    *DraftReview
	draft *policy.Draft
	read  bool
}

// parsed is the draft as read for the comment (once), nil when the file
// could not be read.
func (p *post) parsed() *policy.Draft {
	if !p.read && p.dr.File.ReadErr == "" {
		p.draft = policy.ParseDraft(p.dr.File.Path, p.dr.File.Content)
	}
	p.read = true
	return p.draft
}

// renderComment is the summary comment: the verdict and what to do next,
// a table with one row per post (whose desk it is on), then each post as it
// will appear, why it needs review or not, what to fix and who approved.
// It fits GitHub's limit on any pull request: past a budget, rows and
// details are summarised.
func renderComment(s *Snapshot, cfg *policy.Config, d *Decision) string {
	if len(d.Drafts) == 0 && len(d.Governed) == 0 {
		if s.Comment != nil {
			return SummaryMarker + "\n## clearance\n\nThis pull request no longer changes any drafts, so there is nothing for clearance to review.\n"
		}
		return ""
	}
	posts := make([]post, len(d.Drafts))
	for i := range d.Drafts {
		posts[i] = post{dr: &d.Drafts[i]}
	}
	sort.SliceStable(posts, func(i, j int) bool { return rank(posts[i].dr) < rank(posts[j].dr) })
	for i := range posts {
		posts[i].n = i + 1
	}
	var b strings.Builder
	b.WriteString(SummaryMarker + "\n")
	fmt.Fprintf(&b, "## %s\n\n", heading(d))
	b.WriteString("**What to do next:** " + nextStep(s, d) + "\n\n")
	writeChangeNotes(&b, s, cfg, posts)
	if len(posts) > 0 {
		writeTable(&b, s, cfg, posts)
	}
	if sentences := policySentences(d); len(sentences) > 0 {
		b.WriteString("\n<sub>" + strings.Join(sentences, " ") + "</sub>\n")
	}
	writeGoverned(&b, d)
	if len(posts) > 0 {
		b.WriteString("\n### The posts\n\n")
	}
	left := 0
	for i := range posts {
		p := &posts[i]
		if b.Len() > commentBudget-2000 {
			left = len(posts) - i
			break
		}
		sec := renderPost(s, cfg, p)
		if b.Len()+len(sec) > commentBudget-1000 {
			left = len(posts) - i
			break
		}
		b.WriteString(sec)
	}
	if left > 0 {
		more := fmt.Sprintf("%d more posts are", left)
		if left == 1 {
			more = "1 more post is"
		}
		fmt.Fprintf(&b, "_%s not shown in detail, to keep this comment within GitHub's size limit: the table above says whose desk each is on, the check's details list them by file, and the Files tab shows each file._\n\n", more)
	}
	b.WriteString(footer)
	if len(d.Asked) > 0 {
		// Who was asked to review this version: not asked again.
		fmt.Fprintf(&b, "<!-- clearance:asked %s %s -->\n", d.AskedVersion, strings.Join(d.Asked, ","))
	}
	return b.String()
}

// writeChangeNotes quotes each change request once, with the posts it is about
// and the roles its reviewer approves for.
func writeChangeNotes(b *strings.Builder, s *Snapshot, cfg *policy.Config, posts []post) {
	type note struct {
		r     Review
		posts []int
		roles []string
	}
	var notes []*note
	byID := map[int64]*note{}
	for _, p := range posts {
		for _, r := range p.dr.Notes {
			n := byID[r.ID]
			if n == nil {
				n = &note{r: r}
				byID[r.ID] = n
				notes = append(notes, n)
			}
			n.posts = append(n.posts, p.n)
			for _, role := range cfg.RequiredRoles {
				if isOwner(s, p.dr.Result.Reviewers[role], r.User) {
					n.roles = appendNew(n.roles, role)
				}
			}
		}
	}
	for i, n := range notes {
		if i == maxNotes {
			fmt.Fprintf(b, "_…and %d more change requests: see the Conversation tab._\n\n", len(notes)-i)
			break
		}
		role := ""
		if len(n.roles) > 0 {
			role = " (" + joinAnd(n.roles) + ")"
		}
		fmt.Fprintf(b, "**✋ @%s%s asked for changes to %s:**\n\n", n.r.User, role, postList(n.posts, len(posts)))
		body := strings.TrimSpace(n.r.Body)
		if body == "" {
			b.WriteString("> _(no note: see their comments on the lines in the Files tab)_\n\n")
			continue
		}
		for _, l := range strings.Split(clip(body, noteBudget, "…"), "\n") {
			b.WriteString("> " + quietNote(l) + "\n")
		}
		b.WriteString("\n")
	}
}

// postList names posts by their number in the table.
func postList(ns []int, all int) string {
	if len(ns) == all && all > 1 {
		return "every post"
	}
	sort.Ints(ns)
	var out []string
	for i, n := range ns {
		if i == 10 {
			out = append(out, fmt.Sprintf("%d more", len(ns)-i))
			break
		}
		out = append(out, fmt.Sprintf("%d", n))
	}
	if len(ns) == 1 {
		return "post " + out[0]
	}
	return "posts " + joinAnd(out)
}

// scenarioName is the scenario in a comms officer's words.
func scenarioName(sc policy.Scenario) string {
	switch sc {
	case policy.PublicDomain:
		return "📰 already published"
	case policy.Pointer:
		return "🔗 a link"
	case policy.NewContent:
		return "📝 new content"
	}
	return string(sc)
}

func channelName(ch string) string {
	return channel.Title(ch)
}

// when is a publish time for people.
func when(t time.Time) string {
	if t.IsZero() {
		return "not set"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// firstWords is the start of a post, for the table.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return "(no text)"
	}
	out := strings.Join(words[:min(n, len(words))], " ")
	if len(words) > n {
		out += "…"
	}
	return clip(out, 120, "…")
}

// desk says whose desk a post is on: per role, who approved (✅), who
// asked for changes (✋) or who must act (⏳).
func desk(s *Snapshot, cfg *policy.Config, dr *DraftReview, sep string) string {
	var parts []string
	if n := dr.Result.Errors(); n > 0 {
		parts = append(parts, fmt.Sprintf("❌ %s to fix (the author)", plural(n, "error")))
	}
	if !dr.Result.NeedsReview() {
		if len(parts) == 0 {
			parts = append(parts, "nobody: free to post")
		}
		return strings.Join(parts, sep)
	}
	for _, role := range cfg.RequiredRoles {
		switch bl := dr.blockersIn(s, role); {
		case len(bl) > 0:
			parts = append(parts, fmt.Sprintf("%s ✋ %s asked for changes", role, strings.Join(atAll(bl), ", ")))
		case len(dr.Approved[role]) > 0:
			parts = append(parts, fmt.Sprintf("%s ✅ %s", role, strings.Join(atAll(dr.Approved[role]), ", ")))
		case len(dr.Result.Reviewers[role]) == 0:
			parts = append(parts, fmt.Sprintf("%s ❌ nobody can approve", role))
		default:
			parts = append(parts, fmt.Sprintf("%s ⏳ %s", role, strings.Join(dr.Result.Reviewers[role], " or ")))
		}
	}
	return strings.Join(parts, sep)
}

// writeTable writes one row per post, as far as the budget goes.
func writeTable(b *strings.Builder, s *Snapshot, cfg *policy.Config, posts []post) {
	b.WriteString("| # | Post | Channel | Author | Goes out | Kind | Whose desk |\n|---|---|---|---|---|---|---|\n")
	start := b.Len()
	for i := range posts {
		p := &posts[i]
		if b.Len()-start > tableBudget {
			need := 0
			for _, q := range posts[i:] {
				if rank(q.dr) < 3 {
					need++
				}
			}
			fmt.Fprintf(b, "| | _…and %d more posts, %d of them waiting for someone: the check's details list them by file_ | | | | | |\n", len(posts)-i, need)
			break
		}
		r := p.dr.Result
		text, publish := r.Text, time.Time{}
		if d := p.parsed(); d != nil {
			publish = d.PublishAt
		} else {
			text = "(could not be read)"
		}
		// escapeMD escapes | as a table cell needs; cell would escape it
		// twice.
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s |\n", p.n, escapeMD(firstWords(text, 8), true), cell(channelName(r.Channel)),
			escapeMD(strings.Join(strings.Fields(orNotSet(r.Author)), " "), true), when(publish), scenarioName(r.Scenario), cell(desk(s, cfg, p.dr, "<br>")))
	}
}

func orNotSet(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

// isPolicySentence reports whether a reason is the policy's general
// sentence ("Views and guidance must be checked by …"), said once per
// comment rather than once per post.
func isPolicySentence(reason string) bool {
	return strings.Contains(reason, " must be checked by policy and communications officials before ")
}

// policySentences are the policy's general sentences of the drafts'
// reasons, said as one: "New information, views and guidance must be
// checked by policy and communications officials before they are posted."
func policySentences(d *Decision) []string {
	var subjects []string
	for i := range d.Drafts {
		for _, r := range d.Drafts[i].Result.Reasons {
			if !isPolicySentence(r) {
				continue
			}
			subject, _, _ := strings.Cut(r, " must be checked by ")
			for _, x := range strings.Split(strings.ReplaceAll(subject, " and ", ", "), ", ") {
				if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
					subjects = appendNew(subjects, x)
				}
			}
		}
	}
	if len(subjects) == 0 {
		return nil
	}
	s := joinAnd(subjects)
	return []string{strings.ToUpper(s[:1]) + s[1:] + " must be checked by policy and communications officials before they are posted."}
}

// writeGoverned lists the changes to how review works.
func writeGoverned(b *strings.Builder, d *Decision) {
	if len(d.Governed) == 0 {
		return
	}
	b.WriteString("\n### Changes to how review works\n\n")
	for i, g := range d.Governed {
		if i == 20 {
			fmt.Fprintf(b, "- …and %d more such files (the check lists them)\n", len(d.Governed)-i)
			break
		}
		state := "⏳ waiting for " + strings.Join(g.Owners, " or ")
		switch {
		case len(g.Blockers) > 0:
			state = "✋ " + strings.Join(atAll(g.Blockers), ", ") + " asked for changes"
		case len(g.Approved) > 0:
			state = "✅ approved by " + strings.Join(atAll(g.Approved), ", ")
		}
		fmt.Fprintf(b, "- `%s` %s. It needs the policy role's approval and takes effect only once merged: %s.\n", g.File.Path, g.what(), state)
	}
}

// kindRE reads the engine's reasons that name words giving a view,
// advice or a promise: `It gives guidance or advice: "should" (line 7).`
var (
	kindRE = regexp.MustCompile(`^It (expresses a view|gives guidance or advice|makes a promise or an admission on the organisation's behalf): (.*)\.$`)
	wordRE = regexp.MustCompile(`"([^"]+)" \(line (\d+)\)`)
	imgRE  = regexp.MustCompile(`!\[([^\]]*)\]\(\s*<?([^)\s>]+)`)
)

var kindNames = map[string]string{
	"expresses a view":         "states a view",
	"gives guidance or advice": "gives guidance or advice",
	"makes a promise or an admission on the organisation's behalf": "makes a promise or an admission",
}

// kindList is "States a view and gives guidance or advice".
func kindList(kinds []string) string {
	s := joinAnd(kinds)
	return strings.ToUpper(s[:1]) + s[1:]
}

// flagged is a sentence the reasons name, and why.
type flagged struct {
	sentence int // index into the draft's Sentences
	kinds    []string
	words    []string
}

// flaggedSentences finds, for the reasons that name words of a view,
// advice or promise, the sentences those words are in; the other reasons
// are returned as they are.
func flaggedSentences(d *policy.Draft, reasons []string) ([]flagged, []string) {
	var out []flagged
	var rest []string
	at := map[int]int{} // sentence -> index in out
	for _, reason := range reasons {
		m := kindRE.FindStringSubmatch(reason)
		if m == nil || d == nil {
			rest = append(rest, reason)
			continue
		}
		found := false
		for _, w := range wordRE.FindAllStringSubmatch(m[2], -1) {
			var line int
			fmt.Sscanf(w[2], "%d", &line)
			si := sentenceOf(d, w[1], line)
			if si < 0 {
				continue
			}
			found = true
			if i, ok := at[si]; ok {
				out[i].kinds = appendNew(out[i].kinds, kindNames[m[1]])
				out[i].words = appendNew(out[i].words, w[1])
				continue
			}
			at[si] = len(out)
			out = append(out, flagged{sentence: si, kinds: []string{kindNames[m[1]]}, words: []string{w[1]}})
		}
		if !found {
			rest = append(rest, reason)
		}
	}
	return out, rest
}

// sentenceOf is the sentence holding phrase on line, or -1.
func sentenceOf(d *policy.Draft, phrase string, line int) int {
	first := strings.Fields(phrase)
	if len(first) == 0 {
		return -1
	}
	for si, s := range d.Sentences {
		for i := s.Start; i < s.End && i < len(d.Words); i++ {
			if d.Words[i].Line == line && strings.EqualFold(strings.Trim(d.Words[i].Word, `"'“”‘’.,;:!?()`), strings.Trim(first[0], `"'“”‘’.,;:!?()`)) {
				return si
			}
		}
	}
	return -1
}

// renderPost is one post's section: closed when nobody need act, open
// when it waits for someone.
func renderPost(s *Snapshot, cfg *policy.Config, p *post) string {
	var b strings.Builder
	dr, r, d := p.dr, p.dr.Result, p.parsed()
	open := " open"
	if rank(dr) > 2 {
		open = ""
	}
	text := r.Text
	if d != nil && d.Plain != "" {
		text = d.Plain
	}
	fmt.Fprintf(&b, "<details%s>\n<summary><b>%d. %s</b> · %s · %s</summary>\n\n", open, p.n, htmlEscape(firstWords(text, 8)), channelName(r.Channel), scenarioName(r.Scenario))
	meta := []string{fmt.Sprintf("[`%s`](%s)", dr.File.Path, fileURL(s, dr.File.Path, 0))}
	if r.Author != "" {
		meta = append(meta, "posted as **"+escapeMD(r.Author, false)+"**")
	}
	if d != nil && !d.PublishAt.IsZero() {
		meta = append(meta, "goes out "+when(d.PublishAt))
	}
	b.WriteString(strings.Join(meta, " · ") + "\n\n")
	if d != nil && d.Kind == "reply" && d.InReplyTo != "" {
		fmt.Fprintf(&b, "↩️ Replying to %s\n\n", d.InReplyTo)
	}
	var flags []flagged
	reasons := r.Reasons
	if d != nil {
		flags, reasons = flaggedSentences(d, r.Reasons)
	}
	if d != nil {
		// For whoever approved before: what they have not seen yet.
		writeChanges(&b, s, dr, d)
	}
	if d != nil && d.HasText() {
		b.WriteString("**The post as it will appear**\n\n")
		writePreview(&b, cfg, r, d, flags)
	} else if dr.File.ReadErr != "" {
		b.WriteString("_clearance could not read this file, so it cannot show the post._\n\n")
	}
	if d != nil {
		writeImages(&b, s, dr.File.Path, d)
	}
	if r.NeedsReview() {
		b.WriteString("**Why it needs review**\n\n")
	} else {
		b.WriteString("**Why it is free to post**\n\n")
	}
	for _, f := range flags {
		fmt.Fprintf(&b, "- %s: “%s” (%s)\n", kindList(f.kinds), htmlEscape(clip(d.Sentences[f.sentence].Text, 400, "…")), quoteWords(f.words))
	}
	for _, reason := range reasons {
		if !isPolicySentence(reason) {
			b.WriteString("- " + evidence(s, reason) + "\n")
		}
	}
	if !r.NeedsReview() {
		writeEvidence(&b, r.Evidence)
	}
	var errs, warns []string
	for _, f := range r.Findings {
		line := fmt.Sprintf("[line %d](%s): %s", max(f.Line, 1), fileURL(s, dr.File.Path, f.Line), f.Message) + factDiff(f)
		if f.Severity == policy.Error {
			errs = append(errs, "- ❌ "+line)
		} else {
			warns = append(warns, "- ⚠️ "+line)
		}
	}
	if len(errs) > 0 {
		b.WriteString("\n**To fix before it can go out**\n\n" + strings.Join(errs, "\n") + "\n")
	}
	if len(warns) > 0 {
		b.WriteString("\n**Worth a look**\n\n" + strings.Join(warns, "\n") + "\n")
	}
	if r.NeedsReview() {
		b.WriteString("\n**Approvals**\n\n")
		for _, role := range cfg.RequiredRoles {
			switch bl := dr.blockersIn(s, role); {
			case len(bl) > 0:
				fmt.Fprintf(&b, "- %s: ✋ %s asked for changes (their note is above)\n", role, strings.Join(atAll(bl), ", "))
			case len(dr.Approved[role]) > 0:
				fmt.Fprintf(&b, "- %s: ✅ approved by %s on this version\n", role, strings.Join(atAll(dr.Approved[role]), ", "))
			case len(r.Reviewers[role]) == 0:
				fmt.Fprintf(&b, "- %s: ❌ nobody can approve yet (nobody who looks after this file is in the %s role)\n", role, role)
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
		if others := otherBlockers(s, cfg, dr); len(others) > 0 {
			fmt.Fprintf(&b, "- ✋ %s asked for changes (their note is above)\n", strings.Join(atAll(others), ", "))
		}
		b.WriteString(ownWordsNote(dr))
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

// otherBlockers are blockers who approve in none of the required roles.
func otherBlockers(s *Snapshot, cfg *policy.Config, dr *DraftReview) []string {
	var out []string
	for _, u := range dr.Blockers {
		in := false
		for _, role := range cfg.RequiredRoles {
			if isOwner(s, dr.Result.Reviewers[role], u) {
				in = true
			}
		}
		if !in {
			out = append(out, u)
		}
	}
	return out
}

func quoteWords(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = "“" + htmlEscape(w) + "”"
	}
	return strings.Join(out, ", ")
}

// writePreview quotes the post as it will read, part by part for a
// thread, with the flagged sentences in bold and each part's length.
func writePreview(b *strings.Builder, cfg *policy.Config, r *policy.Result, d *policy.Draft, flags []flagged) {
	var marks []string
	for _, f := range flags {
		marks = append(marks, d.Sentences[f.sentence].Text)
	}
	rule, known := cfg.Channels[d.Channel]
	parts := []string{d.Plain}
	if len(d.Parts) > 1 {
		parts = parts[:0]
		for _, p := range d.Parts {
			parts = append(parts, p.Text)
		}
	}
	for i, text := range parts {
		if len(parts) > 1 {
			fmt.Fprintf(b, "Post %d of %d:\n\n", i+1, len(parts))
		}
		text = clip(strings.TrimSpace(text), 4000, "…")
		n, limit := 0, 0
		switch {
		case !known:
		case len(parts) > 1:
			n, limit = channel.CountLength(text, rule), rule.Max
		default:
			n, limit = r.Length, r.LengthLimit
		}
		quoted := highlight(text, marks)
		if limit > 0 && n > limit {
			// Where the channel would cut: what follows ✂️ does not fit.
			cut := cutAt(text, rule)
			quoted = highlight(text[:cut], marks) + " ✂️ " + strike(text[cut:])
		}
		for _, l := range strings.Split(quoted, "\n") {
			b.WriteString("> " + l + "\n")
		}
		b.WriteString("\n")
		if known {
			writeLength(b, channelName(d.Channel), n, limit)
		}
	}
}

// cutAt is where text stops fitting the rule: the longest prefix that
// counts within the limit (by bisection: the count grows with the
// prefix), moved back to the end of a word when one is near.
func cutAt(text string, rule channel.LengthRule) int {
	var offs []int
	for i := range text {
		offs = append(offs, i)
	}
	offs = append(offs, len(text))
	lo, hi := 0, len(offs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if channel.CountLength(text[:offs[mid]], rule) <= rule.Max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	cut := offs[lo]
	if cut < len(text) && !strings.ContainsRune(" \n", rune(text[cut])) {
		if sp := strings.LastIndexAny(text[:cut], " \n"); sp > cut/2 {
			cut = sp
		}
	}
	return cut
}

// strike escapes text and strikes it through, line by line.
func strike(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			lines[i] = "~~" + escapeMD(t, false) + "~~"
		}
	}
	return strings.Join(lines, "\n")
}

func writeLength(b *strings.Builder, channel string, n, limit int) {
	switch {
	case limit <= 0:
		fmt.Fprintf(b, "<sub>%s: %d characters</sub>\n\n", channel, n)
	case n > limit:
		fmt.Fprintf(b, "<sub>%s: ❌ %d of %d characters, %d too many</sub>\n\n", channel, n, limit, n-limit)
	default:
		fmt.Fprintf(b, "<sub>%s: %d of %d characters ✅</sub>\n\n", channel, n, limit)
	}
}

// highlight escapes text for Markdown and puts the marked sentences in
// bold.
func highlight(text string, marks []string) string {
	type span struct{ from, to int }
	var spans []span
	for _, m := range marks {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if i := strings.Index(text, m); i >= 0 {
			spans = append(spans, span{i, i + len(m)})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.from < at {
			continue
		}
		b.WriteString(escapeMD(text[at:sp.from], at == 0 || text[at-1] == '\n'))
		b.WriteString("**")
		b.WriteString(escapeMD(text[sp.from:sp.to], sp.from == 0 || text[sp.from-1] == '\n'))
		b.WriteString("**")
		at = sp.to
	}
	b.WriteString(escapeMD(text[at:], at == 0 || text[at-1] == '\n'))
	return b.String()
}

// escapeMD makes text show as it is in GitHub Markdown: punctuation that
// would format is escaped, and an @ cannot mention anyone (the post's
// @names are not the pull request's people). lineStart says whether text
// begins a line.
func escapeMD(text string, lineStart bool) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case strings.ContainsRune("\\`*_[]<>~|&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@':
			b.WriteString("@\u2060") // a word joiner: no mention
		case lineStart && strings.ContainsRune("#-+=>", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		if r == '\n' {
			lineStart = true
		} else if r != ' ' {
			lineStart = false
		}
	}
	out := b.String()
	// "1. " at a line's start would start a list.
	return listRE.ReplaceAllString(out, "$1\\.")
}

var listRE = regexp.MustCompile(`(?m)^(\s*\d+)\.`)

// htmlEscape is for text inside HTML tags (summary lines).
func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "@\u2060")
	return r.Replace(s)
}

// writeImages shows the post's images from the head commit, with their
// descriptions.
func writeImages(b *strings.Builder, s *Snapshot, draftPath string, d *policy.Draft) {
	alts := map[string]string{}
	for _, m := range imgRE.FindAllStringSubmatch(d.Body, -1) {
		alts[m[2]] = m[1]
	}
	for _, l := range d.Links {
		if !l.Image {
			continue
		}
		alt := strings.TrimSpace(alts[l.URL])
		desc := "⚠️ no description (alt text): add one, for people who cannot see the image"
		if alt != "" {
			desc = "described as “" + htmlEscape(alt) + "”"
		}
		src := l.URL
		if !strings.Contains(src, "://") {
			p := path.Join(path.Dir(draftPath), src)
			if strings.HasPrefix(src, "/") {
				p = strings.TrimPrefix(path.Clean(src), "/")
			}
			src = rawURL(s, p)
			fmt.Fprintf(b, "<img src=\"%s\" alt=\"%s\" width=\"400\">\n\n<sub>🖼️ Attached image `%s`, %s</sub>\n\n", src, strings.ReplaceAll(htmlEscape(alt), `"`, "&quot;"), p, desc)
			continue
		}
		fmt.Fprintf(b, "<sub>🖼️ Attached image %s, %s</sub>\n\n", src, desc)
	}
}

// repoURL is the repository's web address, from the pull request's.
func repoURL(s *Snapshot) string {
	if i := strings.LastIndex(s.PR.HTMLURL, "/pull/"); i > 0 {
		return s.PR.HTMLURL[:i]
	}
	return "https://github.com/" + s.Repo.String()
}

// fileURL links a file (and line) at the head commit.
func fileURL(s *Snapshot, p string, line int) string {
	u := repoURL(s) + "/blob/" + s.PR.HeadSHA + "/" + escapePath(p)
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
	}
	return u
}

func rawURL(s *Snapshot, p string) string {
	return repoURL(s) + "/blob/" + s.PR.HeadSHA + "/" + escapePath(p) + "?raw=true"
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		parts[i] = strings.NewReplacer(" ", "%20", "#", "%23", "?", "%3F", "(", "%28", ")", "%29", "%", "%25").Replace(x)
	}
	return strings.Join(parts, "/")
}

// renderDetails is the check's details for whoever maintains clearance:
// each draft's scenario, and every finding as path:line: rule, which the
// comment leaves out (and the Files tab shows once: as a review comment on
// a line of the diff, else as an annotation).
func renderDetails(d *Decision) string {
	if len(d.Drafts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Details for maintainers\n\n| File | Scenario | Findings |\n|---|---|---|\n")
	var findings []string
	for i := range d.Drafts {
		dr := &d.Drafts[i]
		if b.Len() > maxSummary/2 {
			fmt.Fprintf(&b, "| and %d more | | |\n", len(d.Drafts)-i)
			break
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %d |\n", dr.File.Path, dr.Result.Scenario, len(dr.Result.Findings))
		for _, f := range dr.Result.Findings {
			path := f.Path
			if path == "" {
				path = dr.File.Path
			}
			findings = append(findings, fmt.Sprintf("- `%s:%d: %s` (%s) %s", path, max(f.Line, 1), f.Rule, f.Severity, clip(f.Message, 300, "…")))
		}
	}
	if len(findings) > 0 {
		b.WriteString("\n**Findings** (`path:line: rule`):\n\n")
		for i, f := range findings {
			if b.Len()+len(f) > maxSummary-500 {
				fmt.Fprintf(&b, "- and %d more\n", len(findings)-i)
				break
			}
			b.WriteString(f + "\n")
		}
	}
	return b.String()
}

// writeChanges shows, for a draft whose approvals were given on an earlier
// text, what changed since: a word diff of the text as posted.
func writeChanges(b *strings.Builder, s *Snapshot, dr *DraftReview, d *policy.Draft) {
	var who []string
	for _, users := range dr.Stale {
		who = appendNew(who, users...)
	}
	if len(who) == 0 || s.Earlier == nil {
		return
	}
	sort.Strings(who)
	// The text of the latest of those approvals.
	var last Review
	for _, r := range s.Reviews {
		sha := r.FileSHAs[dr.File.Path]
		if r.State != "APPROVED" || s.Earlier[sha] == nil {
			continue
		}
		for _, u := range who {
			if strings.EqualFold(u, r.User) && (last.User == "" || r.SubmittedAt.After(last.SubmittedAt)) {
				last = r
			}
		}
	}
	if last.User == "" {
		return
	}
	old := policy.ParseDraft(dr.File.Path, s.Earlier[last.FileSHAs[dr.File.Path]])
	diff, ok := wordDiff(old.Plain, d.Plain)
	if !ok {
		return
	}
	fmt.Fprintf(b, "**What changed since %s approved** (~~removed~~ **added**)\n\n", joinAnd(atAll(who)))
	for _, l := range strings.Split(diff, "\n") {
		b.WriteString("> " + l + "\n")
	}
	b.WriteString("\n")
}

// maxDiffWords bounds the texts word-diffed (the table is words × words).
const maxDiffWords = 1500

// wordDiff marks what changed from old to new, word by word, in Markdown:
// ~~removed~~ and **added**, the rest escaped as it is. It is false when
// the texts are the same or too long to compare.
func wordDiff(old, new string) (string, bool) {
	a, b := diffTokens(old), diffTokens(new)
	if old == new || len(a) > maxDiffWords || len(b) > maxDiffWords {
		return "", false
	}
	// Longest common subsequence of words, from the end.
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i].word == b[j].word {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	var del, ins []string
	flush := func() {
		if len(del) > 0 {
			out.WriteString("~~" + escapeMD(strings.Join(del, " "), false) + "~~ ")
		}
		if len(ins) > 0 {
			out.WriteString("**" + escapeMD(strings.Join(ins, " "), false) + "** ")
		}
		del, ins = nil, nil
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i].word == b[j].word:
			flush()
			out.WriteString(escapeMD(b[j].word, false) + b[j].sep)
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ins = append(ins, b[j].word)
			j++
		default:
			del = append(del, a[i].word)
			i++
		}
	}
	flush()
	return strings.TrimSpace(out.String()), true
}

type diffToken struct{ word, sep string }

// diffTokens splits text into words, each with the space after it (a line
// break is kept as one).
func diffTokens(text string) []diffToken {
	var out []diffToken
	for _, line := range strings.Split(text, "\n") {
		for _, w := range strings.Fields(line) {
			out = append(out, diffToken{w, " "})
		}
		if len(out) > 0 {
			out[len(out)-1].sep = "\n"
		}
	}
	return out
}

// docRE finds a register document named in a reason: "(published/x.md)".
var docRE = regexp.MustCompile(`\(([^()\s]+\.md)\)`)

// evidence links the register documents a reason names to their public
// pages, so a reader can see the published text.
func evidence(s *Snapshot, reason string) string {
	if s.Base == nil || s.Base.Register == nil {
		return reason
	}
	return docRE.ReplaceAllStringFunc(reason, func(m string) string {
		doc := s.Base.Register.Doc(m[1 : len(m)-1])
		if doc == nil || doc.URL == "" {
			return m
		}
		return "(published at " + doc.URL + ")"
	})
}

// quietNote makes a reviewer's note safe to quote in the bot's comment: no
// hidden markers (the bot reads its own from the comment) and no
// @mentions, which would notify people again.
func quietNote(line string) string {
	return strings.NewReplacer("<!--", "&lt;!--", "-->", "--&gt;", "@", "@\u2060").Replace(line)
}
