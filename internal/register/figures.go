package register

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/text"
)

// Figures: amounts of money, percentages, dates, times and counts, read
// with their units and what they count, so that they are compared as
// figures and not as bare numbers. "£5 million" is not published because a
// dateline says "5 September"; "£45m" is "£45 million"; "1,200 homes" is
// "1200 homes". A character that changes what a Figure means (a vulgar
// fraction "£2½", a superscript "2⁵", a strike-through or slash laid over a
// digit) is read as part of the Figure, so the Figure no longer matches
// one written without it.

// figKind is what a Figure is.
type figKind uint8

const (
	figNumber  figKind = iota // a number with no unit clearance can name
	figMoney                  // £45 million, $1.2bn, 45 million pounds, 45p
	figPercent                // 9%, 9 per cent
	figDate                   // 5 September 2026, September 5, 05/09/2026, September 2026
	figYear                   // 2026 on its own
	figTime                   // 9am, 09:00, noon
	figCount                  // 1,200 homes
	figWeekday                // Friday
	figWord                   // a word that states a Figure or a time and is compared as a word: "tomorrow", "A34", "twice"
	figPhone                  // a telephone number: 0345 000 000, +44 20 7946 0000
)

// Figure is one figure of a text.
type Figure struct {
	kind figKind
	// num is the amount, exact, as digits and a power of ten ("45e6"),
	// for money, percentages, counts, numbers and years.
	num string
	// unit is the currency ("GBP", "USD", "$" for a dollar of any
	// country, "EUR"…) of money.
	unit string
	// after are the words that follow a count ("more primary schools"),
	// up to four, for what it counts.
	after []string
	// A date's day, month and year; 0 when not given.
	day, month, year int
	// A time's hour (0–23) and minute.
	hour, minute int
	// word is a weekday's or a figWord's word.
	word string
	// odd holds the characters read as part of the Figure that change
	// what it means: fractions, superscripts, combining marks.
	odd string
	// text is the Figure as written.
	text string
	// first and last are the token indexes [first, last) of its words;
	// first == last for a Figure of no word (a lone "½").
	first, last int
}

// key identifies a Figure exactly: two figures with the same key say the
// same thing.
func (f *Figure) key() string {
	var b strings.Builder
	b.WriteByte(byte('0' + f.kind))
	b.WriteByte('|')
	switch f.kind {
	case figDate:
		b.WriteString(strconv.Itoa(f.day) + "/" + strconv.Itoa(f.month) + "/" + strconv.Itoa(f.year))
	case figTime:
		b.WriteString(strconv.Itoa(f.hour) + ":" + strconv.Itoa(f.minute))
	case figWeekday, figWord, figPhone:
		b.WriteString(f.word)
	default:
		b.WriteString(f.num + "|" + f.unit)
	}
	b.WriteString("|" + f.odd)
	return b.String()
}

// describe names a Figure for a reason: as written, and as clearance
// reads it when a character changes it.
func (f *Figure) describe() string {
	if f.odd != "" {
		return strconv.Quote(f.text) + " (with " + oddNames(f.odd) + ")"
	}
	return strconv.Quote(f.text)
}

// oddNames says in words what the characters of odd are.
func oddNames(odd string) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range odd {
		var n string
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			n = "a mark drawn over a digit"
		case strings.ContainsRune("⁰¹²³⁴⁵⁶⁷⁸⁹", r):
			n = "a superscript digit"
		case strings.ContainsRune("₀₁₂₃₄₅₆₇₈₉", r):
			n = "a subscript digit"
		default:
			n = "the fraction " + string(r)
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, " and ")
}

// oddRune reports characters that change a Figure they touch: numbers
// that are not plain digits (vulgar fractions, superscripts, subscripts,
// circled digits), the fraction slash, and combining marks.
func oddRune(r rune) bool {
	if r < utf8.RuneSelf || r == keycap {
		return false
	}
	return r == '\u2044' || unicode.Is(unicode.No, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)
}

// keycap is U+20E3, which makes an emoji of a digit ("1️⃣"): a list
// number, not a change to the Figure.
const keycap = '\u20e3'

var monthNames = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var weekdayNames = map[string]string{
	"monday": "monday", "mon": "monday", "tuesday": "tuesday", "tue": "tuesday", "tues": "tuesday",
	"wednesday": "wednesday", "wed": "wednesday", "thursday": "thursday", "thu": "thursday",
	"thur": "thursday", "thurs": "thursday", "friday": "friday", "fri": "friday", "saturday": "saturday",
	"sat": "saturday", "sunday": "sunday", "sun": "sunday",
}

var multiplierWords = map[string]int{
	"thousand": 3, "thousands": 3, "k": 3, "million": 6, "millions": 6, "m": 6, "mn": 6, "mil": 6,
	"billion": 9, "billions": 9, "bn": 9, "b": 9, "trillion": 12, "tn": 12,
}

// currencyWords follow an amount: "45 million pounds".
var currencyWords = map[string]string{
	"pound": "GBP", "pounds": "GBP", "sterling": "GBP", "dollar": "$", "dollars": "$", "euro": "EUR",
	"euros": "EUR", "pence": "GBPp", "p": "GBPp", "cents": "$c", "cent": "$c", "rand": "ZAR", "yen": "JPY",
	"rupees": "INR", "francs": "CHF",
}

// currencyCodes come before an amount: "GBP 45m", "USD 1.2bn".
var currencyCodes = map[string]string{
	"gbp": "GBP", "usd": "USD", "eur": "EUR", "aud": "AUD", "nzd": "NZD", "cad": "CAD", "chf": "CHF",
	"jpy": "JPY", "inr": "INR", "zar": "ZAR", "sgd": "SGD", "hkd": "HKD",
}

// dollarPrefixes say whose dollar "$" is: "US$", "A$", "NZ$", "C$".
var dollarPrefixes = map[string]string{
	"us": "USD", "a": "AUD", "au": "AUD", "nz": "NZD", "c": "CAD", "ca": "CAD", "hk": "HKD", "s": "SGD",
}

var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// relativeWords state a time or a deadline relative to now: they cannot be
// read as a date, so they are compared as words.
var relativeWords = map[string]bool{
	"tonight": true, "tomorrow": true, "yesterday": true, "midnight": true, "noon": true,
	"midday": true,
}

// figureText is a text to read figures from: its tokens' spans and words.
type figureText struct {
	text  string
	spans [][2]int
	word  func(i int) string // folded, lower case, as Tokenize gives it
	// all reads figures written in words too ("five", "Friday",
	// "September" alone); without it only figures with a digit are read
	// (for the register's documents, whose other words are compared as
	// words).
	all bool
}

func (t *figureText) n() int { return len(t.spans) }

// gap is the text between token i and token i+1 (after the last, the rest
// of the text).
func (t *figureText) gap(i int) string {
	end := len(t.text)
	if i+1 < len(t.spans) {
		end = t.spans[i+1][0]
	}
	if i < 0 {
		if len(t.spans) == 0 {
			return t.text
		}
		return t.text[:t.spans[0][0]]
	}
	return t.text[t.spans[i][1]:end]
}

// cleanGap is gap(k) without the characters that change a Figure at its
// start ("£2½ million" reads on to "million").
func (t *figureText) cleanGap(k int) string {
	g := t.gap(k)
	if g == "" || g[0] < utf8.RuneSelf {
		return g
	}
	for len(g) > 0 {
		r, size := utf8.DecodeRuneInString(g)
		if !oddRune(r) && !text.Invisible(r) {
			break
		}
		g = g[size:]
	}
	return g
}

// endAt is the offset after token k and the characters that change a
// Figure right after it.
func (t *figureText) endAt(k int) int {
	end := t.spans[k][1]
	g := t.gap(k)
	return end + len(g) - len(strings.TrimLeftFunc(g, func(r rune) bool { return oddRune(r) || text.Invisible(r) }))
}

// digitLed reports whether token i starts with a digit.
func (t *figureText) digitLed(i int) bool {
	if i < 0 || i >= len(t.spans) {
		return false
	}
	c := t.text[t.spans[i][0]]
	if c >= '0' && c <= '9' {
		return true
	}
	if c < utf8.RuneSelf {
		return false
	}
	w := t.word(i)
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// splitNum splits a word into its leading digits and the rest ("45m" is
// "45", "m").
func splitNum(w string) (digits, suffix string) {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	return w[:i], w[i:]
}

// normNum writes the number intDigits.fracDigits × 10^exp exactly, as
// significant digits and a power of ten: 45 million and 45,000,000 are
// both "45e6".
func normNum(intDigits, fracDigits string, exp int) string {
	ds := strings.TrimLeft(intDigits+fracDigits, "0")
	exp -= len(fracDigits)
	if ds == "" {
		return "0"
	}
	for len(ds) > 1 && ds[len(ds)-1] == '0' {
		ds = ds[:len(ds)-1]
		exp++
	}
	if ds[len(ds)-1] == '0' {
		ds = ds[:len(ds)-1]
		exp++
	}
	return ds + "e" + strconv.Itoa(exp)
}

// onlySpace reports whether s holds nothing but spaces.
func onlySpace(s string) bool { return strings.TrimSpace(s) == "" }

// scanFigures reads the figures of a text.
func scanFigures(t *figureText) []Figure {
	var out []Figure
	n := t.n()
	for i := 0; i < n; {
		if t.digitLed(i) {
			f, next := t.numeric(i)
			out = append(out, f)
			i = next
			continue
		}
		// A month before a day or a year: "September 5", "September
		// 2026". Read in documents too, when a number follows.
		if t.all || t.digitLed(i+1) {
			w := t.word(i)
			if m, ok := monthNames[w]; ok && t.isMonth(i, w) {
				f, next := t.monthFirst(i, m)
				if f.kind == figDate && (f.day > 0 || f.year > 0 || t.all) {
					out = append(out, f)
					i = next
					continue
				}
			}
		}
		if t.all {
			if f, next, ok := t.wordFigure(i); ok {
				out = append(out, f)
				i = next
				continue
			}
		}
		i++
	}
	// Fractions, superscripts and marks that no Figure took ("½ of
	// households"), and marks over digits in a word.
	if !text.IsASCIIPlain(t.text) {
		out = t.looseOdd(out)
	}
	return out
}

// isMonth reports whether token i, a month name, is one: "may" and "mar"
// are words too, and count as months only when capitalised and next to a
// number.
func (t *figureText) isMonth(i int, w string) bool {
	if w != "may" && w != "mar" && w != "sun" && w != "sat" && w != "wed" {
		return true
	}
	raw := t.text[t.spans[i][0]:t.spans[i][1]]
	if raw == "" || raw[0] < 'A' || raw[0] > 'Z' {
		return false
	}
	return t.digitLed(i+1) && onlySpace(t.gap(i)) || t.digitLed(i-1) && onlySpace(t.gap(i-1))
}

// span is the text from the start of token a to the end of token b-1,
// with the characters that change a Figure right after it.
func (t *figureText) span(a, b int) string {
	if b <= a {
		return ""
	}
	return t.text[t.spans[a][0]:t.endAt(b-1)]
}

// monthFirst reads a date that starts with the month at token i.
func (t *figureText) monthFirst(i, m int) (Figure, int) {
	f := Figure{kind: figDate, month: m, first: i}
	j := i + 1
	if j < t.n() && t.digitLed(j) && onlySpace(strings.TrimPrefix(t.gap(i), ".")) {
		d, suf := splitNum(t.word(j))
		v, _ := strconv.Atoi(d)
		switch {
		case len(d) == 4 && suf == "" && v >= 1800 && v < 2200:
			f.year = v
			j++
		case v >= 1 && v <= 31 && (suf == "" || ordinalSuffix(suf)) && len(d) <= 2:
			f.day = v
			j++
			if y, ok := t.yearAt(j, j-1); ok {
				f.year = y
				j++
			}
		}
	}
	f.last = j
	f.text = t.span(i, j)
	f.odd = t.oddIn(i, j)
	return f, j
}

// yearAt reads token j as the year of a date whose last token is prev:
// "5 September 2026", "September 5, 2026".
func (t *figureText) yearAt(j, prev int) (int, bool) {
	if j >= t.n() || !t.digitLed(j) {
		return 0, false
	}
	g := strings.TrimSpace(t.gap(prev))
	if g != "" && g != "," {
		return 0, false
	}
	d, suf := splitNum(t.word(j))
	v, _ := strconv.Atoi(d)
	if len(d) == 4 && suf == "" && v >= 1800 && v < 2200 {
		return v, true
	}
	return 0, false
}

func ordinalSuffix(s string) bool { return s == "st" || s == "nd" || s == "rd" || s == "th" }

// wordFigure reads a Figure written in words at token i: a weekday, a
// number ("five", "forty five million pounds"), a relative time, or
// another word that states a Figure.
func (t *figureText) wordFigure(i int) (Figure, int, bool) {
	w := t.word(i)
	if wd, ok := weekdayNames[w]; ok {
		if len(w) > 3 || w == "tues" || w == "thur" || w == "thurs" {
			return Figure{kind: figWeekday, word: wd, text: t.span(i, i+1), first: i, last: i + 1}, i + 1, true
		}
		return Figure{}, 0, false
	}
	if relativeWords[w] {
		f := Figure{kind: figWord, word: w, text: t.span(i, i+1), first: i, last: i + 1}
		switch w {
		case "noon", "midday":
			f = Figure{kind: figTime, hour: 12, text: f.text, first: i, last: i + 1}
		case "midnight":
			f = Figure{kind: figTime, hour: 0, text: f.text, first: i, last: i + 1}
		}
		return f, i + 1, true
	}
	if v, ok := numberWords[w]; ok {
		j := i + 1
		if v >= 20 && j < t.n() {
			if u, ok := numberWords[t.word(j)]; ok && u < 10 && u > 0 && (onlySpace(t.gap(i)) || strings.TrimSpace(t.gap(i)) == "-") {
				v += u
				j++
			}
		}
		if j < t.n() && t.word(j) == "hundred" && onlySpace(t.gap(j-1)) {
			v *= 100
			j++
		}
		f, next := t.amount(i, j, strconv.Itoa(v), "", "", true)
		return f, next, true
	}
	if (w == "a" || w == "an") && i+1 < t.n() {
		if _, ok := multiplierWords[t.word(i+1)]; ok && len(t.word(i+1)) > 2 && onlySpace(t.gap(i)) {
			f, j := t.amount(i+1, i+1, "1", "", "", true)
			f.first, f.text = i, t.span(i, j)
			return f, j, true
		}
		return Figure{}, 0, false
	}
	if factWord(w) {
		return Figure{kind: figWord, word: w, text: t.span(i, i+1), first: i, last: i + 1}, i + 1, true
	}
	return Figure{}, 0, false
}

// numeric reads the Figure that starts with the digits of token i.
func (t *figureText) numeric(i int) (Figure, int) {
	n := t.n()
	intPart, suffix := splitNum(t.word(i))
	if f, end, ok := t.phone(i); ok {
		return f, end
	}
	j := i + 1
	last := i // the last token of the number itself
	// Thousands: "1,200", "45,000,000".
	for suffix == "" && j < n && t.gap(last) == "," && t.digitLed(j) {
		d, s := splitNum(t.word(j))
		if len(d) != 3 {
			break
		}
		intPart += d
		suffix = s
		last = j
		j++
	}
	// 09:00, 9:30pm.
	if suffix == "" && j < n && t.gap(last) == ":" && t.digitLed(j) && last == i {
		d, s := splitNum(t.word(j))
		h, _ := strconv.Atoi(intPart)
		mi, _ := strconv.Atoi(d)
		if len(d) == 2 && h <= 24 && mi < 60 && (s == "" || s == "am" || s == "pm") {
			return t.clock(i, j+1, h, mi, s)
		}
	}
	frac := ""
	if suffix == "" && j < n && t.gap(last) == "." && t.digitLed(j) {
		d, s := splitNum(t.word(j))
		h, _ := strconv.Atoi(intPart)
		if len(d) == 2 && h <= 12 && last == i {
			// 9.30am, 9.30 pm
			if s == "am" || s == "pm" {
				return t.clock(i, j+1, h, atoi(d), s)
			}
			if s == "" && j+1 < n && onlySpace(t.gap(j)) && ampm(t, j+1) != "" {
				return t.clock(i, j+1, h, atoi(d), "")
			}
		}
		frac, suffix = d, s
		last = j
		j++
	}
	// 05/09/2026, 5/9, 24/7.
	if suffix == "" && frac == "" && last == i && j < n && t.gap(i) == "/" && t.digitLed(j) {
		return t.slashed(i)
	}
	// A ordinal or plain day before a month: "5 September", "5th of
	// September 2026".
	if frac == "" && last == i && len(intPart) <= 2 && (suffix == "" || ordinalSuffix(suffix)) {
		k := j
		g := t.gap(i)
		if k < n && t.word(k) == "of" && onlySpace(g) {
			g = t.gap(k)
			k++
		}
		if k < n && onlySpace(g) {
			if m, ok := monthNames[t.word(k)]; ok && t.isMonth(k, t.word(k)) {
				d := atoi(intPart)
				if d >= 1 && d <= 31 {
					f := Figure{kind: figDate, day: d, month: m, first: i}
					k++
					if y, ok := t.yearAt(k, k-1); ok {
						f.year = y
						k++
					}
					f.last = k
					f.text = t.span(i, k)
					f.odd = t.oddIn(i, k)
					return f, k
				}
			}
		}
	}
	switch suffix {
	case "am", "pm":
		h := atoi(intPart)
		if frac == "" && h >= 1 && h <= 12 {
			return t.clock(i, j, h, 0, suffix)
		}
	case "":
		if frac == "" && last == i && j < n && onlySpace(t.gap(i)) {
			if ap := ampm(t, j); ap != "" {
				h := atoi(intPart)
				if h >= 1 && h <= 12 {
					end := j + 1
					if ap == "a.m" || ap == "p.m" {
						end = j + 2
					}
					f, _ := t.clock(i, end, h, 0, ap[:1]+"m")
					return f, end
				}
			}
			if t.word(j) == "oclock" {
				h := atoi(intPart)
				f, _ := t.clock(i, j+1, h, 0, "")
				return f, j + 1
			}
		}
	}
	return t.amount(i, j, intPart, frac, suffix, false)
}

// phone reads a telephone number at token i: groups of digits apart by
// single spaces or hyphens, the first starting with 0 (or after "+"), ten
// digits or more in all ("0345 000 000" is not 345,000,000).
func (t *figureText) phone(i int) (Figure, int, bool) {
	w := t.word(i)
	plus := strings.HasSuffix(t.gap(i-1), "+")
	if !isDigits(w) || !(plus || len(w) >= 3 && w[0] == '0') {
		return Figure{}, 0, false
	}
	digits := w
	j := i + 1
	for j < t.n() && isDigits(t.word(j)) && (t.gap(j-1) == " " || t.gap(j-1) == "-") && len(digits) < 13 {
		digits += t.word(j)
		j++
	}
	if len(digits) < 10 || len(digits) > 13 {
		return Figure{}, 0, false
	}
	return Figure{kind: figPhone, word: digits, first: i, last: j, text: t.span(i, j)}, j, true
}

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// ampm reads "am", "pm", "a.m." or "p.m." at token j.
func ampm(t *figureText, j int) string {
	switch w := t.word(j); w {
	case "am", "pm":
		return w
	case "a", "p":
		if j+1 < t.n() && t.gap(j) == "." && t.word(j+1) == "m" {
			return w + ".m"
		}
	}
	return ""
}

// clock makes a time Figure of tokens [i, end).
func (t *figureText) clock(i, end, h, mi int, suffix string) (Figure, int) {
	if end < t.n() && suffix == "" && onlySpace(t.gap(end-1)) {
		if ap := ampm(t, end); ap != "" {
			suffix = ap[:1] + "m"
			end++
			if ap == "a.m" || ap == "p.m" {
				end++
			}
		}
	}
	switch {
	case suffix == "pm" && h < 12:
		h += 12
	case suffix == "am" && h == 12:
		h = 0
	}
	f := Figure{kind: figTime, hour: h % 24, minute: mi, first: i, last: end, text: t.span(i, end)}
	f.odd = t.oddIn(i, end)
	return f, end
}

// slashed reads "05/09/2026" (day first, unless the second number cannot
// be a month), or a pair like "24/7" as written.
func (t *figureText) slashed(i int) (Figure, int) {
	parts := []string{t.word(i)}
	j := i + 1
	for j < t.n() && len(parts) < 3 && t.gap(j-1) == "/" && t.digitLed(j) {
		parts = append(parts, t.word(j))
		j++
	}
	if len(parts) == 3 && isDigits(parts[0]) && isDigits(parts[1]) && isDigits(parts[2]) {
		a, b, y := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
		if len(parts[2]) == 2 {
			y += 2000
		}
		day, month := a, b
		if b > 12 && a <= 12 {
			day, month = b, a
		}
		if day >= 1 && day <= 31 && month >= 1 && month <= 12 && (len(parts[2]) == 2 || len(parts[2]) == 4) {
			f := Figure{kind: figDate, day: day, month: month, year: y, first: i, last: j, text: t.span(i, j)}
			f.odd = t.oddIn(i, j)
			return f, j
		}
	}
	f := Figure{kind: figWord, word: strings.Join(parts, "/"), first: i, last: j, text: t.span(i, j)}
	f.odd = t.oddIn(i, j)
	return f, j
}

// amount reads what follows a number whose digits end before token j:
// a multiplier, a currency, "per cent", or the noun it counts; and a
// currency symbol or code before token i.
func (t *figureText) amount(i, j int, intPart, frac, suffix string, inWords bool) (Figure, int) {
	n := t.n()
	exp := 0
	cur := t.currencyBefore(i)
	start := i
	if cur != "" && i > 0 && onlySpace(t.gap(i-1)) && currencyCodes[t.word(i-1)] != "" {
		start = i - 1
	} else if cur != "" && i > 0 && t.dollarPrefixed(i) {
		start = i - 1
	}
	f := Figure{first: start}
	textStart := t.spans[start][0]
	if start == i {
		// The symbol in the gap before the number is part of it.
		g := t.gap(i - 1)
		if k := strings.LastIndexAny(g, "£$€¥₹"); k >= 0 && onlySpace(g[k+utf8.RuneLen([]rune(g[k:])[0]):]) {
			textStart = t.spans[i][0] - (len(g) - k)
		}
	}
	code := ""
	switch {
	case suffix == "":
	case multiplierWords[suffix] > 0:
		if cur != "" || len(suffix) > 2 {
			exp = multiplierWords[suffix]
		} else {
			code = suffix
		}
	case suffix == "p" && cur == "":
		cur = "GBPp"
	case suffix == "s" && len(intPart) == 4 && frac == "":
		// The 1990s: a decade, compared as written.
		code = suffix
	default:
		code = suffix
	}
	if code != "" {
		w := intPart
		if frac != "" {
			w += "." + frac
		}
		f.kind, f.word, f.last = figWord, w+code, j
		f.text = t.text[textStart:t.endAt(j-1)]
		f.odd = t.oddIn(start, j)
		return f, j
	}
	// A multiplier word: "45 million", "1.2 billion".
	if exp == 0 && j < n && onlySpace(t.cleanGap(j-1)) {
		if e, ok := multiplierWords[t.word(j)]; ok && (len(t.word(j)) > 2 || cur != "") {
			exp = e
			j++
		}
	}
	// A second multiplier ("a hundred thousand") is rare; left out.
	if cur == "" && j < n && onlySpace(t.cleanGap(j-1)) {
		if c, ok := currencyWords[t.word(j)]; ok && (t.word(j) != "p" || exp == 0) {
			cur = c
			j++
		}
	}
	num := normNum(intPart, frac, exp)
	end := t.endAt(j - 1)
	switch {
	case cur == "GBPp" || cur == "$c":
		// 45p is £0.45.
		f.kind, f.unit, f.num = figMoney, cur[:len(cur)-1], normNum(intPart, frac, exp-2)
		if f.unit == "GBP" {
			f.unit = "GBP"
		}
	case cur != "":
		f.kind, f.unit, f.num = figMoney, cur, num
	case t.percentAfter(j - 1):
		f.kind, f.num = figPercent, num
		g, cg := t.gap(j-1), t.cleanGap(j-1)
		if strings.HasPrefix(strings.TrimLeft(cg, " "), "%") {
			end = t.spans[j-1][1] + len(g) - len(cg) + strings.Index(cg, "%") + 1
		} else if w := t.word(j); w == "percent" || w == "pc" {
			j++
			end = t.spans[j-1][1]
		} else {
			j += 2 // "per cent"
			end = t.spans[j-1][1]
		}
	case !inWords && frac == "" && exp == 0 && len(intPart) == 4 && t.spans[j-1][1]-t.spans[start][0] == 4 && atoi(intPart) >= 1800 && atoi(intPart) < 2200:
		f.kind, f.year, f.num = figYear, atoi(intPart), num
	default:
		f.kind, f.num = figNumber, num
		// What it counts: the words after it, in the same clause.
		if j < n && onlySpace(t.cleanGap(j-1)) {
			f.after = make([]string, 0, 4)
			k := j
			for k < n && k < j+4 {
				f.after = append(f.after, t.word(k))
				if !onlySpace(t.gap(k)) && strings.TrimSpace(t.gap(k)) != "-" {
					break
				}
				k++
			}
			if !countFiller[f.after[0]] {
				f.kind = figCount
				// Written up to what it counts: "750 more teachers".
				m := 0
				for m+1 < len(f.after) && countModifiers[f.after[m]] {
					m++
				}
				end = t.spans[j+m][1]
			}
		}
	}
	f.last = j
	f.text = t.text[textStart:end]
	f.odd = t.oddIn(start, j)
	return f, j
}

// countFiller are words after a number that do not say what it counts.
var countFiller = map[string]bool{
	"to": true, "in": true, "of": true, "and": true, "or": true, "by": true, "per": true, "from": true,
	"for": true, "on": true, "at": true, "is": true, "are": true, "was": true, "were": true, "the": true,
	"a": true, "an": true, "will": true, "with": true, "than": true, "over": true, "into": true,
	"as": true, "up": true, "out": true, "has": true, "have": true, "had": true,
}

// currencyBefore is the currency written right before token i: a symbol
// ("£45", "US$1.2bn") or a code ("GBP 45m").
func (t *figureText) currencyBefore(i int) string {
	g := t.gap(i - 1)
	tail := strings.TrimRight(g, " ")
	if len(tail) < len(g) && !strings.HasSuffix(tail, "€") && !strings.HasSuffix(tail, "$") && !strings.HasSuffix(tail, "£") {
		// a space between: only a code may stand apart
		tail = ""
	}
	switch {
	case strings.HasSuffix(tail, "£"):
		return "GBP"
	case strings.HasSuffix(tail, "€"):
		return "EUR"
	case strings.HasSuffix(tail, "¥"):
		return "JPY"
	case strings.HasSuffix(tail, "₹"):
		return "INR"
	case strings.HasSuffix(tail, "$"):
		if t.dollarPrefixed(i) {
			return dollarPrefixes[t.word(i-1)]
		}
		return "$"
	}
	if i > 0 && onlySpace(g) && g != "" {
		if c := currencyCodes[t.word(i-1)]; c != "" {
			return c
		}
	}
	return ""
}

// dollarPrefixed reports "US$45": a country's letters, "$", then token i.
func (t *figureText) dollarPrefixed(i int) bool {
	return i > 0 && t.gap(i-1) == "$" && dollarPrefixes[t.word(i-1)] != ""
}

// percentAfter reports "%", "per cent" or "percent" after token k.
func (t *figureText) percentAfter(k int) bool {
	g := strings.TrimLeft(t.cleanGap(k), " ")
	if strings.HasPrefix(g, "%") {
		return true
	}
	if k+1 >= t.n() || !onlySpace(t.cleanGap(k)) {
		return false
	}
	switch t.word(k + 1) {
	case "percent", "pc":
		return true
	case "per":
		return k+2 < t.n() && t.word(k+2) == "cent" && onlySpace(t.gap(k+1))
	}
	return false
}

// oddIn collects the characters that change a Figure in tokens [a, b):
// combining marks inside them, and fractions, superscripts or marks right
// after any of them.
func (t *figureText) oddIn(a, b int) string {
	if text.IsASCIIPlain(t.text) {
		return ""
	}
	var odd []rune
	for k := a; k < b && k < t.n(); k++ {
		raw := t.text[t.spans[k][0]:t.spans[k][1]]
		if !text.IsASCIIPlain(raw) {
			for _, r := range raw {
				if r != keycap && !text.Invisible(r) && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)) {
					odd = append(odd, r)
				}
			}
		}
		for _, r := range t.gap(k) {
			if r == keycap || text.Invisible(r) {
				continue
			}
			if !oddRune(r) {
				break
			}
			odd = append(odd, r)
		}
	}
	return string(odd)
}

// looseOdd adds, as figures of their own, the fractions and superscripts
// in the text that no Figure took ("½ of households", "£½m").
func (t *figureText) looseOdd(figs []Figure) []Figure {
	taken := make(map[int]bool, len(figs))
	for _, f := range figs {
		if f.odd == "" {
			continue
		}
		for k := f.first; k < f.last; k++ {
			taken[k] = true
		}
	}
	for k := -1; k < t.n(); k++ {
		if taken[k] {
			continue
		}
		g := t.gap(k)
		if text.IsASCIIPlain(g) {
			continue
		}
		var odd []rune
		for _, r := range g {
			if r != keycap && oddRune(r) && !unicode.Is(unicode.Mn, r) {
				odd = append(odd, r)
			}
		}
		if len(odd) == 0 {
			continue
		}
		at := max(k, 0)
		figs = append(figs, Figure{kind: figNumber, num: "", odd: string(odd), text: string(odd), first: at, last: at})
	}
	return figs
}

// Matching.

// sameFigure reports whether two figures say the same thing, leniently:
// "£45m" and "£45 million", "$5m" and "US$5 million", "5 September" and
// "5 September 2026" in a document published in 2026. Figures of
// different kinds never match (a date's 5 is not £5), but a number with no
// unit may stand for an amount or a count of the same value.
func sameFigure(d, doc *Figure, published time.Time) bool {
	if d.odd != doc.odd {
		return false
	}
	switch d.kind {
	case figMoney:
		return doc.kind == figMoney && d.num == doc.num && sameCurrency(d.unit, doc.unit)
	case figPercent:
		return doc.kind == figPercent && d.num == doc.num
	case figYear:
		return doc.kind == figYear && d.year == doc.year || doc.kind == figDate && doc.year == d.year && doc.year != 0
	case figDate:
		if doc.kind != figDate || doc.month != d.month {
			return false
		}
		if d.day != 0 && doc.day != d.day {
			return false
		}
		if d.year != 0 && doc.year != d.year {
			return doc.year == 0 && !published.IsZero() && (published.Year() == d.year || published.Year()+1 == d.year)
		}
		return true
	case figTime:
		return doc.kind == figTime && doc.hour == d.hour && doc.minute == d.minute
	case figWeekday:
		// A weekday alone is the document's only if it says it; beside
		// a date, see Dated.
		return doc.kind == figWeekday && doc.word == d.word
	case figWord, figPhone:
		return doc.kind == d.kind && doc.word == d.word
	case figCount:
		if doc.kind != figCount && doc.kind != figNumber || doc.num != d.num {
			return false
		}
		return countsSame(d.after, doc.after)
	default: // a number with no unit
		if d.num == "" {
			return false
		}
		return (doc.kind == figNumber || doc.kind == figCount || doc.kind == figMoney) && doc.num == d.num
	}
}

// countsSame reports whether what a draft's count counts is what the
// document's count counts: the draft's words after the number, up to and
// including the first that is not a modifier ("more", "new"…), are all
// among the words after the document's count ("750 schools" and "750 more
// schools" are "750 more primary schools"; "750 more teachers" is not).
func countsSame(draft, doc []string) bool {
	has := func(w string) bool {
		w = spelling(strings.TrimSuffix(w, "s"))
		for _, x := range doc {
			if spelling(strings.TrimSuffix(x, "s")) == w {
				return true
			}
		}
		return false
	}
	for _, w := range draft {
		if !has(w) {
			return false
		}
		if !countModifiers[w] {
			return true
		}
	}
	return true
}

// spelling folds British and American spellings of a word together
// ("organisation" and "organization", "centre" and "center", "colour" and
// "color"), so that what a count counts is the same however it is spelt.
func spelling(w string) string {
	for _, sfx := range [][2]string{{"isation", "ization"}, {"ise", "ize"}, {"ised", "ized"}, {"ising", "izing"},
		{"tre", "ter"}, {"our", "or"}, {"ogue", "og"}, {"lled", "led"}, {"lling", "ling"}} {
		if strings.HasSuffix(w, sfx[0]) && len(w) > len(sfx[0])+2 {
			return strings.TrimSuffix(w, sfx[0]) + sfx[1]
		}
	}
	return w
}

// countModifiers come between a number and what it counts.
var countModifiers = map[string]bool{
	"more": true, "new": true, "extra": true, "additional": true, "further": true, "free": true,
	"local": true, "affordable": true, "social": true, "full": true, "part": true, "time": true,
	"primary": true, "secondary": true, "young": true, "older": true, "other": true, "fewer": true,
	"less": true, "million": true, "thousand": true,
}

// sameCurrency: "$" is a dollar of any country.
func sameCurrency(a, b string) bool {
	if a == b {
		return true
	}
	dollar := func(c string) bool {
		return c == "$" || c == "USD" || c == "AUD" || c == "NZD" || c == "CAD" || c == "HKD" || c == "SGD"
	}
	return (a == "$" || b == "$") && dollar(a) && dollar(b)
}

// docFigures reads a register document's figures from its body and title,
// and adds its publication date.
func docFigures(body string, spans [][2]int, title string, published time.Time) []Figure {
	word := func(i int) string {
		raw := body[spans[i][0]:spans[i][1]]
		if text.IsASCIIPlain(raw) {
			return strings.ToLower(raw)
		}
		return strings.Join(text.Words(raw), "")
	}
	var figs []Figure
	if hasFigureHint(body) {
		figs = scanFigures(&figureText{text: body, spans: spans, word: word})
	}
	if title != "" && hasFigureHint(title) {
		toks := text.Tokenize(title)
		tspans := make([][2]int, len(toks))
		for i, tk := range toks {
			tspans[i] = [2]int{tk.Start, tk.End}
		}
		for _, f := range scanFigures(&figureText{text: title, spans: tspans, word: func(i int) string { return toks[i].Word }, all: true}) {
			f.first, f.last = -1, -1 // not among the body's words
			figs = append(figs, f)
		}
	}
	if !published.IsZero() {
		figs = append(figs, Figure{kind: figDate, day: published.Day(), month: int(published.Month()), year: published.Year(), text: published.Format("2 January 2006"), first: -1, last: -1})
	}
	// The figures must not hold on to the body's memory: their texts
	// are copied, all into one string.
	n := 0
	for k := range figs {
		n += len(figs[k].text)
		for _, a := range figs[k].after {
			n += len(a)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for k := range figs {
		b.WriteString(figs[k].text)
		for _, a := range figs[k].after {
			b.WriteString(a)
		}
	}
	all, at := b.String(), 0
	take := func(l int) string {
		s := all[at : at+l]
		at += l
		return s
	}
	for k := range figs {
		f := &figs[k]
		f.text = take(len(f.text))
		for a := range f.after {
			f.after[a] = take(len(f.after[a]))
		}
	}
	return figs
}

// hasFigureHint reports whether a text has a digit or a character that may
// change a Figure: without one it has no Figure scanFigures reads for a
// document.
func hasFigureHint(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// factWords are words that state a figure, a date or a time.
var factWords = map[string]bool{
	"hundred": true, "hundreds": true, "thousand": true, "thousands": true, "million": true, "millions": true,
	"billion": true, "billions": true, "percent": true, "dozen": true, "half": true, "twice": true,
	"double": true, "triple": true,
}

func factWord(w string) bool {
	if factWords[w] || numberWords[w] > 0 || monthNames[w] > 0 && w != "may" && w != "mar" {
		return true
	}
	for _, r := range w {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func isDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

// The figures' interface for the engine.

// ReadFigures reads the figures of a draft's text, tokenised as
// text.Tokenize does: figures written in words too ("five", "Friday").
// Their word spans are token indexes.
func ReadFigures(s string, toks []text.Token) []Figure {
	spans := make([][2]int, len(toks))
	for i, t := range toks {
		spans[i] = [2]int{t.Start, t.End}
	}
	return scanFigures(&figureText{text: s, spans: spans, word: func(i int) string { return toks[i].Word }, all: true})
}

// Span is the figure's words [first, last); first == last for a figure of
// no word (a lone "½").
func (f *Figure) Span() (first, last int) { return f.first, f.last }

// Shift moves the figure's words by n.
func (f *Figure) Shift(n int) { f.first += n; f.last += n }

// Text is the figure as written.
func (f *Figure) Text() string { return f.text }

// Describe names a figure for a reason: as written, and what changes it.
func (f *Figure) Describe() string { return f.describe() }

// Phone reports a telephone number: contact details, not a figure.
func (f *Figure) Phone() bool { return f.kind == figPhone }

// Written reports whether a figure is written with a digit or with a
// character that changes it; other figures ("five years", "Friday") are
// words, which the register compares as words.
func (f *Figure) Written() bool {
	if f.odd != "" {
		return true
	}
	for i := 0; i < len(f.text); i++ {
		if f.text[i] >= '0' && f.text[i] <= '9' {
			return true
		}
	}
	return false
}

// SameFigure reports whether a draft's figure d says what a document's
// figure doc says (see sameFigure); published is the document's date.
func SameFigure(d, doc *Figure, published time.Time) bool { return sameFigure(d, doc, published) }

// HasFigure reports whether the document has a figure that says what f
// says.
func (d *Document) HasFigure(f *Figure) bool { return d.FigureLike(f) != nil }

// FigureLike is the document's first figure that says what f says, or
// nil.
func (d *Document) FigureLike(f *Figure) *Figure {
	for k := range d.figures {
		if sameFigure(f, &d.figures[k], d.PublishedAt) {
			return &d.figures[k]
		}
	}
	return nil
}

// FigureIn is the first of the document's figures that has a word among
// its words [p, q), or nil.
func (d *Document) FigureIn(p, q int) *Figure {
	for k := range d.figures {
		f := &d.figures[k]
		if f.first >= 0 && f.first < q && (f.last > p || f.first == f.last && f.first >= p) {
			return f
		}
	}
	return nil
}

// WordsAt returns the document's words [a, b) (folded, lower case).
func (r *Register) WordsAt(doc *Document, a, b int) []string {
	a, b = max(a, 0), min(b, len(doc.words))
	if b <= a {
		return nil
	}
	want := map[uint32]string{}
	for _, id := range doc.words[a:b] {
		want[id] = ""
	}
	r.mu.RLock()
	left := len(want)
	r.layers(func(l *layer) bool {
		for w, id := range l.vocab {
			if v, ok := want[id]; ok && v == "" {
				want[id] = w
				left--
				if left == 0 {
					return false
				}
			}
		}
		return true
	})
	r.mu.RUnlock()
	out := make([]string, 0, b-a)
	for _, id := range doc.words[a:b] {
		out = append(out, want[id])
	}
	return out
}

// SentenceStart reports whether a sentence of the document starts at word
// p (true when its sentences are unknown).
func (d *Document) SentenceStart(p int) bool { return d.bounds == nil || d.sentenceStart(p) }

// SentenceEnd is the first word after the sentence that word p is in,
// looking at most limit words on.
func (d *Document) SentenceEnd(p, limit int) int {
	if d.bounds == nil {
		return p
	}
	if p > 0 && d.bounds.get(p-1)&endsSentence != 0 {
		return p
	}
	for q := p; q < len(d.words) && q < p+limit; q++ {
		if d.bounds.get(q)&endsSentence != 0 {
			return q + 1
		}
	}
	return min(p+limit, len(d.words))
}

// Dated reports whether a weekday figure is the day of the week of a date
// figure (in the year given, or else in the year of published or the one
// after): "Tuesday 5 January" in a document published in 2026.
func Dated(weekday, date *Figure, published time.Time) bool {
	if weekday.kind != figWeekday || date.kind != figDate || date.day == 0 {
		return false
	}
	years := []int{date.year}
	if date.year == 0 && !published.IsZero() {
		years = []int{published.Year(), published.Year() + 1}
	}
	for _, y := range years {
		if y != 0 && strings.EqualFold(time.Date(y, time.Month(date.month), date.day, 12, 0, 0, 0, time.UTC).Weekday().String(), weekday.word) {
			return true
		}
	}
	return false
}
