package policy

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/clearance-dev/clearance/internal/channel"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
)

// MaxDraftBytes bounds a draft. Posts and replies are short; a larger file
// is reported, not read.
const MaxDraftBytes = 1 << 20

// maxFrontMatterBytes bounds the YAML part of a draft.
const maxFrontMatterBytes = 64 << 10

// Channels are the channels clearance knows by default; the config may add
// more under channels.
var Channels = channel.Names()

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
	// Comments are the HTML comments of the body (<!-- … -->) and the
	// titles of its links and tags (shown only when the pointer rests
	// on them). They are not posted, but their words are read after the
	// text, as Hidden words, so that nothing in them escapes the checks.
	Comments []Comment

	// Findings found while reading (front matter problems, unreadable file).
	Findings []Finding
	// Unreadable is set when the body could not be read at all; such a
	// draft is new-content (fail closed).
	Unreadable bool

	fieldLines map[string]int
	raw        []byte
	// closeLine is the line of the front matter's closing ---, or 1.
	closeLine int
	// fmUnread is set when the front matter is missing or cannot be
	// read: its fields are then unknown, not absent.
	fmUnread bool
	// misnamed maps a known field to the line of an unknown field that
	// looks like a misspelling of it (Author: for author:).
	misnamed map[string]misnamedField
	// authorNotText is the value of an author: that is not text (true,
	// 5), "" otherwise.
	authorNotText string
}

type misnamedField struct {
	name string // as written
	line int
}

// HasText reports whether the draft has anything a reader would see: a
// letter, digit, emoji or other symbol, in its text or an image
// description. Blank lines, spaces and invisible characters are nothing.
func (d *Draft) HasText() bool {
	for _, w := range d.Words {
		if !w.Hidden {
			return true
		}
	}
	for _, r := range d.Plain {
		if !blankRune(r) {
			return true
		}
	}
	return false
}

// blankRune reports whether r shows nothing on its own: white space,
// control and format characters (zero-width space and joiner), variation
// selectors, combining marks with nothing to combine with, and the blank
// fillers that are used to post "empty" text.
func blankRune(r rune) bool {
	return r == '\u2800' || text.Invisible(r) || unicode.IsSpace(r) ||
		unicode.In(r, unicode.Cc, unicode.Mn, unicode.Me, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Noncharacter_Code_Point)
}

// DraftWord is one word of a draft's prose.
type DraftWord struct {
	Word     string
	Line     int
	LinkText bool // part of a link's text
	Sentence int  // index into Sentences
	// Hidden is set for a word of an HTML comment or a title (see
	// Draft.Comments), which is read but not posted.
	Hidden bool
}

// Comment is an HTML comment or a title in a draft's body.
type Comment struct {
	Text string // between <!-- and -->, or the title
	Line int
	// Title is set for a link's or a tag's title ([a](url "title"),
	// title="…").
	Title bool
	// Definition is set for a link definition that no link uses
	// ("[//]: # (a note)"), which shows nothing.
	Definition bool
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
	d := &Draft{Path: path, Kind: "", BodyLine: 1, closeLine: 1, fieldLines: map[string]int{}}
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
		line, msg := frontMatterProblem(data)
		add(RuleFrontMatter, line, "%s", msg)
		d.fmUnread = true
	} else {
		d.closeLine = bodyLine - 1
		if body == nil {
			d.closeLine = bodyLine // the file ends on the closing line
		}
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

// frontMatterProblem says what is wrong with the start of a draft whose
// front matter splitFrontMatter could not find, and on which line.
func frontMatterProblem(data []byte) (int, string) {
	lines := strings.Split(string(data), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t\r")
	}
	const none = "no front matter: start the file with a line ---, then channel:, author: and the other fields, then a line ---"
	first := strings.TrimSpace(lines[0])
	switch {
	case lines[0] == "---":
		// Opened but never closed. A line of dashes that is not
		// exactly --- is most likely meant to close it.
		for i := 1; i < len(lines); i++ {
			if l := strings.TrimSpace(lines[i]); l == "---" {
				return i + 1, "the front matter is not closed: remove the spaces before --- on this line, so it closes the front matter"
			} else if dashLine(l) {
				return i + 1, fmt.Sprintf("the front matter is not closed: this line is %q, but the front matter must end with a line of exactly three hyphens ---; change it to ---", l)
			}
		}
		// The last field: a line that names a known field, or continues
		// one (indented, or a list entry), before the first line that
		// cannot be front matter.
		last, inField := 0, false
		for i := 1; i < len(lines); i++ {
			l := lines[i]
			if l == "" {
				continue
			}
			if !fieldLikeRE.MatchString(l) {
				break
			}
			if k, _, ok := strings.Cut(l, ":"); ok && l[0] != ' ' && l[0] != '\t' && l[0] != '-' && l[0] != '#' {
				_, known := frontMatterFields[k]
				hinted, _ := fieldHint(k)
				inField = known || hinted != ""
			} else if l[0] == '#' {
				continue
			}
			if inField {
				last = i + 1
			}
		}
		if last == 0 {
			return 1, "the front matter is not closed: after this line ---, add the fields (channel:, author: and the others), then a line ---"
		}
		return last, "the front matter is not closed: add a line --- after the last field, which is on this line"
	case first == "":
		// Blank lines before the front matter.
		for i := 1; i < len(lines); i++ {
			if l := strings.TrimSpace(lines[i]); l == "---" {
				blank := "the blank line"
				if i > 1 {
					blank = fmt.Sprintf("the %d blank lines", i)
				}
				return 1, fmt.Sprintf("remove %s before --- (line %d): the front matter must start on the first line of the file", blank, i+1)
			} else if l != "" {
				break
			}
		}
	case first == "---":
		return 1, "remove the spaces before ---: the front matter must start with a line of exactly three hyphens ---"
	case first == "+++":
		return 1, "the front matter must be between lines ---, with fields written as name: value (channel: x), not between lines +++"
	case dashLine(first):
		return 1, fmt.Sprintf("the first line is %q, but the front matter must start with a line of exactly three hyphens ---; change it to ---", first)
	}
	return 1, none
}

// dashLine reports whether l is made only of dashes (and spaces), at
// least two: ----, - - -, or dashes a word processor made of hyphens.
func dashLine(l string) bool {
	n := 0
	for _, r := range l {
		switch r {
		case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u2500', '\u2E3A', '\u2E3B':
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 2
}

// fieldLikeRE matches a line that can belong to front matter: a field, an
// indented continuation, a list entry or a comment.
var fieldLikeRE = regexp.MustCompile(`^(\s|#|- |-$|[A-Za-z_][A-Za-z0-9_ -]*:(\s|$))`)

// draftYAMLErrRE takes the problem out of a YAML error.
var draftYAMLErrRE = regexp.MustCompile(`^yaml: (?:line \d+: )?(.*)$`)

// noSpaceFieldRE is a field with no space after its colon (channel:x).
var noSpaceFieldRE = regexp.MustCompile(`^([A-Za-z_]+):([^\s/].*)$`)

// frontMatterYAMLProblem turns a YAML parser's problem msg, found on line
// (1-based in fm, 0 if unknown), into plain words and the line to show.
func frontMatterYAMLProblem(msg string, fm []byte, line int) (int, string) {
	lines := strings.Split(string(fm), "\n")
	get := func(n int) string {
		if n < 1 || n > len(lines) {
			return ""
		}
		return strings.TrimRight(lines[n-1], "\r")
	}
	field := func(l string) (key, val string, ok bool) {
		k, v, ok := strings.Cut(l, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return "", "", false
		}
		return k, strings.TrimSpace(v), true
	}
	quoted := func(key, val string) string {
		if strings.Contains(val, `"`) {
			return fmt.Sprintf("%s: '%s'", key, strings.ReplaceAll(val, "'", "''"))
		}
		return fmt.Sprintf("%s: \"%s\"", key, val)
	}
	// A tab at the start of a line: YAML does not allow it.
	tabLine := func() int {
		for n := max(line-1, 1); n <= len(lines); n++ {
			if l := get(n); strings.TrimLeft(l, " ") != "" && strings.TrimLeft(l, " ")[0] == '\t' {
				return n
			}
		}
		return 0
	}
	const generic = "this line cannot be read as name: value; check the spelling and the indentation, and put a value that contains a colon, # or quotation marks in quotes"
	switch {
	case msg == "mapping values are not allowed in this context":
		l := get(line)
		if line > 1 && l != "" && (l[0] == ' ' || l[0] == '\t') {
			return line, "this line is indented, so it reads as part of the field above it: start it at the beginning of the line"
		}
		if key, val, ok := field(l); ok && strings.Contains(val, ": ") {
			return line, fmt.Sprintf("a value that contains \": \" must be in quotes, e.g. %s", quoted(key, val))
		}
		return line, "a value that contains \": \" must be in quotes, e.g. author: \"Press Office: Northbridge\""
	case strings.Contains(msg, "tab character"):
		if n := tabLine(); n > 0 {
			return n, "this line starts with a tab: remove it, so the field starts at the beginning of the line (indent with spaces, never tabs)"
		}
		return line, "remove the tab characters: indent with spaces, never tabs"
	case msg == "found character that cannot start any token":
		if n := tabLine(); n > 0 && n <= line {
			return n, "this line starts with a tab: remove it, so the field starts at the beginning of the line (indent with spaces, never tabs)"
		}
		if key, val, ok := field(get(line)); ok && val != "" {
			return line, fmt.Sprintf("a value cannot start with %c unless it is in quotes: write %s", []rune(val)[0], quoted(key, val))
		}
		return line, generic
	case msg == "found unexpected end of stream" || strings.Contains(msg, "quoted scalar"):
		for n := max(line, 1); n <= len(lines); n++ {
			if _, val, ok := field(get(n)); ok && val != "" && (val[0] == '"' || val[0] == '\'') {
				return n, fmt.Sprintf("the quotation mark %c that starts this value is not closed: add %c at the end of the value, or remove it", val[0], val[0])
			}
		}
		return line, "a quotation mark is not closed: add the closing quotation mark at the end of the value, or remove it"
	case msg == "could not find expected ':'":
		return line, "this line is not a field: write it as name: value, with a colon after the name; if it continues the value above, put that whole value in quotes"
	case strings.HasPrefix(msg, "did not find expected ',' or ']'"):
		return line, "a list that starts with [ is not closed: end it with ], or put the whole value in quotes"
	case strings.HasPrefix(msg, "did not find expected ',' or '}'"):
		return line, "a value that starts with { is not closed: end it with }, or put the whole value in quotes"
	case strings.HasPrefix(msg, "unknown anchor"):
		return line, "a value cannot start with * unless it is in quotes: put the value in quotes"
	case msg == "did not find expected key":
		return line, "this line cannot be read as name: value; check the quotation marks (a value in quotes must end with its closing quote, with nothing after it) and the indentation"
	}
	return line, generic
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
		d.fmUnread = true
		return
	}
	var root yaml.Node
	if err := yaml.Unmarshal(fm, &root); err != nil {
		d.fmUnread = true
		line := 0 // in the front matter, 1-based
		if ces := yamlErrors(d.Path, fm, err); len(ces) > 0 {
			line = ces[0].Line
		}
		raw := err.Error()
		if m := draftYAMLErrRE.FindStringSubmatch(raw); m != nil {
			raw = m[1]
		}
		line, msg := frontMatterYAMLProblem(raw, fm, line)
		errf(RuleFrontMatter, Error, max(line+1, 1), "the front matter cannot be read: %s", msg) // it starts on line 2
		return
	}
	if ce := checkYAMLShape(d.Path, &root); ce != nil {
		d.fmUnread = true
		msg := ce.Msg
		if strings.Contains(msg, "config") {
			msg = "it is far larger than a draft needs; keep to fields of the form name: value, one per line"
		}
		errf(RuleFrontMatter, Error, ce.Line+1, "the front matter cannot be read: %s", msg)
		return
	}
	if len(root.Content) == 0 {
		return
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		d.fmUnread = true
		line, msg := m.Line+1, "the front matter must be fields of the form name: value, one per line (for example channel: x)"
		for i, l := range strings.Split(string(fm), "\n") {
			if sm := noSpaceFieldRE.FindStringSubmatch(l); sm != nil {
				line, msg = i+2, fmt.Sprintf("put a space after the colon: %s: %s", sm[1], strings.TrimSpace(sm[2]))
				break
			}
		}
		errf(RuleFrontMatter, Error, line, "%s", msg)
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
			if known, lower := fieldHint(name); known != "" {
				if d.misnamed == nil {
					d.misnamed = map[string]misnamedField{}
				}
				if _, dup := d.misnamed[known]; !dup {
					d.misnamed[known] = misnamedField{name: name, line: line}
				}
				errf(RuleUnknownField, Warning, line, "unknown field %q is ignored: %s", name, fieldHintText(known, lower))
				continue
			}
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
			switch v.Tag {
			case "!!null":
				val = "" // author: null is no author
			case "!!bool", "!!int", "!!float", "!!timestamp":
				d.authorNotText = val
				val = ""
			}
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
			if vs := strings.TrimSpace(v.Value); strings.Contains(vs, "T") && !strings.HasSuffix(vs, "Z") && !strings.HasSuffix(vs, "z") && !strings.ContainsAny(vs[strings.Index(vs, "T"):], "+-") {
				errf(RuleFrontMatter, Warning, line, "publish_at %s has no time zone, so clearance reads it as UTC; if you mean local time and your clocks are ahead of UTC (British Summer Time), the post goes out earlier than clearance thinks and an embargo check may pass wrongly. Add Z for UTC, or the offset, e.g. %s+01:00", vs, vs)
			}
		}
	}
}

// fieldHint returns the known field that name is most likely meant to be:
// the same but for case, _ or -, or one letter out. lower is set when
// only the case differs.
func fieldHint(name string) (known string, lower bool) {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(name))
	if _, ok := frontMatterFields[norm]; ok {
		return norm, norm == strings.ToLower(name) && name != norm
	}
	for _, f := range sortedKeys(frontMatterFields) {
		if editDistance1(norm, f) {
			return f, false
		}
	}
	return "", false
}

// fieldHintText is the advice for a field name that is not quite known.
func fieldHintText(known string, lower bool) string {
	if lower {
		return fmt.Sprintf("did you mean %s:? Field names are lower case", known)
	}
	return fmt.Sprintf("did you mean %s:?", known)
}

// editDistance1 reports whether a and b differ by exactly one letter
// added, removed, changed or two swapped.
func editDistance1(a, b string) bool {
	if a == b {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) != len(rb) {
		return string(ra[i+1:]) == string(rb[i:]) // one added
	}
	if string(ra[i+1:]) == string(rb[i+1:]) {
		return true // one changed
	}
	return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
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
	// srcEnd, when set, bounds the body bytes the piece came from: text
	// decoded from HTML entities is not byte for byte the body.
	srcEnd int
	kind   pieceKind
}

// at returns the body offset of byte i of the piece's text.
func (p piece) at(i int) int {
	off := p.src + i
	if p.srcEnd > p.src && off >= p.srcEnd {
		off = p.srcEnd - 1
	}
	return off
}

type pieceKind uint8

const (
	prose pieceKind = iota
	linkText
	urlText
	hiddenText // an HTML comment's text or a title: read, not posted
)

type plainBuilder struct {
	b      strings.Builder
	pieces []piece
	body   []byte
	last   int
	breaks []int // offsets in b of thematic breaks (--- between thread parts)
}

func (p *plainBuilder) emit(s string, src int, k pieceKind) {
	p.emitRange(s, src, 0, k)
}

// emitRange is emit for text that came from body bytes [src, srcEnd).
func (p *plainBuilder) emitRange(s string, src, srcEnd int, k pieceKind) {
	if s == "" {
		return
	}
	if src < 0 {
		src = p.last
	}
	p.last = src
	start := p.b.Len()
	p.b.WriteString(s)
	p.pieces = append(p.pieces, piece{start: start, end: p.b.Len(), src: src, srcEnd: srcEnd, kind: k})
}

// postedText is a text segment as a reader sees it: backslash escapes
// ("intranet\\.example") and character references ("&#111;", "&amp;")
// resolved.
func postedText(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	v = util.ResolveEntityNames(v)
	return string(v)
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
	pctx := parser.NewContext()
	doc := markdown.Parser().Parse(gmtext.NewReader(body), parser.WithContext(pctx))
	pb := &plainBuilder{body: body}
	lineOf := func(pos int) int {
		if pos < 0 {
			pos = pb.last
		}
		return bodyLine - 1 + lineAt(starts, pos)
	}
	// Image descriptions (alt text) are public on most channels, so their
	// words are read too; they are not part of the post's length, so they
	// go after the text, in alts.
	var alts []ast.Node
	type altAttr struct {
		s   string
		src int
	}
	var altAttrs, comments []altAttr
	hs := htmlSink{
		text: func(s string, src, srcEnd int) {
			if strings.TrimSpace(s) == "" {
				// Where a tag was: a space, if words are on both sides.
				if cur := pb.b.String(); cur == "" || strings.HasSuffix(cur, " ") || strings.HasSuffix(cur, "\n") {
					return
				}
			}
			pb.emitRange(s, src, srcEnd, prose)
		},
		brk: func(src int) {
			if cur := pb.b.String(); cur != "" && !strings.HasSuffix(cur, "\n") {
				pb.emit("\n", src, prose)
			}
		},
		link: func(u string, src int, image bool) {
			d.Links = append(d.Links, Link{URL: u, Line: lineOf(src), Image: image})
			if !image {
				// Written out, as a Markdown link's address is.
				if cur := pb.b.String(); cur != "" && !strings.HasSuffix(cur, " ") && !strings.HasSuffix(cur, "\n") {
					pb.emit(" ", src, urlText)
				}
				pb.emit(u+" ", src, urlText)
			}
		},
		alt: func(s string, src int) { altAttrs = append(altAttrs, altAttr{s, src}) },
		comment: func(s string, src int) {
			d.Comments = append(d.Comments, Comment{Text: s, Line: lineOf(src)})
			comments = append(comments, altAttr{s, src + 4})
		},
		title: func(s string, src int) {
			d.Comments = append(d.Comments, Comment{Text: s, Line: lineOf(src), Title: true})
			comments = append(comments, altAttr{s, src})
		},
	}
	rawSegs := func(segs *gmtext.Segments) []htmlSeg {
		out := make([]htmlSeg, 0, segs.Len())
		for i := 0; i < segs.Len(); i++ {
			seg := segs.At(i)
			out = append(out, htmlSeg{text: string(seg.Value(body)), src: seg.Start})
		}
		return out
	}
	var walk func(n ast.Node, inLink bool)
	walk = func(n ast.Node, inLink bool) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch node := c.(type) {
			case *ast.Text:
				k := prose
				if inLink {
					k = linkText
				}
				pb.emit(postedText(node.Segment.Value(body)), node.Segment.Start, k)
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
				if len(bytes.TrimSpace(node.Title)) > 0 {
					hs.title(string(node.Title), pos)
				}
				label := pb.b.String()[before:]
				if strings.TrimSpace(label) != dest && dest != "" && !strings.HasPrefix(dest, "#") {
					pb.emit(" ", pos, urlText)
					pb.emit(dest, pos, urlText)
				}
			case *ast.Image:
				// The image is an attachment: keep the link for the
				// link checks. Its alt text is read after the text.
				pos := c.Pos()
				if pos < 0 {
					pos = pb.last
				}
				d.Links = append(d.Links, Link{URL: string(node.Destination), Line: bodyLine - 1 + lineAt(starts, pos), Image: true})
				if len(bytes.TrimSpace(node.Title)) > 0 {
					hs.title(string(node.Title), pos)
				}
				alts = append(alts, node)
			case *ast.ThematicBreak:
				pb.sep("\n\n")
				pb.breaks = append(pb.breaks, pb.b.Len())
			case *ast.RawHTML:
				// A tag or comment inside a line: comments are not
				// posted, but addresses in tags are links.
				scanHTML(rawSegs(node.Segments), hs)
			case *ast.HTMLBlock:
				// Read as the text a reader would see (fail closed).
				pb.sep("\n\n")
				segs := rawSegs(node.Lines())
				if node.HasClosure() {
					segs = append(segs, htmlSeg{text: string(node.ClosureLine.Value(body)), src: node.ClosureLine.Start})
				}
				scanHTML(segs, hs)
				pb.sep("\n\n")
			case *ast.Heading:
				// In a thread, a line --- right under a line of text
				// (a Markdown heading underline) splits the thread,
				// as the author meant.
				pb.sep("\n\n")
				if lines := c.Lines(); lines != nil && lines.Len() > 0 {
					pb.last = lines.At(0).Start
				}
				walk(c, inLink)
				pb.sep("\n\n")
				if channel.Thread(d.Channel) && setextBreak(node, body, starts) {
					pb.breaks = append(pb.breaks, pb.b.Len())
				}
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
	mainEnd := pb.b.Len()
	for i := 0; i < len(alts); i++ { // alt text may hold images itself
		pb.sep("\n\n")
		walk(alts[i], false)
		pb.sep("\n\n")
	}
	for _, a := range altAttrs {
		pb.sep("\n\n")
		pb.emitRange(a.s, a.src, a.src+1, prose)
		pb.sep("\n\n")
	}
	// Link definitions that no link uses show nothing ("[//]: # (a
	// note)" is a common way to write a comment): their label and title
	// are read like a comment.
	for _, ref := range pctx.References() {
		used := false
		for _, l := range d.Links {
			used = used || l.URL == string(ref.Destination())
		}
		if used {
			continue
		}
		hidden := strings.TrimSpace(string(ref.Label()) + " " + string(ref.Title()))
		if len(text.Words(hidden)) == 0 {
			continue
		}
		src := definitionAt(body, ref.Label())
		d.Comments = append(d.Comments, Comment{Text: hidden, Line: lineOf(src), Definition: true})
		comments = append(comments, altAttr{hidden, src})
	}
	// HTML comments and titles are read last, each as its own paragraph.
	for _, c := range comments {
		pb.sep("\n\n")
		pb.emit(c.s, c.src, hiddenText)
		pb.sep("\n\n")
	}
	// Text under a right-to-left override is read in the order it is
	// displayed (see displayOrder).
	if s := pb.b.String(); strings.ContainsRune(s, '\u202e') {
		pb.b.Reset()
		pb.b.WriteString(displayOrder(s))
	}
	d.Plain = strings.TrimSpace(pb.b.String()[:mainEnd])
	d.findBareURLs(pb, starts, bodyLine)
	d.buildParts(pb, starts, bodyLine, mainEnd)
	d.buildWords(pb, starts, bodyLine)
}

// definitionAt returns the offset in body of the link definition with
// label ("[label]:"), or 0.
func definitionAt(body, label []byte) int {
	want := "[" + strings.ToLower(string(label)) + "]:"
	lower := strings.ToLower(string(body))
	if i := strings.Index(lower, want); i >= 0 {
		return i
	}
	return 0
}

// setextBreak reports whether a heading is text underlined with a line of
// hyphens (---), which in a thread means a break between posts.
func setextBreak(h *ast.Heading, body []byte, starts []int) bool {
	lines := h.Lines()
	if h.Level != 2 || lines == nil || lines.Len() == 0 {
		return false
	}
	first := lineAt(starts, lines.At(0).Start) - 1
	if strings.HasPrefix(strings.TrimSpace(string(lineText(body, starts, first))), "#") {
		return false // an ATX heading (## Title)
	}
	next := lineAt(starts, lines.At(lines.Len()-1).Start) // 0-based index of the line after
	if next >= len(starts) {
		return false
	}
	u := strings.TrimSpace(string(lineText(body, starts, next)))
	return len(u) >= 3 && strings.Trim(u, "-") == ""
}

// lineText returns line i (0-based) of b without its line break.
func lineText(b []byte, starts []int, i int) []byte {
	end := len(b)
	if i+1 < len(starts) {
		end = starts[i+1]
	}
	return bytes.TrimRight(b[starts[i]:end], "\r\n")
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
			off := min(p.at(m[0]), max(len(pb.body)-1, 0))
			d.Links = append(d.Links, Link{URL: u, Line: bodyLine - 1 + lineAt(starts, off)})
		}
	}
}

// buildParts splits the plain text at thematic breaks (a line ---), which
// separate the posts of a thread.
func (d *Draft) buildParts(pb *plainBuilder, starts []int, bodyLine, mainEnd int) {
	plain := pb.b.String()[:mainEnd]
	from, pi := 0, 0
	for _, cut := range append(pb.breaks, len(plain)) {
		text := strings.TrimSpace(plain[from:cut])
		if text != "" {
			line := bodyLine
			for pi < len(pb.pieces) && pb.pieces[pi].start < from {
				pi++ // pieces are in order
			}
			for _, p := range pb.pieces[pi:] {
				if p.src < len(pb.body) {
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
	// The words are read from the text as posted, not piece by piece:
	// "**sh**ould" or "sh<b>ou</b>ld" reads "should". Web addresses are
	// blanked out; each word takes its line and kind from the piece it
	// starts in.
	wordText := []byte(plain)
	for _, p := range pb.pieces {
		if p.kind == urlText {
			for i := p.start; i < p.end; i++ {
				if wordText[i] != '\n' {
					wordText[i] = ' '
				}
			}
		}
	}
	pi := 0
	for _, t := range text.Tokenize(string(wordText)) {
		for pi+1 < len(pb.pieces) && pb.pieces[pi+1].start <= t.Start {
			pi++
		}
		if pi >= len(pb.pieces) {
			break
		}
		p := pb.pieces[pi]
		srcOff := p.src
		if t.Start >= p.start && t.Start < p.end {
			srcOff = p.at(t.Start - p.start)
		}
		if srcOff >= len(pb.body) {
			srcOff = p.src
		}
		words = append(words, wordAt{DraftWord{Word: t.Word, Line: bodyLine - 1 + lineAt(starts, srcOff), LinkText: p.kind == linkText, Hidden: p.kind == hiddenText}, t.Start})
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
		if c == '.' {
			// After an abbreviation ("Dr.", "4 p.m.") a full stop ends no
			// sentence, as in the register (register.Abbreviation).
			j := i
			for j > 0 && (plain[j-1] >= 'a' && plain[j-1] <= 'z' || plain[j-1] >= 'A' && plain[j-1] <= 'Z') {
				j--
			}
			// A one-letter one ("p.m.") only when a small letter or a
			// digit follows, as no sentence starts so: "…at 9 a.m.
			// Call 999 if…" is two sentences, and the second opens with
			// an instruction.
			if j < i && register.Abbreviation(plain[j:i]) && (i-j > 1 || abbreviationStop(plain, i) || timeZoneNext(plain, i)) {
				continue
			}
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

// abbreviationStop reports whether the full stop at plain[i] ends an
// abbreviation ("p.m.", "e.g.", "Dr.") within a sentence: the word before
// it is one as register documents read them (register.Abbreviation), and
// what follows on the line starts with a small letter or a digit, as no
// sentence does. So "4:30 p.m. on 15 January" is one sentence, as in the
// document it comes from, while "…at 9 a.m. Call 999 if…" is two.
func abbreviationStop(plain string, i int) bool {
	k := i
	for k > 0 && (plain[k-1] >= 'a' && plain[k-1] <= 'z' || plain[k-1] >= 'A' && plain[k-1] <= 'Z') {
		k--
	}
	if k == i || !register.Abbreviation(plain[k:i]) {
		return false
	}
	j := i + 1
	for j < len(plain) && plain[j] == ' ' {
		j++
	}
	return j < len(plain) && (plain[j] >= 'a' && plain[j] <= 'z' || plain[j] >= '0' && plain[j] <= '9')
}

// timeZoneWords go on a sentence after "a.m." or "p.m." though they start
// with a capital: "10 p.m. Pacific Time", "9 a.m. GMT", "6 p.m. Friday".
var timeZoneWords = map[string]bool{
	"gmt": true, "bst": true, "utc": true, "cet": true, "cest": true, "pacific": true, "eastern": true,
	"central": true, "mountain": true, "atlantic": true, "hawaii": true, "alaska": true, "newfoundland": true,
	"aest": true, "aedt": true, "acst": true, "acdt": true, "awst": true, "nzst": true, "nzdt": true,
	"et": true, "pt": true, "ct": true, "mt": true, "est": true, "edt": true, "pst": true, "pdt": true,
	"cst": true, "cdt": true, "mst": true, "mdt": true, "hst": true, "akst": true, "local": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true,
	"sunday": true, "january": true, "february": true, "march": true, "april": true, "may": true,
	"june": true, "july": true, "august": true, "september": true, "october": true, "november": true,
	"december": true,
}

// timeZoneNext reports whether the word after the full stop at plain[i]
// is one of timeZoneWords.
func timeZoneNext(plain string, i int) bool {
	j := i + 1
	for j < len(plain) && plain[j] == ' ' {
		j++
	}
	k := j
	for k < len(plain) && (plain[k] >= 'a' && plain[k] <= 'z' || plain[k] >= 'A' && plain[k] <= 'Z') {
		k++
	}
	return k > j && timeZoneWords[strings.ToLower(plain[j:k])]
}
