package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/channel"
	"github.com/clearance-dev/clearance/internal/policy"
)

// The text of `app check` fits a terminal of termWidth columns: a table of
// the drafts, then each draft with a preview of its text, its length on its
// channel, why it is what it is, what is wrong and who must approve, wrapped
// to the width.
const termWidth = 100

// Column widths of the table (with two spaces between): 39 + 13 + 8 + 13
// + 19 and the gaps make 100.
const (
	colDraft    = 39
	colKind     = 13
	colLength   = 8
	colNeeds    = 13
	colFindings = 19
)

// clipMiddle shortens s to n columns, keeping its start and end (a path's
// folder and file name) around "…".
func clipMiddle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// clipEnd shortens s to n columns, ending in "…".
func clipEnd(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// tableRow lays out one row of the table.
func tableRow(draft, kind, length, needs, findings string) string {
	row := pad(clipMiddle(draft, colDraft), colDraft) + "  " + pad(clipEnd(kind, colKind), colKind) + "  " +
		pad(clipEnd(length, colLength), colLength) + "  " + pad(clipEnd(needs, colNeeds), colNeeds) + "  " + clipEnd(findings, colFindings)
	return strings.TrimRight(row, " ")
}

// lengthCell is "165/280", or "-" when the channel has no limit.
func lengthCell(r *policy.Result) string {
	if r.LengthLimit == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", r.Length, r.LengthLimit)
}

// needsCell names the roles that must approve.
func needsCell(order []string, r *policy.Result) string {
	if !r.NeedsReview() {
		return "-"
	}
	var roles []string
	for _, role := range order {
		if _, ok := r.Reviewers[role]; ok {
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return "review"
	}
	return strings.Join(roles, ", ")
}

// wrap writes text wrapped to termWidth: the first line after first, the
// rest after rest (both indents).
func wrap(w io.Writer, first, rest, text string) {
	line, indent := first, first
	col := utf8.RuneCountInString(indent)
	words := strings.Fields(text)
	for i, word := range words {
		n := utf8.RuneCountInString(word)
		if i > 0 && col+1+n > termWidth {
			fmt.Fprintln(w, line)
			line, col = rest+word, utf8.RuneCountInString(rest)+n
			continue
		}
		if i > 0 {
			line += " "
			col++
		}
		line += word
		col += n
	}
	fmt.Fprintln(w, line)
}

// preview is the start of the post as it will read, on one line.
func preview(text string, n int) string {
	return "“" + clipEnd(strings.Join(strings.Fields(text), " "), n) + "”"
}

// postLine says where the post goes and how long it is.
func postLine(r *policy.Result) string {
	var parts []string
	if r.Channel != "" {
		where := channel.Title(r.Channel)
		if r.LengthLimit > 0 {
			where += fmt.Sprintf(", %d of %d characters", r.Length, r.LengthLimit)
			if r.Length > r.LengthLimit {
				where += " (too long)"
			}
		}
		parts = append(parts, where)
	}
	if r.Author != "" {
		parts = append(parts, "posted as "+r.Author)
	}
	return strings.Join(parts, "; ")
}

// verdict says what the scenario means for the draft, in a few words.
func verdict(r *policy.Result) string {
	switch {
	case r.Errors() > 0:
		return "fix the errors first"
	case r.NeedsReview():
		return "needs approval"
	}
	return "free to post"
}

// writeDraft prints one draft's detail.
func writeDraft(w io.Writer, order []string, r *policy.Result) {
	// The path stands whole, for copying, even past the width.
	if head := fmt.Sprintf("%s: %s, %s", r.Path, r.Scenario, verdict(r)); utf8.RuneCountInString(head) <= termWidth {
		fmt.Fprintf(w, "\n%s\n", head)
	} else {
		fmt.Fprintf(w, "\n%s:\n  %s, %s\n", r.Path, r.Scenario, verdict(r))
	}
	if r.Text != "" {
		fmt.Fprintf(w, "  %s\n", preview(r.Text, termWidth-6))
	}
	if pl := postLine(r); pl != "" {
		wrap(w, "  ", "    ", pl)
	}
	for _, reason := range r.Reasons {
		wrap(w, "  - ", "    ", reason)
	}
	for _, f := range r.Findings {
		loc := ""
		if f.Line > 0 {
			loc = fmt.Sprintf("line %d: ", f.Line)
		}
		wrap(w, "  ", "    ", fmt.Sprintf("%s: %s%s [%s]", f.Severity, loc, f.Message, f.Rule))
	}
	if r.NeedsReview() {
		if who := approvers(order, r.Reviewers); who != "-" {
			wrap(w, "  must approve: ", "    ", who)
		}
	}
}

// writeGitHub writes the findings as GitHub Actions workflow commands, so a
// workflow step shows them on the lines of the pull request's diff, and a
// notice on each draft that needs approval.
func writeGitHub(w io.Writer, order []string, results []*policy.Result, problems []policy.Finding) {
	for _, f := range problems {
		writeCommand(w, f.Severity, f.Path, f.Line, "clearance: "+f.Rule, f.Message)
	}
	for _, r := range results {
		for _, f := range r.Findings {
			writeCommand(w, f.Severity, r.Path, f.Line, "clearance: "+f.Rule, f.Message)
		}
		if r.NeedsReview() && r.Errors() == 0 {
			msg := "needs approval (" + needsCell(order, r) + ") before it is posted"
			if len(r.Reasons) > 0 {
				msg += ". " + r.Reasons[0]
			}
			writeCommand(w, "notice", r.Path, 1, "clearance: "+string(r.Scenario), msg)
		}
	}
}

// writeCommand writes one ::error/::warning/::notice command, escaped as
// GitHub's toolkit escapes them.
func writeCommand[S ~string](w io.Writer, sev S, file string, line int, title, msg string) {
	kind := "warning"
	switch string(sev) {
	case string(policy.Error):
		kind = "error"
	case "notice":
		kind = "notice"
	}
	props := "file=" + escapeProperty(file)
	if line > 0 {
		props += fmt.Sprintf(",line=%d", line)
	}
	props += ",title=" + escapeProperty(title)
	fmt.Fprintf(w, "::%s %s::%s\n", kind, props, escapeData(msg))
}
