package register

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence and clause boundaries of register documents.
//
// A draft's sentence counts as published only when it is found whole in
// one document, starting where a sentence of that document starts and
// ending where one of its sentences or clauses ends. A run of words cut out of the middle of a sentence ("the
// reservoir will close" out of "the visitor centre at the reservoir will
// close at weekends"), or a sentence with a word left out ("customers need
// to boil their water" out of "customers no longer need to boil their
// water"), says something the document does not. A closing clause may be
// left out ("the new bridge opens on 3 March" out of "the new bridge opens
// on 3 March, the council said") unless it qualifies the rest (see
// qualifiers); an opening one may not, as it often sets the scope ("in
// Tewkesbury, customers must boil their water").

// Boundary bits, two per word of a document: what ends after the word.
const (
	endsSentence = 1
	endsClause   = 2
)

// wordBounds holds two bits per word.
type wordBounds []uint64

func newWordBounds(n int) wordBounds { return make(wordBounds, (2*n+63)/64) }

func (b wordBounds) set(i int, bits uint64) { b[2*i/64] |= bits << (2 * i % 64) }

func (b wordBounds) get(i int) uint64 {
	if i < 0 || 2*i/64 >= len(b) {
		return endsSentence // outside the document: a boundary
	}
	return b[2*i/64] >> (2 * i % 64) & 3
}

// computeBounds finds, for each word of text (spans are their offsets, as
// the word scanner records them), whether a sentence or a clause ends
// after it. A sentence ends at . ! ? followed by a space or the end, at a
// blank line, and at a line that starts a Markdown block (a heading, a
// list item, a quotation, a table row); a clause at , ; : ( ) and dashes
// followed by a space. Punctuation inside a token ("1,200", "e.g.") ends
// nothing.
func computeBounds(text []byte, spans [][2]int) wordBounds {
	b := newWordBounds(len(spans))
	for i := range spans {
		end := len(text)
		if i+1 < len(spans) {
			end = spans[i+1][0]
		}
		gap := text[spans[i][1]:end]
		if len(gap) == 1 && gap[0] == ' ' {
			continue // the usual case: nothing ends
		}
		b.set(i, gapBounds(gap, i+1 == len(spans), len(gap) > 0 && gap[0] == '.' && Abbreviation(string(text[spans[i][0]:spans[i][1]]))))
	}
	markDatelines(text, spans, b)
	return b
}

// maxDateline is the most words a dateline has ("WASHINGTON, D.C., Dec. 3,
// 2026").
const maxDateline = 8

// markDatelines ends a sentence after a dateline: the place and date
// that open a release's paragraph before a dash ("LONDON, 5 September 2026
// – The Department…", "HONOLULU –"). A draft that lifts the sentence after
// it, as comms staff do, then starts where a sentence starts. It is a
// dateline only when it is short, opens its paragraph, ends at a spaced
// dash, and names a place in capitals or a date (a digit or a month): not
// "Councillor Priya Shah – who leads…", whose words a draft may not drop.
func markDatelines(text []byte, spans [][2]int, b wordBounds) {
	for start := 0; start < len(spans); start++ {
		if start > 0 && b.get(start-1)&endsSentence == 0 {
			continue // not the start of a sentence
		}
		if start > 0 && !bytes.Contains(text[spans[start-1][1]:spans[start][0]], []byte("\n")) {
			continue // a dateline opens its paragraph (or the document)
		}
		placeOrDate := false
		for k := start; k < len(spans) && k < start+maxDateline; k++ {
			w := text[spans[k][0]:spans[k][1]]
			r, _ := utf8.DecodeRune(w)
			switch {
			case r >= '0' && r <= '9', isMonth(w):
				placeOrDate = true
			case len(w) > 1 && allCapitals(w):
				placeOrDate = true // LONDON
			case r < 'A' || r > 'Z':
				k = len(spans) // a lower-case word: prose, not a dateline
				continue
			}
			if b.get(k)&endsSentence != 0 {
				break
			}
			end := len(text)
			if k+1 < len(spans) {
				end = spans[k+1][0]
			}
			if gap := text[spans[k][1]:end]; placeOrDate && (bytes.Contains(gap, []byte(" – ")) || bytes.Contains(gap, []byte(" — ")) ||
				bytes.Contains(gap, []byte(" - ")) || bytes.Contains(gap, []byte(" —")) && k == start) {
				b.set(k, endsSentence)
				break
			}
		}
	}
}

var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true,
}

// isMonth reports whether w names a month ("December", "Dec"), without
// a copy for words that cannot be one.
func isMonth(w []byte) bool {
	if len(w) < 3 || len(w) > 9 {
		return false
	}
	var buf [9]byte
	for i, c := range w {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return months[string(buf[:len(w)])] // (no allocation: a map index by a converted slice)
}

// allCapitals reports whether w has letters and all of them are capitals.
func allCapitals(w []byte) bool {
	letters := false
	for _, r := range string(w) { // (no copy)
		switch {
		case unicode.IsLower(r):
			return false
		case unicode.IsUpper(r):
			letters = true
		}
	}
	return letters
}

// abbreviations end with a full stop that ends no sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "no": true, "vs": true, "etc": true,
	"cllr": true, "prof": true, "rev": true, "hon": true, "dept": true, "approx": true, "inc": true,
	"ltd": true, "co": true, "jr": true, "sr": true, "fig": true, "vol": true, "rt": true, "govt": true,
	// Months, as datelines write them ("Dec. 3, 2026").
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true,
}

// Abbreviation reports whether a word followed by a full stop is an
// abbreviation (one letter, as in "e.g." or "p.m.", or a common short form
// such as "Dr."), whose full stop ends no sentence. Drafts are split into
// sentences by the same rule, so that a sentence lifted whole matches.
func Abbreviation(w string) bool {
	if len(w) > 6 {
		return false
	}
	return utf8.RuneCountInString(w) == 1 || abbreviations[strings.ToLower(w)]
}

// gapBounds classifies the text between two words; abbrev says the word
// before it is an abbreviation, whose full stop ends no sentence.
func gapBounds(gap []byte, last, abbrev bool) uint64 {
	if last {
		return endsSentence
	}
	if nl := bytes.IndexByte(gap, '\n'); nl >= 0 {
		// The lines after the first (without a copy): a blank line (two
		// line breaks) or a line that starts a block ends the sentence.
		several := bytes.Count(gap, []byte("\n")) > 1
		for rest := gap[nl+1:]; ; {
			l := rest
			next := bytes.IndexByte(rest, '\n')
			if next >= 0 {
				l = rest[:next]
			}
			t := bytes.TrimLeft(l, " \t")
			if len(t) == 0 && several || startsBlock(t) {
				return endsSentence
			}
			if next < 0 {
				break
			}
			rest = rest[next+1:]
		}
	}
	var bits uint64
	for i, r := range string(gap) { // (no copy: the compiler ranges over gap)
		after := gap[i+utf8.RuneLen(r):]
		next, _ := utf8.DecodeRune(after)
		// Followed by a space (or a closing mark), not straight by the
		// next word ("1,200", "e.g").
		spaced := len(after) > 0 && strings.ContainsRune(" \t\r\n\"'’”)*_]\u00a0»", next)
		switch r {
		case '.', '!', '?', '…':
			if spaced && !(r == '.' && abbrev && i == 0) {
				return endsSentence
			}
		case ',', ';', ':', '(', ')', '—', '–':
			if spaced || r == '(' || r == '—' || r == '–' {
				bits |= endsClause
			}
		case '-':
			if len(after) > 0 && after[0] == ' ' && i > 0 && gap[i-1] == ' ' {
				bits |= endsClause
			}
		}
	}
	return bits
}

// startsBlock reports whether a line (without its indent) starts a
// Markdown block that is not a continuation of a paragraph.
func startsBlock(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	switch t[0] {
	case '#', '>', '|', '-', '*', '+':
		return true
	}
	for i := 0; i < len(t) && i < 10; i++ {
		if t[i] >= '0' && t[i] <= '9' {
			continue
		}
		return i > 0 && (t[i] == '.' || t[i] == ')')
	}
	return false
}

// qualifiers are words that, in a clause a draft leaves out, may change
// the meaning of what it keeps: a condition, an exception, a negation.
var qualifiers = []string{
	"not", "no", "never", "nor", "unless", "if", "except", "excluding", "only", "until", "but",
	"provided", "providing", "without", "however", "although", "though", "subject", "apart",
	"whereas", "while", "whilst", "cannot", "cant", "wont", "dont", "doesnt", "isnt", "arent",
	"wasnt", "werent", "hasnt", "havent", "hadnt", "wouldnt", "shouldnt", "couldnt", "mustnt",
	"didnt", "when", "where", "after", "before", "instead", "rather", "unlike", "against",
}

// timeOpening reports whether an opening clause of at most three time
// words ("Today,", "On Monday,") stands before p0 in its sentence.
func (d *Document) timeOpening(p0 int, k *wordKinds) bool {
	if d.bounds.get(p0-1)&endsClause == 0 {
		return false
	}
	for q := p0 - 1; ; q-- {
		if p0-q > 3 || k.of(d.words[q])&kindTime == 0 {
			return false
		}
		if d.sentenceStart(q) {
			return true
		}
	}
}

// sentenceStart reports whether a sentence of the document starts at p.
func (d *Document) sentenceStart(p int) bool { return p == 0 || d.bounds.get(p-1)&endsSentence != 0 }

// Word kinds for alignedSpan, by word id.
const (
	kindQualifier = 1 << iota // see qualifiers
	kindTime                  // see leadingTimeWords
	// (more kinds in reporting.go)
)

// leadingTimeWords may make up a short opening clause that a draft leaves
// out: "Today, the council opened…" posted as "The council opened…".
var leadingTimeWords = []string{
	"today", "yesterday", "tonight", "this", "morning", "afternoon", "evening", "week", "weekend",
	"on", "last", "earlier", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}

// alignedSpan reports whether the document's words [p0, p1) start where a
// sentence does (or after an opening clause of at most three time words:
// "Today,", or an opening reporting clause in the release's own voice: see
// reporting.go) and end where a sentence or a clause does, with nothing
// that qualifies them left out of their sentence. k tells the kinds of
// word ids.
func (d *Document) alignedSpan(p0, p1 int, k *wordKinds) bool {
	if d.bounds == nil {
		return true // no boundaries known: the run alone decides
	}
	if p0 < 0 || p1 > len(d.words) || p0 >= p1 {
		return false
	}
	// A sentence may not be entered in the middle: what comes before is
	// often its scope ("In Tewkesbury, customers must boil water").
	if !d.sentenceStart(p0) && !d.timeOpening(p0, k) && !d.reportingOpening(p0, k) {
		return false
	}
	end := d.bounds.get(p1 - 1)
	if end&endsSentence == 0 {
		if end&endsClause == 0 {
			return false
		}
		for q := p1; q < len(d.words); q++ {
			if k.of(d.words[q])&kindQualifier != 0 {
				return false
			}
			if d.bounds.get(q)&endsSentence != 0 {
				break
			}
		}
		if d.reportingClosing(p1, k) {
			return false // "…, the ONS said": someone else's claim
		}
	}
	return true
}
