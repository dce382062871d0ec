package policy

import (
	"fmt"
	"strings"

	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// Checking a draft's figures against the documents it comes from (see
// figures.go for how figures are read).

// figures reads the draft's figures, their token indexes made word
// indexes of the draft, once per evaluation.
func (ev *evaluation) figures() []register.Figure {
	if ev.figsRead {
		return ev.figs
	}
	ev.figsRead = true
	for _, s := range joinedSentences(ev.d.Sentences) {
		toks := ev.tokens(s)
		if toks == nil {
			continue
		}
		for _, f := range register.ReadFigures(s.Text, toks) {
			f.Shift(s.Start)
			ev.figs = append(ev.figs, f)
		}
	}
	return ev.figs
}

// figureLine is the line a figure is on.
func (ev *evaluation) figureLine(f *register.Figure) int {
	if first, _ := f.Span(); first < len(ev.d.Words) {
		return ev.d.Words[first].Line
	}
	if n := len(ev.d.Words); n > 0 {
		return ev.d.Words[n-1].Line
	}
	return ev.d.BodyLine
}

// tagged reports whether a figure is (in) a hashtag, a mention or a thread
// counter: "#Budget2026" states no figure.
func (ev *evaluation) tagged(f *register.Figure) bool {
	first, last := f.Span()
	for k := first; k < last && k < len(ev.tags); k++ {
		if ev.tags[k] {
			return true
		}
	}
	return false
}

// publishedFigures checks the figures in the draft's words shared with a
// public document (its published sentences, and text close to them): the
// words match, but the characters between them may not ("$45 million"
// for "£45 million", "£2½ million" for "£2 million", "4̶5" for "45"). It
// returns a reason for each figure its document does not have.
func (ev *evaluation) publishedFigures() []figNote {
	var out []figNote
	figs := ev.figures()
	for k := range figs {
		f := &figs[k]
		first, _ := f.Span()
		if first >= len(ev.covered) || !ev.covered[first] && !ev.matched[first] || ev.tagged(f) || !f.Written() {
			continue
		}
		var doc *register.Document
		found := false
		var said *register.Figure
		for _, r := range ev.runs {
			if r.Start > first || r.End <= first || !r.Doc.PublicAt(ev.e.Now) {
				continue
			}
			if r.Doc.HasFigure(f) {
				found = true
				break
			}
			if doc == nil {
				doc = r.Doc
				p := r.DocPos + first - r.Start
				said = r.Doc.FigureIn(p, p+1)
			}
		}
		if found || doc == nil {
			continue
		}
		msg := fmt.Sprintf("%s (line %d) is not in %s as written", f.Describe(), ev.figureLine(f), doc.Name())
		if said != nil {
			msg += fmt.Sprintf(": it says %s", said.Describe())
		}
		out = append(out, figNote{msg, ev.figureLine(f)})
	}
	return out
}

// figNote is a figure problem and its line.
type figNote struct {
	text string
	line int
}

// ownFigures checks the figures a pointer states in its own words (outside
// published sentences) against the register documents it links to: "£5
// million" is not in a release whose only 5 is in "5 September". With no
// register document linked, nothing can check them, and each is returned.
func (ev *evaluation) ownFigures() (missing []string, unchecked []string) {
	var docs []*register.Document
	for _, l := range ev.d.Links {
		if doc := ev.e.Register.Resolve(l.URL); doc != nil && doc.PublicAt(ev.e.Now) {
			docs = append(docs, doc)
		}
	}
	figs := ev.figures()
	for k := range figs {
		f := &figs[k]
		first, last := f.Span()
		if first < len(ev.covered) && ev.covered[first] || ev.tagged(f) || f.Phone() {
			// A telephone number is contact details, not a figure.
			continue
		}
		s := fmt.Sprintf("%s (line %d)", f.Describe(), ev.figureLine(f))
		if len(docs) == 0 {
			unchecked = append(unchecked, s)
			continue
		}
		found := false
		for _, doc := range docs {
			if doc.HasFigure(f) || !f.Written() && ev.docHasWords(doc, first, last) {
				found = true
				break
			}
			// "Tuesday 5 January": the weekday of a date beside it,
			// which the document has.
			if k+1 < len(figs) {
				g := &figs[k+1]
				if gf, _ := g.Span(); gf >= last && gf <= last+1 {
					if h := doc.FigureLike(g); h != nil && register.Dated(f, h, doc.PublishedAt) {
						found = true
						break
					}
				}
			}
		}
		if !found {
			missing = append(missing, s)
		}
	}
	return missing, unchecked
}

// docHasWords reports whether a document has each of the draft's words
// [a, b).
func (ev *evaluation) docHasWords(doc *register.Document, a, b int) bool {
	if b <= a {
		return false
	}
	for i := a; i < b; i++ {
		if !ev.e.Register.DocHas(doc, ev.d.Words[i].Word) {
			return false
		}
	}
	return true
}

// explainFigures gives the reason for figures of published sentences
// that their document does not have.
func (ev *evaluation) explainFigures(figs []figNote) {
	if len(figs) > 0 {
		var ts []string
		for _, f := range figs {
			ts = append(ts, f.text)
		}
		ev.reason("Its words are published, but a figure is not as published: %s. A symbol, a fraction, a superscript or a mark over a digit changes the figure: write it as the document does, or have the post reviewed.", strings.Join(ts, "; "))
	}
}

// overlayMark reports the combining marks drawn through or over a letter
// (strike-through U+0336, slash U+0338, the overlays of U+20D2…): text so
// marked is crossed out, and reads otherwise once posted.
func overlayMark(r rune) bool {
	return r >= '\u0334' && r <= '\u0338' || r == '\u20d2' || r == '\u20d3' || r >= '\u20d8' && r <= '\u20da' ||
		r == '\u20e5' || r == '\u20e6' || r == '\u20ea' || r == '\u20eb'
}

// struckWords finds words written with marks drawn through them
// ("r̶e̶c̶o̶r̶d̶"): clearance reads the letters, but a reader sees them
// crossed out. (Marks over digits are read as part of the figure.)
func (ev *evaluation) struckWords() []string {
	var out []string
	for _, s := range ev.d.Sentences {
		if text.IsASCIIPlain(s.Text) {
			continue
		}
		toks := ev.tokens(s)
		for k, t := range toks {
			raw := s.Text[t.Start:t.End]
			if text.IsASCIIPlain(raw) || strings.ContainsAny(t.Word, "0123456789") {
				continue
			}
			if strings.IndexFunc(raw, overlayMark) >= 0 {
				out = append(out, fmt.Sprintf("%q (line %d)", raw, ev.d.Words[s.Start+k].Line))
			}
		}
	}
	return out
}

// explainStruck gives the reason for struck-through words.
func (ev *evaluation) explainStruck(struck []string) {
	if len(struck) > 0 {
		ev.reason("It has words crossed out with marks drawn through their letters: %s. Readers see them struck through, which changes what the post says, so it must be reviewed (or write the words plainly).", joinLimit(struck, 4))
	}
}
