package register

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/text"
)

// Opening reporting clauses of register documents.
//
// A release often opens a sentence with who says it: "The Department
// today announced £45 million to…", "Opening the debate, the Minister
// announced that every school…". A draft may leave such a clause out and
// post "£45 million to…" when the clause only reports (announced, said,
// confirmed, set out…) and its speaker is the release's own voice: the body
// that issued it ("the council", "the department", "ministers", or a name
// in the release's web address, as "Northbridge" in northbridge.gov.uk),
// its minister or officials. Not "we": inside a quotation it is whoever
// is quoted. A clause whose verb
// denies, doubts or claims ("denied that", "rejected claims that",
// "claimed"), that holds a negation or a condition, or whose speaker is
// anyone else ("Critics said", "Residents said", "The shadow minister
// said") may not be left out: that would make someone else's claim the
// poster's own. An opening clause that may set a scope ("In Eastfield,")
// may not be left out either.

// Word kinds used for reporting clauses (besides kindQualifier and
// kindTime).
const (
	kindReport    = 1 << (iota + 2) // a verb that only reports: said, announced
	kindSpeaker                     // the release's own voice: council, minister
	kindFunc                        // the, a, of, for: words inside a speaker's name
	kindAux                         // has, today, also: between a speaker and the verb
	kindOpener                      // speaking, opening: a clause before the speaker
	kindScope                       // in, across: an opener that may set a scope
	kindOf                          // department for, minister of: a name follows
	kindThat                        // that, after the verb
	kindSet                         // set, sets: "set out"
	kindTitle                       // minister, mayor: a title that names the release's own voice
	kindNotOwn                      // shadow, opposition, former: a title that does not
	kindNamedBy                     // department, minister: "Department for Education"
	kindPortfolio                   // minister, secretary: "Heritage Minister"
)

// namedBy name a part of government by what follows "for" or "of"
// ("Department for Education", "Minister for Schools", "Secretary of
// State for Health", "Cabinet Member for Housing"). Not "office" (the
// Office for National Statistics is not the department) nor
// "spokesperson" ("a spokesperson for Friends of the Earth").
var namedBy = []string{"department", "ministry", "minister", "ministers", "secretary", "state", "member", "holder"}

// ownTitles name a release's own minister, elected member or official
// ("Exports Minister Baroness Ellery", "Chief Nurse Angela Moss"), unless
// notOwnTitles stand next to them ("Shadow Minister", "TUC General
// Secretary", "Opposition councillor"). Only a minister's or a
// secretary's title may follow a portfolio of any words ("Heritage
// Minister"): "Fund director" may be anyone's.
var ownTitles = []string{
	"minister", "ministers", "secretary", "mayor", "councillor", "cllr", "premier", "nurse", "matron",
	"director", "officer", "sergeant", "inspector", "superintendent", "constable",
}

var portfolioTitles = []string{"minister", "ministers", "secretary"}

var notOwnTitles = []string{
	"shadow", "opposition", "former", "ex", "general", "labour", "conservative", "conservatives", "tory",
	"tories", "liberal", "democrat", "democrats", "democratic", "republican", "republicans", "green",
	"greens", "snp", "plaid", "reform", "independent", "union", "unions", "party", "group", "critics",
	"campaigners", "opponents", "rival", "junior", "doctors", "nurses", "association", "federation",
	"confederation", "society", "institute", "trade",
}

// reportVerbs only report what the speaker says.
var reportVerbs = []string{
	"said", "says", "say", "announced", "announces", "announce", "confirmed", "confirms", "confirm",
	"outlined", "outlines", "stated", "states", "explained", "explains", "revealed", "reveals",
	"unveiled", "unveils", "added", "adds", "noted", "notes",
	// "according to the ONS": the speaker follows, after "to" (speakerFunc).
	"according",
}

// ownVoice are the words a release's own voice is named with.
var ownVoice = []string{
	"council", "department", "government", "ministry", "minister", "ministers",
	"secretary", "state", "officials", "official", "spokesperson", "spokesman", "spokeswoman", "mayor",
	"leader", "cabinet", "trust", "board", "authority", "agency", "executive", "office", "service",
	"chief", "deputy", "first", "prime", "premier", "city", "county", "borough", "district", "town",
	"medical", "clinical", "nursing",
	"parish", "uk", "hm", "nhs", "member", "councillor", "cllr", "portfolio", "holder",
}

// speakerFunc are the small words inside a speaker's name.
var speakerFunc = []string{"the", "a", "an", "its", "our", "of", "for", "and", "to"}

// reportAux may stand between a speaker and the verb: "has today
// announced". Not "previously" or "originally": what was said before may
// no longer hold.
var reportAux = []string{
	"has", "have", "today", "also", "this", "week", "morning", "afternoon", "yesterday", "on",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "formally",
	"officially", "now", "further",
}

// reportOpeners start an opening clause about the occasion of speaking
// ("Opening the debate,", "Speaking at the launch,").
var reportOpeners = []string{
	"opening", "speaking", "responding", "commenting", "announcing", "addressing", "introducing",
	"launching", "answering", "closing", "welcoming", "writing", "visiting", "marking", "unveiling",
}

// scopeWords in an opening clause may set where or for whom the rest
// holds ("Speaking in Eastfield, the minister said that residents must…").
var scopeWords = []string{"in", "across", "within", "throughout", "outside", "for", "only"}

// wordKinds tells the kinds of a register's word ids for alignedSpan.
// The kinds that only reporting clauses need are looked up on first use.
type wordKinds struct {
	r      *Register // read under its lock
	base   map[uint32]uint16
	report map[uint32]uint16
	voice  map[*Document][]uint32
}

// kindCache is a register's word kinds while it numbers nwords words;
// never changed once stored.
type kindCache struct {
	n            uint32
	base, report map[uint32]uint16
}

func (k *wordKinds) of(id uint32) uint16 { return k.base[id] }

// reporting returns the kinds of id that reporting clauses need.
func (k *wordKinds) reporting(id uint32) uint16 {
	if k.report == nil {
		k.report = map[uint32]uint16{}
		for _, l := range []struct {
			words []string
			kind  uint16
		}{
			{reportVerbs, kindReport}, {ownVoice, kindSpeaker}, {speakerFunc, kindFunc}, {reportAux, kindAux},
			{reportOpeners, kindOpener}, {scopeWords, kindScope}, {qualifiers, kindQualifier},
			{[]string{"for", "of"}, kindOf}, {[]string{"that"}, kindThat}, {[]string{"set", "sets"}, kindSet},
			{ownTitles, kindTitle}, {notOwnTitles, kindNotOwn}, {namedBy, kindNamedBy}, {portfolioTitles, kindPortfolio},
		} {
			for _, w := range l.words {
				if id := k.r.wordLocked(w); id != noWord {
					k.report[id] |= l.kind
				}
			}
		}
	}
	return k.report[id]
}

// voiceOf are the word ids of the names in a document's web address
// ("northbridge" in https://www.northbridge.gov.uk/news/…): the body that
// issued it.
func (k *wordKinds) voiceOf(d *Document) []uint32 {
	if v, ok := k.voice[d]; ok {
		return v
	}
	var ids []uint32
	for _, w := range HostNames(d.URL) {
		if id := k.r.wordLocked(w); id != noWord {
			ids = append(ids, id)
		}
	}
	if k.voice == nil {
		k.voice = map[*Document][]uint32{}
	}
	k.voice[d] = ids
	return ids
}

// HostNames are the labels of a web address's host that can name a body
// ("northbridge", "police" for www.northbridge.police.uk), not www, gov,
// org…, with the adjective of a country's own domain ("welsh" for
// gov.wales, "scottish" for gov.scot).
func HostNames(u string) []string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.ToLower(p.Hostname()), ".") {
		if a := hostAdjectives[l]; a != "" {
			out = append(out, a)
		}
		if len(l) < 3 || genericHostLabels[l] {
			continue
		}
		out = append(out, text.Words(l)...)
	}
	return out
}

var genericHostLabels = map[string]bool{
	"www": true, "gov": true, "govt": true, "org": true, "com": true, "net": true, "news": true,
	"press": true, "media": true, "info": true, "mygov": true, "llyw": true, "cymru": true, "gc": true,
	"usa": true, "edu": true, "int": true,
}

var hostAdjectives = map[string]string{
	"wales": "welsh", "llyw": "welsh", "cymru": "welsh", "scot": "scottish", "ie": "irish",
	"canada": "canadian", "gc": "canadian", "au": "australian",
}

// reportingOpening reports whether the document's words from the start of
// p0's sentence up to p0 are an opening reporting clause that a draft may
// leave out (see above): an optional opener ("Opening the debate,",
// "Today,"), a speaker in the release's own voice, a reporting verb and an
// optional "that".
func (d *Document) reportingOpening(p0 int, k *wordKinds) bool {
	q := p0 - 1
	for q > 0 && !d.sentenceStart(q) {
		if p0-q > 24 {
			return false
		}
		q--
	}
	w := d.words
	kind := func(i int) uint16 { return k.reporting(w[i]) | k.of(w[i]) }
	for i := q; i < p0; i++ {
		if kind(i)&kindQualifier != 0 {
			return false // "If approved,", "has not confirmed"
		}
	}
	i := q
	// An opener: up to eight words about the occasion, or up to three
	// time words, ending a clause.
	if kind(i)&(kindOpener|kindTime) != 0 {
		opener, j := kind(i)&kindOpener != 0, i
		for ; j < p0; j++ {
			if !opener && (kind(j)&kindTime == 0 || j-i >= 3) || j-i >= 8 {
				return false
			}
			if d.bounds.get(j)&endsClause != 0 {
				break
			}
		}
		if j >= p0 || d.bounds.get(j)&endsClause == 0 {
			return false
		}
		i = j + 1
	}
	// The speaker, then the verb.
	isVerb := func(i int) bool {
		return kind(i)&kindReport != 0 || kind(i)&kindSet != 0 && i+1 < p0 && w[i+1] == k.r.wordLocked("out")
	}
	v := i
	for v < p0 && !isVerb(v) {
		if d.bounds.get(v)&(endsClause|endsSentence) != 0 {
			return false // "The Minister, Jo Bell, said": who is not clear
		}
		v++
	}
	if v >= p0 || v-i > 12 || !d.ownSpeaker(i, v, k) {
		return false
	}
	i = v
	// The verb ("set out" is two words), then "that" or nothing.
	if kind(i)&kindReport == 0 {
		i++
	}
	i++
	if i < p0 && kind(i)&kindThat != 0 {
		i++
	}
	return i == p0
}

func contains(ids []uint32, id uint32) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// OpeningLeftOut says, for a draft sentence found in doc from word p0 on,
// what opening of the document's sentence it leaves out and why that
// matters: "critics said that" and "someone other than…". It returns ""
// when p0 starts a sentence or the opening may be left out.
func (r *Register) OpeningLeftOut(doc *Document, p0 int) (opening, why string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if doc.bounds == nil || p0 <= 0 || p0 > len(doc.words) || doc.sentenceStart(p0) {
		return "", ""
	}
	k := r.qualifierLocked()
	if doc.timeOpening(p0, k) || doc.reportingOpening(p0, k) {
		return "", ""
	}
	q := p0 - 1
	for q > 0 && !doc.sentenceStart(q) && p0-q < 24 {
		q--
	}
	qualifies, reports, scope, opener := false, false, false, true
	for i := q; i < p0; i++ {
		kk := k.reporting(doc.words[i])
		qualifies = qualifies || kk&kindQualifier != 0
		reports = reports || kk&kindReport != 0
		scope = scope || opener && kk&kindScope != 0
		opener = opener && doc.bounds.get(i)&endsClause == 0
	}
	if opener {
		scope = false // no opening clause: "for" is in a name
	}
	switch {
	case qualifies:
		why = "those words negate, limit or set a condition on what follows"
	case scope:
		why = "those words may set where or for whom it holds"
	case reports:
		why = "they say who said it, and clearance cannot tell that it is the release's own voice (the body that issued it, its minister or officials): without them someone else's claim reads as the poster's own"
	default:
		why = "those words may deny, doubt or set the scope of what follows"
	}
	return r.textLocked(doc.words[q:p0]), why
}

// ClosingLeftOut returns the closing clause of the document's sentence
// that a draft sentence ending before word p1 leaves out, when it gives
// the words to someone other than the release's own voice ("the ons
// said"); else "".
func (r *Register) ClosingLeftOut(doc *Document, p1 int) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if doc.bounds == nil || p1 <= 0 || p1 >= len(doc.words) || doc.bounds.get(p1-1)&endsSentence != 0 {
		return ""
	}
	if !doc.reportingClosing(p1, r.qualifierLocked()) {
		return ""
	}
	q := p1
	for q < len(doc.words)-1 && doc.bounds.get(q)&endsSentence == 0 && q-p1 < 24 {
		q++
	}
	return r.textLocked(doc.words[p1 : q+1])
}

// textLocked spells word ids out (folded, as the index holds them).
func (r *Register) textLocked(ids []uint32) string {
	want := map[uint32]string{}
	for _, id := range ids {
		want[id] = ""
	}
	left := len(want)
	r.layers(func(l *layer) bool {
		for w, id := range l.vocab {
			if s, ok := want[id]; ok && s == "" {
				want[id] = w
				left--
			}
		}
		return left > 0
	})
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = want[id]
	}
	return strings.Join(out, " ")
}

// OwnVoice reports whether speaker (folded words, small words left out;
// long gives the long forms of titles: "cllr" is "councillor") names the
// document's own voice as ownSpeaker does: "the council", "Northbridge
// City Council" for northbridge.gov.uk, "Baroness Ellery" where the
// document says "Exports Minister Baroness Ellery". A speaker the document
// only quotes ("Critics", "the ONS") is not its own voice.
func (r *Register) OwnVoice(doc *Document, speaker []string, long map[string]string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k := r.qualifierLocked()
	host := HostNames(doc.URL)
	head := false
	for _, w := range speaker {
		if slices.Contains(notOwnTitles, w) {
			return false
		}
		if slices.Contains(ownVoice, w) || slices.Contains(host, w) || long[w] != "" && slices.Contains(ownVoice, long[w]) {
			head = true
			continue
		}
		if slices.Contains(speakerFunc, w) {
			continue
		}
		id := r.wordLocked(w)
		if l := long[w]; l != "" && (id == noWord || !slices.Contains(doc.words, id)) {
			id = r.wordLocked(l)
		}
		if id == noWord || !doc.titled(id, k) {
			return false
		}
		head = true
	}
	return head
}

// DocHasDay reports whether the document gives the date of day t ("1
// December", "December 1st").
func (r *Register) DocHasDay(doc *Document, t time.Time) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	month := strings.ToLower(t.Month().String())
	ms := []uint32{r.wordLocked(month), r.wordLocked(month[:3])}
	day := strconv.Itoa(t.Day())
	suffix := "th"
	switch t.Day() {
	case 1, 21, 31:
		suffix = "st"
	case 2, 22:
		suffix = "nd"
	case 3, 23:
		suffix = "rd"
	}
	ds := []uint32{r.wordLocked(day), r.wordLocked(day + suffix)}
	is := func(id uint32, set []uint32) bool { return id != noWord && slices.Contains(set, id) }
	w := doc.words
	for p := 0; p+1 < len(w); p++ {
		if is(w[p], ds) && is(w[p+1], ms) || is(w[p], ms) && is(w[p+1], ds) {
			return true
		}
	}
	return false
}

// ownSpeaker reports whether the document's words [a, b) name the
// release's own voice, with words such as "has today" before a verb: own
// voice words ("the council", "ministers"), the small words of a
// name, a name in the release's web address, up to four words of a name
// after "Department for" or "Minister of", and the name of someone the
// document gives an own title elsewhere ("Baroness Ellery" where it says
// "Exports Minister Baroness Ellery"). At least one word must name the
// speaker.
func (d *Document) ownSpeaker(a, b int, k *wordKinds) bool {
	w := d.words
	kind := func(i int) uint16 { return k.reporting(w[i]) | k.of(w[i]) }
	voice := k.voiceOf(d)
	head, named := false, 0
	for i := a; i < b; i++ {
		switch kk := kind(i); {
		case kk&kindNotOwn != 0:
			return false
		case named > 0 && kk&(kindAux|kindThat) == 0:
			named--
		case kk&(kindSpeaker|kindTitle) != 0:
			head = true
		case kk&kindFunc != 0:
			if kk&kindOf != 0 && i > a && kind(i-1)&kindNamedBy != 0 {
				named = 4
			}
		case contains(voice, w[i]):
			head = true
		case kk&kindAux != 0 && head:
			// "has today", between the speaker and the verb.
		case d.titled(w[i], k):
			head = true
		case portfolio(b, i, kind):
			// "Heritage" in "Heritage Minister Clara Whitlock"
		default:
			return false
		}
	}
	return head
}

// portfolio reports whether word i of a speaker ending before b is part of
// a minister's portfolio: an own title follows within three words
// ("Work and Pensions Secretary").
func portfolio(b, i int, kind func(int) uint16) bool {
	for j := i + 1; j < b && j <= i+3; j++ {
		if kind(j)&kindPortfolio != 0 {
			return true
		}
		if kind(j)&(kindReport|kindNotOwn) != 0 {
			return false
		}
	}
	return false
}

// titled reports whether the document gives the word an own title
// (minister, mayor, chief nurse…) right before it, in the same clause:
// "Exports Minister Baroness Ellery", "Minister for Schools Jo Bell",
// "Chief Nurse Angela Moss". What stands before the title must be a
// minister's portfolio ("Exports") or the release's own voice ("Chief",
// "Police" for police.uk), never another title ("Shadow", "Opposition")
// or another body ("Greenpeace director Jo Smith").
func (d *Document) titled(id uint32, k *wordKinds) bool {
	w := d.words
	bound := func(q int) bool { return q < 0 || d.bounds.get(q)&(endsClause|endsSentence) != 0 }
	voice := k.voiceOf(d)
next:
	for p, v := range w {
		if v != id {
			continue
		}
		// The nearest title before it.
		t := -1
		for q := p - 1; q >= 0 && q >= p-5 && !bound(q); q-- {
			kk := k.reporting(w[q])
			if kk&(kindReport|kindNotOwn) != 0 {
				continue next
			}
			if kk&kindTitle != 0 {
				t = q
				break
			}
		}
		if t < 0 {
			continue
		}
		portfolio := k.reporting(w[t])&kindPortfolio != 0
		for q := t - 1; q >= 0 && q >= t-3 && !bound(q); q-- {
			kk := k.reporting(w[q])
			switch {
			case kk&(kindNotOwn|kindReport) != 0:
				continue next
			case portfolio, kk&(kindSpeaker|kindFunc|kindTitle) != 0, contains(voice, w[q]):
			default:
				continue next
			}
		}
		return true
	}
	return false
}

// reportingClosing reports whether the document's words from p1 to the
// end of their sentence, which a draft leaves out, hold a reporting
// clause ("…, the ONS said") whose speaker is not the release's own voice.
func (d *Document) reportingClosing(p1 int, k *wordKinds) bool {
	w := d.words
	kind := func(i int) uint16 { return k.reporting(w[i]) | k.of(w[i]) }
	c0 := p1
	for q := p1; q < len(w); q++ {
		last := d.bounds.get(q)&endsSentence != 0
		if last || d.bounds.get(q)&endsClause != 0 {
			// The clause [c0, q]: is it someone saying so?
			for v := c0; v <= q; v++ {
				if kind(v)&kindReport == 0 {
					continue
				}
				rest := true // "the ONS said today": only aux after the verb
				for j := v + 1; j <= q; j++ {
					rest = rest && kind(j)&(kindAux|kindThat) != 0
				}
				switch {
				case v > c0 && rest:
					if !d.ownSpeaker(c0, v, k) {
						return true
					}
				case v == c0: // "said the ONS"
					if !d.ownSpeaker(v+1, q+1, k) {
						return true
					}
				default:
					return true // who says it is not clear
				}
				break
			}
			c0 = q + 1
		}
		if last {
			break
		}
	}
	return false
}
