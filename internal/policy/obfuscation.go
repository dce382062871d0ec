package policy

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/text"
	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/bidi"
)

// Text written so that what readers see is not what a simple reading of
// its characters gives. What is displayed is what is judged:
//
//   - bidi controls (right-to-left override and the other embeddings,
//     isolates and marks) can make text display in another order than
//     its characters run: an error finding, and the draft always needs
//     review; text under a right-to-left override is read in the order it
//     is displayed;
//   - words spelled out letter by letter ("d i s g r a c e",
//     "D.I.S.G.R.A.C.E"), split by a character readers read through
//     ("sh\ould", "disgr|ace") or hyphenated at the end of a line are read
//     as the word they display; words run together ("wethinkitsadisgrace")
//     are read as hashtags are (hashtag.go);
//   - HTML comments, titles and link definitions that no link uses are not
//     posted, but their words are read as part of the post (see
//     Draft.Comments), with a warning.
//
// Invisible characters inside words (zero-width spaces and joiners, soft
// hyphens, word joiners, variation selectors) are dropped by Fold and
// Tokenize, so "dis\u00adgrace" is already "disgrace".

// RuleBidi is the rule of bidi control characters.
const RuleBidi = "bidi-control"

// RuleHiddenText is the rule of text that is read but not posted: HTML
// comments, titles, link definitions that no link uses.
const RuleHiddenText = "hidden-text"

// bidiControl names a bidi control character, or returns "".
func bidiControl(r rune) string {
	switch r {
	case '\u202a':
		return "left-to-right embedding"
	case '\u202b':
		return "right-to-left embedding"
	case '\u202c':
		return "pop directional formatting"
	case '\u202d':
		return "left-to-right override"
	case '\u202e':
		return "right-to-left override"
	case '\u2066':
		return "left-to-right isolate"
	case '\u2067':
		return "right-to-left isolate"
	case '\u2068':
		return "first strong isolate"
	case '\u2069':
		return "pop directional isolate"
	case '\u200e':
		return "left-to-right mark"
	case '\u200f':
		return "right-to-left mark"
	case '\u061c':
		return "Arabic letter mark"
	}
	return ""
}

// hasBidi reports whether s holds a bidi control.
func hasBidi(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if bidiControl(r) != "" {
			return true
		}
		i += size - 1
	}
	return false
}

// isOverride reports the controls that reverse the letters they cover.
func isOverride(r rune) bool { return r == '\u202d' || r == '\u202e' }

// rightToLeft reports a letter of a right-to-left script (Hebrew, Arabic,
// Syriac, Thaana…).
func rightToLeft(r rune) bool {
	if r < 0x0590 || !unicode.IsLetter(r) {
		return false
	}
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	return c == bidi.R || c == bidi.AL
}

// displayOrder returns s with each run under a right-to-left override
// (see overrideRuns) in the order it is displayed: its characters
// (grapheme clusters) reversed. The controls stay where they are, so the
// text keeps its length in bytes.
func displayOrder(s string) string {
	runs := overrideRuns(s)
	if len(runs) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, r := range runs {
		b.WriteString(s[last:r[0]])
		b.WriteString(reverseGraphemes(s[r[0]:r[1]]))
		last = r[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// overrideRuns returns the byte ranges of s under a right-to-left
// override: from just after each U+202E to its matching pop U+202C (other
// embeddings and overrides nest) or the end of the line.
func overrideRuns(s string) [][2]int {
	var runs [][2]int
	for i := 0; i < len(s); {
		j := strings.IndexRune(s[i:], '\u202e')
		if j < 0 {
			break
		}
		start := i + j + len("\u202e")
		end, depth := start, 0
	scan:
		for end < len(s) {
			c, n := utf8.DecodeRuneInString(s[end:])
			switch {
			case c == '\n':
				break scan
			case c == '\u202c':
				if depth == 0 {
					break scan
				}
				depth--
			case c >= '\u202a' && c <= '\u202e':
				depth++
			}
			end += n
		}
		runs = append(runs, [2]int{start, end})
		i = end
	}
	return runs
}

// overridden returns, for each run of a line under a right-to-left
// override that displays otherwise than its characters run, the run as
// displayed and as its characters run, without the controls.
func overridden(line string) [][2]string {
	var out [][2]string
	for _, r := range overrideRuns(line) {
		chars := strings.TrimSpace(stripBidi(line[r[0]:r[1]]))
		if disp := strings.TrimSpace(stripBidi(reverseGraphemes(line[r[0]:r[1]]))); disp != chars {
			out = append(out, [2]string{disp, chars})
		}
	}
	return out
}

// reverseGraphemes reverses s by grapheme cluster, so that accents stay on
// their letters.
func reverseGraphemes(s string) string {
	var parts []string
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		parts = append(parts, g.Str())
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
	}
	return b.String()
}

// stripBidi drops the bidi controls of s.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if bidiControl(r) != "" {
			return -1
		}
		return r
	}, s)
}

// checkBidi reports every line of the file (front matter included) that
// holds bidi controls. They are an error, since readers may see the text
// in another order than its characters run (and some platforms strip
// them, showing the other order), except for embeddings, isolates and
// marks on a line that holds right-to-left letters, where they have a use
// (a warning: check how it displays). It returns whether any was found:
// such a draft always needs review.
func (ev *evaluation) checkBidi() bool {
	raw := string(ev.d.raw)
	if raw == "" {
		raw = ev.d.Body
	}
	if text.IsASCIIPlain(raw) && !strings.Contains(raw, "&") {
		return false // every bidi control is outside ASCII, or an entity
	}
	found := false
	line := 0
	for rest := raw; rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		if strings.Contains(l, "&") {
			// Written as a character reference (&#8238;, &rlm;), it is
			// posted as the character.
			l = html.UnescapeString(l)
		}
		if !hasBidi(l) {
			continue
		}
		found = true
		var names []string
		override, rtl := false, false
		seen := map[string]bool{}
		for _, r := range l {
			if n := bidiControl(r); n != "" && !seen[n] {
				seen[n] = true
				names = append(names, fmt.Sprintf("%s U+%04X", n, r))
			}
			override = override || isOverride(r)
			rtl = rtl || rightToLeft(r)
		}
		what := joinLimit(names, 3)
		if !override && rtl {
			ev.add(RuleBidi, Warning, line, "this line has invisible direction characters (%s) beside right-to-left text: check that the post displays as you mean it to, and remove the invisible direction characters that are not needed. The draft is reviewed either way", what)
			continue
		}
		shown := ""
		for _, sp := range overridden(l) {
			shown += fmt.Sprintf(" Readers see %q where its characters run %q.", clip(sp[0], 80), clip(sp[1], 80))
		}
		ev.add(RuleBidi, Error, line, "this line has invisible characters that change the direction of the text (%s), so what readers see is not what its characters say, and some platforms remove them.%s Remove the invisible direction characters and type the text as it should read", what, shown)
	}
	return found
}

// neverFree makes a draft with bidi controls new-content, with a reason.
func (ev *evaluation) neverFree(scenario Scenario, bidiFound bool) Scenario {
	if !bidiFound {
		return scenario
	}
	why := "It has invisible characters that change the direction of the text (see the findings), so what readers see may not be what clearance read: it must be reviewed."
	if scenario != NewContent {
		why += fmt.Sprintf(" On its text alone it would be %s.", scenario)
	}
	ev.res.Reasons = append([]string{why}, ev.res.Reasons...)
	return NewContent
}

// checkComments warns of each HTML comment that holds words: it will not
// be seen once posted, yet it is read as part of the post.
func (ev *evaluation) checkComments() {
	if !ev.d.HasText() {
		return // nothing to post: the empty-body finding says so
	}
	for _, c := range ev.d.Comments {
		if len(text.Words(c.Text)) == 0 {
			continue
		}
		if c.Definition {
			ev.add(RuleHiddenText, Warning, c.Line, "this link definition ([…]: …), which no link uses, is not posted, but clearance reads it as part of the post, so a view or a fact in it still needs review. Remove it, and write notes for reviewers in the pull request instead")
			continue
		}
		if c.Title {
			ev.add(RuleHiddenText, Warning, c.Line, "the title %q is not posted (a web page shows it only when the pointer rests on the link), but clearance reads it as part of the post, so a view or a fact in it still needs review. Remove the title, or put its words in the text", clip(strings.TrimSpace(c.Text), 60))
			continue
		}
		ev.add(RuleHiddenText, Warning, c.Line, "this HTML comment (<!-- … -->) will not be visible when the post is published, but clearance reads it as part of the post, so a view or a fact in it still needs review. Write notes for reviewers in the pull request instead; text meant for readers goes outside the comment")
	}
}

// readThrough are the characters inside a word that readers read through:
// "sh\ould", "disgr|ace" read "should", "disgrace", and so do spaces too
// thin to see (hair, thin, six-per-em and narrow no-break spaces, the
// Braille blank). Hyphens, slashes and full stops are not among them:
// "world-class", "and/or" and "ended.Then" (a space left out) are words of
// their own.
const readThrough = "\\|*_^~`+·•\u200a\u2009\u2006\u202f\u2800\u00ad"

// asciiReadThrough is the length of readThrough's ASCII part.
const asciiReadThrough = 8

// spacedApart are the characters that may not stand between the letters
// of a word spelled out letter by letter: a list ("a, b and c") or a
// bracket is not a word.
const spacedApart = ",;()[]{}\"'“”‘’"

// spelledHits finds view and guidance language in words that are spelled
// out letter by letter ("d i s g r a c e", "D. I. S. G. R. A. C. E.", across
// sentences too) or split by characters readers read through ("sh\ould"),
// read as the words they display. A hit spans the words it is made of,
// and says how it was read.
func (ev *evaluation) spelledHits() []LexHit {
	d := ev.d
	if !ev.maySpell() {
		return nil
	}
	// Every token of the draft, in order, with its sentence.
	type tok struct {
		text.Token
		text string // its sentence's text, "" if its tokens are unknown
		word int    // index in d.Words
		sent int    // index in d.Sentences
	}
	var all []tok
	for si, s := range d.Sentences {
		toks := ev.tokens(s)
		if toks == nil {
			// Tokens out of step with the words: nothing is joined
			// across this sentence.
			all = append(all, tok{word: -1, sent: si})
			continue
		}
		for k, t := range toks {
			all = append(all, tok{t, s.Text, s.Start + k, si})
		}
	}
	// gap is what stands between tokens k and k+1 as a reader sees it.
	gap := func(k int) (string, bool) {
		a, b := all[k], all[k+1]
		if a.text == "" || b.text == "" {
			return "", false
		}
		if a.sent == b.sent {
			return a.text[a.End:b.Start], true
		}
		if a.text[a.End:] == "-" && b.Start == 0 && d.Words[a.word].Line < d.Words[b.word].Line {
			// A word hyphenated at the end of a line ("dis-⏎grace"):
			// read through the hyphen, as through a soft hyphen.
			return "\u00ad", true
		}
		// Across sentences: the end of one, a space, the start of the
		// next.
		return a.text[a.End:] + " " + b.text[:b.Start], true
	}
	var hits []LexHit
	for k := 0; k < len(all); {
		j := k
		var shown strings.Builder
		shown.WriteString(all[k].text[all[k].Start:all[k].End])
		for j+1 < len(all) {
			g, ok := gap(j)
			if !ok || !joinable(g, all[j].Word, all[j+1].Word) {
				break
			}
			j++
			if g == "\u00ad" {
				g = "-" // hyphenated at the end of a line
			}
			shown.WriteString(g)
			shown.WriteString(all[j].text[all[j].Start:all[j].End])
		}
		if j == k {
			k++
			continue
		}
		a, b := all[k].word, all[j].word+1
		if !ev.anyCovered(a, b) {
			var joined strings.Builder
			for _, t := range all[k : j+1] {
				joined.WriteString(t.Word)
			}
			words := ev.segmentLong(joined.String())
			for _, h := range ev.e.lexicon.Find(words, nil) {
				hits = append(hits, LexHit{Phrase: h.Phrase, Kind: h.Kind, Start: a, End: b,
					Shown: shown.String(), Read: strings.Join(words, " ")})
				break
			}
		}
		k = j + 1
	}
	return hits
}

// maySpell is a quick test for what spelledHits looks for: two single
// letters in a row, a character readers read through, or a hyphen at the
// end of a line.
func (ev *evaluation) maySpell() bool {
	d := ev.d
	single := func(w string) bool { return len(w) == 1 || len(w) <= 4 && utf8.RuneCountInString(w) == 1 }
	for i := 1; i < len(d.Words); i++ {
		if single(d.Words[i].Word) && single(d.Words[i-1].Word) {
			return true
		}
	}
	for _, s := range d.Sentences {
		if strings.HasSuffix(s.Text, "-") {
			return true // a word hyphenated at the end of a line
		}
		for i := 0; i < len(s.Text); i++ {
			if c := s.Text[i]; c < utf8.RuneSelf {
				if strings.IndexByte(readThrough[:asciiReadThrough], c) >= 0 {
					return true
				}
				continue
			}
			r, size := utf8.DecodeRuneInString(s.Text[i:])
			if strings.ContainsRune(readThrough, r) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// joinable reports whether two neighbouring words, with gap between them
// as written, are one word to a reader: single letters with at most two
// spaces or separators between them, or letters split by one character
// readers read through.
func joinable(gap, w1, w2 string) bool {
	if gap == "" || !letters(w1) || !letters(w2) {
		return false
	}
	if utf8.RuneCountInString(w1) == 1 && utf8.RuneCountInString(w2) == 1 {
		// Up to three spaces, or two other separators.
		n, spaces := 0, 0
		for _, r := range gap {
			n++
			if unicode.IsSpace(r) {
				spaces++
			}
			if n > 3 || unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(spacedApart, r) {
				return false
			}
		}
		return n <= 2 || spaces == n
	}
	r, size := utf8.DecodeRuneInString(gap)
	return size == len(gap) && strings.ContainsRune(readThrough, r)
}

func letters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

func (ev *evaluation) anyCovered(a, b int) bool {
	for i := a; i < b && i < len(ev.covered); i++ {
		if ev.covered[i] {
			return true
		}
	}
	return false
}
