package policy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// addExampleSeeds adds the example content repo's files under dir.
func addExampleSeeds(f *testing.F, dir string) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "examples", "content", dir, "*.md"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "examples", "content", dir, "*", "*.md"))
	for _, p := range append(paths, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

// lineCount counts lines the most generous way: YAML also takes a lone
// CR, NEL, LS and PS as line breaks.
func lineCount(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

func FuzzParseDraft(f *testing.F) {
	addExampleSeeds(f, "posts")
	addExampleSeeds(f, "replies")
	for _, s := range []string{
		draftSrc(std, "Bus times change on Monday: https://www.northbridge.gov.uk/buses\n"),
		draftSrc(std+"scenario: pointer\nsources: [published/flood.md]\n", "“We are delighted that these defences are finished.” Cllr Shah.\n"),
		draftSrc("channel: forum\nkind: reply\n", "[See](http://intranet/x) <!-- c --> ![i](https://10.0.0.1/a.png)\n\n> quote\n\n    code\n"),
		"---\nchannel: x\n---",
		"---\r\nchannel: [\r\n---\r\nSECRET\r\n",
		"no front matter\n",
		"---\na: &a [x]\nb: *a\n---\nbody",
		draftSrc(std, "A \u202eecargsid\u202c. d i s g r a c e, sh\\ould <!-- we think --> <!--> #SHAMEONTHEM #wethink2026\n"),
	} {
		f.Add([]byte(s))
	}
	e := engineFor(f, testRepo(nil), testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := lineCount(data)
		d := policy.ParseDraft("posts/a.md", data)
		for _, fd := range d.Findings {
			if fd.Line < 0 || fd.Line > lines {
				t.Fatalf("finding at line %d of a %d-line file: %v", fd.Line, lines, fd)
			}
		}
		for _, w := range d.Words {
			if w.Line < 1 || w.Line > lines || w.Word == "" {
				t.Fatalf("word %+v in a %d-line file", w, lines)
			}
		}
		for _, l := range d.Links {
			if l.Line < 1 || l.Line > lines {
				t.Fatalf("link %+v in a %d-line file", l, lines)
			}
		}
		for _, q := range d.Quotes {
			if q[0] < 0 || q[0] >= q[1] || q[1] > len(d.Words) {
				t.Fatalf("quote %v of %d words", q, len(d.Words))
			}
		}
		for _, path := range []string{"posts/a.md", "replies/a.md"} {
			r := e.Evaluate(path, data)
			if !r.Scenario.Valid() {
				t.Fatalf("scenario %q", r.Scenario)
			}
			if (hasErrorRule(d.Findings, policy.RuleFrontMatter) || hasErrorRule(d.Findings, policy.RuleUnreadable)) && r.Scenario != policy.NewContent {
				t.Fatalf("%s with findings %v", r.Scenario, d.Findings)
			}
			if r.Coverage < 0 || r.Coverage > 1 {
				t.Fatalf("coverage %v", r.Coverage)
			}
			if len(r.Reasons) == 0 {
				t.Fatalf("no reasons")
			}
			for _, fd := range r.Findings {
				if fd.Line < 0 || fd.Line > lines || fd.Message == "" || (fd.Severity != policy.Error && fd.Severity != policy.Warning) {
					t.Fatalf("finding %v in a %d-line file", fd, lines)
				}
			}
		}
	})
}

func hasErrorRule(fs []policy.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Severity == policy.Error {
			return true
		}
	}
	return false
}

func FuzzParseConfig(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("..", "..", "examples", "content", ".github", "clearance.yml")); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"",
		testConfig,
		"thresholds:\n  public_domain_coverage: 1.5\n  pointer_max_words: 2.5\n",
		"roles: [a]\nrequired_roles: [x]\n",
		"channels:\n  x: {max: -1, method: words}\nlabels: {opinion: x}\n",
		"a: &a [x, x]\nb: [*a, *a]\n",
		"drafts: [a, b\n",
		"---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := lineCount(data)
		c, errs := policy.ParseConfig(policy.ConfigPath, data)
		if (c == nil) == (len(errs) == 0) {
			t.Fatalf("config %v with errors %v", c != nil, errs)
		}
		for _, e := range errs {
			if e.Line < 0 || e.Line > lines || e.Msg == "" || e.Path != policy.ConfigPath {
				t.Fatalf("error %v in a %d-line file", e, lines)
			}
		}
		if c == nil {
			return
		}
		th := c.Thresholds
		if th.PublicDomainCoverage <= 0 || th.PublicDomainCoverage > 1 || th.PointerMaxWords < 0 || th.MinMatchWords < 3 ||
			len(c.Drafts) == 0 || len(c.Register) == 0 || len(c.RequiredRoles) == 0 {
			t.Fatalf("config out of range: %+v", c)
		}
		// The engine takes any config ParseConfig accepts.
		e := policy.NewEngine(c, nil, nil, testNow)
		if r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "Bus times: https://www.example.gov.uk/a\n"))); !r.Scenario.Valid() {
			t.Fatalf("scenario %q", r.Scenario)
		}
	})
}

func FuzzParseDocument(f *testing.F) {
	addExampleSeeds(f, "published")
	for _, s := range []string{floodRelease, bridgeRelease, poolRelease, "plain text", "---\npublished_at: x\n---\n", "---\ntitle: [\n---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := lineCount(data)
		doc, words, fs := policy.ParseDocument("published/a.md", data)
		if (doc == nil) != (len(fs) > 0) {
			t.Fatalf("doc %v with findings %v", doc != nil, fs)
		}
		for _, fd := range fs {
			if fd.Line < 0 || fd.Line > lines || fd.Rule != policy.RuleRegister {
				t.Fatalf("finding %v in a %d-line file", fd, lines)
			}
		}
		if doc == nil {
			return
		}
		for _, w := range words {
			if w == "" {
				t.Fatalf("empty word in %q", words)
			}
		}
		// Tokenising the words again gives them back: the register and
		// drafts see the same words.
		if again := text.Words(strings.Join(words, " ")); !slices.Equal(again, words) && len(words) > 0 {
			t.Fatalf("words not stable: %q then %q", words, again)
		}
		// Whatever the document, its own text is found in it.
		if len(words) >= register.GuaranteedRun {
			r := register.New()
			policy.AddToRegister(r, "published/a.md", data)
			if runs := r.Match(words, register.GuaranteedRun, nil, nil); len(runs) == 0 {
				t.Fatalf("document's own words not found")
			}
		}
	})
}
