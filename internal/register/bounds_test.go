package register

import (
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/text"
)

// TestComputeBounds: where sentences and clauses of a register document
// end.
func TestComputeBounds(t *testing.T) {
	src := "# Title line\n\nFirst one, with a clause. “A quote.” Then 1,200 homes (e.g. these) — and more: done!\n- item one\n- item two"
	toks := text.Tokenize(src)
	spans := make([][2]int, len(toks))
	for i, tk := range toks {
		spans[i] = [2]int{tk.Start, tk.End}
	}
	b := computeBounds([]byte(src), spans)
	want := map[string]uint64{
		"line": endsSentence, "one": endsClause, "clause": endsSentence, "quote": endsSentence,
		"1": 0, "200": 0, "homes": endsClause, "e": 0, "g": 0, "these": endsClause, "more": endsClause,
		"done": endsSentence, "two": endsSentence,
	}
	seenOne := false
	for i, tk := range toks {
		w, ok := want[tk.Word]
		if tk.Word == "one" {
			if seenOne { // "item one": a list item ends
				w = endsSentence
			}
			seenOne = true
		}
		if ok && b.get(i)&3 != w {
			t.Errorf("after %q (word %d): bits %d, want %d", tk.Word, i, b.get(i)&3, w)
		}
	}
}

// TestDatelines: the place and date that open a release's paragraph
// before a dash end a sentence, so that the sentence after them starts one;
// a name before a dash does not.
func TestDatelines(t *testing.T) {
	for _, tc := range []struct {
		src, after string // the word after which a sentence must (or must not) end
		ends       bool
	}{
		{"HONOLULU – The Department of Land today opened the new harbour.", "HONOLULU", true},
		{"# Title\n\nLONDON, 5 September 2026 – The Department for Schools announced £45 million.", "2026", true},
		{"WASHINGTON, D.C., Dec. 3, 2026 — FEMA approved the request.", "2026", true},
		{"Cardiff, 5 September 2026 - The Welsh Government said.", "2026", true},
		{"Councillor Priya Shah – who leads the council – said the works were done.", "Shah", false},
		{"The works were done. LONDON – not a dateline mid-paragraph.", "LONDON", false},
		{"The scheme – worth £5 million – opens in May.", "scheme", false},
	} {
		toks := text.Tokenize(tc.src)
		spans := make([][2]int, len(toks))
		for i, tk := range toks {
			spans[i] = [2]int{tk.Start, tk.End}
		}
		b := computeBounds([]byte(tc.src), spans)
		found := false
		for i := range toks {
			if tc.src[spans[i][0]:spans[i][1]] == tc.after {
				found = true
				if got := b.get(i)&endsSentence != 0; got != tc.ends {
					t.Errorf("%q: a sentence ends after %q: %v; want %v", tc.src, tc.after, got, tc.ends)
				}
			}
		}
		if !found {
			t.Errorf("%q: no word %q", tc.src, tc.after)
		}
	}
}

// TestQuoteEdges: where quotations open and close, curly or straight,
// closing after punctuation ("learn,”"); an apostrophe is no quotation mark.
func TestQuoteEdges(t *testing.T) {
	src := `“Our pupils will learn,” said Sam. She called it "a historic day". It's the council's.`
	toks := text.Tokenize(src)
	spans := make([][2]int, len(toks))
	for i, tk := range toks {
		spans[i] = [2]int{tk.Start, tk.End}
	}
	q := computeQuoteEdges([]byte(src), spans)
	word := func(is []int32) []string {
		var out []string
		for _, i := range is {
			out = append(out, toks[i].Word)
		}
		return out
	}
	if got := strings.Join(word(q.opens), " "); got != "our a" {
		t.Errorf("quotations open before %q; want \"our a\"", got)
	}
	if got := strings.Join(word(q.closes), " "); got != "learn day" {
		t.Errorf("quotations close after %q; want \"learn day\"", got)
	}
	plain := "No quotation here, it's plain."
	var ps [][2]int
	for _, tk := range text.Tokenize(plain) {
		ps = append(ps, [2]int{tk.Start, tk.End})
	}
	if computeQuoteEdges([]byte(plain), ps) != nil {
		t.Error("edges found where there is no quotation")
	}
}
