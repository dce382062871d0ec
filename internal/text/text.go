// Package text is clearance's text normalisation: it folds text and splits
// it into words, the same way for everything the engine compares. It is
// pure: no network, no file system, no state.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text normalisation. Everything the engine compares — draft prose against
// the register, prose against the view lexicon, markings — goes through the
// same steps, so that a zero-width space, a Cyrillic "о" or a full-width
// letter cannot hide a word:
//
//  1. NFKC (full-width and compatibility forms become plain letters),
//  2. invisible format characters (zero-width space and joiners, soft
//     hyphen, word joiner, BOM, bidi controls) are dropped,
//  3. common look-alike letters from Cyrillic and Greek fold to Latin, and
//     letters in circles, squares and brackets (Ⓓ, 🅳, ⒟, 🇩) to the letter,
//  4. accents are dropped (NFD, then combining marks removed),
//  5. for words: lower case, and apostrophes inside words are dropped, so
//     "don’t" and "dont" are the same word.

// lookalikes maps letters that render like Latin letters to those letters.
var lookalikes = map[rune]rune{
	// Cyrillic lower case
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w',
	'ӏ': 'l', 'ɡ': 'g', 'ᴠ': 'v', 'ᴡ': 'w', 'ᴢ': 'z', 'ꮃ': 'w',
	// Cyrillic upper case
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
	'У': 'Y', 'Х': 'X', 'Ѕ': 'S', 'І': 'I', 'Ј': 'J', 'Ԁ': 'D', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ӏ': 'I',
	// Greek
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'τ': 't', 'ι': 'i', 'κ': 'k', 'υ': 'u', 'χ': 'x', 'ε': 'e',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	// Latin small capitals and dotless forms
	'ı': 'i', 'ȷ': 'j', 'ʀ': 'r', 'ꜱ': 's', 'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ɢ': 'g',
	'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ᴛ': 't',
	'ᴜ': 'u', 'ʏ': 'y', 'ꞯ': 'q', 'ᴦ': 'r',
	// Armenian
	'օ': 'o', 'ս': 'u', 'ո': 'n', 'հ': 'h', 'ց': 'g', 'զ': 'q', 'ա': 'w', 'ջ': 'j', 'Տ': 'S', 'Օ': 'O',
	// Cherokee and other capitals that read as Latin
	'Ꭺ': 'A', 'Ᏼ': 'B', 'Ꮯ': 'C', 'Ꭰ': 'D', 'Ꭼ': 'E', 'Ꮐ': 'G', 'Ꮋ': 'H', 'Ꮖ': 'I', 'Ꭻ': 'J', 'Ꮶ': 'K',
	'Ꮮ': 'L', 'Ꮇ': 'M', 'Ꮲ': 'P', 'Ꮪ': 'S', 'Ꭲ': 'T', 'Ꮩ': 'V', 'Ꮃ': 'W', 'Ꮓ': 'Z',
}

// Invisible reports runes that render as nothing and may be used to split a
// word so a lexicon does not see it.
func Invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u180e',
		'\u3164', '\ufeff', '\uffa0':
		return true
	}
	if r >= '\u200b' && r <= '\u200f' || r >= '\u202a' && r <= '\u202e' || r >= '\u2060' && r <= '\u206f' {
		return true
	}
	if r >= 0xfe00 && r <= 0xfe0f { // variation selectors
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// letterSymbol reports the symbols that display as a Latin letter in a
// circle, a square or brackets (Ⓓ, 🄳, ⒟, 🅳, and the regional indicators
// 🇩 that flags are made of): they are read as that letter.
func letterSymbol(r rune) bool {
	return r >= 0x249c && r <= 0x24e9 || r >= 0x1f130 && r <= 0x1f149 || symbolLetter(r) != 0
}

// symbolLetter is the capital letter that a negative circled or squared
// letter (🅓, 🅳) or a regional indicator (🇩) shows, which NFKC leaves as
// it is; 0 for any other rune.
func symbolLetter(r rune) rune {
	switch {
	case r >= 0x1f150 && r <= 0x1f169:
		return 'A' + r - 0x1f150
	case r >= 0x1f170 && r <= 0x1f189:
		return 'A' + r - 0x1f170
	case r >= 0x1f1e6 && r <= 0x1f1ff:
		return 'A' + r - 0x1f1e6
	}
	return 0
}

// IsASCIIPlain reports whether s needs none of the Unicode steps.
func IsASCIIPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Fold applies steps 1–4 above, keeping case and punctuation. Invalid UTF-8
// bytes become U+FFFD.
func Fold(s string) string {
	if IsASCIIPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if Invisible(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		if l, ok := lookalikes[r]; ok {
			r = l
		} else if l := symbolLetter(r); l != 0 {
			r = l
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Token is one word of normalised text.
type Token struct {
	Word string // lower case, folded, apostrophes removed
	// Start and End are byte offsets of the word in the text given to
	// Tokenize (before folding), so callers can map a word to its line.
	Start, End int
}

// isApostrophe reports the characters used as apostrophes inside words.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' || r == '`' || r == '´'
}

// Tokenize splits text into words: runs of letters and digits after
// folding. Apostrophes between letters join ("don't" is one word, "dont").
// Offsets refer to text as given.
func Tokenize(text string) []Token {
	var sc Scanner
	sc.Spans = make([][2]int, 0, len(text)/5+1)
	sc.Scan(text)
	all := string(sc.Buf) // one allocation for all the words
	toks := make([]Token, len(sc.Ends))
	prev := 0
	for i, end := range sc.Ends {
		toks[i] = Token{Word: all[prev:end], Start: sc.Spans[i][0], End: sc.Spans[i][1]}
		prev = end
	}
	return toks
}

// Scanner tokenises text into Buf: the folded words one after another,
// word i ending at Ends[i]; Spans, when not nil, gets each word's offsets
// in the text. A Scanner may be reused: truncate its slices and Scan
// again; Buf, Ends and Spans keep their capacity.
type Scanner struct {
	Buf   []byte
	Ends  []int
	Spans [][2]int
}

// Scan appends the words of text to the scanner's slices.
func (sc *Scanner) Scan(text string) {
	if sc.Buf == nil {
		sc.Buf = make([]byte, 0, len(text))
		sc.Ends = make([]int, 0, len(text)/5+1)
	}
	start := -1           // offset in text of the current word, -1 if none
	wordAt := len(sc.Buf) // where the current word starts in buf
	flush := func(end int) {
		if start >= 0 && len(sc.Buf) > wordAt {
			sc.Ends = append(sc.Ends, len(sc.Buf))
			if sc.Spans != nil {
				sc.Spans = append(sc.Spans, [2]int{start, end})
			}
		}
		sc.Buf = sc.Buf[:sc.endOfLast()]
		wordAt = len(sc.Buf)
		start = -1
	}
	ascii := IsASCIIPlain(text)
	for i := 0; i < len(text); {
		if ascii {
			c := text[i]
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				if start < 0 {
					start = i
				}
				sc.Buf = append(sc.Buf, c)
			case c >= 'A' && c <= 'Z':
				if start < 0 {
					start = i
				}
				sc.Buf = append(sc.Buf, c+'a'-'A')
			case c == '\'' && start >= 0 && i+1 < len(text) && IsASCIILetter(text[i+1]):
				// apostrophe inside a word: skip it
			default:
				if start >= 0 {
					flush(i)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if Invisible(r) {
			i += size
			continue
		}
		if start >= 0 && isApostrophe(r) {
			// Keep the word going only if a letter follows.
			if j := i + size; j < len(text) {
				nr, _ := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(nr) {
					i += size
					continue
				}
			}
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || letterSymbol(r) {
			if start < 0 {
				start = i
			}
			if r < utf8.RuneSelf {
				c := byte(r)
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				sc.Buf = append(sc.Buf, c)
			} else {
				// Folding may expand a letter into more than letters
				// (U+037A becomes a space and a mark, U+FDFA four
				// words): keep only its letters and digits, so a word
				// never holds a space and tokenises to itself again.
				for _, fr := range foldWord(text[i : i+size]) {
					if (unicode.IsLetter(fr) || unicode.IsDigit(fr)) && !isApostrophe(fr) {
						sc.Buf = utf8.AppendRune(sc.Buf, fr)
					}
				}
			}
		} else if start >= 0 {
			flush(i)
		}
		i += size
	}
	flush(len(text))
}

// endOfLast is where the last complete word ends in buf.
func (sc *Scanner) endOfLast() int {
	if len(sc.Ends) == 0 {
		return 0
	}
	return sc.Ends[len(sc.Ends)-1]
}

// IsASCIILetter reports whether c is an ASCII letter.
func IsASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// foldWord folds and lower-cases one rune's worth of text. It lowers case
// before folding too, since a lower-case form may be a look-alike (Ʀ
// lowers to ʀ, which folds to r).
func foldWord(s string) string {
	return strings.ToLower(Fold(strings.ToLower(s)))
}

// Words returns just the words of Tokenize.
func Words(text string) []string {
	var sc Scanner
	sc.Scan(text)
	all := string(sc.Buf)
	out := make([]string, len(sc.Ends))
	prev := 0
	for i, end := range sc.Ends {
		out[i] = all[prev:end]
		prev = end
	}
	return out
}

// RunEnd returns the offset in s after the runes from i on that ok
// accepts.
func RunEnd(s string, i int, ok func(rune) bool) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !ok(r) {
			break
		}
		i += size
	}
	return i
}
