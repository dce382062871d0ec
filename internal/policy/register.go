package policy

import (
	"bytes"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"
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

	words   []uint32
	removed bool
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
type Register struct {
	mu       sync.RWMutex
	vocab    map[string]uint32
	docs     []*Document
	byPath   map[string]uint32
	byURL    map[string]uint32
	heads    map[uint64]uint32 // hash -> index+1 into postings
	postings []posting
	live     int
}

// NewRegister returns an empty register.
func NewRegister() *Register {
	return &Register{vocab: map[string]uint32{}, byPath: map[string]uint32{}, byURL: map[string]uint32{}, heads: map[uint64]uint32{}}
}

// RegisterFile is one file to index.
type RegisterFile struct {
	Path string
	Data []byte
}

// BuildRegister parses and indexes files, using all cores. It returns the
// findings for documents that could not be read; those are left out of the
// register (nothing is public that cannot be read).
//
// Each worker parses documents and numbers their words in a vocabulary of
// its own; the vocabularies are then merged, and the documents renumbered
// and their word grams hashed in parallel. Only filling the hash index is
// sequential.
func BuildRegister(files []RegisterFile) (*Register, []Finding) {
	r := NewRegister()
	type parsed struct {
		doc      *Document
		hashes   []uint64 // of the grams at every stride-th word
		findings []Finding
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
		var sc wordScanner // reused: the words are numbered, not kept
		for {
			i := int(next.Add(1) - 1)
			if i >= len(files) {
				break
			}
			doc, body, f := parseDocument(files[i].Path, files[i].Data)
			out[i] = parsed{doc: doc, findings: f, worker: w}
			if doc == nil {
				continue
			}
			sc.buf, sc.ends = sc.buf[:0], sc.ends[:0]
			sc.scan(string(body))
			doc.words = make([]uint32, len(sc.ends))
			prev := 0
			for j, end := range sc.ends {
				v, ok := local[string(sc.buf[prev:end])]
				if !ok {
					v = uint32(len(list))
					word := string(sc.buf[prev:end])
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
	next.Store(0)
	grams := make([]int, workers)
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
		}
	})
	total := 0
	for _, g := range grams {
		total += g
	}
	var findings []Finding
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heads = make(map[uint64]uint32, total)
	r.postings = make([]posting, 0, total)
	r.docs = make([]*Document, 0, len(files))
	for i := range out {
		p := &out[i]
		findings = append(findings, p.findings...)
		if p.doc != nil {
			r.indexLocked(p.doc, p.hashes)
		}
		p.hashes = nil
	}
	return r, findings
}

// Add indexes one document, replacing any earlier version at the same path.
// It costs time in proportion to that document only.
func (r *Register) Add(path string, data []byte) []Finding {
	doc, words, findings := ParseDocument(path, data)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(path)
	if doc != nil {
		r.addLocked(doc, words)
	}
	return findings
}

// Remove drops the document at path, if any.
func (r *Register) Remove(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(path)
}

func (r *Register) removeLocked(path string) {
	if i, ok := r.byPath[path]; ok {
		if u := normURL(r.docs[i].URL); u != "" && r.byURL[u] == i {
			delete(r.byURL, u)
		}
		r.docs[i].removed = true
		r.docs[i].words = nil
		delete(r.byPath, path)
		r.live--
	}
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
	if i, ok := r.byPath[path]; ok {
		return r.docs[i]
	}
	return nil
}

// Resolve finds the document a draft's source names: a register path
// ("published/x.md", "./published/x.md", "/published/x.md") or the
// document's url. It returns nil when none matches.
func (r *Register) Resolve(source string) *Document {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(source), "./"), "/")
	if i, ok := r.byPath[p]; ok {
		return r.docs[i]
	}
	if i, ok := r.byURL[normURL(source)]; ok {
		return r.docs[i]
	}
	return nil
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
	return strings.TrimSuffix(host+"/"+rest, "/")
}

// Paths lists the documents' paths, sorted.
func (r *Register) Paths() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.byPath))
	for p := range r.byPath {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (r *Register) addLocked(doc *Document, words []string) {
	doc.words = make([]uint32, len(words))
	for i, w := range words {
		v, ok := r.vocab[w]
		if !ok {
			v = uint32(len(r.vocab))
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
	id := uint32(len(r.docs))
	r.docs = append(r.docs, doc)
	r.byPath[doc.Path] = id
	if u := normURL(doc.URL); u != "" {
		r.byURL[u] = id
	}
	r.live++
	for k, h := range hashes {
		r.postings = append(r.postings, posting{doc: id, pos: uint32(k * stride), next: r.heads[h]})
		r.heads[h] = uint32(len(r.postings))
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

// ParseDocument reads a register document. A document that cannot be read
// is returned as nil with findings.
func ParseDocument(path string, data []byte) (*Document, []string, []Finding) {
	doc, body, findings := parseDocument(path, data)
	if doc == nil {
		return nil, nil, findings
	}
	return doc, Words(string(body)), findings
}

// parseDocument is ParseDocument without the tokenising: it returns the
// body whose words the document holds.
func parseDocument(path string, data []byte) (*Document, []byte, []Finding) {
	bad := func(line int, format string, args ...any) []Finding {
		return []Finding{{Rule: RuleRegister, Severity: Error, Path: path, Line: line, Message: fmt.Sprintf(format, args...)}}
	}
	if len(data) > 8*MaxDraftBytes {
		return nil, nil, bad(0, "this register document is %d bytes, too large to index; split it", len(data))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, bad(0, "this is a binary file, not a Markdown document; the register holds Markdown files")
	}
	if !bytesValidUTF8(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	doc := &Document{Path: path}
	var findings []Finding
	fm, body, _, ok := splitFrontMatter(data)
	if ok && len(fm) > 0 {
		var meta struct {
			Title        string    `yaml:"title"`
			URL          string    `yaml:"url"`
			PublishedAt  yaml.Node `yaml:"published_at"`
			EmbargoUntil yaml.Node `yaml:"embargo_until"`
		}
		var root yaml.Node
		err := yaml.Unmarshal(fm, &root)
		if err == nil {
			if ce := checkYAMLShape(path, &root); ce != nil {
				return nil, nil, bad(ce.Line+1, "the front matter cannot be read: %s", ce.Msg)
			}
			err = root.Decode(&meta)
		}
		if err != nil {
			line := 1
			if errs := yamlErrors(path, fm, err); len(errs) > 0 && errs[0].Line > 0 {
				line = errs[0].Line + 1
			}
			return nil, nil, bad(line, "the front matter cannot be read (%v); until it is fixed this document does not count as published", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		doc.Title, doc.URL = meta.Title, meta.URL
		if meta.PublishedAt.Value != "" {
			t, err := parseTime(&meta.PublishedAt)
			if err != nil {
				return nil, nil, bad(meta.PublishedAt.Line+1, "published_at %q is not a date; write it like 2026-03-01 or 2026-03-01T09:00:00Z. Until then this document does not count as published", meta.PublishedAt.Value)
			}
			doc.PublishedAt = t
		}
		if meta.EmbargoUntil.Value != "" {
			t, err := parseTime(&meta.EmbargoUntil)
			if err != nil {
				return nil, nil, bad(meta.EmbargoUntil.Line+1, "embargo_until %q is not a date; write it like 2026-03-01T09:00:00Z. Until then this document does not count as published", meta.EmbargoUntil.Value)
			}
			doc.EmbargoUntil = t
		}
	} else {
		body = data
	}
	return doc, body, findings
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
		v, ok := r.vocab[w]
		if !ok {
			v = noWord
		}
		ids[i] = v
	}
	if minRun < 1 {
		minRun = 1
	}
	type key struct {
		doc  uint32
		diag int // docPos - draftPos
	}
	best := map[key][2]int{} // maximal runs by alignment
	var runs []Run
	candidates := map[uint32]bool{}
	for i := 0; i+shingle <= len(ids); i++ {
		h := hashGram(ids[i : i+shingle])
		for p := r.heads[h]; p != 0; p = r.postings[p-1].next {
			post := r.postings[p-1]
			doc := r.docs[post.doc]
			if doc.removed {
				continue
			}
			k := key{post.doc, int(post.pos) - i}
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
				candidates[post.doc] = true
			}
		}
	}
	for _, h := range hints {
		if i, ok := r.byPath[h]; ok {
			candidates[i] = true
		}
	}
	// Short spans: look for each whole span in the candidate documents.
	cand := make([]uint32, 0, len(candidates))
	for c := range candidates {
		cand = append(cand, c)
	}
	sort.Slice(cand, func(i, j int) bool { return cand[i] < cand[j] })
	for _, sp := range short {
		a, b := sp[0], sp[1]
		if b <= a || b > len(ids) || b-a >= minRun {
			continue
		}
		// Every document that holds it: the first may be under embargo
		// while another has published it.
		for _, c := range cand {
			doc := r.docs[c]
			if runCovers(runs, doc, a, b) {
				continue
			}
			if pos := indexIDs(doc.words, ids[a:b]); pos >= 0 {
				runs = append(runs, Run{Doc: doc, Start: a, End: b, DocPos: pos})
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
