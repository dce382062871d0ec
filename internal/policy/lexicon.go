package policy

import (
	"github.com/clearance-dev/clearance/internal/text"
	"sort"
	"strings"
)

// The lexicon of view and guidance language. A draft that uses any of these
// words or phrases outside text already published says something new: an
// opinion, a judgement, or advice. Phrases are matched word for word on
// normalised text (see Fold), so "I  THINK", "i th\u200bink" and "І think"
// (Cyrillic І) all match "i think".

// defaultView: first-person opinion, feeling and evaluation.
var defaultView = []string{
	// first-person opinion
	"i think", "i believe", "i feel", "i reckon", "i suspect", "i guess", "i hope",
	"we think", "we believe", "we feel", "we hope", "in my view", "in my opinion", "in our view",
	"in our opinion", "my view", "our view", "my opinion", "our opinion", "personally", "imo", "imho",
	"i am delighted", "im delighted", "we are delighted", "were delighted", "i am pleased", "we are pleased",
	"were pleased", "im pleased", "i am proud", "we are proud", "were proud", "im proud",
	"we welcome", "i welcome", "we regret", "i regret", "we disagree", "i disagree", "we agree", "i agree",
	"we support", "i support", "we oppose", "i oppose", "frankly", "honestly", "clearly", "obviously",
	"of course", "to be fair", "unfortunately", "fortunately", "sadly", "hopefully", "thankfully",
	// evaluative words
	"great", "excellent", "fantastic", "brilliant", "amazing", "wonderful", "outstanding", "superb",
	"terrible", "awful", "appalling", "disgraceful", "shameful", "shocking", "disappointing",
	"disappointed", "unacceptable", "ridiculous", "absurd", "nonsense", "misguided", "wrong",
	"irresponsible", "reckless", "best", "worst", "better", "worse", "good news", "bad news",
	"world class", "world leading", "landmark", "historic", "game changer", "groundbreaking",
	"welcome news", "right decision", "wrong decision", "mistake", "unfair", "pointless",
	"incompetent", "scandal", "disaster", "delighted", "thrilled", "proud", "pleased", "unhappy", "angry", "furious",
	"concerned", "worried", "worrying", "alarming", "excited", "exciting", "love", "hate",
	"disgrace", "a disgrace", "shame", "shame on", "heartbreaking", "heartbroken", "outrageous", "overdue",
	"absolutely", "vote for", "vote against", "deserve", "deserves", "deserved", "sorry to say",
	"we know", "we understand", "we appreciate",
	// idioms of view: it should have happened sooner
	"about time", "at last", "at long last", "finally", "high time", "not before time", "long awaited",
	"long overdue",
	// doubt or denial beside published text ("Myth:", "Not true:"), and
	// insults
	"not true", "untrue", "myth", "myths", "hoax", "debunked", "misleading", "fake news", "allegedly",
	"supposedly", "so called", "apparently", "yeah right", "liar", "liars", "idiot", "idiots", "moron",
	"morons", "stupid", "pathetic", "useless", "a joke", "what a joke",
}

// defaultCommitment: promises and admissions made for the organisation.
var defaultCommitment = []string{
	"we will", "we promise", "we guarantee", "we commit", "we are committed to", "were committed to",
	"we pledge", "our fault", "our mistake", "our error", "we got it wrong", "we apologise",
	"we apologize", "we are sorry", "were sorry", "we accept responsibility", "we take responsibility",
	"we will refund", "we will compensate", "we will credit",
}

// defaultGuidance: advice, instructions and obligations.
var defaultGuidance = []string{
	"should", "shouldnt", "should not", "must", "mustnt", "must not", "ought", "ought to",
	"we recommend", "i recommend", "recommend", "recommended", "recommends", "we advise", "i advise",
	"advise", "advised", "advice is", "our advice", "my advice", "we suggest", "i suggest", "suggest",
	"we urge", "urge", "we encourage", "encourage", "you need to", "you have to", "you will need to",
	"youll need to", "need to make sure", "make sure", "be sure to", "remember to", "dont forget",
	"do not forget", "never", "always", "avoid", "dont", "do not", "you can claim",
	"is safe", "are safe", "is not safe", "is unsafe", "it is safe", "its safe", "safe to",
	"the rule is", "the rules are", "the deadline is", "you can now", "required to",
	"is required", "are required", "mandatory", "prohibited", "banned", "allowed to", "not allowed",
	"permitted", "guidance is", "best practice", "tips", "top tip", "beware",
	"need to", "needs to", "no longer need", "no longer needs", "dont need", "do not need", "have to",
	"has to", "can now claim", "can claim", "can now apply", "is eligible", "are eligible",
	"entitled to", "is entitled", "are entitled",
}

// defaultNeutral are phrases that contain a lexicon word but give no view
// or guidance ("don't miss" invites, it does not instruct). They are
// matched first and consume their words.
var defaultNeutral = []string{
	"dont miss", "do not miss", "never miss", "best wishes", "all the best", "with best wishes",
	"better known as", "love to hear", "would love to hear", "always welcome", "better connected",
	"if you are eligible", "whether you are eligible", "if youre eligible", "whether youre eligible",
	"guidance is here", "guidance is available", "our tips", "our top tips", "best practice guide",
	"dont forget to book", "dont forget to register", "dont forget to apply", "remember to book",
	"remember to register", "remember to apply", "do not forget to book", "do not forget to register",
	// "at last" and "about time" that state no view
	"at last year", "at last years", "at last week", "at last weeks", "at last month", "at last months",
	"at last night", "at last nights", "at last count", "at last orders", "about time limits",
	"about time slots", "about time off", "about time zones", "about time frames", "about time scales",
	"about time spent", "about time changes",
	"myth busting", "myth buster", "myth busters", "mythbusting", "mythbuster", "mythbusters", "hoax calls",
	"hoax call", "hoax caller", "hoax callers",
	// "disaster" as the name of a kind of help, not a judgement
	"disaster assistance", "disaster relief", "disaster recovery", "disaster response", "disaster declaration",
	"disaster area", "disaster areas", "disaster fund", "disaster funding", "disaster management",
	"disaster preparedness", "disaster risk", "disaster loan", "disaster loans", "disaster unemployment",
	"disaster help", "disaster aid", "disaster support", "disaster grant", "disaster grants",
	"disaster payment", "disaster payments", "disaster survivors", "disaster victims",
}

// Lexicon finds view and guidance language.
type Lexicon struct {
	// phrases by first word; each phrase is its words.
	byFirst map[string][]lexPhrase
	// vocab holds every word of every phrase (see hashtag.go).
	vocab map[string]bool
}

type lexPhrase struct {
	words []string
	kind  string // "view" or "guidance"
	text  string
}

// NewLexicon builds the default lexicon extended by the config.
func NewLexicon(cfg LexiconConfig) *Lexicon {
	l := &Lexicon{byFirst: map[string][]lexPhrase{}, vocab: map[string]bool{}}
	ignore := map[string]bool{}
	for _, p := range cfg.Ignore {
		ignore[strings.Join(text.Words(p), " ")] = true
	}
	add := func(list []string, kind string) {
		for _, p := range list {
			w := text.Words(p)
			if len(w) == 0 || ignore[strings.Join(w, " ")] {
				continue
			}
			l.byFirst[w[0]] = append(l.byFirst[w[0]], lexPhrase{words: w, kind: kind, text: strings.Join(w, " ")})
			for _, x := range w {
				l.vocab[x] = true
			}
		}
	}
	add(defaultNeutral, "neutral")
	add(defaultView, "view")
	add(cfg.View, "view")
	add(defaultGuidance, "guidance")
	add(cfg.Guidance, "guidance")
	add(defaultCommitment, "commitment")
	for k := range l.byFirst {
		ps := l.byFirst[k]
		// Longest phrase first, so "do not forget" wins over "do not".
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
	}
	return l
}

// LexHit is one match of the lexicon in a draft.
type LexHit struct {
	Phrase     string // as in the lexicon
	Kind       string // view, guidance or commitment
	Start, End int    // word range in the draft
	// Shown and Read, when set, are the words as written and as
	// clearance read them, where they differ by more than case: a
	// hashtag ("#SHAMEONTHEM", "shame on them"), a word spelled out
	// letter by letter ("d i s g r a c e", "disgrace").
	Shown, Read string
}

// Find returns the matches in words, skipping words for which skip is true
// (text already published), longest phrase first, without overlaps.
func (l *Lexicon) Find(words []string, skip func(i int) bool) []LexHit {
	var hits []LexHit
	for i := 0; i < len(words); i++ {
		if skip != nil && skip(i) {
			continue
		}
		for _, p := range l.byFirst[words[i]] {
			if i+len(p.words) > len(words) {
				continue
			}
			ok := true
			for j, w := range p.words {
				if words[i+j] != w || (skip != nil && skip(i+j)) {
					ok = false
					break
				}
			}
			if ok {
				if p.kind != "neutral" {
					hits = append(hits, LexHit{Phrase: p.text, Kind: p.kind, Start: i, End: i + len(p.words)})
				}
				i += len(p.words) - 1
				break
			}
		}
	}
	return hits
}
