package register

import (
	"slices"
	"unicode/utf8"
)

// Where a document's quotations open and close. A draft may quote a
// release, but only whole: a quotation cut short ("“We are keen to hear
// from anyone,”" out of "“We are keen to hear from anyone, and we urge
// drivers to check their dashcams,”") puts words in the speaker's mouth
// that, as they stand, they did not say. The sentence bounds cannot tell a
// comma that closes a quotation ("…ready to learn,” said…") from one
// inside it, so the marks are recorded: few per document.

// quoteEdges are the words a quotation opens before and closes after.
type quoteEdges struct {
	opens, closes []int32 // word indexes, ascending
}

// computeQuoteEdges finds them: a word straight after an opening mark (“,
// «, or " after a space or at the start) opens one; a word straight
// before a closing mark (”, », or " before a space, punctuation or the
// end) closes one. Single quotation marks are left out: ’ is an
// apostrophe too.
func computeQuoteEdges(text []byte, spans [][2]int) *quoteEdges {
	var q quoteEdges
	// Only the gaps that hold a quotation mark: one pass over the text
	// finds them, and each is placed between its words.
	w := 0 // the first word after the mark
	for off := 0; off < len(text); {
		k := indexQuote(text[off:])
		if k < 0 {
			break
		}
		at := off + k
		for w < len(spans) && spans[w][0] <= at {
			w++
		}
		if w > 0 && spans[w-1][1] > at {
			off = at + 1 // inside a word ("it's" has no mark of ours)
			continue
		}
		// The gap between word w-1 and word w holds the mark.
		if w < len(spans) && opensQuote(text[spanEnd(spans, w-1):spans[w][0]]) && (len(q.opens) == 0 || q.opens[len(q.opens)-1] != int32(w)) {
			q.opens = append(q.opens, int32(w))
		}
		if w > 0 && closesQuote(text[spans[w-1][1]:gapEnd(spans, w, len(text))]) && (len(q.closes) == 0 || q.closes[len(q.closes)-1] != int32(w-1)) {
			q.closes = append(q.closes, int32(w-1))
		}
		off = at + 1
	}
	if q.opens == nil && q.closes == nil {
		return nil
	}
	return &q
}

// indexQuote is the offset of the first quotation mark of ours in b, or -1.
func indexQuote(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i
		case 0xE2: // “ ” (E2 80 9C/9D)
			if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0x9C || b[i+2] == 0x9D) {
				return i
			}
		case 0xC2: // « » (C2 AB/BB)
			if i+1 < len(b) && (b[i+1] == 0xAB || b[i+1] == 0xBB) {
				return i
			}
		}
	}
	return -1
}

func spanEnd(spans [][2]int, i int) int {
	if i < 0 {
		return 0
	}
	return spans[i][1]
}

func gapEnd(spans [][2]int, i, n int) int {
	if i < len(spans) {
		return spans[i][0]
	}
	return n
}

// opensQuote reports whether the gap before a word ends with an opening
// mark.
func opensQuote(gap []byte) bool {
	r, n := utf8.DecodeLastRune(gap)
	switch r {
	case '“', '«':
		return true
	case '"':
		prev, _ := utf8.DecodeLastRune(gap[:len(gap)-n])
		return len(gap) == n || prev == ' ' || prev == '\n' || prev == '(' || prev == '\t'
	}
	return false
}

// closesQuote reports whether the gap after a word holds a closing mark
// before any space (after punctuation: "learn,”").
func closesQuote(gap []byte) bool {
	for len(gap) > 0 {
		r, n := utf8.DecodeRune(gap)
		switch r {
		case '”', '»':
			return true
		case '"':
			return len(gap) == n || !isWordStart(gap[n:])
		case '.', ',', ';', ':', '!', '?', '…', ')':
			gap = gap[n:]
			continue
		}
		return false
	}
	return false
}

func isWordStart(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r != ' ' && r != '\n' && r != '\t' && r != utf8.RuneError && r != '.' && r != ',' && r != ';' && r != ':'
}

// QuoteWhole reports whether the document's words [p0, p1), which a draft
// quotes, are a whole quotation of the document or whole sentences or
// clauses of one: they start where a quotation, sentence or clause starts,
// and end where a quotation or sentence ends. True when the document's
// marks are unknown.
func (d *Document) QuoteWhole(p0, p1 int) bool {
	if d.bounds == nil || p1 <= p0 {
		return true
	}
	q := d.quotes
	starts := p0 == 0 || d.bounds.get(p0-1) != 0 || q != nil && has(q.opens, p0)
	ends := p1 >= len(d.words) || d.bounds.get(p1-1)&endsSentence != 0 || q != nil && has(q.closes, p1-1)
	return starts && ends
}

func has(xs []int32, x int) bool {
	_, ok := slices.BinarySearch(xs, int32(x))
	return ok
}
