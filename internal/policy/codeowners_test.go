package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// codeownersTable is hmarr/codeowners' pattern table (MIT, licence beside it).
type codeownersCase struct {
	Name    string          `json:"name"`
	Pattern string          `json:"pattern"`
	Paths   map[string]bool `json:"paths"`
}

func loadCodeownersTable(t testing.TB) []codeownersCase {
	t.Helper()
	data, err := os.ReadFile("testdata/codeowners/patterns.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []codeownersCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("empty pattern table")
	}
	return cases
}

func TestCodeownersPatternTable(t *testing.T) {
	for _, c := range loadCodeownersTable(t) {
		t.Run(c.Name, func(t *testing.T) {
			if strings.Contains(c.Pattern, "[") {
				// hmarr's main branch matches [ ] literally (for Next.js
				// routes). GitHub documents that "[ ] to define a character
				// range" does not work in CODEOWNERS and that lines with
				// invalid syntax are skipped, so clearance skips such a line
				// with a warning telling the author to write ? instead.
				_, fs := ParseCodeowners("CODEOWNERS", []byte(c.Pattern+" @o"))
				if len(fs) != 1 || fs[0].Line != 1 {
					t.Errorf("want one finding on line 1, got %v", fs)
				}
				t.Skip("[ ] is unsupported in GitHub CODEOWNERS; clearance skips the line")
			}
			o, fs := ParseCodeowners("CODEOWNERS", []byte(c.Pattern+" @o"))
			if len(fs) != 0 || o.Rules() != 1 {
				t.Fatalf("pattern %q: %d rules, findings %v", c.Pattern, o.Rules(), fs)
			}
			for path, want := range c.Paths {
				owners, line := o.Match(path)
				if got := owners != nil; got != want {
					t.Errorf("pattern %q, path %q: matched %v, want %v", c.Pattern, path, got, want)
				}
				if want && (line != 1 || !slices.Equal(owners, []string{"@o"})) {
					t.Errorf("pattern %q, path %q: got %v line %d", c.Pattern, path, owners, line)
				}
			}
		})
	}
}

// The fallback matcher (used for patterns hmarr cannot parse) must agree
// with hmarr's on the whole table, brackets included.
func TestCodeownersFallbackMatchesTable(t *testing.T) {
	for _, c := range loadCodeownersTable(t) {
		re := codeownersRegexp(c.Pattern)
		for path, want := range c.Paths {
			if got := re.MatchString(path); got != want {
				t.Errorf("%s: pattern %q, path %q: got %v, want %v", c.Name, c.Pattern, path, got, want)
			}
		}
	}
}

type codeownersWant struct {
	path   string
	owners []string
	line   int
}

func checkCodeownersMatches(t *testing.T, o *Owners, wants []codeownersWant) {
	t.Helper()
	for _, w := range wants {
		owners, line := o.Match(w.path)
		if !slices.Equal(owners, w.owners) || line != w.line || (w.owners == nil) != (owners == nil) {
			t.Errorf("Match(%q) = %q, %d; want %q, %d", w.path, owners, line, w.owners, w.line)
		}
	}
}

func TestCodeownersMatching(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		wants []codeownersWant
	}{
		{
			name: "last match wins",
			file: "* @all\n/docs/ @docs\n*.md @writers\n/docs/legal/ @legal\n",
			wants: []codeownersWant{
				{"main.go", []string{"@all"}, 1},
				{"docs/a.txt", []string{"@docs"}, 2},
				{"docs/a.md", []string{"@writers"}, 3},
				{"README.md", []string{"@writers"}, 3},
				{"docs/legal/terms.md", []string{"@legal"}, 4},
			},
		},
		{
			name: "a rule with no owners makes paths unowned",
			file: "* @all\n/vendor/\n/vendor/ours/ @org/core\n",
			wants: []codeownersWant{
				{"x.go", []string{"@all"}, 1},
				{"vendor/lib/a.go", nil, 2},
				{"vendor/ours/a.go", []string{"@org/core"}, 3},
			},
		},
		{
			name: "no rule matches",
			file: "/docs/ @docs\n",
			wants: []codeownersWant{
				{"src/a.go", nil, 0},
				{"docs", nil, 0},
			},
		},
		{
			name: "GitHub's documented examples",
			file: "docs/* docs@example.com\n**/logs @octo/logs\n/build/logs/ @doctocat\napps/ @octocat\n/scripts/ @doctocat @octocat\n",
			wants: []codeownersWant{
				{"docs/getting-started.md", []string{"docs@example.com"}, 1},
				{"docs/build-app/troubleshooting.md", nil, 0},
				{"build/logs/a.log", []string{"@doctocat"}, 3},
				{"build/logs/deep/a.log", []string{"@doctocat"}, 3},
				{"src/build/logs/a.log", []string{"@octo/logs"}, 2},
				{"apps/x.go", []string{"@octocat"}, 4},
				{"web/apps/x.go", []string{"@octocat"}, 4},
				{"deploy/logs/x", []string{"@octo/logs"}, 2},
				{"scripts/run.sh", []string{"@doctocat", "@octocat"}, 5},
			},
		},
		{
			name: "case-sensitive",
			file: "/Docs/ @a\n*.MD @b\n",
			wants: []codeownersWant{
				{"docs/x", nil, 0},
				{"Docs/x", []string{"@a"}, 1},
				{"x.md", nil, 0},
				{"x.MD", []string{"@b"}, 2},
			},
		},
		{
			name: "users, teams and emails; duplicates dropped",
			file: "* @user-1 @my-org/team_a someone@example.gov.uk x@example.engineering @user-1\n",
			wants: []codeownersWant{
				{"a", []string{"@user-1", "@my-org/team_a", "someone@example.gov.uk", "x@example.engineering"}, 1},
			},
		},
		{
			name: "comments and blank lines",
			file: "# owners\n\n   \n\t# indented comment\n/docs/ @docs # the docs team\nnotes#1 @n\n/src/ @a\t#tab then comment\n*.txt # no owners, only a comment\n",
			wants: []codeownersWant{
				{"docs/a", []string{"@docs"}, 5},
				{"notes#1", []string{"@n"}, 6},
				{"src/a.go", []string{"@a"}, 7},
				{"src/a.txt", nil, 8},
			},
		},
		{
			name: "CRLF and BOM",
			file: "\uFEFF/docs/ @docs\r\n* @all\r\n/src/ @src\r\n",
			wants: []codeownersWant{
				{"x", []string{"@all"}, 2},
				{"src/y", []string{"@src"}, 3},
			},
		},
		{
			name: "BOM on a first-line rule",
			file: "\uFEFF/docs/ @docs\r\n",
			wants: []codeownersWant{
				{"docs/a", []string{"@docs"}, 1},
			},
		},
		{
			name: "spaces and non-ASCII in paths",
			file: "/My\\ Documents/ @a\nfile\\ name.txt @b\n/café/ @c\n*.日本 @d\n/données/*.md @e\nnaïve?.txt @f\n/services/foo:bar/ @g\n/ünïcode/**/x @h\n",
			wants: []codeownersWant{
				{"My Documents/x.doc", []string{"@a"}, 1},
				{"My Documents", nil, 0},
				{"sub/file name.txt", []string{"@b"}, 2},
				{"filename.txt", nil, 0},
				{"café/menu.txt", []string{"@c"}, 3},
				{"cafe/menu.txt", nil, 0},
				{"a/b.日本", []string{"@d"}, 4},
				{"données/é.md", []string{"@e"}, 5},
				{"données/sub/é.md", nil, 0},
				{"naïveé.txt", []string{"@f"}, 6},
				{"naïve.txt", nil, 0},
				{"services/foo:bar/x", []string{"@g"}, 7},
				{"ünïcode/a/b/x", []string{"@h"}, 8},
				{"ünïcode/x", []string{"@h"}, 8},
			},
		},
		{
			name: "leading slash on the path is ignored",
			file: "/docs/ @d\n",
			wants: []codeownersWant{
				{"/docs/a", []string{"@d"}, 1},
			},
		},
		{
			name: "a lone / matches nothing",
			file: "/ @root\n",
			wants: []codeownersWant{
				{"a", nil, 0},
				{"", nil, 0},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, fs := ParseCodeowners(".github/CODEOWNERS", []byte(tt.file))
			if len(fs) != 0 {
				t.Errorf("unexpected findings: %v", fs)
			}
			checkCodeownersMatches(t, o, tt.wants)
		})
	}
}

func TestCodeownersInvalidLines(t *testing.T) {
	file := strings.Join([]string{
		"* @all",                 // 1
		"/docs/ @@policy",        // 2 bad owner
		"/src/ @dev",             // 3
		"!/src/gen/ @nobody",     // 4 negation
		"/apps/[id]/ @web",       // 5 range
		`\#notes @n`,             // 6 \# escape
		"***/*.rb @ruby",         // 7 ***
		"/ops/ policy-team @ops", // 8 owner without @
		"/x/ @a bad@ @b, @c",     // 9 several bad owners
		`/tail\`,                 // 10 lone backslash
		"/docs/ @a#note",         // 11 '#' without a space before is not a comment
		"  # fine",               // 12
		"/src/gen/ @gen",         // 13
	}, "\n")
	o, fs := ParseCodeowners(".github/CODEOWNERS", []byte(file))
	wantFindings := []struct {
		line     int
		contains []string
	}{
		{2, []string{`line 2: "@@policy" is not a valid owner; write @user, @org/team or an email address.`,
			"GitHub skips this line, so the files it names have no owner from it."}},
		{4, []string{`line 4: "!/src/gen/" starts with !`, "no negation", "later line with no owners"}},
		{5, []string{`line 5: "/apps/[id]/" uses [ ]`, "write ? in place of each literal bracket"}},
		{6, []string{`line 6: "\\#notes" starts with \#`, "write ? in place of the #"}},
		{7, []string{`line 7: "***/*.rb" contains ***`, "use **"}},
		{8, []string{`line 8: "policy-team" is not a valid owner`, `(did you mean "@policy-team"?)`}},
		{9, []string{`line 9: "bad@", "@b," are not valid owners`}},
		{10, []string{`line 10: "/tail\\" ends with a lone \`}},
		{11, []string{`line 11: "@a#note" is not a valid owner`}},
	}
	if len(fs) != len(wantFindings) {
		t.Fatalf("got %d findings, want %d: %v", len(fs), len(wantFindings), fs)
	}
	for i, w := range wantFindings {
		f := fs[i]
		if f.Line != w.line || f.Rule != RuleCodeowners || f.Severity != Warning || f.Path != ".github/CODEOWNERS" {
			t.Errorf("finding %d = %+v; want line %d, rule %s, warning, path .github/CODEOWNERS", i, f, w.line, RuleCodeowners)
		}
		for _, s := range w.contains {
			if !strings.Contains(f.Message, s) {
				t.Errorf("finding on line %d: %q lacks %q", f.Line, f.Message, s)
			}
		}
	}
	if o.Rules() != 3 {
		t.Errorf("Rules() = %d, want 3", o.Rules())
	}
	checkCodeownersMatches(t, o, []codeownersWant{
		{"docs/a.md", []string{"@all"}, 1}, // line 2 and 11 skipped
		{"src/main.go", []string{"@dev"}, 3},
		{"src/gen/x.go", []string{"@gen"}, 13},
		{"apps/[id]/page.tsx", []string{"@all"}, 1},
		{"ops/run", []string{"@all"}, 1},
	})
}

func TestCodeownersLimits(t *testing.T) {
	t.Run("long line", func(t *testing.T) {
		file := "* @a\n/" + strings.Repeat("x", maxCodeownersLine) + " @b\n/y/ @c\n"
		o, fs := ParseCodeowners("CODEOWNERS", []byte(file))
		if len(fs) != 1 || fs[0].Line != 2 || !strings.Contains(fs[0].Message, "bytes long") {
			t.Fatalf("findings = %v", fs)
		}
		checkCodeownersMatches(t, o, []codeownersWant{{"y/z", []string{"@c"}, 3}, {"q", []string{"@a"}, 1}})
	})
	t.Run("many wildcards", func(t *testing.T) {
		file := "* @a\n/" + strings.Repeat("*/", maxCodeownersWildcards) + "x?y @b\n/" +
			strings.Repeat("*/", maxCodeownersWildcards-1) + "x\\*y @c\n"
		o, fs := ParseCodeowners("CODEOWNERS", []byte(file))
		if len(fs) != 1 || fs[0].Line != 2 || !strings.Contains(fs[0].Message, "21 wildcards") {
			t.Fatalf("findings = %v", fs)
		}
		if o.Rules() != 2 {
			t.Errorf("Rules() = %d, want 2", o.Rules())
		}
	})
	t.Run("many rules", func(t *testing.T) {
		var b strings.Builder
		for i := 0; i < maxCodeownersRules+10; i++ {
			fmt.Fprintf(&b, "/d%d/ @a\n", i)
		}
		b.WriteString("* @last\n")
		o, fs := ParseCodeowners("CODEOWNERS", []byte(b.String()))
		if len(fs) != 1 || fs[0].Line != maxCodeownersRules+1 || !strings.Contains(fs[0].Message, "at most") {
			t.Fatalf("findings = %v", fs)
		}
		if o.Rules() != maxCodeownersRules {
			t.Errorf("Rules() = %d", o.Rules())
		}
		checkCodeownersMatches(t, o, []codeownersWant{{"d7/x", []string{"@a"}, 8}, {"x", nil, 0}})
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		o, fs := ParseCodeowners("CODEOWNERS", []byte("* @a\n/\xff/ @b\n"))
		if len(fs) != 1 || fs[0].Line != 2 || !strings.Contains(fs[0].Message, "UTF-8") {
			t.Fatalf("findings = %v", fs)
		}
		checkCodeownersMatches(t, o, []codeownersWant{{"\xff/x", []string{"@a"}, 1}})
	})
	t.Run("too large", func(t *testing.T) {
		data := []byte(strings.Repeat("* @a\n", maxCodeownersBytes/5+1))
		o, fs := ParseCodeowners("CODEOWNERS", data)
		if len(fs) != 1 || fs[0].Line != 0 || !strings.Contains(fs[0].Message, "3 MB") || o.Rules() != 0 {
			t.Fatalf("findings = %v, rules %d", fs, o.Rules())
		}
	})
	t.Run("many bad lines", func(t *testing.T) {
		data := []byte("* @a\n" + strings.Repeat("x @@\n", 1000))
		o, fs := ParseCodeowners("CODEOWNERS", data)
		if len(fs) != maxCodeownersFindings+1 {
			t.Fatalf("got %d findings", len(fs))
		}
		last := fs[len(fs)-1]
		want := fmt.Sprintf("line %d: %d more lines", maxCodeownersFindings+2, 1000-maxCodeownersFindings)
		if last.Line != maxCodeownersFindings+2 || !strings.HasPrefix(last.Message, want) {
			t.Errorf("last finding = %+v, want prefix %q", last, want)
		}
		checkCodeownersMatches(t, o, []codeownersWant{{"x", []string{"@a"}, 1}})
	})
	t.Run("empty and nil", func(t *testing.T) {
		o, fs := ParseCodeowners("CODEOWNERS", nil)
		if len(fs) != 0 || o.Rules() != 0 {
			t.Fatalf("findings %v rules %d", fs, o.Rules())
		}
		var none *Owners
		if owners, line := none.Match("a"); owners != nil || line != 0 || none.Rules() != 0 {
			t.Errorf("nil Owners matched %v %d", owners, line)
		}
	})
}

func TestCodeownersMatchReturnsACopy(t *testing.T) {
	o, _ := ParseCodeowners("CODEOWNERS", []byte("* @a @b\n"))
	owners, _ := o.Match("x")
	owners[0] = "@changed"
	if again, _ := o.Match("x"); again[0] != "@a" {
		t.Errorf("Match shares its slice: %v", again)
	}
}

func TestFindCodeowners(t *testing.T) {
	tests := []struct {
		files []string
		want  string
	}{
		{[]string{"CODEOWNERS", "docs/CODEOWNERS", ".github/CODEOWNERS"}, ".github/CODEOWNERS"},
		{[]string{"docs/CODEOWNERS", "CODEOWNERS"}, "CODEOWNERS"},
		{[]string{"docs/CODEOWNERS"}, "docs/CODEOWNERS"},
		{[]string{".gitlab/CODEOWNERS", "codeowners"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		got := FindCodeowners(func(p string) bool { return slices.Contains(tt.files, p) })
		if got != tt.want {
			t.Errorf("FindCodeowners(%v) = %q, want %q", tt.files, got, tt.want)
		}
	}
}

func FuzzParseCodeowners(f *testing.F) {
	f.Add([]byte("* @all\n/docs/ @docs # comment\n*.md @org/writers a@b.io\n"), "docs/a.md")
	f.Add([]byte("\uFEFF/My\\ Files/ @a\r\n/café/**/x @b\r\n!neg @c\n[x] @d\n"), "café/y/x")
	f.Add([]byte("/ @a\n** @b\n**/ @c\n/**/ @d\na/**/**/b @e\n\\\n***\n"), "a/b")
	f.Add([]byte("x\\ \ty @@\n\\#x @a\nfoo\\\\ bar @b\n/\xff @c\n"), "foo\\")
	f.Fuzz(func(t *testing.T, data []byte, file string) {
		o, fs := ParseCodeowners("CODEOWNERS", data)
		lines := strings.Count(string(data), "\n") + 1
		for _, f := range fs {
			if f.Line < 0 || f.Line > lines {
				t.Fatalf("finding line %d outside 0..%d: %v", f.Line, lines, f)
			}
			if f.Rule != RuleCodeowners || f.Severity != Warning || f.Message == "" {
				t.Fatalf("bad finding %+v", f)
			}
		}
		paths := append([]string{file}, strings.Split(string(data), "\n")...)
		for _, p := range paths {
			owners, line := o.Match(p)
			if line < 0 || line > lines || (owners != nil && line == 0) {
				t.Fatalf("Match(%q) = %v, %d", p, owners, line)
			}
		}
		// Where hmarr's matcher is used, the fallback must agree with it.
		for _, r := range o.rules {
			if !r.lib {
				continue
			}
			re := codeownersRegexp(r.pattern)
			for _, p := range paths {
				if strings.Contains(p, "\n") {
					continue
				}
				if a, b := r.match(p), re.MatchString(p); a != b {
					t.Fatalf("pattern %q, path %q: hmarr %v, fallback %v", r.pattern, p, a, b)
				}
				if r.match(p) && r.literal != "" && !strings.Contains(p, r.literal) {
					t.Fatalf("pattern %q matches %q without its literal %q", r.pattern, p, r.literal)
				}
			}
		}
	})
}

func BenchmarkCodeownersMatch(b *testing.B) {
	var file strings.Builder
	file.WriteString("* @org/everyone\n")
	for i := 0; i < 499; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&file, "/team%d/ @org/team-%d\n", i, i)
		case 1:
			fmt.Fprintf(&file, "*.ext%d @user%d\n", i, i)
		case 2:
			fmt.Fprintf(&file, "docs/area%d/** owner%d@example.com\n", i, i)
		case 3:
			fmt.Fprintf(&file, "src/**/mod%d/*.go @org/go-%d\n", i, i)
		case 4:
			fmt.Fprintf(&file, "/données/équipe%d/ @org/fr-%d\n", i, i)
		}
	}
	o, fs := ParseCodeowners("CODEOWNERS", []byte(file.String()))
	if len(fs) != 0 || o.Rules() != 500 {
		b.Fatalf("rules %d, findings %v", o.Rules(), fs)
	}
	paths := make([]string, 1000)
	for i := range paths {
		switch i % 4 {
		case 0:
			paths[i] = fmt.Sprintf("team%d/drafts/post-%d.md", i%500, i)
		case 1:
			paths[i] = fmt.Sprintf("src/a/b/mod%d/file%d.go", i%500, i)
		case 2:
			paths[i] = fmt.Sprintf("docs/area%d/x/y/page%d.ext%d", i%500, i, i%500)
		case 3:
			paths[i] = fmt.Sprintf("données/équipe%d/brouillon-%d.md", i%500, i)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range paths {
			o.Match(p)
		}
	}
}
