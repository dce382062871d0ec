// Package channel holds the length rules of the channels clearance drafts
// posts for: how each channel counts a post (X's twitter-text v3 weighted
// length, user-perceived characters or code points, with links counted as
// the channel counts them) and how long it may be. It is a port of
// twitter-text's length rules, checked against twitter-text's own
// conformance tests (testdata/twitter-text). It is pure: no network, no
// file system, no state.
package channel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/text"
	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// LengthRule says how a channel counts the length of a post and how long it
// may be. The zero value means "no limit".
type LengthRule struct {
	// Method is "twitter" (twitter-text v3 weighted length), "graphemes"
	// (user-perceived characters) or "characters" (Unicode code points).
	Method string `yaml:"method" json:"method"`
	// Max is the most the channel allows, in the method's units; 0 = no limit.
	Max int `yaml:"max" json:"max"`
	// URLLength, when above 0, is what every http(s) URL counts as, whatever
	// its real length (X and Mastodon count 23). Ignored by "twitter", which
	// always counts URLs as 23.
	URLLength int `yaml:"url_length" json:"url_length,omitempty"`
	// MaxBytes, when above 0, also limits the UTF-8 size (Bluesky: 3000).
	MaxBytes int `yaml:"max_bytes" json:"max_bytes,omitempty"`
	// MaxLinks, when above 0, limits the number of links (Threads: 5).
	MaxLinks int `yaml:"max_links" json:"max_links,omitempty"`
	// ShortMentions, when set, counts a mention of someone on another
	// server, "@alice@social.example.org", as its user name alone,
	// "@alice", as Mastodon does. Set for mastodon; not configurable.
	ShortMentions bool `yaml:"-" json:"-"`
}

// The values of LengthRule.Method.
const (
	// LengthMethodTwitter is X's weighted length, as twitter-text v3 counts
	// it: see CountLength.
	LengthMethodTwitter = "twitter"
	// LengthMethodGraphemes counts user-perceived characters (extended
	// grapheme clusters, UAX #29): "é", "🇫🇷" and "👨‍👩‍👧" are one each.
	LengthMethodGraphemes = "graphemes"
	// LengthMethodCharacters counts Unicode code points.
	LengthMethodCharacters = "characters"
)

// Constants of twitter-text's config v3 (config-v3.json), which X uses.
const (
	// twitterURLLength is config v3's transformedURLLength: what every URL
	// counts as on X.
	twitterURLLength = 23
	// twitterEmojiWeight is what every emoji counts as on X (config v3's
	// defaultWeight divided by its scale).
	twitterEmojiWeight = 2
)

// DefaultLengthRules returns the length rule of every channel clearance
// knows, keyed by channel name. The caller owns the map.
//
//   - x: twitter-text weighted length, at most 280.
//   - bluesky: 300 graphemes and 3,000 bytes; links count in full.
//   - mastodon: 500 graphemes; every link counts 23, and a mention of
//     someone on another server counts only its "@user" part.
//   - threads: 500 characters (code points), at most 5 links.
//   - linkedin: 3,000 characters; facebook: 63,206 characters.
//   - forum, blog-comment: counted in graphemes, no limit.
func DefaultLengthRules() map[string]LengthRule {
	rules := make(map[string]LengthRule, len(channels))
	for _, c := range channels {
		rules[c.id] = c.rule
	}
	return rules
}

// spec is what clearance knows of a channel by default.
type spec struct {
	id     string     // the name drafts give in channel:
	name   string     // how messages name the channel
	thread bool       // a draft may be a thread, its posts separated by a line ---
	rule   LengthRule // the length rule, unless the config overrides it
}

// channels are the channels clearance knows by default, in the order
// Names lists them; the config may add more under channels.
var channels = []spec{
	{"x", "X", true, LengthRule{Method: LengthMethodTwitter, Max: 280}},
	{"bluesky", "Bluesky", true, LengthRule{Method: LengthMethodGraphemes, Max: 300, MaxBytes: 3000}},
	{"mastodon", "Mastodon", true, LengthRule{Method: LengthMethodGraphemes, Max: 500, URLLength: 23, ShortMentions: true}},
	{"threads", "Threads", true, LengthRule{Method: LengthMethodCharacters, Max: 500, MaxLinks: 5}},
	{"linkedin", "LinkedIn", false, LengthRule{Method: LengthMethodCharacters, Max: 3000}},
	{"facebook", "Facebook", false, LengthRule{Method: LengthMethodCharacters, Max: 63206}},
	{"forum", "the forum", false, LengthRule{Method: LengthMethodGraphemes}},
	{"blog-comment", "a blog comment", false, LengthRule{Method: LengthMethodGraphemes}},
}

// Names returns the channels clearance knows by default, in a fixed order.
func Names() []string {
	names := make([]string, len(channels))
	for i, c := range channels {
		names[i] = c.id
	}
	return names
}

// Title is how a table or heading names the channel ch ("X", "LinkedIn",
// "Forum", "Blog comment"); a channel clearance does not know is named as
// written, and none as "not set".
func Title(ch string) string {
	for _, c := range channels {
		if strings.EqualFold(c.id, ch) {
			n := strings.TrimPrefix(strings.TrimPrefix(c.name, "the "), "a ")
			return strings.ToUpper(n[:1]) + n[1:]
		}
	}
	if ch == "" {
		return "not set"
	}
	return ch
}

// Thread reports whether a draft for the channel named ch may be a thread,
// its posts separated by a line ---.
func Thread(ch string) bool {
	for _, c := range channels {
		if c.id == ch {
			return c.thread
		}
	}
	return false
}

// CountLength counts text the way rule.Method says:
//
//   - "twitter": twitter-text's weighted length with config v3, as X counts
//     it. The text is NFC-normalised; code points in U+0000–U+10FF,
//     U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 count 1 and all others
//     2; every emoji counts 2, however many code points it is made of (ZWJ
//     sequences, skin tones, keycaps, flags, tag sequences); every URL found
//     by extractURLs, and every link written without https:// that X
//     makes a link of ("northbridge.gov.uk", "bit.ly/a": see
//     twitterSchemelessURLEnd), counts 23. Text that is empty or only
//     spaces and control characters counts 0, as in twitter-text.
//     rule.URLLength is ignored.
//   - "graphemes": extended grapheme clusters (user-perceived characters).
//   - "characters": Unicode code points.
//
// An unknown or empty method counts graphemes. For "graphemes" and
// "characters", every URL found by extractURLs counts rule.URLLength when
// that is above 0 and its own length otherwise; with rule.ShortMentions,
// a mention "@user@server" counts as "@user" (see mastodonMentions). The
// text is not normalised. Invalid UTF-8 bytes count one each. The result
// is never negative.
func CountLength(text string, rule LengthRule) int {
	count := uniseg.GraphemeClusterCount
	switch rule.Method {
	case LengthMethodTwitter:
		return twitterLength(text)
	case LengthMethodCharacters:
		count = utf8.RuneCountInString
	}
	var spans []countedSpan
	if rule.URLLength > 0 {
		for _, u := range extractURLs(text) {
			spans = append(spans, countedSpan{start: u.Start, end: u.End, fixed: rule.URLLength})
		}
	}
	if rule.ShortMentions {
		spans = mergeCountedSpans(spans, mastodonMentions(text))
	}
	return countSpans(text, spans, count)
}

// countedSpan is a stretch of text, text[start:end], that a channel counts
// as fixed plus the length of keep: a link (fixed 23), or a mention that
// counts as only part of itself.
type countedSpan struct {
	start, end int
	fixed      int
	keep       string
}

// countSpans counts text with count, except that each span, in order and
// not overlapping, counts as it says.
func countSpans(text string, spans []countedSpan, count func(string) int) int {
	n, pos := 0, 0
	for _, s := range spans {
		n += count(text[pos:s.start]) + s.fixed
		if s.keep != "" {
			n += count(s.keep)
		}
		pos = s.end
	}
	return n + count(text[pos:])
}

// mergeCountedSpans merges two lists of spans, each in order, into one in
// order; where two overlap, the one that starts first is kept (a URL when
// both start at the same place), as Mastodon does.
func mergeCountedSpans(a, b []countedSpan) []countedSpan {
	if len(b) == 0 {
		return a
	}
	out := make([]countedSpan, 0, len(a)+len(b))
	end := 0
	for len(a) > 0 || len(b) > 0 {
		var s countedSpan
		if len(b) == 0 || len(a) > 0 && a[0].start <= b[0].start {
			s, a = a[0], a[1:]
		} else {
			s, b = b[0], b[1:]
		}
		if s.start >= end {
			out = append(out, s)
			end = s.end
		}
	}
	return out
}

// twitterLength is twitter-text v3's weighted length of text.
func twitterLength(text string) int {
	// twitter-text returns 0 for text that Java's String.trim() empties.
	if strings.TrimFunc(text, func(r rune) bool { return r <= ' ' }) == "" {
		return 0
	}
	text = norm.NFC.String(text)
	urls := twitterURLs(text)
	spans := make([]countedSpan, len(urls))
	for i, u := range urls {
		spans[i] = countedSpan{start: u.Start, end: u.End, fixed: twitterURLLength}
	}
	return countSpans(text, spans, twitterWeight)
}

// twitterWeight is the weighted length of text that holds no URL.
func twitterWeight(text string) int {
	n, state := 0, -1
	for text != "" {
		var cluster string
		cluster, text, _, state = uniseg.FirstGraphemeClusterInString(text, state)
		// An emoji sequence always starts a grapheme cluster, and a cluster
		// holds at most one; whatever follows it in the cluster (a stray
		// combining mark, say) is weighed code point by code point.
		for cluster != "" {
			if k := emojiPrefix(cluster); k > 0 {
				n += twitterEmojiWeight
				cluster = cluster[k:]
				continue
			}
			r, size := utf8.DecodeRuneInString(cluster)
			n += twitterCodePointWeight(r)
			cluster = cluster[size:]
		}
	}
	return n
}

// twitterCodePointWeight is config v3's weight of r, divided by its scale.
func twitterCodePointWeight(r rune) int {
	switch {
	case r >= 0 && r <= 4351, // U+0000–U+10FF: Latin to Georgian
		r >= 8192 && r <= 8205, // U+2000–U+200D: spaces
		r >= 8208 && r <= 8223, // U+2010–U+201F: hyphens and quotes
		r >= 8242 && r <= 8247: // U+2032–U+2037: primes
		return 1
	}
	return 2
}

// emojiPrefix returns the length in bytes of the emoji sequence s starts
// with, or 0. It recognises what twitter-text's emoji pattern does: flags
// (regional indicator pairs), keycaps ([#*0-9], optional U+FE0F, U+20E3),
// and Extended_Pictographic code points with their presentation selector,
// skin-tone modifiers, tag characters (subdivision flags) and ZWJ-joined
// further pictographs. As in twitter-text, © and ® are emoji only when
// followed by U+FE0F; other text-style pictographs weigh 2 either way.
func emojiPrefix(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case isRegionalIndicator(r):
		if r2, n2 := utf8.DecodeRuneInString(s[n:]); isRegionalIndicator(r2) {
			return n + n2
		}
		return n
	case r == '#' || r == '*' || r >= '0' && r <= '9':
		rest := strings.TrimPrefix(s[n:], "\uFE0F")
		if strings.HasPrefix(rest, "\u20E3") {
			return len(s) - len(rest) + len("\u20E3")
		}
		return 0
	case unicode.Is(extendedPictographic, r):
		if r < 0x100 && !strings.HasPrefix(s[n:], "\uFE0F") {
			return 0
		}
		return n + emojiTail(s[n:])
	}
	return 0
}

// emojiTail returns the length in bytes of the emoji components s starts
// with: selectors, modifiers, tags, keycap marks and ZWJ + pictograph.
func emojiTail(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		switch {
		case r == 0xFE0F, // emoji presentation selector
			r >= 0x1F3FB && r <= 0x1F3FF, // skin tones
			r >= 0xE0020 && r <= 0xE007F, // tags
			r == 0x20E3:                  // combining enclosing keycap
			n += size
		case r == 0x200D: // zero width joiner
			r2, size2 := utf8.DecodeRuneInString(s[n+size:])
			if !unicode.Is(extendedPictographic, r2) {
				return n
			}
			n += size + size2
		default:
			return n
		}
	}
	return n
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// extendedPictographic is the Extended_Pictographic property of Unicode 15.0
// (emoji-data.txt), the same data uniseg segments grapheme clusters with.
var extendedPictographic = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00A9, 0x00A9, 1}, {0x00AE, 0x00AE, 1}, {0x203C, 0x203C, 1}, {0x2049, 0x2049, 1},
		{0x2122, 0x2122, 1}, {0x2139, 0x2139, 1}, {0x2194, 0x2199, 1}, {0x21A9, 0x21AA, 1},
		{0x231A, 0x231B, 1}, {0x2328, 0x2328, 1}, {0x2388, 0x2388, 1}, {0x23CF, 0x23CF, 1},
		{0x23E9, 0x23F3, 1}, {0x23F8, 0x23FA, 1}, {0x24C2, 0x24C2, 1}, {0x25AA, 0x25AB, 1},
		{0x25B6, 0x25B6, 1}, {0x25C0, 0x25C0, 1}, {0x25FB, 0x25FE, 1}, {0x2600, 0x2605, 1},
		{0x2607, 0x2612, 1}, {0x2614, 0x2685, 1}, {0x2690, 0x2705, 1}, {0x2708, 0x2712, 1},
		{0x2714, 0x2714, 1}, {0x2716, 0x2716, 1}, {0x271D, 0x271D, 1}, {0x2721, 0x2721, 1},
		{0x2728, 0x2728, 1}, {0x2733, 0x2734, 1}, {0x2744, 0x2744, 1}, {0x2747, 0x2747, 1},
		{0x274C, 0x274C, 1}, {0x274E, 0x274E, 1}, {0x2753, 0x2755, 1}, {0x2757, 0x2757, 1},
		{0x2763, 0x2767, 1}, {0x2795, 0x2797, 1}, {0x27A1, 0x27A1, 1}, {0x27B0, 0x27B0, 1},
		{0x27BF, 0x27BF, 1}, {0x2934, 0x2935, 1}, {0x2B05, 0x2B07, 1}, {0x2B1B, 0x2B1C, 1},
		{0x2B50, 0x2B50, 1}, {0x2B55, 0x2B55, 1}, {0x3030, 0x3030, 1}, {0x303D, 0x303D, 1},
		{0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	R32: []unicode.Range32{
		{0x1F000, 0x1F0FF, 1}, {0x1F10D, 0x1F10F, 1}, {0x1F12F, 0x1F12F, 1}, {0x1F16C, 0x1F171, 1},
		{0x1F17E, 0x1F17F, 1}, {0x1F18E, 0x1F18E, 1}, {0x1F191, 0x1F19A, 1}, {0x1F1AD, 0x1F1E5, 1},
		{0x1F201, 0x1F20F, 1}, {0x1F21A, 0x1F21A, 1}, {0x1F22F, 0x1F22F, 1}, {0x1F232, 0x1F23A, 1},
		{0x1F23C, 0x1F23F, 1}, {0x1F249, 0x1F3FA, 1}, {0x1F400, 0x1F53D, 1}, {0x1F546, 0x1F64F, 1},
		{0x1F680, 0x1F6FF, 1}, {0x1F774, 0x1F77F, 1}, {0x1F7D5, 0x1F7FF, 1}, {0x1F80C, 0x1F80F, 1},
		{0x1F848, 0x1F84F, 1}, {0x1F85A, 0x1F85F, 1}, {0x1F888, 0x1F88F, 1}, {0x1F8AE, 0x1F8FF, 1},
		{0x1F90C, 0x1F93A, 1}, {0x1F93C, 0x1F945, 1}, {0x1F947, 0x1FAFF, 1}, {0x1FC00, 0x1FFFD, 1},
	},
}

// urlSpan is one URL found in a text: URL is text[Start:End], byte offsets.
type urlSpan struct {
	Start, End int
	URL        string
}

// maxURLLength is twitter-text's longest URL, in ASCII (punycode) form.
const maxURLLength = 4096

// extractURLs finds the links in plain text, in order, roughly as
// twitter-text's extractor does but without its list of top-level domains.
// A link is
//
//   - "http://" or "https://" (any case) followed by a host name, or
//   - a host name starting with "www." (any case), ASCII only,
//
// then an optional ":port" and an optional path, query and fragment. A link
// must not follow a letter or digit of the Latin alphabet or one of @ $ #
// (nor, for "www.", one of - _ . /). The host name is two or more labels
// separated by dots; labels are letters, digits, marks, symbols and hyphens
// in any script (international names such as bücher.de or ☃.net), at most
// 63 characters each once punycode-encoded, never starting or ending with
// a hyphen; underscores are allowed only below the registered domain; the
// last label (the top-level domain) is letters only, at least two of them.
// So bare IP addresses, "localhost" and user:password@ forms are not
// links, and neither are bare domains such as "example.com" (twitter-text
// links those when the top-level domain is on its list; twitterURLs, which
// X's length uses, does too, but this function does not, as Mastodon and
// Threads do not).
// Where ASCII letters run straight into other letters or symbols after the
// last dot, as in "example.comを見て" or "example.com🎉", the host ends with
// the ASCII letters.
//
// The path stops at the first space, control or format character (such as
// a bidirectional mark), at any of < > " { } \ ^ and `, and at any other
// non-ASCII character that is not a Latin or Cyrillic letter or a combining
// mark (so at Chinese or Japanese text, emoji and typographic quotes).
// Trailing . , ; : ! ? ' * ~ and unbalanced closing ) and ] are then
// dropped, so "(see https://example.com/a_(b))." yields
// "https://example.com/a_(b)". A link longer than 4,096 characters is not
// a link.
func extractURLs(text string) []urlSpan {
	var spans []urlSpan
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case 'h', 'H', 'w', 'W':
		default:
			continue
		}
		if end := urlEndAt(text, i); end > i {
			spans = append(spans, urlSpan{Start: i, End: end, URL: text[i:end]})
			i = end - 1
		}
	}
	return spans
}

// urlEndAt returns the end of the URL that starts at text[i], or 0.
func urlEndAt(str string, i int) int {
	s := str[i:]
	hostStart := 0
	switch {
	case hasPrefixFold(s, "https://"):
		hostStart = len("https://")
	case hasPrefixFold(s, "http://"):
		hostStart = len("http://")
	case hasPrefixFold(s, "www."):
	default:
		return 0
	}
	www := hostStart == 0
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(str[:i])
		switch {
		case prev < utf8.RuneSelf && isURLASCIIAlnum(byte(prev)),
			prev == '@', prev == '$', prev == '#', prev == '＠', prev == '＃',
			www && (prev == '-' || prev == '_' || prev == '.' || prev == '/'):
			return 0
		}
	}

	// Host name.
	hostEnd := text.RunEnd(s, hostStart, isURLHostRune)
	host := strings.TrimRight(s[hostStart:hostEnd], ".")
	cut := len(host) < hostEnd-hostStart // trailing dots end the URL
	if last := strings.LastIndexByte(host, '.'); last >= 0 {
		tld := host[last+1:]
		k := 0
		for k < len(tld) && tld[k] < utf8.RuneSelf {
			k++
		}
		if k > 0 && k < len(tld) { // "comを見て": the TLD is "com"
			host, cut = host[:last+1+k], true
		}
	}
	hostEnd = hostStart + len(host)
	if !validURLHost(host, www) {
		return 0
	}
	end := hostEnd
	if !cut {
		// Port.
		if end+1 < len(s) && s[end] == ':' && s[end+1] >= '0' && s[end+1] <= '9' {
			end++
			for end < len(s) && s[end] >= '0' && s[end] <= '9' {
				end++
			}
		}
		// Path, query and fragment.
		if end < len(s) && (s[end] == '/' || s[end] == '?' || s[end] == '#') {
			end = text.RunEnd(s, end, isURLPathRune)
		}
		end = trimURLEnd(s, hostEnd, end)
	}
	if end-len(host)+urlHostASCIILength(host) > maxURLLength {
		return 0
	}
	return i + end
}

// isURLHostRune reports whether r may appear in a host name: ASCII letters,
// digits, "-", "_" and ".", and other letters, marks, digits and symbols
// (international names such as ☃.net), except general punctuation.
func isURLHostRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isURLASCIIAlnum(byte(r)) || r == '.' || r == '-' || r == '_'
	}
	return r != utf8.RuneError && !(r >= 0x2000 && r <= 0x206F) &&
		unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.S)
}

// isURLPathRune reports whether r may appear in the path, query or fragment
// of a URL.
func isURLPathRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < 0x7F && !strings.ContainsRune("<>\"{}\\^`", r)
	}
	if r == utf8.RuneError {
		return false
	}
	if unicode.Is(unicode.M, r) {
		return true
	}
	return unicode.IsLetter(r) && unicode.In(r, unicode.Latin, unicode.Cyrillic)
}

// trimURLEnd drops trailing punctuation and unbalanced closing brackets
// from s[:end], never going below floor.
func trimURLEnd(s string, floor, end int) int {
	rest := s[floor:end]
	parens := strings.Count(rest, "(") - strings.Count(rest, ")")
	brackets := strings.Count(rest, "[") - strings.Count(rest, "]")
	for end > floor {
		switch c := s[end-1]; {
		case strings.IndexByte(".,;:!?'*~", c) >= 0:
		case c == ')' && parens < 0:
			parens++
		case c == ']' && brackets < 0:
			brackets++
		default:
			return end
		}
		end--
	}
	return end
}

// validURLHost reports whether host is a host name extractURLs accepts;
// www says whether the URL had no scheme and so must start with "www.".
func validURLHost(host string, www bool) bool {
	labels := strings.Split(host, ".")
	if len(labels) < 2 || www && (len(labels) < 3 || !isURLASCII(host)) {
		return false
	}
	for i, label := range labels {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		if strings.Contains(label, "_") && i >= len(labels)-2 {
			return false
		}
		if n, ok := urlLabelASCIILength(label); !ok || n > 63 {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 {
		return false
	}
	for _, r := range tld {
		if !unicode.In(r, unicode.L, unicode.M) {
			return false
		}
	}
	return true
}

// urlHostASCIILength is the length of host with its labels punycode-encoded.
func urlHostASCIILength(host string) int {
	n := strings.Count(host, ".")
	for label := range strings.SplitSeq(host, ".") {
		k, _ := urlLabelASCIILength(label)
		n += k
	}
	return n
}

// urlLabelASCIILength is the length of a host-name label in its ASCII form
// ("xn--" and punycode for international labels). ok is false when the
// label is too long to be valid in any form.
func urlLabelASCIILength(label string) (n int, ok bool) {
	if isURLASCII(label) {
		return len(label), true
	}
	if utf8.RuneCountInString(label) > 63 {
		return 0, false
	}
	return len("xn--") + punycodeLength([]rune(strings.ToLower(label))), true
}

// punycodeLength is the length of the punycode encoding (RFC 3492) of
// runes.
func punycodeLength(runes []rune) int {
	const (
		base        = 36
		tmin        = 1
		tmax        = 26
		initialBias = 72
		initialN    = 128
	)
	basic := 0
	for _, r := range runes {
		if r < initialN {
			basic++
		}
	}
	out := basic
	if basic > 0 {
		out++ // the "-" delimiter
	}
	n, delta, bias := rune(initialN), 0, initialBias
	for h := basic; h < len(runes); {
		m := rune(unicode.MaxRune + 1)
		for _, r := range runes {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range runes {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := min(max(k-bias, tmin), tmax)
				if q < t {
					break
				}
				out++
				q = (q - t) / (base - t)
			}
			out++
			bias = punycodeAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out
}

// punycodeAdapt is RFC 3492's bias adaptation function.
func punycodeAdapt(delta, numPoints int, first bool) int {
	const base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
	if first {
		delta /= damp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > (base-tmin)*tmax/2 {
		delta /= base - tmin
		k += base
	}
	return k + (base-tmin+1)*delta/(delta+skew)
}

// hasPrefixFold reports whether s starts with prefix, a lower-case ASCII
// string, ignoring the case of ASCII letters only.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func isURLASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isURLASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// twitterURLs returns the links X counts as 23 characters in text, in
// order: those extractURLs finds and, as twitter-text's extractor does by
// default, the links written without https:// that twitterSchemelessURLEnd
// finds. Scanning from the left, a link that starts first wins.
func twitterURLs(text string) []urlSpan {
	spans := extractURLs(text)
	if strings.IndexByte(text, '.') < 0 {
		return spans
	}
	var out []urlSpan
	next := 0 // the first span of spans not yet passed
	for i := 0; i < len(text); {
		if next < len(spans) && i >= spans[next].Start {
			out = append(out, spans[next])
			i = spans[next].End
			next++
			continue
		}
		if end := twitterSchemelessURLEnd(text, i); end > i {
			out = append(out, urlSpan{Start: i, End: end, URL: text[i:end]})
			for next < len(spans) && spans[next].Start < end {
				next++ // inside this link's path
			}
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return out
}

// firstSchemelessURL returns the first link of text written without
// https:// or www. that X makes a link of, or "".
func firstSchemelessURL(text string) string {
	for _, u := range twitterURLs(text) {
		if !hasPrefixFold(u.URL, "http") && !hasPrefixFold(u.URL, "www.") {
			return u.URL
		}
	}
	return ""
}

// twitterSchemelessURLEnd returns the end of the link written without
// https:// that starts at text[i], or 0. It follows twitter-text v3's
// extractor (extractUrlsWithIndices with extractUrlsWithoutProtocol, which
// X uses): a host name of two or more labels whose last label is one of
// twitter-text's top-level domains (tld.go), not followed by a letter,
// digit, @, + or -, and not preceded by a letter, digit or one of
// @ $ # - _ . /. Its labels are ASCII letters and digits, accented Latin
// letters and inner hyphens. A country-code domain with a single label
// before it ("bit.ly") is a link only when a path follows ("bit.ly/a"),
// except .co and .tv; a generic one ("example.com") always is, as is any
// name with a subdomain ("northbridge.gov.uk"). The link is the host name
// alone unless a path follows (after an optional :port), which then
// belongs to the link as in extractURLs; a ?query without a path does not.
func twitterSchemelessURLEnd(str string, i int) int {
	r, _ := utf8.DecodeRuneInString(str[i:])
	if !isTwitterLabelRune(r) || r == '-' {
		return 0
	}
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(str[:i])
		switch {
		case isTwitterLabelRune(prev), strings.ContainsRune("@＠$#＃_./", prev),
			prev == '\uFFFE', prev == '\uFEFF', prev == '\uFFFF', prev >= '\u202A' && prev <= '\u202E':
			return 0
		}
	}

	// The labels: a run of label characters, then "." and the next label.
	// A last label in another script can only be a top-level domain.
	type label struct{ start, end int }
	var labels []label
	pos := i
	for {
		start := pos
		pos = text.RunEnd(str, pos, isTwitterLabelRune)
		labels = append(labels, label{start, pos})
		if pos+1 >= len(str) || str[pos] != '.' {
			break
		}
		r, _ := utf8.DecodeRuneInString(str[pos+1:])
		if isTwitterLabelRune(r) && r != '-' {
			pos++
			continue
		}
		if r >= utf8.RuneSelf && unicode.In(r, unicode.L, unicode.M) {
			start = pos + 1
			pos = text.RunEnd(str, start, func(r rune) bool { return unicode.In(r, unicode.L, unicode.M) })
			labels = append(labels, label{start, pos})
		}
		break
	}

	// valid is how many labels, from the first, may come before the
	// top-level domain: at most 63 characters in ASCII form, not ending
	// in "-".
	valid := 0
	for _, l := range labels {
		name := str[l.start:l.end]
		if n, ok := urlLabelASCIILength(name); !ok || n > 63 || name == "" || name[len(name)-1] == '-' {
			break
		}
		valid++
	}

	// The longest host name that ends in a known top-level domain.
	for k := min(len(labels), valid+1); k >= 2; k-- {
		tld := labels[k-1]
		tldEnd, country := twitterTLDAt(str, tld.start, tld.end)
		if tldEnd == 0 {
			continue
		}
		end := tldEnd
		p := end
		if p+1 < len(str) && str[p] == ':' && str[p+1] >= '0' && str[p+1] <= '9' {
			p++
			for p < len(str) && str[p] >= '0' && str[p] <= '9' {
				p++
			}
		}
		path := p < len(str) && str[p] == '/'
		if path {
			p = text.RunEnd(str, p, isURLPathRune)
			end = trimURLEnd(str, tldEnd, p)
		}
		if country && k == 2 && !path {
			if t := strings.ToLower(str[tld.start:tldEnd]); t != "co" && t != "tv" {
				return 0
			}
		}
		if len("https://")+end-i-(tldEnd-i)+urlHostASCIILength(str[i:tldEnd]) > maxURLLength {
			return 0
		}
		return end
	}
	return 0
}

// twitterTLDAt looks for a top-level domain at the start of the label
// text[start:end]: it returns where the domain ends, or 0, and whether it
// is a country code. An ASCII domain is the label's leading letters (or
// all of an "xn--" label); one in another script is the longest start of
// the label on the list. As in twitter-text, the domain must not be
// followed by an ASCII letter or digit, @, + or -.
func twitterTLDAt(text string, start, end int) (tldEnd int, country bool) {
	name := text[start:end]
	var found bool
	switch {
	case hasPrefixFold(name, "xn--"):
		for tldEnd = start + len("xn--"); tldEnd < end && (isURLASCIIAlnum(text[tldEnd]) || text[tldEnd] == '-'); tldEnd++ {
		}
		found = tldEnd > start+len("xn--")
	case name[0] < utf8.RuneSelf:
		tldEnd = start
		for tldEnd < end && (text[tldEnd] >= 'a' && text[tldEnd] <= 'z' || text[tldEnd] >= 'A' && text[tldEnd] <= 'Z') {
			tldEnd++
		}
		t := strings.ToLower(text[start:tldEnd])
		country = twitterCCTLDSet[t]
		found = country || twitterGTLDSet[t]
	default:
		j := min(end, start+twitterMaxTLDBytes)
		for j > start && j < len(text) && !utf8.RuneStart(text[j]) {
			j--
		}
		for j > start {
			if t := text[start:j]; twitterGTLDSet[t] || twitterCCTLDSet[t] {
				tldEnd, country, found = j, twitterCCTLDSet[t], true
				break
			}
			_, size := utf8.DecodeLastRuneInString(text[start:j])
			j -= size
		}
	}
	if !found {
		return 0, false
	}
	if tldEnd < len(text) {
		if c := text[tldEnd]; isURLASCIIAlnum(c) || c == '@' || c == '+' || c == '-' {
			return 0, false
		}
	}
	return tldEnd, country
}

// isTwitterLabelRune reports the characters of a host-name label in a link
// written without https://: ASCII letters, digits and "-", and the
// accented Latin letters and combining accents of twitter-text's
// latinAccentChars.
func isTwitterLabelRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isURLASCIIAlnum(byte(r)) || r == '-'
	}
	switch {
	case r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7,
		r >= 0x100 && r <= 0x24F,
		r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25B, r == 0x263,
		r == 0x268, r == 0x26F, r == 0x272, r == 0x289, r == 0x28B, r == 0x2BB,
		r >= 0x300 && r <= 0x36F,
		r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return false
}

// mastodonMentions finds the mentions of people on other servers,
// "@alice@social.example.org", and has each count as "@alice", as
// Mastodon's StatusLengthValidator does with Account::MENTION_RE: "@" not
// after a letter, digit, "_", "=" or "/"; a user name of ASCII letters,
// digits and "_", with "." and "-" inside; "@"; and a server name of
// letters, digits, "_", "." and "-" that ends in a letter, digit or "_".
func mastodonMentions(text string) []countedSpan {
	var spans []countedSpan
	for i := strings.IndexByte(text, '@'); i >= 0; {
		if end, user := mastodonMentionAt(text, i); end > 0 {
			spans = append(spans, countedSpan{start: i, end: end, keep: text[i:user]})
			i = end
		} else {
			i++
		}
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			break
		}
		i += j
	}
	return spans
}

// mastodonMentionAt returns, for the remote mention at text[i] ("@"), its
// end and the end of its "@user" part; end is 0 when there is none.
func mastodonMentionAt(text string, i int) (end, user int) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if prev == '=' || prev == '/' || isWordRune(prev) {
			return 0, 0
		}
	}
	isUser := func(c byte) bool { return isURLASCIIAlnum(c) || c == '_' }
	p := i + 1
	for p < len(text) && (isUser(text[p]) || text[p] == '.' || text[p] == '-') {
		p++
	}
	for p > i+1 && !isUser(text[p-1]) {
		p--
	}
	if p == i+1 || p >= len(text) || text[p] != '@' || !isUser(text[i+1]) {
		return 0, 0
	}
	user = p
	p++
	lastWord := 0 // the end of the last word character of the server name
	for p < len(text) {
		r, size := utf8.DecodeRuneInString(text[p:])
		if r != '.' && r != '-' && !isWordRune(r) {
			break
		}
		p += size
		if isWordRune(r) {
			lastWord = p
		}
	}
	if lastWord-(user+1) < 2 {
		return 0, 0
	}
	return lastWord, user
}

// isWordRune is Ruby's [[:word:]]: a letter, mark, digit or connector
// punctuation such as "_".
func isWordRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Pc)
}

// Unit is the plain word for what r counts, for messages: "characters".
// Whatever the method, that is what the people writing posts call them;
// how each channel weighs them is explained where it matters.
func (r LengthRule) Unit() string { return "characters" }

// Check returns what is wrong with text under r, as plain-English sentences
// for the people who write posts, each saying what to do; it returns nil
// when text fits. channel is the channel's key ("x", "bluesky", …), used to
// name it in the messages ("X allows 280"); "" reads "this channel". It
// checks Max, MaxBytes and MaxLinks, each only when above 0.
func (r LengthRule) Check(channel, text string) []string {
	name := lengthChannelName(channel)
	var problems []string
	if r.Max > 0 {
		if n := CountLength(text, r); n > r.Max {
			msg := fmt.Sprintf("The post is %s long; %s allows %s: shorten it by %s.",
				lengthCount(n, "character", r.Unit()), name, lengthNumber(r.Max),
				lengthCount(n-r.Max, "character", r.Unit()))
			if how := r.countingNote(name, text); how != "" {
				msg += " " + how
			}
			problems = append(problems, msg)
		}
	}
	if r.MaxBytes > 0 && len(text) > r.MaxBytes {
		problems = append(problems, fmt.Sprintf(
			"The post is too big for %s: it takes %s of storage and %s allows %s. "+
				"Shorten it by at least %s: a plain letter, digit or space takes 1 byte, "+
				"an accented letter 2, most other scripts 3 and an emoji 4 or more.",
			name, lengthCount(len(text), "byte", "bytes"), name, lengthNumber(r.MaxBytes),
			lengthCount(len(text)-r.MaxBytes, "byte", "bytes")))
	}
	if r.MaxLinks > 0 {
		if n := len(extractURLs(text)); n > r.MaxLinks {
			problems = append(problems, fmt.Sprintf(
				"The post has %s; %s allows %s: remove %s.",
				lengthCount(n, "link", "links"), name, lengthNumber(r.MaxLinks),
				lengthCount(n-r.MaxLinks, "link", "links")))
		}
	}
	return problems
}

// countingNote explains, when it is not obvious, how the channel counts
// text.
func (r LengthRule) countingNote(name, text string) string {
	switch {
	case r.Method == LengthMethodTwitter:
		note := fmt.Sprintf("%s counts every link as %d characters, and every emoji and "+
			"every Chinese, Japanese or Korean character as 2.", lengthSentenceStart(name), twitterURLLength)
		if bare := firstSchemelessURL(norm.NFC.String(text)); bare != "" {
			note += fmt.Sprintf(" %s makes a link of %s even without https://, so it counts as %d too.",
				lengthSentenceStart(name), bare, twitterURLLength)
		}
		return note
	case r.URLLength > 0:
		return fmt.Sprintf("%s counts every link as %s.", lengthSentenceStart(name),
			lengthCount(r.URLLength, "character", r.Unit()))
	}
	return ""
}

// lengthChannelName is how messages name a channel.
func lengthChannelName(channel string) string {
	if channel == "" {
		return "this channel"
	}
	for _, c := range channels {
		if c.id == channel {
			return c.name
		}
	}
	return channel
}

// lengthSentenceStart capitalises the first letter of s.
func lengthSentenceStart(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// lengthCount writes n and the singular or plural word after it.
func lengthCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return lengthNumber(n) + " " + many
}

// lengthNumber writes n with a comma between thousands: 63,206.
func lengthNumber(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + lengthNumber(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
