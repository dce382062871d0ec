package review

import (
	"fmt"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// writeEvidence shows, for a post free because it is already published,
// each of its sentences beside the release that has it: the title, with a
// link to its public page, and the date. The words no release has are
// named, so a reviewer sees at a glance what the post adds.
func writeEvidence(b *strings.Builder, ev []policy.Evidence) {
	if len(ev) == 0 {
		return
	}
	b.WriteString("\n**The evidence**\n\n| The post says | Published in |\n|---|---|\n")
	for _, e := range ev {
		says := cell(htmlEscape(clip(e.Sentence, 300, "…")))
		if len(e.Unpublished) > 0 {
			says += "<br><sub>not in any release: " + cell(htmlEscape(strings.Join(e.Unpublished, ", "))) + "</sub>"
		}
		where := "_no release has it_"
		if e.Doc != "" {
			title := e.Title
			if title == "" {
				title = e.Doc
			}
			where = "“" + cell(htmlEscape(title)) + "”"
			if strings.HasPrefix(e.URL, "https://") || strings.HasPrefix(e.URL, "http://") {
				where = fmt.Sprintf("[%s](%s)", where, e.URL)
			}
			if !e.PublishedAt.IsZero() {
				where += ", " + e.PublishedAt.UTC().Format("2 January 2006")
			}
		}
		fmt.Fprintf(b, "| %s | %s |\n", says, where)
	}
}
