package policy

import (
	"fmt"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
	"regexp"
	"strings"
	"unicode"
)

// What of a draft counts as published, and what it adds.

// publishedWords marks the words of the draft that are already published:
// whole sentences found in one public register document as a sentence of
// it (Register.Published), and quotations found word for word in one
// (quoting a part of what someone said is fine). A sentence may open with a
// short label ("Update:", "Reminder:"), which is left out of the match but
// not counted as published.
func (ev *evaluation) publishedWords() []bool {
	d, e := ev.d, ev.e
	covered := make([]bool, len(d.Words))
	public := func(doc *register.Document) bool { return doc.PublicAt(e.Now) }
	// Each sentence as the draft's lines split it, and as joined across
	// line breaks (a wrapped sentence): either may be published.
	var spans [][2]int
	seen := map[[2]int]bool{}
	for _, s := range append(joinedSentences(d.Sentences), d.Sentences...) {
		// Without what opens it (a label, a greeting…), and whole.
		for _, sp := range [][2]int{{s.Start + ev.openingWords(s), s.End}, {s.Start, s.End}} {
			if !seen[sp] {
				seen[sp] = true
				spans = append(spans, sp)
			}
		}
	}
	for i, ok := range e.Register.Published(ev.runs, spans, public) {
		if ok {
			for j := spans[i][0]; j < spans[i][1]; j++ {
				covered[j] = true
			}
		}
	}
	for _, q := range d.Quotes {
		for _, r := range ev.runs {
			// Word for word, and whole: a quotation cut short puts in the
			// speaker's mouth what, as it stands, they did not say.
			if r.Start <= q[0] && r.End >= q[1] && q[1] > q[0] && public(r.Doc) &&
				r.Doc.QuoteWhole(r.DocPos+q[0]-r.Start, r.DocPos+q[1]-r.Start) {
				for j := q[0]; j < q[1]; j++ {
					covered[j] = true
				}
				break
			}
		}
	}
	ev.titleWords(covered)
	ev.foreign = ev.attributions(covered)
	return covered
}

// joinedSentences joins sentences that a line break split: the draft's
// sentences end at every line break, but a line that ends without . ! ? or
// a colon goes on in the next (a wrapped line, or a heading and the text
// under it).
func joinedSentences(ss []Sentence) []Sentence {
	var out []Sentence
	open := false
	for _, s := range ss {
		if open {
			last := &out[len(out)-1]
			last.Text += " " + s.Text
			last.End = s.End
		} else {
			out = append(out, s)
		}
		t := strings.TrimRight(s.Text, " \t\"')”’»*_")
		open = t != "" && !strings.ContainsRune(".!?…:", []rune(t)[len([]rune(t))-1])
	}
	return out
}

// webAddress finds the web addresses in a sentence's text, which are not
// among its words.
var webAddress = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]*`)

// sentenceTokens tokenises a sentence's text as written (for case and
// punctuation), web addresses left out, so that token i is the sentence's
// word s.Start+i. It returns nil when they do not line up.
func sentenceTokens(s Sentence) []text.Token {
	plain := s.Text
	if strings.Contains(plain, "://") || strings.Contains(strings.ToLower(plain), "www.") {
		plain = webAddress.ReplaceAllStringFunc(plain, func(u string) string { return strings.Repeat(" ", len(u)) })
	}
	toks := text.Tokenize(plain)
	if len(toks) != s.End-s.Start {
		return nil
	}
	return toks
}

// tokens is sentenceTokens, remembered for the evaluation.
func (ev *evaluation) tokens(s Sentence) []text.Token {
	key := [3]int{s.Start, s.End, len(s.Text)}
	if toks, ok := ev.toks[key]; ok {
		return toks
	}
	if ev.toks == nil {
		ev.toks = map[[3]int][]text.Token{}
	}
	toks := sentenceTokens(s)
	ev.toks[key] = toks
	return toks
}

// labelWords is the number of words of a label that opens a sentence: at
// most three words followed by a colon ("Update:", "Press release:").
func (ev *evaluation) labelWords(s Sentence) int {
	toks := ev.tokens(s)
	if len(toks) < 2 {
		return 0
	}
	// A thread counter ("1/3 The council…").
	if c := counterTokens(s.Text, toks); len(c) > 0 && c[0] == 0 {
		return len(c)
	}
	// "NEW 📢 …", "JUST IN – …", "UPDATE | …".
	for n := 1; n <= 2 && n < len(toks); n++ {
		if !labelOpeners[toks[n-1].Word] && !(n == 2 && toks[0].Word == "just" && toks[1].Word == "in") {
			break
		}
		if gap := strings.TrimSpace(s.Text[toks[n-1].End:toks[n].Start]); gap != "" && !strings.ContainsAny(gap, ".,;") {
			return n
		}
	}
	for i := 0; i < 3 && i+1 < len(toks); i++ {
		gap := s.Text[toks[i].End:toks[i+1].Start]
		if strings.Contains(gap, ":") {
			return i + 1
		}
		if strings.TrimSpace(gap) != "" {
			return 0
		}
	}
	return 0
}

// instructionVerbs open a sentence that tells the reader what to do: advice
// that policy and comms must check ("Boil your water before drinking it",
// "Call 999 if…"). Verbs that only send the reader somewhere ("read",
// "see", "visit", "find out", "sign up", "book") are not here: a pointer
// uses them.
var instructionVerbs = map[string]bool{
	"call": true, "ring": true, "phone": true, "dial": true, "boil": true, "stay": true, "keep": true,
	"avoid": true, "drink": true, "eat": true, "wear": true, "take": true, "use": true, "wash": true,
	"stop": true, "switch": true, "turn": true, "put": true, "leave": true, "bring": true, "check": true,
	"protect": true, "seek": true, "get": true, "ensure": true, "remember": true, "isolate": true,
	"evacuate": true, "shelter": true, "move": true, "wait": true, "limit": true, "reduce": true,
	"drive": true, "travel": true, "submit": true, "pay": true, "vote": true, "claim": true,
	"be": true, "let": true, "give": true, "store": true,
	"cover": true, "close": true, "open": true, "unplug": true, "flush": true, "run": true, "clean": true,
	"throw": true, "dispose": true, "donate": true, "test": true, "treat": true,
}

// onlyVerbs may follow "only" or "please" at the start of an instruction
// ("Only come to A&E if…"), besides instructionVerbs.
var onlyVerbs = map[string]bool{"come": true, "go": true, "visit": true, "attend": true, "contact": true, "report": true}

// neutralStarts are openings with an instruction verb that only invite or
// point ("Stay tuned", "Keep up to date", "Take part", "Get in touch").
var neutralStarts = [][]string{
	{"stay", "tuned"}, {"stay", "up", "to", "date"}, {"stay", "informed"}, {"keep", "up", "to", "date"},
	{"keep", "up"}, {"take", "part"}, {"take", "a", "look"}, {"get", "involved"}, {"get", "in", "touch"},
	{"get", "the", "latest"}, {"check", "out"}, {"be", "the", "first"}, {"let", "us", "know"},
	{"give", "us", "your"}, {"give", "your", "views"}, {"use", "this", "link"}, {"use", "the", "link"},
	{"call", "us", "on"}, {"phone", "us", "on"}, {"ring", "us", "on"}, {"call", "us", "free"},
	{"please", "call", "us", "on"}, {"please", "phone", "us", "on"}, {"keep", "an", "eye"},
	{"keep", "track"}, {"keep", "in", "touch"}, {"remember", "to", "book"}, {"remember", "to", "register"},
	{"remember", "to", "apply"},
}

// instructions finds sentences (and list items) that open with an
// instruction to the reader, outside published text.
func (ev *evaluation) instructions() []LexHit {
	d := ev.d
	ignored := map[string]bool{}
	for _, p := range ev.e.Config.Lexicon.Ignore {
		ignored[strings.Join(text.Words(p), " ")] = true
	}
	var hits []LexHit
	for _, s := range d.Sentences {
		if isQuestion(s) {
			continue // "Run a regional museum?" asks, it does not instruct
		}
		for _, a := range ev.clauseStarts(s) {
			if a >= len(d.Words) || ev.covered[a] {
				continue
			}
			w := d.Words[a].Word
			b := a + 1
			if (w == "please" || w == "only") && b < s.End {
				w = d.Words[b].Word
				b++
				if !instructionVerbs[w] && !onlyVerbs[w] {
					continue
				}
			} else if !instructionVerbs[w] {
				continue
			}
			if w == "be" && b < s.End && d.Words[b].Word == "sure" {
				b++
			}
			if ev.neutralStart(a, s.End) || ignored[w] || ev.callToAction(w, s) {
				continue
			}
			hits = append(hits, LexHit{Phrase: w, Kind: "guidance", Start: a, End: b})
		}
	}
	return hits
}

// transactionVerbs open a call to action in a pointer ("Check your bin
// day:", "Pay your council tax online:", "Get your tickets:").
var transactionVerbs = map[string]bool{
	"check": true, "get": true, "use": true, "pay": true, "renew": true, "update": true,
	"submit": true, "claim": true, "book": true, "apply": true, "register": true, "order": true,
	"report": true, "request": true, "download": true, "sign": true, "give": true,
}

// callToAction reports whether an instruction with verb w is a short call
// to action in a draft with a web link: at most twelve words, no figure,
// date or time. Advice that keeps people safe (call, boil, stay, avoid,
// drink…) never is.
func (ev *evaluation) callToAction(w string, s Sentence) bool {
	if !transactionVerbs[w] || s.End-s.Start > 12 {
		return false
	}
	for i := s.Start; i < s.End; i++ {
		if isFactWord(ev.d.Words[i].Word) && !ev.tags[i] {
			return false
		}
	}
	for _, l := range ev.d.Links {
		if !l.Image && (strings.HasPrefix(l.URL, "https://") || strings.HasPrefix(l.URL, "http://")) {
			return true
		}
	}
	return false
}

func (ev *evaluation) neutralStart(a, end int) bool {
	for _, ns := range neutralStarts {
		if a+len(ns) > end {
			continue
		}
		ok := true
		for j, w := range ns {
			if ev.d.Words[a+j].Word != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// clauseStarts are the word indexes where a sentence or one of its clauses
// after a colon, semicolon or dash starts.
func (ev *evaluation) clauseStarts(s Sentence) []int {
	starts := []int{s.Start}
	toks := ev.tokens(s)
	for i := 0; i+1 < len(toks); i++ {
		if gap := s.Text[toks[i].End:toks[i+1].Start]; strings.ContainsAny(gap, ":;—–|•") || strings.Contains(gap, " - ") {
			starts = append(starts, s.Start+i+1)
		}
	}
	return starts
}

// factWords are words that state a figure, a date or a time.
var factWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true,
	"sunday": true, "tomorrow": true, "tonight": true,
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "twenty": true, "thirty": true,
	"forty": true, "fifty": true, "hundred": true, "hundreds": true, "thousand": true, "thousands": true,
	"million": true, "millions": true, "billion": true, "billions": true, "percent": true, "dozen": true,
	"half": true, "twice": true, "double": true, "triple": true,
}

// newFacts finds words outside published text that state a figure, a
// date or a time: new information, even in the few words a public-domain
// draft may add.
func (ev *evaluation) newFacts() []string {
	var out []string
	seen := map[string]bool{}
	for i, w := range ev.d.Words {
		if ev.covered[i] || ev.tags[i] || !isFactWord(w.Word) {
			continue
		}
		s := fmt.Sprintf("%q (line %d)", w.Word, w.Line)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func isFactWord(w string) bool {
	if factWords[w] {
		return true
	}
	for _, r := range w {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// titleWords marks, among words, the titles of the public register
// documents that the draft matched, names in its sources or links to: a
// published release's title is published text ("# Boil water notice
// lifted" over a link to that release).
func (ev *evaluation) titleWords(covered []bool) {
	d, e := ev.d, ev.e
	docs := map[*register.Document]bool{}
	for _, r := range ev.runs {
		docs[r.Doc] = true
	}
	for _, s := range d.Sources {
		if doc := e.Register.Resolve(s); doc != nil {
			docs[doc] = true
		}
	}
	for _, l := range d.Links {
		if doc := e.Register.Resolve(l.URL); doc != nil {
			docs[doc] = true
		}
	}
	for doc := range docs {
		tw := text.Words(doc.Title)
		if len(tw) == 0 || !doc.PublicAt(e.Now) {
			continue
		}
		for i := 0; i+len(tw) <= len(d.Words); i++ {
			match := true
			for j, w := range tw {
				if d.Words[i+j].Word != w {
					match = false
					break
				}
			}
			if match {
				for j := range tw {
					covered[i+j] = true
				}
			}
		}
	}
}

// attributionWords are words that may frame a quotation without being in
// its document: "…," she said; "according to".
var attributionWords = map[string]bool{
	"the": true, "a": true, "an": true, "it": true, "is": true, "was": true, "says": true, "said": true,
	"say": true, "told": true, "tells": true, "according": true, "to": true, "as": true, "in": true,
	"of": true, "and": true, "on": true, "at": true, "that": true, "this": true, "he": true, "she": true,
	"they": true, "we": true, "added": true, "adds": true, "explained": true, "explains": true,
	"our": true, "its": true, "their": true, "his": true, "her": true,
}

// titleAbbrevs are short forms of titles a document may spell out.
var titleAbbrevs = map[string]string{
	"cllr": "councillor", "dr": "doctor", "prof": "professor", "rt": "right", "hon": "honourable",
	"sec": "secretary", "govt": "government", "dept": "department", "supt": "superintendent",
	"insp": "inspector", "sgt": "sergeant", "ch": "chief", "mr": "mister", "pm": "prime",
}

// attributions looks at each sentence that holds a published quotation but
// is not published whole: the words around the quotation count as
// published when the quotation's document has them all (the speaker as the
// document names them); otherwise the draft may put the words in someone
// else's mouth, and those words are returned.
func (ev *evaluation) attributions(covered []bool) []string {
	d, e := ev.d, ev.e
	var foreign []string
	var prevDoc *register.Document // the quotation's document in the sentence before
	var prevSpeaker map[string]bool
	for _, s := range joinedSentences(d.Sentences) {
		var doc *register.Document
		// The words around the quotation in its document, which name
		// its speaker (see speakerWords).
		var speaker map[string]bool
		// "“…” – Priya Shah": the speaker after a dash, as its own
		// sentence.
		if t := strings.TrimLeft(s.Text, " "); prevDoc != nil && (strings.HasPrefix(t, "–") || strings.HasPrefix(t, "—") || strings.HasPrefix(t, "-")) {
			doc, speaker = prevDoc, prevSpeaker
		}
		prevDoc, prevSpeaker = nil, nil
		for _, q := range d.Quotes {
			if q[0] < s.Start || q[1] > s.End || !covered[q[0]] {
				continue
			}
			for _, r := range ev.runs {
				if r.Start <= q[0] && r.End >= q[1] && r.Doc.PublicAt(e.Now) {
					doc = r.Doc
					p0 := r.DocPos + q[0] - r.Start
					speaker = ev.speakerWords(doc, p0, p0+q[1]-q[0])
					break
				}
			}
		}
		if doc == nil {
			continue
		}
		prevDoc, prevSpeaker = doc, speaker
		has := func(w string) bool {
			if speaker != nil {
				return speaker[w]
			}
			return e.Register.DocHas(doc, w)
		}
		var rest []int
		for i := s.Start; i < s.End; i++ {
			if !covered[i] {
				rest = append(rest, i)
			}
		}
		if len(rest) == 0 {
			continue
		}
		var missing []string
		for _, i := range rest {
			w := d.Words[i].Word
			if ev.tags[i] || ev.salute != nil && ev.salute[i] {
				continue // a hashtag after the speaker's name; a greeting or repost prefix
			}
			if !attributionWords[w] && !has(w) && (titleAbbrevs[w] == "" || !has(titleAbbrevs[w])) {
				missing = append(missing, fmt.Sprintf("%q", w))
			}
		}
		if len(missing) == 0 {
			for _, i := range rest {
				covered[i] = true
			}
			continue
		}
		foreign = append(foreign, fmt.Sprintf("%s (line %d, not in %s)", strings.Join(missing, ", "), d.Words[rest[0]].Line, doc.Name()))
		ev.foreignLines = append(ev.foreignLines, d.Words[rest[0]].Line)
	}
	return foreign
}

// edits finds the sentences that share words with a public register
// document but are not published whole: published text with a word
// changed, added or left out, or cut short, which can change its meaning.
func (ev *evaluation) edits(n int) []string {
	d := ev.d
	var out []string
	if ev.edited == nil {
		ev.edited = map[int]bool{}
	}
	for _, s := range joinedSentences(d.Sentences) {
		doc := ev.editedDoc(s)
		if doc == nil {
			continue
		}
		for _, ss := range d.Sentences {
			if ss.Start >= s.Start && ss.Start < s.End {
				ev.edited[ss.Start] = true
			}
		}
		if len(out) == n {
			out = append(out, "…")
			break
		}
		msg := fmt.Sprintf("%q (line %d) is close to text in %s but not the same", clip(s.Text, 120), s.Line, doc.Name())
		lo := ev.leftOut(s, doc)
		msg += lo
		if what := ev.editChanges(s, doc); what != "" {
			if lo != "" {
				msg += "; " + what
			} else {
				msg += ": " + what
			}
		}
		out = append(out, msg)
	}
	return out
}

// editedDoc is the public document a sentence shares words with while
// not being published whole, or nil.
func (ev *evaluation) editedDoc(s Sentence) *register.Document {
	for i := s.Start; i < s.End; i++ {
		if !ev.matched[i] || ev.covered[i] || ev.tags[i] || ev.frame != nil && ev.frame[i] {
			continue
		}
		for _, r := range ev.runs {
			if r.Start <= i && i < r.End && r.Doc.PublicAt(ev.e.Now) {
				return r.Doc
			}
		}
	}
	return nil
}

// Proper names. "Great Wessex Hospitals", "Best Western", "Never Events",
// "Love Lane", "Must Farm": a lexicon word that begins a run of capitalised
// words is part of a name, not a view. A sentence written all in capitals
// at the start of its words (a headline: "Great News From The Council")
// gets no such pass, nor a word followed by a common noun ("Great Day").

// headlineNouns follow a view word in capitalised headlines.
var headlineNouns = map[string]bool{
	"news": true, "day": true, "days": true, "result": true, "results": true, "work": true, "job": true,
	"start": true, "idea": true, "time": true, "week": true, "year": true, "success": true,
	"progress": true, "effort": true, "service": true, "support": true, "team": true, "event": true,
	"turnout": true, "weather": true, "evening": true, "morning": true, "night": true, "deal": true,
	"value": true, "choice": true, "decision": true, "step": true, "win": true, "victory": true,
	"opportunity": true, "performance": true, "achievement": true, "move": true, "read": true,
}

// names drops the hits that are part of a proper name.
func (ev *evaluation) names(hits []LexHit) []LexHit {
	out := hits[:0]
	for _, h := range hits {
		if !ev.inName(h) {
			out = append(out, h)
		}
	}
	return out
}

func (ev *evaluation) inName(h LexHit) bool {
	d := ev.d
	if h.Kind == "commitment" || h.End-h.Start != 1 || h.Start >= len(d.Words) {
		return false
	}
	si := d.Words[h.Start].Sentence
	if si < 0 || si >= len(d.Sentences) {
		return false
	}
	s := d.Sentences[si]
	toks := ev.tokens(s)
	if toks == nil {
		return false
	}
	k := h.Start - s.Start
	if k+1 >= len(toks) || !titleCase(s.Text[toks[k].Start:toks[k].End]) || !titleCase(s.Text[toks[k+1].Start:toks[k+1].End]) ||
		headlineNouns[toks[k+1].Word] || strings.TrimSpace(s.Text[toks[k].End:toks[k+1].Start]) != "" {
		return false // ("Idiots, The road…": a comma ends a name)
	}
	// A headline ("Great News From The Council"): every word after the
	// first capitalised, the short ones too.
	for _, t := range toks[1:] {
		if w := s.Text[t.Start:t.End]; len(w) > 1 && !titleCase(w) && !isDigits(w) {
			return true
		}
	}
	return false
}

func isDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// titleCase reports whether a word starts with a capital and is not all
// capitals.
func titleCase(w string) bool {
	rs := []rune(w)
	if len(rs) == 0 || !unicode.IsUpper(rs[0]) {
		return false
	}
	if len(rs) == 1 {
		return rs[0] != 'I'
	}
	for _, r := range rs[1:] {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// tagWords marks the words that are hashtags or @mentions, and the numbers
// of a thread counter ("1/3", "(2/3)") that opens or closes a sentence:
// they state no fact and change no published text.
func (ev *evaluation) tagWords() []bool {
	d := ev.d
	tags := make([]bool, len(d.Words))
	for _, s := range d.Sentences {
		toks := ev.tokens(s)
		for k, t := range toks {
			if t.Start > 0 && (s.Text[t.Start-1] == '#' || s.Text[t.Start-1] == '@') {
				tags[s.Start+k] = true
			}
		}
		for _, k := range counterTokens(s.Text, toks) {
			tags[s.Start+k] = true
		}
	}
	return tags
}

// counterTokens are the tokens of a thread counter ("1/3", "2/", "(1/2)")
// at the start or the end of a sentence.
func counterTokens(text string, toks []text.Token) []int {
	isNum := func(k int) bool { return k >= 0 && k < len(toks) && len(toks[k].Word) <= 2 && isDigits(toks[k].Word) }
	slashAfter := func(k int) bool { return toks[k].End < len(text) && text[toks[k].End] == '/' }
	var out []int
	if n := len(toks); n > 0 {
		if isNum(0) && slashAfter(0) {
			out = append(out, 0)
			if isNum(1) && toks[1].Start == toks[0].End+1 {
				out = append(out, 1)
			}
		}
		if isNum(n-1) && toks[n-1].Start > 0 && text[toks[n-1].Start-1] == '/' && isNum(n-2) && slashAfter(n-2) && n-2 > 0 {
			out = append(out, n-2, n-1)
		}
	}
	return out
}

// unpublishedQuotes are quotations of three words or more that no public
// register document has: words put in someone's mouth.
func (ev *evaluation) unpublishedQuotes() []string {
	var out []string
	for _, q := range ev.d.Quotes {
		if q[1]-q[0] < 3 || ev.covered[q[0]] {
			continue
		}
		out = append(out, fmt.Sprintf("%s (line %d)", ev.phraseText(q[0], q[1]), ev.d.Words[q[0]].Line))
	}
	return out
}

// labelOpeners open a sentence as a label when a dash, a bar or an emoji
// follows them ("NEW 📢 …", "JUST IN – …").
var labelOpeners = map[string]bool{
	"new": true, "update": true, "updated": true, "breaking": true, "reminder": true, "icymi": true,
	"latest": true, "news": true, "announcement": true, "live": true, "thread": true, "alert": true,
	"important": true, "notice": true, "now": true, "today": true, "weekend": true, "just": true,
}

// contractions are promises written short: "we'll" is "we will" (the
// tokeniser reads it "well").
var contractions = map[string]string{"we'll": "we will", "we’ll": "we will", "i'll": "I will", "i’ll": "I will", "we'd": "we would", "we’d": "we would"}

// contractionHits finds promises written as contractions outside published
// text.
func (ev *evaluation) contractionHits() []LexHit {
	d := ev.d
	var hits []LexHit
	for _, s := range d.Sentences {
		for k, t := range ev.tokens(s) {
			i := s.Start + k
			if ev.covered[i] {
				continue
			}
			if long, ok := contractions[strings.ToLower(s.Text[t.Start:t.End])]; ok && long != "we would" {
				if !ignoredPhrase(ev.e.Config.Lexicon.Ignore, long) {
					hits = append(hits, LexHit{Phrase: long, Kind: "commitment", Start: i, End: i + 1})
				}
			}
		}
	}
	return hits
}

func ignoredPhrase(ignore []string, phrase string) bool {
	want := strings.Join(text.Words(phrase), " ")
	for _, p := range ignore {
		if strings.Join(text.Words(p), " ") == want {
			return true
		}
	}
	return false
}
