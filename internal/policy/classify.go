package policy

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/channel"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
	"golang.org/x/text/unicode/norm"
)

// Engine evaluates drafts against one base-branch state: its config,
// CODEOWNERS and register. It is safe for concurrent use.
type Engine struct {
	Config *Config
	// Owners is the parsed CODEOWNERS; nil when the repo has none.
	Owners *Owners
	// Register is the published material; nil means empty.
	Register *register.Register
	// Now decides which embargoes have passed.
	Now time.Time

	lexicon      *Lexicon
	drafts       GlobSet
	register     GlobSet
	alwaysReview GlobSet
	markings     []markingPhrase
}

// NewEngine prepares an engine. cfg nil means the defaults.
func NewEngine(cfg *Config, owners *Owners, reg *register.Register, now time.Time) *Engine {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	if reg == nil {
		reg = register.New()
	}
	e := &Engine{Config: cfg, Owners: owners, Register: reg, Now: now}
	e.lexicon = NewLexicon(cfg.Lexicon)
	e.drafts = CompileGlobs(cfg.Drafts)
	e.register = CompileGlobs(cfg.Register)
	e.alwaysReview = CompileGlobs(cfg.AlwaysReview)
	e.markings = defaultMarkings()
	for _, m := range cfg.Markings {
		if w := text.Words(m); len(w) > 0 {
			e.markings = append(e.markings, markingPhrase{words: w, text: m})
		}
	}
	return e
}

// IsDraft reports whether a repo path is a draft under the config: it
// matches drafts, or it is a Markdown file that matches always_review (a
// statement kept outside the draft folders is still reviewed). A
// README.md is never a draft: it says what a folder is for.
func (e *Engine) IsDraft(path string) bool {
	if strings.EqualFold(path[strings.LastIndexByte(path, '/')+1:], "README.md") {
		return false // notes about the folder, as in the register
	}
	if _, ok := e.drafts.Match(path); ok {
		return true
	}
	_, ok := e.alwaysReview.Match(path)
	return ok && strings.HasSuffix(strings.ToLower(path), ".md")
}

// IsRegister reports whether a repo path is a register document.
func (e *Engine) IsRegister(path string) bool {
	_, ok := e.register.Match(path)
	return ok
}

// Result is the engine's answer for one draft.
type Result struct {
	Path     string    `json:"path"`
	Scenario Scenario  `json:"scenario"`
	Reasons  []string  `json:"reasons"`
	Findings []Finding `json:"findings"`
	// Reviewers lists, per required role, the code owners who can approve
	// this draft in that role. Empty unless the draft is new-content.
	Reviewers map[string][]string `json:"reviewers"`
	// Owners are all the draft's code owners, as CODEOWNERS lists them.
	Owners []string `json:"owners,omitempty"`
	// Channel, Author and the length, for previews.
	Channel     string `json:"channel,omitempty"`
	Author      string `json:"author,omitempty"`
	Length      int    `json:"length"`
	LengthLimit int    `json:"length_limit,omitempty"`
	// Coverage is the share of the draft's words found in published
	// register documents (0–1).
	Coverage float64 `json:"coverage"`
	// Text is the draft as it will read once posted.
	Text string `json:"-"`
	// Evidence, for a public-domain draft, says where each sentence is
	// published.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Errors counts the error findings.
func (r *Result) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// NeedsReview reports whether the draft needs approval before it is posted.
func (r *Result) NeedsReview() bool { return r.Scenario.NeedsReview() }

// Evaluate classifies one draft and lists what is wrong with it.
func (e *Engine) Evaluate(path string, data []byte) *Result {
	return e.EvaluateDraft(ParseDraft(path, data))
}

// EvaluateDraft is Evaluate for an already parsed draft.
func (e *Engine) EvaluateDraft(d *Draft) *Result {
	res := &Result{Path: d.Path, Reviewers: map[string][]string{}, Channel: d.Channel, Author: d.Author, Text: d.Plain}
	res.Findings = append(res.Findings, d.Findings...)
	ev := &evaluation{e: e, d: d, res: res}
	ev.run()
	sortFindings(res.Findings)
	return res
}

type evaluation struct {
	e   *Engine
	d   *Draft
	res *Result

	covered []bool
	runs    []register.Run
	// matched are the words in a run shared with a public register
	// document, published or not (see publishedWords).
	matched []bool
	// foreign are words around a published quotation that its document
	// does not have (see attributions).
	foreign []string
	// edited marks the first word of each sentence named as an edit of
	// published text (see edits).
	edited map[int]bool
	// tags marks hashtags and @mentions, and counters (1/3) that open or
	// close a sentence (see tagWords).
	tags []bool
	// toks holds each sentence's tokens as written (see tokens).
	toks map[[3]int][]text.Token
	// frame marks the words that open a sentence without being part of
	// what may be published: greetings, repost prefixes, and reporting
	// clauses in the release's own voice (see framing.go).
	frame []bool
	// salute marks the words of greetings and repost prefixes (a part of
	// frame): they put no words in a quoted speaker's mouth.
	salute []bool
	// figs are the draft's figures, read once (see figures).
	figs     []register.Figure
	figsRead bool
	// foreignLines are the lines of foreign, one each.
	foreignLines []int
	// factsSaid are the changed facts already reported (see editChanges).
	factsSaid map[string]bool
}

func (ev *evaluation) add(rule string, sev Severity, line int, format string, args ...any) {
	ev.res.Findings = append(ev.res.Findings, Finding{Rule: rule, Severity: sev, Path: ev.d.Path, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (ev *evaluation) reason(format string, args ...any) {
	ev.res.Reasons = append(ev.res.Reasons, fmt.Sprintf(format, args...))
}

func (ev *evaluation) run() {
	d, e := ev.d, ev.e
	ev.checkFields()
	ev.checkMarkings()
	ev.checkLinks()
	ev.checkLength()
	ev.checkComments()
	bidiFound := ev.checkBidi()
	if !d.HasText() && len(d.Links) == 0 && !d.Unreadable {
		// Only blank lines, invisible characters or comments: point at
		// the front matter's closing line, under which the text goes.
		ev.add(RuleEmptyBody, Error, d.closeLine, "there is nothing to post: write the text of the post below the front matter")
	}

	scenario := ev.classify()
	ev.reportChangedFacts()
	if ev.embargoedLinks() && scenario != NewContent {
		ev.reason("It links to a release that is not public yet (see above), so it is not free to post.")
		scenario = NewContent
	}
	if scenario != NewContent && hasErrorRule(ev.res.Findings, RuleInternalLink) {
		// An internal address is not published, whatever the words around
		// it: it points at what the public may not see.
		ev.reason("It names an internal address (see the findings), which is not published material, so it is not free to post even where its words are published.")
		scenario = NewContent
	}
	if g, ok := e.alwaysReview.Match(d.Path); ok {
		why := fmt.Sprintf("Its path matches %q under always_review in %s, so it always needs review.", g.String(), ConfigPath)
		if scenario != NewContent {
			why += fmt.Sprintf(" On its text alone it would be %s.", scenario)
		}
		ev.res.Reasons = append([]string{why}, ev.res.Reasons...)
		scenario = NewContent
	}
	scenario = ev.neverFree(scenario, bidiFound)
	// The author's claim can only make it stricter.
	if d.Claim != "" && d.Claim != scenario {
		switch {
		case d.Claim == NewContent:
			ev.reason("The author marked it new-content, so it gets reviewed as new-content (a claim can make review stricter, never laxer).")
			scenario = NewContent
		case d.Claim.strictness() > scenario.strictness():
			ev.reason("The author marked it %s; clearance finds %s, so it is labelled %s (a claim can make it stricter, never laxer). Either way it needs no review.", d.Claim, scenario, d.Claim)
			scenario = d.Claim
		case scenario == NewContent:
			why := ""
			if len(ev.res.Reasons) > 0 {
				why = " " + ev.res.Reasons[0]
			}
			ev.add(RuleScenarioClaim, Warning, d.FieldLine("scenario"), "marked %s, but clearance finds new-content, so it needs review.%s Change the header line scenario: %s to scenario: new-content, or delete that line.", d.Claim, why, d.Claim)
		default:
			ev.add(RuleScenarioClaim, Warning, d.FieldLine("scenario"), "marked %s, but clearance finds %s (a claim can make it stricter, never laxer). Either way it needs no review. Change the header line scenario: %s to scenario: %s, or delete that line.", d.Claim, scenario, d.Claim, scenario)
		}
	}
	ev.res.Scenario = scenario
	if scenario == NewContent {
		ev.assignReviewers()
	}
}

// checkFields covers author, reply and sources.
func (ev *evaluation) checkFields() {
	d := ev.d
	if d.Unreadable || d.fmUnread {
		// Nothing was read, or the front matter could not be: its fields
		// are unknown, not missing, and one finding already says what
		// to fix.
		return
	}
	// misnamed says where a field was written with the wrong case or a
	// slip of the keyboard (Author: for author:).
	misnamed := func(field string) (int, string, bool) {
		mf, ok := d.misnamed[field]
		if !ok {
			return 0, "", false
		}
		_, lower := fieldHint(mf.name)
		return mf.line, fmt.Sprintf("this line has %s:; %s", mf.name, fieldHintText(field, lower)), true
	}
	if !d.HasField("author") || d.Author == "" {
		if d.authorNotText != "" {
			ev.add(RuleMissingAuthor, Error, d.FieldLine("author"), "author: %s is not a name: write who this is posted as, for example author: Press Office, Department for Transport", d.authorNotText)
		} else if line, hint, ok := misnamed("author"); ok && !d.HasField("author") {
			ev.add(RuleMissingAuthor, Error, line, "no author: %s", hint)
		} else {
			ev.add(RuleMissingAuthor, Error, d.FieldLine("author"), "no author: the draft does not say who is posting. Add a line author: to its header, with who this is posted as (for example author: Press Office, Department for Transport), so readers know who is speaking")
		}
	}
	if d.Kind == "reply" && d.InReplyTo == "" {
		why, line := "it is in the replies/ folder", 1
		if d.HasField("kind") {
			why, line = "it says kind: reply", d.FieldLine("kind")
		}
		switch l, hint, ok := misnamed("in_reply_to"); {
		case d.HasField("in_reply_to"):
			ev.add(RuleMissingReplyTo, Error, d.FieldLine("in_reply_to"), "this is a reply (%s) but in_reply_to is empty: add the address of the post or comment it answers", why)
		case ok:
			ev.add(RuleMissingReplyTo, Error, l, "this is a reply (%s) but has no in_reply_to: %s", why, hint)
		default:
			ev.add(RuleMissingReplyTo, Error, line, "this is a reply (%s) but has no in_reply_to: add in_reply_to: with the address of the post or comment it answers", why)
		}
	}
	if d.HasField("channel") {
		if _, ok := ev.e.Config.Channels[d.Channel]; !ok && d.Channel != "" {
			ev.add(RuleChannel, Error, d.FieldLine("channel"), "unknown channel %q: use one of %s, or add it under channels in %s", d.Channel, strings.Join(ev.channelNames(), ", "), ConfigPath)
		}
	} else if _, _, ok := misnamed("channel"); ok {
		// The warning on the misnamed field says what to do.
	} else {
		ev.add(RuleChannel, Warning, 1, "no channel: add channel: (%s) so the length can be checked", strings.Join(ev.channelNames(), ", "))
	}
	for _, s := range d.Sources {
		if ev.e.Register.Resolve(s) != nil {
			continue
		}
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			continue // a page elsewhere: it cannot be checked from here
		}
		{
			ev.add(RuleMissingSource, Warning, d.FieldLine("sources"), "source %q is not in the register of published material; check the path (for example published/2026-03-01-release.md) or give its https:// address", s)
		}
	}
}

func (ev *evaluation) channelNames() []string {
	return sortedKeys(ev.e.Config.Channels)
}

func (ev *evaluation) checkLength() {
	d := ev.d
	rule, ok := ev.e.Config.Channels[d.Channel]
	if !ok {
		return
	}
	ev.res.LengthLimit = rule.Max
	if len(d.Parts) > 1 && channel.Thread(d.Channel) {
		// A thread: each post is counted on its own.
		for i, p := range d.Parts {
			ev.res.Length = max(ev.res.Length, channel.CountLength(p.Text, rule))
			for _, msg := range rule.Check(d.Channel, p.Text) {
				ev.add(RuleLength, Error, p.Line, "In post %d of %d of this thread: %s", i+1, len(d.Parts), msg)
			}
		}
		return
	}
	ev.res.Length = channel.CountLength(d.Plain, rule)
	for _, msg := range rule.Check(d.Channel, d.Plain) {
		ev.add(RuleLength, Error, d.BodyLine, "%s", msg)
	}
}

var internalSuffixes = []string{".local", ".internal", ".intranet", ".corp", ".lan", ".home.arpa", ".localdomain", ".test", ".invalid"}

func (ev *evaluation) checkLinks() {
	// flagged records, for each host under internal_domains, the lines
	// where a link to it was flagged, so that checkTextHosts does not
	// flag the same address twice.
	flagged := map[string]map[int]bool{}
	for _, l := range ev.d.Links {
		u, err := url.Parse(strings.TrimSpace(l.URL))
		if l.Image && err == nil && u.Scheme == "" && u.Host == "" {
			continue // an image file in the repo, attached to the post
		}
		if err != nil || u.Scheme == "" {
			if strings.HasPrefix(l.URL, "#") {
				continue
			}
			ev.add(RuleInsecureLink, Error, l.Line, "%q is not a full web address; write it out with https://", l.URL)
			continue
		}
		switch strings.ToLower(u.Scheme) {
		case "https":
		case "mailto", "tel":
			continue
		case "http":
			ev.add(RuleInsecureLink, Error, l.Line, "the link %s uses http://, which is not secure; use the https:// address", l.URL)
		default:
			ev.add(RuleInsecureLink, Error, l.Line, "the link %s is not a web address readers can open; link to an https:// page", l.URL)
			continue
		}
		host := foldHost(u.Hostname())
		if host == "" {
			ev.add(RuleInternalLink, Error, l.Line, "the link %s has no site name after %s://; write the full address, for example https://www.example.gov.uk/page", l.URL, strings.ToLower(u.Scheme))
			continue
		}
		if why := ev.internalHost(host); why != "" {
			ev.add(RuleInternalLink, Error, l.Line, "the link %s points to %s, which the public cannot reach; link to a public page instead", l.URL, why)
			if ev.internalDomainOf(host) != "" {
				if flagged[host] == nil {
					flagged[host] = map[int]bool{}
				}
				flagged[host][l.Line] = true
			}
		}
	}
	ev.checkTextHosts(flagged)
}

// internalHost says why host, folded by foldHost, is internal ("an
// internal site (…)"), or returns "".
func (ev *evaluation) internalHost(host string) string {
	if host == "" {
		return "no host"
	}
	if ev.internalDomainOf(host) != "" {
		return fmt.Sprintf("an internal site (%s, on the list of internal sites in clearance's settings)", host)
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
			return fmt.Sprintf("a private network address (%s)", host)
		}
		return ""
	}
	if host == "localhost" || !strings.Contains(host, ".") {
		return fmt.Sprintf("an internal host name (%s)", host)
	}
	for _, s := range internalSuffixes {
		if strings.HasSuffix(host, s) {
			return fmt.Sprintf("an internal host name (%s)", host)
		}
	}
	return ""
}

// markingPhrase is a protective marking or "not for publication" phrase.
type markingPhrase struct {
	words []string
	text  string
	upper bool // only when written in capitals (SECRET, not "secret")
}

func defaultMarkings() []markingPhrase {
	var out []markingPhrase
	for _, p := range []string{"official sensitive", "not for publication", "not for release", "do not publish", "not to be published", "under embargo", "embargoed", "embargoed until", "internal only", "for internal use only", "not for circulation", "commercial in confidence", "restricted circulation"} {
		out = append(out, markingPhrase{words: text.Words(p), text: p})
	}
	for _, p := range []string{"TOP SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED", "OFFICIAL SENSITIVE"} {
		out = append(out, markingPhrase{words: text.Words(p), text: p, upper: true})
	}
	return out
}

var upperWordRE = regexp.MustCompile(`[A-Z][A-Z]+`)

// checkMarkings scans every line of the file, front matter included.
func (ev *evaluation) checkMarkings() {
	raw := string(ev.d.raw)
	if raw == "" {
		raw = ev.d.Body
	}
	// Every word of the file with its line, and whether it is written
	// in capitals: a marking wrapped onto the next line ("Not for⏎
	// publication") reads as one once posted.
	type markWord struct {
		word  string
		line  int
		upper bool
	}
	var all []markWord
	reported := map[int]bool{}
	report := func(line int, m markingPhrase) {
		if !reported[line] {
			reported[line] = true
			ev.add(RuleMarking, Error, line, "the text carries the marking %q: material so marked must not be posted. Remove it, or if the material is not cleared for release, do not post it", strings.ToUpper(m.text))
		}
	}
	for i, line := range strings.Split(raw, "\n") {
		folded := text.Fold(line)
		toks := text.Tokenize(folded)
		if len(toks) == 0 {
			continue
		}
		words := make([]string, len(toks))
		for j, t := range toks {
			words[j] = t.Word
			all = append(all, markWord{t.Word, i + 1, allCapitals(folded[t.Start:t.End])})
		}
		var upperSet map[string]bool
		for _, m := range ev.e.markings {
			if m.upper && upperSet == nil {
				upperSet = map[string]bool{}
				for _, w := range upperWordRE.FindAllString(folded, -1) {
					upperSet[strings.ToLower(w)] = true
				}
			}
			if containsPhrase(words, m.words) && (!m.upper || allIn(upperSet, m.words)) {
				report(i+1, m)
				break
			}
		}
	}
	// Phrases across a line break.
	for i := range all {
		for _, m := range ev.e.markings {
			n := len(m.words)
			if n < 2 || i+n > len(all) || all[i].line == all[i+n-1].line || reported[all[i].line] {
				continue
			}
			ok := true
			for j, w := range m.words {
				if all[i+j].word != w || m.upper && !all[i+j].upper {
					ok = false
					break
				}
			}
			if ok {
				report(all[i].line, m)
			}
		}
	}
}

// allCapitals reports whether a word has two or more letters, all capitals.
func allCapitals(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n >= 2
}

func allIn(set map[string]bool, words []string) bool {
	for _, w := range words {
		if !set[w] {
			return false
		}
	}
	return true
}

func containsPhrase(words, phrase []string) bool {
outer:
	for i := 0; i+len(phrase) <= len(words); i++ {
		for j, w := range phrase {
			if words[i+j] != w {
				continue outer
			}
		}
		return true
	}
	return false
}

// classify decides the scenario from the text alone and writes reasons.
func (ev *evaluation) classify() Scenario {
	d, e := ev.d, ev.e
	if d.Unreadable || hasErrorRule(d.Findings, RuleFrontMatter) || hasErrorRule(d.Findings, RuleUnreadable) {
		ev.reason("clearance could not read this draft properly (see the findings), so it must be reviewed before it is posted.")
		return NewContent
	}
	if hasErrorRule(ev.res.Findings, RuleMarking) {
		// Published text beside a marking may come from a document that
		// is not cleared for release: never free.
		ev.reason("It carries a protective marking (see the findings), so it is not free to post even where its words are published: the marked material must be cleared first.")
		ev.reason("New information must be checked by policy and communications officials before it is posted.")
		return NewContent
	}
	words := make([]string, len(d.Words))
	for i, w := range d.Words {
		words[i] = w.Word
	}
	minRun := e.Config.Thresholds.MinMatchWords
	var short [][2]int
	for _, s := range d.Sentences {
		if s.End-s.Start < minRun {
			short = append(short, [2]int{s.Start, s.End})
		}
	}
	for _, q := range d.Quotes {
		if q[1]-q[0] < minRun {
			short = append(short, q)
		}
	}
	var hints []string
	for _, s := range d.Sources {
		if doc := e.Register.Resolve(s); doc != nil {
			hints = append(hints, doc.Path)
		}
	}
	// A link in the draft to a register document's page is a hint too.
	for _, l := range d.Links {
		if doc := e.Register.Resolve(l.URL); doc != nil {
			hints = append(hints, doc.Path)
		}
	}
	ev.runs = e.Register.Match(words, minRun, short, hints)
	ev.covered = make([]bool, len(words))
	embargoed := make([]*register.Run, len(words))
	for i := range ev.runs {
		r := &ev.runs[i]
		public := r.Doc.PublicAt(e.Now)
		for j := r.Start; j < r.End; j++ {
			if public {
				ev.covered[j] = true
			} else if embargoed[j] == nil {
				embargoed[j] = r
			}
		}
	}
	ev.reportEmbargo(embargoed)
	// Only whole sentences (and quotations) count as published: see
	// publishedWords.
	ev.matched = ev.covered
	ev.tags = ev.tagWords()
	ev.covered = ev.publishedWords()
	covered := 0
	for _, c := range ev.covered {
		if c {
			covered++
		}
	}
	if n := len(words) - ev.framed(); n > 0 {
		ev.res.Coverage = float64(covered) / float64(n)
	}

	hits := ev.names(e.lexicon.Find(words, func(i int) bool { return ev.covered[i] }))
	hits = append(hits, ev.instructions()...)
	hits = append(hits, ev.hashtagHits()...)
	hits = append(hits, ev.contractionHits()...)
	hits = append(hits, ev.spelledHits()...)
	hits = append(hits, ev.runTogetherHits()...)
	if len(hits) > 0 {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].Start < hits[j].Start })
		// One reason per word: "Vote for" is a view, not also "Vote".
		kept := hits[:1]
		for _, h := range hits[1:] {
			if last := kept[len(kept)-1]; h.Start >= last.End {
				kept = append(kept, h)
			}
		}
		ev.explainHits(kept)
		return NewContent
	}
	if em := judgements(d.Plain); len(em) > 0 {
		ev.explainJudgements(em)
		return NewContent
	}
	var images []string
	for _, l := range d.Links {
		if l.Image {
			images = append(images, fmt.Sprintf("line %d", l.Line))
		}
	}
	if len(images) > 0 {
		ev.reason("It attaches an image (%s). clearance cannot read images, and an image can say as much as text, so it must be reviewed.", joinLimit(images, 3))
		ev.reason("New information must be checked by policy and communications officials before it is posted.")
		return NewContent
	}
	if long := ev.longRuns(); len(long) > 0 {
		ev.reason("It has letters run together with no space, too long to read as words: %s. Check what they say.", joinLimit(long, 2))
		ev.reason("New information must be checked by policy and communications officials before it is posted.")
		return NewContent
	}
	if facts := ev.hashtagFacts(); len(facts) > 0 {
		ev.reason("Its hashtags state figures that no document it draws on has: %s.", joinLimit(facts, 4))
		ev.reason("New information must be checked by policy and communications officials before it is posted.")
		return NewContent
	}
	if len(words) > 0 && ev.res.Coverage >= e.Config.Thresholds.PublicDomainCoverage {
		facts, edits, added, figs, struck := ev.newFacts(), ev.edits(3), ev.addedClaims(), ev.publishedFigures(), ev.struckWords()
		if len(facts) > 0 || len(edits) > 0 || len(ev.foreign) > 0 || len(added) > 0 || len(figs) > 0 || len(struck) > 0 {
			ev.reason("%d%% of its words are already published, but not all it says is:", int(ev.res.Coverage*100))
			if len(edits) > 0 {
				ev.reason("It changes published text: %s. A changed, added or missing word (a number, a date, a \"not\") can change the meaning.", strings.Join(edits, "; "))
			}
			if len(ev.foreign) > 0 {
				ev.reason("It puts a published quotation in words the document does not have: %s. Name the speaker as the document does.", strings.Join(ev.foreign, "; "))
			}
			if len(facts) > 0 {
				ev.reason("It adds figures, dates or times that are not in the published text: %s.", joinLimit(facts, 4))
			}
			ev.res.Reasons = append(ev.res.Reasons, added...)
			ev.explainFigures(figs)
			ev.explainStruck(struck)
			ev.reason("New information must be checked by policy and communications officials before it is posted.")
			return NewContent
		}
		ev.explainPublic()
		return PublicDomain
	}
	var webLinks []string
	for _, l := range d.Links {
		if l.Image {
			continue
		}
		if u, err := url.Parse(l.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			webLinks = append(webLinks, l.URL)
		}
	}
	own := 0
	for _, w := range d.Words {
		if !w.LinkText {
			own++
		}
	}
	if len(webLinks) > 0 && own <= e.Config.Thresholds.PointerMaxWords {
		// A pointer's own words may not carry what needs checking.
		quotes, figs, added := ev.unpublishedQuotes(), ev.publishedFigures(), ev.addedClaims()
		facts, unchecked := ev.ownFigures()
		if len(quotes) > 0 {
			ev.reason("It quotes words that are not in any published document: %s. A quotation says what someone said, so it must be checked before it is posted.", joinLimit(quotes, 3))
		}
		if len(ev.foreign) > 0 {
			ev.reason("It puts a published quotation in words the document does not have: %s. Name the speaker as the document does.", strings.Join(ev.foreign, "; "))
		}
		if len(facts) > 0 {
			ev.reason("It states figures, dates or times that the release it links to does not have: %s. Check them against the release, and correct them or have the post reviewed.", joinLimit(facts, 4))
		}
		ev.res.Reasons = append(ev.res.Reasons, added...)
		if len(unchecked) > 0 {
			ev.reason("It states figures, dates or times (%s), but the page it links to is not a document in the register, so clearance cannot check them: they count as new information.", joinLimit(unchecked, 4))
		}
		ev.explainFigures(figs)
		struck := ev.struckWords()
		ev.explainStruck(struck)
		if len(quotes) > 0 || len(ev.foreign) > 0 || len(facts) > 0 || len(unchecked) > 0 || len(figs) > 0 || len(added) > 0 || len(struck) > 0 {
			ev.reason("New information must be checked by policy and communications officials before it is posted.")
			return NewContent
		}
	}
	if len(webLinks) > 0 && own <= e.Config.Thresholds.PointerMaxWords {
		ev.reason("It points to %s with %s of its own (a pointer may have up to %d) and gives no view or advice, so it can be posted without review.", joinLimit(webLinks, 3), plural(own, "word"), e.Config.Thresholds.PointerMaxWords)
		return Pointer
	}
	ev.explainNew(webLinks, own)
	return NewContent
}

func hasErrorRule(fs []Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Severity == Error {
			return true
		}
	}
	return false
}

func (ev *evaluation) reportEmbargo(embargoed []*register.Run) {
	d := ev.d
	reported := map[*register.Document]bool{}
	for i := 0; i < len(embargoed); i++ {
		r := embargoed[i]
		if r == nil || ev.covered[i] || reported[r.Doc] {
			continue
		}
		reported[r.Doc] = true
		until := r.Doc.EmbargoUntil
		if until.IsZero() || (!r.Doc.PublishedAt.IsZero() && r.Doc.PublishedAt.After(until)) {
			until = r.Doc.PublishedAt
		}
		if !d.PublishAt.IsZero() && !d.PublishAt.Before(until) {
			ev.reason("Line %d repeats %s, which is not public until %s; the post is set to go out at %s, after that, but until then the text counts as new.", d.Words[i].Line, r.Doc.Name(), fmtTime(until), fmtTime(d.PublishAt))
			continue
		}
		ev.add(RuleEmbargoed, Error, d.Words[i].Line, "this repeats text from %s, which is under embargo until %s. Take the text out, or set publish_at: to %s or later so the post waits for the embargo to lift", r.Doc.Name(), fmtTime(until), until.UTC().Format(time.RFC3339))
	}
}

func fmtTime(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2 January 2006")
	}
	return t.Format("2 January 2006 15:04 UTC")
}

func (ev *evaluation) explainHits(hits []LexHit) {
	var views, advice, commits []string
	for _, h := range hits {
		s := fmt.Sprintf("%s (line %d)", ev.phraseText(h.Start, h.End), ev.d.Words[h.Start].Line)
		if h.Read != "" {
			s = fmt.Sprintf("%q (read as %q) (line %d)", h.Shown, h.Read, ev.d.Words[h.Start].Line)
		}
		if ev.d.Words[h.Start].Hidden {
			s = strings.TrimSuffix(s, ")") + ", in hidden text (an HTML comment, a title or a link definition), read though not posted)"
		}
		switch h.Kind {
		case "view":
			views = append(views, s)
		case "commitment":
			commits = append(commits, s)
		default:
			advice = append(advice, s)
		}
	}
	if len(views) > 0 {
		ev.reason("It expresses a view: %s.", joinLimit(views, 4))
	}
	if len(advice) > 0 {
		ev.reason("It gives guidance or advice: %s.", joinLimit(advice, 4))
	}
	if len(commits) > 0 {
		ev.reason("It makes a promise or an admission on the organisation's behalf: %s.", joinLimit(commits, 4))
		ev.reason("Views, guidance and promises must be checked by policy and communications officials before they are posted.")
		return
	}
	ev.reason("Views and guidance must be checked by policy and communications officials before they are posted.")
}

// phraseText quotes the draft's words [a, b) as written, with how
// clearance reads them when look-alike letters hide them ("ꜱʜᴏᴜʟᴅ" (read
// as "should")).
func (ev *evaluation) phraseText(a, b int) string {
	// As written, when the words can be found in their sentence.
	if d := ev.d; a < b && b <= len(d.Words) {
		if si := d.Words[a].Sentence; si >= 0 && si < len(d.Sentences) {
			s := d.Sentences[si]
			if toks := ev.tokens(s); toks != nil && b <= s.End {
				written := s.Text[toks[a-s.Start].Start:toks[b-1-s.Start].End]
				folded := ev.foldedPhrase(a, b)
				if !text.IsASCIIPlain(written) && strings.ToLower(written) != folded {
					return fmt.Sprintf("%q (read as %q)", written, folded)
				}
				return fmt.Sprintf("%q", written)
			}
		}
	}
	return fmt.Sprintf("%q", ev.foldedPhrase(a, b))
}

// foldedPhrase is the draft's words [a, b) as clearance reads them.
func (ev *evaluation) foldedPhrase(a, b int) string {
	ws := make([]string, 0, b-a)
	for i := a; i < b; i++ {
		ws = append(ws, ev.d.Words[i].Word)
	}
	return strings.Join(ws, " ")
}

func (ev *evaluation) explainPublic() {
	d := ev.d
	ev.res.Evidence = ev.evidence()
	ev.reason("%d%% of its words are already published (%d%% needed), and it adds no view or advice, so it can be posted without review.", int(ev.res.Coverage*100), int(ev.e.Config.Thresholds.PublicDomainCoverage*100))
	// Which document covers which lines.
	type span struct {
		doc        *register.Document
		from, to   int // lines
		words      int
		firstStart int
	}
	byDoc := map[*register.Document]*span{}
	var order []*register.Document
	for _, r := range ev.runs {
		if !r.Doc.PublicAt(ev.e.Now) {
			continue
		}
		s := byDoc[r.Doc]
		if s == nil {
			s = &span{doc: r.Doc, from: d.Words[r.Start].Line, to: d.Words[r.End-1].Line, firstStart: r.Start}
			byDoc[r.Doc] = s
			order = append(order, r.Doc)
		}
		s.from = min(s.from, d.Words[r.Start].Line)
		s.to = max(s.to, d.Words[r.End-1].Line)
		s.words += r.End - r.Start
	}
	sort.SliceStable(order, func(i, j int) bool { return byDoc[order[i]].words > byDoc[order[j]].words })
	for i, doc := range order {
		if i == 3 {
			ev.reason("…and %d more published documents.", len(order)-3)
			break
		}
		s := byDoc[doc]
		when := ""
		if !doc.PublishedAt.IsZero() {
			when = ", published " + fmtTime(doc.PublishedAt)
		}
		verb := "is"
		if s.from != s.to {
			verb = "are"
		}
		ev.reason("%s %s in %s%s.", lineRange(s.from, s.to), verb, doc.Name(), when)
	}
	if rest := ev.uncoveredSentences(2); len(rest) > 0 {
		ev.reason("Not found in the register, but with no view or advice: %s.", strings.Join(rest, "; "))
	}
}

func lineRange(a, b int) string {
	if a == b {
		return fmt.Sprintf("Line %d", a)
	}
	return fmt.Sprintf("Lines %d–%d", a, b)
}

// uncoveredSentences quotes up to n sentences that are mostly not covered.
func (ev *evaluation) uncoveredSentences(n int) []string {
	var out []string
	for _, s := range ev.d.Sentences {
		if ev.edited[s.Start] {
			continue // named as an edit of published text
		}
		unc := 0
		for i := s.Start; i < s.End; i++ {
			if !ev.covered[i] {
				unc++
			}
		}
		if unc*2 > s.End-s.Start {
			if len(out) == n {
				out = append(out, "…")
				break
			}
			out = append(out, fmt.Sprintf("%q (line %d)", clip(s.Text, 120), s.Line))
		}
	}
	return out
}

func (ev *evaluation) explainNew(webLinks []string, own int) {
	t := ev.e.Config.Thresholds
	switch {
	case len(ev.d.Words) == 0:
	case ev.res.Coverage == 0 && !slices.Contains(ev.matched, true):
		ev.reason("None of its words are in the published documents of the register, so it cannot count as already public.")
	case ev.res.Coverage == 0:
		ev.reason("None of its sentences is published as it stands, so it cannot count as already public.")
	default:
		ev.reason("Only %d%% of its words are in published documents (%d%% needed to count as already public).", int(ev.res.Coverage*100), int(t.PublicDomainCoverage*100))
	}
	if len(webLinks) > 0 {
		ev.reason("It links to %s but has %s of its own, more than a pointer's %d.", joinLimit(webLinks, 2), plural(own, "word"), t.PointerMaxWords)
	}
	if edits := ev.edits(3); len(edits) > 0 {
		ev.reason("It changes published text: %s. A changed, added or missing word (a number, a date, a \"not\") can change the meaning.", strings.Join(edits, "; "))
	}
	if rest := ev.uncoveredSentences(3); len(rest) > 0 {
		ev.reason("New text, not in any published document: %s.", strings.Join(rest, "; "))
	}
	ev.reason("New information must be checked by policy and communications officials before it is posted.")
}

// assignReviewers splits the draft's code owners into the required roles.
func (ev *evaluation) assignReviewers() {
	d, cfg := ev.d, ev.e.Config
	var owners []string
	line := 0
	if ev.e.Owners != nil {
		owners, line = ev.e.Owners.Match(d.Path)
	}
	ev.res.Owners = owners
	codeowners := ".github/CODEOWNERS"
	if ev.e.Owners != nil && ev.e.Owners.Path != "" {
		codeowners = ev.e.Owners.Path
	}
	var missing, suggest []string
	for _, role := range cfg.RequiredRoles {
		who := []string{}
		for _, o := range owners {
			for _, r := range cfg.RoleOf(o) {
				if r == role {
					who = append(who, o)
				}
			}
		}
		ev.res.Reviewers[role] = who
		if len(who) > 0 {
			continue
		}
		missing = append(missing, role)
		s := "@your-org/" + role + "-team"
		if m := cfg.Roles[role]; len(m) > 0 {
			s = m[0]
			if !strings.HasPrefix(s, "@") && !strings.Contains(s, "@") {
				s = "@" + s
			}
		}
		suggest = append(suggest, s)
	}
	if len(missing) == 0 {
		return
	}
	pattern := "/" + d.Path
	if i := strings.LastIndexByte(d.Path, '/'); i > 0 {
		pattern = "/" + d.Path[:i+1]
	}
	roles := strings.Join(missing, " or ")
	var have string
	switch {
	case ev.e.Owners == nil:
		have = "the repo has no CODEOWNERS file"
	case len(owners) == 0 && line > 0:
		have = fmt.Sprintf("line %d of %s leaves it without owners", line, codeowners)
	case len(owners) == 0:
		have = fmt.Sprintf("no line of %s covers it", codeowners)
	default:
		have = fmt.Sprintf("its code owners (%s, line %d of %s) include no one in the %s role", strings.Join(owners, ", "), line, codeowners, roles)
	}
	fix := fmt.Sprintf("add the line `%s %s` at the end of %s", pattern, strings.Join(append(append([]string{}, owners...), suggest...), " "), codeowners)
	if cfg.RolesConfigured() {
		for _, role := range missing {
			if len(cfg.Roles[role]) == 0 {
				fix += fmt.Sprintf(", and list that team under roles.%s in %s", role, ConfigPath)
			}
		}
	} else {
		fix += fmt.Sprintf(" (or name the teams of each role under roles in %s)", ConfigPath)
	}
	ev.add(RuleNoApprover, Error, 1, "nobody can approve this draft for %s: %s. To fix it, %s", roles, have, fix)
}

func joinLimit(items []string, n int) string {
	if len(items) > n {
		return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
	}
	return strings.Join(items, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Rule < fs[j].Rule
	})
}

// Unreadable is the result for a draft whose file could not be read at all
// (a symbolic link, a submodule, a read error): new-content, with a finding
// that says why. It never passes.
func (e *Engine) Unreadable(path, why string) *Result {
	d := &Draft{Path: path, Unreadable: true, BodyLine: 1, fieldLines: map[string]int{}}
	d.Findings = []Finding{{Rule: RuleUnreadable, Severity: Error, Path: path, Message: why}}
	return e.EvaluateDraft(d)
}

// Internal hosts in the text.

// internalDomainOf returns the entry of internal_domains that host, folded
// by foldHost, is or is a subdomain of, or "".
func (ev *evaluation) internalDomainOf(host string) string {
	for _, d := range ev.e.Config.InternalDomains {
		if f := foldHost(strings.TrimPrefix(strings.TrimSpace(d), ".")); f != "" && (host == f || strings.HasSuffix(host, "."+f)) {
			return d
		}
	}
	return ""
}

// checkTextHosts flags every place where the text of the post names a
// host under internal_domains, with or without https:// in front: X,
// LinkedIn and Facebook make a link of "intranet.example.gov.uk/hr" by
// themselves, and the public must not be given an internal address in any
// form. It reads the body line by line (link texts, image descriptions and
// code included; HTML comments, which are not posted, left out), then the
// text as posted, which catches a name split by Markdown
// ("intranet.*example*.gov.uk"). flagged holds the hosts checkLinks
// already flagged, by line: a host flagged as a link on a line, or named
// inside any flagged link's address ("https://intranet…" in a link
// reference), is not flagged again.
func (ev *evaluation) checkTextHosts(flagged map[string]map[int]bool) {
	if len(ev.e.Config.InternalDomains) == 0 {
		return
	}
	d := ev.d
	reported := map[string]bool{}
	report := func(host string, line int) {
		ev.add(RuleInternalLink, Error, line, "the text names %s, an internal site (on the list of internal sites in clearance's settings): the public cannot reach it, "+
			"and X, LinkedIn and Facebook make a link of such a name even without https://. Remove it, or give the address of a public page instead", host)
	}
	lines := strings.Split(blankHTMLComments(d.Body), "\n")
	for i, line := range lines {
		for _, h := range textHosts(unescapeMarkdown(line)) {
			if ev.internalDomainOf(h.host) == "" {
				continue
			}
			n := d.BodyLine + i
			key := fmt.Sprintf("%d %s", n, h.host)
			if flagged[h.host][n] || h.inURL && len(flagged[h.host]) > 0 || reported[key] {
				reported[h.host] = true
				continue
			}
			reported[key], reported[h.host] = true, true
			report(h.host, n)
		}
	}
	for _, h := range textHosts(d.Plain) {
		if reported[h.host] || len(flagged[h.host]) > 0 || ev.internalDomainOf(h.host) == "" {
			continue
		}
		reported[h.host] = true
		// Markdown hides the name in the body: point at the line that
		// holds its first label.
		line, first := d.BodyLine, h.host[:strings.IndexByte(h.host+".", '.')]
		for i, l := range lines {
			if strings.Contains(foldHostText(l), first) {
				line = d.BodyLine + i
				break
			}
		}
		report(h.host, line)
	}
}

// textHost is a host name found in text by textHosts.
type textHost struct {
	host  string // folded by foldHost
	inURL bool   // right after "//", as in https://host
}

// textHosts returns the host names in text: the longest runs of letters,
// digits, combining marks, "-" and full stops, folded as by foldHost, with
// the full stops at either end dropped and at least one left inside. So in
// "notintranet.example.gov.uk" and "intranet.example.gov.uk.evil.com" the
// host is the whole name, never a part of it.
func textHosts(s string) []textHost {
	folded := foldHostText(s)
	var hosts []textHost
	isHostRune := func(r rune) bool {
		return r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
	}
	for i := 0; i < len(folded); {
		r, size := utf8.DecodeRuneInString(folded[i:])
		if !isHostRune(r) {
			i += size
			continue
		}
		start := i
		i = text.RunEnd(folded, i, isHostRune)
		run := folded[start:i]
		trimmed := strings.TrimLeft(run, ".")
		host := strings.TrimRight(trimmed, ".")
		if strings.Contains(host, ".") {
			at := start + len(run) - len(trimmed)
			hosts = append(hosts, textHost{host: host, inURL: strings.HasSuffix(folded[:at], "//")})
		}
	}
	return hosts
}

// unescapeMarkdown drops the backslash of Markdown's escapes ("\\." reads
// ".").
func unescapeMarkdown(line string) string {
	if !strings.Contains(line, "\\") {
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", line[i+1]) >= 0 {
			i++ // the escaped character, kept as it is
		}
		b.WriteByte(line[i])
	}
	return b.String()
}

// blankHTMLComments replaces every HTML comment in text, <!-- … -->,
// with spaces, keeping its line breaks so that lines keep their numbers.
func blankHTMLComments(text string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, "<!--")
		if i < 0 {
			break
		}
		j := strings.Index(text[i+4:], "-->")
		if j < 0 {
			break
		}
		end := i + 4 + j + 3
		b.WriteString(text[:i])
		for _, c := range []byte(text[i:end]) {
			if c == '\n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		text = text[end:]
	}
	b.WriteString(text)
	return b.String()
}

// foldHost is the host name a browser goes to for host, as IDNA's UTS #46
// mapping makes it: compatibility forms folded (NFKC: full-width
// "ｉｎｔｒａｎｅｔ" is "intranet"), lower case, the ideographic and
// full-width full stops ("。", "．", "｡") read as ".", invisible
// characters dropped, and a final "." removed.
func foldHost(host string) string {
	return strings.TrimSuffix(foldHostText(host), ".")
}

// foldHostText folds text as foldHost folds a host name, keeping all else.
func foldHostText(s string) string {
	s = norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u3002' || r == '\uFF0E' || r == '\uFF61':
			return '.'
		case text.Invisible(r):
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(strings.ToLower(s))
}
