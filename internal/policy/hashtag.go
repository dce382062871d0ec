package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
	"github.com/clearance-dev/clearance/internal/wordlist"
)

// Hashtags are read as words whatever their case: "#ShameOnThem",
// "#SHAMEONTHEM" and "#shameonthem" all read "shame on them", and a view
// or an idiom of view in them ("#wethinkitsadisgrace", "#AboutTime") needs
// review like the same words in a sentence. A hashtag is split at its
// capitals (camel case) and between letters and digits, and each part is
// segmented into known words: the lexicon's, the register's and a list of
// about 40,000 common English words (internal/wordlist). A topic tag
// ("#RoadSafety", "#Northbridge", "#WinterReady") reads as words that give
// no view, so it is not one.

// maxSegmentWord bounds the length of a word looked up while segmenting.
const maxSegmentWord = 24

// maxSegmentRunes bounds what is segmented: no post is longer (X allows
// 280 characters). A longer run of letters is not read as words but
// needs review as it stands (see longRuns).
const maxSegmentRunes = 300

// wordLevel says how common a word is for segmenting: 1 for the lexicon's
// words and the most common English words, 2 and 3 for less common ones,
// 3 for a word only the register has; 0 for an unknown word.
func (ev *evaluation) wordLevel(w string) int {
	if ev.e.lexicon.vocab[w] {
		return 1
	}
	if l := wordlist.Level(w); l > 0 {
		return l
	}
	if ev.e.Register.HasWord(w) {
		return 3
	}
	return 0
}

// segCost orders segmentations: fewest letters in no known word first,
// then fewest words, then the most common words, then the longest.
type segCost struct {
	unknown, words, level, negSquares int
}

func (c segCost) less(o segCost) bool {
	switch {
	case c.unknown != o.unknown:
		return c.unknown < o.unknown
	case c.words != o.words:
		return c.words < o.words
	case c.level != o.level:
		return c.level < o.level
	}
	return c.negSquares < o.negSquares
}

// segment splits a run of lower-case letters (and digits) into known
// words by dynamic programming (see segCost). Letters in no known word
// are kept together as one word. A string of digits, or one that is a
// known word, is itself.
func (ev *evaluation) segment(s string) []string {
	if s == "" {
		return nil
	}
	if ev.wordLevel(s) > 0 || isDigits(s) || utf8.RuneCountInString(s) > maxSegmentRunes {
		return []string{s}
	}
	// Positions are rune boundaries.
	var at []int
	for i := range s {
		at = append(at, i)
	}
	at = append(at, len(s))
	n := len(at) - 1
	best := make([]segCost, n+1)
	from := make([]int, n+1)   // where the last piece ending here starts
	known := make([]bool, n+1) // whether that piece is a known word
	for i := 1; i <= n; i++ {
		// An unknown letter.
		c := best[i-1]
		c.unknown++
		best[i], from[i], known[i] = c, i-1, false
		for j := max(0, i-maxSegmentWord); j < i; j++ {
			w := s[at[j]:at[i]]
			l := ev.wordLevel(w)
			if l == 0 && !isDigits(w) {
				continue
			}
			c := best[j]
			c.words++
			c.level += l
			c.negSquares -= (i - j) * (i - j)
			if c.less(best[i]) {
				best[i], from[i], known[i] = c, j, true
			}
		}
	}
	// Walk back; runs of unknown letters are joined into one word.
	var rev []string
	for i := n; i > 0; {
		j := from[i]
		if !known[i] {
			for j > 0 && !known[j] {
				j = from[j]
			}
		}
		rev = append(rev, s[at[j]:at[i]])
		i = j
	}
	out := make([]string, len(rev))
	for i, w := range rev {
		out[len(rev)-1-i] = w
	}
	return out
}

// segmentLong is segment for a string of any length: one longer than
// maxSegmentRunes is segmented in pieces of that many letters (a word may
// be cut where two pieces meet).
func (ev *evaluation) segmentLong(s string) []string {
	var out []string
	for utf8.RuneCountInString(s) > maxSegmentRunes {
		cut := 0
		for n := 0; n < maxSegmentRunes; n++ {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		out = append(out, ev.segment(s[:cut])...)
		s = s[cut:]
	}
	return append(out, ev.segment(s)...)
}

// hashtagWords reads a hashtag's text (without the #) as words: split at
// capitals and between letters and digits, each part folded and
// segmented.
func (ev *evaluation) hashtagWords(tag string) []string {
	var out []string
	for _, part := range splitCamel(tag) {
		for _, w := range text.Words(part) {
			for _, run := range splitDigits(w) {
				out = append(out, ev.segment(run)...)
			}
		}
	}
	return out
}

// hashtagHits finds view and guidance language in hashtags, read as words
// (see hashtagWords): "#ShameOnThem", "#SHAMEONTHEM", "#wethinkitsadisgrace".
func (ev *evaluation) hashtagHits() []LexHit {
	d := ev.d
	var hits []LexHit
	for _, s := range d.Sentences {
		toks := ev.tokens(s)
		for k, t := range toks {
			i := s.Start + k
			if !hashBefore(s.Text, t.Start) || ev.covered[i] {
				continue
			}
			written := s.Text[t.Start:t.End]
			words := ev.hashtagWords(written)
			if len(words) < 2 {
				continue
			}
			shown, read := s.Text[t.Start-len(hashSign(s.Text, t.Start)):t.End], strings.Join(words, " ")
			found := false
			for _, h := range ev.e.lexicon.Find(words, nil) {
				hits = append(hits, LexHit{Phrase: h.Phrase, Kind: h.Kind, Start: i, End: i + 1, Shown: shown, Read: read})
				found = true
				break
			}
			// A hashtag that opens with an instruction tells the reader
			// what to do, as a sentence would: "#StaySafe", "#KeepWarm"
			// (not an invitation: "#TakePart", "#StayTuned").
			if !found && hashtagInstructions[words[0]] && !neutralStart(words) {
				hits = append(hits, LexHit{Phrase: words[0], Kind: "guidance", Start: i, End: i + 1, Shown: shown, Read: read})
			}
		}
	}
	return hits
}

// hashtagInstructions are the instruction verbs that open an instruction
// in a hashtag ("#StaySafe", "#WashYourHands"). Verbs that also open the
// name of a thing or an event are left out: "#CleanAirDay", "#OpenDay",
// "#TestAndTrace", "#RunForLife" name a day, a scheme or a race.
var hashtagInstructions = map[string]bool{
	"stay": true, "keep": true, "avoid": true, "wash": true, "check": true, "protect": true, "call": true,
	"ring": true, "phone": true, "dial": true, "wear": true, "drive": true, "seek": true, "shelter": true,
	"evacuate": true, "isolate": true, "boil": true, "drink": true, "eat": true, "be": true, "stop": true,
	"ensure": true, "remember": true, "limit": true, "reduce": true, "vote": true, "donate": true,
}

// neutralStart reports whether words open with an invitation or a pointer
// (neutralStarts), not an instruction.
func neutralStart(words []string) bool {
	for _, ns := range neutralStarts {
		if len(words) >= len(ns) && slices.Equal(words[:len(ns)], ns) {
			return true
		}
	}
	return false
}

// splitCamel splits "ShameOnThem" or "shameOnThem" into its parts at
// capitals that follow a letter in lower case: "Shame", "On", "Them".
// "ItsADisgrace" splits "Its", "ADisgrace": the parts are segmented
// after.
func splitCamel(w string) []string {
	var out []string
	start := 0
	rs := []rune(w)
	for i := 1; i < len(rs); i++ {
		if unicode.IsUpper(rs[i]) && !unicode.IsUpper(rs[i-1]) {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

// splitDigits splits a word between letters and digits: "winter2026"
// is "winter", "2026".
func splitDigits(w string) []string {
	var out []string
	start := 0
	prev := -1 // 1 digit, 0 letter
	for i, r := range w {
		k := 0
		if unicode.IsDigit(r) {
			k = 1
		}
		if prev >= 0 && k != prev {
			out = append(out, w[start:i])
			start = i
		}
		prev = k
	}
	if start < len(w) {
		out = append(out, w[start:])
	}
	return out
}

// hashBefore reports whether a hash sign (# or the full-width ＃, which
// X and others take for one) stands just before offset i of s.
func hashBefore(s string, i int) bool { return hashSign(s, i) != "" }

// hashSign returns the hash sign just before offset i of s, or "".
func hashSign(s string, i int) string {
	switch {
	case i > 0 && s[i-1] == '#':
		return "#"
	case strings.HasSuffix(s[:i], "＃"):
		return "＃"
	}
	return ""
}

// runTogetherHits finds view and guidance language in words run together
// outside hashtags ("wethinkitsadisgrace", "SHAMEONTHEM", "ShameOnThem"),
// read as hashtags are. Only a word that no list knows and that splits
// wholly into known words counts, and a word written with one capital
// first ("Greatorex") is taken for a name.
func (ev *evaluation) runTogetherHits() []LexHit {
	d := ev.d
	var hits []LexHit
	for _, s := range d.Sentences {
		toks := ev.tokens(s)
		for k, t := range toks {
			i := s.Start + k
			// A word in a run shared with a register document is a
			// register word (matched).
			if len(t.Word) < 6 || ev.matched[i] || ev.tags[i] || hashBefore(s.Text, t.Start) || !letters(t.Word) ||
				ev.wordLevel(t.Word) > 0 {
				continue
			}
			written := s.Text[t.Start:t.End]
			if titleCase(written) && len(splitCamel(written)) == 1 {
				continue // a name
			}
			words := ev.hashtagWords(written)
			if len(words) < 2 {
				continue
			}
			known := true
			for _, w := range words {
				known = known && (ev.wordLevel(w) > 0 || isDigits(w))
			}
			if !known {
				continue
			}
			for _, h := range ev.e.lexicon.Find(words, nil) {
				hits = append(hits, LexHit{Phrase: h.Phrase, Kind: h.Kind, Start: i, End: i + 1,
					Shown: written, Read: strings.Join(words, " ")})
				break
			}
		}
	}
	return hits
}

// hashtagFacts finds figures stated in hashtags ("#Closes31Jan",
// "#Only5DaysLeft") that none of the documents the draft draws on has: the
// register documents it shares text with, links to or names in sources.
// A year ("#FloodDefences2026") labels a topic and states no figure.
func (ev *evaluation) hashtagFacts() []string {
	d := ev.d
	var out []string
	var docs []*register.Document
	docsRead := false
	for _, s := range d.Sentences {
		toks := ev.tokens(s)
		for k, t := range toks {
			i := s.Start + k
			if ev.covered[i] || !hashBefore(s.Text, t.Start) || !strings.ContainsAny(t.Word, "0123456789") {
				continue
			}
			if !docsRead {
				docs, docsRead = ev.drawnOn(), true
			}
			written := s.Text[t.Start:t.End]
			words := ev.hashtagWords(written)
			for _, w := range words {
				if !isDigits(w) || isYear(w) {
					continue
				}
				found := false
				for _, doc := range docs {
					found = found || ev.e.Register.DocHas(doc, w)
				}
				if !found {
					out = append(out, fmt.Sprintf("%q (read as %q) (line %d)", s.Text[t.Start-len(hashSign(s.Text, t.Start)):t.End], strings.Join(words, " "), d.Words[i].Line))
					break
				}
			}
		}
	}
	return out
}

// isYear reports a year from 1900 to 2099 written in four digits.
func isYear(w string) bool {
	return len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20"))
}

// drawnOn returns the public register documents the draft shares text
// with, links to or names in sources.
func (ev *evaluation) drawnOn() []*register.Document {
	var docs []*register.Document
	seen := map[*register.Document]bool{}
	add := func(doc *register.Document) {
		if doc != nil && !seen[doc] && doc.PublicAt(ev.e.Now) {
			seen[doc] = true
			docs = append(docs, doc)
		}
	}
	for _, r := range ev.runs {
		add(r.Doc)
	}
	for _, l := range ev.d.Links {
		add(ev.e.Register.Resolve(l.URL))
	}
	for _, src := range ev.d.Sources {
		add(ev.e.Register.Resolve(src))
	}
	return docs
}

// longRuns finds runs of more than maxSegmentRunes letters with no space
// outside published text: no post has such a word, and it is too long to
// be read as words, so it needs review as it stands.
func (ev *evaluation) longRuns() []string {
	var out []string
	for i, w := range ev.d.Words {
		if len(w.Word) > maxSegmentRunes && !ev.covered[i] && utf8.RuneCountInString(w.Word) > maxSegmentRunes {
			out = append(out, fmt.Sprintf("%q (line %d, %d letters)", clip(w.Word, 40), w.Line, utf8.RuneCountInString(w.Word)))
		}
	}
	return out
}
