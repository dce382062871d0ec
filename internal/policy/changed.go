package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/wordlist"
)

// Name what changed: when a draft's sentence is close to a sentence of a
// published document but not the same, say what differs, in both words
// ("says "£54 million" where "…" (published 2 November 2026) says "£45
// million""). A changed figure, date, name or title, or a changed modal
// verb or negation ("could" for "will", "will" for "should not"), is an
// error: the staff principles say be accurate.

// RuleChangedFact is an edit of published text that changes a fact.
const RuleChangedFact = "changed-fact"

// change is one difference between a draft's sentence and its document.
type change struct {
	draft, doc string // the words as the draft and the document have them ("" when added or left out)
	fact       string // what kind of fact it changes ("figure", "negation or modal verb", "name or title"), or ""
	line       int
}

// modalWords change what a sentence commits to.
var modalWords = map[string]bool{
	"will": true, "would": true, "could": true, "can": true, "may": true, "might": true, "must": true,
	"should": true, "shall": true, "cannot": true, "cant": true, "wont": true, "not": true, "no": true,
	"never": true, "nor": true, "dont": true, "doesnt": true, "isnt": true, "arent": true, "wasnt": true,
	"werent": true, "hasnt": true, "havent": true, "wouldnt": true, "shouldnt": true, "couldnt": true,
	"mustnt": true, "didnt": true, "none": true, "neither": true, "unlikely": true, "likely": true,
	"possibly": true, "probably": true, "definitely": true, "certainly": true, "always": true,
	// Words that say "none" or "all": "nobody who needs care should stay
	// away" turned into "everyone who…" says the opposite.
	"nobody": true, "noone": true, "nothing": true, "nowhere": true, "without": true, "everyone": true,
	"everybody": true, "everything": true, "anyone": true, "anybody": true,
}

// titleWords name a post someone holds.
var titleWords = map[string]bool{
	"minister": true, "secretary": true, "councillor": true, "cllr": true, "mayor": true, "leader": true,
	"chief": true, "executive": true, "director": true, "chair": true, "chairman": true, "chairwoman": true,
	"chairperson": true, "president": true, "deputy": true, "commissioner": true, "officer": true,
	"professor": true, "prof": true, "doctor": true, "dr": true, "mp": true, "msp": true, "ms": true,
	"mla": true, "senator": true, "governor": true, "premier": true, "head": true, "manager": true,
	"superintendent": true, "inspector": true, "constable": true, "spokesperson": true, "spokesman": true,
	"spokeswoman": true, "cabinet": true, "member": true, "first": true, "prime": true, "state": true,
}

// changes compares the draft's sentence s with doc, where the runs of the
// draft's words shared with doc align them, and lists what differs.
func (ev *evaluation) changes(s Sentence, doc *register.Document) []change {
	var runs []register.Run
	for _, r := range ev.runs {
		if r.Doc == doc && r.End > s.Start && r.Start < s.End {
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 {
		return nil
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Start < runs[j].Start })
	// Keep runs that go forward in both texts.
	kept := runs[:1]
	for _, r := range runs[1:] {
		last := kept[len(kept)-1]
		if r.Start >= last.End && r.DocPos >= last.DocPos+(last.End-last.Start) {
			kept = append(kept, r)
		}
	}
	runs = kept
	const limit = 8 // a longer difference is a rewrite, not a change of words
	var out []change
	gap := func(a, b, p, q int, edge int) {
		// Hashtags and mentions at the ends of the draft's side are
		// not part of the change.
		for a < b && ev.tags[a] {
			a++
		}
		for a < b && ev.tags[b-1] {
			b--
		}
		if b-a > limit || q-p > limit || (b <= a && q <= p) {
			return
		}
		if c, ok := ev.describeGap(s, doc, a, b, p, q, edge); ok {
			out = append(out, c)
		}
	}
	first := runs[0]
	// Before the first run: back to where the document's sentence starts.
	p := first.DocPos - (first.Start - max(s.Start, first.Start))
	start := max(s.Start, first.Start)
	q := p
	for q > 0 && !doc.SentenceStart(q) && p-q < limit {
		q--
	}
	gap(s.Start, start, q, p, leadingEdge)
	for k := 0; k+1 < len(runs); k++ {
		r, n := runs[k], runs[k+1]
		gap(r.End, n.Start, r.DocPos+(r.End-r.Start), n.DocPos, interior)
	}
	last := runs[len(runs)-1]
	end := min(last.End, s.End)
	pe := last.DocPos + (end - last.Start)
	de := doc.SentenceEnd(pe, limit)
	gap(end, s.End, pe, de, trailingEdge)
	return out
}

// Where a difference is in the draft's sentence.
const (
	interior     = iota // between words the two share
	leadingEdge         // at its start
	trailingEdge        // at its end
)

// describeGap says how the draft's words [a, b) differ from the
// document's [p, q). At the start or the end of the draft's sentence
// (where), a draft may leave out words or put words of its own (a dateline,
// a greeting, a closing attribution, a sentence cut short): there a figure
// changes only when one is put in the place of another (or added at the
// end of a sentence the draft goes on with), and a name only beside a
// title or a reporting verb, unless the difference sits between words the
// two share. ok is false when nothing differs.
func (ev *evaluation) describeGap(s Sentence, doc *register.Document, a, b, p, q int, where int) (change, bool) {
	d := ev.d
	c := change{line: s.Line}
	docw := ev.e.Register.WordsAt(doc, p, q)
	dwAll := make([]string, 0, b-a)
	for i := a; i < b; i++ {
		dwAll = append(dwAll, d.Words[i].Word)
	}
	docAll := docw
	// Words the two share at either end are not part of the change.
	for a < b && len(docw) > 0 && d.Words[a].Word == docw[0] {
		a, p, docw = a+1, p+1, docw[1:]
	}
	for a < b && len(docw) > 0 && d.Words[b-1].Word == docw[len(docw)-1] {
		b, q, docw = b-1, q-1, docw[:len(docw)-1]
	}
	if a >= b && len(docw) == 0 {
		return c, false
	}
	if len(docw) < len(docAll) {
		where = interior // the change sits between shared words
	}
	edge := where != interior
	dw := dwAll[:0:0]
	for i := a; i < b; i++ {
		dw = append(dw, d.Words[i].Word)
	}
	if a < len(d.Words) {
		c.line = d.Words[min(a, len(d.Words)-1)].Line
	}
	// The figures there, as written; where one side has no word left,
	// the figure its neighbours are part of ("9%" beside the document's
	// "9 per cent").
	da, db, dp, dq := a, b, p, q
	if a == b {
		da, db = a-1, a+1
	}
	if p == q {
		dp, dq = p-1, p+1
	}
	var df *register.Figure
	figs := ev.figures()
	for k := range figs {
		first, last := figs[k].Span()
		if first < db && last > da || first == last && first >= da && first < db {
			df = &figs[k]
			break
		}
	}
	of := doc.FigureIn(max(dp, 0), dq)
	c.draft = ev.writtenWords(s, a, b)
	c.doc = strings.Join(docw, " ")
	if df != nil && of != nil && register.SameFigure(df, of, doc.PublishedAt) {
		// The same figure written another way: named, not a change of
		// fact.
		c.draft, c.doc = df.Text(), of.Text()
		return c, true
	}
	// A neighbour's figure counts only when the other side's figure
	// reaches into the shared words too: "£45.5 million" for "£45
	// million" changes the figure; "£45 million in 2027" for "£45
	// million" adds one.
	if a == b && df != nil {
		if of == nil || q == p {
			df = nil
		} else if f, l := of.Span(); f >= p && l <= q {
			df = nil
		}
	}
	if p == q && of != nil {
		if df == nil || a == b {
			of = nil
		} else if f, l := df.Span(); f >= a && l <= b {
			of = nil
		}
	}
	both := len(dw) > 0 && len(docw) > 0
	attributed := anyIn(dwAll, titleWords) && anyIn(docAll, titleWords) || anyIn(dwAll, reportingVerbs) && anyIn(docAll, reportingVerbs)
	switch {
	case df != nil && of != nil && !register.SameFigure(df, of, doc.PublishedAt):
		c.draft, c.doc, c.fact = df.Text(), of.Text(), "figure"
	case (df != nil) != (of != nil) && (!edge || where == trailingEdge && df != nil && len(docAll) > 0):
		c.fact = "figure"
		if df != nil {
			c.draft = df.Text()
		} else {
			c.doc = of.Text()
		}
	case anyIn(dw, modalWords) || anyIn(docw, modalWords):
		if !edge && !sameIn(dw, docw, modalWords) {
			c.fact = "negation or modal verb"
		}
	case !both:
	case (df == nil || of == nil) && anyFact(dw):
		c.fact = "figure"
	case (df == nil || of == nil) && anyFact(docw):
		// Only the document's side has a figure: the draft leaves it out
		// with the words around it ("24 bays" for "24 charging bays and
		// nine chargers"); named below, but no figure the post states is
		// changed.
	case anyIn(dw, titleWords) || anyIn(docw, titleWords):
		if !edge || attributed {
			c.fact = "name or title"
		}
	case ev.capitalised(s, a, b) && (!edge || attributed || where != trailingEdge):
		c.fact = "name or title"
	}
	if c.fact == "name or title" && titleCase(c.draft) {
		// The register keeps words folded: write a name as a name.
		ws := strings.Fields(c.doc)
		for i, w := range ws {
			ws[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		c.doc = strings.Join(ws, " ")
	}
	return c, true
}

// reportingVerbs attribute words to a speaker.
var reportingVerbs = map[string]bool{
	"said": true, "says": true, "announced": true, "added": true, "confirmed": true, "explained": true,
	"stated": true, "told": true,
}

// writtenWords is the draft's words [a, b) as written in sentence s.
func (ev *evaluation) writtenWords(s Sentence, a, b int) string {
	if b <= a {
		return ""
	}
	toks := ev.tokens(s)
	if toks == nil || a < s.Start || b > s.End {
		return ev.foldedPhrase(a, b)
	}
	return s.Text[toks[a-s.Start].Start:toks[b-1-s.Start].End]
}

// capitalised reports whether one of the draft's words [a, b) is written
// with a capital: a name. The first word of a sentence has its capital
// anyway; it counts as a name when it is no common English word
// ("Coolabah will be the first…").
func (ev *evaluation) capitalised(s Sentence, a, b int) bool {
	toks := ev.tokens(s)
	if toks == nil {
		return false
	}
	for i := max(a, s.Start); i < b && i < s.End; i++ {
		w := s.Text[toks[i-s.Start].Start:toks[i-s.Start].End]
		if titleCase(w) && (i > s.Start || wordlist.Level(strings.ToLower(w)) == 0) {
			return true
		}
	}
	return false
}

// anyFact reports whether one of ws states a figure, a date or a time.
func anyFact(ws []string) bool {
	for _, w := range ws {
		if isFactWord(w) {
			return true
		}
	}
	return false
}

func anyIn(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if set[w] {
			return true
		}
	}
	return false
}

// sameIn reports whether two word lists have the same words of set, in
// order.
func sameIn(a, b []string, set map[string]bool) bool {
	var x, y []string
	for _, w := range a {
		if set[w] {
			x = append(x, w)
		}
	}
	for _, w := range b {
		if set[w] {
			y = append(y, w)
		}
	}
	return strings.Join(x, " ") == strings.Join(y, " ")
}

// docWhen names a document with its publication date, for a change.
func docWhen(doc *register.Document) string {
	name := doc.Path
	if doc.Title != "" {
		name = fmt.Sprintf("%q", doc.Title)
	}
	if !doc.PublishedAt.IsZero() {
		name += " (published " + doc.PublishedAt.UTC().Format("2 January 2006") + ")"
	}
	return name
}

// say words a change for a reason.
func (c change) say(doc *register.Document) string {
	switch {
	case c.draft == "":
		return fmt.Sprintf("it leaves out %q, which %s has", c.doc, docWhen(doc))
	case c.doc == "":
		return fmt.Sprintf("it adds %q, which %s does not have", c.draft, docWhen(doc))
	}
	return fmt.Sprintf("it says %q where %s says %q", c.draft, docWhen(doc), c.doc)
}

// editChanges names what differs in an edited sentence, for its reason,
// and adds an error finding for each changed fact (once per sentence and
// change).
func (ev *evaluation) editChanges(s Sentence, doc *register.Document) string {
	cs := ev.changes(s, doc)
	if len(cs) == 0 {
		return ""
	}
	if ev.factsSaid == nil {
		ev.factsSaid = map[string]bool{}
	}
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.say(doc))
		if c.fact == "" || c.fact == "figure" && c.draft == "" {
			// A figure left out, with the words around it, changes no
			// figure the post states: it is named (the post is not the
			// published sentence), not an error.
			continue
		}
		key := fmt.Sprintf("%d|%s|%s", s.Start, c.draft, c.doc)
		if ev.factsSaid[key] {
			continue
		}
		ev.factsSaid[key] = true
		ev.add(RuleChangedFact, Error, c.line, "a changed %s: %s. Published text must be repeated accurately: correct it to what was published, or if the change is meant, rewrite the post in your own words so it is reviewed as new content", c.fact, c.say(doc))
		last := &ev.res.Findings[len(ev.res.Findings)-1]
		last.Published, last.Posted = c.doc, c.draft
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more changes", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}

// reportChangedFacts adds the error findings for every sentence that
// changes a fact of published text, and for every published quotation
// given to a speaker or title its document does not name.
func (ev *evaluation) reportChangedFacts() {
	if ev.matched == nil {
		return // not classified from its text (unreadable)
	}
	for _, s := range joinedSentences(ev.d.Sentences) {
		if doc := ev.editedDoc(s); doc != nil {
			ev.editChanges(s, doc)
		}
	}
	for _, f := range ev.publishedFigures() {
		ev.add(RuleChangedFact, Error, f.line, "a changed figure: %s. Write the figure as the document does", f.text)
	}
	for i, f := range ev.foreign {
		ev.add(RuleChangedFact, Error, ev.foreignLines[i], "a published quotation is given to a speaker or title its document does not name: %s. Name the speaker as the document does", f)
	}
}

// speakerWords are the words of a document around its quotation at words
// [p0, p1), where a release names who said it: its own sentence ("…,” said
// Tom Leclerc, Mayor of Brookfield."), or, when that names no one (no
// reporting verb outside the quotation), also the three sentences before
// it and the one after ("The Mayor said: “…”", "…she called it “…”"). A draft that gives the quotation to
// someone the document names elsewhere (its minister, for the mayor's
// words) uses words that are not there. nil when the document's
// sentences are unknown.
func (ev *evaluation) speakerWords(doc *register.Document, p0, p1 int) map[string]bool {
	const limit = 120
	start := func(p int) int { // the start of the sentence word p is in
		q := p
		for q > 0 && !doc.SentenceStart(q) && p-q < limit {
			q--
		}
		return q
	}
	a := start(p0)
	b := doc.SentenceEnd(max(p1-1, p0), limit)
	if p1 > 0 && b < p1 {
		b = p1
	}
	words := ev.e.Register.WordsAt(doc, a, b)
	named := false
	for i, w := range words {
		if (a+i < p0 || a+i >= p1) && reportingVerbs[w] {
			named = true
			break
		}
	}
	if !named {
		// "At the opening she called it “…”": the name may be a few
		// sentences back.
		for n := 0; n < 3 && a > 0; n++ {
			a = start(a - 1)
		}
		b = doc.SentenceEnd(b+1, limit)
		words = ev.e.Register.WordsAt(doc, a, b)
	}
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}
