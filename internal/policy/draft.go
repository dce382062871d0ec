package policy

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
)

// MaxDraftBytes bounds a draft. Posts and replies are short; a larger file
// is reported, not read.
const MaxDraftBytes = 1 << 20

// maxFrontMatterBytes bounds the YAML part of a draft.
const maxFrontMatterBytes = 64 << 10

// Channels are the channels clearance knows by default; the config may add
// more under channels.
var Channels = []string{"x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "forum", "blog-comment"}

// Draft is a parsed planned post or reply.
type Draft struct {
	Path string
	// Front matter.
	Channel   string
	Kind      string // "post" or "reply"
	InReplyTo string
	Author    string
	Sources   []string
	Claim     Scenario // the author's own scenario claim, "" if none
	PublishAt time.Time

	// Body is the Markdown after the front matter; BodyLine is the file
	// line on which it starts.
	Body     string
	BodyLine int
	// Plain is the body as it will read once posted: Markdown syntax
	// removed, links written as their text followed by the URL.
	Plain string
	// Words are the prose words of the body (URLs excluded).
	Words []DraftWord
	// Parts are the posts of a thread: the body split at lines ---. A
	// draft without such a line has one part, the whole text.
	Parts []Part
	// Links are the http(s) and other links of the body.
	Links []Link
	// Sentences of the body, in order.
	Sentences []Sentence
	// Quotes are word ranges [start, end) enclosed in quotation marks.
	Quotes [][2]int

	// Findings found while reading (front matter problems, unreadable file).
	Findings []Finding
	// Unreadable is set when the body could not be read at all; such a
	// draft is new-content (fail closed).
	Unreadable bool

	fieldLines map[string]int
	raw        []byte
}

// DraftWord is one word of a draft's prose.
type DraftWord struct {
	Word     string
	Line     int
	LinkText bool // part of a link's text
	Sentence int  // index into Sentences
}

// Part is one post of a thread.
type Part struct {
	Text string
	Line int
}

// Link is one link in a draft.
type Link struct {
	URL  string
	Line int
	// Image is set for an image (![alt](src)): an attachment, not a link
	// readers follow; a relative src is a file in the repo.
	Image bool
}

// Sentence is one sentence of a draft, for reasons.
type Sentence struct {
	Text       string
	Line       int
	Start, End int // word range [Start, End)
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough))

// ParseDraft reads a draft. It never fails: problems become findings on the
// draft, and a draft that cannot be read is marked Unreadable.
func ParseDraft(path string, data []byte) *Draft {
	d := &Draft{Path: path, Kind: "", BodyLine: 1, fieldLines: map[string]int{}}
	add := func(rule string, line int, format string, args ...any) {
		d.Findings = append(d.Findings, Finding{Rule: rule, Severity: Error, Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(data) > MaxDraftBytes:
		add(RuleUnreadable, 0, "the file is %d bytes, more than the %d a draft may have; split it or remove what is not part of the post", len(data), MaxDraftBytes)
		d.Unreadable = true
		return d
	case bytes.IndexByte(data, 0) >= 0:
		add(RuleUnreadable, 0, "this is a binary file, not a Markdown draft; save the draft as plain text")
		d.Unreadable = true
		return d
	case !bytesValidUTF8(data):
		add(RuleUnreadable, firstInvalidUTF8Line(data), "the text is not valid UTF-8; save the file as UTF-8")
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d.raw = data
	fm, body, bodyLine, ok := splitFrontMatter(data)
	if !ok {
		add(RuleFrontMatter, 1, "no front matter: start the file with a line ---, then channel:, author: and the other fields, then a line ---")
	} else {
		d.parseFrontMatter(fm)
	}
	d.BodyLine = bodyLine
	d.Body = string(body)
	d.parseBody(body, bodyLine)
	if d.Kind == "" {
		d.Kind = "post"
		if d.InReplyTo != "" || hasSegment(path, "replies") {
			d.Kind = "reply"
		}
	}
	return d
}

func hasSegment(p, seg string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == seg {
			return true
		}
	}
	return false
}

// splitFrontMatter separates "---\n yaml \n---\n body". bodyLine is the
// 1-based line on which body starts.
func splitFrontMatter(data []byte) (fm, body []byte, bodyLine int, ok bool) {
	first, rest, found := cutLine(data)
	if strings.TrimRight(string(first), " \t\r") != "---" {
		return nil, data, 1, false
	}
	if !found {
		return nil, nil, 1, false
	}
	line := 2
	start := len(data) - len(rest)
	for off := start; off <= len(data); {
		l, r, more := cutLine(data[off:])
		t := strings.TrimRight(string(l), " \t\r")
		if t == "---" || t == "..." {
			if !more {
				// The file ends on the closing line: the (empty) body
				// is on that line, not on one that does not exist.
				return data[start:off], nil, line, true
			}
			return data[start:off], data[len(data)-len(r):], line + 1, true
		}
		if !more {
			break
		}
		off = len(data) - len(r)
		line++
	}
	return nil, data, 1, false
}

func cutLine(b []byte) (line, rest []byte, found bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// frontMatterFields are the fields a draft may have.
var frontMatterFields = map[string]string{
	"channel":     "the channel it is posted on (" + strings.Join(Channels, ", ") + ")",
	"kind":        "post or reply",
	"in_reply_to": "the address of the post or thread it replies to",
	"author":      "who it is posted as",
	"sources":     "the register documents or addresses it draws on",
	"scenario":    "your own view of its scenario (public-domain, pointer or new-content)",
	"publish_at":  "when it should go out, e.g. 2026-12-01T09:00:00Z",
	"title":       "a title for your own reference",
	"tags":        "tags for your own reference",
	"notes":       "notes for reviewers",
}

func (d *Draft) parseFrontMatter(fm []byte) {
	errf := func(rule string, sev Severity, line int, format string, args ...any) {
		d.Findings = append(d.Findings, Finding{Rule: rule, Severity: sev, Path: d.Path, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if len(fm) > maxFrontMatterBytes {
		errf(RuleFrontMatter, Error, 2, "the front matter is %d bytes; keep it under %d", len(fm), maxFrontMatterBytes)
		return
	}
	var root yaml.Node
	if err := yaml.Unmarshal(fm, &root); err != nil {
		for _, ce := range yamlErrors(d.Path, fm, err) {
			line := 1
			if ce.Line > 0 {
				line = ce.Line + 1 // the front matter starts on line 2
			}
			errf(RuleFrontMatter, Error, line, "the front matter cannot be read: %s", ce.Msg)
		}
		return
	}
	if ce := checkYAMLShape(d.Path, &root); ce != nil {
		errf(RuleFrontMatter, Error, ce.Line+1, "the front matter cannot be read: %s", ce.Msg)
		return
	}
	if len(root.Content) == 0 {
		return
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		errf(RuleFrontMatter, Error, m.Line+1, "the front matter must be fields of the form name: value")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + 1
		name := k.Value
		if seen[name] {
			errf(RuleFrontMatter, Error, line, "%s is given twice; keep one", name)
			continue
		}
		seen[name] = true
		d.fieldLines[name] = line
		if _, ok := frontMatterFields[name]; !ok {
			errf(RuleUnknownField, Warning, line, "unknown field %q is ignored; the fields are %s", name, strings.Join(sortedKeys(frontMatterFields), ", "))
			continue
		}
		if name == "sources" || name == "tags" {
			var list []string
			switch v.Kind {
			case yaml.SequenceNode:
				for _, item := range v.Content {
					if item.Kind != yaml.ScalarNode {
						errf(RuleFrontMatter, Error, item.Line+1, "each entry of %s must be a single path or address", name)
						continue
					}
					list = append(list, strings.TrimSpace(item.Value))
				}
			case yaml.ScalarNode:
				if v.Value != "" {
					list = []string{strings.TrimSpace(v.Value)}
				}
			default:
				errf(RuleFrontMatter, Error, line, "%s must be a list, one entry per line starting with -", name)
			}
			if name == "sources" {
				d.Sources = list
			}
			continue
		}
		if v.Kind != yaml.ScalarNode {
			errf(RuleFrontMatter, Error, line, "%s must be a single value (%s)", name, frontMatterFields[name])
			continue
		}
		val := strings.TrimSpace(v.Value)
		switch name {
		case "channel":
			d.Channel = strings.ToLower(val)
		case "kind":
			switch strings.ToLower(val) {
			case "post", "reply":
				d.Kind = strings.ToLower(val)
			default:
				errf(RuleFrontMatter, Error, line, "kind must be post or reply, not %q", val)
			}
		case "in_reply_to":
			d.InReplyTo = val
			if u, err := url.Parse(val); val != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
				errf(RuleMissingReplyTo, Error, line, "in_reply_to must be the full address (https://...) of the post or thread this replies to")
			}
		case "author":
			d.Author = val
		case "scenario":
			s := Scenario(strings.ToLower(val))
			if !s.Valid() {
				errf(RuleFrontMatter, Error, line, "scenario must be public-domain, pointer or new-content, not %q", val)
				continue
			}
			d.Claim = s
		case "publish_at":
			t, err := parseTime(v)
			if err != nil {
				errf(RuleFrontMatter, Error, line, "publish_at %q is not a date and time; write it like 2026-12-01T09:00:00Z", val)
				continue
			}
			d.PublishAt = t
		}
	}
}

// parseTime accepts RFC 3339 and plain dates (midnight UTC).
func parseTime(n *yaml.Node) (time.Time, error) {
	v := strings.TrimSpace(n.Value)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05Z07:00", v); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", v)
}

// piece is a run of plain text and where it came from.
type piece struct {
	start, end int // in Plain
	src        int // byte offset in the body
	kind       pieceKind
}

type pieceKind uint8

const (
	prose pieceKind = iota
	linkText
	urlText
)

type plainBuilder struct {
	b      strings.Builder
	pieces []piece
	body   []byte
	last   int
	breaks []int // offsets in b of thematic breaks (--- between thread parts)
}

func (p *plainBuilder) emit(s string, src int, k pieceKind) {
	if s == "" {
		return
	}
	if src < 0 {
		src = p.last
	}
	p.last = src
	start := p.b.Len()
	p.b.WriteString(s)
	p.pieces = append(p.pieces, piece{start: start, end: p.b.Len(), src: src, kind: k})
}

func (p *plainBuilder) sep(s string) {
	cur := p.b.String()
	if cur == "" || strings.HasSuffix(cur, "\n\n") || (s == " " && (strings.HasSuffix(cur, " ") || strings.HasSuffix(cur, "\n"))) {
		return
	}
	if s == "\n\n" && strings.HasSuffix(cur, "\n") {
		s = "\n"
	}
	p.b.WriteString(s)
}

func (d *Draft) parseBody(body []byte, bodyLine int) {
	starts := lineStarts(body)
	doc := markdown.Parser().Parse(text.NewReader(body))
	pb := &plainBuilder{body: body}
	var walk func(n ast.Node, inLink bool)
	walk = func(n ast.Node, inLink bool) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch node := c.(type) {
			case *ast.Text:
				k := prose
				if inLink {
					k = linkText
				}
				pb.emit(string(node.Segment.Value(body)), node.Segment.Start, k)
				if node.SoftLineBreak() || node.HardLineBreak() {
					pb.emit("\n", node.Segment.Stop, k)
				}
			case *ast.String:
				k := prose
				if inLink {
					k = linkText
				}
				pb.emit(string(node.Value), c.Pos(), k)
			case *ast.CodeSpan:
				walk(node, inLink)
			case *ast.AutoLink:
				u := string(node.URL(body))
				if label := string(node.Label(body)); len(label) > 4 && strings.EqualFold(label[:4], "www.") {
					// A bare www. address: platforms link it themselves,
					// over https where the site has it. Not an http link.
					u = "https://" + label
				}
				if node.AutoLinkType == ast.AutoLinkEmail {
					pb.emit(string(node.Label(body)), c.Pos(), prose)
					continue
				}
				pos := c.Pos()
				d.Links = append(d.Links, Link{URL: u, Line: bodyLine - 1 + lineAt(starts, max(pos, pb.last))})
				pb.emit(string(node.Label(body)), pos, urlText)
			case *ast.Link:
				dest := string(node.Destination)
				before := pb.b.Len()
				walk(node, true)
				pos := c.Pos()
				if pos < 0 {
					pos = pb.last
				}
				d.Links = append(d.Links, Link{URL: dest, Line: bodyLine - 1 + lineAt(starts, pos)})
				label := pb.b.String()[before:]
				if strings.TrimSpace(label) != dest && dest != "" && !strings.HasPrefix(dest, "#") {
					pb.emit(" ", pos, urlText)
					pb.emit(dest, pos, urlText)
				}
			case *ast.Image:
				// Alt text is not posted as text; the image is an
				// attachment. Keep the link for the link checks.
				pos := c.Pos()
				if pos < 0 {
					pos = pb.last
				}
				d.Links = append(d.Links, Link{URL: string(node.Destination), Line: bodyLine - 1 + lineAt(starts, pos), Image: true})
			case *ast.ThematicBreak:
				pb.sep("\n\n")
				pb.breaks = append(pb.breaks, pb.b.Len())
			case *ast.RawHTML, *ast.HTMLBlock:
				// Comments and HTML are not posted.
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				lines := c.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					pb.emit(string(seg.Value(body)), seg.Start, prose)
				}
				pb.sep("\n\n")
			default:
				if c.Type() == ast.TypeBlock {
					pb.sep("\n\n")
					if lines := c.Lines(); lines != nil && lines.Len() > 0 {
						pb.last = lines.At(0).Start
					}
					walk(c, inLink)
					pb.sep("\n\n")
				} else {
					walk(c, inLink)
				}
			}
		}
	}
	walk(doc, false)
	d.Plain = strings.TrimSpace(pb.b.String())
	d.findBareURLs(pb, starts, bodyLine)
	d.buildParts(pb, starts, bodyLine)
	d.buildWords(pb, starts, bodyLine)
}

// bareURLRE finds scheme URLs that Markdown's linkify leaves as text: hosts
// without a dot (https://intranet/...), localhost, IP addresses.
var bareURLRE = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)

// findBareURLs adds the links that goldmark did not make links of, so the
// link checks (insecure, internal) see every address in the text.
func (d *Draft) findBareURLs(pb *plainBuilder, starts []int, bodyLine int) {
	plain := pb.b.String()
	have := map[string]bool{}
	for _, l := range d.Links {
		have[l.URL] = true
	}
	for _, p := range pb.pieces {
		if p.kind == urlText {
			continue
		}
		for _, m := range bareURLRE.FindAllStringIndex(plain[p.start:p.end], -1) {
			u := strings.TrimRight(plain[p.start+m[0]:p.start+m[1]], ".,;:!?)]}")
			if have[u] {
				continue
			}
			have[u] = true
			off := min(p.src+m[0], max(len(pb.body)-1, 0))
			d.Links = append(d.Links, Link{URL: u, Line: bodyLine - 1 + lineAt(starts, off)})
		}
	}
}

// buildParts splits the plain text at thematic breaks (a line ---), which
// separate the posts of a thread.
func (d *Draft) buildParts(pb *plainBuilder, starts []int, bodyLine int) {
	plain := pb.b.String()
	from := 0
	for _, cut := range append(pb.breaks, len(plain)) {
		text := strings.TrimSpace(plain[from:cut])
		if text != "" {
			line := bodyLine
			for _, p := range pb.pieces {
				if p.start >= from && p.src < len(pb.body) {
					line = bodyLine - 1 + lineAt(starts, p.src)
					break
				}
			}
			d.Parts = append(d.Parts, Part{Text: text, Line: line})
		}
		from = cut
	}
}

// buildWords tokenises the plain text piece by piece, then finds sentences
// and quotations.
func (d *Draft) buildWords(pb *plainBuilder, starts []int, bodyLine int) {
	plain := pb.b.String()
	type wordAt struct {
		DraftWord
		off int // in plain
	}
	var words []wordAt
	for _, p := range pb.pieces {
		if p.kind == urlText {
			continue
		}
		seg := plain[p.start:p.end]
		for _, t := range Tokenize(seg) {
			srcOff := p.src + t.Start
			if srcOff >= len(pb.body) {
				srcOff = p.src
			}
			words = append(words, wordAt{DraftWord{Word: t.Word, Line: bodyLine - 1 + lineAt(starts, srcOff), LinkText: p.kind == linkText}, p.start + t.Start})
		}
	}
	// Sentence boundaries: . ! ? followed by space or end, or a line break
	// between blocks.
	var bounds []int
	for i := 0; i < len(plain); i++ {
		c := plain[i]
		if c == '\n' {
			bounds = append(bounds, i+1)
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		// Closing quotation marks and brackets belong to the sentence.
		j := i + 1
		for j < len(plain) {
			if plain[j] == '"' || plain[j] == ')' || plain[j] == '\'' {
				j++
			} else if strings.HasPrefix(plain[j:], "”") || strings.HasPrefix(plain[j:], "’") || strings.HasPrefix(plain[j:], "»") {
				j += 3
				if strings.HasPrefix(plain[j-3:], "»") {
					j--
				}
			} else {
				break
			}
		}
		if j == len(plain) || plain[j] == ' ' || plain[j] == '\n' {
			bounds = append(bounds, j)
			i = j - 1
		}
	}
	bounds = append(bounds, len(plain)+1)
	si := 0
	for wi := range words {
		for words[wi].off >= bounds[si] {
			si++
		}
		words[wi].Sentence = si
	}
	// Compact sentence indexes to the ones that hold words.
	remap := map[int]int{}
	for wi := range words {
		s := words[wi].Sentence
		idx, ok := remap[s]
		if !ok {
			idx = len(d.Sentences)
			remap[s] = idx
			from := 0
			if s > 0 {
				from = bounds[s-1]
			}
			to := bounds[s]
			if to > len(plain) {
				to = len(plain)
			}
			d.Sentences = append(d.Sentences, Sentence{Text: strings.TrimSpace(strings.ReplaceAll(plain[from:to], "\n", " ")), Line: words[wi].Line, Start: wi})
		}
		words[wi].Sentence = idx
		d.Sentences[idx].End = wi + 1
	}
	d.Words = make([]DraftWord, len(words))
	offs := make([]int, len(words))
	for i, w := range words {
		d.Words[i] = w.DraftWord
		offs[i] = w.off
	}
	d.Quotes = findQuotes(plain, offs)
}

// findQuotes returns word ranges inside quotation marks (“…”, "…", «…»).
func findQuotes(plain string, offs []int) [][2]int {
	var spans [][2]int // byte spans in plain
	open := -1
	var closer rune
	for i, r := range plain {
		if open < 0 {
			switch r {
			case '“':
				open, closer = i, '”'
			case '"':
				open, closer = i, '"'
			case '«':
				open, closer = i, '»'
			case '„':
				open, closer = i, '“'
			}
			continue
		}
		if r == closer || (closer == '”' && r == '"') {
			spans = append(spans, [2]int{open, i})
			open = -1
		} else if r == '\n' && i+1 < len(plain) && plain[i+1] == '\n' {
			open = -1 // quotations do not run across paragraphs
		}
	}
	var out [][2]int
	for _, sp := range spans {
		a := sort.SearchInts(offs, sp[0])
		b := sort.SearchInts(offs, sp[1])
		if b > a {
			out = append(out, [2]int{a, b})
		}
	}
	return out
}

// FieldLine returns the line of a front matter field, or 1 if absent.
func (d *Draft) FieldLine(name string) int {
	if l, ok := d.fieldLines[name]; ok {
		return l
	}
	return 1
}

// HasField reports whether the front matter set the field.
func (d *Draft) HasField(name string) bool {
	_, ok := d.fieldLines[name]
	return ok
}
