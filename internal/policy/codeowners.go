// CODEOWNERS follows GitHub: each line is parsed alone, so a bad line is skipped
// with a Finding rather than failing the file as hmarr/codeowners v1.2.1 does.
// Owners are checked with hmarr's matchers; patterns of the characters hmarr
// accepts use its Rule.Match. It rejects non-ASCII and signs like ':' '^' '#',
// so those use codeownersRegexp, a small translation of the same rules.

package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hmarr/codeowners"
)

// CodeownersPaths are the places GitHub looks for CODEOWNERS, in order; the
// first that exists wins.
var CodeownersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

const (
	// maxCodeownersBytes: GitHub does not load a CODEOWNERS of 3 MB or more.
	maxCodeownersBytes = 3 << 20
	// maxCodeownersLine bounds the work per line. This limit is clearance's,
	// not GitHub's; real rules are far shorter.
	maxCodeownersLine = 8 << 10
	// maxCodeownersWildcards bounds the cost of matching one rule (clearance's
	// limit; real patterns have a handful).
	maxCodeownersWildcards = 20
	// maxCodeownersRules bounds memory and parse time (clearance's limit).
	maxCodeownersRules = 20000
	// maxCodeownersFindings caps the findings for one file; one more finding
	// then says how many lines were left out.
	maxCodeownersFindings = 100
)

// Owners is a parsed CODEOWNERS file: its valid rules, in file order.
type Owners struct {
	// Path is where the file was read from, e.g. ".github/CODEOWNERS".
	Path  string
	rules []codeownersRule
}

type codeownersRule struct {
	line    int
	pattern string   // as written, escapes included
	owners  []string // "@user", "@org/team" or an email; nil = unowned
	// literal is text every path the rule matches contains (a cheap
	// pre-check before match); "" when the pattern has none.
	literal string
	match   func(path string) bool
	lib     bool // match is hmarr's Rule.Match, not codeownersRegexp
}

// FindCodeowners returns the first of CodeownersPaths for which exists
// reports true, or "" if there is none.
func FindCodeowners(exists func(path string) bool) string {
	for _, p := range CodeownersPaths {
		if exists(p) {
			return p
		}
	}
	return ""
}

// ParseCodeowners parses a CODEOWNERS file read from path. Lines GitHub would
// skip (bad owners, unsupported pattern syntax) are left out and reported as
// Warning findings; the rest still apply. It never fails: at worst the
// returned Owners has no rules.
func ParseCodeowners(path string, data []byte) (*Owners, []Finding) {
	o := &Owners{Path: path}
	if len(data) >= maxCodeownersBytes {
		return o, []Finding{{
			Rule: RuleCodeowners, Severity: Warning, Path: path,
			Message: fmt.Sprintf("the file is %d bytes; GitHub ignores a CODEOWNERS file of 3 MB or more, "+
				"so no file has a code owner. Make it smaller, for example with folder patterns and teams.", len(data)),
		}}
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	var findings []Finding
	extra, firstExtra := 0, 0
	compiled := map[string]codeownersRule{} // the same pattern is compiled once
	n := 0
	for len(text) > 0 || n == 0 {
		n++
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line = strings.TrimSuffix(line, "\r")
		pattern, owners, problem := parseCodeownersLine(line)
		if problem == "" && pattern != "" {
			if len(o.rules) == maxCodeownersRules {
				findings = append(findings, Finding{
					Rule: RuleCodeowners, Severity: Warning, Path: path, Line: n,
					Message: fmt.Sprintf("line %d: clearance reads at most %d rules, so it ignores this line "+
						"and all after it (GitHub does not). Merge rules, for example by folder.", n, maxCodeownersRules),
				})
				break
			}
			r, ok := compiled[pattern]
			if !ok {
				r = compileCodeownersPattern(pattern)
				compiled[pattern] = r
			}
			r.line, r.owners = n, owners
			o.rules = append(o.rules, r)
			continue
		}
		if problem == "" {
			continue
		}
		if len(findings) < maxCodeownersFindings {
			findings = append(findings, Finding{
				Rule: RuleCodeowners, Severity: Warning, Path: path, Line: n,
				Message: fmt.Sprintf("line %d: %s", n, problem),
			})
			continue
		}
		if extra == 0 {
			firstExtra = n
		}
		extra++
	}
	if extra > 0 {
		findings = append(findings, Finding{
			Rule: RuleCodeowners, Severity: Warning, Path: path, Line: firstExtra,
			Message: fmt.Sprintf("line %d: %d more lines from here on are skipped too and not listed; "+
				"fix the lines above and check again.", firstExtra, extra),
		})
	}
	return o, findings
}

// Rules returns the number of valid rules.
func (o *Owners) Rules() int {
	if o == nil {
		return 0
	}
	return len(o.rules)
}

// Match returns the owners of file ("@org/team", "@user" or an email) and
// the 1-based line of the rule that matched (0 when no rule matched). The last
// matching rule wins; if it has no owners, owners is nil but line is its line.
// file is repo-relative with forward slashes; matching is case-sensitive.
func (o *Owners) Match(file string) (owners []string, line int) {
	if o == nil {
		return nil, 0
	}
	file = strings.TrimPrefix(file, "/")
	for i := len(o.rules) - 1; i >= 0; i-- {
		r := &o.rules[i]
		if r.literal != "" && !strings.Contains(file, r.literal) {
			continue
		}
		if r.match(file) {
			return slices.Clone(r.owners), r.line
		}
	}
	return nil, 0
}

const codeownersSkipped = " GitHub skips this line, so the files it names have no owner from it."

// parseCodeownersLine splits a line (without its line ending) into a pattern
// and owners. A blank or comment line gives "", nil, "". problem, when not
// empty, says why GitHub would skip the line and how to fix it.
func parseCodeownersLine(line string) (pattern string, owners []string, problem string) {
	if len(line) > maxCodeownersLine {
		return "", nil, fmt.Sprintf("the line is %d bytes long; clearance skips lines over %d bytes "+
			"(GitHub may not). Shorten it, for example by naming a team instead of many people.",
			len(line), maxCodeownersLine)
	}
	if !utf8.ValidString(line) {
		return "", nil, "the line is not valid UTF-8; save CODEOWNERS as UTF-8. clearance skips this line."
	}
	i := skipCodeownersSpace(line, 0)
	if i == len(line) || line[i] == '#' {
		return "", nil, ""
	}
	start := i
	for i < len(line) && !isCodeownersSpace(line[i]) {
		if line[i] == '\\' && i+1 < len(line) {
			i++ // an escaped byte, a space included, belongs to the pattern
		}
		i++
	}
	pattern = line[start:i]
	var bad []string
	for {
		i = skipCodeownersSpace(line, i)
		if i == len(line) || line[i] == '#' { // '#' after a space starts a comment
			break
		}
		start = i
		for i < len(line) && !isCodeownersSpace(line[i]) {
			i++
		}
		tok := line[start:i]
		owner, ok := codeownersOwner(tok)
		if !ok {
			bad = append(bad, tok)
		} else if !slices.Contains(owners, owner) {
			owners = append(owners, owner)
		}
	}
	if p := codeownersPatternProblem(pattern); p != "" {
		return "", nil, p + codeownersSkipped
	}
	if len(bad) > 0 {
		return "", nil, codeownersOwnerProblem(bad) + codeownersSkipped
	}
	if w := codeownersWildcards(pattern); w > maxCodeownersWildcards {
		return "", nil, fmt.Sprintf("%q has %d wildcards; clearance skips patterns with more than %d "+
			"(GitHub may not). Use fewer, for example one ** instead of several.", pattern, w, maxCodeownersWildcards)
	}
	return pattern, owners, ""
}

func isCodeownersSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func skipCodeownersSpace(s string, i int) int {
	for i < len(s) && isCodeownersSpace(s[i]) {
		i++
	}
	return i
}

// codeownersEmail is wider than hmarr's email pattern, whose top-level domain
// stops at 6 letters (so it would reject name@example.engineering).
var codeownersEmail = regexp.MustCompile(`\A[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,63}\z`)

// codeownersOwner checks one owner token and returns it as Match reports it.
func codeownersOwner(tok string) (string, bool) {
	for _, m := range codeowners.DefaultOwnerMatchers {
		if o, err := m.Match(tok); err == nil {
			return o.String(), true
		} else if !errors.Is(err, codeowners.ErrNoMatch) {
			return "", false
		}
	}
	if codeownersEmail.MatchString(tok) {
		return tok, true
	}
	return "", false
}

func codeownersOwnerProblem(bad []string) string {
	quoted := make([]string, len(bad))
	for i, b := range bad {
		quoted[i] = fmt.Sprintf("%q", b)
	}
	what := quoted[0] + " is not a valid owner"
	if len(bad) > 1 {
		what = strings.Join(quoted, ", ") + " are not valid owners"
	}
	hint := ""
	if len(bad) == 1 && isCodeownersName(bad[0]) {
		hint = fmt.Sprintf(" (did you mean %q?)", "@"+bad[0])
	}
	return what + "; write @user, @org/team or an email address" + hint + "."
}

func isCodeownersName(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '/' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// codeownersPatternProblem reports gitignore syntax that CODEOWNERS lacks.
func codeownersPatternProblem(p string) string {
	q := fmt.Sprintf("%q", p)
	switch {
	case strings.HasPrefix(p, "!"):
		return q + " starts with !, but CODEOWNERS has no negation; to leave files without an owner, " +
			"put their pattern on a later line with no owners."
	case strings.HasPrefix(p, `\#`):
		return q + ` starts with \#, an escape CODEOWNERS does not support; write ? in place of the # ` +
			"(it matches any one character)."
	case strings.Contains(p, "["):
		return q + " uses [ ], which CODEOWNERS does not support; write ? in place of each literal " +
			"bracket, or put each alternative on its own line."
	case strings.Contains(p, "***"):
		return q + " contains ***, which is not a valid wildcard; use ** for any number of folders " +
			"or * for part of a name."
	case (len(p)-len(strings.TrimRight(p, `\`)))%2 == 1:
		return q + ` ends with a lone \; remove it, or write "\ " for a space in a file name.`
	}
	return ""
}

// codeownersWildcards counts the unescaped ? and runs of * in p.
func codeownersWildcards(p string) int {
	n, esc := 0, false
	for i := 0; i < len(p); i++ {
		switch {
		case esc:
			esc = false
		case p[i] == '\\':
			esc = true
		case p[i] == '?', p[i] == '*' && (i == 0 || p[i-1] != '*'):
			n++
		}
	}
	return n
}

// compileCodeownersPattern prepares a valid pattern for matching.
func compileCodeownersPattern(p string) codeownersRule {
	r := codeownersRule{pattern: p, literal: codeownersLiteral(p)}
	if p == "/" { // matches nothing (and hmarr's matcher would panic on it)
		r.match = func(string) bool { return false }
		return r
	}
	if hmarrAccepts(p) {
		rs, err := codeowners.ParseFile(strings.NewReader(p + " @clearance"))
		if err == nil && len(rs) == 1 && rs[0].RawPattern() == p {
			rule := rs[0]
			r.match = func(path string) bool {
				ok, _ := rule.Match(path)
				return ok
			}
			r.lib = true
			return r
		}
	}
	re := codeownersRegexp(p)
	r.match = re.MatchString
	return r
}

// hmarrAccepts reports whether hmarr/codeowners v1.2.1 parses p as a pattern
// unchanged: ASCII letters, digits, "*?./@_+-\()" and escaped spaces or tabs.
func hmarrAccepts(p string) bool {
	esc := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("*?./@_+-()", c) >= 0:
		case c == '\\':
			esc = !esc
			continue
		case (c == ' ' || c == '\t') && esc:
		default:
			return false
		}
		esc = false
	}
	return true
}

// codeownersRegexp translates a pattern the way hmarr/codeowners does, but
// for any characters: a leading "/" or an inner "/" anchors the pattern at
// the root, otherwise it matches at any depth; "*" and "?" stay within a
// folder name, "**" spans folders; a trailing "/" matches only what is below
// the folder; a last segment other than a lone "*" also matches below it.
func codeownersRegexp(p string) *regexp.Regexp {
	segs := strings.Split(p, "/")
	if segs[0] == "" {
		segs = segs[1:]
	} else if (len(segs) == 1 || len(segs) == 2 && segs[1] == "") && segs[0] != "**" {
		segs = append([]string{"**"}, segs...)
	}
	if len(segs) > 1 && segs[len(segs)-1] == "" {
		segs[len(segs)-1] = "**"
	}
	var b strings.Builder
	b.WriteString(`\A`)
	last := len(segs) - 1
	slash := false // a "/" is needed before the next segment
	for i, s := range segs {
		switch {
		case s == "**" && i == 0 && i == last:
			b.WriteString(`.+`)
		case s == "**" && i == 0:
			b.WriteString(`(?:.+/)?`)
			slash = false
		case s == "**" && i == last:
			b.WriteString(`/.*`)
		case s == "**":
			b.WriteString(`(?:/.+)?`)
			slash = true
		default:
			if slash {
				b.WriteByte('/')
			}
			slash = true
			if s == "*" {
				b.WriteString(`[^/]+`)
				continue
			}
			esc := false
			for _, c := range s {
				switch {
				case esc:
					b.WriteString(regexp.QuoteMeta(string(c)))
					esc = false
				case c == '\\':
					esc = true
				case c == '*':
					b.WriteString(`[^/]*`)
				case c == '?':
					b.WriteString(`[^/]`)
				default:
					b.WriteString(regexp.QuoteMeta(string(c)))
				}
			}
			if i == last {
				b.WriteString(`(?:/.*)?`)
			}
		}
	}
	b.WriteString(`\z`)
	re, err := regexp.Compile(b.String())
	if err != nil { // not expected: every character is quoted
		return regexp.MustCompile(`\A\z.`) // matches nothing
	}
	return re
}

// codeownersLiteral returns the longest run of literal characters within one
// folder name of p: any path p matches contains it.
func codeownersLiteral(p string) string {
	best, cur := "", []byte(nil)
	flush := func() {
		if len(cur) > len(best) {
			best = string(cur)
		}
		cur = cur[:0]
	}
	esc := false
	for _, c := range p {
		switch {
		case esc && c != '/':
			cur = utf8.AppendRune(cur, c)
			esc = false
		case esc, c == '*', c == '?', c == '/':
			flush()
			esc = false
		case c == '\\':
			esc = true
		default:
			cur = utf8.AppendRune(cur, c)
		}
	}
	flush()
	return best
}
