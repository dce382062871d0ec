// Package register is the index of published material: the documents a
// draft may repeat freely, held as interned word numbers and indexed by
// sampled word 4-grams, and the matching that finds which runs of a draft's
// words a document already says. Reading a document's file (its front
// matter, what makes it count as published) is the caller's: the index
// takes parsed documents. It is pure: no network, no file system.
package register

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clearance-dev/clearance/internal/text"
)

// The register is the published material a draft may repeat freely: press
// releases and similar documents, each a Markdown file with front matter
// title, published_at, url and optionally embargo_until.
//
// To find which parts of a draft are already published, the register is
// indexed by word 4-grams ("shingles") sampled at every third word of each
// document. Any run of six or more words that a draft shares with a
// document contains a sampled 4-gram of that document, so every such run is
// found with one hash look-up per draft word; the run is then verified and
// extended word by word against the document. Shorter sentences and
// quotations are then checked word for word against the documents the draft
// already matched or names in its sources. Documents are held as arrays of
// interned word numbers, so 10,000 press releases take tens of megabytes.

const (
	shingle = 4 // words per indexed gram
	stride  = 3 // a gram is indexed at every stride-th word of a document
	// GuaranteedRun is the shortest shared run of words that the index is
	// sure to find: shingle + stride - 1.
	GuaranteedRun = shingle + stride - 1
)

const noWord = ^uint32(0)

// Document is one register document.
type Document struct {
	Path         string
	Title        string
	URL          string
	PublishedAt  time.Time
	EmbargoUntil time.Time

	words []uint32 // never changed once indexed: clones share documents
	// bounds says where the document's sentences and clauses end (see
	// bounds.go); nil when unknown.
	bounds wordBounds
	// quotes says where its quotations open and close (quotes.go); nil
	// when it has none.
	quotes *quoteEdges
	// figures are its amounts, dates, times and counts (see figures.go).
	figures []Figure
}

// PublicAt reports whether the document is public at t: published (or no
// date given) and not under embargo.
func (d *Document) PublicAt(t time.Time) bool {
	if !d.PublishedAt.IsZero() && d.PublishedAt.After(t) {
		return false
	}
	return d.EmbargoUntil.IsZero() || !d.EmbargoUntil.After(t)
}

// Name is how reasons refer to the document: its title and path.
func (d *Document) Name() string {
	if d.Title != "" {
		return fmt.Sprintf("%q (%s)", d.Title, d.Path)
	}
	return d.Path
}

// Words is the number of words in the document.
func (d *Document) Words() int { return len(d.words) }

type posting struct {
	doc, pos uint32
	next     uint32 // index+1 of the next posting with the same hash; 0 ends
}

// Register is an index of the published material. It is safe for
// concurrent use: many readers, one writer at a time.
//
// The index is held in layers. Put writes to the register's own top layer;
// Clone freezes a large top layer and shares every frozen layer with the
// copy, so a copy costs time in proportion to the documents added since
// the last freeze, not to the register's size, and changes to either do not
// disturb the other (a base branch's next commit is derived from the index
// of the previous one while evaluations still read the old). Frozen layers
// of similar size are merged as they accumulate, so there are few of them.
type Register struct {
	mu     sync.RWMutex
	*layer // the top layer, which Put writes to
	// lower are frozen layers, oldest first, shared with clones.
	lower []*layer
	// hidden are the documents replaced or removed, in any layer.
	hidden map[*Document]struct{}
	// nwords is how many words all layers have numbered.
	nwords uint32
	live   int
	// kinds caches the word kinds for alignedSpan while nwords stays
	// the same (see qualifierLocked).
	kinds atomic.Pointer[kindCache]
}

// layer is one part of the index: documents, the numbers of the words they
// brought, and the hash index of their grams. Document numbers (posting.doc,
// byPath, byURL) are the layer's own.
type layer struct {
	vocab  map[string]uint32 // the words first numbered in this layer
	docs   []*Document
	byPath map[string]uint32
	byURL  map[string]uint32
	// heads maps a gram's hash to the index+1 of its last posting in
	// postings. It is split by the hash's top bits so that Build
	// can fill the parts in parallel.
	heads    [headShards]gramTable
	postings []posting
}

func newLayer() *layer {
	return &layer{vocab: map[string]uint32{}, byPath: map[string]uint32{}, byURL: map[string]uint32{}}
}

// New returns an empty register.
func New() *Register {
	return &Register{layer: newLayer(), hidden: map[*Document]struct{}{}}
}

const headShardBits = 6
const headShards = 1 << headShardBits

func headShard(h uint64) int { return int(h >> (64 - headShardBits)) }

// File is one file to index.
type File struct {
	Path string
	Data []byte
}

// Build parses files with parse and indexes them, using all cores. parse
// returns a file's document and the body whose words it holds, or a nil
// document for a file that does not count as published, and what to report
// about the file; Build returns those reports in file order. Files without
// a document are left out of the register (nothing is public that cannot
// be read). parse is called from several goroutines at once.
//
// Each worker parses documents and numbers their words in a vocabulary of
// its own; the vocabularies are then merged, and the documents renumbered
// and their word grams hashed in parallel. Only filling the hash index is
// sequential.
func Build[F any](files []File, parse func(path string, data []byte) (*Document, []byte, []F)) (*Register, []F) {
	r := New()
	type parsed struct {
		doc      *Document
		hashes   []uint64 // of the grams at every stride-th word
		findings []F
		worker   int
	}
	out := make([]parsed, len(files))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(files)))
	vocabs := make([][]string, workers) // each worker's words, by its own number
	var next atomic.Int64
	parallel := func(work func(w int)) {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(w)
			}()
		}
		wg.Wait()
	}
	parallel(func(w int) {
		local := map[string]uint32{}
		var list []string
		var sc text.Scanner // reused: the words are numbered, not kept
		for {
			i := int(next.Add(1) - 1)
			if i >= len(files) {
				break
			}
			doc, body, f := parse(files[i].Path, files[i].Data)
			out[i] = parsed{doc: doc, findings: f, worker: w}
			if doc == nil {
				continue
			}
			sc.Buf, sc.Ends = sc.Buf[:0], sc.Ends[:0]
			if sc.Spans == nil {
				sc.Spans = make([][2]int, 0, 1024)
			}
			sc.Spans = sc.Spans[:0]
			bodyText := string(body)
			sc.Scan(bodyText)
			doc.bounds = computeBounds(body, sc.Spans)
			doc.quotes = computeQuoteEdges(body, sc.Spans)
			doc.figures = docFigures(bodyText, sc.Spans, doc.Title, doc.PublishedAt)
			doc.words = make([]uint32, len(sc.Ends))
			prev := 0
			for j, end := range sc.Ends {
				v, ok := local[string(sc.Buf[prev:end])]
				if !ok {
					v = uint32(len(list))
					word := string(sc.Buf[prev:end])
					local[word] = v
					list = append(list, word)
				}
				doc.words[j] = v
				prev = end
			}
		}
		vocabs[w] = list
	})
	// Merge the vocabularies, in worker order.
	remap := make([][]uint32, workers)
	for w, list := range vocabs {
		remap[w] = make([]uint32, len(list))
		for j, word := range list {
			v, ok := r.vocab[word]
			if !ok {
				v = uint32(len(r.vocab))
				r.vocab[word] = v
			}
			remap[w][j] = v
		}
	}
	r.nwords = uint32(len(r.vocab))
	next.Store(0)
	grams := make([]int, workers)
	perShard := make([][headShards]int, workers)
	parallel(func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(out) {
				break
			}
			p := &out[i]
			if p.doc == nil {
				continue
			}
			ids, m := p.doc.words, remap[p.worker]
			for j, v := range ids {
				ids[j] = m[v]
			}
			p.hashes = gramHashes(ids)
			grams[w] += len(p.hashes)
			for _, h := range p.hashes {
				perShard[w][headShard(h)]++
			}
		}
	})
	total := 0
	for _, g := range grams {
		total += g
	}
	var findings []F
	r.mu.Lock()
	defer r.mu.Unlock()
	// Number the documents and lay out their postings, in file order.
	r.docs = make([]*Document, 0, len(files))
	r.postings = make([]posting, total)
	base := make([]int, len(out))
	off := 0
	for i := range out {
		p := &out[i]
		findings = append(findings, p.findings...)
		if p.doc == nil {
			continue
		}
		id := uint32(len(r.docs))
		r.docs = append(r.docs, p.doc)
		r.byPath[p.doc.Path] = id
		if u := normURL(p.doc.URL); u != "" {
			r.byURL[u] = id
		}
		r.live++
		base[i] = off
		for k := range p.hashes {
			r.postings[off+k] = posting{doc: id, pos: uint32(k * stride)}
		}
		off += len(p.hashes)
	}
	// Chain the postings, each worker its own shards of heads, in file
	// order: the same chains as indexLocked makes one by one.
	for s := range r.heads {
		n := 0
		for w := range perShard {
			n += perShard[w][s]
		}
		r.heads[s] = newGramTable(n)
	}
	parallel(func(w int) {
		for i := range out {
			for k, h := range out[i].hashes {
				s := headShard(h)
				if s%workers != w {
					continue
				}
				idx := base[i] + k
				r.postings[idx].next = r.heads[s].swap(h, uint32(idx+1))
			}
		}
	})
	return r, findings
}

// Put indexes one document, doc, whose words are words (see SetBody),
// replacing any earlier version at path; a nil doc only removes it. It
// costs time in proportion to that document only.
func (r *Register) Put(path string, doc *Document, words []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(path)
	if doc != nil {
		r.addLocked(doc, words)
	}
}

// SetBody records where the sentences and clauses of body, the text of
// the document, end, and returns its words, the words to index it by.
func (d *Document) SetBody(body []byte) []string {
	toks := text.Tokenize(string(body))
	words := make([]string, len(toks))
	spans := make([][2]int, len(toks))
	for i, t := range toks {
		words[i], spans[i] = t.Word, [2]int{t.Start, t.End}
	}
	d.bounds = computeBounds(body, spans)
	d.quotes = computeQuoteEdges(body, spans)
	d.figures = docFigures(string(body), spans, d.Title, d.PublishedAt)
	return words
}

// Remove drops the document at path, if any.
func (r *Register) Remove(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(path)
}

// removeLocked hides the document at path. Documents are never changed,
// since clones share them: the register's hidden set says which are gone.
func (r *Register) removeLocked(path string) {
	doc := r.docLocked(path)
	if doc == nil {
		return
	}
	r.hidden[doc] = struct{}{}
	r.live--
	// The top layer is this register's own: drop its entries.
	if i, ok := r.byPath[path]; ok && r.docs[i] == doc {
		delete(r.byPath, path)
	}
	if u := normURL(doc.URL); u != "" {
		if i, ok := r.byURL[u]; ok && r.docs[i] == doc {
			delete(r.byURL, u)
		}
	}
}

// isHidden reports whether doc was replaced or removed.
func (r *Register) isHidden(doc *Document) bool {
	if len(r.hidden) == 0 {
		return false
	}
	_, ok := r.hidden[doc]
	return ok
}

// layers calls f with each layer, newest first, until f returns false.
func (r *Register) layers(f func(l *layer) bool) {
	if !f(r.layer) {
		return
	}
	for i := len(r.lower) - 1; i >= 0; i-- {
		if !f(r.lower[i]) {
			return
		}
	}
}

// docLocked is the live document at path, or nil.
func (r *Register) docLocked(path string) *Document {
	var found *Document
	r.layers(func(l *layer) bool {
		if i, ok := l.byPath[path]; ok && !r.isHidden(l.docs[i]) {
			found = l.docs[i]
		}
		return found == nil
	})
	return found
}

// docByURLLocked is the live document with this normalised URL, or nil.
func (r *Register) docByURLLocked(u string) *Document {
	if u == "" {
		return nil
	}
	var found *Document
	r.layers(func(l *layer) bool {
		if i, ok := l.byURL[u]; ok && !r.isHidden(l.docs[i]) {
			found = l.docs[i]
		}
		return found == nil
	})
	return found
}

// wordLocked is the number of a word, or noWord when no document has it.
func (r *Register) wordLocked(w string) uint32 {
	v := noWord
	r.layers(func(l *layer) bool {
		if id, ok := l.vocab[w]; ok {
			v = id
			return false
		}
		return true
	})
	return v
}

// HasWord reports whether any document of the register has the word
// (folded, as Words gives it).
func (r *Register) HasWord(word string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.wordLocked(word) != noWord
}

// cloneTop is the most documents a register's top layer holds when it is
// cloned; a larger top layer is frozen first, so a clone copies little.
const cloneTop = 128

// Clone returns a copy of the register: documents added to or removed from
// either later are not seen by the other. Frozen layers are shared, so it
// costs time in proportion to at most cloneTop documents, and a merge of
// frozen layers now and then (amortised: a few times each document's size
// over the register's life).
func (r *Register) Clone() *Register {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.docs) > cloneTop {
		r.freezeLocked()
	}
	top := &layer{
		vocab: maps.Clone(r.vocab), docs: slices.Clone(r.docs), byPath: maps.Clone(r.byPath),
		byURL: maps.Clone(r.byURL), postings: slices.Clone(r.postings),
	}
	for i := range top.heads {
		top.heads[i] = r.heads[i].clone()
	}
	return &Register{layer: top, lower: slices.Clone(r.lower), hidden: maps.Clone(r.hidden), nwords: r.nwords, live: r.live}
}

// freezeLocked moves the top layer below, under a new empty one, then
// merges the newest frozen layers while the older of two is not at least
// twice the newer's size (as a binary counter carries), dropping the
// hidden documents of the merged layers.
func (r *Register) freezeLocked() {
	r.lower = append(slices.Clone(r.lower), r.layer)
	r.layer = newLayer()
	for n := len(r.lower); n >= 2 && r.lower[n-2].size() < 2*r.lower[n-1].size(); n = len(r.lower) {
		merged := r.mergeLocked(r.lower[n-2], r.lower[n-1])
		r.lower = append(r.lower[:n-2:n-2], merged)
	}
}

// size is the layer's share of the work of a merge.
func (l *layer) size() int { return len(l.postings) + len(l.docs) }

// mergeLocked makes one layer of the live documents of a and b (a older).
// Their words keep their numbers; only the grams are hashed again.
func (r *Register) mergeLocked(a, b *layer) *layer {
	m := &layer{vocab: make(map[string]uint32, len(a.vocab)+len(b.vocab)), byPath: map[string]uint32{}, byURL: map[string]uint32{}}
	for _, l := range []*layer{a, b} {
		for w, v := range l.vocab {
			m.vocab[w] = v
		}
		for _, doc := range l.docs {
			if r.isHidden(doc) {
				delete(r.hidden, doc) // gone from this register's layers
				continue
			}
			m.add(doc, gramHashes(doc.words))
		}
	}
	m.postings = slices.Clip(m.postings)
	return m
}

// Len is the number of documents.
func (r *Register) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.live
}

// Doc returns the document at path, or nil.
func (r *Register) Doc(path string) *Document {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.docLocked(path)
}

// Resolve finds the document a draft's source names: a register path
// ("published/x.md", "./published/x.md", "/published/x.md") or the
// document's url. It returns nil when none matches.
func (r *Register) Resolve(source string) *Document {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(source), "./"), "/")
	if doc := r.docLocked(p); doc != nil {
		return doc
	}
	return r.docByURLLocked(normURL(source))
}

// normURL makes URLs comparable: no scheme, no "www.", no trailing slash,
// no fragment, host in lower case.
func normURL(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	low := strings.ToLower(u)
	switch {
	case strings.HasPrefix(low, "https://"):
		u = u[8:]
	case strings.HasPrefix(low, "http://"):
		u = u[7:]
	default:
		return ""
	}
	host, rest, _ := strings.Cut(u, "/")
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i] + dropTracking(rest[i+1:])
	}
	return strings.TrimSuffix(host+"/"+rest, "/")
}

// trackingParams are query parameters that only say where a reader came
// from: a link with them is the same page.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true, "igshid": true, "dclid": true,
	"msclkid": true, "_ga": true, "ref_src": true,
}

// dropTracking returns a query ("a=1&utm_source=x") without its tracking
// parameters, with its "?" when anything is left.
func dropTracking(query string) string {
	var kept []string
	for _, p := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(p, "=")
		if p == "" || strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return ""
	}
	return "?" + strings.Join(kept, "&")
}

// Paths lists the documents' paths, sorted.
func (r *Register) Paths() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, r.live)
	r.layers(func(l *layer) bool {
		for p, i := range l.byPath {
			if !r.isHidden(l.docs[i]) {
				out = append(out, p)
			}
		}
		return true
	})
	sort.Strings(out)
	return out
}

func (r *Register) addLocked(doc *Document, words []string) {
	doc.words = make([]uint32, len(words))
	for i, w := range words {
		v := r.wordLocked(w)
		if v == noWord {
			v = r.nwords
			r.nwords++
			r.vocab[w] = v
		}
		doc.words[i] = v
	}
	r.indexLocked(doc, gramHashes(doc.words))
}

// gramHashes hashes the grams of ids that the index holds: one at every
// stride-th word.
func gramHashes(ids []uint32) []uint64 {
	if len(ids) < shingle {
		return nil
	}
	out := make([]uint64, 0, (len(ids)-shingle)/stride+1)
	for pos := 0; pos+shingle <= len(ids); pos += stride {
		out = append(out, hashGram(ids[pos:pos+shingle]))
	}
	return out
}

// indexLocked adds a document whose words are numbered; hashes are its
// gramHashes.
func (r *Register) indexLocked(doc *Document, hashes []uint64) {
	r.add(doc, hashes)
	r.live++
}

// add appends a document to the layer.
func (l *layer) add(doc *Document, hashes []uint64) {
	id := uint32(len(l.docs))
	l.docs = append(l.docs, doc)
	l.byPath[doc.Path] = id
	if u := normURL(doc.URL); u != "" {
		l.byURL[u] = id
	}
	for k, h := range hashes {
		heads := &l.heads[headShard(h)]
		l.postings = append(l.postings, posting{doc: id, pos: uint32(k * stride)})
		l.postings[len(l.postings)-1].next = heads.swap(h, uint32(len(l.postings)))
	}
}

func hashGram(ids []uint32) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range ids {
		h ^= uint64(v) + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h *= 0xbf58476d1ce4e5b9
	}
	return h ^ (h >> 31)
}

// Run is a stretch of a draft's words found in one register document.
type Run struct {
	Doc        *Document
	Start, End int // draft word range [Start, End)
	DocPos     int // where the run starts in the document
}

// Match finds the runs of words shared with register documents: every run
// of at least minRun words, and every run that is a whole span listed in
// short (sentences, quotations) when found in a document already matched or
// named in hints. Overlapping runs from the same document are merged.
func (r *Register) Match(words []string, minRun int, short [][2]int, hints []string) []Run {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]uint32, len(words))
	for i, w := range words {
		ids[i] = r.wordLocked(w)
	}
	if minRun < 1 {
		minRun = 1
	}
	type key struct {
		doc  *Document
		diag int // docPos - draftPos
	}
	best := map[key][2]int{} // maximal runs by alignment
	var runs []Run
	candidates := map[*Document]bool{}
	all := append([]*layer{r.layer}, r.lower...)
	for i := 0; i+shingle <= len(ids); i++ {
		h := hashGram(ids[i : i+shingle])
		for _, l := range all {
			for p := l.heads[headShard(h)].get(h); p != 0; p = l.postings[p-1].next {
				post := l.postings[p-1]
				doc := l.docs[post.doc]
				if r.isHidden(doc) {
					continue
				}
				k := key{doc, int(post.pos) - i}
				if span, ok := best[k]; ok && i >= span[0] && i < span[1] {
					continue
				}
				dw := doc.words
				pos := int(post.pos)
				if !equalIDs(dw[pos:pos+shingle], ids[i:i+shingle]) {
					continue
				}
				a, b := i, i+shingle
				for a > 0 && pos-(i-a) > 0 && ids[a-1] == dw[pos-(i-a)-1] {
					a--
				}
				for b < len(ids) && pos+(b-i) < len(dw) && ids[b] == dw[pos+(b-i)] {
					b++
				}
				best[k] = [2]int{a, b}
				if b-a >= minRun {
					runs = append(runs, Run{Doc: doc, Start: a, End: b, DocPos: pos - (i - a)})
					candidates[doc] = true
				}
			}
		}
	}
	for _, h := range hints {
		if doc := r.docLocked(h); doc != nil {
			candidates[doc] = true
		}
	}
	// Short spans: look for each whole span in the candidate documents.
	cand := make([]*Document, 0, len(candidates))
	for c := range candidates {
		cand = append(cand, c)
	}
	sort.Slice(cand, func(i, j int) bool { return cand[i].Path < cand[j].Path })
	isQ := r.qualifierLocked()
	for _, sp := range short {
		a, b := sp[0], sp[1]
		if b <= a || b > len(ids) || b-a >= minRun {
			continue
		}
		// Every document that holds it: the first may be under embargo
		// while another has published it. Where it is found more than
		// once, as a sentence of its own is preferred.
		for _, doc := range cand {
			if runCovers(runs, doc, a, b) {
				continue
			}
			first := -1
			for from := 0; from < len(doc.words); {
				pos := indexIDs(doc.words[from:], ids[a:b])
				if pos < 0 {
					break
				}
				pos += from
				if first < 0 {
					first = pos
				}
				if doc.alignedSpan(pos, pos+b-a, isQ) {
					first = pos
					break
				}
				from = pos + 1
			}
			if first >= 0 {
				runs = append(runs, Run{Doc: doc, Start: a, End: b, DocPos: first})
			}
		}
	}
	sort.Slice(runs, func(i, j int) bool {
		if runs[i].Start != runs[j].Start {
			return runs[i].Start < runs[j].Start
		}
		if runs[i].End != runs[j].End {
			return runs[i].End > runs[j].End
		}
		return runs[i].Doc.Path < runs[j].Doc.Path
	})
	return runs
}

// Published reports, for each span [a, b) of a draft's words, whether one of
// runs (from Match on the same words) whose document ok accepts holds the
// span whole, starting where a sentence of the document starts and ending
// where one of its sentences or clauses ends, with no qualifying clause
// left out (see bounds.go).
func (r *Register) Published(runs []Run, spans [][2]int, ok func(*Document) bool) []bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	isQ := r.qualifierLocked()
	out := make([]bool, len(spans))
	for i, sp := range spans {
		a, b := sp[0], sp[1]
		if b <= a {
			continue
		}
		for _, run := range runs {
			if run.Start > a || run.End < b || !ok(run.Doc) {
				continue
			}
			p0 := run.DocPos + a - run.Start
			if run.Doc.alignedSpan(p0, p0+b-a, isQ) {
				out[i] = true
				break
			}
		}
	}
	return out
}

// DocHas reports whether the document has the word (folded, as Words gives
// it).
func (r *Register) DocHas(doc *Document, word string) bool {
	r.mu.RLock()
	id := r.wordLocked(word)
	r.mu.RUnlock()
	if id == noWord {
		return false
	}
	return slices.Contains(doc.words, id)
}

// qualifierLocked returns the kinds of word ids that alignedSpan needs,
// from the cache while no word has been numbered since.
func (r *Register) qualifierLocked() *wordKinds {
	if c := r.kinds.Load(); c != nil && c.n == r.nwords {
		return &wordKinds{r: r, base: c.base, report: c.report}
	}
	set := make(map[uint32]uint16, len(qualifiers)+len(leadingTimeWords))
	for _, w := range qualifiers {
		if id := r.wordLocked(w); id != noWord {
			set[id] |= kindQualifier
		}
	}
	for _, w := range leadingTimeWords {
		if id := r.wordLocked(w); id != noWord {
			set[id] |= kindTime
		}
	}
	k := &wordKinds{r: r, base: set}
	k.reporting(noWord) // fill k.report
	r.kinds.Store(&kindCache{n: r.nwords, base: k.base, report: k.report})
	return k
}

// runCovers reports whether one of runs from doc already spans [a, b).
func runCovers(runs []Run, doc *Document, a, b int) bool {
	for _, r := range runs {
		if r.Doc == doc && r.Start <= a && r.End >= b {
			return true
		}
	}
	return false
}

func equalIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func indexIDs(hay, needle []uint32) int {
	if len(needle) == 0 {
		return -1
	}
	for _, v := range needle {
		if v == noWord {
			return -1
		}
	}
outer:
	for i := 0; i+len(needle) <= len(hay); i++ {
		for j := range needle {
			if hay[i+j] != needle[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// gramTable maps a gram's hash to a posting's index+1 (0: none). It is an
// open-addressing hash table with linear probing in two flat arrays: a
// third less memory than a Go map of the same entries, and one probe for
// an update rather than two, which tells for the millions of grams of a
// large register.
type gramTable struct {
	keys []uint64
	vals []uint32 // 0 marks an empty slot
	n    int
}

// newGramTable returns a table that holds n entries without growing.
func newGramTable(n int) gramTable {
	var t gramTable
	if n > 0 {
		t.resize(n*4/3 + 1)
	}
	return t
}

// slot is where the probe for h starts: the hash's low half scaled to the
// table (the top bits chose the shard).
func (t *gramTable) slot(h uint64) int {
	return int(uint64(uint32(h)) * uint64(len(t.keys)) >> 32)
}

func (t *gramTable) get(h uint64) uint32 {
	if len(t.keys) == 0 {
		return 0
	}
	for i := t.slot(h); ; {
		if v := t.vals[i]; v == 0 || t.keys[i] == h {
			return v
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

// swap sets h to v (not 0) and returns what h had (0: nothing).
func (t *gramTable) swap(h uint64, v uint32) uint32 {
	if (t.n+1)*4 > len(t.keys)*3 {
		t.resize(max(16, 2*len(t.keys)))
	}
	for i := t.slot(h); ; {
		old := t.vals[i]
		if old == 0 {
			t.keys[i], t.vals[i] = h, v
			t.n++
			return 0
		}
		if t.keys[i] == h {
			t.vals[i] = v
			return old
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

func (t *gramTable) resize(size int) {
	keys, vals := t.keys, t.vals
	t.keys, t.vals, t.n = make([]uint64, size), make([]uint32, size), 0
	for i, v := range vals {
		if v != 0 {
			t.swap(keys[i], v)
		}
	}
}

func (t *gramTable) clone() gramTable {
	return gramTable{keys: slices.Clone(t.keys), vals: slices.Clone(t.vals), n: t.n}
}
