package policy

import "strings"

// isQuestion reports whether a sentence is a question: it ends with a
// question mark (before closing quotation marks and emphasis). A question
// that opens with a verb ("Run a regional museum? Applications are
// open:") asks the reader something; it does not tell them what to do.
// Advice inside it ("should", "avoid") is still found by the lexicon.
func isQuestion(s Sentence) bool {
	t := strings.TrimRight(s.Text, " \t\"')”’»*_")
	return strings.HasSuffix(t, "?") || strings.HasSuffix(t, "？")
}
