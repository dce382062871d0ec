package register

import (
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
