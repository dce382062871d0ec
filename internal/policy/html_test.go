package policy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// rulesAt lists a result's findings as "rule:line".
func rulesAt(r *policy.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s:%d", f.Rule, f.Line))
	}
	slices.Sort(out)
	return out
}

func draftWords(d *policy.Draft) []string {
	var out []string
	for _, w := range d.Words {
		out = append(out, w.Word)
	}
	return out
}

// Text in raw HTML is text of the post: a comment is removed, but what
// follows it on the line, and the text of an HTML block, is checked.
func TestHTMLTextIsChecked(t *testing.T) {
	e := engineFor(t, testRepo(nil), testNow)
	const fm = "---\nchannel: x\nauthor: Press Office\n---\n"
	for _, c := range []struct {
		name, body string
		want       []string // rule:line, sorted
		scenario   policy.Scenario
	}{
		{"text after a comment on its line",
			"Intro line.\n\n<!-- TODO: check the figure --> Staff can read the guidance at http://192.168.0.1/hr before Monday.\n",
			[]string{"hidden-text:7", "link-insecure:7", "link-internal:7"}, ""},
		{"a comment first",
			"<!-- TODO: check the figure --> Staff can read the guidance at http://intranet.example.gov.uk/hr before Monday.\n",
			[]string{"hidden-text:5", "link-insecure:5", "link-internal:5"}, ""},
		{"a div block",
			"<div>\nStaff can read the guidance at https://10.1.2.3/hr before Monday, you should.\n</div>\n",
			[]string{"link-internal:6"}, policy.NewContent},
		{"an inline link",
			"See <a href=\"https://intranet.example.gov.uk/x\">this</a> page\n",
			[]string{"link-internal:5"}, ""},
		{"an inline link written over lines",
			"Intro.\n\nSee <a\nhref='http://intranet.example.gov.uk/x'>this</a> page\n",
			[]string{"link-insecure:8", "link-internal:8"}, ""}, // the line of href=
		{"an image in a block",
			"<p>\nOur plan.\n<img alt=\"We think this is the best plan ever\"\n  src=\"http://cdn.example.org/a.png\">\n</p>\n",
			[]string{"link-insecure:8"}, policy.NewContent},
		{"an unclosed comment is kept (fail closed)",
			"Hello.\n\n<!-- TODO Staff see http://10.0.0.1/x\n",
			[]string{"link-insecure:7", "link-internal:7"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.Evaluate("posts/a.md", []byte(fm+c.body))
			if got := rulesAt(r); !slices.Equal(got, c.want) {
				t.Errorf("findings %v, want %v\n%v", got, c.want, r.Findings)
			}
			if c.scenario != "" && r.Scenario != c.scenario {
				t.Errorf("scenario %s, want %s: %v", r.Scenario, c.scenario, r.Reasons)
			}
		})
	}
}

func TestHTMLTextKeepsLinesAndDecodes(t *testing.T) {
	src := "---\nchannel: forum\nauthor: A\n---\n" +
		"<div>\n" + // 5
		"<!-- a note\n" + // 6
		"secret words -->\n" + // 7
		"Caf&eacute; &amp; <b>bar</b> open&nbsp;today.\n" + // 8
		"<br>Second line\n" + // 9
		"</div>\n"
	d := policy.ParseDraft("posts/a.md", []byte(src))
	if len(d.Findings) != 0 {
		t.Fatalf("findings %v", d.Findings)
	}
	if !strings.Contains(d.Plain, "Café & bar open\u00a0today.") || strings.Contains(d.Plain, "secret") || strings.Contains(d.Plain, "<") {
		t.Errorf("Plain = %q", d.Plain)
	}
	lines := map[string]int{}
	hidden := map[string]bool{}
	for _, w := range d.Words {
		lines[w.Word] = w.Line
		hidden[w.Word] = w.Hidden
	}
	if lines["bar"] != 8 || lines["today"] != 8 || lines["second"] != 9 {
		t.Errorf("word lines %v", lines)
	}
	// A comment is not posted, but its words are read, as hidden words,
	// on their lines.
	if lines["note"] != 6 || lines["secret"] != 7 || !hidden["secret"] || hidden["bar"] {
		t.Errorf("a comment's words: lines %v, hidden %v", lines, hidden)
	}
	if len(d.Comments) != 1 || d.Comments[0].Line != 6 || !strings.Contains(d.Comments[0].Text, "secret words") {
		t.Errorf("comments %+v", d.Comments)
	}
}
