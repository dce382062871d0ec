package register

import (
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/text"
)

// draftFigures reads a text's figures as a draft's are read.
func draftFigures(s string) []Figure {
	toks := text.Tokenize(s)
	spans := make([][2]int, len(toks))
	for i, t := range toks {
		spans[i] = [2]int{t.Start, t.End}
	}
	return scanFigures(&figureText{text: s, spans: spans, word: func(i int) string { return toks[i].Word }, all: true})
}

func TestScanFigures(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string // key and text of each Figure
	}{
		{"£45 million to expand", []string{"1|45e6|GBP| £45 million"}},
		{"£45m to expand", []string{"1|45e6|GBP| £45m"}},
		{"a £45million fund", []string{"1|45e6|GBP| £45million"}},
		{"45 million pounds", []string{"1|45e6|GBP| 45 million pounds"}},
		{"GBP 45m", []string{"1|45e6|GBP| GBP 45m"}},
		{"$1.2bn over five years", []string{"1|12e8|$| $1.2bn", "6|5e0|| five years"}},
		{"US$1.2 billion", []string{"1|12e8|USD| US$1.2 billion"}},
		{"45p a litre", []string{"1|45e-2|GBP| 45p"}},
		{"£2.50", []string{"1|25e-1|GBP| £2.50"}},
		{"up 9% on last year", []string{"2|9e0|| 9%"}},
		{"up 9 per cent", []string{"2|9e0|| 9 per cent"}},
		{"nine percent", []string{"2|9e0|| nine percent"}},
		{"1,200 homes", []string{"6|12e2|| 1,200 homes"}},
		{"1200 homes", []string{"6|12e2|| 1200 homes"}},
		{"on 5 September 2026", []string{"3|5/9/2026| 5 September 2026"}},
		{"by 5th of Sept", []string{"3|5/9/0| 5th of Sept"}},
		{"September 5, 2026", []string{"3|5/9/2026| September 5, 2026"}},
		{"05/09/2026", []string{"3|5/9/2026| 05/09/2026"}},
		{"from September 2026", []string{"3|0/9/2026| September 2026"}},
		{"in 2027", []string{"4|2027e0|| 2027"}},
		{"at 9am", []string{"5|9:0| 9am"}},
		{"at 9 am", []string{"5|9:0| 9 am"}},
		{"at 09:00", []string{"5|9:0| 09:00"}},
		{"at 9.30pm", []string{"5|21:30| 9.30pm"}},
		{"at 9:30 p.m.", []string{"5|21:30| 9:30 p.m"}},
		{"by noon", []string{"5|12:0| noon"}},
		{"closes Friday", []string{"7|friday| Friday"}},
		{"the A34 road", []string{"8|a34| A34"}},
		{"£2½ million", []string{"1|2e6|GBP|½ £2½ million"}},
		{"£2⁵", []string{"1|2e0|GBP|⁵ £2⁵"}},
		{"in 2027²", []string{"4|2027e0||² 2027²"}},
		{"£4\u03365 million", []string{"1|45e6|GBP|\u0336 £4\u03365 million"}},
		{"about ½ of homes", []string{"0|||½ ½"}},
		{"1️⃣ Apply now", []string{"0|1e0|| 1️"}},
		{"It may rain", nil},
		{"From 5 May", []string{"3|5/5/0| 5 May"}},
	} {
		var got []string
		for _, f := range draftFigures(c.text) {
			got = append(got, f.key()+" "+f.text)
		}
		if strings.Join(got, "; ") != strings.Join(c.want, "; ") {
			t.Errorf("%q: got\n  %q\nwant\n  %q", c.text, got, c.want)
		}
	}
}

// FuzzScanFigures: any text reads without a panic, as a draft's and as a
// document's, and every figure's words are within the text's.
func FuzzScanFigures(f *testing.F) {
	for _, s := range []string{"£45m on 5 September 2026 at 9.30 p.m.", "US$1.2bn 1,200 homes 9% 05/09/26", "½ 2⁵ 4\u03365 1️⃣ 0345 000 0000", "a million pounds", "September", "£", "5/", "9:", "12.", "May 5th of"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		figs := draftFigures(s)
		n := len(text.Tokenize(s))
		for _, fg := range figs {
			if fg.first < 0 || fg.last > n || fg.first > fg.last {
				t.Fatalf("%q: figure %q at [%d, %d) of %d words", s, fg.text, fg.first, fg.last, n)
			}
		}
		toks := text.Tokenize(s)
		spans := make([][2]int, len(toks))
		for i, tk := range toks {
			spans[i] = [2]int{tk.Start, tk.End}
		}
		docFigures(s, spans, s, time.Time{})
	})
}

// TestCountsSameSpelling: what a count counts is the same in British and
// American spelling, and different when the word differs.
func TestCountsSameSpelling(t *testing.T) {
	for _, c := range []struct {
		draft, doc []string
		same       bool
	}{
		{[]string{"organisations"}, []string{"organizations"}, true},
		{[]string{"community", "centres"}, []string{"community", "centers"}, true},
		{[]string{"harbours"}, []string{"harbors"}, true},
		{[]string{"schools"}, []string{"homes"}, false},
	} {
		if got := countsSame(c.draft, c.doc); got != c.same {
			t.Errorf("%v counts the same as %v: %v; want %v", c.draft, c.doc, got, c.same)
		}
	}
}
