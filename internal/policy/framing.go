package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// Words a draft puts before a published sentence on the same line that
// frame it without saying anything: a greeting in a reply ("Hi Sam,",
// "Thanks Priya!", "Thanks for your question, Sam."), a repost prefix
// ("RT @CouncilNews:", "Via @NorthbridgeCC:"). They are left out of the
// match, as a label is, and out of the share of words that must be
// published: they carry no content. A greeting is a greeting only when it
// is one: a salutation or thanks, then at most a name (one or two
// capitalised words, after a title), a handle or "all", and then a comma,
// a dash or the end of a sentence. "Hi residents of Eastfield," is not
// one, nor is a name the published document itself has ("Hi Eastfield,"
// over a release about Eastfield sets a scope).

var salutations = map[string]bool{
	"hi": true, "hello": true, "hey": true, "hiya": true, "dear": true, "morning": true,
	"afternoon": true, "evening": true, "greetings": true, "howdy": true, "gday": true, "aloha": true,
	"bonjour": true, "hola": true, "helo": true, "shwmae": true, "salut": true,
}

// salutations2 are greetings of two words ("Kia ora Hemi,").
var salutations2 = map[[2]string]bool{
	{"kia", "ora"}: true, {"tena", "koe"}: true, {"tena", "koutou"}: true, {"sut", "mae"}: true,
	{"madainn", "mhath"}: true, {"good", "day"}: true,
}

// thanksFor are what a reply thanks someone for ("Thanks for your
// question").
var thanksFor = [][]string{
	{"your", "message"}, {"your", "question"}, {"your", "questions"}, {"your", "comment"},
	{"your", "comments"}, {"your", "patience"}, {"your", "feedback"}, {"your", "reply"},
	{"your", "post"}, {"your", "enquiry"}, {"your", "query"}, {"your", "email"}, {"your", "interest"},
	{"your", "kind", "words"}, {"asking"}, {"getting", "in", "touch"},
	{"reaching", "out"}, {"letting", "us", "know"}, {"flagging", "this"}, {"raising", "this"},
	{"sharing"}, {"contacting", "us"}, {"your", "message", "and"},
}

// addressees may follow a salutation instead of a name ("Hi all,").
var addressees = map[string]bool{
	"all": true, "everyone": true, "everybody": true, "there": true, "folks": true, "both": true,
	"team": true,
}

// honorifics may open a name ("Dear Mr Patel,").
var honorifics = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "cllr": true,
	"councillor": true, "prof": true, "professor": true, "sir": true, "madam": true,
}

// repostWords open a repost of someone's post ("RT @CouncilNews:").
var repostWords = map[string]bool{"rt": true, "mt": true, "qt": true, "via": true, "repost": true, "reposting": true, "reposted": true}

// frameWords returns how many words open sentence s as a greeting or a
// repost prefix (0 if none), and the words of the greeting that are a
// name, which the matched document must not have.
func (ev *evaluation) frameWords(s Sentence) (n int, names []int) {
	toks := ev.tokens(s)
	if len(toks) == 0 {
		return 0, nil
	}
	if n := repostPrefix(s.Text, toks); n > 0 {
		return n, nil
	}
	return greeting(s.Text, toks)
}

// handleEnd returns the token after an @handle that starts at token k
// ("@sam_j" is two tokens), or k if token k is not a handle.
func handleEnd(text string, toks []text.Token, k int) int {
	if k >= len(toks) || toks[k].Start == 0 || text[toks[k].Start-1] != '@' {
		return k
	}
	k++
	for k < len(toks) && text[toks[k-1].End:toks[k].Start] == "_" {
		k++
	}
	return k
}

// repostPrefix: "RT @a:", "RT @a @b", "Via @a –", "Repost from @a:",
// "Reposting from @a".
func repostPrefix(text string, toks []text.Token) int {
	if !repostWords[toks[0].Word] || len(toks) < 3 {
		return 0
	}
	k := 1
	if toks[0].Word != "via" && toks[1].Word == "from" && strings.TrimSpace(text[toks[0].End:toks[1].Start]) == "" {
		k = 2 // "Repost from @a"
	}
	if gap := strings.TrimSpace(text[toks[k-1].End:toks[k].Start]); gap != "@" && gap != ":" && gap != ": @" {
		return 0
	}
	first := k
	for {
		e := handleEnd(text, toks, k)
		if e == k {
			break
		}
		k = e
		if k >= len(toks) || strings.TrimSpace(text[toks[k-1].End:toks[k].Start]) != "@" {
			break
		}
	}
	if k == first || k >= len(toks) {
		return 0
	}
	return k
}

// greeting: "Hi Sam,", "Hi Jo –", "Thanks Priya!", "Hello @sam_j,",
// "Thanks for your question, Sam.", "Good morning all:", "Dear Mr Patel,".
func greeting(text string, toks []text.Token) (int, []int) {
	word := func(k int) string {
		if k < len(toks) {
			return toks[k].Word
		}
		return ""
	}
	k, thanks := 0, false
	switch w := word(0); {
	case salutations[w]:
		k = 1
	case w == "good" && (word(1) == "morning" || word(1) == "afternoon" || word(1) == "evening"):
		k = 2
	case salutations2[[2]string{w, word(1)}]:
		k = 2
	case w == "thanks" || w == "cheers":
		k, thanks = 1, true
	case w == "thank" && word(1) == "you":
		k, thanks = 2, true
	case w == "many" && word(1) == "thanks":
		k, thanks = 2, true
	default:
		return 0, nil
	}
	if thanks {
		if (word(k) == "so" || word(k) == "very") && word(k+1) == "much" {
			k += 2
		} else if word(k) == "again" {
			k++
		}
		if word(k) == "for" {
			k = matchAny(toks, k+1, thanksFor)
			if k < 0 {
				return 0, nil
			}
		}
	}
	// gapAt is the text between token k-1 and token k (or the end).
	gapAt := func(k int) string {
		if k >= len(toks) {
			return text[toks[len(toks)-1].End:]
		}
		return text[toks[k-1].End:toks[k].Start]
	}
	// The name, if any; after thanks it may follow a comma.
	var names []int
	if a := k; a < len(toks) && (strings.TrimSpace(gapAt(a)) == "" || strings.TrimSpace(gapAt(a)) == "@" || thanks && strings.TrimSpace(gapAt(a)) == ",") {
		switch e := handleEnd(text, toks, a); {
		case e > a:
			k = e
		case addressees[word(a)] && strings.TrimSpace(gapAt(a)) == "":
			k = a + 1
		default:
			b := a
			if honorifics[word(b)] && capitalised(text, toks[b]) {
				b++
				if b < len(toks) && strings.TrimSpace(gapAt(b)) == "." {
					// "Dr. Patel"
				} else if b < len(toks) && strings.TrimSpace(gapAt(b)) != "" {
					return 0, nil
				}
			}
			for c := b; c < len(toks) && c < b+2 && capitalised(text, toks[c]); c++ {
				if c > b && strings.TrimSpace(gapAt(c)) != "" {
					break
				}
				names = append(names, c)
				k = c + 1
			}
			if k == a+1 && b > a && len(names) == 0 {
				return 0, nil // a title without a name
			}
		}
	}
	// Then a comma, a dash, ! . : or the end of the sentence.
	if k >= len(toks) {
		return k, names
	}
	gap := strings.TrimSpace(gapAt(k))
	if gap == "" || !strings.ContainsAny(gap, ",!.:–—-") || strings.ContainsAny(gap, "\"“”‘’()[]") {
		return 0, nil
	}
	return k, names
}

// matchAny returns the token after one of phrases starting at token k,
// or -1.
func matchAny(toks []text.Token, k int, phrases [][]string) int {
	best := -1
	for _, p := range phrases {
		if k+len(p) > len(toks) {
			continue
		}
		ok := true
		for j, w := range p {
			// ("your question" or "the question")
			if toks[k+j].Word != w && !(w == "your" && toks[k+j].Word == "the") {
				ok = false
				break
			}
		}
		if ok && k+len(p) > best {
			best = k + len(p)
		}
	}
	return best
}

// capitalised reports whether the token is written with a capital first
// letter.
func capitalised(text string, t text.Token) bool {
	r, _ := utf8.DecodeRuneInString(text[t.Start:t.End])
	return unicode.IsUpper(r)
}

// openingWords is the number of words that open sentence s without
// being part of what may be published: a greeting or a repost prefix
// (marked in ev.frame), or a label (see labelWords).
func (ev *evaluation) openingWords(s Sentence) int {
	n, names := ev.frameWords(s)
	for _, k := range names {
		w := ev.d.Words[s.Start+k].Word
		for _, r := range ev.runs {
			if r.Doc.PublicAt(ev.e.Now) && ev.e.Register.DocHas(r.Doc, w) {
				n = 0 // "Hi Eastfield," over a release about Eastfield
			}
		}
	}
	if n > 0 {
		// A greeting or repost prefix: no one's words (see attributions).
		if ev.salute == nil {
			ev.salute = make([]bool, len(ev.d.Words))
		}
		for j := s.Start; j < s.Start+n && j < s.End; j++ {
			ev.salute[j] = true
		}
	}
	if n == 0 {
		a, said := ev.attributionOpening(s)
		if a == 0 {
			return ev.labelWords(s)
		}
		if !said {
			return a // left out of the match, but not free: see addedClaims
		}
		n = a
	}
	if ev.frame == nil {
		ev.frame = make([]bool, len(ev.d.Words))
	}
	for j := s.Start; j < s.Start+n && j < s.End; j++ {
		ev.frame[j] = true
	}
	return n
}

// framed counts the words that frame the draft and are not published
// themselves.
func (ev *evaluation) framed() int {
	n := 0
	for i, f := range ev.frame {
		if f && !ev.covered[i] {
			n++
		}
	}
	return n
}

// leftOut explains an edit that is a published sentence without the
// words that open it in doc ("Critics said that"), or returns "".
func (ev *evaluation) leftOut(s Sentence, doc *register.Document) string {
	a := s.Start + ev.openingWords(s)
	for _, r := range ev.runs {
		if r.Doc != doc || r.Start > a || r.End < s.End {
			continue
		}
		if opening, why := ev.e.Register.OpeningLeftOut(doc, r.DocPos+a-r.Start); opening != "" {
			return fmt.Sprintf(": it leaves out the words that open it there, %q, and %s", opening, why)
		}
		if closing := ev.e.Register.ClosingLeftOut(doc, r.DocPos+s.End-r.Start); closing != "" {
			return fmt.Sprintf(": it leaves out the words that close it there, %q, which give it to someone other than the release's own voice: without them their claim reads as the poster's own", closing)
		}
	}
	return ""
}

// attributionOpening is the number of words of an attribution the draft
// opens sentence s with ("Northbridge City Council has confirmed:",
// "Yesterday the council confirmed that"), which is left out of the match;
// said reports whether a document the sentence matches names that speaker
// as who says it (then the words carry no content). addedClaims names a
// speaker that is not.
func (ev *evaluation) attributionOpening(s Sentence) (n int, said bool) {
	toks := ev.tokens(s)
	k := 0
	for k < len(toks) && k <= 8 && !draftReportVerbs[toks[k].Word] && !doubtVerbs[toks[k].Word] {
		if k+1 < len(toks) && strings.TrimSpace(s.Text[toks[k].End:toks[k+1].Start]) != "" {
			return 0, false
		}
		k++
	}
	if k == 0 || k > 8 || k+1 >= len(toks) {
		return 0, false
	}
	n = k + 1
	if toks[n].Word == "that" {
		n++
	} else if gap := s.Text[toks[k].End:toks[k+1].Start]; !strings.ContainsAny(gap, ":,–—") {
		return 0, false
	}
	if n >= len(toks) {
		return 0, false
	}
	var speaker []string
	for _, t := range toks[:k] {
		if !speakerSmall[t.Word] && !speakerAux[t.Word] {
			speaker = append(speaker, t.Word)
		}
	}
	if len(speaker) == 0 || len(speaker) == 1 && pronouns[speaker[0]] || doubtVerbs[toks[k].Word] {
		return n, false
	}
	for _, r := range ev.runs {
		if r.End > s.Start+n && r.Start < s.End && r.Doc.PublicAt(ev.e.Now) && ev.voiceOf(r.Doc, speaker) {
			return n, true
		}
	}
	return n, false
}
