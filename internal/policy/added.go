package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// Words a public-domain draft or a pointer adds that state no figure but
// can still be false: who says it ("Treasury announced today:" over
// another department's release) and when ("today", "this week" over a
// release of last month). Each is checked against the register documents
// the draft repeats or links to.

// relativeTimes are time words that are true only when the release is as
// recent as they say, counted from the day the post goes out. (tonight
// and tomorrow state a time of their own: see factWords.)
var relativeTimes = []struct {
	words []string
	unit  string // day, week, month, year
	back  int    // 0: the same one; 1: the one before
}{
	{[]string{"earlier", "today"}, "day", 0}, {[]string{"today"}, "day", 0}, {[]string{"todays"}, "day", 0},
	{[]string{"this", "morning"}, "day", 0}, {[]string{"this", "afternoon"}, "day", 0},
	{[]string{"this", "evening"}, "day", 0}, {[]string{"yesterday"}, "day", 1}, {[]string{"yesterdays"}, "day", 1},
	{[]string{"last", "night"}, "day", 1}, {[]string{"this", "week"}, "week", 0}, {[]string{"this", "weeks"}, "week", 0},
	{[]string{"last", "week"}, "week", 1}, {[]string{"last", "weeks"}, "week", 1}, {[]string{"this", "month"}, "month", 0},
	{[]string{"this", "months"}, "month", 0}, {[]string{"last", "month"}, "month", 1}, {[]string{"this", "year"}, "year", 0},
	{[]string{"this", "years"}, "year", 0}, {[]string{"last", "year"}, "year", 1},
}

// publishedTimes are more time words that, in published text, are true
// only in the day (week, month, year) the release came out.
var publishedTimes = []struct {
	words []string
	unit  string
}{
	{[]string{"tonight"}, "day"}, {[]string{"tomorrow"}, "day"}, {[]string{"tomorrows"}, "day"},
	{[]string{"this", "weekend"}, "week"}, {[]string{"next", "week"}, "week"}, {[]string{"next", "month"}, "month"},
	{[]string{"next", "year"}, "year"},
}

// draftReportVerbs attribute what follows or comes before to a speaker.
var draftReportVerbs = map[string]bool{
	"said": true, "says": true, "say": true, "announced": true, "announces": true, "announce": true,
	"confirmed": true, "confirms": true, "revealed": true, "reveals": true, "unveiled": true, "unveils": true,
	"stated": true, "states": true, "outlined": true, "outlines": true, "told": true, "tells": true,
	"warned": true, "warns": true,
}

// doubtVerbs put what follows in doubt whoever the speaker is: "The
// council denied:", "Campaigners claim:".
var doubtVerbs = map[string]bool{
	"claim": true, "claims": true, "claimed": true, "alleged": true, "alleges": true, "allege": true,
	"denied": true, "denies": true, "deny": true, "insists": true, "insisted": true, "admitted": true,
	"admits": true, "rejected": true, "rejects": true, "disputes": true, "disputed": true,
}

// genericAuthor are words of an author field that name no body ("Press
// Office", "Comms team").
var genericAuthor = map[string]bool{
	"press": true, "office": true, "team": true, "comms": true, "communications": true, "news": true,
	"digital": true, "media": true, "social": true, "desk": true, "unit": true, "the": true, "and": true,
	"of": true, "for": true, "official": true, "account": true,
}

// addedClaims returns a reason for each attribution and time word outside
// published text that the documents the draft repeats or links to do not
// bear out.
func (ev *evaluation) addedClaims() []string {
	d, e := ev.d, ev.e
	var docs []*register.Document
	seen := map[*register.Document]bool{}
	add := func(doc *register.Document) {
		if doc != nil && !seen[doc] && doc.PublicAt(e.Now) {
			seen[doc] = true
			docs = append(docs, doc)
		}
	}
	for _, r := range ev.runs {
		for i := r.Start; i < r.End; i++ {
			if ev.covered[i] {
				add(r.Doc)
				break
			}
		}
	}
	for _, l := range d.Links {
		add(e.Register.Resolve(l.URL))
	}
	if len(docs) == 0 {
		return nil
	}
	free := func(i int) bool {
		return i < len(d.Words) && !ev.covered[i] && !ev.tags[i] && (ev.frame == nil || !ev.frame[i])
	}
	var out []string
	// When.
	post, when := e.Now, "posted now, on %s,"
	if !d.PublishAt.IsZero() {
		post, when = d.PublishAt, "posted on %s (its publish_at),"
	}
	when = fmt.Sprintf(when, fmtTime(post))
	for i := range d.Words {
		for _, rt := range relativeTimes {
			n := len(rt.words)
			// (Frames too: "Yesterday the council said:".)
			if !ev.wordsAt(i, rt.words) || ev.covered[i] || ev.tags[i] || ev.covered[i+n-1] {
				continue
			}
			ok := false
			for _, doc := range docs {
				ok = ok || sameTime(doc.PublishedAt, post, rt.unit, rt.back) || ev.statesTime(doc, post, rt.unit, rt.back)
			}
			if !ok {
				out = append(out, fmt.Sprintf("It says %s (line %d), but %s was published on %s and gives no date that fits: %s the post would say what is no longer true. Take the time word out, or give the date.",
					ev.phraseText(i, i+n), d.Words[i].Line, docNames(docs), fmtTime(latest(docs)), when))
			}
			break
		}
	}
	// When, in published text: true only as near to the release as it
	// says ("Mr Reid visited the school today", posted two days later).
	for i := range d.Words {
		if !ev.covered[i] {
			continue
		}
		for _, rt := range relativeTimes {
			if ev.wordsAt(i, rt.words) {
				out = append(out, ev.stalePublished(i, len(rt.words), rt.unit, post, when)...)
				break
			}
		}
		for _, pt := range publishedTimes {
			if ev.wordsAt(i, pt.words) {
				out = append(out, ev.stalePublished(i, len(pt.words), pt.unit, post, when)...)
				break
			}
		}
	}
	out = append(out, ev.staleWeekdays(post, when)...)
	// Who.
	for _, s := range d.Sentences {
		for i := s.Start; i < s.End; i++ {
			if doubtVerbs[d.Words[i].Word] && !ev.covered[i] && !ev.inQuote(i) {
				out = append(out, fmt.Sprintf("It says %s (line %d): that puts the published text beside it in doubt or in someone else's mouth. Take it out, or have it reviewed.", ev.phraseText(i, i+1), d.Words[i].Line))
				continue
			}
			if !draftReportVerbs[d.Words[i].Word] || !free(i) || ev.inQuote(i) || ev.sayNoun(i) {
				continue
			}
			speaker, from := ev.speakerOf(s, i)
			if len(speaker) == 0 {
				continue
			}
			ok := false
			for _, doc := range docs {
				ok = ok || ev.voiceOf(doc, speaker)
			}
			if !ok {
				out = append(out, fmt.Sprintf("It says %s (line %d), but %s does not name %q as who says it. Name the speaker as the release does, or leave the attribution out.",
					ev.phraseText(min(from, i), max(from+len(speaker), i+1)), d.Words[i].Line, docNames(docs), strings.Join(speaker, " ")))
			}
		}
	}
	return out
}

func docNames(docs []*register.Document) string {
	if len(docs) == 1 {
		return docs[0].Name()
	}
	var names []string
	for _, d := range docs {
		names = append(names, d.Name())
	}
	return joinLimit(names, 2)
}

// wordsAt reports whether the draft's words from i on are ws.
func (ev *evaluation) wordsAt(i int, ws []string) bool {
	if i+len(ws) > len(ev.d.Words) {
		return false
	}
	for j, w := range ws {
		if ev.d.Words[i+j].Word != w {
			return false
		}
	}
	return true
}

func (ev *evaluation) inQuote(i int) bool {
	for _, q := range ev.d.Quotes {
		if q[0] <= i && i < q[1] {
			return true
		}
	}
	return false
}

// speakerOf returns the words of who a reporting verb at word i gives
// as the speaker ("Treasury" in "Treasury announced today:", "the
// Treasury" in "Announced today by the Treasury:", "the council" in
// "…, says the council"), without small words, and where they start; nil
// when it names none or only "she" or "they".
func (ev *evaluation) speakerOf(s Sentence, i int) ([]string, int) {
	d := ev.d
	clauseStart, clauseEnd := s.Start, s.End
	for _, c := range ev.clauseStarts(s) {
		if c <= i {
			clauseStart = c
		} else if c < clauseEnd {
			clauseEnd = c
		}
	}
	var words []string
	from := i
	for j := i - 1; j >= clauseStart && i-j <= 8 && !ev.covered[j]; j-- {
		if w := d.Words[j].Word; !speakerSmall[w] && !speakerAux[w] {
			words = append([]string{w}, words...)
		}
		from = j
	}
	if len(words) == 0 {
		for j := i + 1; j < clauseEnd && j <= i+8 && !ev.covered[j]; j++ {
			if w := d.Words[j].Word; !speakerSmall[w] && !speakerAux[w] && w != "by" {
				words = append(words, w)
			}
		}
		from = i
	}
	if len(words) == 1 && pronouns[words[0]] {
		return nil, i
	}
	return words, from
}

var speakerAux = map[string]bool{"has": true, "have": true, "had": true, "just": true, "today": true, "also": true,
	"this": true, "week": true, "morning": true, "afternoon": true, "yesterday": true, "formally": true,
	"officially": true, "now": true, "on": true, "monday": true, "tuesday": true, "wednesday": true,
	"thursday": true, "friday": true, "saturday": true, "sunday": true}

var speakerSmall = map[string]bool{"the": true, "a": true, "an": true, "its": true, "our": true, "as": true, "and": true}

var pronouns = map[string]bool{"he": true, "she": true, "they": true, "it": true}

// voiceOf reports whether speaker is doc's own voice, who may say what it
// says: "we" when the draft's author is the body of the release, else as
// Register.OwnVoice decides ("the council", "Northbridge City Council" for
// northbridge.gov.uk, a minister the document names with their title). A
// speaker the release only quotes ("Critics said:") is not.
func (ev *evaluation) voiceOf(doc *register.Document, speaker []string) bool {
	reg := ev.e.Register
	if len(speaker) == 1 && (speaker[0] == "we" || speaker[0] == "i") {
		for _, w := range text.Words(ev.d.Author) {
			if !genericAuthor[w] && !reg.DocHas(doc, w) && !slices.Contains(register.HostNames(doc.URL), w) {
				return false
			}
		}
		return true
	}
	return reg.OwnVoice(doc, speaker, titleAbbrevs)
}

// sameTime reports whether the release time rel is in the same day (week,
// month, year) as post, or in the one before (back 1), in the release's
// own time zone.
func sameTime(rel, post time.Time, unit string, back int) bool {
	if rel.IsZero() {
		return false
	}
	post = post.In(rel.Location())
	switch unit {
	case "day":
		y, m, dd := post.AddDate(0, 0, -back).Date()
		ry, rm, rd := rel.Date()
		return y == ry && m == rm && dd == rd
	case "week":
		y, w := post.AddDate(0, 0, -7*back).ISOWeek()
		ry, rw := rel.ISOWeek()
		return y == ry && w == rw
	case "month":
		p := time.Date(post.Year(), post.Month(), 1, 0, 0, 0, 0, post.Location()).AddDate(0, -back, 0)
		return p.Year() == rel.Year() && p.Month() == rel.Month()
	default:
		return post.Year()-back == rel.Year()
	}
}

// statesTime reports whether doc gives a date in the day (week, month,
// year) of post, or the one before (back 1): "start today" is true on 1
// December of a release that says "from 1 December".
func (ev *evaluation) statesTime(doc *register.Document, post time.Time, unit string, back int) bool {
	reg := ev.e.Register
	switch unit {
	case "day":
		return reg.DocHasDay(doc, post.AddDate(0, 0, -back))
	case "week":
		start := post.AddDate(0, 0, -7*back-(int(post.Weekday())+6)%7) // its Monday
		for i := 0; i < 7; i++ {
			if reg.DocHasDay(doc, start.AddDate(0, 0, i)) {
				return true
			}
		}
		return false
	case "month":
		m := time.Date(post.Year(), post.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -back, 0)
		return reg.DocHas(doc, strings.ToLower(m.Month().String()))
	default:
		return reg.DocHas(doc, strconv.Itoa(post.Year()-back))
	}
}

// latest is when the most recent of docs was published.
func latest(docs []*register.Document) time.Time {
	var t time.Time
	for _, d := range docs {
		if d.PublishedAt.After(t) {
			t = d.PublishedAt
		}
	}
	return t
}

// stalePublished says why the published time word at words [i, i+n) is no
// longer true on the day the post goes out, or returns nothing.
func (ev *evaluation) stalePublished(i, n int, unit string, post time.Time, when string) []string {
	for _, r := range ev.runs {
		if r.Start > i || r.End < i+n || !r.Doc.PublicAt(ev.e.Now) {
			continue
		}
		if sameTime(r.Doc.PublishedAt, post, unit, 0) {
			return nil
		}
		return []string{fmt.Sprintf("It repeats %s (line %d) from %s, published on %s: %s it would no longer be true. Take the time word out or give the date, or post it on the day the release says.",
			ev.phraseText(i, i+n), ev.d.Words[i].Line, r.Doc.Name(), fmtTime(r.Doc.PublishedAt), when)}
	}
	return nil
}

// sayNoun reports whether word i is "say" as a noun or after "to": "Have
// your say", "a say in", "want to say".
func (ev *evaluation) sayNoun(i int) bool {
	if ev.d.Words[i].Word != "say" || i == 0 {
		return false
	}
	switch ev.d.Words[i-1].Word {
	case "your", "a", "their", "our", "the", "final", "to", "have", "has":
		return true
	}
	return false
}
